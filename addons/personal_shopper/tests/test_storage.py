from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PersonalShopperCommon


class StorageCommon(PersonalShopperCommon):
    """Free storage for 10 days after the arrival, then 2.00 per day; a
    reminder 3 days before the end; hand-overs on weekdays, 9-12 and 14-17
    (UTC), delivery at 10.00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "PS hand-over slots",
                "tz": "UTC",
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for hour_from, hour_to, period in (
                        (9, 12, "morning"),
                        (14, 17, "afternoon"),
                    )
                ],
            }
        )
        cls.company.partner_id.tz = "UTC"
        cls.company.write(
            {
                "ps_storage_free_days": 10,
                "ps_storage_reminder_days": 3,
                "ps_storage_fee_amount": 2.0,
                "ps_storage_fee_unit": "day",
                "ps_delivery_price": 10.0,
                "ps_pickup_place": "12 rue du Commerce\n75015 Paris",
                "ps_pickup_hours": "Monday to Friday",
                "ps_handover_calendar_id": cls.calendar.id,
                "ps_handover_days_ahead": 7,
            }
        )
        for product in (
            cls.company.ps_storage_product_id | cls.company.ps_delivery_product_id
        ):
            product.taxes_id -= product.taxes_id.filtered(
                lambda tax: tax.company_id == cls.company
            )

    def _storage_line(self, order):
        return order.order_line.filtered(
            lambda line: line.product_id == self.company.ps_storage_product_id
        )

    def _assert_balanced(self, invoice):
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(
            invoice.currency_id.is_zero(sum(invoice.line_ids.mapped("balance")))
        )
        self.assertAlmostEqual(
            sum(invoice.line_ids.mapped("debit")),
            sum(invoice.line_ids.mapped("credit")),
        )


@tagged("post_install", "-at_install")
class TestStorage(StorageCommon):
    def test_countdown(self):
        with freeze_time("2026-12-01 10:00:00") as frozen:
            order = self._make_order("arrived")
            self.assertEqual(order.ps_arrival_date.date(), date(2026, 12, 1))
            self.assertEqual(order.ps_storage_free_until, date(2026, 12, 11))
            self.assertEqual(order.ps_storage_state, "free")
            self.assertEqual(order.ps_storage_days_left, 10)

            frozen.move_to("2026-12-08 10:00:00")
            order.invalidate_recordset()
            self.assertEqual(
                (order.ps_storage_state, order.ps_storage_days_left), ("soon", 3)
            )
            self.assertIn(order, order.search([("ps_storage_state", "=", "soon")]))

            frozen.move_to("2026-12-11 10:00:00")
            order.invalidate_recordset()
            self.assertEqual(
                (order.ps_storage_state, order.ps_storage_days_left), ("soon", 0)
            )
            self.assertEqual(order.ps_storage_fee_days, 0)

            frozen.move_to("2026-12-14 10:00:00")
            order.invalidate_recordset()
            self.assertEqual(order.ps_storage_state, "over")
            self.assertEqual(order.ps_storage_fee_days, 3)
            self.assertIn(order, order.search([("ps_storage_state", "=", "over")]))
            self.assertNotIn(order, order.search([("ps_storage_state", "=", "soon")]))

    def test_no_storage_before_arrival(self):
        order = self._make_order("in_transit")
        self.assertFalse(order.ps_storage_free_until)
        self.assertFalse(order.ps_storage_state)
        self.assertNotIn(
            order, order.search([("ps_storage_state", "in", ("free", "soon", "over"))])
        )

    def test_fee_on_final_invoice_then_handover(self):
        with freeze_time("2026-12-01 10:00:00") as frozen:
            order = self._make_order("arrived")
            # Monday 14 December: 3 days after the free ones (12, 13, 14)
            frozen.move_to("2026-12-14 10:00:00")
            order.with_user(self.staff_user).action_ps_issue_final_invoice()
            invoice = order.ps_final_invoice_id
            self._assert_balanced(invoice)
            storage = invoice.invoice_line_ids.filtered(
                lambda line: line.product_id == self.company.ps_storage_product_id
            )
            self.assertEqual(storage.quantity, 3)
            self.assertAlmostEqual(storage.price_unit, 2.0)
            self.assertAlmostEqual(storage.price_subtotal, 6.0)
            self.assertIn("3 day(s)", storage.name)
            self.assertIn("after 10 free days", storage.name)
            self._pay_with_proof(order)
            self.assertEqual(order.ps_stage, "ready")

            # the customer chooses a delivery on Wednesday 16 December morning
            slot = order._ps_handover_slots()[0]
            order.sudo()._ps_set_handover(
                "delivery", order._ps_handover_slot_key(slot[0])
            )
            frozen.move_to("2026-12-16 10:00:00")
            order.with_user(self.staff_user).action_ps_mark_delivered()
            self.assertEqual(order.ps_stage, "delivered")
            handover = order.ps_handover_invoice_id
            self._assert_balanced(handover)
            lines = handover.invoice_line_ids
            storage = lines.filtered(
                lambda line: line.product_id == self.company.ps_storage_product_id
            )
            delivery = lines.filtered(
                lambda line: line.product_id == self.company.ps_delivery_product_id
            )
            # 15 and 16 December: not billed yet
            self.assertEqual(storage.quantity, 2)
            self.assertAlmostEqual(storage.price_subtotal, 4.0)
            self.assertAlmostEqual(delivery.price_subtotal, 10.0)
            self.assertEqual(
                lines.mapped("display_type"),
                ["product", "product"],
                "nothing billed twice, no deposit again",
            )
            self.assertIn("2 day(s)", storage.name)
            self.assertAlmostEqual(handover.amount_total, 14.0)
            self.assertEqual(self._storage_line(order).qty_invoiced, 5)

            # storage stops with the delivery
            frozen.move_to("2026-12-30 10:00:00")
            order.invalidate_recordset()
            self.assertEqual(order.ps_storage_fee_days, 5)
            self.assertFalse(order.ps_storage_state)

    def test_no_fee_within_free_days(self):
        with freeze_time("2026-12-01 10:00:00") as frozen:
            order = self._make_order("arrived")
            frozen.move_to("2026-12-05 10:00:00")
            order.with_user(self.staff_user).action_ps_issue_final_invoice()
            self.assertFalse(self._storage_line(order))
            self._pay_with_proof(order)
            frozen.move_to("2026-12-09 10:00:00")
            order.with_user(self.staff_user).action_ps_mark_delivered()
            # pickup not chosen, nothing stored for a fee: no hand-over invoice
            self.assertFalse(order.ps_handover_invoice_id)
            self.assertFalse(self._storage_line(order))

    def test_delivery_by_carrier(self):
        """With an Odoo delivery method, it prices the delivery (and refuses
        the addresses outside its zone)."""
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "PS local courier",
                "delivery_type": "fixed",
                "fixed_price": 7.5,
                "product_id": self.env["product.product"]
                .create(
                    {
                        "name": "PS courier",
                        "type": "service",
                        "invoice_policy": "order",
                        "taxes_id": [Command.clear()],
                    }
                )
                .id,
                "country_ids": [Command.set(self.env.ref("base.fr").ids)],
            }
        )
        self.company.ps_delivery_carrier_id = carrier
        order = self._make_order("ready")
        self.assertAlmostEqual(order._ps_delivery_price(), 7.5)
        key = order._ps_handover_slot_key(order._ps_handover_slots()[0][0])
        order.sudo()._ps_set_handover("delivery", key)
        order.with_user(self.staff_user).action_ps_mark_delivered()
        invoice = order.ps_handover_invoice_id
        self._assert_balanced(invoice)
        self.assertEqual(invoice.invoice_line_ids.product_id, carrier.product_id)
        self.assertAlmostEqual(invoice.amount_total, 7.5)

        carrier.country_ids = [Command.set(self.env.ref("base.be").ids)]
        other = self._make_order("ready")
        self.assertIsNone(other._ps_delivery_price_or_none())
        with self.assertRaises(UserError):
            other.sudo()._ps_set_handover("delivery", key)
        self.assertFalse(other.ps_handover_method)

    def test_slot_label_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        order = self._make_order("cart")
        start, stop = datetime(2026, 11, 30, 9, 0), datetime(2026, 11, 30, 12, 0)
        self.assertEqual(
            order.with_context(lang="en_US")._ps_handover_slot_label(start, stop),
            "Monday 30 November 2026, 09:00–12:00",
        )
        self.assertEqual(
            order.with_context(lang="fr_FR")._ps_handover_slot_label(start, stop),
            "lundi 30 novembre 2026, 09:00–12:00",
        )
        # in the calendar's time zone
        self.calendar.tz = "Europe/Paris"
        self.assertEqual(
            order.with_context(lang="en_US")._ps_handover_slot_label(start, stop),
            "Monday 30 November 2026, 10:00–13:00",
        )

    def test_fee_per_week(self):
        self.company.write(
            {"ps_storage_fee_unit": "week", "ps_storage_fee_amount": 5.0}
        )
        with freeze_time("2026-12-01 10:00:00") as frozen:
            order = self._make_order("arrived")
            frozen.move_to("2026-12-20 10:00:00")  # 9 days: 2 weeks begun
            order.with_user(self.staff_user).action_ps_issue_final_invoice()
            storage = order.ps_final_invoice_id.invoice_line_ids.filtered(
                lambda line: line.product_id == self.company.ps_storage_product_id
            )
            self.assertEqual(storage.quantity, 2)
            self.assertAlmostEqual(storage.price_subtotal, 10.0)
            self.assertIn("per week", storage.name)


@tagged("post_install", "-at_install")
class TestStorageReminder(StorageCommon):
    def _reminders(self, order):
        return order.message_ids.filtered(
            lambda m: m.subject and "free storage until" in m.subject
        )

    def test_reminder_sent_once(self):
        with freeze_time("2026-12-01 10:00:00") as frozen:
            order = self._make_order("arrived")
            Order = self.env["sale.order"]
            frozen.move_to("2026-12-07 10:00:00")
            Order._cron_ps_storage_reminders()
            self.assertFalse(self._reminders(order), "too early")

            frozen.move_to("2026-12-08 10:00:00")
            Order._cron_ps_storage_reminders()
            reminder = self._reminders(order)
            self.assertEqual(len(reminder), 1)
            self.assertIn(self.customer, reminder.partner_ids)
            self.assertIn("2.00", reminder.body)
            self.assertTrue(order.ps_storage_reminder_date)

            frozen.move_to("2026-12-10 10:00:00")
            Order._cron_ps_storage_reminders()
            self.assertEqual(len(self._reminders(order)), 1, "sent once")

    def test_no_reminder_once_delivered_or_over(self):
        with freeze_time("2026-12-01 10:00:00") as frozen:
            order = self._make_order("ready")
            late = self._make_order("arrived")
            order.with_user(self.staff_user).action_ps_mark_delivered()
            # the cron did not run before the limit: too late for "late"
            frozen.move_to("2026-12-12 10:00:00")
            self.env["sale.order"]._cron_ps_storage_reminders()
            self.assertFalse(self._reminders(order))
            self.assertFalse(self._reminders(late), "the limit is past")
