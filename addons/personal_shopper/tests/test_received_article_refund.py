"""Issue 11: an article received damaged or wrong, refunded at the
customer's choice, follows the money rules of the articles' outcomes
(issue 10), before and after the final invoice; the books stay balanced."""

from odoo.tests import tagged

from .test_article_outcomes import PAID, ArticleOutcomesCommon


@tagged("post_install", "-at_install")
class TestReceivedArticleRefund(ArticleOutcomesCommon):
    def _purchased(self):
        order = self._confirmed()
        self._mark_purchased(order)
        self.assertEqual(order.ps_stage, "purchased")
        self.assertFalse(order.ps_refund_state)
        return order

    def _receive_damaged(self, order, line):
        return (
            self.env["personal.shopper.reception"]
            .with_user(self.staff_user)
            .create(
                {
                    "order_id": order.id,
                    "line_id": line.id,
                    "quantity": line.product_uom_qty,
                    "condition": "damaged",
                    "weight": 1.0,
                }
            )
        )

    def _customer_refund(self, reception):
        # what the portal does, after its ownership check
        reception.with_user(self.portal_user).sudo()._ps_record_decision("refund")
        self.assertEqual(reception.decision, "refund")
        order = reception.order_id
        self.assertTrue(
            order.activity_ids.filtered(lambda a: "decision" in (a.summary or "")),
            "the staff still get a to-do",
        )

    def test_refunded_before_the_final_invoice(self):
        order = self._purchased()
        first, second = self._articles(order)
        reception = self._receive_damaged(order, second)
        self._customer_refund(reception)
        # no longer billed, like an article not bought
        self.assertEqual(second.ps_outcome, "refunded_damaged")
        self.assertEqual(second.product_uom_qty, 0)
        self.assertEqual(second.ps_quoted_qty, 2)
        # articles 100, fee and transport at their minimums (10, 20)
        self.assertAlmostEqual(order.amount_total, 130.0)
        # 312.5 paid for 130: a partial credit note of the deposit
        self.assertEqual(order.ps_refund_state, "to_choose")
        self.assertAlmostEqual(order.ps_refund_amount, 182.5)
        credit_note = order.ps_refund_move_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, order.ps_deposit_invoice_id)
        self.assertIn("refunded", credit_note.ref)
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: self.customer in m.partner_ids and "refunded" in m.body
            ),
            "the customer is asked to choose",
        )
        self._assert_books_balanced(order, credit_kept=182.5)
        # a second answer is refused, nothing is refunded twice
        with self.assertRaises(Exception):
            reception.with_user(self.portal_user).sudo()._ps_record_decision("refund")
        order.sudo()._ps_choose_refund("refund")
        order.with_user(self.staff_user).action_ps_register_refund()
        self.assertEqual(order.ps_refund_state, "refunded")
        self.assertAlmostEqual(order.ps_refund_payment_ids.amount, 182.5)
        self._assert_books_balanced(order)
        final = self._ship(order, transport_final=25.0)
        self.assertEqual(self._invoiced_articles(final), first)
        self.assertAlmostEqual(final.amount_total, 5.0)
        self._pay_with_proof(order)
        self.assertEqual(order.ps_stage, "ready")
        self._assert_books_balanced(order)

    def test_refunded_after_the_final_invoice(self):
        order = self._purchased()
        first, second = self._articles(order)
        final = self._ship(order)
        self.assertAlmostEqual(final.amount_total, 625.0 - 312.5)
        self._pay_with_proof(order)
        self.assertEqual(order.ps_stage, "ready")
        reception = self._receive_damaged(order, second)
        self._customer_refund(reception)
        self.assertEqual(second.ps_outcome, "refunded_damaged")
        self.assertEqual(second.product_uom_qty, 0)
        # a credit note of the final invoice, for that article only
        credit_note = order.ps_refund_move_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, final)
        self.assertEqual(credit_note.invoice_line_ids.sale_line_ids, second)
        self.assertAlmostEqual(credit_note.amount_total, 400.0)
        self.assertEqual(order.ps_refund_state, "to_choose")
        self.assertAlmostEqual(order.ps_refund_amount, 400.0)
        self._assert_books_balanced(order, credit_kept=400.0)
        order.sudo()._ps_choose_refund("credit")
        self.assertEqual(order.ps_refund_state, "credit")
        self._assert_books_balanced(order, credit_kept=400.0)

    def test_refunded_while_the_final_invoice_is_due(self):
        order = self._purchased()
        first, second = self._articles(order)
        final = self._ship(order)
        self.assertEqual(order.ps_stage, "balance_pending")
        reception = self._receive_damaged(order, second)
        self._customer_refund(reception)
        # the credit note pays the 312.5 still due, 87.5 are given back
        self.assertTrue(final.currency_id.is_zero(final.amount_residual))
        self.assertEqual(order.ps_stage, "ready")
        self.assertEqual(order.ps_refund_state, "to_choose")
        self.assertAlmostEqual(order.ps_refund_amount, 87.5)
        order.sudo()._ps_choose_refund("refund")
        order.with_user(self.staff_user).action_ps_register_refund()
        self.assertIn(order.ps_refund_move_ids.payment_state, PAID)
        self._assert_books_balanced(order)
