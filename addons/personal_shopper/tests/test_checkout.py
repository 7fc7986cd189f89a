import json

from odoo import SUPERUSER_ID, api, http
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import retrying
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.personal_shopper.models.personal_shopper_shop import url_host

from .common import PersonalShopperCommon

ARTICLE = {
    "name": "Leather sneakers",
    "url": "https://www.us-shop.example.com/item/42",
    "quantity": "1",
    "details": "",
}


@tagged("post_install", "-at_install")
class TestCheckoutModel(PersonalShopperCommon):
    """The rules of a proforma request, whatever path submits it."""

    def test_incomplete_delivery_address_refused(self):
        cart = self._make_cart()
        empty = self.env["res.partner"].create(
            {"name": "Nobody", "parent_id": self.customer.id, "type": "delivery"}
        )
        with self.assertRaises(ValidationError) as caught:
            cart.sudo()._ps_request_proforma(empty, self.customer, "192.0.2.1")
        for label in ("Street", "City", "Country"):
            self.assertIn(label, caught.exception.args[0])
        self.assertEqual(cart.ps_stage, "cart")

    def test_delivery_address_rules(self):
        SaleOrder = self.env["sale.order"]
        Partner = self.env["res.partner"]
        france, us = self.env.ref("base.fr"), self.env.ref("base.us")
        france.zip_required, us.state_required, us.zip_required = True, True, True
        complete = {
            "name": "Carla",
            "street": "1 rue de la Paix",
            "city": "Paris",
            "zip": "75002",
            "country_id": france.id,
            "phone": "+33 1 00 00 00 00",
        }
        self.assertEqual(
            SaleOrder._ps_delivery_address_errors(Partner.new(complete)), {}
        )
        cases = [
            ({"street": False}, ["street"]),
            ({"city": False}, ["city"]),
            ({"country_id": False}, ["country_id"]),
            ({"zip": False}, ["zip"]),
            ({"phone": False}, ["phone"]),
            # the United States want a state
            ({"country_id": us.id, "zip": "10001"}, ["state_id"]),
            (
                {
                    "country_id": us.id,
                    "zip": "10001",
                    "state_id": self.env.ref("base.state_in_ka").id,
                },
                ["state_id"],
            ),
        ]
        for values, fields in cases:
            with self.subTest(values=values):
                errors = SaleOrder._ps_delivery_address_errors(
                    Partner.new({**complete, **values})
                )
                self.assertEqual(sorted(errors), sorted(fields))
        # no zip needed where the country has none; the customer's phone will do
        france.zip_required = False
        self.assertEqual(
            SaleOrder._ps_delivery_address_errors(
                Partner.new({**complete, "zip": False, "phone": False}), self.customer
            ),
            {},
        )

    def test_no_terms_no_request(self):
        self.company.write({"terms_type": "plain", "invoice_terms": "<p><br></p>"})
        cart = self._make_cart()
        with self.assertRaises(UserError) as caught:
            self._request_proforma(cart)
        self.assertIn(
            "terms and conditions are not published", caught.exception.args[0]
        )
        self.assertEqual(cart.ps_stage, "cart")

    def test_terms_version_is_the_text_read(self):
        self.company.write({"terms_type": "plain", "invoice_terms": "<p>Version 1</p>"})
        cart = self._make_cart()
        read = cart._ps_terms_version(cart._ps_terms_text())
        self.company.invoice_terms = "<p>Version 2</p>"
        with self.assertRaises(UserError):
            cart.sudo()._ps_request_proforma(
                self.customer, self.customer, "192.0.2.1", terms_version=read
            )
        self.assertEqual(cart.ps_stage, "cart")
        version = cart._ps_terms_version(cart._ps_terms_text())
        cart.sudo()._ps_request_proforma(
            self.customer, self.customer, "192.0.2.1", terms_version=version
        )
        self.assertEqual(cart.ps_terms_accepted_version, version)
        self.assertIn("Version 2", cart.ps_terms_accepted_text)

    def test_links_read_as_a_browser_does(self):
        Line = self.env["sale.order.line"]
        Shop = self.env["personal.shopper.shop"]
        cart = self.env["sale.order"]._ps_get_cart(self.customer, create=True)
        # a browser opens evil.example (a backslash is a slash in http URLs):
        # not a link of the partner shop
        tricky = "https://evil.example\\@us-shop.example.com/item/1"
        self.assertEqual(url_host(tricky), "evil.example")
        self.assertFalse(Shop._match_url(tricky))
        self.assertFalse(cart._ps_add_article({**ARTICLE, "url": tricky}).ps_shop_id)
        # and the other way round, the shop it opens is credited
        self.assertEqual(
            Shop._match_url("https://us-shop.example.com\\@evil.example/item/1"),
            self.shop_us,
        )
        # credentials are refused, and never credited to a shop
        for url in (
            "https://user:pass@us-shop.example.com/item/1",
            "https://user@us-shop.example.com/item/1",
            "HTTPS://shop:secret@www.us-shop.example.com/",
        ):
            with self.subTest(url=url):
                errors = Line._ps_validate_article({**ARTICLE, "url": url})
                self.assertEqual(list(errors), ["url"])
                self.assertIn("user name or password", errors["url"])
                self.assertFalse(Shop._match_url(url))
        self.assertEqual(
            Shop._match_url("https://us-shop.example.com/item/1"), self.shop_us
        )


