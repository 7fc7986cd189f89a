import hashlib

from odoo import http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import PersonalShopperCommon

VALID_ARTICLE = {
    "name": "Leather sneakers",
    "url": "https://www.us-shop.example.com/item/42",
    "quantity": "1",
    "details": "Size 42, black",
}


@tagged("post_install", "-at_install")
class TestPortalCartModel(PersonalShopperCommon):
    def test_article_validation(self):
        Line = self.env["sale.order.line"]
        self.assertEqual(Line._ps_validate_article(VALID_ARTICLE), {})
        cases = [
            ("name", ""),
            ("name", "   "),
            ("name", "x" * 201),
            ("url", ""),
            ("url", "javascript:alert(1)"),
            ("url", "data:text/html;base64,PHNjcmlwdD4="),
            ("url", "ftp://shop.example.com/file"),
            ("url", "https://"),
            ("url", "www.shop.example.com/item"),
            ("url", "https://shop.example.com/" + "a" * 2048),
            ("quantity", 0),
            ("quantity", -1),
            ("quantity", 1000),
            ("quantity", 10**6),
            ("quantity", 1.5),
            ("quantity", "abc"),
            ("quantity", ""),
            ("details", "x" * 1001),
        ]
        for field, value in cases:
            with self.subTest(field=field, value=value):
                errors = Line._ps_validate_article({**VALID_ARTICLE, field: value})
                self.assertEqual(list(errors), [field])
        cart = self.env["sale.order"]._ps_get_cart(self.customer, create=True)
        with self.assertRaises(ValidationError):
            cart._ps_add_article({**VALID_ARTICLE, "url": "javascript:alert(1)"})
        self.assertFalse(cart.order_line)

    def test_shop_guessed_from_domain(self):
        cart = self.env["sale.order"]._ps_get_cart(self.customer, create=True)
        expected = {
            "https://www.us-shop.example.com/item/1": self.shop_us,
            "https://us-shop.example.com/item/1": self.shop_us,
            "https://uk-shop.example.com/p/2": self.shop_uk,
            "https://m.uk-shop.example.com/p/2": self.shop_uk,
            "https://www.uk-shop.example.com/p/2": self.shop_uk,
            "https://unknown-shop.example.org/p/3": self.env["personal.shopper.shop"],
        }
        for url, shop in expected.items():
            with self.subTest(url=url):
                line = cart._ps_add_article({**VALID_ARTICLE, "url": url})
                self.assertEqual(line.ps_shop_id, shop)

    def test_one_cart_per_partner(self):
        SaleOrder = self.env["sale.order"]
        self.assertFalse(SaleOrder._ps_get_cart(self.customer))
        cart = SaleOrder._ps_get_cart(self.customer, create=True)
        self.assertEqual(SaleOrder._ps_get_cart(self.customer, create=True), cart)
        self.assertFalse(cart.require_signature)
        self.assertFalse(cart.require_payment)
        self._request_proforma(self._make_cart())
        self.assertNotEqual(SaleOrder._ps_get_cart(self.customer, create=True), cart)

    def test_proforma_request_idempotent_and_terms(self):
        self.company.write({"terms_type": "plain", "invoice_terms": "<p>Our terms</p>"})
        cart = self._make_cart()
        self.assertTrue(
            cart.sudo()._ps_request_proforma(self.customer, self.customer, "192.0.2.7")
        )
        self.assertFalse(
            cart.sudo()._ps_request_proforma(self.customer, self.customer, "192.0.2.8")
        )
        self.assertEqual(cart.ps_stage, "proforma_requested")
        history = cart.ps_stage_history_ids.filtered(
            lambda h: h.stage == "proforma_requested"
        )
        self.assertEqual(len(history), 1)
        self.assertTrue(cart.ps_terms_accepted_date)
        self.assertEqual(cart.ps_terms_accepted_by, self.customer)
        self.assertEqual(cart.ps_terms_accepted_ip, "192.0.2.7")
        self.assertEqual(
            cart.ps_terms_accepted_version,
            hashlib.sha256(cart.ps_terms_accepted_text.encode()).hexdigest(),
        )
        self.assertIn("Our terms", cart.ps_terms_accepted_text)

    def test_customer_notified_of_own_request(self):
        """The checkout runs as the customer: they still get the stage e-mail,
        which Odoo would not send to the author of a message."""
        cart = self._make_cart()
        cart.with_user(self.portal_user).sudo()._ps_request_proforma(
            self.customer, self.customer, "192.0.2.7"
        )
        notified = (
            cart.message_ids.filtered(
                lambda message: message.subtype_id == self.env.ref("mail.mt_comment")
            )
            .notification_ids.filtered(lambda notif: notif.notification_type == "email")
            .res_partner_id
        )
        self.assertIn(self.customer, notified)


