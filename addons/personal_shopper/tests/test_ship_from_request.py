from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .logistics_common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestShipFromRequest(LogisticsCommon):
    """Issue 14: "Mark in transit" on the request form goes through a
    shipment, with its carrier and tracking number."""

    def test_mark_in_transit_opens_a_shipment(self):
        order = self._make_order("purchased")
        self._receive(order, 2.0)
        staff_order = order.with_user(self.staff_user)
        action = staff_order.action_ps_open_shipment()
        self.assertEqual(action["res_model"], "personal.shopper.shipment")
        self.assertFalse(action.get("res_id"))
        # nothing moved nor created yet
        self.assertEqual(order.ps_stage, "purchased")
        self.assertFalse(order.ps_shipment_id)
        Shipment = self.env["personal.shopper.shipment"].with_user(self.staff_user)
        with Form(Shipment.with_context(**action["context"])) as form:
            # prefilled: the request and its customer
            self.assertEqual(form.partner_id, self.customer.commercial_partner_id)
            self.assertEqual(form.order_ids[:], order)
        shipment = form.record
        self.assertEqual(order.ps_shipment_id, shipment)
        # Ship without the carrier and the tracking number is refused
        with self.assertRaisesRegex(UserError, "carrier and the tracking number"):
            shipment.with_context(**action["context"]).action_ship()
        shipment.carrier_id = self.air_europe
        with self.assertRaisesRegex(UserError, "carrier and the tracking number"):
            shipment.with_context(**action["context"]).action_ship()
        self.assertEqual(order.ps_stage, "purchased")
        shipment.tracking_ref = "TRACK777"
        shipment.with_context(**action["context"]).action_ship()
        self.assertEqual(order.ps_stage, "in_transit")
        # the request shows its carrier and tracking
        self.assertEqual(order.ps_carrier_id, self.air_europe)
        self.assertEqual(order.ps_tracking_ref, "TRACK777")
        self.assertIn("TRACK777", order.ps_tracking_url)
        self.assertTrue(
            order.message_ids.filtered(lambda m: "TRACK777" in (m.body or ""))
        )
        # the request form's button calls it
        view = self.env.ref("personal_shopper.sale_order_view_form_personal_shopper")
        arch = self.env["sale.order"].get_view(view.id, "form")["arch"]
        self.assertIn('name="action_ps_open_shipment"', arch)
        self.assertNotIn('name="action_ps_mark_in_transit"', arch)

    def test_open_shipment_only_for_purchased(self):
        order = self._make_order("confirmed")
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_open_shipment()
