"""Paying the deposit and the balance online, with Odoo's payment providers
(account_payment's invoice payment), from the request's page: a done
transaction pays the invoice and moves the request on as an accepted proof
does, with the books balanced; a failed one leaves the request as it was,
with a message on its page.

Needs Odoo's demo provider (``payment_demo``, installed for the tests only:
tests/harness.py TEST_MODULES)."""

from odoo.tests import HttpCase, tagged

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestOnlinePayment(HttpCase, PersonalShopperCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env["ir.module.module"]._get("payment_demo").state != "installed":
            # never a silent skip: the test harness installs it
            raise AssertionError(
                "payment_demo (Odoo's demo payment provider) is not installed: "
                "install it with the addon to run these tests"
            )
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        # the only provider offered, in test mode, paid into the bank journal
        cls.env["payment.provider"].search(
            [("id", "!=", cls.provider.id), ("state", "!=", "disabled")]
        ).state = "disabled"
        cls.provider.write(
            {
                "state": "test",
                "is_published": True,
                "company_id": cls.company.id,
            }
        )
        cls.provider.journal_id = cls.bank_journal
        cls.payment_method = cls.env.ref("payment_demo.payment_method_demo")

    def _receivable_balance(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def _pay_online(self, order, simulated_state):
        """What the payment form of the request's page does: create the
        transaction on the invoice due (account_payment's route), pay with the
        demo provider, then land back (Odoo's /payment/status polling runs
        the post-processing)."""
        invoice = order._ps_expected_proof()[1]
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(order.get_portal_url()).text
        self.assertIn('id="ps_pay_online_button"', page)
        self.assertIn(f"/invoice/transaction/{invoice.id}", page)
        processing_values = self.make_jsonrpc_request(
            f"/invoice/transaction/{invoice.id}",
            {
                "access_token": invoice._portal_ensure_token(),
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "token_id": None,
                "amount": invoice.amount_residual,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "is_validation": False,
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": processing_values["reference"],
                "payment_details": "4242",
                "simulated_state": simulated_state,
            },
        )
        status = self.make_jsonrpc_request("/payment/status/poll")
        tx = self.env["payment.transaction"].search(
            [("reference", "=", processing_values["reference"])]
        )
        self.assertEqual(tx.invoice_ids, invoice)
        order.invalidate_recordset()
        return tx, status

    def test_deposit_paid_online_confirms_the_request(self):
        order = self._make_order("deposit_pending")
        deposit = order.ps_deposit_invoice_id
        tx, status = self._pay_online(order, "done")
        self.assertEqual(tx.state, "done")
        self.assertEqual(status.get("landing_route"), order.get_portal_url())
        # account_payment paid the invoice with an Odoo payment
        self.assertTrue(tx.payment_id)
        self.assertEqual(tx.payment_id.journal_id, self.bank_journal)
        self.assertIn(deposit.payment_state, ("paid", "in_payment"))
        # the request moved on as with an accepted proof
        self.assertEqual(order.ps_stage, "confirmed")
        self.assertIn(
            "Buy the articles", " ".join(order.activity_ids.mapped("summary"))
        )
        self.assertAlmostEqual(self._receivable_balance(self.customer), 0.0)
        # the customer lands on the request's page: thanked
        page = self.url_open(order.get_portal_url()).text
        self.assertIn('id="ps_online_payment_done"', page)
        self.assertNotIn('id="ps_pay_online_button"', page)

    def test_pay_deposit_online_in_the_browser(self):
        """Headless Chromium: the payment form of the request's page."""
        order = self._make_order("deposit_pending")
        self.start_tour(
            order.get_portal_url(),
            "personal_shopper_online_payment",
            login="ps_customer",
        )
        tx = order.ps_deposit_invoice_id.transaction_ids
        self.assertEqual(tx.state, "done")
        self.assertIn(order.ps_deposit_invoice_id.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.ps_stage, "confirmed")

    def test_balance_paid_online(self):
        order = self._make_order("balance_pending")
        tx, _status = self._pay_online(order, "done")
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.ps_stage, "ready")
        self.assertAlmostEqual(self._receivable_balance(self.customer), 0.0)

    def test_failed_online_payment_leaves_the_request(self):
        order = self._make_order("deposit_pending")
        deposit = order.ps_deposit_invoice_id
        tx, _status = self._pay_online(order, "cancel")
        self.assertEqual(tx.state, "cancel")
        self.assertFalse(tx.payment_id)
        self.assertEqual(deposit.payment_state, "not_paid")
        self.assertEqual(order.ps_stage, "deposit_pending")
        page = self.url_open(order.get_portal_url()).text
        self.assertIn('id="ps_online_payment_failed"', page)
        # the customer may pay again, online or by transfer with a proof
        self.assertIn('id="ps_pay_online_button"', page)
        self.assertIn('id="ps_proof_form"', page)

    def test_pending_online_payment_is_shown(self):
        order = self._make_order("deposit_pending")
        tx, _status = self._pay_online(order, "pending")
        self.assertEqual(tx.state, "pending")
        self.assertEqual(order.ps_stage, "deposit_pending")
        page = self.url_open(order.get_portal_url()).text
        self.assertIn('id="ps_online_payment_pending"', page)
        # no second payment while one is pending (account_payment's rule)
        self.assertNotIn('id="ps_pay_online_button"', page)
