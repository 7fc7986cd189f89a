from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestProformaReport(PersonalShopperCommon):
    """The proforma is sale's pro-forma document (personal_shopper's action
    prints sale.report_saleorder_pro_forma), extended for requests; the PDF's
    text is checked in test_proforma_document."""

    def setUp(self):
        super().setUp()
        self.order = self._make_order("proforma_sent", prices=[100.0, 200.0])
        self.report = self.env.ref("personal_shopper.action_report_ps_proforma")
        self.bank_account = self.env["res.partner.bank"].create(
            {
                "partner_id": self.company.partner_id.id,
                "acc_number": "FR76 1111 2222 3333 4444 5555 666",
                "sequence": -100,
                "allow_out_payment": True,
            }
        )

    def _html(self, report_ref, order):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html(report_ref, order.ids)[0]
            .decode()
        )

    def test_proforma_is_sale_pro_forma(self):
        self.assertEqual(self.report.report_name, "sale.report_saleorder_pro_forma")
        self.assertEqual(self.order._ps_bank_account(), self.bank_account)
        html = self._html(self.report.report_name, self.order)
        self.assertRegex(
            html, rf"Pro-Forma Invoice # </span>\s*<span>{self.order.name}<"
        )
        for line in self.order.order_line.filtered("ps_is_article"):
            self.assertIn(line.ps_article_name, html)
            self.assertIn(f'href="{line.ps_article_url}"', html)
            self.assertIn(line.ps_article_details, html)
        self.assertIn(self.shop_us.name, html)
        self.assertIn(self.company.ps_transport_product_id.name, html)
        self.assertIn("(estimate)", html)
        self.assertIn("Deposit due", html)
        self.assertIn('name="ps_bank_account"', html)
        self.assertIn("FR76 1111 2222 3333 4444 5555 666", html)
        self.assertIn(self.order.name, html)
        # the quotation report of a request is its proforma too
        html = self._html("sale.report_saleorder", self.order)
        self.assertIn("Pro-Forma Invoice #", html)
        self.assertNotIn("Quotation #", html)

    def test_company_identity_once(self):
        """The VAT and registration are printed unless the layout's header or
        footer (Document Layout) already shows them."""
        self.company.write(
            {"vat": "FR40303265045", "company_registry": "303 265 045 RCS Lyon"}
        )
        self.company.report_footer = False
        html = self._html(self.report.report_name, self.order)
        self.assertIn('name="ps_company_identity"', html)
        self.assertIn("FR40303265045", html)
        self.assertIn("303 265 045 RCS Lyon", html)
        self.company.report_footer = "<p>VAT FR40303265045 - 303 265 045 RCS Lyon</p>"
        html = self._html(self.report.report_name, self.order)
        self.assertNotIn('name="ps_company_identity"', html)

    def test_notification_button_is_no_quotation(self):
        message = self.order.message_ids[:1]
        groups = self.order._notify_get_recipients_groups(message, False)
        customer = next(group for group in groups if group[0] == "portal_customer")
        self.assertEqual(customer[2]["button_access"]["title"], "View my request")

    def test_other_orders_unchanged(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.company.ps_service_fee_product_id.id})
                ],
            }
        )
        html = self._html("sale.report_saleorder", order)
        self.assertIn("Quotation #", html)
        for absent in ("Deposit due", "ps_bank_account", "ps_company_identity"):
            self.assertNotIn(absent, html)

    # Outside of a browser request wkhtmltopdf cannot be served the report's
    # stylesheets by the test server (no session, database filter): point it to
    # a closed port so it does not wait for them, and silence the warnings this
    # and distribution builds of wkhtmltopdf (unpatched Qt) log.
    @mute_logger("odoo.addons.base.models.ir_actions_report")
    def test_proforma_pdf(self):
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        pdf, report_format = self.report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(self.report.report_name, self.order.ids)
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
