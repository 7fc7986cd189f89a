from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from .test_storage import StorageCommon


@tagged("post_install", "-at_install")
class TestHandover(HttpCase, StorageCommon):
    """The customer chooses delivery or pickup and a slot on the order page
    (the calendar's windows of the next days, weekdays 9-12 and 14-17)."""

    def setUp(self):
        super().setUp()
        self.order = self._make_order("ready")
        self.authenticate("ps_customer", "ps_customer")

    def _post(self, order, **data):
        return self.url_open(
            f"/my/orders/{order.id}/ps_handover",
            data={"csrf_token": http.Request.csrf_token(self), **data},
        )

    def _first_slot(self):
        start, stop = self.order._ps_handover_slots()[0]
        return self.order._ps_handover_slot_key(start), start, stop

    def test_slots(self):
        slots = self.order._ps_handover_slots()
        self.assertTrue(slots)
        now = fields.Datetime.now()
        for start, stop in slots:
            self.assertGreater(start, now, "no slot in the past")
            self.assertLess(start.weekday(), 5, "closed on weekends")
            self.assertIn(
                (start.time(), stop.time()),
                ((time(9), time(12)), (time(14), time(17))),
            )
        self.assertLessEqual(slots[-1][0], now + timedelta(days=9))

    def test_choose_delivery(self):
        key, start, stop = self._first_slot()
        response = self._post(
            self.order,
            access_token=self.order.access_token,
            method="delivery",
            slot=key,
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("ps_message_handover_saved", response.text)
        self.assertEqual(
            (
                self.order.ps_handover_method,
                self.order.ps_handover_start,
                self.order.ps_handover_stop,
            ),
            ("delivery", start, stop),
        )
        self.assertIn(
            self.order,
            self.env["sale.order"].search(
                [("ps_handover_method", "!=", False), ("ps_stage", "=", "ready")]
            ),
        )
        # the staff get a to-do with the choice
        activity = self.order.activity_ids.filtered(
            lambda a: a.summary == f"Hand over {self.order.name}"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("1 rue de la Paix", activity.note)

    def test_double_submit_harmless(self):
        key, _start, _stop = self._first_slot()
        for _attempt in range(2):
            self._post(
                self.order,
                access_token=self.order.access_token,
                method="pickup",
                slot=key,
            )
        self.assertEqual(self.order.ps_handover_method, "pickup")
        activities = self.order.activity_ids.filtered(
            lambda a: a.summary == f"Hand over {self.order.name}"
        )
        self.assertEqual(len(activities), 1)
        notes = self.order.message_ids.filtered(
            lambda m: "pick it up" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)

    def test_someone_elses_order_refused(self):
        new_test_user(
            self.env, login="ps_other", groups="base.group_portal", lang="en_US"
        )
        self.authenticate("ps_other", "ps_other")
        key, _start, _stop = self._first_slot()
        response = self._post(self.order, method="delivery", slot=key)
        # /my, with the language's prefix where it is not the default one
        self.assertRegex(urlsplit(response.url).path, r"^(/[a-z]{2}(_[A-Z]{2})?)?/my$")
        response = self._post(
            self.order, access_token="wrong-token", method="delivery", slot=key
        )
        # /my, with the language's prefix where it is not the default one
        self.assertRegex(urlsplit(response.url).path, r"^(/[a-z]{2}(_[A-Z]{2})?)?/my$")
        self.assertFalse(self.order.ps_handover_method)

    def test_slot_in_the_past_or_closed_refused(self):
        today = fields.Date.today()
        past = datetime.combine(today - timedelta(days=2), time(9))
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        closed = datetime.combine(saturday, time(9))
        for start in (past, closed, "not a slot"):
            key = (
                self.order._ps_handover_slot_key(start)
                if isinstance(start, datetime)
                else start
            )
            response = self._post(
                self.order,
                access_token=self.order.access_token,
                method="delivery",
                slot=key,
            )
            self.assertIn("ps_error", response.text)
            self.assertIn("not available", response.text)
            self.assertFalse(self.order.ps_handover_method)

    def test_not_before_paid(self):
        order = self._make_order("balance_pending")
        key = order._ps_handover_slot_key(order._ps_handover_slots()[0][0])
        response = self._post(
            order, access_token=order.access_token, method="delivery", slot=key
        )
        self.assertIn("ps_error", response.text)
        self.assertFalse(order.ps_handover_method)

    def test_whatsapp_and_email_use_the_choice(self):
        key, start, stop = self._first_slot()
        self.order.sudo()._ps_set_handover("delivery", key)
        text = parse_qs(urlsplit(self.order.ps_whatsapp_url).query)["text"][0]
        self.assertIn("We will deliver it to", text)
        self.assertIn("1 rue de la Paix", text)
        self.assertIn(self.order._ps_handover_slot_label(start, stop), text)

        self.order.sudo()._ps_set_handover("pickup", key)
        text = parse_qs(urlsplit(self.order.ps_whatsapp_url).query)["text"][0]
        self.assertIn("pick it up at 12 rue du Commerce, 75015 Paris", text)

        action = self.order.with_user(self.staff_user).action_ps_contact_email()
        template = self.env["mail.template"].browse(
            action["context"]["default_template_id"]
        )
        self.assertEqual(
            template, self.env.ref("personal_shopper.mail_template_ps_handover_confirm")
        )
        body = template._render_field("body_html", self.order.ids)[self.order.id]
        self.assertIn("12 rue du Commerce", body)
        self.assertIn("Monday to Friday", body)

    def test_portal_tour_choose_delivery(self):
        self.start_tour(
            self.order.get_portal_url(),
            "personal_shopper_portal_handover",
            login="ps_customer",
        )
        self.assertEqual(self.order.ps_handover_method, "delivery")
        self.assertEqual(
            self.order.ps_handover_start, self.order._ps_handover_slots()[0][0]
        )
