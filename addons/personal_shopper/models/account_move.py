from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    ps_order_id = fields.Many2one(
        "sale.order", compute="_compute_ps_order_id", string="Personal shopper request"
    )

    @api.depends("line_ids.sale_line_ids.order_id")
    def _compute_ps_order_id(self):
        for move in self:
            orders = move.line_ids.sale_line_ids.order_id.filtered(
                "is_personal_shopper"
            )
            move.ps_order_id = orders[:1]

    def _ps_orders(self):
        """The personal-shopper requests whose deposit or final invoice is in
        ``self``."""
        if not self:
            return self.env["sale.order"]
        return (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("is_personal_shopper", "=", True),
                    "|",
                    ("ps_deposit_invoice_id", "in", self.ids),
                    ("ps_final_invoice_id", "in", self.ids),
                ]
            )
        )

    def _invoice_paid_hook(self):
        # Odoo calls this when invoices become paid, whoever paid them (an
        # accepted proof, a payment or a reconciliation in Invoicing).
        result = super()._invoice_paid_hook()
        self._ps_orders()._ps_sync_payment_stage()
        return result

    def _message_post_after_hook(self, message, msg_vals):
        """A payment proof sent by replying to the invoice e-mail is a proof on
        the personal shopper order."""
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and message.attachment_ids:
            for move in self.filtered(
                lambda m: m.move_type == "out_invoice" and m.ps_order_id
            ):
                order = move.ps_order_id
                if order._ps_expected_proof()[1] == move:
                    copies = message.attachment_ids.sudo().copy(
                        {"res_model": "sale.order", "res_id": order.id}
                    )
                    order.sudo()._ps_proofs_from_message(message, copies)
        return result
