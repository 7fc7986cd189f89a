from odoo import _, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    def _create_invoices(self, sale_orders):
        # The "Create invoices" wizard (Action menu, XML-RPC): the deposit and
        # the final invoice of a personal-shopper request are issued by its
        # own steps only.
        self.sale_order_ids._ps_refuse_outside_flow(_("Create invoices"))
        return super()._create_invoices(sale_orders.with_context(self.env.context))
