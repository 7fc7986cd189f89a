from odoo import api, fields, models


class PersonalShopperOrderCancel(models.TransientModel):
    _name = "personal.shopper.order.cancel"
    _description = "Cancel Personal Shopper Requests"

    order_ids = fields.Many2many(
        "sale.order", "personal_shopper_order_cancel_rel", required=True
    )
    reason = fields.Text(help="Kept in the request's chatter (staff only).")
    paid_amount = fields.Monetary(
        compute="_compute_paid_amount", string="Already paid by the customer"
    )
    currency_id = fields.Many2one(related="order_ids.currency_id")
    refund_method = fields.Selection(
        [
            ("refund", "Refund the customer (credit note and refund payment)"),
            ("credit", "Keep it as customer credit (credit note)"),
        ],
        default="credit",
        required=True,
        string="What the customer paid",
    )

    @api.depends("order_ids")
    def _compute_paid_amount(self):
        for wizard in self:
            wizard.paid_amount = sum(
                order._ps_paid_amount() for order in wizard.order_ids
            )

    def action_cancel(self):
        self.ensure_one()
        self.order_ids._ps_check_staff()
        self.order_ids._ps_cancel(refund_method=self.refund_method, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
