from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .portal import CustomerPortal


class CustomerPortalArticles(CustomerPortal):
    """The customer's answers about articles not bought as priced (issue 10):
    a new price to accept or refuse, and how to get back what they overpaid.
    Same access rules as the other actions of the order page (the customer's
    own order, or its access token)."""

    @http.route(
        "/my/orders/<int:order_id>/ps_price/<int:line_id>",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ps_answer_price(
        self, order_id, line_id, access_token=None, answer=None, **kw
    ):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        line = order_sudo.order_line.filtered(lambda line: line.id == line_id)
        try:
            if not line or answer not in ("accept", "refuse"):
                raise UserError(
                    request.env._("This price no longer awaits your answer.")
                )
            order_sudo._ps_answer_price(line, answer == "accept")
        except UserError as error:
            return self._ps_back_to_order(order_sudo, error=error.args[0])
        return self._ps_back_to_order(order_sudo, message="price_answered")

    @http.route(
        "/my/orders/<int:order_id>/ps_refund",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ps_choose_refund(self, order_id, access_token=None, method=None, **kw):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        try:
            order_sudo._ps_choose_refund(method)
        except UserError as error:
            return self._ps_back_to_order(order_sudo, error=error.args[0])
        return self._ps_back_to_order(order_sudo, message="refund_chosen")
