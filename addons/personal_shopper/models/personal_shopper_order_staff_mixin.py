from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import const

# Beyond these, an amount typed by staff is a typo (an extra zero, a price
# pasted in the quantity), not a purchase: refused with a clear message.
PS_MAX_AMOUNT = 1e9
PS_MAX_EXCHANGE_RATE = 1e6


class PersonalShopperOrderStaffMixin(models.AbstractModel):
    """What the staff's day needs on a request at a glance (kanban card,
    form): the customer's contacts, the age of the request, its shops, what
    is due and paid; the kanban's folded columns; the checks of the amounts
    staff type."""

    _name = "personal.shopper.order.staff.mixin"
    _description = "Personal Shopper Request Back Office"

    # sale.order's own fields, declared for the related fields below
    currency_id = fields.Many2one("res.currency")
    partner_id = fields.Many2one("res.partner")
    ps_partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    ps_partner_mobile = fields.Char(related="partner_id.mobile", string="Mobile")
    ps_partner_email = fields.Char(related="partner_id.email", string="E-mail")
    # the address the customer chose at checkout (until now only on the PDF)
    ps_delivery_address = fields.Text(
        string="Delivery address", compute="_compute_ps_delivery_address"
    )
    # When the customer asked for the proforma (the request's first stage in
    # its history): its age, and the grouping of the kanban by age.
    ps_request_date = fields.Datetime(
        string="Requested on",
        compute="_compute_ps_request_date",
        store=True,
        index=True,
    )
    ps_age_days = fields.Integer(
        string="Age (days)",
        compute="_compute_ps_age_days",
        help="Days since the customer asked for the proforma.",
    )
    # stored: the kanban and the list group requests by shop
    ps_shop_ids = fields.Many2many(
        "personal.shopper.shop",
        "sale_order_ps_shop_rel",
        "order_id",
        "shop_id",
        string="Shops",
        compute="_compute_ps_shop_ids",
        store=True,
    )
    ps_amount_paid = fields.Monetary(
        string="Paid", compute="_compute_ps_amounts", currency_field="currency_id"
    )
    ps_amount_due = fields.Monetary(
        string="Still due",
        compute="_compute_ps_amounts",
        currency_field="currency_id",
        help="What the customer still owes on the request: its total less what "
        "was paid on its invoices.",
    )

    @api.depends("partner_shipping_id")
    def _compute_ps_delivery_address(self):
        for order in self:
            shipping = order.partner_shipping_id
            order.ps_delivery_address = (
                shipping._display_address() if shipping else False
            )
            if shipping and shipping.name and shipping != order.partner_id:
                order.ps_delivery_address = (
                    f"{shipping.name}\n{order.ps_delivery_address}"
                )

    @api.depends("ps_stage_history_ids.date", "ps_stage_history_ids.stage")
    def _compute_ps_request_date(self):
        for order in self:
            dates = order.ps_stage_history_ids.filtered(
                lambda entry: entry.stage == "proforma_requested"
            ).mapped("date")
            order.ps_request_date = min(dates) if dates else False

    @api.depends("ps_request_date", "create_date")
    def _compute_ps_age_days(self):
        now = fields.Datetime.now()
        for order in self:
            start = order.ps_request_date or order.create_date
            order.ps_age_days = (now - start).days if start else 0

    @api.depends("order_line.ps_shop_id")
    def _compute_ps_shop_ids(self):
        for order in self:
            order.ps_shop_ids = order.order_line.ps_shop_id

    @api.depends(
        "amount_total",
        "ps_deposit_invoice_id.amount_residual",
        "ps_final_invoice_id.amount_residual",
    )
    def _compute_ps_amounts(self):
        for order in self:
            if not order.is_personal_shopper:
                order.ps_amount_paid = order.ps_amount_due = 0.0
                continue
            paid = order.sudo()._ps_paid_amount()
            order.ps_amount_paid = paid
            due = order.amount_total - paid if order.ps_is_priced else 0.0
            if order.ps_stage == "cancelled":
                due = 0.0
            order.ps_amount_due = max(order.currency_id.round(due), 0.0)

    # ------------------------------------------------------------------
    # Kanban: the stages nobody works on fold
    # ------------------------------------------------------------------
    @api.model
    def _web_read_group(
        self, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True
    ):
        # Odoo folds the columns of a many2one (its ``fold`` field) only: the
        # stages are a selection, so their folding is set here. Closed stages
        # (delivered, cancelled) and empty columns fold; the open carts are
        # the customers' work, not the staff's: their column is only shown
        # when a filter shows carts.
        groups = super()._web_read_group(
            domain,
            fields,
            groupby,
            limit=limit,
            offset=offset,
            orderby=orderby,
            lazy=lazy,
        )
        if groupby and groupby[0] == "ps_stage":
            for group in groups:
                key = group.get("ps_stage")
                stage = const.BY_KEY.get(key)
                count = group.get("ps_stage_count", group.get("__count", 0))
                group["__fold"] = bool(not count or (stage and stage.closed))
            groups = [
                group
                for group in groups
                if group.get("ps_stage") != "cart"
                or group.get("ps_stage_count", group.get("__count", 0))
            ]
        return groups

    # ------------------------------------------------------------------
    # Amounts typed by staff
    # ------------------------------------------------------------------
    @api.constrains("ps_transport_final", "prepayment_percent")
    def _check_ps_staff_amounts(self):
        for order in self.filtered("is_personal_shopper"):
            rounding = order.currency_id.rounding or 0.01
            if order.ps_transport_final < -rounding / 2:
                raise ValidationError(
                    _("The actual transport fees cannot be negative.")
                )
            if order.ps_transport_final > PS_MAX_AMOUNT:
                raise ValidationError(
                    _("The actual transport fees of %s are not plausible.", order.name)
                )
            if not 0.0 <= order.prepayment_percent <= 1.0:
                raise ValidationError(
                    _("The deposit of %s must be between 0 and 100 %%.", order.name)
                )
