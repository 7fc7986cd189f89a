"""The money path on two fiscal localizations and currencies: France
(``l10n_fr_account``, EUR, VAT due on payment for services, hash-locked sales
journal, as the demo company) and Côte d'Ivoire (OHADA, ``l10n_ci`` on
``l10n_syscohada``, XOF: no decimals). Articles come from shops selling in
USD and GBP, whose exchange rates change between the proforma and the final
invoice. Every journey ends with its books closed: all customer invoices
paid, the customer's receivable lines all reconciled and their balance (the
aged receivable) at zero, the VAT due on payment all moved out of its
waiting account.

The database must have l10n_fr_account and l10n_ci installed (the addon
tests of tests/test_addon.py install them); without them these tests are
skipped by Odoo's AccountTestInvoicingCommon."""

import base64

from freezegun import freeze_time

from odoo.tests import TransactionCase, loaded_demo_data, tagged
from odoo.tools import file_open

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import PersonalShopperCommon

PAID = ("paid", "in_payment")
# proforma, deposit invoice and its payment; then, at other exchange rates,
# final invoice and its payment
PROFORMA_DATE = "2025-03-03"
FINAL_DATE = "2025-04-07"
# shop prices: one article of the US shop, two of the UK shop
SHOP_PRICES = (120.0, 45.0)


