"""French everywhere, English everywhere.

Every portal page a customer sees along a request, and every e-mail template
of the addon, is rendered for a French and for an English customer. The
catalogues give the strings of each language: the French translations
(fr.po) of the addon and of the Odoo modules behind those pages. A French
customer must meet none of their English sources, an English customer none
of their French translations."""

import re
from functools import cache

import polib
from lxml import html as lxml_html

from odoo import http
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_amount

from .common import PNG_DATA, PersonalShopperCommon

# The modules whose strings the portal pages and e-mails of a request show.
CATALOGUE_MODULES = (
    "personal_shopper",
    "portal",
    "sale",
    "mail",
    "account",
    "web",
    "payment",
    "auth_signup",
)
# A string is checked from this many words on: shorter ones ("Total",
# "Date", "Acompte") are the same in both languages or too common to tell.
MIN_WORDS = 4
# Placeholders and markup split a catalogue string into the fragments that
# appear as such in a rendered page.
SPLIT = re.compile(
    r"%\([\w.]+\)[sdfr]|%[sdfr]|\{\{.*?\}\}|\{[\w.]*\}|<[^>]*>|&\w+;|\$\{.*?\}",
    re.S,
)
WORD = re.compile(r"\w+", re.U)

FRENCH = "fr_FR"
ENGLISH = "en_US"
# Before its deposit is received, a request is not a confirmed order.
UNCONFIRMED_STAGES = (
    "proforma_requested",
    "proforma_sent",
    "deposit_pending",
    "deposit_review",
    "cancelled",
)
ORDER_CONFIRMED = {
    ENGLISH: ("order is confirmed", "order has been confirmed"),
    FRENCH: ("commande est confirmée", "commande a été confirmée"),
}


def _words(text):
    return tuple(word.lower() for word in WORD.findall(text))


@cache
def _catalogue_fragments():
    """(English fragments, French fragments) of the catalogues: runs of at
    least MIN_WORDS words of a msgid, resp. msgstr, found in no string of
    the other language. The addon's own strings count as English even when
    fr.po leaves them untranslated (or fuzzy): a French customer must not
    read them either."""
    english, french = set(), set()

    def add(text, bucket):
        for fragment in SPLIT.split(text):
            words = _words(fragment)
            if len(words) >= MIN_WORDS:
                bucket.add(words)

    for module in CATALOGUE_MODULES:
        path = get_module_path(module)
        if not path:
            continue
        own = module == "personal_shopper"
        for entry in polib.pofile(f"{path}/i18n/fr.po"):
            if entry.obsolete or not entry.msgid or entry.msgstr == entry.msgid:
                continue
            translated = entry.msgstr and "fuzzy" not in entry.flags
            if translated or own:
                add(entry.msgid, english)
            if translated:
                add(entry.msgstr, french)
        if own:
            for entry in polib.pofile(f"{path}/i18n/{module}.pot"):
                add(entry.msgid, english)
    return english - french, french - english


def _visible_text(markup):
    """The text a reader sees (or hears) of an HTML page or e-mail."""
    if not markup or not str(markup).strip():
        return ""
    tree = lxml_html.fromstring(str(markup))
    for node in tree.xpath("//script|//style|//template|//noscript"):
        node.drop_tree()
    parts = [tree.text_content()]
    for attribute in ("placeholder", "title", "aria-label", "alt"):
        parts += tree.xpath(f"//@{attribute}")
    return "\n".join(parts)


def _find_foreign(text, fragments):
    """The catalogue fragments (word tuples) that occur in ``text``."""
    words = _words(text)
    starts = {}
    for index in range(len(words) - MIN_WORDS + 1):
        starts.setdefault(words[index : index + MIN_WORDS], []).append(index)
    found = set()
    for fragment in fragments:
        for index in starts.get(fragment[:MIN_WORDS], ()):
            if words[index : index + len(fragment)] == fragment:
                found.add(" ".join(fragment))
                break
    return found


