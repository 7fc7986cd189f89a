from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestProformaReport(PersonalShopperCommon):
    def setUp(self):
        super().setUp()
        self.order = self._make_order("proforma_sent", prices=[100.0, 200.0])
        self.report = self.env.ref("personal_shopper.action_report_ps_proforma")

    def test_proforma_content(self):
        html = self.report._render_qweb_html(self.report.report_name, self.order.ids)[
            0
        ].decode()
        self.assertIn(f"Proforma</span> <span>{self.order.name}", html)
        for line in self.order.order_line.filtered("ps_is_article"):
            self.assertIn(line.ps_article_name, html)
            self.assertIn(f'href="{line.ps_article_url}"', html)
            self.assertIn(line.ps_article_details, html)
        self.assertIn(self.shop_us.name, html)
        self.assertIn(self.company.ps_transport_product_id.name, html)
        self.assertIn("Deposit due", html)
        self.assertIn("FR76 0000", html)

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
