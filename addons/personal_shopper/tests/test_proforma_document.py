import importlib.util
import re
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_path, format_date, formatLang, mute_logger

from .common import PersonalShopperCommon, pdf_text

IBAN = "FR76 3000 6000 0112 3456 7890 189"
BIC = "AGRIFRPPXXX"
VAT = "FR40303265045"
REGISTRY = "303 265 045 RCS Lyon"
INSTRUCTIONS_EN = "Pay by bank transfer to the account below, stating the reference."
INSTRUCTIONS_FR = (
    "Payez par virement sur le compte ci-dessous, en indiquant la référence."
)
CODE_MARK = "[PS-"
# wkhtmltopdf logs its stderr as warnings (see test_report_header)
REPORT_LOGGER = "odoo.addons.base.models.ir_actions_report"


def _clean(text):
    return re.sub(r"\s+", " ", text)


def _page_text(html):
    return _clean(re.sub(r"<[^>]*>", " ", html))


@tagged("post_install", "-at_install")
class TestProformaDocument(HttpCase, PersonalShopperCommon):
    """The proforma of a request is Odoo's sale document (pro-forma), as PDF
    with a text layer: the issuer, the customer, the articles, the amounts,
    how to pay to the company's bank account, in the customer's language; the
    portal's download of a request gives it; no internal product code reaches
    the customer. An HttpCase, as test_report_header: its server serves
    wkhtmltopdf the report stylesheets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        french = cls.env["res.lang"]._lang_get("fr_FR")
        if not french.active:
            cls.env["res.lang"]._activate_lang("fr_FR")
            cls.env["ir.module.module"].search(
                [("name", "in", ("base", "web", "sale", "account", "personal_shopper"))]
            )._update_translations(["fr_FR"])
        cls.company.write(
            {
                "name": "Maison Proforma Test SARL",
                "street": "8 quai du Document",
                "zip": "69005",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "vat": VAT,
                "company_registry": REGISTRY,
                # empty layout texts: the standard header prints the name and
                # address; the document adds the VAT and registration
                "company_details": False,
                "report_footer": False,
                "external_report_layout_id": cls.env.ref(
                    "web.external_layout_standard"
                ).id,
                "ps_payment_instructions": f"<p>{INSTRUCTIONS_EN}</p>",
            }
        )
        cls.company.update_field_translations(
            "ps_payment_instructions", {"fr_FR": {INSTRUCTIONS_EN: INSTRUCTIONS_FR}}
        )
        # the one bank account of the company, Odoo's for its invoices
        cls.company.partner_id.bank_ids.action_archive()
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": IBAN,
                "allow_out_payment": True,
                "bank_id": cls.env["res.bank"]
                .create({"name": "Banque du Test", "bic": BIC})
                .id,
            }
        )
        cls.fr_user = new_test_user(
            cls.env,
            login="ps_client_fr",
            name="Camille Client",
            email="camille.client@example.com",
            lang="fr_FR",
            groups="base.group_portal",
        )
        cls.fr_customer = cls.fr_user.partner_id
        cls.fr_customer.write(
            {
                "street": "5 place Bellecour",
                "phone": "+33 4 72 00 00 00",
                "zip": "69002",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _pdf_text(self, pdf):
        return pdf_text(pdf)

    @mute_logger(REPORT_LOGGER)
    def _render_pdf_text(self, report_ref, records):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids)
        )
        self.assertEqual(report_format, "pdf")
        return self._pdf_text(pdf)

    def _amount(self, order, amount, lang):
        return _clean(
            formatLang(
                self.env(context=dict(self.env.context, lang=lang)),
                amount,
                currency_obj=order.currency_id,
            )
        )

    def _assert_issuer(self, text):
        self.assertIn("Maison Proforma Test SARL", text)
        self.assertIn("8 quai du Document", text)
        self.assertIn("69005 Lyon", text)
        self.assertIn(VAT, text)
        self.assertIn(REGISTRY, text)

    def _assert_bank_account(self, text):
        # the text layer carries the account, to be copied from the PDF
        self.assertIn(IBAN, text)
        self.assertIn(BIC, text)
        self.assertIn("Banque du Test", text)

    # ------------------------------------------------------------------
    # The proforma
    # ------------------------------------------------------------------
    def test_proforma_pdf_english(self):
        order = self._make_order("proforma_sent", prices=[100.0, 200.0])
        self.assertEqual(order._ps_bank_account(), self.bank_account)
        text = self._render_pdf_text(
            "personal_shopper.action_report_ps_proforma", order
        )

        self._assert_issuer(text)
        self.assertIn(f"Pro-Forma Invoice # {order.name}", text)
        # the customer
        self.assertIn("Carla Customer", text)
        self.assertIn("1 rue de la Paix", text)
        # the articles, with their links, details and shops
        for line in order.order_line.filtered("ps_is_article"):
            self.assertIn(line.ps_article_name, text)
            self.assertIn(line.ps_article_details, text)
            self.assertIn(line.ps_article_url, text)
            self.assertIn(f"Shop: {line.ps_shop_id.name}", text)
        # fees, the estimated transport, the amounts, the deposit, the validity
        self.assertIn("Personal shopper service fee", text)
        self.assertIn("International transport (estimate)", text)
        for amount in (order.amount_total, order.ps_deposit_amount, 400.0, 50.0, 75.0):
            self.assertIn(self._amount(order, amount, "en_US"), text)
        self.assertIn("Deposit due (50 %)", text)
        self.assertIn(
            format_date(self.env, order.validity_date, lang_code="en_US"), text
        )
        # how to pay, and to which account
        self.assertIn("How to pay", text)
        self.assertIn(INSTRUCTIONS_EN, text)
        self._assert_bank_account(text)
        self.assertIn(f"Payment reference {order.name}", text)
        self.assertNotIn("Quotation", text)
        self.assertNotIn(CODE_MARK, text)

    def test_proforma_pdf_french(self):
        order = self._make_order(
            "proforma_sent", partner=self.fr_customer, prices=[100.0, 200.0]
        )
        text = self._render_pdf_text(
            "personal_shopper.action_report_ps_proforma", order
        )

        self._assert_issuer(text)
        self.assertIn("Camille Client", text)
        self.assertIn("5 place Bellecour", text)
        # Odoo's own labels and the addon's, in French
        self.assertIn(f"Facture pro forma # {order.name}", text)
        self.assertIn("Quantité", text)
        self.assertIn("Acompte à verser (50 %)", text)
        self.assertIn("Modalités de paiement", text)
        self.assertIn("Frais de service Personal Shopper", text)
        self.assertIn(INSTRUCTIONS_FR, text)
        for amount in (order.amount_total, order.ps_deposit_amount):
            self.assertIn(self._amount(order, amount, "fr_FR"), text)
        self.assertIn(
            format_date(self.env, order.validity_date, lang_code="fr_FR"), text
        )
        self._assert_bank_account(text)
        for english in (
            "Pro-Forma Invoice",
            "Deposit due",
            "How to pay",
            INSTRUCTIONS_EN,
        ):
            self.assertNotIn(english, text)
        self.assertNotIn("Devis", text)
        self.assertNotIn(CODE_MARK, text)

    @mute_logger(REPORT_LOGGER)
    def test_mailed_proforma_pdf(self):
        """The proforma e-mail carries the priced proforma (rendered as the
        request is sent, before its stage changes)."""
        order = self._price(self._request_proforma(self._make_cart()), [100.0, 200.0])
        order.with_user(self.staff_user).with_context(
            force_report_rendering=True
        ).action_ps_send_proforma()
        message = order.message_ids.filtered(
            lambda m: m.attachment_ids and self.customer in m.partner_ids
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids.name, f"Proforma - {order.name}.pdf")
        text = self._pdf_text(message.attachment_ids.raw)
        self._assert_issuer(text)
        self.assertIn(f"Pro-Forma Invoice # {order.name}", text)
        self.assertIn(self._amount(order, order.ps_deposit_amount, "en_US"), text)
        self._assert_bank_account(text)
        self.assertNotIn(CODE_MARK, text)

    def test_unpriced_request_is_no_quotation(self):
        order = self._request_proforma(self._make_cart())
        self.assertFalse(order.ps_is_priced)
        self.assertEqual(order.type_name, "Request")
        text = self._render_pdf_text("sale.action_report_saleorder", order)
        self.assertIn(f"Request # {order.name}", text)
        self.assertIn("Article 1", text)
        self.assertIn("their prices, our service fee and the", text)
        for absent in (
            "Quotation",
            "Expiration",
            "Total",
            "Unit Price",
            "0.00",
            CODE_MARK,
        ):
            self.assertNotIn(absent, text)

        self.authenticate("ps_customer", "ps_customer")
        page = self.url_open(order.get_portal_url()).text
        self.assertIn(f"Request {order.name}", _page_text(page))
        self.assertIn(f"Request - {order.name}", _page_text(page))
        self.assertIn('id="ps_being_priced"', page)
        self.assertNotIn('id="sales_order_table"', page)
        self.assertNotIn("Quotation", page)
        self.assertNotIn("Expiration", page)
        for url in ("/my/cart", "/my/requests"):
            list_page = self.url_open(url).text
            self.assertIn(order.name, list_page, url)
            self.assertIn("Being priced", list_page, url)

        self._price_and_send(order, prices=[100.0, 200.0])
        self.assertEqual(order.type_name, "Proforma")
        page = self.url_open(order.get_portal_url()).text
        self.assertIn(f"Proforma - {order.name}", _page_text(page))
        self.assertIn('id="sales_order_table"', page)
        self.assertNotIn('id="ps_being_priced"', page)

    # ------------------------------------------------------------------
    # The portal's download
    # ------------------------------------------------------------------
    @mute_logger(REPORT_LOGGER)
    def test_portal_download_is_the_proforma(self):
        order = self._make_order("proforma_sent", prices=[100.0, 200.0])
        self.authenticate("ps_customer", "ps_customer")
        # The portal renders the PDF in the server's request: under tests Odoo
        # renders reports as HTML unless asked (force_report_rendering), and
        # wkhtmltopdf could not fetch the stylesheets from the test server
        # while that request holds the test cursor: no stylesheets then.
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        Report = self.registry["ir.actions.report"]
        render = Report._render_qweb_pdf
        rendered = []

        def render_pdf(report_self, report_ref, *args, **kwargs):
            rendered.append(report_ref)
            return render(
                report_self.with_context(force_report_rendering=True),
                report_ref,
                *args,
                **kwargs,
            )

        with patch.object(Report, "_render_qweb_pdf", render_pdf):
            response = self.url_open(
                order.get_portal_url(report_type="pdf", download=True)
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(rendered, ["personal_shopper.action_report_ps_proforma"])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn(
            f"Proforma_{order.name}.pdf", response.headers["Content-Disposition"]
        )
        text = self._pdf_text(response.content)
        self.assertIn(f"Pro-Forma Invoice # {order.name}", text)
        self.assertIn("Deposit due", text)
        self.assertIn(IBAN, text)
        self.assertNotIn("Quotation", text)

    # ------------------------------------------------------------------
    # No internal product code for the customer
    # ------------------------------------------------------------------
    def test_no_product_code_for_the_customer(self):
        order = self._make_order("balance_pending", prices=[100.0, 200.0])
        invoices = order.ps_deposit_invoice_id | order.ps_final_invoice_id
        self.assertEqual(len(invoices), 2)
        # the invoices carry the same bank account as the proforma
        self.assertEqual(invoices.partner_bank_id, self.bank_account)
        self.assertFalse(
            [
                name
                for name in invoices.invoice_line_ids.mapped("name")
                if CODE_MARK in (name or "")
            ]
        )
        self.assertNotIn(
            CODE_MARK,
            self._render_pdf_text("personal_shopper.action_report_ps_proforma", order),
        )
        invoices_text = self._render_pdf_text("account.account_invoices", invoices)
        self.assertIn("Personal shopper service fee", invoices_text)
        self.assertIn(IBAN, invoices_text)
        self.assertNotIn(CODE_MARK, invoices_text)

        # the mails sent to the customer, and their attachments
        messages = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                "&",
                ("model", "=", "account.move"),
                ("res_id", "in", invoices.ids),
            ]
        )
        self.assertTrue(messages.filtered("attachment_ids"))
        for message in messages:
            self.assertNotIn(CODE_MARK, message.subject or "")
            self.assertNotIn(CODE_MARK, message.body or "")
            for attachment in message.attachment_ids:
                self.assertNotIn(CODE_MARK.encode(), attachment.raw or b"")

        # the portal
        self.authenticate("ps_customer", "ps_customer")
        for url in (
            order.get_portal_url(),
            order.get_portal_url(report_type="html"),
            *(invoice.get_portal_url() for invoice in invoices),
            "/my/orders",
            "/my/invoices",
            "/my/cart",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn(CODE_MARK, response.text, url)

    def test_upgrade_removes_product_codes(self):
        """migrations/18.0.1.1.0: the codes 18.0.1.0.0 gave the products go,
        from the products and from the lines that carry them."""
        fee_product = self.env.ref("personal_shopper.product_service_fee")
        fee_product.default_code = "PS-FEE"
        order = self._make_order("proforma_sent")
        fee_line = order.order_line.filtered(
            lambda line: line.product_id == fee_product
        )
        self.assertEqual(fee_line.name, "[PS-FEE] Personal shopper service fee")
        article_line = order.order_line.filtered("ps_is_article")[:1]
        article_name = article_line.name

        spec = importlib.util.spec_from_file_location(
            "personal_shopper_post_migrate_18_0_1_1_0",
            file_path("personal_shopper/migrations/18.0.1.1.0/post-migrate.py"),
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.flush_all()
        migration._clear_product_codes(self.env.cr)
        self.env.invalidate_all()

        self.assertFalse(fee_product.default_code)
        self.assertEqual(fee_line.name, "Personal shopper service fee")
        self.assertEqual(article_line.name, article_name)
