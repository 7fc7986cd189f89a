from urllib.parse import parse_qs, urlsplit

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestWhatsapp(PersonalShopperCommon):
    def _split(self, url):
        parts = urlsplit(url)
        return parts, parse_qs(parts.query)["text"][0]

    def test_url(self):
        order = self._make_order("proforma_requested")
        parts, text = self._split(order.ps_whatsapp_url)
        self.assertEqual(
            (parts.scheme, parts.netloc, parts.path), ("https", "wa.me", "/33612345678")
        )
        self.assertIn(order.name, text)
        self.assertIn(self.customer.name, text)
        action = order.with_user(self.staff_user).action_ps_open_whatsapp()
        self.assertEqual(action["url"], order.ps_whatsapp_url)

    def test_number_normalisation(self):
        order = self._make_order("cart")
        for number, digits in (
            ("0033 6 12-34-56-78", "33612345678"),
            ("+44 (0)20 7946 0958", "4402079460958"),
            ("+1 212.555.0100", "12125550100"),
        ):
            self.customer.mobile = number
            self.assertEqual(urlsplit(order.ps_whatsapp_url).path, f"/{digits}")
        # the phone is used when there is no mobile
        self.customer.write({"mobile": False, "phone": "+33 1 23 45 67 89"})
        self.assertEqual(urlsplit(order.ps_whatsapp_url).path, "/33123456789")

    def test_no_number(self):
        order = self._make_order("cart")
        self.customer.write({"mobile": False, "phone": "n/a"})
        self.assertFalse(order.ps_whatsapp_url)
        with self.assertRaises(UserError):
            order.with_user(self.staff_user).action_ps_open_whatsapp()

    def test_message_in_customer_language(self):
        try:
            file_path("personal_shopper/i18n/fr.po")
        except FileNotFoundError:
            self.skipTest("no French translation yet")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [("name", "=", "personal_shopper")]
        )._update_translations(["fr_FR"])
        self.customer.lang = "fr_FR"
        order = self._make_order("cart")
        _parts, text = self._split(order.ps_whatsapp_url)
        english = order.with_context(lang="en_US")._ps_handover_message()
        self.assertEqual(text, order.with_context(lang="fr_FR")._ps_handover_message())
        self.assertNotEqual(text, english)
