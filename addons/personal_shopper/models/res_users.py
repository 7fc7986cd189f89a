import logging
import re
from datetime import timedelta
from urllib.parse import urlencode

from psycopg2 import IntegrityError

from odoo import _, api, fields, models
from odoo.exceptions import AccessDenied, UserError
from odoo.tools import escape_psql

_logger = logging.getLogger(__name__)

# A purged sign-up that could not be deleted keeps its record, archived, under
# this login ("<address>#purged-<id>"), so that the address is free again.
PURGED_MARK = "#purged-"
PURGE_DAYS_PARAM = "personal_shopper.signup_pending_days"
PURGE_DAYS = 30
# Sanity check of a phone number before phone_validation formats it (and the
# only check when the `phonenumbers` library is missing).
PHONE_PATTERN = re.compile(r"^\+?[0-9 .\-()]+$")
PHONE_DIGITS_MIN = 6
PHONE_DIGITS_MAX = 20


def normalize_login(login):
    """The form in which logins are stored and looked up: one account per
    address, whatever its case and the spaces around it."""
    return (login or "").strip().lower()


class EmailNotConfirmed(AccessDenied):
    """Raised at login by a customer who has not finished their sign-up yet
    (only accounts created before 18.0.1.1.0 have a password by then)."""

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
        string="Sign-up not finished",
        copy=False,
        help="Set on self-registered customers until they open the link e-mailed "
        "to them and choose their password and phone number there; they cannot "
        "log in before.",
    )

    # ------------------------------------------------------------------
    # Logins: stored and looked up normalised
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("login"):
                vals["login"] = normalize_login(vals["login"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("login"):
            vals = dict(vals, login=normalize_login(vals["login"]))
        return super().write(vals)

    @api.model
    def _get_login_domain(self, login):
        # used by _login (log-in), reset_password and auth_signup
        return super()._get_login_domain(normalize_login(login))

    def _check_credentials(self, credential, env):
        # The password is checked first, so the message below never tells a
        # stranger whether an address has an account.
        auth_info = super()._check_credentials(credential, env)
        if self.env.user.sudo().ps_signup_pending:
            raise EmailNotConfirmed()
        return auth_info

    @api.model
    def _ps_find_account(self, login):
        """The account of ``login``: the user with this login, archived ones
        included (the login stays taken), else an active user with this e-mail
        (as Odoo's reset_password does)."""
        login = normalize_login(login)
        if not login:
            return self.browse()
        users = self.sudo().with_context(active_test=False)
        user = users.search(users._get_login_domain(login), limit=1)
        if not user and "@" in login:
            user = self.sudo().search(
                [("email", "=ilike", escape_psql(login))], order="id", limit=1
            )
        return user

    # ------------------------------------------------------------------
    # Sign-up: request (by anyone), then completion (by the address owner)
    # ------------------------------------------------------------------
    @api.model
    def _ps_create_pending(self, email, name, lang=False):
        """A portal account for ``email``, not usable yet: no password, no phone.
        Whoever opens the link e-mailed to the address chooses them."""
        values = {
            "login": email,
            "email": email,
            "name": name or email,
            "ps_signup_pending": True,
        }
        if lang and lang in dict(self.env["res.lang"].get_installed()):
            values["lang"] = lang
        return self.sudo()._signup_create_user(values)

    def _ps_signup_url(self):
        """Odoo's own sign-up link (partner signup token, as for invitations):
        /web/signup?token=... It stays valid until the sign-up is finished or
        the token expires (auth_signup.signup.validity.hours)."""
        self.ensure_one()
        partner = self.sudo().partner_id
        return partner.with_context(
            signup_force_type_in_url="signup"
        )._get_signup_url_for_action()[partner.id]

    def _ps_signup_validity_hours(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("auth_signup.signup.validity.hours", 144)
        )

    def _ps_login_url(self, path="/web/login"):
        self.ensure_one()
        return f"{self.get_base_url()}{path}?{urlencode({'login': self.login})}"

    def _ps_send_signup_link(self):
        """Queue the e-mail with the sign-up link to the address of each
        pending account."""
        template = self.env.ref("personal_shopper.mail_template_ps_signup_link")
        for user in self.sudo().filtered("ps_signup_pending"):
            user.partner_id.signup_prepare(signup_type="signup")
            template.send_mail(user.id)

    def _ps_send_existing_account(self):
        """Queue the 'you already have an account' e-mail."""
        template = self.env.ref("personal_shopper.mail_template_ps_signup_existing")
        for user in self.sudo():
            template.send_mail(user.id)

    def _ps_send_reset_password(self):
        """Odoo's password reset e-mail (auth_signup.reset_password_email), as
        _action_reset_password makes it, but queued instead of sent at once."""
        template = self.env.ref("auth_signup.reset_password_email")
        for user in self.sudo():
            user.partner_id.signup_prepare(signup_type="reset")
            lang = user.lang or self.env.lang or "en_US"
            body = (
                self.env["mail.render.mixin"]
                .with_context(lang=lang)
                ._render_template(
                    template,
                    model="res.users",
                    res_ids=user.ids,
                    engine="qweb_view",
                    options={"post_process": True},
                )[user.id]
            )
            self.env["mail.mail"].sudo().create(
                {
                    "subject": user.with_context(lang=lang).env._("Password reset"),
                    "email_from": user.company_id.email_formatted
                    or user.email_formatted,
                    "email_to": user.email,
                    "body_html": body,
                    "auto_delete": True,
                    "message_type": "user_notification",
                }
            )
            _logger.info("Password reset e-mail queued for user %s", user.id)

    def _ps_normalize_phone(self, number):
        """The phone/WhatsApp number given at sign-up, in E.164 (+33612345678)
        with phone_validation (default region: the customer's country, else the
        company's), or raise a UserError."""
        self.ensure_one()
        number = (number or "").strip()
        digits = len(re.sub(r"\D", "", number))
        error = UserError(
            _(
                "Enter a valid phone or WhatsApp number, with its country code "
                "(e.g. +33 6 12 34 56 78)."
            )
        )
        if (
            not PHONE_PATTERN.match(number)
            or not PHONE_DIGITS_MIN <= digits <= PHONE_DIGITS_MAX
        ):
            raise error
        try:
            formatted = self.partner_id._phone_format(
                number=number,
                country=self._ps_phone_country(),
                force_format="E164",
                raise_exception=True,
            )
        except UserError as e:
            raise error from e
        # without the phonenumbers library, phone_validation keeps the number
        return formatted or number

    def _ps_phone_country(self):
        self.ensure_one()
        return (
            self.sudo().partner_id.country_id
            or self.sudo().company_id.country_id
            or self.env.company.country_id
        )

    @api.model
    def _ps_pending_user_of_token(self, token):
        """The pending account whose sign-up ``token`` finishes, if any."""
        try:
            partner = token and self.env["res.partner"].sudo()._get_partner_from_token(
                token
            )
        except ValueError:  # malformed token
            partner = None
        if not partner:
            return self.browse()
        return partner.user_ids.filtered("ps_signup_pending")[:1]

    @api.model
    def signup(self, values, token=None):
        """Finishing a sign-up (token of a pending account) takes the password,
        the phone number and the name chosen by the person who opened the
        e-mailed link, and only then activates the account."""
        pending = self._ps_pending_user_of_token(token)
        name = values.get("name")
        if pending:
            if not values.get("password"):
                raise UserError(_("Choose a password."))
            if not values.get("mobile"):
                raise UserError(_("Enter your phone or WhatsApp number."))
        result = super().signup(values, token)
        if pending:
            pending.write(
                {"ps_signup_pending": False, **({"name": name} if name else {})}
            )
            _logger.info("User %s finished their sign-up", pending.id)
        return result

    # ------------------------------------------------------------------
    # Clean-up
    # ------------------------------------------------------------------
    @api.model
    def _cron_ps_purge_unconfirmed(self, days=None):
        """Free the addresses of sign-ups never finished: after ``days``
        (ir.config_parameter personal_shopper.signup_pending_days, default 30),
        delete the account and its contact, or, when other records refer to
        them, archive the account and rename its login. Accounts archived before
        (by the older version of this job) are released the same way."""
        if days is None:
            days = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param(PURGE_DAYS_PARAM, PURGE_DAYS)
            )
        # create_date has microseconds, Datetime.now() whole seconds: up to
        # the end of the limit's second (else a sign-up of this very second
        # is not older than "0 days")
        limit = fields.Datetime.now() - timedelta(days=days) + timedelta(seconds=1)
        users = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("ps_signup_pending", "=", True),
                    ("login", "not like", PURGED_MARK),
                    "|",
                    ("active", "=", False),
                    ("create_date", "<", limit),
                ]
            )
        )
        for user in users:
            partner = user.partner_id
            try:
                with self.env.cr.savepoint():
                    user.unlink()
            except (IntegrityError, UserError):
                user.write(
                    {"active": False, "login": f"{user.login}{PURGED_MARK}{user.id}"}
                )
                _logger.info("Unfinished sign-up %s archived and renamed", user.id)
                continue
            try:
                with self.env.cr.savepoint():
                    partner.unlink()
            except (IntegrityError, UserError):
                _logger.info("Contact %s of a purged sign-up is kept", partner.id)
            _logger.info("Unfinished sign-up %s deleted", user.id)
