import logging
from datetime import timedelta
from urllib.parse import urlencode

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessDenied, UserError

_logger = logging.getLogger(__name__)

SIGNUP_SCOPE = "personal_shopper.signup_confirmation"
SIGNUP_TOKEN_HOURS = 48
RESEND_DELAY = timedelta(minutes=2)


class EmailNotConfirmed(AccessDenied):
    """Raised at login by a customer who has not confirmed their e-mail yet."""

    def __init__(self):
        super().__init__(
            _(
                "Your e-mail address is not confirmed yet. Please click the button "
                "in the e-mail we sent you, or ask for a new one."
            )
        )


class ResUsers(models.Model):
    _inherit = "res.users"

    ps_signup_pending = fields.Boolean(
        string="E-mail confirmation pending",
        copy=False,
        help="Set on self-registered customers until they click the confirmation "
        "link; they cannot log in before.",
    )
    ps_confirmation_sent = fields.Datetime(
        string="Confirmation e-mail sent on", copy=False, readonly=True
    )

    def _check_credentials(self, credential, env):
        # The password is checked first, so the message below never tells a
        # stranger whether an address has an account.
        auth_info = super()._check_credentials(credential, env)
        if self.env.user.sudo().ps_signup_pending:
            raise EmailNotConfirmed()
        return auth_info

    # ------------------------------------------------------------------
    # E-mail confirmation
    # ------------------------------------------------------------------
    def _ps_signup_token(self):
        self.ensure_one()
        return tools.hash_sign(
            self.env(su=True),
            SIGNUP_SCOPE,
            [self.id, self.login, fields.Datetime.to_string(self.ps_confirmation_sent)],
            expiration_hours=SIGNUP_TOKEN_HOURS,
        )

    def _ps_signup_confirm_url(self):
        self.ensure_one()
        base = self.get_base_url()
        return f"{base}/web/signup/confirm?token={self._ps_signup_token()}"

    def _ps_login_url(self, path="/web/login"):
        self.ensure_one()
        return f"{self.get_base_url()}{path}?{urlencode({'login': self.login})}"

    def _ps_send_signup_confirmation(self, force=False):
        """Send (again) the confirmation e-mail. Resends are rate-limited."""
        template = self.env.ref("personal_shopper.mail_template_signup_confirmation")
        now = fields.Datetime.now()
        for user in self.sudo().filtered("ps_signup_pending"):
            if (
                not force
                and user.ps_confirmation_sent
                and user.ps_confirmation_sent + RESEND_DELAY > now
            ):
                _logger.info(
                    "Confirmation e-mail for user %s not resent: too soon", user.id
                )
                continue
            user.ps_confirmation_sent = now
            template.send_mail(user.id, force_send=True, raise_exception=False)

    def _ps_notify_signup_attempt(self):
        """Someone signed up with the address of this existing account: resend
        the confirmation if it is still pending, else tell the owner how to log
        in. Rate-limited like the confirmation."""
        self.ensure_one()
        user = self.sudo()
        if not user.active:
            return
        if user.ps_signup_pending:
            user._ps_send_signup_confirmation()
            return
        now = fields.Datetime.now()
        if user.ps_confirmation_sent and user.ps_confirmation_sent + RESEND_DELAY > now:
            return
        user.ps_confirmation_sent = now
        self.env.ref(
            "personal_shopper.mail_template_signup_already_registered"
        ).send_mail(user.id, force_send=True, raise_exception=False)

    @api.model
    def _ps_confirm_signup(self, token):
        """Activate the account behind ``token``. Return the user, or raise."""
        try:
            payload = tools.verify_hash_signed(
                self.env(su=True), SIGNUP_SCOPE, token or ""
            )
        except Exception:  # noqa: BLE001 - malformed tokens are just invalid
            payload = None
        error = UserError(
            _("This confirmation link is invalid, was already used or has expired.")
        )
        if not payload:
            raise error
        user_id, login, sent = payload
        user = self.sudo().browse(user_id).exists()
        if (
            not user
            or not user.ps_signup_pending
            or user.login != login
            or fields.Datetime.to_string(user.ps_confirmation_sent) != sent
        ):
            raise error
        user.write({"ps_signup_pending": False})
        _logger.info("User %s confirmed their e-mail address", user.id)
        return user

    @api.model
    def _ps_resend_signup_confirmation(self, email):
        """Resend the confirmation to ``email`` if such a pending account exists.

        Says nothing about whether it exists (no account enumeration)."""
        email = (email or "").strip()
        if not email:
            return
        user = self.sudo().search(
            [("login", "=ilike", email), ("ps_signup_pending", "=", True)], limit=1
        )
        user._ps_send_signup_confirmation()

    @api.model
    def _cron_ps_purge_unconfirmed(self, days=30):
        """Archive self-registered accounts never confirmed after ``days``."""
        limit = fields.Datetime.now() - timedelta(days=days)
        users = self.sudo().search(
            [("ps_signup_pending", "=", True), ("create_date", "<", limit)]
        )
        users.write({"active": False})
        return users