@tagged("post_install", "-at_install")
class TestPortalCartRoutes(HttpCase, PersonalShopperCommon):
    def setUp(self):
        super().setUp()
        self.authenticate("ps_customer", "ps_customer")

    def _post(self, path, /, **data):
        return self.url_open(
            path, data={"csrf_token": http.Request.csrf_token(self), **data}
        )

    def _cart(self):
        return self.env["sale.order"]._ps_get_cart(self.customer)

    def _add(self, form_token="token-1", **values):
        return self._post(
            "/my/cart/add", form_token=form_token, **{**VALID_ARTICLE, **values}
        )

    def test_cart_page(self):
        response = self.url_open("/my/cart")
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="ps_cart_empty"', response.text)
        self.assertFalse(self._cart(), "Looking at the cart does not create one")
        response = self.url_open(f"/my/cart?shop_id={self.shop_uk.id}")
        self.assertIn('value="https://uk-shop.example.com"', response.text)

    def test_add_article(self):
        response = self._add()
        self.assertTrue(response.url.endswith("/my/cart?message=article_added"))
        self.assertIn('id="ps_message_added"', response.text)
        line = self._cart().order_line
        self.assertEqual(len(line), 1)
        self.assertEqual(line.ps_article_name, "Leather sneakers")
        self.assertEqual(line.ps_shop_id, self.shop_us)
        self.assertEqual(line.product_uom_qty, 1)
        self.assertIn('rel="noopener noreferrer"', response.text)
        # the same form sent twice adds the article once
        self._add()
        self.assertEqual(len(self._cart().order_line), 1)
        self._add(form_token="token-2")
        self.assertEqual(len(self._cart().order_line), 2)
        # no form token, no article
        self._add(form_token="")
        self.assertEqual(len(self._cart().order_line), 2)

    def test_add_article_errors_kept_next_to_fields(self):
        messages = {
            "name": "Give the name of the article.",
            "url": "The link must be a web address starting with http:// or https://.",
            "quantity": "The quantity must be a whole number between 1 and 999.",
            "details": "The details are too long (1000 characters at most).",
        }
        cases = [
            ("name", ""),
            ("url", "javascript:alert(1)"),
            ("url", "data:text/html,hello"),
            ("quantity", "0"),
            ("quantity", "1000000"),
            ("quantity", "abc"),
            ("quantity", "1.5"),
            ("details", "d" * 1001),
        ]
        for field, value in cases:
            with self.subTest(field=field, value=value):
                response = self._add(**{field: value})
                self.assertEqual(response.status_code, 200)
                self.assertIn(
                    f'<div class="invalid-feedback">{messages[field]}</div>',
                    response.text,
                )
                self.assertIn(
                    'value="Leather sneakers"'
                    if field != "name"
                    else 'value="https://',
                    response.text,
                )
                self.assertFalse(self._cart().order_line)
        # the form can be sent again once fixed: its token was not used
        self._add()
        self.assertEqual(len(self._cart().order_line), 1)

    def test_article_name_escaped(self):
        self._add(name='<script>alert("ps")</script>', details="<b>bold</b>")
        response = self.url_open("/my/cart")
        self.assertNotIn('<script>alert("ps")</script>', response.text)
        self.assertIn("&lt;script&gt;alert(&#34;ps&#34;)&lt;/script&gt;", response.text)
        self.assertNotIn("<b>bold</b>", response.text)

    def test_update_and_remove_line(self):
        self._add()
        self._add(form_token="token-2", name="Hat")
        line, other = self._cart().order_line
        response = self._post(f"/my/cart/line/{line.id}/update", quantity="3")
        self.assertIn('id="ps_message_updated"', response.text)
        self.assertEqual(line.product_uom_qty, 3)
        for quantity in ("0", "abc", "1000"):
            response = self._post(f"/my/cart/line/{line.id}/update", quantity=quantity)
            self.assertIn(
                "The quantity must be a whole number between 1 and 999.", response.text
            )
            self.assertIn(f'value="{quantity}"', response.text)
            self.assertEqual(line.product_uom_qty, 3)
        response = self._post(f"/my/cart/line/{other.id}/remove")
        self.assertIn('id="ps_message_removed"', response.text)
        self.assertEqual(self._cart().order_line, line)
        response = self._post(f"/my/cart/line/{other.id}/remove")
        self.assertEqual(response.status_code, 404)

    def test_checkout_requires_terms(self):
        self._add()
        response = self.url_open("/my/cart/checkout")
        self.assertIn('id="ps_checkout_form"', response.text)
        self.assertIn(
            f'id="ps_address_{self.customer.id}" checked="checked"', response.text
        )
        response = self._post("/my/cart/checkout", address=str(self.customer.id))
        self.assertIn("Please accept the terms and conditions.", response.text)
        self.assertEqual(self._cart().ps_stage, "cart")

    def test_checkout_empty_cart(self):
        response = self.url_open("/my/cart/checkout")
        self.assertTrue(response.url.endswith("/my/cart"))

    def test_checkout_new_address(self):
        self._add()
        cart = self._cart()
        address = {
            "address": "new",
            "new_name": "Carla at work",
            "new_street": "5 avenue Foch",
            "new_city": "Lyon",
            "new_zip": "69006",
            "new_country_id": str(self.env.ref("base.fr").id),
            "new_phone": "+33 4 00 00 00 00",
        }
        response = self._post(
            "/my/cart/checkout",
            terms="1",
            **{**address, "new_street": "", "new_country_id": "0"},
        )
        self.assertIn("This field is required.", response.text)
        self.assertIn("Choose a country from the list.", response.text)
        self.assertIn('value="Carla at work"', response.text)
        self.assertEqual(cart.ps_stage, "cart")

        response = self._post("/my/cart/checkout", terms="1", **address)
        self.assertIn("message=proforma_requested", response.url)
        self.assertIn('id="ps_message_proforma_requested"', response.text)
        self.assertEqual(cart.ps_stage, "proforma_requested")
        shipping = cart.partner_shipping_id
        self.assertEqual(shipping.parent_id, self.customer)
        self.assertEqual(shipping.type, "delivery")
        self.assertEqual(
            (shipping.street, shipping.city, shipping.country_id.code),
            ("5 avenue Foch", "Lyon", "FR"),
        )
        self.assertEqual(cart.ps_terms_accepted_by, self.customer)
        self.assertEqual(cart.ps_terms_accepted_ip, "127.0.0.1")
        self.assertTrue(cart.ps_terms_accepted_version)

        # sent again (double click, back button): nothing is done twice
        response = self._post("/my/cart/checkout", terms="1", **address)
        self.assertIn(f"/my/orders/{cart.id}", response.url)
        self.assertEqual(
            len(self.customer.child_ids.filtered(lambda p: p.type == "delivery")), 1
        )
        self.assertEqual(
            len(
                cart.ps_stage_history_ids.filtered(
                    lambda h: h.stage == "proforma_requested"
                )
            ),
            1,
        )

    def test_checkout_existing_address(self):
        delivery = self.env["res.partner"].create(
            {
                "parent_id": self.customer.id,
                "type": "delivery",
                "name": "Carla's mum",
                "street": "3 rue Haute",
                "city": "Nantes",
                "zip": "44000",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "street": "Far away"}
        )
        self._add()
        cart = self._cart()
        response = self._post("/my/cart/checkout", terms="1", address=str(stranger.id))
        self.assertIn("Choose a delivery address.", response.text)
        self.assertEqual(cart.ps_stage, "cart")
        self._post("/my/cart/checkout", terms="1", address=str(delivery.id))
        self.assertEqual(cart.ps_stage, "proforma_requested")
        self.assertEqual(cart.partner_shipping_id, delivery)

    def test_portal_home(self):
        self._add()
        response = self.url_open("/my")
        self.assertIn('href="/my/shops"', response.text)
        self.assertIn("My cart (1 article)", response.text)
        self.assertNotIn('id="ps_balance_alert"', response.text)

    def test_shops_page(self):
        self.authenticate(None, None)
        response = self.url_open("/my/shops")
        self.assertEqual(response.status_code, 200)
        self.assertIn("US Test Shop", response.text)
        self.assertIn(
            'target="_blank" rel="noopener noreferrer" class="btn btn-sm btn-light" '
            'href="https://www.us-shop.example.com"',
            response.text,
        )
        self.assertNotIn("o_ps_add_from_shop", response.text)
        other = self.env["personal.shopper.shop.category"].create(
            {"name": "PS Test Other"}
        )
        self.shop_uk.category_id = other
        response = self.url_open(f"/my/shops?category={other.id}")
        self.assertIn("UK Test Shop", response.text)
        self.assertNotIn("US Test Shop", response.text)
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open("/my/shops")
        self.assertIn(f'href="/my/cart?shop_id={self.shop_us.id}"', response.text)
