"""Readings of shop pages ("paste a link, get the article").

Each reading of an article page, by a customer filling the cart form or by
staff refreshing a line, is recorded here before the page is read. The
records are the rate limits' memory (kept in the database, not in a worker's
memory: several workers and servers count together, as the account requests
do) and hold the result until the customer adds the article to the cart,
when the line copies it (see personal.shopper.line.snapshot.mixin). They are
deleted after two days by Odoo's autovacuum.

The network side (address checks, redirects, deadline, size cap, parsing) is
in ../link_fetch.py, which never touches the database: the transaction is
ended before the page is read, so that none is held open while waiting on
the network.
"""

import base64
import io
import logging
from datetime import timedelta

from PIL import Image

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.modules import module as odoo_module
from odoo.tools import format_amount
from odoo.tools.image import IMAGE_MAX_RESOLUTION, image_process

from .. import link_fetch
from .personal_shopper_account_request import parse_limits

_logger = logging.getLogger(__name__)

# "count/seconds,...": at most `count` readings in `seconds`.
CUSTOMER_LIMITS_PARAM = "personal_shopper.link_fetch_customer_limits"
CUSTOMER_LIMITS = "6/60,60/3600,200/86400"
GLOBAL_LIMITS_PARAM = "personal_shopper.link_fetch_global_limits"
GLOBAL_LIMITS = "60/60,1000/3600"
# seconds for a whole reading (page and picture)
DEADLINE_PARAM = "personal_shopper.link_fetch_deadline"
DEADLINE = 8.0
# TESTS ONLY: "ip:port,..." reachable despite the address rules; read only
# while Odoo runs its tests (odoo.modules.module.current_test), never else.
TEST_ORIGINS_PARAM = "personal_shopper.link_fetch_test_origins"
KEEP_DAYS = 2
IMAGE_SIZE = 1024
LOCK_NAMESPACE = 1_780_422  # pg_advisory_xact_lock(namespace, key)
IMAGE_MAGICS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


