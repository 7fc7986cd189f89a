from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase):
    def test_signup_to_proforma(self):
        self.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")
        self.env["personal.shopper.shop"].search([]).active = False
        self.env["personal.shopper.shop"].create(
            {
                "name": "Tour US Shop",
                "url": "https://www.us-shop.example.com",
            }
        )
        self.env.company.write(
            {"terms_type": "plain", "invoice_terms": "<p>Tour terms</p>"}
        )

        self.start_tour("/web/signup", "personal_shopper_signup")
        # the e-mail is sent by the request queue; its link finishes the sign-up
        self.env["personal.shopper.account.request"]._cron_process()
        user = self.env["res.users"].search(
            [("login", "=", "tour.customer@example.com")]
        )
        self.assertTrue(user.ps_signup_pending)
        signup_url = urlsplit(user._ps_signup_url())
        self.start_tour(
            f"{signup_url.path}?{signup_url.query}", "personal_shopper_signup_complete"
        )
        self.assertFalse(user.ps_signup_pending)
        self.assertEqual(user.partner_id.mobile, "+33611223344")

        # a complete profile address to deliver to (checkout refuses incomplete ones)
        user.partner_id.write(
            {
                "street": "1 rue du Tour",
                "city": "Paris",
                "zip": "75001",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self.start_tour(
            "/web/login?login=tour.customer%40example.com",
            "personal_shopper_cart_to_proforma",
        )
        order = self.env["sale.order"].search([("partner_id", "=", user.partner_id.id)])
        self.assertEqual(order.ps_stage, "proforma_requested")
        self.assertEqual(order.partner_shipping_id, user.partner_id)
        lines = order.order_line.filtered("ps_is_article")
        self.assertEqual(
            lines.mapped("ps_article_name"), ["Blue sneakers", "Red scarf"]
        )
        self.assertEqual(lines.mapped("product_uom_qty"), [3, 2])
        self.assertEqual(lines[0].ps_shop_id.name, "Tour US Shop")
        self.assertEqual(order.ps_terms_accepted_by, user.partner_id)
        self.assertTrue(order.ps_terms_accepted_date)
        self.assertIn("Tour terms", order.ps_terms_accepted_text)
