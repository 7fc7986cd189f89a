from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# What a browser drops from a typed address (WHATWG URL standard): ASCII tab
# and newlines anywhere, C0 controls and spaces at both ends.
_URL_REMOVED = str.maketrans("", "", "\t\n\r")
_URL_STRIPPED = "".join(chr(code) for code in range(0x21))


def browser_url_parts(url):
    """Split ``url`` as a browser reads it (WHATWG URL standard), not as
    ``urlsplit`` alone would: for http(s) a backslash is a slash, so that
    ``https://evil.example\\@shop.example/`` opens evil.example, whose path
    starts with ``/@shop.example``. Return a ``SplitResult``, or None when the
    address cannot be parsed."""
    url = (url or "").strip(_URL_STRIPPED).translate(_URL_REMOVED)
    scheme = url.partition(":")[0].lower()
    if scheme in ("http", "https"):
        url = url.replace("\\", "/")
    try:
        parts = urlsplit(url)
        _port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None
    return parts


def url_has_credentials(url):
    """Whether ``url`` carries a user name or password (``user:pass@host``),
    as a browser reads it."""
    parts = browser_url_parts(url)
    return bool(parts and "@" in parts.netloc)


def url_host(url):
    """Return the lower-case host of ``url``, as a browser would open it,
    without a leading ``www.``. Addresses with credentials have no host here:
    they are never credited to a shop."""
    parts = browser_url_parts(url)
    if not parts or "@" in parts.netloc:
        return ""
    host = (parts.hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


class PersonalShopperShop(models.Model):
    _name = "personal.shopper.shop"
    _description = "Partner Shop"
    _order = "sequence, name"

    name = fields.Char(required=True)
    url = fields.Char(string="Website", required=True)
    domain = fields.Char(
        compute="_compute_domain",
        store=True,
        index=True,
        help="Host name of the website, used to recognise the shop of an article.",
    )
    logo = fields.Image(max_width=512, max_height=512)
    category_id = fields.Many2one("personal.shopper.shop.category")
    country_id = fields.Many2one("res.country")
    currency_id = fields.Many2one(
        "res.currency",
        string="Shop currency",
        help="Currency in which the shop displays its prices.",
    )
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    @api.depends("url")
    def _compute_domain(self):
        for shop in self:
            shop.domain = url_host(shop.url) or False

    @api.constrains("url")
    def _check_url(self):
        for shop in self:
            parts = urlsplit(shop.url.strip())
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValidationError(
                    _(
                        "The website of %(shop)s must be an http(s) address.",
                        shop=shop.name,
                    )
                )

    @api.model
    def _match_url(self, url):
        """Return the partner shop whose domain matches the host of ``url``,
        the host a browser opens (see ``browser_url_parts``)."""
        host = url_host(url)
        if not host:
            return self.browse()
        candidates = [host]
        parts = host.split(".")
        candidates += [".".join(parts[i:]) for i in range(1, len(parts) - 1)]
        shops = self.search([("domain", "in", candidates)])
        # the most specific domain wins
        return shops.sorted(lambda s: -len(s.domain))[:1]
