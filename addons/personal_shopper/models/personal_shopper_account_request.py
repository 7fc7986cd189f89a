"""Sign-up, new sign-up link and password reset requests from the web pages.

The pages only record the request (after the per-IP rate limit) and answer the
same page whatever the address. What depends on whether the address has an
account (creating the pending account, choosing and rendering the e-mail) runs
afterwards, in the cron ``ir_cron_ps_account_requests`` that the page triggers,
and the e-mails go through the mail queue. So neither the page nor its time
tells whether an address has an account.

Odoo has no server-side rate limit for these pages, so the requests are also
the rate limits' memory (kept in the database, not in the session): per client
IP when the request comes (the visitor is told to try later) and per address
when it is processed (silently: the answer was already the same for all). They
are deleted after two days by the same cron.
"""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.auth_signup.models.res_partner import SignupError

from .res_users import normalize_login

_logger = logging.getLogger(__name__)

# "count/seconds,count/seconds": at most `count` requests in `seconds`.
IP_LIMITS_PARAM = "personal_shopper.account_request_ip_limits"
IP_LIMITS = "20/3600,60/86400"
# e-mails actually sent to one address (sign-up links, "you have an account",
# password resets together)
EMAIL_LIMITS_PARAM = "personal_shopper.account_request_email_limits"
EMAIL_LIMITS = "1/120,5/86400"
KEEP_DAYS = 2
BATCH = 200
LOCK_NAMESPACE = 1_780_421  # pg_advisory_xact_lock(namespace, key)


def parse_limits(text):
    """'20/3600,60/86400' -> [(20, 3600), (60, 86400)]"""
    limits = []
    for part in (text or "").split(","):
        count, _sep, seconds = part.strip().partition("/")
        if count.strip().isdigit() and seconds.strip().isdigit():
            limits.append((int(count), int(seconds)))
    return limits


class PersonalShopperAccountRequest(models.Model):
    _name = "personal.shopper.account.request"
    _description = "Account e-mail request (sign-up, new link, password reset)"
    _order = "id desc"
    _rec_name = "email"

    kind = fields.Selection(
        [
            ("signup", "Sign-up"),
            ("resend", "New sign-up link"),
            ("reset", "Password reset"),
        ],
        required=True,
        readonly=True,
    )
    email = fields.Char("E-mail or login", required=True, index=True, readonly=True)
    name = fields.Char(readonly=True)
    lang = fields.Char("Language", readonly=True)
    ip = fields.Char("Client IP", index=True, readonly=True)
    state = fields.Selection(
        [
            ("pending", "To process"),
            ("sent", "E-mail sent"),
            ("skipped", "Nothing sent"),
        ],
        default="pending",
        required=True,
        index=True,
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Web side
    # ------------------------------------------------------------------
    @api.model
    def _ps_submit(self, kind, email, name=False, lang=False):
        """Record a request of the current web visitor and trigger its
        processing. Raise a UserError if their IP made too many requests."""
        ip = request.httprequest.remote_addr if request else False
        if ip:
            # one request at a time per IP, so that concurrent ones are counted
            self.env.cr.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                (LOCK_NAMESPACE, f"ip:{ip}"),
            )
            if self._ps_over_limit([("ip", "=", ip)], IP_LIMITS_PARAM, IP_LIMITS):
                _logger.warning("Too many account requests from %s", ip)
                raise UserError(
                    _("Too many requests from your connection: please try again later.")
                )
        self.sudo().create(
            {
                "kind": kind,
                "email": normalize_login(email),
                "name": name,
                "lang": lang,
                "ip": ip,
            }
        )
        self.env.ref("personal_shopper.ir_cron_ps_account_requests")._trigger()

    def _ps_over_limit(self, domain, param, default):
        limits = parse_limits(
            self.env["ir.config_parameter"].sudo().get_param(param, default)
        )
        now = fields.Datetime.now()
        requests = self.sudo()
        return any(
            requests.search_count(
                domain + [("create_date", ">=", now - timedelta(seconds=seconds))],
                limit=count,
            )
            >= count
            for count, seconds in limits
        )

    # ------------------------------------------------------------------
    # Cron side
    # ------------------------------------------------------------------
    @api.model
    def _cron_process(self):
        """Process the pending requests (oldest first), then forget the old
        ones."""
        requests = self.sudo()
        todo = requests.search([("state", "=", "pending")], order="id", limit=BATCH)
        for req in todo:
            try:
                with self.env.cr.savepoint():
                    state = req._ps_process()
            except Exception:
                _logger.exception("Account request %s failed", req.id)
                state = "skipped"
            req.state = state
        if todo:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        if len(todo) == BATCH:
            self.env.ref("personal_shopper.ir_cron_ps_account_requests")._trigger()
        requests.search(
            [
                (
                    "create_date",
                    "<",
                    fields.Datetime.now() - timedelta(days=KEEP_DAYS),
                )
            ]
        ).unlink()

    def _ps_process(self):
        """E-mail the owner of the address, as the request and the state of
        the address's account call for; return the request's new state."""
        self.ensure_one()
        if self._ps_over_limit(
            [("email", "=", self.email), ("state", "=", "sent")],
            EMAIL_LIMITS_PARAM,
            EMAIL_LIMITS,
        ):
            _logger.info("Account request %s: too many e-mails to its address", self.id)
            return "skipped"
        users = self.env["res.users"].sudo()
        user = users._ps_find_account(self.email)
        if not user and self.kind == "signup":
            try:
                user = users._ps_create_pending(self.email, self.name, self.lang)
            except SignupError as error:  # sign-up closed since the request
                _logger.info("Account request %s: %s", self.id, error)
                return "skipped"
        if not user or not user.active:
            return "skipped"
        if user.ps_signup_pending:
            user._ps_send_signup_link()
        elif self.kind == "reset":
            user._ps_send_reset_password()
        else:
            user._ps_send_existing_account()
        return "sent"
