"""Questions of the customer on a request: asked in the portal's chatter,
seen by the staff as unanswered (field, filter, to-do), answered from the
request's chatter: answered, and the customer gets the answer by e-mail."""

from odoo.tests import HttpCase, tagged

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestPortalQuestions(HttpCase, PersonalShopperCommon):
    def _post_from_portal(self, order, body):
        """What the portal's chatter does (mail's /mail/message/post)."""
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "sale.order",
                "thread_id": order.id,
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "token": order.access_token,
            },
        )
        order.invalidate_recordset()

    def _question_activities(self, order):
        return order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("personal_shopper.mail_activity_type_ps_question")
            )
        )

    def test_question_answered_from_the_chatter(self):
        order = self._make_order("proforma_sent")
        order.user_id = self.staff_user
        # the flow's own messages (proforma e-mail) are no question
        self.assertFalse(order.ps_question_waiting)

        self._post_from_portal(order, "Can you ship before Christmas?")
        self.assertTrue(order.ps_question_waiting)
        self.assertIn(
            order,
            self.env["sale.order"].search([("ps_question_waiting", "=", True)]),
        )
        activity = self._question_activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.staff_user)
        self.assertIn("Christmas", str(activity.note))
        self.assertIn(self.customer, order.message_partner_ids)

        # the staff answer from the chatter ("Send message")
        answer = order.with_user(self.staff_user).message_post(
            body="Yes, we ship on December 10.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(order.ps_question_waiting)
        self.assertNotIn(
            order,
            self.env["sale.order"].search([("ps_question_waiting", "=", True)]),
        )
        self.assertFalse(self._question_activities(order))
        # the customer gets it by e-mail
        self.assertIn(
            self.customer,
            answer.notification_ids.filtered(
                lambda n: n.notification_type == "email"
            ).res_partner_id,
        )

        # and sees it on the request's page (the portal's chatter)
        messages = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "sale.order",
                "thread_id": order.id,
                "token": order.access_token,
            },
        )
        bodies = " ".join(
            str(message.get("body")) for message in messages["data"]["mail.message"]
        )
        self.assertIn("December 10", bodies)
        self.assertIn("Christmas", bodies)

    def test_notes_and_flow_messages_are_no_answer(self):
        order = self._make_order("proforma_sent")
        self._post_from_portal(order, "Is the blue one available?")
        self.assertTrue(order.ps_question_waiting)
        # an internal note of the staff does not answer the customer
        order.with_user(self.staff_user).message_post(
            body="Checking with the shop", subtype_xmlid="mail.mt_note"
        )
        self.assertTrue(order.ps_question_waiting)
        # nor does the flow's e-mail of the next stage
        self._accept(order)
        self.assertTrue(order.ps_question_waiting)
        self.assertEqual(len(self._question_activities(order)), 1)

    def test_staff_views_show_questions(self):
        Order = self.env["sale.order"].with_user(self.staff_user)
        kanban = Order.get_view(
            self.env.ref("personal_shopper.sale_order_view_kanban_personal_shopper").id,
            "kanban",
        )["arch"]
        self.assertIn("o_ps_question_badge", kanban)
        search = Order.get_view(
            self.env.ref("personal_shopper.sale_order_view_search_personal_shopper").id,
            "search",
        )["arch"]
        self.assertIn('name="questions_to_answer"', search)
