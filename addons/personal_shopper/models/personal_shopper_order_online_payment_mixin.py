from odoo import models

from .. import const


class PersonalShopperOrderOnlinePaymentMixin(models.AbstractModel):
    """Online payment of a request's invoices (controllers/payment.py): the
    transactions are account_payment's invoice transactions."""

    _name = "personal.shopper.order.online.payment.mixin"
    _description = "Personal Shopper Request Online Payment"

    def _ps_online_transactions(self):
        """The online payment transactions of the request's deposit and final
        invoices (sudo), oldest first."""
        self.ensure_one()
        invoices = (self.ps_deposit_invoice_id | self.ps_final_invoice_id).sudo()
        return (
            invoices.with_context(active_test=False)
            .transaction_ids.filtered(
                lambda tx: (
                    tx.operation != "validation"
                    and tx.provider_code not in ("none", "custom")
                )
            )
            .sorted(lambda tx: (tx.create_date, tx.id))
        )

    def _ps_last_online_transaction(self):
        """The last online payment to show on the request's page, or an empty
        recordset: the last one of the invoice due now (pending, failed,
        cancelled…), or the one that just paid the request into its stage."""
        self.ensure_one()
        last = self._ps_online_transactions()[-1:]
        if not last:
            return last
        invoice = self._ps_expected_proof()[1]
        if invoice:
            return last if invoice in last.invoice_ids else last.browse()
        stage = const.BY_KEY.get(self.ps_stage)
        paid_invoice = (
            stage
            and stage.reached_by_paying
            and self._ps_invoice(stage.reached_by_paying)
        )
        if last.state == "done" and paid_invoice and paid_invoice in last.invoice_ids:
            return last
        return last.browse()
