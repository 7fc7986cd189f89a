import base64
import re
import shutil
import subprocess
import tempfile

from odoo.tests import TransactionCase, new_test_user

# The smallest files the payment proof checks recognise by their content.
PDF_DATA = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_DATA = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def pdf_text(pdf):
    """The text layer of ``pdf`` (bytes), white space folded, read by
    pdftotext (Debian's poppler-utils, installed by scripts/setup)."""
    assert pdf.startswith(b"%PDF"), pdf[:200]
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, (
        "pdftotext (Debian package poppler-utils) is missing: run scripts/setup"
    )
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(
            [pdftotext, "-enc", "UTF-8", f.name, "-"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
    return re.sub(r"\s+", " ", text)


class PersonalShopperCommon(TransactionCase):
    """Company settings, a portal customer, a staff user, partner shops and
    helpers to take a request through its stages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # English texts whatever the default language of the database
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.company = cls.env.company
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.company, install_demo=False
            )
        cls.bank_journal = cls.env["account.journal"].create(
            {
                "name": "Personal shopper bank",
                "code": "PSBK",
                "type": "bank",
                "company_id": cls.company.id,
            }
        )
        cls.company.write(
            {
                "email": "shop@example.com",
                "ps_deposit_percent": 50.0,
                "ps_service_fee_percent": 10.0,
                "ps_service_fee_min": 10.0,
                "ps_transport_percent": 15.0,
                "ps_transport_min": 20.0,
                "ps_proforma_validity_days": 7,
                "ps_reminder_days": 3,
                "ps_proof_max_size": 10,
                "ps_payment_instructions": (
                    "<p>Bank transfer to IBAN FR76 0000 0000 0000 0000 0000 000</p>"
                ),
                "ps_payment_journal_id": cls.bank_journal.id,
                "terms_type": "plain",
                "invoice_terms": "Our terms and conditions.",
            }
        )
        cls.currency = cls.company.currency_id
        # Untaxed amounts here, whatever taxes the demo data's localization
        # gave the products (the taxed path: test_localizations.py)
        products = (
            cls.company.ps_service_fee_product_id
            | cls.company.ps_transport_product_id
            | cls.env.ref("personal_shopper.product_remote_article")
        )
        for product in products:
            product.taxes_id -= product.taxes_id.filtered(
                lambda tax: tax.company_id == cls.company
            )

        cls.staff_user = new_test_user(
            cls.env,
            login="ps_staff",
            name="Stella Staff",
            email="stella.staff@example.com",
            lang="en_US",
            groups="personal_shopper.group_personal_shopper_user",
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="ps_customer",
            name="Carla Customer",
            email="carla.customer@example.com",
            lang="en_US",
            groups="base.group_portal",
        )
        cls.customer = cls.portal_user.partner_id
        cls.customer.write(
            {
                "mobile": "+33 6 12 34 56 78",
                "street": "1 rue de la Paix",
                "city": "Paris",
                "zip": "75002",
                "country_id": cls.env.ref("base.fr").id,
            }
        )

        cls.category_fashion = cls.env["personal.shopper.shop.category"].create(
            {"name": "PS Test Fashion"}
        )
        cls.shop_us = cls.env["personal.shopper.shop"].create(
            {
                "name": "US Test Shop",
                "url": "https://www.us-shop.example.com",
                "category_id": cls.category_fashion.id,
                "country_id": cls.env.ref("base.us").id,
                "currency_id": cls.env.ref("base.USD").id,
            }
        )
        cls.shop_uk = cls.env["personal.shopper.shop"].create(
            {
                "name": "UK Test Shop",
                "url": "https://uk-shop.example.com",
                "category_id": cls.category_fashion.id,
                "country_id": cls.env.ref("base.uk").id,
                "currency_id": cls.env.ref("base.GBP").id,
            }
        )

    # ------------------------------------------------------------------
    # Customer side (what the portal does, with its sudo)
    # ------------------------------------------------------------------
    def _make_cart(self, partner=None, articles=2):
        """Return the cart of ``partner`` with ``articles`` articles added."""
        partner = partner or self.customer
        cart = self.env["sale.order"]._ps_get_cart(partner, create=True)
        for index in range(articles):
            cart._ps_add_article(
                {
                    "name": f"Article {index + 1}",
                    "url": f"https://www.us-shop.example.com/item/{index + 1}"
                    if index % 2 == 0
                    else f"https://uk-shop.example.com/p/{index + 1}",
                    "quantity": 1 + index,
                    "details": f"Size {38 + index}",
                }
            )
        return cart.sudo(False)

    def _request_proforma(self, order):
        order._ps_request_proforma(order.partner_id, order.partner_id, "192.0.2.1")
        return order

    def _price(self, order, prices=None):
        """Set the unit price of the articles (default 100, 200, ...)."""
        articles = order.order_line.filtered("ps_is_article")
        for index, line in enumerate(articles):
            line.price_unit = prices[index] if prices else 100.0 * (index + 1)
        return order

    def _price_and_send(self, order, prices=None):
        """Request the proforma if needed, price it and send it as staff."""
        if order.ps_stage == "cart":
            self._request_proforma(order)
        self._price(order, prices)
        order.with_user(self.staff_user).action_ps_send_proforma()
        return order

    def _accept(self, order):
        order.sudo()._ps_accept_proforma()
        return order

    def _make_attachment(self, order, data=PDF_DATA, name="receipt.pdf"):
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": data,
                "res_model": "sale.order",
                "res_id": order.id,
            }
        )

    def _submit_proof(self, order, amount=None, data=PDF_DATA, name="receipt.pdf"):
        """The customer uploads a payment proof (``amount`` None: the amount due)."""
        attachment = self._make_attachment(order, data=data, name=name)
        return order.sudo()._ps_add_proof(attachment, amount=amount, source="portal")

    def _pay_with_proof(self, order, amount=None):
        """Upload a proof of ``amount`` and accept it as staff."""
        proof = self._submit_proof(order, amount=amount)
        proof.with_user(self.staff_user).action_accept()
        return proof

    def _make_order(self, stage, partner=None, articles=2, prices=None):
        """Return a new request taken to ``stage`` along the happy path."""
        steps = [
            ("proforma_requested", self._request_proforma),
            ("proforma_sent", lambda o: self._price_and_send(o, prices)),
            ("deposit_pending", self._accept),
            ("confirmed", self._pay_with_proof),
            (
                "purchased",
                lambda o: self._mark_purchased(o),
            ),
            (
                "in_transit",
                lambda o: o.with_user(self.staff_user).action_ps_mark_in_transit(),
            ),
            (
                "arrived",
                lambda o: o.with_user(self.staff_user).action_ps_mark_arrived(),
            ),
            (
                "balance_pending",
                lambda o: o.with_user(self.staff_user).action_ps_issue_final_invoice(),
            ),
            ("ready", self._pay_with_proof),
            (
                "delivered",
                lambda o: o.with_user(self.staff_user).action_ps_mark_delivered(),
            ),
        ]
        order = self._make_cart(partner, articles)
        for step_stage, step in steps:
            if order.ps_stage == stage:
                break
            step(order)
            self.assertEqual(order.ps_stage, step_stage)
        self.assertEqual(order.ps_stage, stage)
        return order

    def _mark_purchased(self, order, user=None):
        """Record every article without an outcome as bought as priced (the
        staff's entries, issue 10), then mark the request purchased."""
        order.order_line.filtered(
            lambda line: line.ps_is_article and not line.ps_outcome
        ).write({"ps_outcome": "bought"})
        return order.with_user(user or self.staff_user).action_ps_mark_purchased()

    def _new_customer(self, name):
        """Another customer, with a complete delivery address."""
        return self.env["res.partner"].create(
            {
                "name": name,
                "email": "{}@example.com".format(
                    "".join(c for c in name.lower() if c.isalnum()) or "customer"
                ),
                "street": "2 avenue Foch",
                "city": "Lyon",
                "zip": "69006",
                "country_id": self.env.ref("base.fr").id,
                "phone": "+33 4 78 00 00 00",
            }
        )
