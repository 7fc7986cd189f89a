from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from . import portal


class CustomerPortalLogistics(portal.CustomerPortal):
    """The customer's side of the logistics: reception photos, decisions on
    damaged or wrong articles, shipping requests together. Records are read
    with sudo once the request's access (owner or token) is checked."""

    def _ps_reception_or_404(self, order_sudo, reception_id):
        reception = order_sudo.ps_reception_ids.filtered(lambda r: r.id == reception_id)
        if not reception:
            raise NotFound()
        return reception

    @http.route(
        "/my/orders/<int:order_id>/ps_reception/<int:reception_id>/photo",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_ps_reception_photo(
        self, order_id, reception_id, access_token=None, **kw
    ):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            raise NotFound()
        reception = self._ps_reception_or_404(order_sudo, reception_id)
        if not reception.photo:
            raise NotFound()
        return (
            request.env["ir.binary"]
            ._get_image_stream_from(reception, "photo")
            .get_response()
        )

    @http.route(
        "/my/orders/<int:order_id>/ps_reception/<int:reception_id>/decide",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ps_reception_decide(
        self, order_id, reception_id, access_token=None, decision=None, **kw
    ):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        reception = self._ps_reception_or_404(order_sudo, reception_id)
        try:
            reception._ps_record_decision(decision)
        except UserError as error:
            return self._ps_back_to_order(order_sudo, error=error.args[0])
        return self._ps_back_to_order(order_sudo, message="ps_decision")

    @http.route(
        "/my/orders/<int:order_id>/ps_consolidate",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ps_consolidate(self, order_id, access_token=None, **kw):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        ids = {
            int(value)
            for value in request.httprequest.form.getlist("order_ids")
            if value.isdigit()
        }
        # only the customer's own requests waiting at the warehouse
        others = order_sudo._ps_consolidation_candidates().filtered(
            lambda o: o.id in ids
        )
        if not others or len(others) != len(ids):
            return self._ps_back_to_order(
                order_sudo,
                error=request.env._("Choose the requests to ship with this one."),
            )
        try:
            order_sudo._ps_consolidate(others)
        except UserError as error:
            return self._ps_back_to_order(order_sudo, error=error.args[0])
        return self._ps_back_to_order(order_sudo, message="ps_consolidated")
