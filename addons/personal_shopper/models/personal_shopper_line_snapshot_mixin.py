"""What the shop's page stated about an article line: its snapshot.

The customer's cart form reads the page when a link is pasted (see
personal.shopper.link.fetch); the line added keeps what was read (title,
price, currency, picture re-encoded, availability, time of reading), and the
shop price the customer confirmed or corrected. Staff see the snapshot next
to the link when pricing and may read the page again before buying: the
reading runs in a queued job (the cron ``ir_cron_ps_refresh_snapshots``,
triggered by the button), which posts what changed on the request.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from .. import link_fetch

_logger = logging.getLogger(__name__)

SHOP_PRICE_MAX = link_fetch.PRICE_MAX
REFRESH_BATCH = 20
# a reading is used for the cart line if the article is added within this time
USABLE_HOURS = 24


class PersonalShopperLineSnapshotMixin(models.AbstractModel):
    _name = "personal.shopper.line.snapshot.mixin"
    _description = "Personal Shopper Article Page Snapshot"

    ps_fetch_title = fields.Char(string="Name on the shop", copy=False, readonly=True)
    ps_fetch_price = fields.Float(
        string="Price on the shop", digits="Product Price", copy=False, readonly=True
    )
    ps_fetch_has_price = fields.Boolean(
        string="Price stated by the shop", copy=False, readonly=True
    )
    ps_fetch_currency = fields.Char(
        string="Currency on the shop", copy=False, readonly=True
    )
    ps_fetch_availability = fields.Selection(
        [("in_stock", "In stock"), ("out_of_stock", "Out of stock")],
        string="Availability on the shop",
        copy=False,
        readonly=True,
    )
    ps_fetch_options = fields.Char(
        string="Options on the shop",
        copy=False,
        readonly=True,
        help="Sizes and colours listed by the shop's page.",
    )
    ps_fetch_image = fields.Image(
        string="Picture on the shop",
        max_width=1024,
        max_height=1024,
        copy=False,
        readonly=True,
    )
    ps_fetch_image_128 = fields.Image(
        string="Picture",
        related="ps_fetch_image",
        max_width=128,
        max_height=128,
        store=True,
    )
    ps_fetch_date = fields.Datetime(string="Read on", copy=False, readonly=True)
    ps_fetch_error = fields.Char(
        string="Last reading",
        copy=False,
        readonly=True,
        help="Why the shop's page could not be read the last time.",
    )
    ps_fetch_refresh_requested = fields.Boolean(
        string="To read again", copy=False, readonly=True, index=True
    )
    ps_shop_price_origin = fields.Char(
        string="Shop price from", compute="_compute_ps_shop_price_origin"
    )

    @api.depends(
        "ps_shop_price_unit",
        "ps_shop_currency_id",
        "ps_fetch_price",
        "ps_fetch_has_price",
        "ps_fetch_currency",
        "ps_fetch_date",
    )
    def _compute_ps_shop_price_origin(self):
        for line in self:
            if not line.ps_shop_price_unit:
                line.ps_shop_price_origin = False
            elif (
                line.ps_fetch_date
                and line.ps_fetch_has_price
                and line.ps_shop_currency_id.name == line.ps_fetch_currency
                and abs(line.ps_shop_price_unit - line.ps_fetch_price) < 1e-6
            ):
                line.ps_shop_price_origin = _(
                    "From the shop on %s",
                    format_datetime(self.env, line.ps_fetch_date, dt_format="short"),
                )
            else:
                line.ps_shop_price_origin = _("Given by the customer")

    # ------------------------------------------------------------------
    # Cart form
    # ------------------------------------------------------------------
    @api.model
    def _ps_autofill_form_values(self, form):
        """The cart form's fields filled from the shop's page (or typed)."""
        return {
            "fetch_id": (form.get("fetch_id") or "")[:20],
            "shop_price": (form.get("shop_price") or "")[:32],
            "shop_currency": (form.get("shop_currency") or "")[:20],
        }

    @api.model
    def _ps_validate_autofill(self, values):
        """{field: message} of the shop price and currency of the cart form."""
        errors = {}
        price = (values.get("shop_price") or "").strip()
        if price:
            value = link_fetch.parse_price(price)
            if value is None or value > SHOP_PRICE_MAX:
                errors["shop_price"] = _(
                    "Give the price as a number, e.g. 49.90 (or leave it empty)."
                )
        currency = (values.get("shop_currency") or "").strip()
        if currency and not (
            currency.isdigit()
            and self.env["res.currency"].sudo().browse(int(currency)).exists()
        ):
            errors["shop_currency"] = _("Choose a currency from the list.")
        return errors

    @api.model
    def _ps_snapshot_line_values(self, order, values):
        """sale.order.line values of the cart form's shop price and of the
        reading of the article's page (if the customer's, of this link, and
        recent). What the customer typed wins over what was read."""
        line_values = {}
        Reading = self.env["personal.shopper.link.fetch"].sudo()
        reading = Reading.browse()
        fetch_id = (values.get("fetch_id") or "").strip()
        if fetch_id.isdigit():
            reading = Reading.search(
                [
                    ("id", "=", int(fetch_id)),
                    ("partner_id", "=", order.partner_id.id),
                    ("state", "=", "done"),
                    ("url", "=", (values.get("url") or "").strip()),
                    (
                        "create_date",
                        ">=",
                        fields.Datetime.subtract(
                            fields.Datetime.now(), hours=USABLE_HOURS
                        ),
                    ),
                ],
                limit=1,
            )
        if reading:
            line_values.update(self._ps_reading_values(reading))
        currency = self.env["res.currency"]
        typed_currency = (values.get("shop_currency") or "").strip()
        if typed_currency.isdigit():
            currency = currency.sudo().browse(int(typed_currency)).exists()
        if not currency and reading:
            currency = reading._ps_currency()
        if not currency and not (reading and reading.currency):
            # the page states no currency: the shop's, if it is a partner shop
            currency = (
                self.env["personal.shopper.shop"]
                .sudo()
                ._match_url(values.get("url") or "")
                .currency_id
            )
        typed_price = (values.get("shop_price") or "").strip()
        price = link_fetch.parse_price(typed_price) if typed_price else None
        if price is None and reading and reading.has_price:
            price = reading.price
        if currency:
            line_values["ps_shop_currency_id"] = currency.id
        # a price in a currency Odoo does not know (not active) is left to
        # staff: the snapshot keeps it with its currency code
        if price and currency:
            line_values["ps_shop_price_unit"] = price
            # the starting unit price of the proforma: the shop's price at the
            # rate of the shop's currency (staff check it when pricing)
            if order.currency_id:
                rate = currency._convert(
                    1.0,
                    order.currency_id,
                    order.company_id or self.env.company,
                    (order.date_order or fields.Datetime.now()).date(),
                    round=False,
                )
                line_values["price_unit"] = order.currency_id.round(price * rate)
        return line_values

    @api.model
    def _ps_reading_values(self, reading):
        options = " — ".join(
            text
            for text in (
                reading.sizes and _("Sizes: %s", reading.sizes),
                reading.colors and _("Colours: %s", reading.colors),
            )
            if text
        )
        return {
            "ps_fetch_title": reading.title or False,
            "ps_fetch_price": reading.price,
            "ps_fetch_has_price": reading.has_price,
            "ps_fetch_currency": reading.currency or False,
            "ps_fetch_availability": reading.availability or False,
            "ps_fetch_options": options or False,
            "ps_fetch_image": reading.image or False,
            "ps_fetch_date": reading.create_date,
            "ps_fetch_error": False,
        }

    # ------------------------------------------------------------------
    # Staff refresh
    # ------------------------------------------------------------------
    def action_ps_refresh_snapshot(self):
        """Read the shop's page of these articles again (queued: the page is
        read by a job, which posts what changed on the request)."""
        if not (
            self.env.su
            or self.env.user.has_group("personal_shopper.group_personal_shopper_user")
        ):
            raise AccessError(
                _("Only the personal shopper team can read the shop's pages again.")
            )
        lines = self.filtered(lambda line: line.ps_is_article and line.ps_article_url)
        lines.sudo().write({"ps_fetch_refresh_requested": True})
        self.env.ref("personal_shopper.ir_cron_ps_refresh_snapshots").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "The shop's page is being read again: the line and the "
                    "request's chatter show the result in a moment."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_ps_refresh_snapshots(self):
        """Read again the pages of the lines whose refresh was asked, one at
        a time, committing around each reading: no transaction is held open
        while waiting on the network."""
        Reading = self.env["personal.shopper.link.fetch"]
        lines = self.sudo().search(
            [("ps_fetch_refresh_requested", "=", True)], limit=REFRESH_BATCH, order="id"
        )
        for line_id in lines.ids:
            line = self.sudo().browse(line_id)
            company = line.order_id.company_id
            url = line.ps_article_url
            try:
                reading = Reading._ps_fetch(url, kind="staff", company=company)
            except UserError as error:  # rate limits, reading turned off
                line._ps_refresh_failed(error.args[0], url)
            else:
                line._ps_apply_refresh(reading)
            Reading._ps_end_transaction()
        if len(lines) == REFRESH_BATCH:
            self.env.ref("personal_shopper.ir_cron_ps_refresh_snapshots")._trigger()

    def _ps_refresh_failed(self, message, url):
        self.ensure_one()
        self.sudo().write(
            {"ps_fetch_refresh_requested": False, "ps_fetch_error": message}
        )
        self.order_id.sudo().message_post(
            body=_(
                "The shop's page of %(article)s could not be read again: %(reason)s",
                article=self.ps_article_name,
                reason=message,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _ps_apply_refresh(self, reading):
        """Keep the new reading and post what changed on the request."""
        self.ensure_one()
        Reading = self.env["personal.shopper.link.fetch"]
        if reading.state != "done":
            self._ps_refresh_failed(
                Reading._ps_error_message(reading.error_code), self.ps_article_url
            )
            return
        changes = self._ps_snapshot_changes(reading)
        self.sudo().write(
            {**self._ps_reading_values(reading), "ps_fetch_refresh_requested": False}
        )
        if changes:
            body = _(
                "The shop's page of %(article)s was read again: %(changes)s.",
                article=self.ps_article_name,
                changes="; ".join(changes),
            )
        else:
            body = _(
                "The shop's page of %(article)s was read again: nothing changed.",
                article=self.ps_article_name,
            )
        self.order_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    def _ps_snapshot_changes(self, reading):
        """What changed between the line's snapshot and ``reading``, in words."""
        self.ensure_one()
        changes = []
        old_price = self.ps_fetch_price if self.ps_fetch_has_price else None
        new_price = reading.price if reading.has_price else None
        old_currency = self.ps_fetch_currency or ""
        new_currency = reading.currency or ""

        def amount(value, currency):
            return f"{value:.2f} {currency}".strip()

        if new_price is not None and (
            old_price is None or old_currency != new_currency
        ):
            changes.append(_("price now %s", amount(new_price, new_currency)))
        elif new_price is not None and abs(new_price - old_price) > 1e-6:
            changes.append(
                _(
                    "price up from %(old)s to %(new)s",
                    old=amount(old_price, old_currency),
                    new=amount(new_price, new_currency),
                )
                if new_price > old_price
                else _(
                    "price down from %(old)s to %(new)s",
                    old=amount(old_price, old_currency),
                    new=amount(new_price, new_currency),
                )
            )
        elif new_price is None and old_price is not None:
            changes.append(_("the page no longer states a price"))
        if (reading.availability or False) != (self.ps_fetch_availability or False):
            if reading.availability == "out_of_stock":
                changes.append(_("now out of stock"))
            elif reading.availability == "in_stock":
                changes.append(_("back in stock"))
        if (
            reading.title
            and self.ps_fetch_title
            and reading.title != self.ps_fetch_title
        ):
            changes.append(_("name now “%s”", reading.title))
        return changes