class PersonalShopperLocalizedCommon(PersonalShopperCommon, AccountTestInvoicingCommon):
    """PersonalShopperCommon on a new company with the chart of accounts of
    the subclass (AccountTestInvoicingCommon.setup_chart_template), set up
    as the demo sets its company up (``_ps_setup_accounting``: the
    products' taxes and accounts from the chart, hash-locked sales journal
    in France)."""

    # the journeys of LocalizedMoneyPathTests run on each localization
    allow_inherited_tests_method = True

    # per localization
    service_tax_rate = None  # VAT of the service fee and transport (%)
    accounts = {}  # article, fee, transport, deposit: account codes of the chart
    rates = {}  # currency code -> (rate at the proforma, rate at the final invoice)
    transport_final = 0.0  # the real transport, billed on the final invoice
    surplus = 0.0  # an overpayment

    @classmethod
    def get_default_groups(cls):
        # AccountTestInvoicingCommon's user (accountant, settings) runs the
        # set-up: it also manages the personal shopper (shops...)
        return super().get_default_groups() | cls.env.ref(
            "personal_shopper.group_personal_shopper_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company._ps_setup_accounting()
        # exchange rates of this company only: its own currency at 1, the
        # shops' currencies changing between the two dates
        cls.setup_other_currency(cls.currency.name, rates=[("2000-01-01", 1.0)])
        for code, (proforma_rate, final_rate) in cls.rates.items():
            cls.setup_other_currency(
                code,
                rates=[("2000-01-01", proforma_rate), (FINAL_DATE, final_rate)],
            )
        cls.article_product = cls.env.ref("personal_shopper.product_remote_article")
        cls.service_tax = cls.company.ps_service_fee_product_id.taxes_id.filtered(
            lambda tax: tax.company_id == cls.company
        )

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def _shop_priced_order(self, partner=None, shop_prices=SHOP_PRICES):
        """A request priced by staff in the shops' currencies (the unit price
        follows the day's rate), its proforma sent and accepted: deposit
        invoiced."""
        order = self._request_proforma(self._make_cart(partner=partner, articles=2))
        for line, price in zip(order.order_line.filtered("ps_is_article"), shop_prices):
            line.ps_shop_price_unit = price
            line._onchange_ps_shop_price()
        order.with_user(self.staff_user).action_ps_send_proforma()
        self._accept(order)
        self.assertEqual(order.ps_stage, "deposit_pending")
        return order

    def _to_final_invoice(self, order):
        staff_order = order.with_user(self.staff_user)
        self._mark_purchased(order)
        staff_order.action_ps_mark_in_transit()
        staff_order.action_ps_mark_arrived()
        staff_order.ps_transport_final = self.transport_final
        staff_order.action_ps_issue_final_invoice()
        self.assertEqual(order.ps_stage, "balance_pending")
        return order.ps_final_invoice_id

    def _deliver(self, order):
        self.assertEqual(order.ps_stage, "ready")
        order.with_user(self.staff_user).action_ps_mark_delivered()
        self.assertEqual(order.ps_stage, "delivered")

    def _cancel(self, order, refund_method):
        action = order.with_user(self.staff_user).action_ps_cancel()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.staff_user)
            .with_context(**action["context"])
            .create({"refund_method": refund_method, "reason": "Out of stock"})
        )
        wizard.action_cancel()
        self.assertEqual(order.ps_stage, "cancelled")
        self.assertEqual(order.state, "cancel")
        return wizard

    # ------------------------------------------------------------------
    # The books
    # ------------------------------------------------------------------
    def _receivable_lines(self, partner):
        return self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )

    def _receivable_balance(self, partner):
        """The customer's aged receivable: what is still open on their
        receivable lines, in the company's currency."""
        return sum(self._receivable_lines(partner).mapped("amount_residual"))

    def _assert_books_closed(self, partner, currency=None):
        """All the customer's invoices and credit notes paid, their
        receivable lines all reconciled and at zero; the deposits all
        deducted (down payment account) and the VAT due on payment all moved
        out of its waiting account, in ``currency`` when the customer is
        billed in another currency than the company's (Odoo books the
        deposit's deduction and the VAT paid at the day's rate: the exchange
        difference stays on those two accounts for the accountant)."""
        company_currency = self.company.currency_id
        partner = partner.commercial_partner_id
        invoices = self.env["account.move"].search(
            [
                ("company_id", "=", self.company.id),
                ("commercial_partner_id", "=", partner.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
            ]
        )
        self.assertTrue(invoices)
        for invoice in invoices:
            self.assertIn(
                invoice.payment_state,
                (*PAID, "reversed"),
                f"{invoice.name} is not paid",
            )
        lines = self._receivable_lines(partner)
        self.assertEqual(
            lines.filtered(lambda line: not line.reconciled).mapped("move_id.name"),
            [],
            "receivable lines left open",
        )
        self.assertTrue(company_currency.is_zero(sum(lines.mapped("amount_residual"))))
        self.assertTrue(company_currency.is_zero(sum(lines.mapped("balance"))))

        def settled(account):
            account_lines = self.env["account.move.line"].search(
                [
                    ("account_id", "=", account.id),
                    ("partner_id", "=", partner.id),
                    ("parent_state", "=", "posted"),
                ]
            )
            self.assertTrue(account_lines, account.display_name)
            if currency:
                return currency.is_zero(sum(account_lines.mapped("amount_currency")))
            return company_currency.is_zero(sum(account_lines.mapped("balance")))

        deposit_account = invoices.line_ids.filtered("is_downpayment").account_id
        self.assertEqual(deposit_account.mapped("code"), [self.accounts["deposit"]])
        self.assertTrue(settled(deposit_account), "deposits not all deducted")
        waiting = self.service_tax.cash_basis_transition_account_id
        if waiting and self.service_tax.tax_exigibility == "on_payment":
            self.assertTrue(settled(waiting), "VAT due on payment left waiting")

    def _assert_taxes_and_accounts(self, order):
        """Articles: no VAT, on the pass-through account (disbursements);
        service fee and transport: the service VAT, on their income
        accounts; the deposit: one line per tax on the down payment
        account. The VAT of the two invoices is the order's, on the fee and
        the real transport only."""
        deposit, final = order.ps_deposit_invoice_id, order.ps_final_invoice_id
        fee_product = self.company.ps_service_fee_product_id
        transport_product = self.company.ps_transport_product_id
        expected = {
            self.article_product: (self.env["account.tax"], self.accounts["article"]),
            fee_product: (self.service_tax, self.accounts["fee"]),
            transport_product: (self.service_tax, self.accounts["transport"]),
        }
        product_lines = final.invoice_line_ids.filtered("product_id").filtered(
            lambda line: not line.is_downpayment
        )
        self.assertEqual(set(product_lines.product_id), set(expected))
        for line in product_lines:
            taxes, account_code = expected[line.product_id]
            self.assertEqual(line.tax_ids, taxes, line.name)
            self.assertEqual(line.account_id.code, account_code, line.name)
        deposit_lines = deposit.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        self.assertEqual(
            sorted(deposit_lines.mapped(lambda line: len(line.tax_ids))), [0, 1]
        )
        self.assertEqual(deposit_lines.tax_ids, self.service_tax)
        self.assertEqual(
            set(deposit_lines.account_id.mapped("code")), {self.accounts["deposit"]}
        )
        # the deposit's share of each tax group, deducted on the final invoice
        deducted = final.invoice_line_ids.filtered("is_downpayment")
        self.assertEqual(
            sorted(deducted.mapped("price_subtotal")),
            sorted(-amount for amount in deposit_lines.mapped("price_subtotal")),
        )
        services = order.order_line.filtered(
            lambda line: line.product_id in (fee_product | transport_product)
        )
        self.assertEqual(
            services.filtered(
                lambda line: line.product_id == transport_product
            ).price_unit,
            self.transport_final,
        )
        vat = self.currency.round(
            sum(services.mapped("price_subtotal")) * self.service_tax_rate / 100.0
        )
        self.assertAlmostEqual(order.amount_tax, vat)
        self.assertAlmostEqual(deposit.amount_tax + final.amount_tax, vat)
        self.assertAlmostEqual(
            deposit.amount_total + final.amount_total, order.amount_total
        )


class LocalizedMoneyPathTests:
    """The journeys, on the company of the concrete test class."""

    def test_full_journey(self):
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            articles = order.order_line.filtered("ps_is_article")
            usd, gbp = self.env.ref("base.USD"), self.env.ref("base.GBP")
            self.assertEqual(articles.ps_shop_currency_id, usd | gbp)
            proforma_prices = [
                self.currency.round(SHOP_PRICES[0] / self.rates["USD"][0]),
                self.currency.round(SHOP_PRICES[1] / self.rates["GBP"][0]),
            ]
            self.assertEqual(articles.mapped("price_unit"), proforma_prices)
            deposit = order.ps_deposit_invoice_id
            self.assertEqual(deposit.currency_id, self.company.currency_id)
            self._pay_with_proof(order)
            self.assertIn(deposit.payment_state, PAID)
            self.assertEqual(order.ps_stage, "confirmed")
        with freeze_time(FINAL_DATE):
            final = self._to_final_invoice(order)
            # the shops' currencies moved, the accepted prices did not
            self.assertEqual(
                final.invoice_line_ids.filtered(
                    lambda line: line.product_id == self.article_product
                ).mapped("price_unit"),
                proforma_prices,
            )
            self.assertNotEqual(
                self.currency.round(
                    SHOP_PRICES[0]
                    * usd._convert(
                        1.0, self.currency, self.company, FINAL_DATE, round=False
                    )
                ),
                proforma_prices[0],
            )
            self.assertAlmostEqual(
                final.amount_total, order.amount_total - deposit.amount_total
            )
            self._pay_with_proof(order)
            self.assertIn(final.payment_state, PAID)
            self._deliver(order)
        self._assert_taxes_and_accounts(order)
        self._assert_books_closed(self.customer)

    def test_partial_payments(self):
        """Deposit and balance each paid in two transfers."""
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            deposit = order.ps_deposit_invoice_id
            self._pay_with_proof(
                order, amount=self.currency.round(deposit.amount_total / 3)
            )
            self.assertEqual(deposit.payment_state, "partial")
            self.assertEqual(order.ps_stage, "deposit_pending")
            self._pay_with_proof(order)
            self.assertIn(deposit.payment_state, PAID)
            self.assertEqual(order.ps_stage, "confirmed")
        with freeze_time(FINAL_DATE):
            final = self._to_final_invoice(order)
            self._pay_with_proof(
                order, amount=self.currency.round(final.amount_total / 2)
            )
            self.assertEqual(final.payment_state, "partial")
            self.assertEqual(order.ps_stage, "balance_pending")
            self.assertTrue(
                self.currency.compare_amounts(
                    self._receivable_balance(self.customer), 0
                )
                > 0
            )
            self._pay_with_proof(order)
            self._deliver(order)
        self.assertEqual(len(order.ps_proof_ids.payment_id), 4)
        self._assert_taxes_and_accounts(order)
        self._assert_books_closed(self.customer)

    def test_overpayment(self):
        """A deposit transfer larger than asked: the surplus is the
        customer's credit, used first on the final invoice."""
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            deposit = order.ps_deposit_invoice_id
            proof = self._pay_with_proof(
                order, amount=deposit.amount_total + self.surplus
            )
            self.assertAlmostEqual(
                proof.payment_id.amount, deposit.amount_total + self.surplus
            )
            self.assertIn(deposit.payment_state, PAID)
            self.assertEqual(order.ps_stage, "confirmed")
            self.assertAlmostEqual(
                self._receivable_balance(self.customer), -self.surplus
            )
        with freeze_time(FINAL_DATE):
            final = self._to_final_invoice(order)
            self.assertAlmostEqual(
                final.amount_residual, final.amount_total - self.surplus
            )
            balance_proof = self._pay_with_proof(order)
            self.assertAlmostEqual(
                balance_proof.payment_id.amount, final.amount_total - self.surplus
            )
            self._deliver(order)
        self._assert_taxes_and_accounts(order)
        self._assert_books_closed(self.customer)

    def test_cancel_after_deposit_refunded(self):
        """Paid deposit, request cancelled, the customer refunded: the
        deposit invoice stays posted (hash-locked journal in France), a
        credit note cancels it and an outbound payment refunds it."""
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            deposit = order.ps_deposit_invoice_id
            self._pay_with_proof(order)
        with freeze_time(FINAL_DATE):
            wizard = self._cancel(order, "refund")
            self.assertAlmostEqual(wizard.paid_amount, deposit.amount_total)
        self.assertEqual(deposit.state, "posted")
        credit_note = deposit.reversal_move_ids
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.journal_id, deposit.journal_id)
        self.assertAlmostEqual(credit_note.amount_total, deposit.amount_total)
        self.assertIn(credit_note.payment_state, PAID)
        refund = credit_note._get_reconciled_payments()
        self.assertEqual(refund.payment_type, "outbound")
        self.assertAlmostEqual(refund.amount, deposit.amount_total)
        self._assert_books_closed(self.customer)

    def test_cancel_after_deposit_kept_as_credit(self):
        """Paid deposit, request cancelled, the money kept as the customer's
        credit: the credit note stays open for what was paid, and pays the
        next request's deposit (Invoicing's outstanding credits)."""
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            deposit = order.ps_deposit_invoice_id
            self._pay_with_proof(order)
            self._cancel(order, "credit")
            credit_note = deposit.reversal_move_ids
            self.assertEqual(deposit.state, "posted")
            self.assertAlmostEqual(credit_note.amount_residual, deposit.amount_total)
            self.assertAlmostEqual(
                self._receivable_balance(self.customer), -deposit.amount_total
            )
            # the next request (dearer) uses the credit, the customer pays the rest
            order2 = self._shop_priced_order(
                shop_prices=[price * 2 for price in SHOP_PRICES]
            )
            deposit2 = order2.ps_deposit_invoice_id
            credit_line = credit_note.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            deposit2.js_assign_outstanding_line(credit_line.id)
            self.assertEqual(deposit2.payment_state, "partial")
            self.assertAlmostEqual(
                deposit2.amount_residual, deposit2.amount_total - deposit.amount_total
            )
            self.assertEqual(order2.ps_stage, "deposit_pending")
            self._pay_with_proof(order2)
            self.assertEqual(order2.ps_stage, "confirmed")
        with freeze_time(FINAL_DATE):
            self._to_final_invoice(order2)
            self._pay_with_proof(order2)
            self._deliver(order2)
        self.assertIn(credit_note.payment_state, PAID)
        self._assert_books_closed(self.customer)

    def test_cancel_unpaid_deposit(self):
        """Nothing paid: the credit note settles the deposit invoice."""
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            deposit = order.ps_deposit_invoice_id
            self._cancel(order, "credit")
        self.assertEqual(deposit.state, "posted")
        self.assertEqual(deposit.payment_state, "reversed")
        self.assertEqual(deposit.reversal_move_ids.payment_state, "paid")
        self._assert_books_closed(self.customer)


