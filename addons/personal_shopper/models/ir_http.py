import json
import logging

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from odoo import models
from odoo.exceptions import UserError
from odoo.http import SessionExpiredException, request

_logger = logging.getLogger(__name__)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # The front-end only loads the JavaScript translations of the modules
        # listed here (web, portal, ...). The portal chatter of the order and
        # invoice pages is mail's Discuss code ("The conversation is empty.",
        # "Today at …"): without mail's translations, which website_mail adds
        # (odoo/odoo#191534) but this addon does not depend on, a French
        # customer reads it in English. The addon's own portal scripts too.
        mods = super()._get_translation_frontend_modules_name()
        return mods + [mod for mod in ("mail", "personal_shopper") if mod not in mods]

    @classmethod
    def _handle_error(cls, exception):
        """Two answers to errors that Odoo would give raw:

        - an upload over a route's ``max_content_length`` is refused by
          werkzeug before the form is read (no parameter at all), with an
          English "413 Request Entity Too Large" page. A route may instead
          name a controller method in its routing, ``on_too_large``, called
          with the URL's arguments, that answers (e.g. back to the page of
          the form, with a message in the customer's language);
        - a JSON-RPC error carries the server's traceback (``data.debug``):
          kept for internal users, removed for portal users and visitors, who
          get the message only of the errors meant for users (UserError and
          its kind) and a plain "server error" otherwise.
        """
        if isinstance(exception, RequestEntityTooLarge):
            response = cls._ps_too_large_response()
            if response is not None:
                return response
        response = super()._handle_error(exception)
        if getattr(request, "dispatcher", None) and (
            request.dispatcher.routing_type == "json"
        ):
            cls._ps_hide_json_error_details(response, exception)
        return response

    @classmethod
    def _ps_too_large_response(cls):
        try:
            rule, args = cls._match(request.httprequest.path)
        except HTTPException:
            return None
        handler = rule.endpoint.routing.get("on_too_large")
        if not handler:
            return None
        # the form was not read: the URL's query is all there is
        request.params = dict(request.httprequest.args)
        response = handler(rule.endpoint.func.__self__, **args)
        cls._post_dispatch(response)  # saves the session (its message)
        return response

    @classmethod
    def _ps_is_staff_request(cls):
        uid = request.session.uid
        if not uid:
            return False
        try:
            return request.env["res.users"].sudo().browse(uid)._is_internal()
        except Exception:  # noqa: BLE001 the transaction may be broken
            _logger.debug("cannot tell who made the request", exc_info=True)
            return False

    @classmethod
    def _ps_hide_json_error_details(cls, response, exception):
        if cls._ps_is_staff_request():
            return
        try:
            payload = json.loads(response.get_data())
        except (AttributeError, ValueError):
            return
        error = payload.get("error")
        if not isinstance(error, dict) or not isinstance(error.get("data"), dict):
            return
        data = error["data"]
        data["debug"] = ""
        data["context"] = {}
        expected = isinstance(
            exception, (UserError, HTTPException, SessionExpiredException)
        )
        if not expected:
            data.update(
                name="odoo.http.InternalServerError",
                message="Odoo Server Error",
                arguments=["Odoo Server Error"],
            )
        response.set_data(json.dumps(payload))
