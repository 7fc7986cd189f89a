from odoo import api, fields, models


class PersonalShopperPurchase(models.Model):
    """One order placed by the staff at a shop for a request: the shop's order
    number, what was actually paid to the shop and the articles it holds.
    Recorded at the "purchased" step (issues 10 and 14)."""

    _name = "personal.shopper.purchase"
    _description = "Personal Shopper Purchase at a Shop"
    _order = "date desc, id desc"

    order_id = fields.Many2one(
        "sale.order",
        string="Request",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_personal_shopper", "=", True)],
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    shop_id = fields.Many2one("personal.shopper.shop", string="Shop")
    name = fields.Char(
        string="Shop order number",
        required=True,
        help="The order number the shop gave (confirmation e-mail, account page).",
    )
    date = fields.Date(default=fields.Date.context_today, required=True)
    currency_id = fields.Many2one(
        "res.currency",
        string="Currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    amount_paid = fields.Monetary(
        string="Amount paid to the shop",
        help="What the shop actually charged (articles, shop's shipping, taxes), "
        "in the currency paid.",
    )
    line_ids = fields.One2many(
        "sale.order.line", "ps_purchase_id", string="Articles bought"
    )
    note = fields.Text()

    @api.depends("shop_id", "order_id")
    def _compute_currency_id(self):
        for purchase in self:
            if not purchase.currency_id:
                purchase.currency_id = (
                    purchase.shop_id.currency_id or purchase.order_id.currency_id
                )
