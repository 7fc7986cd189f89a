import re
from datetime import timedelta
from urllib.parse import urlsplit

from freezegun import freeze_time

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCase

PASSWORD = "Signup-password-42"


@tagged("post_install", "-at_install")
class TestSignup(HttpCase, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "shop@example.com"

    def _signup(
        self, email="new.customer@example.com", mobile="+33 6 12 34 56 78", **values
    ):
        self.authenticate(None, None)
        data = {
            "login": email,
            "name": "New Customer",
            "mobile": mobile,
            "password": PASSWORD,
            "confirm_password": PASSWORD,
            "csrf_token": http.Request.csrf_token(self),
            **values,
        }
        with self.mock_mail_gateway():
            response = self.url_open("/web/signup", data=data)
        self.assertEqual(response.status_code, 200)
        return response

    def _user(self, login="new.customer@example.com"):
        return self.env["res.users"].search([("login", "=", login)])

    def _login(self, login="new.customer@example.com", password=PASSWORD):
        self.authenticate(None, None)
        return self.url_open(
            "/web/login",
            data={
                "login": login,
                "password": password,
                "csrf_token": http.Request.csrf_token(self),
            },
        )

    def _confirm_path(self, user):
        parts = urlsplit(user._ps_signup_confirm_url())
        return f"{parts.path}?{parts.query}"

    def test_b2c_signup_enabled(self):
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("auth_signup.invitation_scope"),
            "b2c",
        )

    def test_signup_creates_pending_user_and_sends_confirmation(self):
        response = self._signup()
        self.assertIn('id="ps_signup_check_mailbox"', response.text)
        self.assertIn('action="/web/signup/resend"', response.text)
        user = self._user()
        self.assertTrue(user.ps_signup_pending)
        self.assertTrue(user.ps_confirmation_sent)
        self.assertTrue(user._is_portal())
        self.assertEqual(user.partner_id.mobile, "+33 6 12 34 56 78")
        # the confirmation e-mail only, not Odoo's "account created" one
        self.assertEqual(len(self._new_mails), 1)
        link = re.search(
            r'href="[^"]*(/web/signup/confirm\?token=[^"]+)"', self._new_mails.body_html
        )
        self.assertTrue(link)
        self.assertEqual(self._new_mails.email_to, user.email_formatted)
        # the visitor is not logged in
        self.assertFalse(self.url_open("/my").url.endswith("/my"))
        # the link of the e-mail confirms the address
        response = self.url_open(link.group(1))
        self.assertIn('id="ps_signup_confirmed"', response.text)
        self.assertFalse(user.ps_signup_pending)

    def test_signup_phone_is_checked(self):
        invalid = (
            "",
            "abc",
            "12345",
            "+1 (555) 0123",
            "06<12>34",
            "+33 6 12 34 56 78 90 12 34 56 78",
        )
        for mobile in invalid:
            with self.subTest(mobile=mobile):
                response = self._signup(mobile=mobile)
                self.assertIn("Enter a valid phone or WhatsApp number", response.text)
                self.assertFalse(self._user())
                self.assertFalse(self._new_mails)
        valid = ("0612345678", "06.12.34.56.78", "+44-20-7946-0958", "+1 555 0123")
        for index, mobile in enumerate(valid):
            with self.subTest(mobile=mobile):
                login = f"customer{index}@example.com"
                response = self._signup(email=login, mobile=mobile)
                self.assertIn('id="ps_signup_check_mailbox"', response.text)
                self.assertEqual(self._user(login).partner_id.mobile, mobile)

    def test_signup_existing_login(self):
        """Signing up with a taken address answers like a new sign-up (no
        account enumeration); the owner is told by e-mail."""
        self._signup()
        user = self._user()
        user.ps_signup_pending = False
        user.ps_confirmation_sent = False
        response = self._signup(
            name="Someone Else",
            password="Other-password-2024",
            confirm_password="Other-password-2024",
        )
        self.assertIn('id="ps_signup_check_mailbox"', response.text)
        self.assertNotIn("already registered", response.text)
        self.assertEqual(len(self._user()), 1)
        self.assertEqual(user.name, "New Customer")
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.email_to, user.email_formatted)
        self.assertIn("/web/reset_password?login=", self._new_mails.body_html)
        # the existing password still works, the one typed in the form does not
        self.assertIn(
            "Wrong login/password", self._login(password="Other-password-2024").text
        )
        # rate-limited like the confirmation
        self._signup(name="Someone Else")
        self.assertFalse(self._new_mails)

    def test_signup_existing_pending_login(self):
        """A second sign-up of a pending account resends the confirmation."""
        self._signup()
        user = self._user()
        user.ps_confirmation_sent = user.ps_confirmation_sent - timedelta(minutes=5)
        response = self._signup(name="Someone Else")
        self.assertIn('id="ps_signup_check_mailbox"', response.text)
        self.assertEqual(len(self._new_mails), 1)
        self.assertIn("/web/signup/confirm?token=", self._new_mails.body_html)

    def test_login_refused_before_confirmation(self):
        self._signup()
        response = self._login()
        self.assertIn("Your e-mail address is not confirmed yet.", response.text)
        self.assertIn('id="ps_resend_confirmation"', response.text)
        self.assertIn(
            "/web/signup/resend?email=new.customer%40example.com", response.text
        )
        # a wrong password does not tell the account is pending
        response = self._login(password="wrong")
        self.assertIn("Wrong login/password", response.text)
        self.assertNotIn("not confirmed", response.text)

    def test_confirmation_once_then_login(self):
        self._signup()
        user = self._user()
        path = self._confirm_path(user)
        response = self.url_open(path)
        self.assertIn('id="ps_signup_confirmed"', response.text)
        self.assertIn("/web/login?login=new.customer%40example.com", response.text)
        self.assertFalse(user.ps_signup_pending)
        # the link works once
        response = self.url_open(path)
        self.assertIn(
            "This confirmation link is invalid, was already used or has expired.",
            response.text,
        )
        self.assertIn('action="/web/signup/resend"', response.text)
        # the chosen password now opens the portal
        response = self._login()
        self.assertEqual(response.history[0].headers["Location"], "/my")

    def test_confirmation_invalid_or_expired(self):
        self._signup()
        user = self._user()
        for token in ("", "garbage", self._confirm_path(user).split("token=")[1][:-4]):
            response = self.url_open(f"/web/signup/confirm?token={token}")
            self.assertIn("This confirmation link is invalid", response.text)
        token = user._ps_signup_token()
        with (
            freeze_time(fields.Datetime.now() + timedelta(hours=49)),
            self.assertRaises(UserError),
        ):
            self.env["res.users"]._ps_confirm_signup(token)
        self.assertTrue(user.ps_signup_pending)
        # a new e-mail invalidates the previous links
        with freeze_time(fields.Datetime.now() + timedelta(minutes=5)):
            user._ps_send_signup_confirmation()
        with self.assertRaises(UserError):
            self.env["res.users"]._ps_confirm_signup(token)
        self.assertEqual(
            self.env["res.users"]._ps_confirm_signup(user._ps_signup_token()), user
        )

    def _resend(self, email):
        with self.mock_mail_gateway():
            return self.url_open(
                "/web/signup/resend",
                data={
                    "email": email,
                    "csrf_token": http.Request.csrf_token(self),
                },
            )

    def test_resend_neutral_and_rate_limited(self):
        self._signup()
        response = self.url_open("/web/signup/resend?email=new.customer%40example.com")
        self.assertIn('value="new.customer@example.com"', response.text)
        neutral = "If an account waiting for confirmation exists for this address"
        # unknown address: same answer, nothing sent
        response = self._resend("nobody@example.com")
        self.assertIn(neutral, response.text)
        self.assertFalse(self._new_mails)
        # known address, but the e-mail was sent less than 2 minutes ago
        response = self._resend("new.customer@example.com")
        self.assertIn(neutral, response.text)
        self.assertFalse(self._new_mails)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=3)):
            response = self._resend("New.Customer@example.com")
        self.assertIn(neutral, response.text)
        self.assertEqual(len(self._new_mails), 1)
        # 5 requests per hour and per session
        self._resend("nobody@example.com")
        self._resend("nobody@example.com")
        response = self._resend("new.customer@example.com")
        self.assertIn("Too many requests", response.text)
        self.assertNotIn(neutral, response.text)

    def test_resend_requires_csrf(self):
        self.authenticate(None, None)
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/signup/resend", data={"email": "new.customer@example.com"}
            )
        self.assertEqual(response.status_code, 400)
