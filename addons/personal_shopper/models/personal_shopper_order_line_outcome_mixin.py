from odoo import api, fields, models
from odoo.tools import float_compare

ALTERNATIVE_MAX = 500
IF_UNAVAILABLE = [
    ("alternative", "Buy the alternative"),
    ("skip", "Skip the article"),
    ("cancel", "Cancel the whole request"),
]
# What the staff found when buying an article (issue 10).
OUTCOMES = [
    ("bought", "Bought as priced"),
    ("price_changed", "Bought at another price"),
    ("alternative", "Alternative bought"),
    ("unavailable", "Unavailable"),
    # bought, then received damaged or wrong and refunded at the customer's
    # choice (issue 11): no longer billed, like an unavailable article
    ("refunded_damaged", "Refunded (received damaged or wrong)"),
]


class PersonalShopperOrderLineOutcomeMixin(models.AbstractModel):
    """The customer's wishes for an article that cannot be bought as priced
    (an alternative, what to do if unavailable), and what the staff found
    when buying it (its outcome, the price actually paid).

    sale_order_line.py extends the article's checks and values with the
    wishes, and overrides Odoo's ``write`` (a new price asks for a new answer)
    and ``_get_downpayment_line_price_unit`` (the deposit kept)."""

    _name = "personal.shopper.order.line.outcome.mixin"
    _description = "Personal Shopper Article Outcome"

    ps_alternative = fields.Char(
        string="Alternative",
        help="Other size, colour or link the customer accepts instead.",
    )
    ps_if_unavailable = fields.Selection(
        IF_UNAVAILABLE,
        string="If unavailable",
        help="What the customer asked us to do if the article cannot be bought.",
    )
    ps_outcome = fields.Selection(
        OUTCOMES,
        string="Outcome",
        copy=False,
        help="What happened when buying the article; every article needs one "
        "before the request is marked purchased.",
    )
    ps_bought_price_unit = fields.Float(
        string="Unit price bought",
        digits="Product Price",
        copy=False,
        help="Unit price actually paid, in the request's currency (another "
        "price or the alternative's). Empty: the price of the proforma.",
    )
    ps_quoted_price_unit = fields.Float(
        string="Unit price quoted",
        digits="Product Price",
        copy=False,
        readonly=True,
        help="The proforma's unit price, kept when the purchase changed it.",
    )
    ps_quoted_qty = fields.Float(
        string="Quantity quoted",
        copy=False,
        readonly=True,
        digits="Product Unit of Measure",
    )
    ps_price_acceptance = fields.Selection(
        [
            ("pending", "Awaiting the customer"),
            ("accepted", "Accepted by the customer"),
            ("refused", "Refused by the customer"),
        ],
        string="New price",
        copy=False,
        readonly=True,
    )
    ps_price_answer_date = fields.Datetime(
        string="New price answered on", copy=False, readonly=True
    )
    ps_purchase_id = fields.Many2one(
        "personal.shopper.purchase",
        string="Shop order",
        copy=False,
        index="btree_not_null",
        domain="[('order_id', '=', order_id)]",
    )
    ps_needs_acceptance = fields.Boolean(
        string="New price to accept",
        compute="_compute_ps_needs_acceptance",
        help="The price bought is above the price rise the customer accepted.",
    )
    ps_is_bought = fields.Boolean(
        string="Bought", compute="_compute_ps_needs_acceptance"
    )

    def _ps_price_before_purchase(self):
        """The unit price of the proforma (the line's, until the purchase is
        applied)."""
        self.ensure_one()
        return self.ps_quoted_price_unit or self.price_unit

    def _ps_price_bought(self):
        self.ensure_one()
        if self.ps_outcome in ("price_changed", "alternative") and (
            self.ps_bought_price_unit
        ):
            return self.ps_bought_price_unit
        return self._ps_price_before_purchase()

    @api.depends(
        "ps_outcome",
        "ps_bought_price_unit",
        "ps_quoted_price_unit",
        "price_unit",
        "ps_price_acceptance",
        "order_id.company_id.ps_price_tolerance_percent",
    )
    def _compute_ps_needs_acceptance(self):
        for line in self:
            quoted = line._ps_price_before_purchase()
            tolerance = line.order_id.company_id.ps_price_tolerance_percent or 0.0
            line.ps_needs_acceptance = bool(
                line.ps_is_article
                and line.ps_outcome in ("price_changed", "alternative")
                and line.ps_bought_price_unit
                and float_compare(
                    line.ps_bought_price_unit,
                    quoted * (1 + tolerance / 100.0),
                    precision_rounding=line.order_id.currency_id.rounding or 0.01,
                )
                > 0
            )
            line.ps_is_bought = bool(
                line.ps_is_article
                and line.ps_outcome in ("bought", "price_changed", "alternative")
                and not (
                    line.ps_needs_acceptance and line.ps_price_acceptance != "accepted"
                )
            )

    # ------------------------------------------------------------------
    # Cart: the customer's wishes
    # ------------------------------------------------------------------

    def _ps_if_unavailable(self):
        """What to do if this article cannot be bought: the customer's choice,
        else the company's default ("buy the alternative" needs one)."""
        self.ensure_one()
        choice = (
            self.ps_if_unavailable or self.order_id.company_id.ps_default_if_unavailable
        )
        if choice == "alternative" and not self.ps_alternative:
            return "skip"
        return choice or "skip"

    # ------------------------------------------------------------------
    # Staff: the purchase
    # ------------------------------------------------------------------

    def _ps_not_bought_lines(self):
        return self.filtered(
            lambda line: (
                line.ps_is_article
                and line.ps_outcome
                and line.ps_quoted_qty
                and not line.product_uom_qty
            )
        )

    @api.onchange("ps_outcome")
    def _onchange_ps_outcome(self):
        for line in self:
            if line.ps_outcome in ("bought", "unavailable"):
                line.ps_bought_price_unit = 0.0
            elif not line.ps_bought_price_unit:
                line.ps_bought_price_unit = line._ps_price_before_purchase()