def process_image(data):
    """The article's picture re-encoded by Odoo's image tools (JPEG, at most
    IMAGE_SIZE pixels wide and high): never kept or shown as fetched. JPEG,
    PNG, GIF and WebP only (no SVG: it may carry scripts). Raises
    ValueError (or Odoo's UserError) for anything else: the article is then
    kept without its picture."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        # image_process leaves WebP untouched: decode it here first
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > IMAGE_MAX_RESOLUTION:
            raise ValueError("picture too large")
        stream = io.BytesIO()
        image.convert("RGB").save(stream, format="PNG")
        data = stream.getvalue()
    elif not data.startswith(IMAGE_MAGICS):
        raise ValueError("not a JPEG, PNG, GIF or WebP picture")
    return image_process(
        data,
        size=(IMAGE_SIZE, IMAGE_SIZE),
        verify_resolution=True,
        quality=85,
        output_format="JPEG",
    )


class PersonalShopperLinkFetch(models.Model):
    _name = "personal.shopper.link.fetch"
    _description = "Reading of an article page"
    _order = "id desc"
    _rec_name = "url"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, ondelete="cascade", readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Read by", readonly=True, ondelete="set null"
    )
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    kind = fields.Selection(
        [("portal", "Customer's cart form"), ("staff", "Staff refresh")],
        required=True,
        default="portal",
        readonly=True,
    )
    url = fields.Char(string="Link", readonly=True)
    state = fields.Selection(
        [("pending", "Reading"), ("done", "Read"), ("failed", "Not read")],
        default="pending",
        required=True,
        readonly=True,
    )
    error_code = fields.Char(string="Why not read", readonly=True)
    title = fields.Char(string="Name on the shop", readonly=True)
    price = fields.Float(
        string="Price on the shop", digits="Product Price", readonly=True
    )
    has_price = fields.Boolean(string="Price stated", readonly=True)
    currency = fields.Char(
        string="Currency on the shop",
        readonly=True,
        help="ISO code as stated by the page.",
    )
    availability = fields.Selection(
        [("in_stock", "In stock"), ("out_of_stock", "Out of stock")], readonly=True
    )
    sizes = fields.Char(readonly=True)
    colors = fields.Char(string="Colours", readonly=True)
    image = fields.Image(
        string="Picture on the shop",
        max_width=IMAGE_SIZE,
        max_height=IMAGE_SIZE,
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _ps_policy(self, company=None):
        """The link_fetch.FetchPolicy of ``company`` (its allowed and blocked
        domains) and of the system parameters."""
        company = company or self.env.company
        ICP = self.env["ir.config_parameter"].sudo()
        try:
            deadline = float(ICP.get_param(DEADLINE_PARAM, DEADLINE))
        except ValueError:
            deadline = DEADLINE
        deadline = min(max(deadline, 1.0), 30.0)
        test_origins = set()
        if odoo_module.current_test:
            for origin in (ICP.get_param(TEST_ORIGINS_PARAM) or "").split(","):
                ip, _sep, port = origin.strip().rpartition(":")
                if ip and port.isdigit():
                    test_origins.add((ip, int(port)))
        return link_fetch.FetchPolicy(
            allowed_domains=link_fetch.parse_domains(
                company.ps_link_fetch_allowed_domains
            ),
            blocked_domains=link_fetch.parse_domains(
                company.ps_link_fetch_blocked_domains
            ),
            test_origins=frozenset(test_origins),
            offline=bool(odoo_module.current_test),
            deadline=deadline,
            connect_timeout=min(3.0, deadline),
            read_timeout=min(3.0, deadline),
        )

    # ------------------------------------------------------------------
    # Rate limits
    # ------------------------------------------------------------------
    @api.model
    def _ps_over_limit(self, domain, param, default):
        limits = parse_limits(
            self.env["ir.config_parameter"].sudo().get_param(param, default)
        )
        now = fields.Datetime.now()
        readings = self.sudo()
        return any(
            readings.search_count(
                domain + [("create_date", ">=", now - timedelta(seconds=seconds))],
                limit=count,
            )
            >= count
            for count, seconds in limits
        )

    @api.model
    def _ps_begin(self, url, partner=None, kind="portal", company=None):
        """Record a reading of ``url`` about to start, or raise a UserError
        when the customer (``partner``) or everybody together read too many
        pages lately. The reading counts whatever comes of it."""
        company = company or self.env.company
        if not company.ps_link_fetch_enabled:
            raise UserError(self._ps_error_message("disabled"))
        cr = self.env.cr
        # one start at a time, so that concurrent ones are counted (the lock
        # ends with the transaction, before the page is read)
        if partner:
            cr.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, partner.id)
            )
            if self._ps_over_limit(
                [("partner_id", "=", partner.id), ("kind", "=", "portal")],
                CUSTOMER_LIMITS_PARAM,
                CUSTOMER_LIMITS,
            ):
                _logger.info("Too many page readings by partner %s", partner.id)
                raise UserError(self._ps_error_message("rate_customer"))
        cr.execute("SELECT pg_advisory_xact_lock(%s, 0)", (LOCK_NAMESPACE,))
        if self._ps_over_limit([], GLOBAL_LIMITS_PARAM, GLOBAL_LIMITS):
            _logger.warning("Too many page readings: global limit reached")
            raise UserError(self._ps_error_message("rate_global"))
        return self.sudo().create(
            {
                "partner_id": partner.id if partner else False,
                "user_id": self.env.uid,
                "company_id": company.id,
                "kind": kind,
                "url": (url or "")[:2048],
            }
        )

    @api.model
    def _ps_end_transaction(self):
        """Commit what was done (the reading's record, which also releases the
        rate limit's lock) so that no transaction stays open while the page
        is read. Not while testing: the tests run in one transaction that
        they roll back."""
        if not odoo_module.current_test:
            # our own mechanism, on purpose: the reading's record must stay
            # (it is the rate limits' memory) and no transaction may wait on
            # the network
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def _ps_read(self, url, policy):
        """Read the page (no database access): (ArticleInfo, None) or (None,
        error code)."""
        try:
            return link_fetch.fetch_article(url, policy, process_image), None
        except link_fetch.FetchError as error:
            _logger.info("Article page %s not read: %s", url, error)
            return None, error.code
        except Exception:
            _logger.exception("Article page %s not read", url)
            return None, link_fetch.FAILED_CONNECTION

    def _ps_store(self, info, error_code):
        """Keep the result of the reading."""
        self.ensure_one()
        if error_code:
            self.sudo().write({"state": "failed", "error_code": error_code})
            return
        self.sudo().write(
            {
                "state": "done",
                "title": info.title or False,
                "price": info.price or 0.0,
                "has_price": info.price is not None,
                "currency": info.currency or False,
                "availability": info.availability or False,
                "sizes": ", ".join(info.sizes) or False,
                "colors": ", ".join(info.colors) or False,
                "image": base64.b64encode(info.image) if info.image else False,
            }
        )

    @api.model
    def _ps_fetch(self, url, partner=None, kind="portal", company=None):
        """Record, read and keep a reading of ``url``: the record (state done
        or failed). Raises a UserError (rate limits, disabled) before any
        network access."""
        company = company or self.env.company
        policy = self._ps_policy(company)
        reading = self._ps_begin(url, partner=partner, kind=kind, company=company)
        self._ps_end_transaction()
        info, error_code = self._ps_read(url, policy)
        reading._ps_store(info, error_code)
        return reading

    @api.model
    def _ps_portal_fetch(self, url):
        """The cart form's "paste a link": what the page states, as the
        form's values, or {"error": message}."""
        url = (url or "").strip()
        errors = self.env["sale.order.line"]._ps_validate_article(
            {"name": "-", "url": url, "quantity": 1}
        )
        if errors.get("url"):
            return {"error": errors["url"]}
        try:
            reading = self._ps_fetch(url, partner=self.env.user.partner_id)
        except UserError as error:
            return {"error": error.args[0]}
        if reading.state != "done":
            return {"error": self._ps_error_message(reading.error_code)}
        return reading._ps_form_values()

    def _ps_currency(self):
        """The active res.currency of the page's currency code, if any."""
        self.ensure_one()
        if not self.currency:
            return self.env["res.currency"]
        return (
            self.env["res.currency"]
            .sudo()
            .search([("name", "=", self.currency)], limit=1)
        )

    def _ps_form_values(self):
        self.ensure_one()
        currency = self._ps_currency()
        options = []
        if self.sizes:
            options.append(_("Sizes: %s", self.sizes))
        if self.colors:
            options.append(_("Colours: %s", self.colors))
        found = _("Read from the shop's page: check and correct what is needed.")
        if self.availability == "out_of_stock":
            found = _(
                "Read from the shop's page, which says the article is out of "
                "stock: check and correct what is needed."
            )
        return {
            "fetch_id": self.id,
            "title": self.title or "",
            "price": f"{self.price:.2f}".rstrip("0").rstrip(".")
            if self.has_price
            else "",
            "price_display": format_amount(self.env, self.price, currency)
            if self.has_price and currency
            else "",
            "currency": self.currency or "",
            "currency_id": currency.id or False,
            "availability": self.availability or "",
            "options": " — ".join(options),
            "image": self._ps_preview(),
            "message": found,
        }

    def _ps_preview(self):
        """The picture, small, as a data: URL for the cart form."""
        self.ensure_one()
        if not self.image:
            return ""
        preview = image_process(
            base64.b64decode(self.image),
            size=(256, 256),
            quality=80,
            output_format="JPEG",
        )
        return f"data:image/jpeg;base64,{base64.b64encode(preview).decode()}"

    @api.model
    def _ps_error_message(self, code):
        """What the customer (or staff) is told when a page cannot be read."""
        by_hand = _("Please fill in the article by hand.")
        messages = {
            "disabled": _("Reading the shop's page is turned off."),
            "rate_customer": _(
                "You read many shop pages in a short time: wait a few minutes."
            ),
            "rate_global": _("Too many shop pages are being read: try again later."),
            link_fetch.REFUSED_SCHEME: _("Only http:// and https:// links are read."),
            link_fetch.REFUSED_PORT: _(
                "This link uses an unusual port: it is not read."
            ),
            link_fetch.REFUSED_CREDENTIALS: _(
                "Links with a user name or password are not read."
            ),
            link_fetch.REFUSED_DOMAIN: _("We do not read pages of this website."),
            link_fetch.REFUSED_ADDRESS: _(
                "This link does not lead to a public website: it is not read."
            ),
            link_fetch.FAILED_DNS: _("This website could not be found."),
            link_fetch.FAILED_REDIRECTS: _(
                "The page sends us elsewhere too many times."
            ),
            link_fetch.FAILED_TIMEOUT: _("The shop's page took too long to answer."),
            link_fetch.FAILED_TOO_LARGE: _("The shop's page is too large to read."),
            link_fetch.FAILED_STATUS: _(
                "The shop refused to show us the page (it may block automatic reading)."
            ),
            link_fetch.FAILED_CONTENT: _("This link is not a web page."),
            link_fetch.FAILED_CONNECTION: _("The shop's website could not be reached."),
            link_fetch.FAILED_NO_DATA: _(
                "The page does not state the article's name or price in a way "
                "we can read."
            ),
        }
        message = messages.get(code) or _("The shop's page could not be read.")
        if code in ("disabled", "rate_global", "rate_customer"):
            return f"{message} {by_hand}"
        intro = _("We could not read this page:")
        return f"{intro} {message} {by_hand}"

    @api.autovacuum
    def _gc_ps_link_fetch(self):
        """Forget the readings older than KEEP_DAYS (the lines keep their own
        copy)."""
        self.sudo().search(
            [("create_date", "<", fields.Datetime.now() - timedelta(days=KEEP_DAYS))]
        ).unlink()
