"""Self-registration of customers.

1. /web/signup (no token) takes a name, an e-mail address and a language only,
   and always answers the same "check your mailbox" page: the request is
   processed off the web request (personal.shopper.account.request), which
   e-mails the address either Odoo's own sign-up link (partner signup token, as
   for invitations) of a new or still pending account, or a "you already have
   an account" message.
2. /web/signup?token=... is Odoo's sign-up form for that token, where the person
   who received the e-mail chooses the password and gives the phone/WhatsApp
   number, and confirms with a POST (CSRF); only then is the account usable.

/web/signup/resend and Odoo's /web/reset_password (without token) answer the
same way for every address too.
"""

import logging

from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import _, http, tools
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.auth_signup.controllers import main
from odoo.addons.web.controllers.home import SIGN_UP_REQUEST_PARAMS

from ..models.res_users import EmailNotConfirmed, normalize_login

_logger = logging.getLogger(__name__)

SIGN_UP_REQUEST_PARAMS.add("mobile")

NAME_MAX = 100
EMAIL_MAX = 254


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

    # ------------------------------------------------------------------
    # Sign-up
    # ------------------------------------------------------------------
    @http.route()
    def web_auth_signup(self, *args, **kw):
        self._ps_drop_signup_email(kw)
        qcontext = self.get_auth_signup_qcontext()
        if qcontext.get("token"):
            if qcontext.get("invalid_token"):
                return self._ps_render_new_link_page()
            # Odoo's form for the token; its POST finishes the sign-up
            response = super().web_auth_signup(*args, **kw)
            if getattr(response, "is_qweb", False):
                user = (
                    request.env["res.users"]
                    .sudo()
                    ._ps_pending_user_of_token(qcontext["token"])
                )
                response.qcontext["ps_complete_signup"] = bool(user)
            return response
        if not qcontext.get("signup_enabled"):
            raise NotFound()
        if request.httprequest.method == "POST" and "error" not in qcontext:
            try:
                self._ps_request_signup(qcontext)
            except UserError as error:
                qcontext["error"] = error.args[0]
            else:
                return request.render(
                    "personal_shopper.signup_check_mailbox",
                    self.get_auth_signup_config(),
                )
        return self._ps_render_signup_request(qcontext)

    def _ps_drop_signup_email(self, kw):
        # Odoo redirects /web/signup?signup_email=X (and /web/reset_password) to
        # the login page when X has an account: a way to test any address.
        request.params.pop("signup_email", None)
        kw.pop("signup_email", None)

    def _ps_request_signup(self, qcontext):
        if not request.env["ir.http"]._verify_request_recaptcha_token("signup"):
            raise UserError(_("Suspicious activity detected by Google reCaptcha."))
        email = normalize_login(qcontext.get("login"))
        if (
            not email
            or len(email) > EMAIL_MAX
            or tools.email_normalize(email, strict=True) != email
        ):
            raise UserError(_("Enter a valid e-mail address."))
        name = " ".join((qcontext.get("name") or "").split())
        if not name:
            raise UserError(_("Enter your name."))
        if len(name) > NAME_MAX:
            raise UserError(
                _("Your name is too long: %(max)s characters at most.", max=NAME_MAX)
            )
        request.env["personal.shopper.account.request"].sudo()._ps_submit(
            "signup", email, name=name, lang=self._ps_signup_lang(qcontext)
        )

    def _ps_signup_lang(self, qcontext):
        """The language chosen in the form, else the visitor's."""
        installed = dict(request.env["res.lang"].get_installed())
        for lang in (qcontext.get("lang"), request.env.context.get("lang")):
            if lang in installed:
                return lang
        return False

    def _ps_render_signup_request(self, qcontext):
        qcontext.update(
            ps_signup_request=True,
            ps_langs=request.env["res.lang"].get_installed(),
            lang=self._ps_signup_lang(qcontext),
        )
        response = request.render("auth_signup.signup", qcontext)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response

    def _prepare_signup_values(self, qcontext):
        values = super()._prepare_signup_values(qcontext)
        user = (
            request.env["res.users"]
            .sudo()
            ._ps_pending_user_of_token(qcontext.get("token"))
        )
        if user:
            # the person who proved the address sets the contact data
            values["mobile"] = user._ps_normalize_phone(qcontext.get("mobile"))
            values["name"] = " ".join((values.get("name") or "").split())[:NAME_MAX]
        return values

    # ------------------------------------------------------------------
    # Expired or old links, new link
    # ------------------------------------------------------------------
    def _ps_render_new_link_page(self, **values):
        values.setdefault(
            "error",
            _(
                "This link is invalid, was already used or has expired. "
                "Ask for a new one below."
            ),
        )
        return request.render(
            "personal_shopper.signup_resend",
            {**self.get_auth_signup_config(), **values},
        )

    @http.route(
        "/web/signup/confirm",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def web_signup_confirm(self, token=None, **kw):
        """Links of the e-mails sent before 18.0.1.1.0: they confirmed on GET.
        Now they only lead to the page that sends a new link."""
        return self._ps_render_new_link_page()

    @http.route(
        "/web/signup/resend",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def web_signup_resend(self, email=None, **kw):
        values = {}
        if request.httprequest.method == "GET":
            values["email"] = email  # from the login page's link
        else:
            try:
                if not normalize_login(email):
                    raise UserError(_("Enter your e-mail address."))
                request.env["personal.shopper.account.request"].sudo()._ps_submit(
                    "resend", email
                )
            except UserError as error:
                values["error"] = error.args[0]
            else:
                values["message"] = _(
                    "If this address has an account, or a sign-up waiting to be "
                    "finished, an e-mail is on its way to it. Check your mailbox."
                )
        return request.render(
            "personal_shopper.signup_resend",
            {**self.get_auth_signup_config(), **values},
        )

    # ------------------------------------------------------------------
    # Password reset
    # ------------------------------------------------------------------
    @http.route()
    def web_auth_reset_password(self, *args, **kw):
        self._ps_drop_signup_email(kw)
        qcontext = self.get_auth_signup_qcontext()
        token = qcontext.get("token")
        if token:
            if request.env["res.users"].sudo()._ps_pending_user_of_token(token):
                # a sign-up to finish, with the phone number
                return request.redirect(f"/web/signup?{url_encode({'token': token})}")
            return super().web_auth_reset_password(*args, **kw)
        if not qcontext.get("reset_password_enabled"):
            raise NotFound()
        if request.httprequest.method == "POST" and "error" not in qcontext:
            # Odoo's own answer depends on the address ("No account found for
            # this login") and sends the e-mail during the request.
            try:
                if not request.env["ir.http"]._verify_request_recaptcha_token(
                    "password_reset"
                ):
                    raise UserError(
                        _("Suspicious activity detected by Google reCaptcha.")
                    )
                if not normalize_login(qcontext.get("login")):
                    raise UserError(_("Enter your e-mail address."))
                request.env["personal.shopper.account.request"].sudo()._ps_submit(
                    "reset", qcontext["login"]
                )
            except UserError as error:
                qcontext["error"] = error.args[0]
            else:
                qcontext["message"] = _(
                    "If this address has an account, an e-mail with a link to "
                    "choose a new password is on its way to it. Check your mailbox."
                )
        response = request.render("auth_signup.reset_password", qcontext)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response
