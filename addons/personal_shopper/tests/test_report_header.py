from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import pdf_text


@tagged("post_install", "-at_install")
class TestReportHeader(HttpCase):
    """PDF reports print the company's header and footer (external layout).

    wkhtmltopdf prints them from separate pages (--header-html/--footer-html),
    which only its "patched qt" builds support: Debian's wkhtmltopdf drops
    them, and customer documents lose the company's name and address.
    scripts/setup installs a patched one into .venv/bin, which the scripts and
    the test harness put first on PATH, where Odoo looks it up.

    An HttpCase, as Odoo's own PDF rendering tests (base's test_reports): its
    server serves wkhtmltopdf the report stylesheets, which place the header
    and footer in the page margins (paper formats with css_margins).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.company = cls.env.company
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.company, install_demo=False
            )
        # Empty company details: the standard layout's header then shows the
        # company's name and address (web.external_layout_standard).
        cls.company.write(
            {
                "name": "Maison Entete Test SARL",
                "street": "12 rue du Haut-de-Page",
                "zip": "69002",
                "city": "Lyon",
                "company_details": False,
                "external_report_layout_id": cls.env.ref(
                    "web.external_layout_standard"
                ).id,
            }
        )
        customer = cls.env["res.partner"].create(
            {
                "name": "Report Header Customer",
                "street": "3 avenue du Client",
                "zip": "75008",
                "city": "Paris",
            }
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Personal shopping service",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        cls.invoice.action_post()

    def _pdf_text(self, pdf):
        return pdf_text(pdf)

    # wkhtmltopdf's stderr is logged as a warning: the 0.12.4 build's Qt looks
    # for OpenSSL 1.0 functions (Debian 12 has OpenSSL 3) and says so at length;
    # harmless for the http:// URLs it loads the report stylesheets from.
    @mute_logger("odoo.addons.base.models.ir_actions_report")
    def test_invoice_pdf_has_company_header_and_footer(self):
        # Under tests Odoo renders reports as HTML unless asked for the PDF.
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", self.invoice.ids)
        )
        self.assertEqual(report_format, "pdf")
        text = self._pdf_text(pdf)
        hint = (
            " is missing from the PDF: wkhtmltopdf printed no header/footer"
            " (not a 'with patched qt' build? run scripts/setup). PDF text: " + text
        )
        self.assertIn(
            self.invoice.name, text, "no invoice number in the PDF's text: " + text
        )
        # The header's company name and address, and the footer's page numbers
        # (filled in by wkhtmltopdf), only with a patched-Qt build.
        self.assertIn("Maison Entete Test SARL", text, "company name (header)" + hint)
        self.assertIn("12 rue du Haut-de-Page", text, "company street (header)" + hint)
        self.assertIn("Page 1 / 1", text, "page number (footer)" + hint)
