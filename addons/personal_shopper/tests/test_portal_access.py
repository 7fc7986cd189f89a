from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PDF_DATA, PNG_DATA, PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(HttpCase, PersonalShopperCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_user = new_test_user(
            cls.env,
            login="ps_other",
            name="Oscar Other",
            email="oscar.other@example.com",
            groups="base.group_portal",
        )

    def _post(self, path, /, files=None, **data):
        return self.url_open(
            path,
            data={"csrf_token": http.Request.csrf_token(self), **data},
            files=files,
        )

    def _upload(self, order, data=PNG_DATA, name="receipt.png", **values):
        return self._post(
            f"/my/orders/{order.id}/ps_proof",
            files={"proof_file": (name, data, "application/octet-stream")},
            **values,
        )

    # ------------------------------------------------------------------
    # Another customer
    # ------------------------------------------------------------------
    def test_foreign_cart_lines(self):
        cart = self._make_cart()
        line = cart.order_line[0]
        self.authenticate("ps_other", "ps_other")
        response = self._post(f"/my/cart/line/{line.id}/update", quantity="7")
        self.assertEqual(response.status_code, 404)
        response = self._post(f"/my/cart/line/{line.id}/remove")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(line.product_uom_qty, 1)
        self.assertEqual(len(cart.order_line), 2)
        response = self.url_open("/my/cart")
        self.assertNotIn("Article 1", response.text)

    def test_submitted_cart_lines_locked(self):
        order = self._request_proforma(self._make_cart())
        line = order.order_line[0]
        self.authenticate("ps_customer", "ps_customer")
        response = self._post(f"/my/cart/line/{line.id}/update", quantity="7")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(line.product_uom_qty, 1)

    def test_foreign_order_page(self):
        order = self._request_proforma(self._make_cart())
        self.authenticate("ps_other", "ps_other")
        for url in (
            f"/my/orders/{order.id}",
            f"/my/orders/{order.id}?access_token=wrong",
        ):
            response = self.url_open(url)
            self.assertTrue(response.url.endswith("/my"), response.url)
            self.assertNotIn(order.name, response.text)
        # the customer sees it, and so does whoever got the link with its token
        response = self.url_open(order.get_portal_url())
        self.assertIn('id="ps_timeline"', response.text)
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertIn('id="ps_timeline"', response.text)
        self.assertIn('data-stage="proforma_requested"', response.text)
        self.assertIn("Article 1", response.text)

    def test_foreign_order_actions(self):
        order = self._make_order("deposit_pending")
        self.authenticate("ps_other", "ps_other")
        response = self._upload(order)
        self.assertTrue(response.url.endswith("/my"), response.url)
        response = self._upload(order, access_token="wrong")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertFalse(order.ps_proof_ids)
        self.assertEqual(order.ps_stage, "deposit_pending")

        other_order = self._make_order("proforma_sent")
        self._post(f"/my/orders/{other_order.id}/ps_accept")
        self._post(f"/my/orders/{other_order.id}/ps_accept", access_token="wrong")
        self.assertEqual(other_order.ps_stage, "proforma_sent")

    def test_orm_access(self):
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(order)
        other_env = self.env(user=self.other_user)
        with self.assertRaises(AccessError):
            other_env["personal.shopper.payment.proof"].browse(proof.id).read(
                ["amount_declared"]
            )
        with self.assertRaises(AccessError):
            other_env["ir.attachment"].browse(proof.attachment_id.id).read(["datas"])
        with self.assertRaises(AccessError):
            other_env["sale.order"].browse(order.id).read(["name"])
        self.assertFalse(other_env["personal.shopper.payment.proof"].search([]))
        customer_env = self.env(user=self.portal_user)
        self.assertEqual(
            customer_env["personal.shopper.payment.proof"].search([]), proof
        )

    # ------------------------------------------------------------------
    # The customer's own order
    # ------------------------------------------------------------------
    def test_accept_proforma(self):
        order = self._make_order("proforma_sent")
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertIn('id="ps_accept_proforma"', response.text)
        self.assertNotIn('data-bs-target="#modalaccept"', response.text)
        response = self._post(f"/my/orders/{order.id}/ps_accept")
        self.assertIn("message=proforma_accepted", response.url)
        self.assertEqual(order.ps_stage, "deposit_pending")
        self.assertIn('id="ps_payment"', response.text)
        self.assertIn("IBAN FR76", response.text)
        self.assertIn(order.ps_deposit_invoice_id.get_portal_url(), response.text)

    def test_accept_proforma_with_token(self):
        order = self._make_order("proforma_sent")
        self.authenticate(None, None)
        self._post(f"/my/orders/{order.id}/ps_accept", access_token="wrong")
        self.assertEqual(order.ps_stage, "proforma_sent")
        self._post(f"/my/orders/{order.id}/ps_accept", access_token=order.access_token)
        self.assertEqual(order.ps_stage, "deposit_pending")
        self._upload(order, access_token="wrong")
        self.assertFalse(order.ps_proof_ids)
        response = self._upload(order, access_token=order.access_token)
        self.assertIn('id="ps_message_proof_sent"', response.text)
        self.assertEqual(order.ps_proof_ids.source, "portal")
        self.assertEqual(order.ps_stage, "deposit_review")

    def test_accept_expired_proforma(self):
        order = self._make_order("proforma_sent")
        order.validity_date = "2000-01-01"
        self.authenticate("ps_customer", "ps_customer")
        response = self._post(f"/my/orders/{order.id}/ps_accept")
        self.assertIn('id="ps_error"', response.text)
        self.assertIn("This proforma expired on", response.text)
        self.assertEqual(order.ps_stage, "proforma_sent")
        # the error is shown once
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertNotIn('id="ps_error"', response.text)

    def test_upload_proof(self):
        order = self._make_order("deposit_pending")
        residual = order.ps_deposit_invoice_id.amount_residual
        self.authenticate("ps_customer", "ps_customer")
        errors = [
            (
                {"data": b"just some text", "name": "receipt.png"},
                "is not a JPEG, PNG or PDF file",
            ),
            (
                {"data": b"<html><script>alert(1)</script></html>", "name": "x.html"},
                "is not a JPEG, PNG or PDF file",
            ),
            ({"data": b"", "name": "empty.pdf"}, "The file is empty."),
            ({"amount": "0"}, "The amount paid must be more than 0"),
            ({"amount": "-5"}, "The amount paid must be more than 0"),
            ({"amount": "abc"}, "The amount paid must be more than 0"),
            ({"amount": "nan"}, "The amount paid must be more than 0"),
            ({"amount": "1e400"}, "The amount paid must be more than 0"),
            ({"amount": str(residual * 10 + 1)}, "The amount paid must be more than 0"),
        ]
        for values, message in errors:
            with self.subTest(values=values):
                response = self._upload(order, **values)
                self.assertIn('id="ps_error"', response.text)
                self.assertIn(message, response.text)
                self.assertFalse(order.ps_proof_ids)
                self.assertFalse(
                    self.env["ir.attachment"].search(
                        [
                            ("res_model", "=", "sale.order"),
                            ("res_id", "=", order.id),
                            ("name", "in", ("receipt.png", "x.html", "empty.pdf")),
                        ]
                    )
                )
        self.company.ps_proof_max_size = 1
        response = self._upload(
            order, data=PDF_DATA + b"0" * 1024 * 1024, name="big.pdf"
        )
        self.assertIn("The file is too large: 1 MB at most.", response.text)
        self.assertFalse(order.ps_proof_ids)

        response = self._upload(order, amount="12,5", note="Paid by transfer")
        self.assertIn('id="ps_message_proof_sent"', response.text)
        proof = order.ps_proof_ids
        self.assertEqual(len(proof), 1)
        self.assertEqual(
            (proof.amount_declared, proof.source, proof.note, proof.kind),
            (12.5, "portal", "Paid by transfer", "deposit"),
        )
        self.assertEqual(proof.attachment_id.mimetype, "image/png")
        self.assertEqual(order.ps_stage, "deposit_review")
        self.assertIn('id="ps_proofs"', response.text)

        self._upload(order, data=PDF_DATA, name="second.pdf")
        second = order.ps_proof_ids - proof
        self.assertEqual(second.amount_declared, residual)
        self.assertEqual(second.attachment_id.mimetype, "application/pdf")

        # a real picture under a web page's name is served as the picture it is
        self._upload(order, name="receipt.html")
        third = order.ps_proof_ids - proof - second
        self.assertEqual(third.attachment_id.mimetype, "image/png")

    def test_upload_proof_not_expected(self):
        order = self._request_proforma(self._make_cart())
        self.authenticate("ps_customer", "ps_customer")
        response = self._upload(order)
        self.assertIn(
            f"No payment is expected on {order.name} at this stage.", response.text
        )
        self.assertFalse(order.ps_proof_ids)

    def test_rejected_proof_shown(self):
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(order)
        proof.with_user(self.staff_user)._reject("The amount is unreadable")
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertIn("The amount is unreadable", response.text)
        self.assertIn('id="ps_proof_form"', response.text)

    def test_balance_alert_on_home(self):
        order = self._make_order("balance_pending")
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open("/my")
        self.assertIn('id="ps_balance_alert"', response.text)
        self.assertIn(order.name, response.text)
        self.authenticate("ps_other", "ps_other")
        response = self.url_open("/my")
        self.assertNotIn('id="ps_balance_alert"', response.text)
