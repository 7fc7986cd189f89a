"""No surprise on the bill: the proforma states its exchange rates (per shop
currency, with their date) and its transport rule; accepting it locks the
rates, so that later rates in Odoo change nothing; the final invoice uses
the locked rates unless the company bills at the purchase day's rates; the
final invoice's page compares the estimate with the actual amounts."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import PersonalShopperCommon

SHOP_PRICE = 100.0


@tagged("post_install", "-at_install")
class TestRateLock(HttpCase, PersonalShopperCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gbp = cls.env.ref("base.GBP")
        cls.gbp.active = True
        cls.today = fields.Date.context_today(cls.env.user)
        cls.env["res.currency.rate"].search([("currency_id", "=", cls.gbp.id)]).unlink()
        cls._set_gbp_rate(cls.today - timedelta(days=30), 0.8)

    @classmethod
    def _set_gbp_rate(cls, date, rate):
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.gbp.id,
                "company_id": cls.company.id,
                "name": date,
                "rate": rate,
            }
        )
        cls.env["res.currency"].invalidate_model()

    def _gbp_line(self, order):
        line = order.order_line.filtered(
            lambda line: line.ps_is_article and line.ps_shop_currency_id == self.gbp
        )
        self.assertEqual(len(line), 1)
        return line

    def _accepted_order(self):
        """A request whose UK article (GBP) is priced from its shop price at
        the rate of the request, accepted."""
        order = self._make_cart()
        self._request_proforma(order)
        self._price(order)
        line = self._gbp_line(order)
        line.ps_shop_price_unit = SHOP_PRICE
        line.price_unit = order.currency_id.round(SHOP_PRICE * line.ps_exchange_rate)
        order.with_user(self.staff_user).action_ps_send_proforma()
        self.rate_before = line.ps_exchange_rate
        self.rate_date_before = line._ps_rate_date()
        self.label_before = line.ps_exchange_rate_label
        self._accept(order)
        self.assertEqual(order.ps_stage, "deposit_pending")
        return order

    def _to_final_invoice(self, order, outcomes=None):
        self._pay_with_proof(order)
        order.user_id = self.staff_user
        staff_order = order.with_user(self.staff_user)
        if "ps_outcome" in order.order_line._fields:
            for line in order.order_line.filtered("ps_is_article"):
                line.sudo().ps_outcome = (outcomes or {}).get(line, "bought")
        staff_order.action_ps_mark_purchased()
        staff_order.action_ps_mark_in_transit()
        staff_order.action_ps_mark_arrived()
        staff_order.action_ps_issue_final_invoice()
        self.assertTrue(order.ps_final_invoice_id)
        # "ready" when the deposit already pays the smaller final invoice
        self.assertIn(order.ps_stage, ("balance_pending", "ready"))
        return order

    def test_proforma_states_rates_and_transport_rule(self):
        order = self._make_order("proforma_sent")
        line = self._gbp_line(order)
        rates = order._ps_exchange_rates()
        self.assertIn(line.ps_exchange_rate_label, [rate["text"] for rate in rates])
        self.assertIn("locked when you accept", order._ps_rate_policy_text())
        self.assertIn("15% of the articles", order._ps_transport_rule_text())
        # on the proforma (PDF's HTML) and on the request's page
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("personal_shopper.action_report_ps_proforma", order.ids)[
                0
            ]
            .decode()
        )
        self.assertIn("Exchange rates used", html)
        self.assertIn(line.ps_exchange_rate_label, html)
        self.assertIn("15% of the articles", html)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(order.get_portal_url()).text
        self.assertIn('id="ps_exchange_rates"', page)
        self.assertIn("locked when you accept", page)
        self.assertIn('id="ps_transport_estimate"', page)

    def test_acceptance_locks_the_rates(self):
        order = self._accepted_order()
        line = self._gbp_line(order)
        self.assertEqual(line.ps_rate_locked_date, self.rate_date_before)
        self.assertAlmostEqual(line.ps_locked_exchange_rate, self.rate_before)
        price, total = line.price_unit, order.amount_total
        deposit = order.ps_deposit_invoice_id.amount_total

        # Odoo's rate changes (today): the request keeps its amounts and rates
        self._set_gbp_rate(self.today, 0.5)
        rate_now = self.gbp._convert(
            1.0, order.currency_id, order.company_id, self.today, round=False
        )
        self.assertNotAlmostEqual(rate_now, self.rate_before)
        order.invalidate_recordset()
        line.invalidate_recordset()
        self.assertEqual(line.ps_exchange_rate_label, self.label_before)
        self.assertIn("locked when you accepted", order._ps_rate_policy_text())
        self.assertEqual(
            [
                rate["text"]
                for rate in order._ps_exchange_rates()
                if rate["currency"] == self.gbp
            ],
            [self.label_before],
        )
        self._to_final_invoice(order)
        # the final invoice bills the locked price
        self.assertEqual(line.price_unit, price)
        self.assertAlmostEqual(order.amount_total, total)
        self.assertAlmostEqual(
            order.ps_final_invoice_id.amount_total, total - deposit, places=2
        )

    def test_final_invoice_at_purchase_day_rate(self):
        self.company.ps_final_rate_purchase_day = True
        order = self._accepted_order()
        self.assertIn("day we buy your articles", order._ps_rate_policy_text())
        line = self._gbp_line(order)
        self._set_gbp_rate(self.today, 0.5)
        rate_now = self.gbp._convert(
            1.0, order.currency_id, order.company_id, self.today, round=False
        )
        self._to_final_invoice(order)
        self.assertAlmostEqual(line.ps_final_exchange_rate, rate_now)
        self.assertAlmostEqual(
            line.price_unit, order.currency_id.round(SHOP_PRICE * rate_now)
        )
        row = next(
            row
            for row in order._ps_estimate_vs_actual()
            if row["label"] == line.ps_article_name
        )
        self.assertIn("purchase day", row["reason"])
        self.assertFalse(order.currency_id.is_zero(row["difference"]))

    def test_estimate_vs_actual_on_the_final_invoice_page(self):
        order = self._accepted_order()
        estimate_transport = order.order_line.filtered(
            lambda line: line.product_id == self.company.ps_transport_product_id
        ).price_total
        order.ps_transport_final = estimate_transport + 12.0
        self._to_final_invoice(order)
        rows = {row["label"]: row for row in order._ps_estimate_vs_actual()}
        transport = rows[self.company.ps_transport_product_id.display_name]
        self.assertAlmostEqual(transport["estimate"], estimate_transport)
        self.assertAlmostEqual(transport["difference"], 12.0)
        self.assertIn("Actual transport cost", transport["reason"])
        self.assertIn("15% of the articles", transport["reason"])
        for line in order.order_line.filtered("ps_is_article"):
            self.assertTrue(
                order.currency_id.is_zero(rows[line.ps_article_name]["difference"])
            )
        deposit_row = next(row for row in rows.values() if "Deposit" in row["label"])
        self.assertAlmostEqual(
            deposit_row["actual"], -order.ps_deposit_invoice_id.amount_total
        )
        estimate_balance, actual_balance = order._ps_estimate_totals()
        self.assertAlmostEqual(actual_balance - estimate_balance, 12.0, places=2)

        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(order.get_portal_url()).text
        self.assertIn('id="ps_estimate_vs_actual"', page)
        self.assertIn("Actual transport cost", page)
        # no estimate of the transport any more: the actual one is billed
        self.assertNotIn('id="ps_transport_estimate"', page)

    def test_unavailable_article_explained(self):
        """The articles' outcomes (personal_shopper_order_line_outcome_mixin.py)
        give the reason of their difference."""
        if "ps_outcome" not in self.env["sale.order.line"]._fields:
            self.skipTest("no per-article outcomes")
        if "ps_min_available_percent" in self.company._fields:
            self.company.ps_min_available_percent = 0.0
        order = self._accepted_order()
        line = self._gbp_line(order)
        line.sudo().ps_if_unavailable = "skip"
        self._to_final_invoice(order, {line: "unavailable"})
        rows = {row["label"]: row for row in order._ps_estimate_vs_actual()}
        row = rows[line.ps_article_name]
        self.assertAlmostEqual(row["actual"], 0.0)
        self.assertAlmostEqual(row["difference"], -row["estimate"])
        self.assertEqual(row["reason"], "Unavailable")
        fee = rows[self.company.ps_service_fee_product_id.display_name]
        self.assertIn("articles bought", fee["reason"])
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(order.get_portal_url()).text
        self.assertIn("Unavailable", page)
