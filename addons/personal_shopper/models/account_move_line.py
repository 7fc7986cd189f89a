from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def reconcile(self):
        result = super().reconcile()
        self.move_id._ps_paid_orders().sudo()._ps_sync_payment_stage()
        return result
