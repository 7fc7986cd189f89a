from odoo.tests import HttpCase, tagged

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestBackendTour(PersonalShopperCommon, HttpCase):
    """The staff screens load and work in the real web client."""

    def test_backend_screens(self):
        self.staff_user.groups_id |= self.env.ref(
            "personal_shopper.group_personal_shopper_manager"
        )
        self.customer.name = "Backend Tour Customer"
        self.shop_us.name = "Backend Tour Shop"
        requested = self._make_order("proforma_requested")
        payer = self.customer.copy({"name": "Backend Tour Payer"})
        to_check = self._make_order("deposit_pending", partner=payer)
        proof = self._submit_proof(to_check)

        self.start_tour(
            "/odoo/action-personal_shopper.action_personal_shopper_order",
            "personal_shopper_backend",
            login=self.staff_user.login,
        )
        fee_product = self.company.ps_service_fee_product_id
        self.assertTrue(
            requested.order_line.filtered(lambda line: line.product_id == fee_product)
        )
        self.assertEqual(proof.state, "submitted")