@tagged("post_install", "-at_install")
class TestLanguages(HttpCase, PersonalShopperCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lang = cls.env["res.lang"]
        if not Lang._lang_get(FRENCH) or not Lang._lang_get(FRENCH).active:
            # normally loaded with the database (--load-language=en_US,fr_FR)
            Lang._activate_lang(FRENCH)
            cls.env["ir.module.module"]._load_module_terms(
                [*CATALOGUE_MODULES, "base", "sale_management", "account_payment"],
                [FRENCH],
            )
        cls.customer_en = cls.customer  # ps_customer, en_US
        cls.portal_user_fr = new_test_user(
            cls.env,
            login="ps_client_fr",
            name="Claire Client",
            email="claire.client@example.com",
            lang=FRENCH,
            groups="base.group_portal",
        )
        cls.customer_fr = cls.portal_user_fr.partner_id
        cls.customer_fr.write(
            {
                "mobile": "+44 7700 900123",
                "street": "8 Harbour Road",
                "city": "Belfast",
                "zip": "BT1 3AA",
                "country_id": cls.env.ref("base.uk").id,
            }
        )
        # Company and shop texts typed by the staff, in both languages.
        cls.company.ps_payment_instructions = (
            "<p>Pay by bank transfer to our account, stating your order number.</p>"
        )
        cls.company.update_field_translations(
            "ps_payment_instructions",
            {
                FRENCH: {
                    "Pay by bank transfer to our account, stating your order number.": (
                        "Payez par virement sur notre compte, en indiquant "
                        "votre numéro de commande."
                    )
                }
            },
        )
        cls.shop_us.description = "American casual wear and sneakers for everyone."
        cls.shop_us.update_field_translations(
            "description",
            {FRENCH: "Mode décontractée américaine et baskets pour tous."},
        )
        cls.instructions = {
            FRENCH: "Payez par virement sur notre compte",
            ENGLISH: "Pay by bank transfer to our account",
        }
        cls.descriptions = {
            FRENCH: "Mode décontractée américaine",
            ENGLISH: "American casual wear",
        }
        cls.templates = cls.env["mail.template"].browse(
            cls.env["ir.model.data"]
            .search(
                [("module", "=", "personal_shopper"), ("model", "=", "mail.template")]
            )
            .mapped("res_id")
        )

    def setUp(self):
        super().setUp()
        self.foreign = {}  # where -> foreign strings found

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _check_text(self, lang, where, text):
        english, french = _catalogue_fragments()
        found = _find_foreign(text, english if lang == FRENCH else french)
        if found:
            self.foreign[f"{lang} {where}"] = sorted(found)
        return text

    def _check_page(self, lang, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, f"{url} ({lang})")
        return self._check_text(lang, url, _visible_text(response.text))

    def _check_templates(self, lang, records, stage=""):
        """Render every template of the addon for the record of its model."""
        for template in self.templates:
            record = records.get(template.model)
            if not record:
                continue
            values = template._generate_template(record.ids, ["subject", "body_html"])[
                record.id
            ]
            where = f"mail {template.get_external_id()[template.id]} {stage}"
            self._check_text(lang, where, values["subject"] or "")
            self._check_text(lang, where, _visible_text(values["body_html"]))

    def _check_customer_messages(self, lang, order):
        """What the portal chatter shows the customer (public messages)."""
        for message in order.message_ids.filtered(
            lambda m: (
                m.message_type in ("comment", "email")
                and not m.is_internal
                and not m.subtype_id.internal
            )
        ):
            self._check_text(
                lang,
                f"{order.name} message {message.id}",
                _visible_text(message.body) + "\n" + (message.subject or ""),
            )

    def _assert_no_foreign(self):
        where_found = {}
        for where, found in self.foreign.items():
            for fragment in found:
                where_found.setdefault(fragment, []).append(where)
        if where_found:
            self.fail(
                "Strings of the other language:\n"
                + "\n".join(
                    f"{fragment!r} in {', '.join(wheres[:3])}"
                    + (f" and {len(wheres) - 3} more" if len(wheres) > 3 else "")
                    for fragment, wheres in where_found.items()
                ),
            )

    # ------------------------------------------------------------------
    # A request along its stages, seen by one customer
    # ------------------------------------------------------------------
    def _walk(self, lang, login, partner):
        staff = self.staff_user
        self.authenticate(login, login)
        user = self.env["res.users"].search([("login", "=", login)])
        self._check_templates(lang, {"res.users": user})

        cart = self._make_cart(partner, articles=2)
        pages = {}
        for url in (
            "/my",
            "/my/shops",
            "/my/cart?message=article_added",
            "/my/cart/checkout",
            "/my/account",
        ):
            pages[url] = self._check_page(lang, url)
        self.assertTrue(self.descriptions[lang] in pages["/my/shops"], lang)

        def order_page(order, message=None):
            url = order.get_portal_url(
                query_string=f"&message={message}" if message else None
            )
            text = self._check_page(lang, url)
            if order.ps_stage in UNCONFIRMED_STAGES:
                said = " ".join(text.split())
                for words in ORDER_CONFIRMED[lang]:
                    self.assertNotIn(words, said, f"{order.ps_stage} ({lang})")
            self._check_templates(
                lang,
                {
                    "sale.order": order,
                    "account.move": order.ps_final_invoice_id
                    or order.ps_deposit_invoice_id,
                },
                order.ps_stage,
            )
            return text

        order = self._request_proforma(cart)
        order_page(order, "proforma_requested")
        self._price_and_send(order)
        order_page(order)
        # the proforma itself, as the portal's "View Details" shows it
        self._check_page(lang, order.get_portal_url(report_type="html"))
        self._accept(order)
        self.assertEqual(order.ps_stage, "deposit_pending")
        text = order_page(order, "proforma_accepted")
        self.assertTrue(self.instructions[lang] in text, lang)
        self._check_page(lang, order.ps_deposit_invoice_id.get_portal_url())
        self._check_page(
            lang, order.ps_deposit_invoice_id.get_portal_url(report_type="html")
        )
        self._check_templates(lang, {"account.move": order.ps_deposit_invoice_id})
        # a proof rejected, then another one accepted
        proof = self._submit_proof(order)
        proof.with_user(staff)._reject("Blurry: 42.")
        order_page(order)
        proof = self._submit_proof(order)
        self.assertEqual(order.ps_stage, "deposit_review")
        order_page(order, "proof_sent")
        proof.with_user(staff).action_accept()
        self.assertEqual(order.ps_stage, "confirmed")
        order_page(order)
        # every article bought as priced (issue 10's outcomes)
        order.order_line.filtered("ps_is_article").write({"ps_outcome": "bought"})
        for action in (
            "action_ps_mark_purchased",
            "action_ps_mark_in_transit",
            "action_ps_mark_arrived",
            "action_ps_issue_final_invoice",
        ):
            getattr(order.with_user(staff), action)()
            order_page(order)
        self.assertEqual(order.ps_stage, "balance_pending")
        self._check_page(lang, order.ps_final_invoice_id.get_portal_url())
        self._check_templates(lang, {"account.move": order.ps_final_invoice_id})
        proof = self._submit_proof(order)
        order_page(order, "proof_sent")
        proof.with_user(staff).action_accept()
        self.assertEqual(order.ps_stage, "ready")
        order_page(order)
        order.with_user(staff).action_ps_mark_delivered()
        order_page(order)
        self._check_customer_messages(lang, order)

        cancelled = self._make_order("proforma_sent", partner=partner)
        cancelled.with_user(staff)._ps_cancel()
        self.assertEqual(cancelled.ps_stage, "cancelled")
        order_page(cancelled)

        for url in (
            "/my",
            "/my/cart",
            "/my/requests",
            "/my/orders",
            "/my/quotes",
            "/my/invoices",
        ):
            self._check_page(lang, url)

    def test_french_customer(self):
        self._walk(FRENCH, "ps_client_fr", self.customer_fr)
        self._assert_no_foreign()

    def test_english_customer(self):
        self._walk(ENGLISH, "ps_customer", self.customer_en)
        self._assert_no_foreign()

    # ------------------------------------------------------------------
    # Details
    # ------------------------------------------------------------------
    def test_catalogues(self):
        """The check itself: it knows the strings of both languages."""
        english, french = _catalogue_fragments()
        self.assertIn(
            _words(
                "We will check your articles and send you a proforma with the prices."
            ),
            english,
        )
        self.assertIn(_words("The conversation is empty."), english)
        self.assertTrue(
            _find_foreign("<p>The conversation is empty.</p>", english),
        )

    def test_portal_chatter_translations(self):
        """The portal chatter is mail's code: its translations are loaded in
        the front-end with the portal's, in the customer's language."""
        self.authenticate("ps_client_fr", "ps_client_fr")
        response = self.url_open(f"/website/translations/test?lang={FRENCH}")
        terms = {
            message["id"]: message["string"]
            for module in response.json()["modules"].values()
            for message in module["messages"]
        }
        self.assertEqual(
            terms.get("The conversation is empty."), "La conversation est vide."
        )
        self.assertEqual(terms.get("Today at %(time)s"), "Aujourd'hui à %(time)s")

    def test_cart_count_plural(self):
        for lang, login, partner, texts in (
            (
                ENGLISH,
                "ps_customer",
                self.customer_en,
                ("My cart (empty)", "My cart (1 article)", "My cart (2 articles)"),
            ),
            (
                FRENCH,
                "ps_client_fr",
                self.customer_fr,
                (
                    "Mon panier (vide)",
                    "Mon panier (1 article)",
                    "Mon panier (2 articles)",
                ),
            ),
        ):
            self.authenticate(login, login)

            def home():
                return " ".join(_visible_text(self.url_open("/my").text).split())

            self.assertTrue(texts[0] in home(), texts[0])
            cart = self._make_cart(partner, articles=1)
            self.assertTrue(texts[1] in home(), texts[1])
            cart._ps_add_article(
                {
                    "name": "Scarf",
                    "url": "https://uk-shop.example.com/p/9",
                    "quantity": 2,
                }
            )
            self.assertTrue(texts[2] in home(), texts[2])

    def test_proforma_mail_plural(self):
        template = self.env.ref("personal_shopper.mail_template_ps_proforma")
        for partner, expected in (
            (self.customer_en, ("for your article,", "for your 2 articles,")),
            (self.customer_fr, ("pour votre article,", "pour vos 2 articles,")),
        ):
            for articles, text in zip((1, 2), expected, strict=True):
                order = self._make_cart(partner, articles=articles)
                body = template._generate_template(order.ids, ["body_html"])[order.id]
                said = " ".join(_visible_text(body["body_html"]).split())
                self.assertTrue(text in said, text)
                self._request_proforma(order)  # the next cart is a new one

    def test_amount_placeholder(self):
        order = self._make_order(
            "proforma_sent", partner=self.customer_fr, prices=[100.05, 40.1]
        )
        self._accept(order)
        due = order.ps_deposit_invoice_id.amount_residual
        self.authenticate("ps_client_fr", "ps_client_fr")
        text = self.url_open(order.get_portal_url()).text
        placeholder = f'placeholder="{due:.2f}"'.replace(".", ",")
        self.assertTrue(placeholder in text, placeholder)

    def test_amount_typed_and_shown_in_customer_language(self):
        order = self._make_order("deposit_pending", partner=self.customer_fr)
        invoice = order.ps_deposit_invoice_id
        self.authenticate("ps_client_fr", "ps_client_fr")

        def upload(amount):
            return self.url_open(
                f"/my/orders/{order.id}/ps_proof",
                data={"csrf_token": http.Request.csrf_token(self), "amount": amount},
                files={"proof_file": ("receipt.png", PNG_DATA, "image/png")},
            )

        text = " ".join(_visible_text(upload("999999").text).split())
        highest = format_amount(
            self.env(context={"lang": FRENCH}),
            invoice.amount_residual * 10,
            invoice.currency_id,
        )
        self.assertTrue(" ".join(highest.split()) in text, highest)
        self.assertFalse(order.ps_proof_ids)
        upload("1\u202f000,50")
        self.assertEqual(order.ps_proof_ids.amount_declared, 1000.5)

    def test_proof_name_in_reader_language(self):
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(order)
        self.assertEqual(
            proof.with_context(lang=ENGLISH).name, f"{order.name} – Deposit"
        )
        self.assertEqual(
            proof.with_context(lang=FRENCH).name, f"{order.name} – Acompte"
        )
        Proof = self.env["personal.shopper.payment.proof"]
        self.assertEqual(Proof.search([("name", "ilike", order.name)]), proof)
        self.assertEqual(Proof.name_search(order.name)[0][0], proof.id)
