"""Unavailable, changed or partly bought articles (issue 10): the customer's
wishes at cart time, the staff's outcomes at the purchase, the money that
follows (final invoice at what was bought, overpaid deposit given back by a
credit note, then a refund payment or customer credit), each ending with the
books balanced."""

from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PersonalShopperCommon

PAID = ("paid", "in_payment")


class ArticleOutcomesCommon(PersonalShopperCommon):
    """Requests of two articles: "Article 1" (1 × 100) and "Article 2"
    (2 × 200); articles 500, service fee 50, transport 75: 625, deposit 312.5."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "ps_price_tolerance_percent": 10.0,
                "ps_min_available_percent": 0.0,
                "ps_default_if_unavailable": "skip",
                "ps_refund_reminder_days": 3,
            }
        )

    def _confirmed(self, partner=None):
        order = self._make_order("confirmed", partner=partner)
        self.assertEqual(order.amount_total, 625.0)
        self.assertEqual(order.ps_deposit_invoice_id.amount_total, 312.5)
        return order

    def _articles(self, order):
        return order.order_line.filtered("ps_is_article").sorted("id")

    def _receivable_balance(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def _assert_books_balanced(self, order, credit_kept=0.0):
        """Invoices minus credit notes equal what the customer paid minus
        what was paid back, plus the credit kept; the receivable is zero or
        the credit kept."""
        moves = self.env["account.move"].search(
            [
                ("partner_id", "child_of", order.partner_id.commercial_partner_id.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
        invoiced = sum(
            m.amount_total if m.move_type == "out_invoice" else -m.amount_total
            for m in moves
        )
        payments = self.env["account.payment"].search(
            [
                ("partner_id", "child_of", order.partner_id.commercial_partner_id.id),
                ("state", "not in", ("draft", "canceled")),
            ]
        )
        paid = sum(
            p.amount if p.payment_type == "inbound" else -p.amount for p in payments
        )
        self.assertAlmostEqual(invoiced, paid - credit_kept, places=2)
        self.assertAlmostEqual(
            self._receivable_balance(order.partner_id), -credit_kept, places=2
        )

    def _ship(self, order, transport_final=0.0):
        staff_order = order.with_user(self.staff_user)
        staff_order.action_ps_mark_in_transit()
        staff_order.action_ps_mark_arrived()
        if transport_final:
            order.ps_transport_final = transport_final
        staff_order.action_ps_issue_final_invoice()
        return order.ps_final_invoice_id

    def _invoiced_articles(self, invoice):
        return invoice.invoice_line_ids.sale_line_ids.filtered("ps_is_article")


@tagged("post_install", "-at_install")
class TestArticleOutcomes(ArticleOutcomesCommon):
    # ------------------------------------------------------------------
    # Cart
    # ------------------------------------------------------------------
    def test_cart_wishes(self):
        cart = self.env["sale.order"]._ps_get_cart(self.customer, create=True)
        cart._ps_add_article(
            {
                "name": "Boots",
                "url": "https://www.us-shop.example.com/boots",
                "quantity": 1,
                "alternative": "Size 40 or the brown ones",
                "if_unavailable": "alternative",
            }
        )
        cart._ps_add_article(
            {"name": "Hat", "url": "https://www.us-shop.example.com/hat", "quantity": 1}
        )
        boots, hat = cart.order_line.sorted("id")
        self.assertEqual(boots.ps_alternative, "Size 40 or the brown ones")
        self.assertEqual(boots.ps_if_unavailable, "alternative")
        # the company's default
        self.assertEqual(hat.ps_if_unavailable, "skip")
        errors = self.env["sale.order.line"]._ps_validate_article(
            {
                "name": "X",
                "url": "https://www.us-shop.example.com/x",
                "quantity": 1,
                "if_unavailable": "whatever",
                "alternative": "x" * 501,
            }
        )
        self.assertIn("if_unavailable", errors)
        self.assertIn("alternative", errors)

    # ------------------------------------------------------------------
    # Purchase
    # ------------------------------------------------------------------
    def test_every_article_needs_an_outcome(self):
        order = self._confirmed()
        first, second = self._articles(order)
        with self.assertRaisesRegex(UserError, "outcome missing"):
            order.with_user(self.staff_user).action_ps_mark_purchased()
        first.ps_outcome = "bought"
        with self.assertRaisesRegex(UserError, "Article 2"):
            order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "confirmed")
        second.ps_outcome = "bought"
        order.env["personal.shopper.purchase"].create(
            {
                "order_id": order.id,
                "shop_id": self.shop_us.id,
                "name": "US-123456",
                "amount_paid": 131.5,
                "line_ids": [fields.Command.set((first | second).ids)],
            }
        )
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "purchased")
        self.assertEqual(order.ps_purchase_ids.name, "US-123456")
        self.assertEqual(order.ps_purchase_ids.currency_id, self.shop_us.currency_id)
        self.assertEqual(first.ps_purchase_id, order.ps_purchase_ids)
        self.assertFalse(order.ps_refund_state)
        self.assertEqual(order.amount_total, 625.0)
        # outcomes are frozen once purchased
        with self.assertRaises(UserError):
            first.ps_outcome = "unavailable"

    def test_alternative_bought(self):
        order = self._confirmed()
        first, second = self._articles(order)
        first.ps_alternative = "Size 40"
        first.write({"ps_outcome": "alternative", "ps_bought_price_unit": 95.0})
        second.ps_outcome = "bought"
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "purchased")
        self.assertEqual(first.price_unit, 95.0)
        self.assertEqual(first.ps_quoted_price_unit, 100.0)
        self.assertIn("Alternative bought: Size 40", first.name)
        # articles 495, fee 49.5, transport 74.25
        self.assertAlmostEqual(order.amount_total, 618.75)
        self.assertFalse(order.ps_refund_state)
        final = self._ship(order)
        self.assertAlmostEqual(final.amount_total, 618.75 - 312.5)
        self.assertIn(
            "Alternative bought: Size 40",
            " ".join(final.invoice_line_ids.mapped("name")),
        )
        self._pay_with_proof(order)
        self.assertEqual(order.ps_stage, "ready")
        self._assert_books_balanced(order)

    def test_partial_purchase_refund_as_credit(self):
        order = self._confirmed()
        first, second = self._articles(order)
        first.ps_outcome = "bought"
        second.ps_outcome = "unavailable"
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "purchased")
        self.assertEqual(second.product_uom_qty, 0)
        self.assertEqual(second.ps_quoted_qty, 2)
        # articles 100, fee and transport at their minimums (10, 20)
        self.assertAlmostEqual(order.amount_total, 130.0)
        # 312.5 paid for 130: a credit note of the deposit for 182.5
        self.assertEqual(order.ps_refund_state, "to_choose")
        self.assertAlmostEqual(order.ps_refund_amount, 182.5)
        credit_note = order.ps_refund_move_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, order.ps_deposit_invoice_id)
        self.assertTrue(order.ps_refund_start_date)
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: self.customer in m.partner_ids and "more than" in m.body
            ),
            "the customer is asked to choose",
        )
        self._assert_books_balanced(order, credit_kept=182.5)
        order.sudo()._ps_choose_refund("credit")
        self.assertEqual(order.ps_refund_state, "credit")
        self.assertTrue(order.ps_refund_choice_date)
        # the final invoice bills what was bought and the real transport;
        # the credit kept pays it
        final = self._ship(order, transport_final=30.0)
        self.assertEqual(self._invoiced_articles(final), first)
        self.assertAlmostEqual(final.amount_total, 10.0)
        # paid by a credit note: "reversed" to Odoo, paid to the request
        self.assertTrue(final.currency_id.is_zero(final.amount_residual))
        self.assertTrue(order.ps_balance_paid)
        self.assertEqual(order.ps_stage, "ready")
        self._assert_books_balanced(order, credit_kept=172.5)

    def test_partial_purchase_refund_as_payment(self):
        order = self._confirmed()
        first, second = self._articles(order)
        first.ps_outcome = "bought"
        second.ps_outcome = "unavailable"
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_refund_state, "to_choose")
        order.sudo()._ps_choose_refund("refund")
        self.assertEqual(order.ps_refund_state, "to_refund")
        self.assertIn(
            f"Refund {order.name}", " ".join(order.activity_ids.mapped("summary"))
        )
        order.with_user(self.staff_user).action_ps_register_refund()
        self.assertEqual(order.ps_refund_state, "refunded")
        self.assertTrue(order.ps_refund_done_date)
        payment = order.ps_refund_payment_ids
        self.assertEqual(payment.payment_type, "outbound")
        self.assertAlmostEqual(payment.amount, 182.5)
        self.assertIn(order.ps_refund_move_ids.payment_state, PAID)
        self._assert_books_balanced(order)
        final = self._ship(order, transport_final=25.0)
        self.assertAlmostEqual(final.amount_total, 5.0)
        self._pay_with_proof(order)
        self.assertEqual(order.ps_stage, "ready")
        self._assert_books_balanced(order)

    def test_price_within_tolerance(self):
        order = self._confirmed()
        first, second = self._articles(order)
        first.write({"ps_outcome": "price_changed", "ps_bought_price_unit": 105.0})
        second.ps_outcome = "bought"
        self.assertFalse(first.ps_needs_acceptance)
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "purchased")
        self.assertFalse(first.ps_price_acceptance)
        self.assertEqual(first.price_unit, 105.0)
        # articles 505, fee 50.5, transport 75.75
        self.assertAlmostEqual(order.amount_total, 631.25)
        final = self._ship(order)
        self.assertAlmostEqual(final.amount_total, 631.25 - 312.5)
        self._pay_with_proof(order)
        self._assert_books_balanced(order)

    def _price_beyond_tolerance(self):
        order = self._confirmed()
        first, second = self._articles(order)
        first.write({"ps_outcome": "price_changed", "ps_bought_price_unit": 130.0})
        second.ps_outcome = "bought"
        self.assertTrue(first.ps_needs_acceptance)
        self.assertEqual(order.ps_price_to_ask_count, 1)
        with self.assertRaisesRegex(UserError, "ask the customer"):
            order.with_user(self.staff_user).action_ps_mark_purchased()
        order.with_user(self.staff_user).action_ps_ask_price_acceptance()
        self.assertEqual(first.ps_price_acceptance, "pending")
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: self.customer in m.partner_ids and "rose beyond" in m.body
            )
        )
        with self.assertRaisesRegex(UserError, "not answered"):
            order.with_user(self.staff_user).action_ps_mark_purchased()
        return order, first, second

    def test_price_beyond_tolerance_accepted(self):
        order, first, second = self._price_beyond_tolerance()
        order.sudo()._ps_answer_price(first, True)
        self.assertEqual(first.ps_price_acceptance, "accepted")
        self.assertTrue(first.ps_price_answer_date)
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "purchased")
        self.assertEqual(first.price_unit, 130.0)
        # articles 530, fee 53, transport 79.5
        self.assertAlmostEqual(order.amount_total, 662.5)
        final = self._ship(order)
        self.assertAlmostEqual(final.amount_total, 662.5 - 312.5)
        self._pay_with_proof(order)
        self._assert_books_balanced(order)

    def test_price_beyond_tolerance_refused(self):
        order, first, second = self._price_beyond_tolerance()
        order.sudo()._ps_answer_price(first, False)
        self.assertEqual(first.ps_price_acceptance, "refused")
        self.assertFalse(first.ps_is_bought)
        with self.assertRaises(UserError):
            order.sudo()._ps_answer_price(first, True)
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "purchased")
        self.assertEqual(first.product_uom_qty, 0)
        # articles 400, fee 40, transport 60: the deposit is not overpaid
        self.assertAlmostEqual(order.amount_total, 500.0)
        self.assertFalse(order.ps_refund_state)
        final = self._ship(order)
        self.assertEqual(self._invoiced_articles(final), second)
        self.assertAlmostEqual(final.amount_total, 500.0 - 312.5)
        self._pay_with_proof(order)
        self._assert_books_balanced(order)

    # ------------------------------------------------------------------
    # Cancelled for lack of articles
    # ------------------------------------------------------------------
    def test_everything_unavailable_cancelled_and_refunded(self):
        order = self._confirmed()
        self._articles(order).write({"ps_outcome": "unavailable"})
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "cancelled")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.ps_refund_state, "to_choose")
        self.assertAlmostEqual(order.ps_refund_amount, 312.5)
        self.assertIn(
            "None of the articles", " ".join(order.message_ids.mapped("body"))
        )
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: (
                    self.customer in m.partner_ids
                    and "your request is cancelled" in m.body
                    and "None of the articles" in m.body
                )
            ),
            "the customer is told why",
        )
        order.sudo()._ps_choose_refund("refund")
        order.with_user(self.staff_user).action_ps_register_refund()
        self.assertEqual(order.ps_refund_state, "refunded")
        self.assertEqual(order.ps_refund_payment_ids.payment_type, "outbound")
        self._assert_books_balanced(order)

    def test_below_minimum_share_cancelled_as_credit(self):
        self.company.ps_min_available_percent = 50.0
        order = self._confirmed()
        first, second = self._articles(order)
        first.ps_outcome = "bought"
        second.ps_outcome = "unavailable"
        # 100 of 500 available: 20 %
        self.assertAlmostEqual(order.ps_available_percent, 20.0)
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "cancelled")
        order.sudo()._ps_choose_refund("credit")
        self.assertEqual(order.ps_refund_state, "credit")
        self._assert_books_balanced(order, credit_kept=312.5)

    def test_customer_asked_to_cancel(self):
        order = self._confirmed()
        first, second = self._articles(order)
        second.ps_if_unavailable = "cancel"
        first.ps_outcome = "bought"
        second.ps_outcome = "unavailable"
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "cancelled")
        self.assertEqual(order.ps_refund_state, "to_choose")
        # staff keep it as credit for the customer
        order.with_user(self.staff_user).action_ps_refund_keep_credit()
        self._assert_books_balanced(order, credit_kept=312.5)

    def test_unavailable_alternative_wish_without_alternative_is_skipped(self):
        order = self._confirmed()
        first, second = self._articles(order)
        second.ps_if_unavailable = "alternative"
        self.assertEqual(second._ps_if_unavailable(), "skip")
        first.ps_outcome = "bought"
        second.ps_outcome = "unavailable"
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_stage, "purchased")

    def test_refund_flow_fields_guarded(self):
        order = self._confirmed()
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).write({"ps_refund_state": "refunded"})

    def test_refund_reminder(self):
        order = self._confirmed()
        self._articles(order).write({"ps_outcome": "unavailable"})
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.env["sale.order"]._cron_ps_refund_reminders()
        self.assertNotIn(
            "Refund waiting", " ".join(order.activity_ids.mapped("summary"))
        )
        order.with_context(ps_flow=True).ps_refund_start_date = (
            fields.Datetime.now() - timedelta(days=4)
        )
        self.env["sale.order"]._cron_ps_refund_reminders()
        self.assertIn("Refund waiting", " ".join(order.activity_ids.mapped("summary")))
        self.assertTrue(order.ps_refund_reminder_date)
        # once a day at most
        count = len(order.activity_ids)
        self.env["sale.order"]._cron_ps_refund_reminders()
        self.assertEqual(len(order.activity_ids), count)


@tagged("post_install", "-at_install")
class TestArticleOutcomesPortal(HttpCase, ArticleOutcomesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_user = new_test_user(
            cls.env,
            login="ps_other_articles",
            name="Oscar Other",
            email="oscar.other.articles@example.com",
            groups="base.group_portal",
        )

    def _post(self, path, /, **data):
        return self.url_open(
            path, data={"csrf_token": http.Request.csrf_token(self), **data}
        )

    def test_cart_form_wishes(self):
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open("/my/cart")
        self.assertIn('name="if_unavailable"', response.text)
        self._post(
            "/my/cart/add",
            name="Boots",
            url="https://www.us-shop.example.com/boots",
            quantity="1",
            alternative="Size 40",
            if_unavailable="cancel",
            form_token="articles-1",
        )
        line = self.env["sale.order"]._ps_get_cart(self.customer).order_line
        self.assertEqual(line.ps_alternative, "Size 40")
        self.assertEqual(line.ps_if_unavailable, "cancel")
        response = self.url_open("/my/cart/checkout")
        self.assertIn('id="ps_checkout_article_rules"', response.text)
        self.assertIn("10 %", response.text)

    def test_new_price_answered_in_portal(self):
        order = self._confirmed()
        first, second = self._articles(order)
        first.write({"ps_outcome": "price_changed", "ps_bought_price_unit": 130.0})
        second.write({"ps_outcome": "price_changed", "ps_bought_price_unit": 260.0})
        order.with_user(self.staff_user).action_ps_ask_price_acceptance()
        # someone else: refused, nothing changes
        self.authenticate("ps_other_articles", "ps_other_articles")
        response = self._post(
            f"/my/orders/{order.id}/ps_price/{first.id}", answer="accept"
        )
        self.assertTrue(response.url.endswith("/my"), response.url)
        self._post(
            f"/my/orders/{order.id}/ps_price/{first.id}",
            answer="accept",
            access_token="wrong",
        )
        self.assertEqual(first.ps_price_acceptance, "pending")
        # the customer
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertIn('id="ps_new_prices"', response.text)
        response = self._post(
            f"/my/orders/{order.id}/ps_price/{first.id}", answer="accept"
        )
        self.assertIn("message=price_answered", response.url)
        self._post(f"/my/orders/{order.id}/ps_price/{second.id}", answer="refuse")
        self.assertEqual(first.ps_price_acceptance, "accepted")
        self.assertEqual(second.ps_price_acceptance, "refused")
        # a line of another order is not answered through this one
        other = self._confirmed(partner=self._new_customer("Third"))
        other_line = self._articles(other)[0]
        other_line.write({"ps_outcome": "price_changed", "ps_bought_price_unit": 130.0})
        other.with_user(self.staff_user).action_ps_ask_price_acceptance()
        self._post(f"/my/orders/{order.id}/ps_price/{other_line.id}", answer="accept")
        self.assertEqual(other_line.ps_price_acceptance, "pending")

    def test_refund_choice_in_portal(self):
        order = self._confirmed()
        first, second = self._articles(order)
        first.ps_outcome = "bought"
        second.ps_outcome = "unavailable"
        order.with_user(self.staff_user).action_ps_mark_purchased()
        self.assertEqual(order.ps_refund_state, "to_choose")
        self.authenticate("ps_other_articles", "ps_other_articles")
        response = self._post(f"/my/orders/{order.id}/ps_refund", method="refund")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertEqual(order.ps_refund_state, "to_choose")
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertIn('id="ps_refund"', response.text)
        response = self._post(f"/my/orders/{order.id}/ps_refund", method="refund")
        self.assertIn("message=refund_chosen", response.url)
        self.assertEqual(order.ps_refund_state, "to_refund")
        # a second choice is refused
        self._post(f"/my/orders/{order.id}/ps_refund", method="credit")
        self.assertEqual(order.ps_refund_state, "to_refund")
        order.with_user(self.staff_user).action_ps_register_refund()
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertIn("Refunded", response.text)
        self._assert_books_balanced(order)
