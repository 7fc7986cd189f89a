from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


def url_host(url):
    """Return the lower-case host of ``url`` without a leading ``www.``."""
    try:
        host = (urlsplit((url or "").strip()).hostname or "").lower()
    except ValueError:
        return ""
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
        """Return the partner shop whose domain matches the host of ``url``."""
        host = url_host(url)
        if not host:
            return self.browse()
        candidates = [host]
        parts = host.split(".")
        candidates += [".".join(parts[i:]) for i in range(1, len(parts) - 1)]
        shops = self.search([("domain", "in", candidates)])
        # the most specific domain wins
        return shops.sorted(lambda s: -len(s.domain))[:1]