@tagged("post_install", "-at_install")
class TestCartConcurrency(PersonalShopperCommon):
    """Two first "add to cart" of one customer at once end in one cart."""

    def _run(self, cr, func):
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
        return func(env)

    def _cleanup(self, partner_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([("partner_id", "=", partner_id)])
            orders.order_line.unlink()
            orders.unlink()
            env["res.partner"].browse(partner_id).unlink()

    @mute_logger("odoo.service.model", "odoo.sql_db")
    def test_concurrent_first_add_to_cart(self):
        with self.registry.cursor() as cr:
            partner_id = self._run(
                cr, lambda env: env["res.partner"].create({"name": "Race Customer"}).id
            )
        self.addCleanup(self._cleanup, partner_id)

        def add(env, name):
            partner = env["res.partner"].browse(partner_id)
            cart = env["sale.order"]._ps_get_cart(partner, create=True)
            return cart._ps_add_article({**ARTICLE, "name": name}).order_id.id

        with self.registry.cursor() as first, self.registry.cursor() as second:
            second_env = api.Environment(second, SUPERUSER_ID, {"lang": "en_US"})
            # the second request reads before the first one commits its cart:
            # its snapshot does not have that cart
            self.assertFalse(
                second_env["sale.order"]._ps_get_cart(
                    second_env["res.partner"].browse(partner_id)
                )
            )
            first_cart = self._run(first, lambda env: add(env, "First"))
            first.commit()
            # as a request does, the second one is retried on serialization
            # failures (odoo.service.model.retrying)
            second_cart = retrying(lambda: add(second_env, "Second"), second_env)
            second.commit()
        self.assertEqual(second_cart, first_cart)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            carts = env["sale.order"].search([("partner_id", "=", partner_id)])
            self.assertEqual(carts.ids, [first_cart])
            self.assertEqual(
                sorted(carts.order_line.mapped("ps_article_name")), ["First", "Second"]
            )


@tagged("post_install", "-at_install")
class TestCheckoutPortal(HttpCase, PersonalShopperCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a customer who signed up with nothing but a name and an e-mail
        cls.new_user = new_test_user(
            cls.env,
            login="ps_newcomer",
            name="Nina Newcomer",
            email="nina@example.com",
            lang="en_US",
            groups="base.group_portal",
        )
        cls.newcomer = cls.new_user.partner_id

    def _post(self, path, /, **data):
        return self.url_open(
            path, data={"csrf_token": http.Request.csrf_token(self), **data}
        )

    def _cart_of(self, partner):
        cart = self.env["sale.order"]._ps_get_cart(partner, create=True)
        cart._ps_add_article(ARTICLE)
        return cart

    def test_empty_profile_cannot_be_the_delivery_address(self):
        cart = self._cart_of(self.newcomer)
        self.authenticate("ps_newcomer", "ps_newcomer")
        page = self.url_open("/my/cart/checkout").text
        self.assertIn("o_ps_address_incomplete", page)
        self.assertNotIn(f'id="ps_address_{self.newcomer.id}" checked', page)
        response = self._post(
            "/my/cart/checkout", terms="1", address=str(self.newcomer.id)
        )
        self.assertEqual(cart.ps_stage, "cart")
        self.assertIn("This address is incomplete: complete it below.", response.text)
        # each missing field has its message, in the form to complete
        for field in ("street", "city", "country_id", "phone"):
            self.assertIn(f'id="ps_new_{field}"', response.text)
        self.assertEqual(response.text.count("This field is required."), 3)
        self.assertIn("Give a phone number", response.text)
        self.assertIn('value="Nina Newcomer"', response.text)
        self.assertIn('id="ps_address_new" checked="checked"', response.text)

    def test_new_address_fields_checked_one_by_one(self):
        cart = self._cart_of(self.newcomer)
        self.authenticate("ps_newcomer", "ps_newcomer")
        us = self.env.ref("base.us")
        us.write({"state_required": True, "zip_required": True})
        address = {
            "address": "new",
            "new_name": "Nina",
            "new_street": "1 Main Street",
            "new_city": "Springfield",
            "new_country_id": str(us.id),
            "new_phone": "",
        }
        response = self._post("/my/cart/checkout", terms="1", **address)
        self.assertIn("A zip code is required in United States.", response.text)
        self.assertIn("A state is required in United States.", response.text)
        self.assertIn("Give a phone number", response.text)
        self.assertEqual(cart.ps_stage, "cart")
        state = self.env["res.country.state"].search(
            [("country_id", "=", us.id)], limit=1
        )
        response = self._post(
            "/my/cart/checkout",
            terms="1",
            **{
                **address,
                "new_zip": "62701",
                "new_state_id": str(state.id),
                "new_phone": "+1 217 555 0100",
            },
        )
        self.assertIn("message=proforma_requested", response.url)
        self.assertEqual(cart.ps_stage, "proforma_requested")
        self.assertEqual(
            (cart.partner_shipping_id.state_id, cart.partner_shipping_id.phone),
            (state, "+1 217 555 0100"),
        )

    def test_terms_readable_before_accepting(self):
        self.company.write(
            {"terms_type": "plain", "invoice_terms": "<p>Read me first</p>"}
        )
        self._cart_of(self.customer)
        self.authenticate("ps_customer", "ps_customer")
        page = self.url_open("/my/cart/checkout").text
        text_at = page.index('id="ps_terms_text"')
        self.assertLess(text_at, page.index('id="ps_terms"'))
        self.assertIn("Read me first", page[text_at:])
        self.assertNotIn('class="collapse', page[text_at - 200 : text_at])
        self.assertIn('name="terms_version"', page)

    def test_terms_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.company.write({"terms_type": "plain", "invoice_terms": "<p>Our terms</p>"})
        self.company.with_context(lang="fr_FR").invoice_terms = "<p>Nos conditions</p>"
        self.portal_user.lang = "fr_FR"
        cart = self._cart_of(self.customer)
        self.authenticate("ps_customer", "ps_customer")
        page = self.url_open("/my/cart/checkout").text
        self.assertIn("Nos conditions", page)
        self.assertNotIn("Our terms", page)
        response = self._post(
            "/my/cart/checkout", terms="1", address=str(self.customer.id)
        )
        self.assertIn("message=proforma_requested", response.url)
        self.assertIn("Nos conditions", cart.ps_terms_accepted_text)
        self.assertEqual(
            cart.ps_terms_accepted_version,
            cart._ps_terms_version(cart.ps_terms_accepted_text),
        )

    def test_no_terms_no_checkout(self):
        self.company.write({"terms_type": "plain", "invoice_terms": False})
        cart = self._cart_of(self.customer)
        self.authenticate("ps_customer", "ps_customer")
        page = self.url_open("/my/cart/checkout").text
        self.assertIn('id="ps_no_terms"', page)
        self.assertNotIn('id="ps_terms"', page)
        self.assertRegex(page, r'id="ps_checkout_submit"[^>]*disabled')
        response = self._post(
            "/my/cart/checkout", terms="1", address=str(self.customer.id)
        )
        self.assertIn("terms and conditions are not published", response.text)
        self.assertEqual(cart.ps_stage, "cart")

    def test_terms_changed_while_reading(self):
        cart = self._cart_of(self.customer)
        self.authenticate("ps_customer", "ps_customer")
        response = self._post(
            "/my/cart/checkout",
            terms="1",
            address=str(self.customer.id),
            terms_version="0" * 64,
        )
        self.assertIn("changed while you were reading them", response.text)
        self.assertEqual(cart.ps_stage, "cart")

    def test_pending_request_findable(self):
        order = self._request_proforma(self._make_cart())
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open("/my/requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn(order.name, response.text)
        self.assertIn(
            '<span class="o_ps_stage_label">Proforma requested</span>', response.text
        )
        counters = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["ps_request_count"]}}),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(counters["ps_request_count"], 1)
        self.assertIn('href="/my/requests"', self.url_open("/my").text)
        # sale's lists of quotations say where a request stands
        self._price_and_send(order)
        self.assertEqual(order.state, "sent")
        response = self.url_open("/my/quotes")
        self.assertIn(order.name, response.text)
        self.assertIn("o_ps_stage_badge", response.text)
        self.assertIn("Proforma sent", response.text)
