from urllib.parse import quote

from odoo.tests import HttpCase, new_test_user, tagged

from .test_autofill import ShopServerMixin


@tagged("post_install", "-at_install")
class TestAutofillTour(ShopServerMixin, HttpCase):
    """In the browser: paste a link, see the form fill, correct a field, add
    the article; the line keeps what the page stated and what was typed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_shop()
        cls._allow_shop(cls.env)
        cls.gbp = cls.env.ref("base.GBP")
        cls.gbp.active = True
        cls.user = new_test_user(
            cls.env,
            login="ps_autofill_tour",
            name="Tour Autofill",
            email="tour.autofill@example.com",
            lang="en_US",
            groups="base.group_portal",
        )

    def test_paste_a_link(self):
        link = f"{self.base}/jsonld"
        self.start_tour(
            f"/my/cart?ps_tour_link={quote(link, safe='')}",
            "personal_shopper_autofill",
            login="ps_autofill_tour",
        )
        cart = self.env["sale.order"]._ps_get_cart(self.user.partner_id)
        line = cart.order_line.filtered("ps_is_article")
        self.assertEqual(len(line), 1)
        self.assertEqual(line.ps_article_name, "Blue sneakers")
        self.assertEqual(line.ps_article_url, link)
        # what was typed wins; what the page stated is kept beside it
        self.assertAlmostEqual(line.ps_shop_price_unit, 1199.9)
        self.assertEqual(line.ps_shop_currency_id, self.gbp)
        self.assertAlmostEqual(line.ps_fetch_price, 1234.5)
        self.assertEqual(line.ps_fetch_currency, "GBP")
        self.assertEqual(line.ps_fetch_title, "Blue sneakers")
        self.assertTrue(line.ps_fetch_image)
        self.assertTrue(line.ps_fetch_date)
        self.assertEqual(
            line.with_context(lang="en_US").ps_shop_price_origin,
            "Given by the customer",
        )
