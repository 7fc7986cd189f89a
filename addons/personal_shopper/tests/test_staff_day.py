"""The staff's and the accountant's day (issue 14): a request readable at a
glance, amounts typed by staff checked, the proof review screen, the proof's
file with its payment, deposit and final invoices told apart, the accounting
buttons kept for the accountants, and the deposits booked on the French
customers' advances account (4191) and cleared by the final invoice."""

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import PNG_DATA, PersonalShopperCommon
from .test_localizations import PROFORMA_DATE, PersonalShopperLocalizedCommon

ONE_PAGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@tagged("post_install", "-at_install")
class TestStaffDay(PersonalShopperCommon):
    # ------------------------------------------------------------------
    # Requests at a glance
    # ------------------------------------------------------------------
    def test_request_at_a_glance(self):
        self.customer.write({"phone": "+33 1 23 45 67 89"})
        order = self._make_order("deposit_pending")
        staff_order = order.with_user(self.staff_user)
        self.assertEqual(staff_order.ps_partner_phone, "+33 1 23 45 67 89")
        self.assertEqual(staff_order.ps_partner_mobile, "+33 6 12 34 56 78")
        self.assertEqual(staff_order.ps_partner_email, "carla.customer@example.com")
        self.assertIn("1 rue de la Paix", staff_order.ps_delivery_address)
        self.assertEqual(staff_order.ps_shop_ids, self.shop_us | self.shop_uk)
        self.assertTrue(staff_order.ps_request_date)
        self.assertEqual(staff_order.ps_age_days, 0)
        self.assertTrue(staff_order.validity_date)
        deposit = order.ps_deposit_invoice_id
        self.assertAlmostEqual(staff_order.ps_amount_paid, 0.0)
        self.assertAlmostEqual(staff_order.ps_amount_due, order.amount_total)
        self._pay_with_proof(order)
        order.invalidate_recordset()
        self.assertAlmostEqual(order.ps_amount_paid, deposit.amount_total)
        self.assertAlmostEqual(
            order.ps_amount_due, order.amount_total - deposit.amount_total
        )
        # grouped by shop (stored), found by shop
        self.assertIn(
            order,
            self.env["sale.order"].search([("ps_shop_ids", "in", self.shop_uk.ids)]),
        )

    def test_kanban_folds_closed_and_empty_stages(self):
        requested = self._make_order("proforma_requested")
        cart = self._make_cart(partner=self._new_customer("Cart Only"))
        delivered = self._make_order("delivered", partner=self._new_customer("D"))
        mine = [("id", "in", (requested | cart | delivered).ids)]
        Order = self.env["sale.order"].with_user(self.staff_user)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "personal_shopper.action_personal_shopper_order"
        )
        self.assertIn("search_default_staff_work", action["context"])
        domain = mine + [("ps_stage", "!=", "cart")]
        groups = Order.web_read_group(domain, ["ps_stage"], ["ps_stage"])["groups"]
        by_stage = {group["ps_stage"]: group for group in groups}
        self.assertNotIn("cart", by_stage, "the customers' carts are not staff work")
        self.assertFalse(by_stage["proforma_requested"]["__fold"])
        self.assertTrue(by_stage["delivered"]["__fold"])
        self.assertTrue(by_stage["cancelled"]["__fold"])
        self.assertTrue(by_stage["in_transit"]["__fold"], "empty columns fold")
        # still reachable with the "open carts" filter
        all_groups = Order.web_read_group(mine, ["ps_stage"], ["ps_stage"])["groups"]
        self.assertIn("cart", [group["ps_stage"] for group in all_groups])

    def test_staff_filters(self):
        order = self._make_order("proforma_requested")
        order.user_id = self.staff_user
        Order = self.env["sale.order"].with_user(self.staff_user)
        mine = Order.search(
            [
                ("is_personal_shopper", "=", True),
                "|",
                ("activity_user_id", "=", self.staff_user.id),
                ("user_id", "=", self.staff_user.id),
            ]
        )
        self.assertIn(order, mine)
        # the search view's filters load (domains with relativedelta...)
        Order.get_views([(False, "search")], {"load_filters": True})
        arch = self.env.ref(
            "personal_shopper.sale_order_view_search_personal_shopper"
        ).get_combined_arch()
        for name in (
            "staff_work",
            "open_carts",
            "waiting_for_me",
            "overdue_activities",
            "group_by_shop",
            "group_by_age",
            "proofs_to_check",
        ):
            self.assertIn(f'name="{name}"', arch)

    # ------------------------------------------------------------------
    # Amounts typed by staff
    # ------------------------------------------------------------------
    def test_negative_or_absurd_amounts_refused(self):
        order = self._make_order("proforma_requested")
        article = order.order_line.filtered("ps_is_article")[:1].with_user(
            self.staff_user
        )
        for values in (
            {"price_unit": -10.0},
            {"ps_shop_price_unit": -1.0},
            {"ps_exchange_rate": -0.5},
            {"product_uom_qty": 0},
            {"discount": 120.0},
            {"price_unit": 5e9},
            {"ps_exchange_rate": 5e7},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    article.write(values)
        order.with_user(self.staff_user).action_ps_compute_fees()
        fee = order.order_line.filtered(
            lambda line: line.product_id == self.company.ps_service_fee_product_id
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            fee.with_user(self.staff_user).price_unit = -5.0
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            order.with_user(self.staff_user).prepayment_percent = 1.5
        confirmed = self._make_order("confirmed", partner=self._new_customer("T"))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            confirmed.with_user(self.staff_user).ps_transport_final = -20.0
        for values in (
            {"ps_deposit_percent": 150.0},
            {"ps_service_fee_percent": -1.0},
            {"ps_transport_min": -5.0},
            {"ps_reminder_days": -1},
            {"ps_proof_max_size": 0},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.company.write(values)
        # what is right still passes
        article.write({"price_unit": 12.5, "ps_shop_price_unit": 10.0})

    # ------------------------------------------------------------------
    # Payment proofs
    # ------------------------------------------------------------------
    def test_proof_on_paid_invoice_refused(self):
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(order)
        deposit = order.ps_deposit_invoice_id
        # the deposit paid meanwhile in Invoicing: the proof closes itself
        order._ps_register_payment(deposit, deposit.amount_residual)
        self.assertIn(deposit.payment_state, ("paid", "in_payment"))
        self.assertEqual(proof.state, "superseded")
        with self.assertRaises(UserError):
            proof.with_user(self.staff_user).action_accept()

    def test_duplicates_of_a_paid_invoice_closed(self):
        """A proof left waiting on an invoice paid after the request moved on
        (the final invoice paid in Invoicing while the request is ready):
        closed as no longer needed, with a note on the request."""
        order = self._make_order("balance_pending")
        final = order.ps_final_invoice_id
        stale = self._submit_proof(order)
        self.assertEqual(order.ps_stage, "balance_review")
        # another proof pays the invoice: the first one is a duplicate
        second = self._submit_proof(order, name="again.pdf")
        second.with_user(self.staff_user).action_accept()
        self.assertIn(final.payment_state, ("paid", "in_payment"))
        self.assertEqual(stale.state, "superseded")
        self.assertIn(final.name, stale.reject_reason)
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: "closed as no longer needed" in (m.body or "")
            )
        )

    def test_proof_file_on_payment_and_invoice(self):
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(order, data=PNG_DATA, name="transfer.png")
        proof.with_user(self.staff_user).action_accept()
        payment = proof.payment_id
        self.assertTrue(payment)
        on_payment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.payment"), ("res_id", "=", payment.id)]
        )
        self.assertEqual(on_payment.raw, PNG_DATA)
        self.assertTrue(on_payment._ps_is_customer_file())
        invoice = order.ps_deposit_invoice_id
        self.assertTrue(
            invoice.message_ids.filtered(
                lambda m: m.attachment_ids.filtered(lambda a: a.raw == PNG_DATA)
            ),
            "the accountant finds the proof on the invoice",
        )

    def test_review_screen_and_bulk_reject(self):
        order = self._make_order("deposit_pending")
        first = self._submit_proof(order)
        second = self._submit_proof(order, data=PNG_DATA, name="b.png")
        staff_first = first.with_user(self.staff_user)
        self.assertTrue(staff_first.is_pdf)
        self.assertFalse(second.with_user(self.staff_user).is_pdf)
        self.assertTrue(staff_first.file_data)
        self.assertAlmostEqual(
            staff_first.invoice_amount_due, order.ps_deposit_invoice_id.amount_residual
        )
        self.assertEqual(staff_first.partner_proof_ids, second)
        arch = (
            self.env["personal.shopper.payment.proof"]
            .with_user(self.staff_user)
            .get_views([(False, "form"), (False, "list")])["views"]
        )
        form = etree.fromstring(arch["form"]["arch"])
        self.assertTrue(form.xpath("//field[@name='file_data'][@widget='pdf_viewer']"))
        accept = form.xpath("//button[@name='action_accept']")[0]
        self.assertFalse(accept.get("confirm"), "accepted in one click")
        listing = etree.fromstring(arch["list"]["arch"])
        self.assertTrue(
            listing.xpath("//header/button[@name='action_open_reject_wizard']")
        )
        # bulk reject: one reason for several proofs
        action = (first | second).with_user(self.staff_user).action_open_reject_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.staff_user)
            .with_context(**action["context"])
            .create({"reason": "Unreadable"})
        )
        wizard.action_reject()
        self.assertEqual((first | second).mapped("state"), ["rejected", "rejected"])
        self.assertEqual(order.ps_stage, "deposit_pending")

    # ------------------------------------------------------------------
    # Invoices
    # ------------------------------------------------------------------
    def test_deposit_and_final_invoices_told_apart(self):
        order = self._make_order("balance_pending")
        deposit, final = order.ps_deposit_invoice_id, order.ps_final_invoice_id
        self.assertEqual(deposit.ps_invoice_kind, "deposit")
        self.assertEqual(final.ps_invoice_kind, "final")
        Move = self.env["account.move"]
        self.assertEqual(
            Move.search(
                [
                    ("ps_invoice_kind", "=", "deposit"),
                    ("id", "in", (deposit | final).ids),
                ]
            ),
            deposit,
        )
        self.assertEqual(
            Move.search(
                [("ps_invoice_kind", "=", "final"), ("id", "in", (deposit | final).ids)]
            ),
            final,
        )
        self.assertEqual(
            deposit.ps_invoice_title, f"Deposit invoice – request {order.name}"
        )
        self.assertEqual(final.ps_order_id, order)
        action = deposit.action_ps_open_request()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("sale.order", order.id)
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.account_invoices", deposit.ids)[0]
            .decode()
        )
        self.assertIn(f"Deposit invoice – request {order.name}", html)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.account_invoices", final.ids)[0]
            .decode()
        )
        self.assertIn(f"Final invoice – request {order.name}", html)

    def test_accounting_buttons_for_accountants_only(self):
        order = self._make_order("deposit_pending")
        deposit = order.ps_deposit_invoice_id
        accountant = new_test_user(
            self.env,
            login="ps_accountant",
            groups="personal_shopper.group_personal_shopper_user,account.group_account_manager",
        )
        billing_only = new_test_user(
            self.env, login="ps_billing", groups="account.group_account_invoice"
        )

        def hidden(user):
            return deposit.with_user(user).ps_hide_accounting_buttons

        self.assertTrue(hidden(self.staff_user))
        self.assertFalse(hidden(accountant))
        # Invoicing's own users keep Odoo's screen
        self.assertFalse(hidden(billing_only))
        # the list's "Pay" and calls outside the form are refused too
        with self.assertRaises(AccessError):
            deposit.with_user(self.staff_user).action_force_register_payment()
        with self.assertRaises(AccessError):
            deposit.with_user(self.staff_user).button_draft()
        self.assertTrue(deposit.with_user(accountant).action_register_payment())
        arch = etree.fromstring(
            self.env["account.move"]
            .with_user(self.staff_user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for name in (
            "action_register_payment",
            "button_draft",
            "action_reverse",
            "button_cancel",
        ):
            for button in arch.xpath(f"//header/button[@name='{name}']"):
                self.assertIn("ps_hide_accounting_buttons", button.get("invisible"))
        for name in ("action_invoice_sent", "action_print_pdf"):
            for button in arch.xpath(f"//header/button[@name='{name}']"):
                self.assertNotIn(
                    "ps_hide_accounting_buttons", button.get("invisible") or ""
                )
        self.assertEqual(deposit.with_user(self.staff_user).ps_invoice_kind, "deposit")


@tagged("post_install", "-at_install")
class TestStaffDayFrenchBooks(PersonalShopperLocalizedCommon):
    """The deposit on 4191 (customers' advances), not on sales, and the final
    invoice clearing it: the journal lines a French accountant expects."""

    rates = {"USD": (1.10, 1.25), "GBP": (0.85, 0.80)}

    @classmethod
    @AccountTestInvoicingCommon.setup_chart_template("fr")
    def setUpClass(cls):
        super().setUpClass()

    def test_deposit_on_4191_cleared_by_final_invoice(self):
        with freeze_time(PROFORMA_DATE):
            order = self._shop_priced_order()
            deposit = order.ps_deposit_invoice_id
            deposit_lines = deposit.line_ids.filtered(
                lambda line: line.display_type == "product"
            )
            self.assertEqual(set(deposit_lines.account_id.mapped("code")), {"419100"})
            self.assertFalse(
                deposit.line_ids.filtered(
                    lambda line: line.account_id.code.startswith("70")
                ),
                "a deposit is no sale",
            )
            self._pay_with_proof(order)
            final = self._to_final_invoice(order)
        deduction = final.line_ids.filtered("is_downpayment").filtered(
            lambda line: line.display_type == "product"
        )
        self.assertEqual(set(deduction.account_id.mapped("code")), {"419100"})
        self.assertAlmostEqual(
            sum(deduction.mapped("balance")), -sum(deposit_lines.mapped("balance"))
        )
        account_4191 = deposit_lines.account_id
        balance = sum(
            self.env["account.move.line"]
            .search(
                [
                    ("account_id", "=", account_4191.id),
                    ("partner_id", "=", self.customer.commercial_partner_id.id),
                    ("parent_state", "=", "posted"),
                ]
            )
            .mapped("balance")
        )
        self.assertTrue(self.currency.is_zero(balance), "4191 cleared")
        # the settings show (and set) that account
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.ps_deposit_account_id, account_4191)
        self.assertEqual(
            settings.ps_payment_journal_used_id, self.company._ps_payment_journal()
        )


@tagged("post_install", "-at_install")
class TestStaffDayTour(PersonalShopperCommon, HttpCase):
    """The click counts of README: a 2-article request priced and its
    proforma sent in 4 clicks, a payment proof accepted in 3 with its file
    shown in the review screen."""

    def test_proforma_in_four_clicks(self):
        customer = self._new_customer("Staffday Customer")
        order = self._make_order("proforma_requested", partner=customer)
        self.start_tour(
            "/odoo/action-personal_shopper.action_personal_shopper_order",
            "personal_shopper_staffday_proforma",
            login=self.staff_user.login,
        )
        self.assertEqual(order.ps_stage, "proforma_sent")
        articles = order.order_line.filtered("ps_is_article")
        self.assertEqual(articles.mapped("ps_shop_price_unit"), [100.0, 50.0])
        self.assertTrue(all(price > 0 for price in articles.mapped("price_unit")))
        self.assertTrue(order.ps_proforma_sent_date)

    def test_proof_in_three_clicks(self):
        payer = self._new_customer("Staffday Payer")
        order = self._make_order("deposit_pending", partner=payer)
        # a one-page PDF (PDF.js shows it in the review screen)
        proof = self._submit_proof(order, data=ONE_PAGE_PDF)
        self.start_tour(
            "/odoo/action-personal_shopper.action_personal_shopper_order",
            "personal_shopper_staffday_proof",
            login=self.staff_user.login,
        )
        self.assertEqual(proof.state, "accepted")
        self.assertEqual(order.ps_stage, "confirmed")
