from odoo.tests import HttpCase, tagged

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestPortalPaymentTour(PersonalShopperCommon, HttpCase):
    """Headless Chromium: the customer accepts the proforma and sends the
    deposit's payment proof from the order page."""

    def test_accept_and_send_proof(self):
        order = self._make_order("proforma_sent")
        self.start_tour(
            order.get_portal_url(),
            "personal_shopper_portal_payment",
            login="ps_customer",
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.ps_deposit_invoice_id.state, "posted")
        self.assertEqual(order.ps_stage, "deposit_review")
        proof = order.ps_proof_ids
        self.assertEqual(len(proof), 1)
        self.assertEqual(
            (proof.kind, proof.source, proof.state), ("deposit", "portal", "submitted")
        )
        self.assertEqual(proof.invoice_id, order.ps_deposit_invoice_id)
        self.assertEqual(
            proof.amount_declared, order.ps_deposit_invoice_id.amount_total
        )
        self.assertEqual(proof.attachment_id.mimetype, "image/png")
        self.assertEqual(proof.file_name, "receipt.png")
