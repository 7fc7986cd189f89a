from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from .personal_shopper_order_line_outcome_mixin import ALTERNATIVE_MAX, IF_UNAVAILABLE
from .personal_shopper_order_staff_mixin import PS_MAX_AMOUNT, PS_MAX_EXCHANGE_RATE
from .personal_shopper_shop import browser_url_parts, url_has_credentials

ARTICLE_NAME_MAX = 200
ARTICLE_URL_MAX = 2048
ARTICLE_DETAILS_MAX = 1000
ARTICLE_QTY_MIN = 1
ARTICLE_QTY_MAX = 999


class SaleOrderLine(models.Model):
    """A line of a personal-shopper request: an article of a shop, priced by
    staff from its shop price and exchange rate.

    Its other responsibilities are abstract mixins: the article's outcome at
    the purchase, the estimate the customer accepted, the snapshot of the
    article's page. Overrides of Odoo's own sale.order.line methods, and of
    this file's methods, live here: listed after "sale.order.line" in
    ``_inherit``, the mixins come after these classes in the MRO.
    """

    _name = "sale.order.line"
    _inherit = [
        "sale.order.line",
        # the customer's wishes and what was bought (issue 10)
        "personal.shopper.order.line.outcome.mixin",
        # the rate, quantity and total the customer accepted
        "personal.shopper.order.line.estimate.mixin",
        # the snapshot of the article's page (issue 13: autofill)
        "personal.shopper.line.snapshot.mixin",
    ]

    ps_is_article = fields.Boolean(string="Remote article", copy=True, readonly=True)
    ps_article_name = fields.Char(string="Article")
    ps_article_url = fields.Char(string="Article link")
    ps_article_details = fields.Text(
        string="Article details",
        help="Size, colour, variant… as given by the customer.",
    )
    ps_shop_id = fields.Many2one(
        "personal.shopper.shop", string="Shop", index="btree_not_null"
    )
    ps_shop_currency_id = fields.Many2one("res.currency", string="Shop currency")
    ps_shop_price_unit = fields.Float(
        string="Shop price",
        digits="Product Price",
        help="Unit price in the shop's currency, as seen on the shop.",
    )
    # Odoo's rate of the shop's currency, taken when the currency is set (at
    # the line's creation from its shop, or when staff change it), not at
    # each change of the order's date: a price once quoted stays. Staff may
    # type another rate.
    ps_exchange_rate = fields.Float(
        string="Exchange rate",
        digits=(12, 6),
        compute="_compute_ps_exchange_rate",
        store=True,
        readonly=False,
        precompute=True,
        help="Units of the order's currency for one unit of the shop's currency "
        "(Odoo's rate of the order's date), which staff may change.",
    )
    ps_exchange_rate_label = fields.Char(
        string="Rate used", compute="_compute_ps_exchange_rate_label"
    )

    @api.model
    def _ps_validate_article(self, values):
        """Check the customer's input for an article. Return {field: message}."""
        errors = {}
        name = (values.get("name") or "").strip()
        if not name:
            errors["name"] = _("Give the name of the article.")
        elif len(name) > ARTICLE_NAME_MAX:
            errors["name"] = _(
                "The name is too long (%s characters at most).", ARTICLE_NAME_MAX
            )
        url = (values.get("url") or "").strip()
        if not url:
            errors["url"] = _("Give the link to the article.")
        elif len(url) > ARTICLE_URL_MAX:
            errors["url"] = _(
                "The link is too long (%s characters at most).", ARTICLE_URL_MAX
            )
        else:
            # judged as the browser that opens it reads it, not as urlsplit does
            parts = browser_url_parts(url)
            valid = bool(
                parts and parts.scheme.lower() in ("http", "https") and parts.hostname
            )
            if not valid or any(c.isspace() or ord(c) < 32 for c in url):
                errors["url"] = _(
                    "The link must be a web address starting with http:// or https://."
                )
            elif url_has_credentials(url):
                errors["url"] = _(
                    "The link must not contain a user name or password: copy the "
                    "address of the article page."
                )
        quantity = values.get("quantity")
        try:
            quantity_value = float(quantity)
            valid_quantity = quantity_value.is_integer() and (
                ARTICLE_QTY_MIN <= quantity_value <= ARTICLE_QTY_MAX
            )
        except (TypeError, ValueError, OverflowError):
            valid_quantity = False
        if not valid_quantity:
            errors["quantity"] = _(
                "The quantity must be a whole number between %(min)s and %(max)s.",
                min=ARTICLE_QTY_MIN,
                max=ARTICLE_QTY_MAX,
            )
        details = values.get("details") or ""
        if len(details) > ARTICLE_DETAILS_MAX:
            errors["details"] = _(
                "The details are too long (%s characters at most).", ARTICLE_DETAILS_MAX
            )
        # the shop price and currency of the cart form (autofill)
        errors.update(self._ps_validate_autofill(values))
        # the customer's wishes if the article cannot be bought (outcome mixin)
        if len(values.get("alternative") or "") > ALTERNATIVE_MAX:
            errors["alternative"] = _(
                "The alternative is too long (%s characters at most).", ALTERNATIVE_MAX
            )
        choice = values.get("if_unavailable")
        if choice and choice not in dict(IF_UNAVAILABLE):
            errors["if_unavailable"] = _("Choose what to do if it is unavailable.")
        return errors

    @api.model
    def _ps_prepare_article_line(self, order, values):
        name = values["name"].strip()
        url = values["url"].strip()
        details = (values.get("details") or "").strip()
        shop = self.env["personal.shopper.shop"].sudo()._match_url(url)
        product = self.env.ref("personal_shopper.product_remote_article")
        vals = {
            "order_id": order.id,
            "product_id": product.id,
            "ps_is_article": True,
            "ps_article_name": name,
            "ps_article_url": url,
            "ps_article_details": details or False,
            "ps_shop_id": shop.id,
            "ps_shop_currency_id": shop.currency_id.id,
            "name": self._ps_line_description(name, details),
            "product_uom_qty": int(float(values["quantity"])),
            "price_unit": 0.0,
            # what the shop's page stated, and the shop price (autofill)
            **self._ps_snapshot_line_values(order, values),
        }
        # the customer's wishes if the article cannot be bought (outcome mixin)
        vals["ps_alternative"] = (values.get("alternative") or "").strip() or False
        vals["ps_if_unavailable"] = (
            values.get("if_unavailable") or order.company_id.ps_default_if_unavailable
        )
        return vals

    @api.model
    def _ps_line_description(self, name, details):
        return f"{name}\n{details}" if details else name

    @api.constrains(
        "ps_is_article",
        "ps_article_name",
        "ps_article_url",
        "ps_article_details",
        "product_uom_qty",
    )
    def _check_ps_article(self):
        # an article not bought stays on the order at a quantity of 0 (not
        # billed; its quantity quoted is kept): no longer the customer's input
        # (outcome mixin)
        for line in (self - self._ps_not_bought_lines()).filtered("ps_is_article"):
            errors = self._ps_validate_article(
                {
                    "name": line.ps_article_name,
                    "url": line.ps_article_url,
                    "quantity": line.product_uom_qty,
                    "details": line.ps_article_details,
                }
            )
            if errors:
                raise ValidationError("\n".join(errors.values()))

    def _ps_update_article(self, values):
        """Customer edit of an article of their cart (quantity, details)."""
        self.ensure_one()
        self.order_id._ps_check_cart()
        merged = {
            "name": values.get("name", self.ps_article_name),
            "url": values.get("url", self.ps_article_url),
            "quantity": values.get("quantity", self.product_uom_qty),
            "details": values.get("details", self.ps_article_details),
        }
        errors = self._ps_validate_article(merged)
        if errors:
            raise ValidationError("\n".join(errors.values()))
        name, details = merged["name"].strip(), (merged["details"] or "").strip()
        self.sudo().write(
            {
                "ps_article_name": name,
                "ps_article_url": merged["url"].strip(),
                "ps_article_details": details or False,
                "product_uom_qty": int(float(merged["quantity"])),
                "name": self._ps_line_description(name, details),
            }
        )

    def _ps_rate_date(self):
        self.ensure_one()
        # once accepted, the rate's date is the one accepted, not the order's
        # date (which Odoo moves to the confirmation; estimate mixin)
        if self.ps_rate_locked_date:
            return self.ps_rate_locked_date
        return (self.order_id.date_order or fields.Datetime.now()).date()

    @api.depends("ps_shop_currency_id", "order_id.currency_id")
    def _compute_ps_exchange_rate(self):
        for line in self:
            order_currency = line.order_id.currency_id
            if not line.ps_shop_currency_id or not order_currency:
                line.ps_exchange_rate = 0.0
                continue
            line.ps_exchange_rate = line.ps_shop_currency_id._convert(
                1.0,
                order_currency,
                line.order_id.company_id or self.env.company,
                line._ps_rate_date(),
                round=False,
            )

    @api.depends("ps_shop_currency_id", "ps_exchange_rate", "order_id.currency_id")
    def _compute_ps_exchange_rate_label(self):
        for line in self:
            if not line.ps_shop_currency_id or not line.ps_exchange_rate:
                line.ps_exchange_rate_label = False
                continue
            line.ps_exchange_rate_label = _(
                "1 %(shop)s = %(rate)s %(order)s (%(date)s)",
                shop=line.ps_shop_currency_id.name,
                rate=format(line.ps_exchange_rate, ".6g"),
                order=line.order_id.currency_id.name,
                date=format_date(self.env, line._ps_rate_date()),
            )

    @api.onchange("ps_shop_price_unit", "ps_exchange_rate")
    def _onchange_ps_shop_price(self):
        for line in self:
            if line.ps_shop_price_unit and line.ps_exchange_rate:
                line.price_unit = line.order_id.currency_id.round(
                    line.ps_shop_price_unit * line.ps_exchange_rate
                )

    def _compute_price_unit(self):
        # Articles are priced by hand by staff: never let the pricelist reset them.
        return super(
            SaleOrderLine, self.filtered(lambda line: not line.ps_is_article)
        )._compute_price_unit()

    # ------------------------------------------------------------------
    # staffday: amounts typed by staff on a request's lines
    # ------------------------------------------------------------------
    @api.constrains(
        "price_unit",
        "product_uom_qty",
        "discount",
        "ps_shop_price_unit",
        "ps_exchange_rate",
    )
    def _check_ps_staff_amounts(self):
        # same: a quantity of 0 is how an article not bought is left unbilled
        # (outcome mixin)
        for line in (self - self._ps_not_bought_lines()).filtered(
            lambda line: (
                line.order_id.is_personal_shopper
                and not line.display_type
                and not line.is_downpayment
            )
        ):
            label = line.ps_article_name or line.product_id.display_name or line.name
            if line.price_unit < 0 or line.ps_shop_price_unit < 0:
                raise ValidationError(_("The price of “%s” cannot be negative.", label))
            if line.product_uom_qty <= 0:
                raise ValidationError(
                    _("The quantity of “%s” must be positive.", label)
                )
            if line.ps_exchange_rate < 0:
                raise ValidationError(
                    _("The exchange rate of “%s” cannot be negative.", label)
                )
            if not 0.0 <= line.discount <= 100.0:
                raise ValidationError(
                    _("The discount of “%s” must be between 0 and 100 %%.", label)
                )
            if (
                max(line.price_unit, line.ps_shop_price_unit) > PS_MAX_AMOUNT
                or line.ps_exchange_rate > PS_MAX_EXCHANGE_RATE
                or line.product_uom_qty > PS_MAX_AMOUNT
            ):
                raise ValidationError(
                    _(
                        "The amounts of “%s” are not plausible: check the price, "
                        "the quantity and the exchange rate.",
                        label,
                    )
                )

    # ------------------------------------------------------------------
    # Articles' outcomes (outcome mixin): Odoo's write and down payment
    # ------------------------------------------------------------------
    def write(self, vals):
        # the customer answered for a price: another price or outcome asks
        # for a new answer
        if {"ps_outcome", "ps_bought_price_unit"} & set(vals) and not (
            self.env.context.get("ps_flow")
        ):
            if self.filtered(
                lambda line: (
                    line.ps_is_article
                    and line.order_id.ps_stage
                    and line.order_id.ps_stage != "confirmed"
                )
            ):
                raise UserError(
                    _(
                        "What was bought is recorded while the request is "
                        "confirmed, before it is marked purchased."
                    )
                )
            answered = self.filtered("ps_price_acceptance")
            result = super().write(vals)
            answered.with_context(ps_flow=True).write(
                {"ps_price_acceptance": False, "ps_price_answer_date": False}
            )
            return result
        return super().write(vals)

    def _get_downpayment_line_price_unit(self, invoices):
        """The deposit kept: the deposit invoiced less the partial credit
        notes of the deposit given back for articles not bought (unlinked
        from this line, see sale.order's _ps_partial_credit_note)."""
        price = super()._get_downpayment_line_price_unit(invoices)
        order = self.order_id
        if not (self.is_downpayment and order.is_personal_shopper):
            return price
        deposit_lines = self.invoice_lines.filtered(
            lambda line: (
                line.move_id.state == "posted"
                and line.move_id.move_type == "out_invoice"
            )
        )
        credit_notes = order.sudo().ps_refund_move_ids.filtered(
            lambda move: (
                move.state == "posted"
                and move.move_type == "out_refund"
                and move.reversed_entry_id in deposit_lines.move_id
                and move not in invoices
            )
        )
        for line in credit_notes.invoice_line_ids:
            if (
                line.is_downpayment
                and not line.sale_line_ids
                and line.tax_ids == deposit_lines.tax_ids
            ):
                price -= line.price_unit
        return price
