"""The request follows the books: Odoo's paid-invoice hook, unreconciled and
cancelled payments, overpayments kept as credit, invoices sent the Odoo way,
cancellation by credit notes on a hash-locked journal."""

from odoo.tests import tagged

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestPaymentsBooks(PersonalShopperCommon):
    def _receivable_balance(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def _register_in_invoicing(self, invoice, amount=None):
        """The accountant registers a payment on the invoice (Invoicing)."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount or invoice.amount_residual,
                    "journal_id": self.bank_journal.id,
                }
            )
        )
        return wizard._create_payments()

    def test_payment_in_invoicing_moves_the_request(self):
        order = self._make_order("deposit_pending")
        self._register_in_invoicing(order.ps_deposit_invoice_id)
        self.assertEqual(order.ps_stage, "confirmed")

    def test_unreconciled_payment_moves_the_request_back(self):
        order = self._make_order("confirmed")
        deposit = order.ps_deposit_invoice_id
        self.assertIn(deposit.payment_state, ("paid", "in_payment"))
        deposit.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self.assertEqual(order.ps_stage, "deposit_pending")
        self.assertEqual(order.ps_stage_history_ids[-1].stage, "deposit_pending")
        # staff are told, and the customer too (stage e-mail)
        self.assertIn("Payment undone", " ".join(order.activity_ids.mapped("summary")))
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: (
                    m.subtype_id == self.env.ref("mail.mt_comment")
                    and "Awaiting deposit" in (m.subject or "")
                )
            )
        )
        # paid again: on again
        self._register_in_invoicing(deposit)
        self.assertEqual(order.ps_stage, "confirmed")

    def test_cancelled_payment_moves_the_request_back(self):
        order = self._make_order("ready")
        payment = order.ps_proof_ids.filtered(lambda p: p.kind == "balance").payment_id
        payment.action_draft()
        payment.action_cancel()
        self.assertEqual(order.ps_stage, "balance_pending")

    def test_payment_undone_after_purchase_warns_staff(self):
        order = self._make_order("purchased")
        order.ps_deposit_invoice_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        # the articles are bought: the stage stays, staff get a to-do
        self.assertEqual(order.ps_stage, "purchased")
        self.assertIn("Payment undone", " ".join(order.activity_ids.mapped("summary")))

    def test_overpayment_is_credit_used_on_the_final_invoice(self):
        order = self._make_order("deposit_pending")
        deposit = order.ps_deposit_invoice_id
        surplus = 25.0
        proof = self._pay_with_proof(order, amount=deposit.amount_total + surplus)
        self.assertEqual(proof.payment_id.amount, deposit.amount_total + surplus)
        self.assertEqual(order.ps_stage, "confirmed")
        # the surplus is the customer's credit, visible in Invoicing
        self.assertAlmostEqual(self._receivable_balance(self.customer), -surplus)
        self._mark_purchased(order)
        for step in ("in_transit", "arrived"):
            getattr(order.with_user(self.staff_user), f"action_ps_mark_{step}")()
        order.with_user(self.staff_user).action_ps_issue_final_invoice()
        final = order.ps_final_invoice_id
        self.assertAlmostEqual(
            final.amount_residual, final.amount_total - surplus, places=2
        )
        self._pay_with_proof(order)
        self.assertEqual(order.ps_stage, "ready")
        self.assertAlmostEqual(self._receivable_balance(self.customer), 0.0)

    def test_invoices_sent_the_odoo_way(self):
        order = self._make_order("deposit_pending")
        deposit = order.ps_deposit_invoice_id
        self.assertTrue(deposit.is_move_sent)
        self.assertTrue(deposit.invoice_pdf_report_id)
        self.assertTrue(
            deposit.message_ids.filtered(
                lambda m: self.customer in m.partner_ids and m.attachment_ids
            ),
            "the customer got the invoice by e-mail with its PDF",
        )
        order = self._make_order("balance_pending", partner=self._new_customer("B"))
        self.assertTrue(order.ps_final_invoice_id.is_move_sent)
        self.assertTrue(order.ps_final_invoice_id.invoice_pdf_report_id)

    def test_cancel_on_hash_locked_journal(self):
        order = self._make_order("deposit_pending")
        deposit = order.ps_deposit_invoice_id
        deposit.journal_id.restrict_mode_hash_table = True
        order.with_user(self.staff_user)._ps_cancel()
        self.assertEqual(order.ps_stage, "cancelled")
        self.assertEqual(deposit.state, "posted")
        self.assertEqual(deposit.payment_state, "reversed")
        self.assertAlmostEqual(self._receivable_balance(order.partner_id), 0.0)

    def test_second_proof_after_payment_is_superseded(self):
        """Two proofs for one deposit: accepting the first pays it, the other
        is closed without a rejection e-mail."""
        order = self._make_order("deposit_pending")
        first = self._submit_proof(order)
        second = self._submit_proof(order, name="again.pdf")
        rejections_before = len(order.message_ids)
        first.with_user(self.staff_user).action_accept()
        self.assertEqual(first.state, "accepted")
        self.assertEqual(second.state, "superseded")
        self.assertFalse(
            order.message_ids[: len(order.message_ids) - rejections_before].filtered(
                lambda m: "could not be accepted" in (m.subject or "")
            )
        )
