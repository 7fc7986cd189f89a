from odoo.exceptions import UserError
from odoo.tests import tagged

from .logistics_common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestShipments(LogisticsCommon):
    """Shipments group requests of one customer; the requests' stages follow
    them and the transport is split or billed on one request."""

    def _two_waiting_requests(self):
        first = self._make_order("purchased")
        second = self._make_order("purchased")
        self._receive(first, 6.0)
        self._receive(second, 2.0)
        return first, second

    def _transport_line(self, order):
        return order.ps_final_invoice_id.invoice_line_ids.filtered(
            lambda line: line.product_id == self.company.ps_transport_product_id
        )

    def test_consolidate_and_split(self):
        first, second = self._two_waiting_requests()
        self.assertEqual(first._ps_consolidation_candidates(), second)
        # what the portal does (sudo, after its ownership check)
        shipment = first.sudo()._ps_consolidate(second.sudo())
        self.assertEqual(shipment.order_ids, first | second)
        self.assertEqual(shipment.partner_id, self.customer)
        self.assertFalse(first._ps_consolidation_candidates())
        self.assertTrue(
            first.activity_ids.filtered(lambda a: "together" in (a.summary or ""))
        )
        self._ship(shipment)
        self.assertEqual(shipment.state, "in_transit")
        self.assertEqual(
            shipment.tracking_url, "https://track.example.com/parcel?number=TRACK123"
        )
        self.assertEqual((first.ps_stage, second.ps_stage), ("in_transit",) * 2)
        # the customer got the tracking number by e-mail
        message = first.message_ids.filtered(lambda m: "TRACK123" in (m.body or ""))
        self.assertTrue(message)
        self.assertIn(self.customer, message.notified_partner_ids)
        shipment.with_user(self.staff_user).action_arrive()
        self.assertEqual((first.ps_stage, second.ps_stage), ("arrived",) * 2)
        # 8 kg x 8 = 64: 6/8 and 2/8 of it
        self.assertAlmostEqual(shipment.transport_amount, 64.0)
        self.assertAlmostEqual(first.ps_transport_rule_amount, 48.0)
        self.assertAlmostEqual(second.ps_transport_rule_amount, 16.0)
        self.assertIn("share", second.ps_transport_rule_note)
        (first | second).with_user(self.staff_user).action_ps_issue_final_invoice()
        self.assertAlmostEqual(self._transport_line(first).price_unit, 48.0)
        self.assertAlmostEqual(self._transport_line(second).price_unit, 16.0)

    def test_consolidate_billed_on_one_request(self):
        self.company.ps_shipment_billing = "single"
        first, second = self._two_waiting_requests()
        shipment = first.sudo()._ps_consolidate(second.sudo())
        self._ship(shipment)
        shipment.with_user(self.staff_user).action_arrive()
        self.assertAlmostEqual(first.ps_transport_rule_amount, 64.0)
        self.assertAlmostEqual(second.ps_transport_rule_amount, 0.0)
        self.assertIn(
            f"Billed with request {first.name}", second.ps_transport_rule_note
        )
        (first | second).with_user(self.staff_user).action_ps_issue_final_invoice()
        self.assertAlmostEqual(self._transport_line(first).price_unit, 64.0)
        self.assertAlmostEqual(self._transport_line(second).price_unit, 0.0)

    def test_stages_follow_the_shipment(self):
        first, second = self._two_waiting_requests()
        shipment = first.sudo()._ps_consolidate(second.sudo())
        # no double entry: the requests' own steps are refused
        with self.assertRaisesRegex(UserError, "follow their shipment"):
            first.with_user(self.staff_user).action_ps_mark_in_transit()
        with self.assertRaisesRegex(UserError, "carrier and the tracking number"):
            shipment.with_user(self.staff_user).action_ship()
        self._ship(shipment)
        self.assertEqual(
            first.ps_stage_history_ids.filtered(
                lambda h: h.stage == "in_transit"
            ).order_id,
            first,
        )
        with self.assertRaisesRegex(UserError, "follow their shipment"):
            second.with_user(self.staff_user).action_ps_mark_arrived()
        # a shipment on its way keeps its requests
        third = self._make_order("purchased")
        with self.assertRaisesRegex(UserError, "has left"):
            third.with_user(self.staff_user).ps_shipment_id = shipment
        shipment.with_user(self.staff_user).action_arrive()
        self.assertEqual(second.ps_stage, "arrived")

    def test_only_the_customers_waiting_requests(self):
        first, _second = self._two_waiting_requests()
        other = self._make_order("purchased", partner=self._new_customer("Olga Other"))
        self._receive(other, 1.0)
        not_received = self._make_order("purchased")
        self.assertNotIn(other, first._ps_consolidation_candidates())
        self.assertNotIn(not_received, first._ps_consolidation_candidates())
        with self.assertRaises(UserError):
            first.sudo()._ps_consolidate(other.sudo())
        with self.assertRaises(UserError):
            first.sudo()._ps_consolidate(not_received.sudo())

    def test_damaged_article_decision(self):
        order = self._make_order("purchased")
        reception = self._receive(order, 1.0, condition="damaged")
        self.assertTrue(reception.decision_needed)
        self.assertEqual(order.ps_decision_count, 1)
        asked = order.message_ids.filtered(lambda m: "Damaged" in (m.body or ""))
        self.assertIn(self.customer, asked.notified_partner_ids)
        # the customer's decision, from the portal
        reception.sudo()._ps_record_decision("refund")
        self.assertEqual(reception.decision, "refund")
        self.assertTrue(reception.decision_date)
        self.assertFalse(reception.decision_needed)
        self.assertTrue(
            order.activity_ids.filtered(lambda a: "decision" in (a.summary or ""))
        )
        with self.assertRaisesRegex(UserError, "No decision is awaited"):
            reception.sudo()._ps_record_decision("accept")
        # a customer cannot record receptions
        with self.assertRaises(Exception):
            self.env["personal.shopper.reception"].with_user(self.portal_user).create(
                {"order_id": order.id, "weight": 1.0}
            )
