import re
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import urlsplit

from freezegun import freeze_time

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCase

PASSWORD = "Signup-password-42"
EMAIL = "new.customer@example.com"
CHECK_MAILBOX = 'id="ps_signup_check_mailbox"'
INVALID_LINK = "This link is invalid, was already used or has expired."
NOT_CONFIRMED = "Your e-mail address is not confirmed yet."
SIGNUP_LINK = re.compile(r'href="[^"]*(/web/signup\?[^"]*token=[^"]+)"')


@tagged("post_install", "-at_install")
class TestSignup(HttpCase, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {"email": "shop@example.com", "country_id": cls.env.ref("base.fr").id}
        )
        cls.env["ir.config_parameter"].set_param("auth_signup.reset_password", True)
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True))
        cls.Request = cls.env["personal.shopper.account.request"]
        cls.Request.search([]).unlink()  # none but those of the tests
        cls.customer = cls.env["res.users"].create(
            {
                "name": "Existing Customer",
                "login": "existing@example.com",
                "email": "existing@example.com",
                "password": "Existing-password-42",
                "groups_id": [(6, 0, cls.env.ref("base.group_portal").ids)],
            }
        )
        # an account in use (Odoo tells those apart from never used ones)
        cls.env["res.users.log"].with_user(cls.customer).sudo().create({})

    # -- helpers ---------------------------------------------------------------
    def _post(self, path, **data):
        return self.url_open(
            path, data={"csrf_token": http.Request.csrf_token(self), **data}
        )

    def _signup(self, email=EMAIL, name="New Customer", **values):
        """POST the sign-up form as an anonymous visitor."""
        self.authenticate(None, None)
        response = self._post("/web/signup", login=email, name=name, **values)
        self.assertEqual(response.status_code, 200)
        return response

    def _process(self):
        """Run the request queue; return the e-mails it queued."""
        with self.mock_mail_gateway():
            self.Request._cron_process()
        return self._new_mails

    def _user(self, login=EMAIL):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("login", "=", login)])
        )

    def _link(self, mail):
        """The path of the sign-up link in ``mail``."""
        links = SIGNUP_LINK.findall(mail.body_html)
        self.assertEqual(len(links), 1, mail.body_html)
        return links[0].replace("&amp;", "&")

    def _complete(self, path, mobile="06 12 34 56 78", password=PASSWORD, **values):
        """Open the link, then post its form (as the owner of the address)."""
        self.authenticate(None, None)
        page = self.url_open(path)
        token = re.search(r'name="token" value="([^"]+)"', page.text)
        login = re.search(r'name="login"[^>]*value="([^"]*)"', page.text)
        data = {
            "token": token.group(1) if token else "",
            "login": login.group(1) if login else "",
            "name": values.pop("name", "Real Customer"),
            "mobile": mobile,
            "password": password,
            "confirm_password": values.pop("confirm_password", password),
            "redirect": "",
            **values,
        }
        return self._post("/web/signup", **data)

    @staticmethod
    def _redirected_to(response):
        """Where the POST sent the browser."""
        return urlsplit(response.history[0].headers["Location"]).path

    def _login(self, login=EMAIL, password=PASSWORD):
        self.authenticate(None, None)
        return self._post("/web/login", login=login, password=password)

    @staticmethod
    def _page(response):
        """The page without what changes from one request to the next: its
        CSRF tokens."""
        return re.sub(r"[0-9a-f]{40}o[0-9]+", "<csrf>", response.text)

    def _password_hash(self, user):
        self.env.flush_all()
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", user.ids)
        return self.env.cr.fetchone()[0]

    def _legacy_pending(self, email="legacy@example.com"):
        """A pending account created by 18.0.1.0.0: with the password and phone
        typed at sign-up (perhaps by someone else than the address owner)."""
        return self.env["res.users"].create(
            {
                "name": "Squatter",
                "login": email,
                "email": email,
                "password": "Squatter-password-1",
                "mobile": "+1 555 0100",
                "ps_signup_pending": True,
                "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)],
            }
        )

    # -- sign-up ---------------------------------------------------------------
    def test_b2c_signup_enabled(self):
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("auth_signup.invitation_scope"),
            "b2c",
        )

    def test_signup_form_asks_name_email_language_only(self):
        self.authenticate(None, None)
        page = self.url_open("/web/signup").text
        self.assertIn('id="ps_signup_request_intro"', page)
        for field in ('name="login"', 'name="name"', 'name="lang"'):
            self.assertIn(field, page)
        for field in ('name="password"', 'name="confirm_password"', 'name="mobile"'):
            self.assertNotIn(field, page)

    def test_signup_then_finish_from_the_link(self):
        response = self._signup()
        self.assertIn(CHECK_MAILBOX, response.text)
        self.assertNotIn(EMAIL, response.text)
        # the request only records it: no account, no e-mail yet
        self.assertFalse(self._user())
        request = self.Request.search([("email", "=", EMAIL)])
        self.assertEqual((request.kind, request.state), ("signup", "pending"))
        cron = self.env.ref("personal_shopper.ir_cron_ps_account_requests")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

        mails = self._process()
        self.assertEqual(request.state, "sent")
        user = self._user()
        self.assertTrue(user.ps_signup_pending)
        self.assertTrue(user._is_portal())
        self.assertFalse(self._password_hash(user))
        self.assertFalse(user.partner_id.mobile)
        # one e-mail, queued (mail queue, not sent during the request), to the
        # bare address, with none of the text typed in the form
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "outgoing")
        self.assertEqual(mails.email_to, EMAIL)
        self.assertNotIn("New Customer", mails.body_html + mails.subject)
        path = self._link(mails)

        # no password yet: nobody can log in
        self.assertIn("Wrong login/password", self._login(password="guess").text)
        # opening the link (as a mail scanner does) changes nothing
        self.authenticate(None, None)
        page = self.url_open(path).text
        self.assertIn('id="ps_signup_complete_intro"', page)
        for field in ('name="password"', 'name="mobile"', 'name="csrf_token"'):
            self.assertIn(field, page)
        self.assertTrue(user.ps_signup_pending)
        # the form's POST without its CSRF token is refused
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/signup",
                data={"token": "any", "password": PASSWORD},
            )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(user.ps_signup_pending)

        # the owner of the address chooses the password, phone and name
        response = self._complete(path, name="Élise Martin")
        self.assertEqual(self._redirected_to(response), "/my")
        self.assertFalse(user.ps_signup_pending)
        self.assertEqual(user.partner_id.mobile, "+33612345678")
        self.assertEqual(user.name, "Élise Martin")
        # the link works once
        self.authenticate(None, None)
        self.assertIn(INVALID_LINK, self.url_open(path).text)
        # the chosen password opens the portal
        response = self._login()
        self.assertEqual(self._redirected_to(response), "/my")

    def test_no_takeover_by_pre_registration(self):
        """Someone signs up with another person's address: the owner of the
        address chooses the password, phone and name, never the squatter."""
        self._signup(name="Click http://evil.example.com now")
        squatter_mail = self._process()
        self.assertNotIn("evil.example.com", squatter_mail.body_html)
        path = self._link(squatter_mail)
        # the squatter signs up again: a fresh link, to the owner again
        self._signup(name="Squatter")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=3)):
            mail = self._process()
        self.assertEqual(mail.email_to, EMAIL)
        self._complete(self._link(mail), name="Owner", mobile="+33 7 81 23 45 67")
        user = self._user()
        self.assertEqual(
            (user.name, user.partner_id.mobile, user.ps_signup_pending),
            ("Owner", "+33781234567", False),
        )
        # once the account is active, its earlier links are dead too
        self.authenticate(None, None)
        self.assertIn(INVALID_LINK, self.url_open(path).text)

    def test_legacy_pending_account_taken_over_by_the_owner(self):
        """A pending account of 18.0.1.0.0 (password and phone chosen at sign-up,
        maybe by a squatter): its old link asks for a new one; the new link lets
        the owner replace them."""
        user = self._legacy_pending()
        self.authenticate(None, None)
        page = self.url_open("/web/signup/confirm?token=old-style-token").text
        self.assertIn(INVALID_LINK, page)
        self.assertIn('action="/web/signup/resend"', page)
        self.assertTrue(user.ps_signup_pending)
        # the squatter's password does not open the account
        response = self._login("legacy@example.com", "Squatter-password-1")
        self.assertIn(NOT_CONFIRMED, response.text)
        self.assertIn('id="ps_resend_confirmation"', response.text)
        self.assertIn("/web/signup/resend?email=legacy%40example.com", response.text)

        self._post("/web/signup/resend", email="legacy@example.com")
        mail = self._process()
        self.assertEqual(mail.email_to, "legacy@example.com")
        self._complete(self._link(mail), name="Owner", mobile="+33 7 81 23 45 68")
        self.assertEqual(
            (user.name, user.partner_id.mobile, user.ps_signup_pending),
            ("Owner", "+33781234568", False),
        )
        self.assertIn(
            "Wrong login/password",
            self._login("legacy@example.com", "Squatter-password-1").text,
        )
        response = self._login("legacy@example.com", PASSWORD)
        self.assertEqual(self._redirected_to(response), "/my")

    def test_same_answer_for_every_address(self):
        """New, pending and existing addresses get the same page, made with the
        same work (one request recorded, no account, no e-mail); the owner of
        the address learns the rest by e-mail."""
        self._legacy_pending("pending@example.com")
        self.env["res.users"].create(
            {"name": "Archived", "login": "archived@example.com", "active": False}
        )
        addresses = {
            "new": "someone.new@example.com",
            "pending": "pending@example.com",
            "existing": "  Existing@Example.com ",
            "archived": "archived@example.com",
        }
        pages = {}
        for kind, address in addresses.items():
            users = self.env["res.users"].search_count([])
            requests = self.Request.search_count([])
            with self.mock_mail_gateway():
                response = self._signup(address, name="Same Name")
            pages[kind] = self._page(response)
            self.assertIn(CHECK_MAILBOX, response.text)
            self.assertEqual(self.env["res.users"].search_count([]), users)
            self.assertFalse(self._new_mails)
            self.assertEqual(self.Request.search_count([]), requests + 1)
        self.assertEqual(len(set(pages.values())), 1, pages)
        self.assertNotIn("existing@example.com", pages["existing"])
        self.assertNotIn("Existing Customer", pages["existing"])

        mails = self._process()
        by_address = {mail.email_to: mail for mail in mails}
        self.assertEqual(
            sorted(by_address),
            ["existing@example.com", "pending@example.com", "someone.new@example.com"],
        )
        for address in ("someone.new@example.com", "pending@example.com"):
            self._link(by_address[address])
        existing = by_address["existing@example.com"].body_html
        self.assertIn("/web/reset_password?login=existing%40example.com", existing)
        self.assertNotIn("token=", existing)
        for mail in mails:
            self.assertNotIn("Same Name", mail.body_html + mail.subject)
        # one account per address, whatever its case
        self.assertEqual(
            self.env["res.users"].search_count(
                [("login", "=ilike", "existing@example.com")]
            ),
            1,
        )
        self.assertEqual(self.customer.name, "Existing Customer")

    def test_signup_checks_email_and_name(self):
        for email, name, error in (
            ("not-an-address", "Name", "Enter a valid e-mail address."),
            ("a@example.com, b@example.com", "Name", "Enter a valid e-mail address."),
            ("Name <a@example.com>", "Name", "Enter a valid e-mail address."),
            ("a@example.com", "  ", "Enter your name."),
            ("a@example.com", "x" * 101, "Your name is too long"),
        ):
            with self.subTest(email=email, name=name):
                response = self._signup(email, name=name)
                self.assertIn(error, response.text)
                self.assertNotIn(CHECK_MAILBOX, response.text)
        self.assertFalse(self.Request.search([]))

    def test_phone_checked_and_normalised(self):
        invalid = ("", "abc", "12345", "06<12>34", "+33 6 12 34 56 78 90 12 34 56 78")
        valid = {
            "06 12 34 56 78": "+33612345678",
            "06.12.34.56.78": "+33612345678",
            "+44 20 7219 3000": "+442072193000",
            "+1 (650) 253-0000": "+16502530000",
        }
        for index, (mobile, e164) in enumerate(
            [*[(m, None) for m in invalid], *valid.items()]
        ):
            with self.subTest(mobile=mobile):
                email = f"phone{index}@example.com"
                self._signup(email)
                path = self._link(self._process())
                response = self._complete(path, mobile=mobile)
                user = self._user(email)
                if e164:
                    self.assertEqual(self._redirected_to(response), "/my")
                    self.assertEqual(user.partner_id.mobile, e164)
                    self.assertFalse(user.ps_signup_pending)
                else:
                    self.assertIn(
                        "Enter a valid phone or WhatsApp number", response.text
                    )
                    self.assertIn('id="ps_signup_complete"', response.text)
                    self.assertTrue(user.ps_signup_pending)
                    self.assertFalse(self._password_hash(user))

    def test_completion_needs_matching_passwords(self):
        self._signup()
        path = self._link(self._process())
        response = self._complete(path, confirm_password="Other-password-1")
        self.assertIn("Passwords do not match", response.text)
        self.assertTrue(self._user().ps_signup_pending)

    def test_logins_are_normalised(self):
        self._signup("  New.Customer@EXAMPLE.com ")
        self._process()
        user = self._user()
        self.assertEqual((user.login, user.email), (EMAIL, EMAIL))
        # the same address in another case is the same account
        self._signup("NEW.customer@example.COM")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=3)):
            mail = self._process()
        self.assertEqual(len(self._user()), 1)
        self._complete(self._link(mail))
        response = self._login(" New.Customer@Example.com ", PASSWORD)
        self.assertEqual(self._redirected_to(response), "/my")
        # and so are the logins given by the back office
        other = self.env["res.users"].create(
            {"name": "Staff Made", "login": " Staff.Made@Example.COM "}
        )
        self.assertEqual(other.login, "staff.made@example.com")
        other.login = "Other.Login@Example.com"
        self.assertEqual(other.login, "other.login@example.com")

    # -- new link, password reset ----------------------------------------------
    def test_resend_same_answer(self):
        self._signup()
        self._process()
        self.authenticate(None, None)
        page = self.url_open("/web/signup/resend?email=new.customer%40example.com")
        self.assertIn('value="new.customer@example.com"', page.text)
        neutral = "If this address has an account, or a sign-up waiting"
        pages = []
        for address in (EMAIL, "nobody@example.com", "existing@example.com"):
            response = self._post("/web/signup/resend", email=address)
            self.assertIn(neutral, response.text)
            pages.append(self._page(response))
        with freeze_time(fields.Datetime.now() + timedelta(minutes=3)):
            mails = self._process()
        self.assertEqual(len(set(pages)), 1)
        self.assertEqual(
            sorted(mails.mapped("email_to")), ["existing@example.com", EMAIL]
        )

    def test_reset_password_same_answer(self):
        self._legacy_pending("pending@example.com")
        neutral = "If this address has an account, an e-mail with a link"
        pages = []
        for address in (
            "existing@example.com",
            "nobody@example.com",
            "pending@example.com",
        ):
            self.authenticate(None, None)
            response = self._post("/web/reset_password", login=address)
            self.assertIn(neutral, response.text)
            self.assertNotIn("No account found", response.text)
            pages.append(self._page(response))
        self.assertEqual(len(set(pages)), 1)
        mails = self._process()
        by_address = {mail.email_to: mail for mail in mails}
        self.assertEqual(
            sorted(by_address), ["existing@example.com", "pending@example.com"]
        )
        # the active account gets Odoo's reset link; the pending one, its
        # sign-up link (the phone number is still to be given)
        reset = re.search(
            r'href="[^"]*(/web/reset_password\?[^"]*token=[^"]+)"',
            by_address["existing@example.com"].body_html,
        )
        self.assertTrue(reset)
        self._link(by_address["pending@example.com"])
        # Odoo's reset link still works
        self.authenticate(None, None)
        path = reset.group(1).replace("&amp;", "&")
        page = self.url_open(path).text
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        self._post(
            "/web/reset_password",
            token=token,
            login="existing@example.com",
            password="New-password-42",
            confirm_password="New-password-42",
        )
        response = self._login("existing@example.com", "New-password-42")
        self.assertEqual(self._redirected_to(response), "/my")

    def _open_in_visitor_language(self, path):
        """GET ``path`` without following redirects, except Odoo's redirect to
        the same page under the visitor's language prefix (/en/..., when the
        database's default language is another one)."""
        response = self.url_open(path, allow_redirects=False)
        location = urlsplit(response.headers.get("Location", ""))
        prefixed = re.fullmatch(r"/[a-z]{2}(_[A-Za-z]{2,4})?(/.*)", location.path or "")
        if (
            response.status_code in (301, 302, 303)
            and prefixed
            and (prefixed.group(2) == urlsplit(path).path)
        ):
            response = self.url_open(
                location.path + ("?" + location.query if location.query else ""),
                allow_redirects=False,
            )
        return response

    def test_signup_email_parameter_tells_nothing(self):
        """Odoo's forms with a token redirect ?signup_email=<address with an
        account> to the login page: a way to test any address with the token
        of one's own sign-up or password reset. Not here."""
        self._signup()
        signup_path = self._link(self._process())
        partner = self.customer.partner_id
        partner.signup_prepare(signup_type="reset")
        reset_path = f"/web/reset_password?token={partner._generate_signup_token()}"
        self.authenticate(None, None)
        for path in (signup_path, reset_path, "/web/signup", "/web/reset_password"):
            for address in ("existing@example.com", "nobody@example.com"):
                separator = "&" if "?" in path else "?"
                response = self._open_in_visitor_language(
                    f"{path}{separator}signup_email={address}"
                )
                self.assertEqual(response.status_code, 200, (path, address))

    def test_pending_reset_token_leads_to_the_signup_form(self):
        self._signup()
        path = self._link(self._process())
        self.authenticate(None, None)
        response = self._open_in_visitor_language(
            path.replace("/web/signup?", "/web/reset_password?")
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/signup?", response.headers["Location"])

    # -- rate limits -----------------------------------------------------------
    def test_rate_limit_per_ip(self):
        self.env["ir.config_parameter"].set_param(
            "personal_shopper.account_request_ip_limits", "3/3600"
        )
        for index in range(3):
            response = self._signup(f"flood{index}@example.com")
            self.assertIn(CHECK_MAILBOX, response.text)
        with mute_logger(
            "odoo.addons.personal_shopper.models.personal_shopper_account_request"
        ):
            responses = [
                self._signup("flood9@example.com"),
                self._post("/web/signup/resend", email=EMAIL),
                self._post("/web/reset_password", login="existing@example.com"),
            ]
        for response in responses:
            self.assertIn("Too many requests from your connection", response.text)
        self.assertEqual(self.Request.search_count([]), 3)

    def test_rate_limit_per_address(self):
        """However many requests, an address gets at most one e-mail in two
        minutes and five a day."""
        self.env["ir.config_parameter"].set_param(
            "personal_shopper.account_request_ip_limits", "1000/3600"
        )
        now = fields.Datetime.now()
        sent = []
        for minutes in (0, 0, 1, 3, 6, 9, 12, 15, 18):
            self._signup(name=f"Flood {minutes}")
            with freeze_time(now + timedelta(minutes=minutes)):
                sent.append(len(self._process()))
        self.assertEqual(sent, [1, 0, 0, 1, 1, 1, 1, 0, 0])

    # -- clean-up --------------------------------------------------------------
    def test_purge_frees_the_address(self):
        self._signup()
        self._process()
        user = self._user()
        partner = user.partner_id
        self.env["res.users"]._cron_ps_purge_unconfirmed()
        self.assertTrue(user.exists(), "purged too early")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.env["res.users"]._cron_ps_purge_unconfirmed()
        self.assertFalse(user.exists())
        self.assertFalse(partner.exists())
        # the owner signs up again and gets a link
        self._signup()
        with freeze_time(fields.Datetime.now() + timedelta(minutes=3)):
            mail = self._process()
        self._link(mail)
        self.assertTrue(self._user().ps_signup_pending)

    def test_purge_keeps_what_is_referenced(self):
        self._signup()
        self._process()
        user = self._user()
        partner = user.partner_id
        # something refers to the contact (here: a sales order): it stays
        order = self.env["sale.order"].create({"partner_id": partner.id})
        self.env["ir.config_parameter"].set_param(
            "personal_shopper.signup_pending_days", "0"
        )
        with (
            freeze_time(fields.Datetime.now() + timedelta(seconds=5)),
            mute_logger("odoo.sql_db"),
        ):
            self.env["res.users"]._cron_ps_purge_unconfirmed()
        self.assertFalse(user.exists())
        self.assertEqual(order.partner_id, partner)
        # an account that cannot be deleted is archived and its login renamed
        self._signup()
        with freeze_time(fields.Datetime.now() + timedelta(minutes=3)):
            self._process()
        user = self._user()
        with (
            patch.object(
                type(self.env["res.users"]),
                "unlink",
                side_effect=UserError("referenced"),
            ),
            freeze_time(fields.Datetime.now() + timedelta(minutes=4)),
        ):
            self.env["res.users"]._cron_ps_purge_unconfirmed()
        self.assertTrue(user.exists())
        self.assertFalse(user.active)
        self.assertEqual(user.login, f"{EMAIL}#purged-{user.id}")
        # legacy: accounts archived by the former job keep no address either
        legacy = self._legacy_pending("old@example.com")
        legacy.active = False
        self.env["res.users"]._cron_ps_purge_unconfirmed()
        self.assertFalse(legacy.exists())
        for address in (EMAIL, "old@example.com"):
            self._signup(address)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=6)):
            mails = self._process()
        self.assertEqual(sorted(mails.mapped("email_to")), [EMAIL, "old@example.com"])
        self.assertTrue(self._user().ps_signup_pending)

    def test_requests_are_forgotten(self):
        self._signup()
        self._process()
        with freeze_time(fields.Datetime.now() + timedelta(days=3)):
            self.Request._cron_process()
        self.assertFalse(self.Request.search([]))

    # -- CSRF ------------------------------------------------------------------
    def test_forms_require_csrf(self):
        self.authenticate(None, None)
        with mute_logger("odoo.http"):
            for path, data in (
                ("/web/signup", {"login": EMAIL, "name": "X"}),
                ("/web/signup/resend", {"email": EMAIL}),
                ("/web/reset_password", {"login": EMAIL}),
            ):
                response = self.url_open(path, data=data)
                self.assertEqual(response.status_code, 400, path)
        self.assertFalse(self.Request.search([]))
