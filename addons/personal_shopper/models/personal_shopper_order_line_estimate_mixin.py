from odoo import _, fields, models
from odoo.tools import format_date


class PersonalShopperOrderLineEstimateMixin(models.AbstractModel):
    """What the customer accepted on the proforma, kept per line: the
    exchange rate of its shop's currency (and the date of that rate), its
    quantity and total. The final invoice page compares them with the
    actual ones (``sale.order._ps_estimate_vs_actual``). Once locked, the
    rate's date is the accepted one (``_ps_rate_date``, sale_order_line.py)."""

    _name = "personal.shopper.order.line.estimate.mixin"
    _description = "Personal Shopper Article Estimate"

    # the line's currency (sale.order.line's own field, declared for the
    # amounts below)
    currency_id = fields.Many2one("res.currency")

    ps_rate_locked_date = fields.Date(
        string="Rate locked on",
        copy=False,
        readonly=True,
        help="Date of the exchange rate the customer accepted with the proforma.",
    )
    ps_locked_exchange_rate = fields.Float(
        string="Locked exchange rate",
        digits=(12, 6),
        copy=False,
        readonly=True,
        help="Exchange rate of the shop's currency accepted with the proforma.",
    )
    ps_final_exchange_rate = fields.Float(
        string="Purchase day's exchange rate",
        digits=(12, 6),
        copy=False,
        readonly=True,
        help="Set when the company bills the final invoice at the rates of the "
        "purchase day.",
    )
    ps_final_rate_date = fields.Date(
        string="Purchase day's rate date", copy=False, readonly=True
    )
    ps_estimated = fields.Boolean(
        string="On the accepted proforma", copy=False, readonly=True
    )
    ps_estimate_qty = fields.Float(
        string="Estimated quantity",
        digits="Product Unit of Measure",
        copy=False,
        readonly=True,
    )
    ps_estimate_price_total = fields.Monetary(
        string="Estimated total",
        copy=False,
        readonly=True,
        help="The line's total (taxes included) on the accepted proforma.",
    )

    def _ps_lock_estimate(self, rate_dates):
        """Keep what the customer accepts: the rate of each article (and its
        date, ``rate_dates`` {line id: date} taken before the confirmation),
        its quantity and total."""
        for line in self:
            vals = {
                "ps_estimated": True,
                "ps_estimate_qty": line.product_uom_qty,
                "ps_estimate_price_total": line.price_total,
            }
            if line.ps_is_article and line.ps_shop_currency_id:
                vals.update(
                    {
                        "ps_locked_exchange_rate": line.ps_exchange_rate,
                        "ps_rate_locked_date": rate_dates.get(line.id)
                        or line._ps_rate_date(),
                    }
                )
            line.sudo().write(vals)

    def _ps_rate_text(self, rate, date):
        self.ensure_one()
        return _(
            "1 %(shop)s = %(rate)s %(order)s (%(date)s)",
            shop=self.ps_shop_currency_id.name,
            rate=format(rate, ".6g"),
            order=self.order_id.currency_id.name,
            date=format_date(self.env, date),
        )
