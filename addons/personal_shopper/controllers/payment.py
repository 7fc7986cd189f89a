from odoo import http
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount

from . import portal


class OnlinePaymentPortal(portal.CustomerPortal):
    """Pay the deposit or the final invoice online from the request's page.

    The payment form is Odoo's (``payment.form``, as on the invoice's own
    portal page) for the invoice due, with account_payment's transaction
    route ``/invoice/transaction/<invoice>``: the transaction pays that
    invoice, account_payment's post-processing creates the payment and
    reconciles it, and ``account.move._invoice_paid_hook`` moves the request
    on, as for an accepted proof. After paying, the customer lands back on
    the request's page, which shows the transaction's state."""

    @http.route()
    def portal_order_page(self, order_id, *args, **kwargs):
        response = super().portal_order_page(order_id, *args, **kwargs)
        order_sudo = response.qcontext.get("sale_order") if response.is_qweb else None
        if order_sudo and order_sudo.is_personal_shopper:
            invoice_sudo = response.qcontext.get("ps_invoice")
            response.qcontext.update(
                {
                    "ps_online_payment": self._ps_online_payment_values(
                        order_sudo, invoice_sudo
                    ),
                    "ps_online_tx": order_sudo._ps_last_online_transaction(),
                }
            )
        return response

    def _ps_online_payment_values(self, order_sudo, invoice_sudo):
        """The values of ``payment.form`` for the invoice due, or False when
        it cannot be paid online (nothing due, a payment already pending, no
        payment provider enabled, online payment disabled in Invoicing)."""
        if not invoice_sudo or not invoice_sudo.sudo()._has_to_be_paid():
            return False
        invoice_sudo = invoice_sudo.sudo()
        # no payment provider enabled for the company (online payment not set
        # up): no form, in one query instead of the lookups of Odoo's payment
        # form values below (providers, payment methods, tokens: orderperf),
        # which would find nothing to offer
        Provider = request.env["payment.provider"].sudo()
        if not Provider.search_count(
            [
                *Provider._check_company_domain(invoice_sudo.company_id),
                ("state", "in", ("enabled", "test")),
            ],
            limit=1,
        ):
            return False
        # account_payment's values of the invoice's portal payment form, with
        # the request's page as landing page
        values = PortalAccount._get_common_page_view_values(
            self,
            invoices_data={
                "partner": invoice_sudo.partner_id,
                "company": invoice_sudo.company_id,
                "total_amount": invoice_sudo.amount_total,
                "currency": invoice_sudo.currency_id,
                "amount_residual": invoice_sudo.amount_residual,
                "landing_route": order_sudo.get_portal_url(),
                "transaction_route": f"/invoice/transaction/{invoice_sudo.id}",
            },
            access_token=invoice_sudo._portal_ensure_token(),
        )
        if not (values["payment_methods_sudo"] or values["tokens_sudo"]):
            return False
        values.update(
            {
                "amount": invoice_sudo.amount_residual,
                "amount_due": invoice_sudo.amount_residual,
                "invoice_id": invoice_sudo.id,
            }
        )
        return values
