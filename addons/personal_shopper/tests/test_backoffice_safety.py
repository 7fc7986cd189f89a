import json
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import PersonalShopperCommon

HOSTILE_NAME = (
    '<a href="https://evil.example/phish">Click</a>'
    '<img src="https://evil.example/pixel.gif">'
)


@tagged("post_install", "-at_install")
class TestStaffNotesEscaped(PersonalShopperCommon):
    """What customers type reaches staff as text, never as HTML."""

    def _notes(self, order):
        return " ".join(str(note) for note in order.activity_ids.mapped("note"))

    def test_customer_name_in_activity_notes(self):
        self.customer.name = HOSTILE_NAME
        order = self._request_proforma(self._make_cart())
        notes = self._notes(order)
        self.assertTrue(notes)
        self.assertNotIn("<a ", notes)
        self.assertNotIn("<img", notes)
        self.assertIn("&lt;a href=", notes)
        # so is the proof's
        order = self._make_order("deposit_pending")
        self._submit_proof(order)
        notes = self._notes(order)
        self.assertIn("sent a payment proof", notes)
        self.assertNotIn("<img", notes)
        # done activities are copied into the chatter: escaped there too
        order.activity_ids.action_feedback()
        bodies = " ".join(str(body) for body in order.message_ids.mapped("body"))
        self.assertNotIn('<img src="https://evil.example', bodies)
        self.assertNotIn('<a href="https://evil.example', bodies)

    def test_markup_notes_kept(self):
        """Notes the code writes as HTML (Markup) stay HTML."""
        from markupsafe import Markup

        order = self._request_proforma(self._make_cart())
        order._ps_schedule_staff_activity("Check", Markup("<p><b>Bold</b></p>"))
        self.assertIn("<b>Bold</b>", self._notes(order))


@tagged("post_install", "-at_install")
class TestLinkPreview(PersonalShopperCommon):
    """Link previews make the server fetch URLs: not for portal users."""

    def _message(self, author):
        order = self._request_proforma(self._make_cart())
        return (
            order.with_user(author)
            .sudo()
            .message_post(
                body="See http://127.0.0.1:8069/web/database/manager",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=author.partner_id.id,
            )
        )

    def test_no_fetch_for_portal_and_public_users(self):
        fetch = "odoo.addons.mail.models.mail_link_preview.get_link_preview_from_url"
        message = self._message(self.portal_user)
        message.body = '<a href="http://127.0.0.1:8069/web/database/manager">x</a>'
        public = self.env.ref("base.public_user")
        for user in (self.portal_user, public):
            with self.subTest(user=user.login), patch(fetch) as fetched:
                Preview = self.env["mail.link.preview"].with_user(user).sudo()
                Preview._create_from_message_and_notify(message)
                Preview._search_or_create_from_url("http://10.0.0.1/")
                fetched.assert_not_called()
        # staff keep Odoo's previews (control)
        with patch(fetch, return_value=False) as fetched:
            self.env["mail.link.preview"].with_user(
                self.staff_user
            ).sudo()._create_from_message_and_notify(message)
            fetched.assert_called()


@tagged("post_install", "-at_install")
class TestJsonErrors(HttpCase, PersonalShopperCommon):
    """JSON-RPC errors: tracebacks for staff only."""

    def _broken_call(self):
        # the message id is not a number: an unexpected error in the route
        response = self.url_open(
            "/mail/link_preview",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {"message_id": "x"}}
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["error"]

    @mute_logger("odoo.http")
    def test_no_traceback_for_visitors_and_customers(self):
        for login in (None, "ps_customer"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                error = self._broken_call()
                self.assertEqual(error["data"]["debug"], "")
                self.assertNotIn("Traceback", json.dumps(error))
                self.assertNotIn("invalid literal", json.dumps(error))
                self.assertEqual(error["data"]["message"], "Odoo Server Error")

    def test_user_errors_keep_their_message(self):
        self.authenticate(None, None)
        response = self.url_open(
            "/web/dataset/call_kw/res.partner/read",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "res.partner",
                        "method": "read",
                        "args": [[1]],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        error = response.json()["error"]
        self.assertEqual(error["data"]["debug"], "")
        self.assertIn(error["data"]["name"], ("odoo.http.SessionExpiredException",))

    @mute_logger("odoo.http")
    def test_staff_keep_the_traceback(self):
        self.authenticate("ps_staff", "ps_staff")
        error = self._broken_call()
        self.assertIn("Traceback", error["data"]["debug"])
