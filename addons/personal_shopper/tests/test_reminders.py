from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestReminders(PersonalShopperCommon):
    def _reminders(self, order):
        return order.message_ids.filtered(
            lambda m: m.subject and m.subject.startswith("Reminder:")
        )

    def _run_cron(self):
        self.env["sale.order"]._cron_ps_send_reminders()

    def test_reminder_sent_once(self):
        order = self._make_order("proforma_sent")
        now = fields.Datetime.now()
        order.with_context(ps_flow=True).ps_stage_date = now - timedelta(days=2)
        self._run_cron()
        self.assertFalse(self._reminders(order), "too early for a reminder")

        order.with_context(ps_flow=True).ps_stage_date = now - timedelta(days=4)
        self._run_cron()
        reminder = self._reminders(order)
        self.assertEqual(len(reminder), 1)
        self.assertIn(self.customer, reminder.partner_ids)
        self.assertTrue(order.ps_last_reminder_date)
        self.assertTrue(order.activity_ids.filtered(lambda a: order.name in a.summary))

        # the next day: nothing new
        order.ps_last_reminder_date = now - timedelta(days=1)
        self._run_cron()
        self.assertEqual(len(self._reminders(order)), 1)

        # as many days after the first reminder: a second one
        order.ps_last_reminder_date = now - timedelta(days=4)
        self._run_cron()
        self.assertEqual(len(self._reminders(order)), 2)

    def test_reminder_stages(self):
        """Only orders waiting for the customer are reminded."""
        long_ago = fields.Datetime.now() - timedelta(days=10)
        waiting = self._make_order("deposit_pending")
        working = self._make_order(
            "confirmed",
            partner=self._new_customer("Other customer"),
        )
        (waiting | working).with_context(ps_flow=True).ps_stage_date = long_ago
        self._run_cron()
        self.assertEqual(len(self._reminders(waiting)), 1)
        self.assertFalse(self._reminders(working))

    def test_reminders_disabled(self):
        self.company.ps_reminder_days = 0
        order = self._make_order("balance_pending")
        order.with_context(ps_flow=True).ps_stage_date = (
            fields.Datetime.now() - timedelta(days=30)
        )
        self._run_cron()
        self.assertFalse(self._reminders(order))
