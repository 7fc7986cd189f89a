import logging
import re
import time

from werkzeug.urls import url_encode

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.auth_signup.controllers import main
from odoo.addons.auth_signup.models.res_users import SignupError
from odoo.addons.web.controllers.home import SIGN_UP_REQUEST_PARAMS

from ..models.res_users import EmailNotConfirmed

_logger = logging.getLogger(__name__)

SIGN_UP_REQUEST_PARAMS.add("mobile")

PHONE_PATTERN = re.compile(r"^\+?[0-9 .\-]+$")
PHONE_DIGITS_MIN = 6
PHONE_DIGITS_MAX = 20
RESEND_LIMIT = 5
RESEND_PERIOD = 3600  # seconds


class AuthSignupHome(main.AuthSignupHome):
    @http.route()
    def web_login(self, *args, **kw):
        response = super().web_login(*args, **kw)
        if (
            response.is_qweb
            and response.qcontext.get("error") == EmailNotConfirmed().args[0]
        ):
            response.qcontext["ps_signup_not_confirmed"] = True
        return response

    @http.route()
    def web_auth_signup(self, *args, **kw):
        qcontext = self.get_auth_signup_qcontext()
        if (
            request.httprequest.method != "POST"
            or qcontext.get("token")
            or not qcontext.get("signup_enabled")
            or "error" in qcontext
        ):
            # invited users and form display: Odoo's own behaviour
            return super().web_auth_signup(*args, **kw)
        try:
            if not request.env["ir.http"]._verify_request_recaptcha_token("signup"):
                raise UserError(_("Suspicious activity detected by Google reCaptcha."))
            user = self._ps_signup_pending_user(qcontext)
        except UserError as error:
            qcontext["error"] = error.args[0]
        except (SignupError, AssertionError) as error:
            User = request.env["res.users"].sudo()
            if User.search_count([("login", "=", qcontext.get("login"))], limit=1):
                qcontext["error"] = _(
                    "Another user is already registered using this email address."
                )
            else:
                _logger.warning("%s", error)
                qcontext["error"] = _("Could not create a new account.")
        else:
            return request.render(
                "personal_shopper.signup_check_mailbox", {"email": user.email}
            )
        response = request.render("auth_signup.signup", qcontext)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response

    def _prepare_signup_values(self, qcontext):
        values = super()._prepare_signup_values(qcontext)
        if not qcontext.get("token"):
            values["mobile"] = self._ps_check_phone(qcontext.get("mobile"))
        return values

    def _ps_check_phone(self, phone):
        """Return the phone number given at sign-up, or raise a UserError."""
        phone = (phone or "").strip()
        digits = len(re.sub(r"\D", "", phone))
        if (
            not PHONE_PATTERN.match(phone)
            or not PHONE_DIGITS_MIN <= digits <= PHONE_DIGITS_MAX
        ):
            raise UserError(
                _(
                    "Enter a valid phone or WhatsApp number: %(min)s to %(max)s "
                    "digits, optionally with +, spaces, dots or dashes.",
                    min=PHONE_DIGITS_MIN,
                    max=PHONE_DIGITS_MAX,
                )
            )
        return phone

    def _ps_signup_pending_user(self, qcontext):
        """Create the account of a self-registered customer, who may only log in
        once they have confirmed their e-mail address."""
        values = self._prepare_signup_values(qcontext)
        values["ps_signup_pending"] = True
        User = request.env["res.users"].sudo()
        existing = User.with_context(active_test=False).search(
            User._get_login_domain(values.get("login")), limit=1
        )
        if existing:
            # Same answer as for a new account, so that the form does not tell
            # who has one; the owner of the address is told by e-mail.
            existing._ps_notify_signup_attempt()
            return existing
        login, _password = User.signup(values)
        user = User.search(User._get_login_domain(login), limit=1)
        user._ps_send_signup_confirmation(force=True)
        return user

    @http.route(
        "/web/signup/confirm",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def web_signup_confirm(self, token=None, **kw):
        try:
            user = request.env["res.users"].sudo()._ps_confirm_signup(token)
        except UserError as error:
            return request.render(
                "personal_shopper.signup_resend", {"error": error.args[0]}
            )
        return request.render(
            "personal_shopper.signup_confirmed",
            {"login_url": "/web/login?%s" % url_encode({"login": user.login})},
        )

    @http.route(
        "/web/signup/resend",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def web_signup_resend(self, email=None, **kw):
        values = {"email": email}
        if request.httprequest.method == "POST":
            now = time.time()
            sent = [
                stamp
                for stamp in request.session.get("ps_signup_resends", [])
                if stamp > now - RESEND_PERIOD
            ]
            if len(sent) >= RESEND_LIMIT:
                values["error"] = _("Too many requests: please try again in an hour.")
            else:
                request.session["ps_signup_resends"] = [*sent, now]
                request.env["res.users"].sudo()._ps_resend_signup_confirmation(email)
                values["message"] = _(
                    "If an account waiting for confirmation exists for this address, "
                    "a new confirmation e-mail is on its way. Check your mailbox."
                )
        return request.render("personal_shopper.signup_resend", values)