@tagged("post_install", "-at_install")
class TestLocalizationFrance(LocalizedMoneyPathTests, PersonalShopperLocalizedCommon):
    """A French company (as the demo company): EUR, 20 % VAT due on
    payment on the service fee and transport, articles as disbursements,
    sales journal locked by Odoo's inalterability hash."""

    service_tax_rate = 20.0
    accounts = {
        "article": "467000",
        "fee": "706000",
        "transport": "708500",
        "deposit": "419100",
    }
    # USD and GBP for one euro
    rates = {"USD": (1.10, 1.25), "GBP": (0.85, 0.80)}
    transport_final = 42.5
    surplus = 25.0

    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("fr")
    def setUpClass(cls):
        super().setUpClass()

    def test_french_company(self):
        self.assertEqual(self.company.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(self.service_tax.amount, 20.0)
        self.assertEqual(self.service_tax.tax_exigibility, "on_payment")
        self.assertEqual(self.service_tax.tax_scope, "service")
        sale_journals = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "sale")]
        )
        self.assertTrue(all(sale_journals.mapped("restrict_mode_hash_table")))

    def test_customer_billed_in_dollars(self):
        """A customer billed in US dollars (their pricelist) by the company
        keeping its books in euros: the dollar moves between the deposit
        invoice, its payment and the final invoice; Odoo books the exchange
        differences and the customer's receivable closes at zero in euros."""
        usd = self.env.ref("base.USD")
        pricelist = self.env["product.pricelist"].create(
            {"name": "US dollars", "currency_id": usd.id, "company_id": self.company.id}
        )
        self.customer.with_company(self.company).property_product_pricelist = pricelist
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            self.assertEqual(order.currency_id, usd)
            # the US shop's prices as they are, the UK shop's converted to dollars
            self.assertEqual(
                order.order_line.filtered("ps_is_article").mapped("price_unit"),
                [SHOP_PRICES[0], usd.round(SHOP_PRICES[1] * 1.10 / 0.85)],
            )
            deposit = order.ps_deposit_invoice_id
            self.assertEqual(deposit.currency_id, usd)
        self.env["res.currency.rate"].create(
            {
                "name": "2025-03-20",
                "rate": 1.18,
                "currency_id": usd.id,
                "company_id": self.company.id,
            }
        )
        with freeze_time("2025-03-20"):
            self._pay_with_proof(order)
            self.assertIn(deposit.payment_state, PAID)
        with freeze_time(FINAL_DATE):
            final = self._to_final_invoice(order)
            self.assertEqual(final.currency_id, usd)
            self._pay_with_proof(order)
            self._deliver(order)
        self.assertTrue(
            self.env["account.move"].search_count(
                [
                    ("company_id", "=", self.company.id),
                    ("journal_id", "=", self.company.currency_exchange_journal_id.id),
                ]
            ),
            "exchange differences booked",
        )
        self._assert_books_closed(self.customer, currency=usd)

    def test_cancel_on_hash_locked_journal(self):
        """The deposit invoice is sealed by the hash: cancelling the request
        after it was posted (and paid) leaves it untouched and reverses it
        by a credit note, sealed too."""
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            deposit = order.ps_deposit_invoice_id
            self.assertTrue(deposit.restrict_mode_hash_table)
            self.assertTrue(deposit.inalterable_hash)
            self._pay_with_proof(order)
            self._cancel(order, "refund")
        credit_note = deposit.reversal_move_ids
        self.assertEqual(deposit.state, "posted")
        self.assertTrue(credit_note.inalterable_hash)
        results = [
            result
            for result in self.company._check_hash_integrity()["results"]
            if result["status"] != "no_data"
        ]
        self.assertTrue(results)
        for result in results:
            self.assertEqual(result["status"], "verified", result)
        self._assert_books_closed(self.customer)


