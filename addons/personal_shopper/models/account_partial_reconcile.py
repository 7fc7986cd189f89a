from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        # Odoo has a hook for invoices becoming paid (_invoice_paid_hook) but
        # none for the reverse: removing a reconciliation (unreconcile, a
        # payment reset to draft or cancelled) is the one place where a paid
        # invoice becomes unpaid again.
        moves = (self.debit_move_id | self.credit_move_id).move_id
        orders = moves._ps_orders()
        result = super().unlink()
        orders._ps_sync_payment_stage()
        return result
