from odoo.exceptions import UserError
from odoo.tests import tagged

from .logistics_common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestTransportRules(LogisticsCommon):
    """The actual transport is priced by Odoo's delivery rules from the
    chargeable weight, with the zone, the minimum and the insurance."""

    def setUp(self):
        super().setUp()
        self.paris = self.customer
        self.new_york = self.env["res.partner"].create(
            {"name": "NY customer", "country_id": self.env.ref("base.us").id}
        )

    def test_volumetric_vs_actual_weight(self):
        # 50 x 50 x 40 cm = 100000 cm3 / 5000 = 20 kg volumetric
        rate = self.air_europe._ps_rate(10.0, 100000.0, partner=self.paris)
        self.assertAlmostEqual(rate["volumetric_weight"], 20.0)
        self.assertAlmostEqual(rate["chargeable_weight"], 20.0)
        self.assertAlmostEqual(rate["total"], 160.0)
        # heavier than its volume: the actual weight is charged
        rate = self.air_europe._ps_rate(25.0, 100000.0, partner=self.paris)
        self.assertAlmostEqual(rate["chargeable_weight"], 25.0)
        self.assertAlmostEqual(rate["total"], 200.0)
        # the same parcel by sea (divisor 1000): 100 kg volumetric
        rate = self.sea_americas._ps_rate(10.0, 100000.0, partner=self.new_york)
        self.assertAlmostEqual(rate["chargeable_weight"], 100.0)
        self.assertAlmostEqual(rate["total"], 600.0)
        note = self.air_europe._ps_rate_note(self.air_europe._ps_rate(10.0, 100000.0))
        self.assertIn("chargeable weight 20.00 kg", note)
        self.assertIn("actual 10.00 kg", note)
        self.assertIn("5,000", note)

    def test_zone_and_minimum(self):
        with self.assertRaisesRegex(UserError, "does not deliver"):
            self.air_europe._ps_rate(2.0, 0.0, partner=self.new_york)
        with self.assertRaisesRegex(UserError, "does not deliver"):
            self.sea_americas._ps_rate(2.0, 0.0, partner=self.paris)
        # 2 kg x 8 = 16, below the minimum charge of 30
        rate = self.air_europe._ps_rate(2.0, 0.0, partner=self.paris)
        self.assertTrue(rate["minimum_applied"])
        self.assertAlmostEqual(rate["total"], 30.0)
        self.assertIn("minimum charge", self.air_europe._ps_rate_note(rate))
        # tiered rules: the first matching one (Odoo's order)
        rate = self.sea_americas._ps_rate(4.0, 0.0, partner=self.new_york)
        self.assertAlmostEqual(rate["total"], 60.0)  # 20 + 4 x 10
        rate = self.sea_americas._ps_rate(10.0, 0.0, partner=self.new_york)
        self.assertAlmostEqual(rate["total"], 60.0)  # 10 x 6
        self.assertIn(
            "if weight <= 1000.00 then", self.sea_americas._ps_rate_note(rate)
        )
        with self.assertRaisesRegex(UserError, "No price rule"):
            self.sea_americas._ps_rate(2000.0, 0.0, partner=self.new_york)

    def test_insurance(self):
        rate = self.air_europe._ps_rate(5.0, 0.0, declared_value=500.0, insured=True)
        self.assertAlmostEqual(rate["freight"], 40.0)
        self.assertAlmostEqual(rate["insurance"], 10.0)  # 2 % of 500
        self.assertAlmostEqual(rate["total"], 50.0)
        self.assertIn("insurance 2", self.air_europe._ps_rate_note(rate))
        rate = self.air_europe._ps_rate(5.0, 0.0, declared_value=100.0, insured=True)
        self.assertAlmostEqual(rate["insurance"], 5.0)  # 2 is below the minimum
        rate = self.air_europe._ps_rate(5.0, 0.0, declared_value=500.0)
        self.assertAlmostEqual(rate["insurance"], 0.0)  # not insured

    def test_final_invoice_bills_the_rule(self):
        order = self._make_order("purchased")
        self._receive(order, 6.0, (40.0, 30.0, 20.0))  # 24000 cm3: 4.8 kg
        order.with_user(self.staff_user).action_ps_shipment()
        self._ship(order.ps_shipment_id)
        order.ps_shipment_id.with_user(self.staff_user).action_arrive()
        self.assertEqual(order.ps_stage, "arrived")
        self.assertTrue(order.ps_transport_by_rule)
        self.assertAlmostEqual(order.ps_chargeable_weight, 6.0)
        self.assertAlmostEqual(order.ps_transport_rule_amount, 48.0)
        self.assertIn("PS Air Europe", order.ps_transport_rule_note)
        order.with_user(self.staff_user).action_ps_issue_final_invoice()
        invoice = order.ps_final_invoice_id
        line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.company.ps_transport_product_id
        )
        self.assertEqual(len(line), 1)
        self.assertAlmostEqual(line.price_unit, 48.0)
        self.assertIn("chargeable weight 6.00 kg", line.name)
        self.assertIn("if weight <= 1000.00 then", line.name)

    def test_typed_transport_overrides_with_a_reason(self):
        order = self._make_order("purchased")
        self._receive(order, 6.0)
        order.with_user(self.staff_user).action_ps_shipment()
        self._ship(order.ps_shipment_id)
        order.ps_shipment_id.with_user(self.staff_user).action_arrive()
        order.with_user(self.staff_user).ps_transport_final = 35.0
        with self.assertRaisesRegex(UserError, "give the reason"):
            order.with_user(self.staff_user).action_ps_issue_final_invoice()
        order.with_user(
            self.staff_user
        ).ps_transport_override_reason = "Carrier's discount"
        order.with_user(self.staff_user).action_ps_issue_final_invoice()
        line = order.ps_final_invoice_id.invoice_line_ids.filtered(
            lambda line: line.product_id == self.company.ps_transport_product_id
        )
        self.assertAlmostEqual(line.price_unit, 35.0)
        self.assertIn("Carrier's discount", line.name)