@tagged("post_install", "-at_install")
class TestLocalizationOhada(LocalizedMoneyPathTests, PersonalShopperLocalizedCommon):
    """A company of Côte d'Ivoire on the OHADA chart (SYSCOHADA): XOF, a
    currency without decimals, 18 % VAT on the service fee and transport."""

    service_tax_rate = 18.0
    accounts = {
        "article": "471100",
        "fee": "706100",
        "transport": "707100",
        "deposit": "419100",
    }
    # USD and GBP for one franc CFA
    rates = {"USD": (0.00165, 0.0017), "GBP": (0.0013, 0.00125)}
    transport_final = 27500.0
    surplus = 15000.0

    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("ci")
    def setUpClass(cls):
        super().setUpClass()
        # minimums in francs CFA
        cls.company.write({"ps_service_fee_min": 5000.0, "ps_transport_min": 10000.0})
        # a customer in Abidjan (abroad, the export fiscal position would
        # take the VAT off the service). Ivorian addresses have no postcode:
        # the country's setting in Contacts, which Odoo ships as required.
        cls.env.ref("base.ci").zip_required = False
        cls.customer.write(
            {
                "street": "Rue des Jardins, Cocody",
                "city": "Abidjan",
                "zip": False,
                "country_id": cls.env.ref("base.ci").id,
                "mobile": "+225 07 07 12 34 56",
            }
        )

    def test_ohada_company(self):
        self.assertEqual(self.company.currency_id, self.env.ref("base.XOF"))
        self.assertEqual(self.company.currency_id.decimal_places, 0)
        self.assertEqual(self.service_tax.amount, 18.0)


