from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestStageGuards(PersonalShopperCommon):
    def test_no_purchase_before_deposit(self):
        order = self._make_order("deposit_pending")
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_mark_purchased()
        # a proof waiting for review is not a payment either
        self._submit_proof(order)
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "deposit_review")

    def test_no_final_invoice_before_arrival(self):
        order = self._make_order("in_transit")
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_issue_final_invoice()
        self.assertFalse(order.ps_final_invoice_id)

    def test_no_ready_before_balance(self):
        order = self._make_order("balance_pending")
        with self.assertRaises(UserError):
            order._ps_set_stage("ready")
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_mark_delivered()
        self._submit_proof(order)
        with self.assertRaises(UserError):
            order._ps_set_stage("ready")
        self.assertEqual(order.ps_stage, "balance_review")

    def _cancel(self, order, refund_method="credit"):
        action = order.with_user(self.staff_user).action_ps_cancel()
        self.assertEqual(action["res_model"], "personal.shopper.order.cancel")
        wizard = (
            self.env["personal.shopper.order.cancel"]
            .with_user(self.staff_user)
            .with_context(action["context"])
            .create({"refund_method": refund_method, "reason": "Out of stock"})
        )
        wizard.action_cancel()
        return wizard

    def test_cancel(self):
        for stage in ("cart", "proforma_requested", "proforma_sent", "deposit_pending"):
            order = self._make_order(
                stage,
                partner=self._new_customer(f"Customer {stage}"),
            )
            self._cancel(order)
            self.assertEqual(order.ps_stage, "cancelled")
            self.assertEqual(order.state, "cancel")
        # the unpaid deposit invoice is cancelled by a credit note, posted
        # entries are never modified
        deposit = order.ps_deposit_invoice_id
        self.assertEqual(deposit.state, "posted")
        self.assertEqual(deposit.payment_state, "reversed")
        credit_note = deposit.reversal_move_ids
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_total, deposit.amount_total)
        self.assertEqual(credit_note.payment_state, "paid")

    def test_cancel_partly_paid_deposit(self):
        """Money was received: what was paid stays as the customer's credit
        (the open part of the credit note) unless staff refund it."""
        order = self._make_order("deposit_pending")
        self._pay_with_proof(order, amount=10.0)
        self._cancel(order, refund_method="credit")
        self.assertEqual(order.ps_stage, "cancelled")
        deposit = order.ps_deposit_invoice_id
        self.assertEqual(deposit.state, "posted")
        self.assertEqual(deposit.amount_residual, 0.0)
        credit_note = deposit.reversal_move_ids
        self.assertEqual(credit_note.amount_residual, 10.0)

    def test_cancel_paid_deposit_refunded(self):
        order = self._make_order("confirmed")
        deposit = order.ps_deposit_invoice_id
        self._cancel(order, refund_method="refund")
        self.assertEqual(order.ps_stage, "cancelled")
        credit_note = deposit.reversal_move_ids
        self.assertEqual(credit_note.amount_total, deposit.amount_total)
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        refund = credit_note._get_reconciled_payments()
        self.assertEqual(refund.payment_type, "outbound")
        self.assertEqual(refund.amount, deposit.amount_total)

    def test_cancel_with_proof_to_check(self):
        """A proof waiting for its check is closed with the request, without
        a rejection."""
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(order)
        self.assertEqual(order.ps_stage, "deposit_review")
        self._cancel(order)
        self.assertEqual(order.ps_stage, "cancelled")
        self.assertEqual(proof.state, "superseded")
        self.assertEqual(proof.reject_reason, "The request was cancelled.")
        self.assertEqual(proof.reviewed_by, self.staff_user)
        self.assertTrue(proof.attachment_id.exists(), "the file stays attached")

    def test_no_cancel_once_purchased(self):
        order = self._make_order("purchased")
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_cancel()
        with self.assertRaises(UserError):
            order.with_user(self.staff_user)._ps_cancel()
        self.assertEqual(order.ps_stage, "purchased")

    def test_illegal_jumps(self):
        order = self._make_cart()
        for stage in ("proforma_sent", "confirmed", "purchased", "delivered"):
            with self.assertRaises(UserError):
                order._ps_set_stage(stage)
        self._request_proforma(order)
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_mark_arrived()
        with self.assertRaises(UserError):
            order._ps_set_stage("cart")
        self.assertEqual(order.ps_stage, "proforma_requested")

    def test_send_proforma_needs_prices(self):
        order = self._request_proforma(self._make_cart())
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_send_proforma()
        self.assertEqual(order.ps_stage, "proforma_requested")

    def test_no_double_submission(self):
        order = self._make_cart()
        self.assertTrue(order._ps_request_proforma(self.customer, self.customer))
        self.assertFalse(order._ps_request_proforma(self.customer, self.customer))
        self.assertEqual(
            order.ps_stage_history_ids.mapped("stage"), ["proforma_requested"]
        )

    def test_not_a_personal_shopper_order(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        with self.assertRaises(UserError):
            order.action_ps_mark_purchased()

    def test_portal_user_cannot_run_staff_actions(self):
        """Each staff action, tried by the customer at the stage where it would
        be allowed, is refused; staff then do it to reach the next one."""
        order = self._make_order("proforma_requested")
        self._price(order)
        as_customer = order.with_user(self.portal_user)
        for action in (
            "action_ps_compute_fees",
            "action_ps_send_proforma",
            "action_ps_cancel",
        ):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(as_customer, action)()
        order.with_user(self.staff_user).action_ps_send_proforma()
        self._accept(order)
        self._pay_with_proof(order)
        order.ps_transport_final = 80.0
        # every article bought as priced (issue 10's outcomes)
        order.order_line.filtered("ps_is_article").write({"ps_outcome": "bought"})
        for action in (
            "action_ps_mark_purchased",
            "action_ps_mark_in_transit",
            "action_ps_mark_arrived",
            "action_ps_issue_final_invoice",
        ):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(as_customer, action)()
            getattr(order.with_user(self.staff_user), action)()
        proof = self._submit_proof(order)
        with self.assertRaises(AccessError):
            proof.with_user(self.portal_user).action_accept()
        proof.with_user(self.staff_user).action_accept()
        with self.assertRaises(AccessError):
            as_customer.action_ps_mark_delivered()
        self.assertEqual(order.ps_stage, "ready")