@tagged("post_install", "-at_install")
class TestDemoCompany(TransactionCase):
    """The demo company is the French business of the demo: French chart,
    EUR, its own identity, logo and bank account, hash-locked sales journal,
    the request's products taxed as README.md says (scripts/run and the test
    databases install l10n_fr_account with the addon)."""

    def test_demo_company_is_french(self):
        if not loaded_demo_data(self.env):
            self.skipTest("no demo data")
        fr_accounting = self.env["ir.module.module"]._get("l10n_fr_account")
        if fr_accounting.state != "installed":
            self.skipTest("l10n_fr_account is not installed")
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "Achats Sans Frontières SARL")
        self.assertEqual(company.chart_template, "fr")
        self.assertEqual(company.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(company.country_id, self.env.ref("base.fr"))
        self.assertEqual((company.city, company.zip), ("Lyon", "69002"))
        with file_open("base/static/img/res_company_logo.png", "rb") as odoo_logo:
            self.assertNotEqual(base64.b64decode(company.logo), odoo_logo.read())
        bank_journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        self.assertEqual(
            bank_journal.bank_account_id,
            self.env.ref("personal_shopper.demo_company_bank_account"),
        )
        self.assertEqual(company.partner_id.bank_ids, bank_journal.bank_account_id)
        sale_journals = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")]
        )
        self.assertTrue(all(sale_journals.mapped("restrict_mode_hash_table")))

        def company_taxes(product):
            return product.taxes_id.filtered(lambda tax: tax.company_id == company)

        service_tax = (
            self.env["account.chart.template"]
            .with_company(company)
            .ref("tva_normale_encaissement")
        )
        self.assertEqual(company_taxes(company.ps_service_fee_product_id), service_tax)
        self.assertEqual(company_taxes(company.ps_transport_product_id), service_tax)
        article = self.env.ref("personal_shopper.product_remote_article")
        self.assertFalse(company_taxes(article))
        self.assertEqual(
            article.with_company(company).property_account_income_id.code, "467000"
        )
        # the demo's requests, and Odoo's own quotations, in euros
        orders = self.env["sale.order"].search([("company_id", "=", company.id)])
        self.assertTrue(orders.filtered("is_personal_shopper"))
        self.assertEqual(orders.currency_id, company.currency_id)
        delivered = self.env.ref("personal_shopper.demo_order_delivered")
        invoices = delivered.ps_deposit_invoice_id | delivered.ps_final_invoice_id
        self.assertEqual(len(invoices), 2)
        self.assertTrue(all(invoices.mapped("inalterable_hash")))
