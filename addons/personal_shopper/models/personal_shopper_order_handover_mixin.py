from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

SLOT_KEY_FORMAT = "%Y-%m-%d %H:%M:%S"


class PersonalShopperOrderHandoverMixin(models.AbstractModel):
    """How the customer gets the goods once the balance is paid: delivery to
    the request's delivery address (partner_shipping_id) at the company's
    price, or pickup at the company's place; in a time slot.

    The slots are the working hours of the company's hand-over calendar (an
    Odoo working schedule, resource.calendar): each attendance of a day is a
    time window, days without attendance are closed, and the calendar's time
    off (public holidays) is left out. The delivery price and the storage days
    after the final invoice are billed at the hand-over, when staff mark the
    request delivered (the hand-over invoice)."""

    _name = "personal.shopper.order.handover.mixin"
    _description = "Personal Shopper Request Hand-over"

    ps_handover_method = fields.Selection(
        [("delivery", "Delivery"), ("pickup", "Pickup")],
        string="Hand-over",
        copy=False,
        readonly=True,
    )
    ps_handover_start = fields.Datetime(
        string="Hand-over slot", copy=False, readonly=True
    )
    ps_handover_stop = fields.Datetime(
        string="Hand-over slot end", copy=False, readonly=True
    )
    ps_handover_invoice_id = fields.Many2one(
        "account.move",
        string="Hand-over invoice",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Delivery and the storage days after the final invoice, billed "
        "when the goods are handed over.",
    )
    ps_handover_summary = fields.Char(
        string="Hand-over choice", compute="_compute_ps_handover_summary"
    )

    @api.depends(
        "ps_handover_method",
        "ps_handover_start",
        "ps_handover_stop",
        "partner_shipping_id",
    )
    def _compute_ps_handover_summary(self):
        for order in self:
            order.ps_handover_summary = (
                order._ps_handover_choice_text() if order.ps_handover_method else False
            )

    # ------------------------------------------------------------------
    # Slots
    # ------------------------------------------------------------------
    def _ps_handover_calendar(self):
        self.ensure_one()
        company = self.company_id
        return company.ps_handover_calendar_id or company.resource_calendar_id

    def _ps_handover_tz(self):
        calendar = self._ps_handover_calendar()
        return pytz.timezone(calendar.tz or self.company_id.partner_id.tz or "UTC")

    def _ps_handover_slots(self):
        """[(start, stop)] (naive UTC datetimes) of the slots the customer may
        choose: the calendar's windows of the next days, not begun yet."""
        self.ensure_one()
        calendar = self._ps_handover_calendar()
        if not calendar:
            return []
        tz = self._ps_handover_tz()
        now = fields.Datetime.now()
        local_today = pytz.utc.localize(now).astimezone(tz).date()
        # from the local midnight: windows begun today are not cut, but left out
        start = tz.localize(datetime.combine(local_today, time.min))
        days = max(self.company_id.ps_handover_days_ahead, 1)
        stop = tz.localize(
            datetime.combine(local_today + timedelta(days=days + 1), time.min)
        )
        intervals = calendar._work_intervals_batch(start, stop, tz=tz)[False]
        slots = []
        for slot_start, slot_stop, _records in intervals:
            slot_start = slot_start.astimezone(pytz.utc).replace(tzinfo=None)
            slot_stop = slot_stop.astimezone(pytz.utc).replace(tzinfo=None)
            if slot_start > now:
                slots.append((slot_start, slot_stop))
        return slots

    def _ps_handover_slot_key(self, start):
        return start.strftime(SLOT_KEY_FORMAT)

    def _ps_handover_slot_label(self, start, stop):
        """ "Monday 30 November 2026, 09:00–12:00", in the calendar's time zone
        and the customer's language."""
        self.ensure_one()
        tz = self._ps_handover_tz()
        local_start = pytz.utc.localize(start).astimezone(tz)
        local_stop = pytz.utc.localize(stop).astimezone(tz)
        lang = self.env.context.get("lang") or self.partner_id.lang
        day = format_date(self.env, local_start.date(), lang, "EEEE d MMMM y")
        return f"{day}, {local_start:%H:%M}–{local_stop:%H:%M}"

    def _ps_handover_slot_options(self):
        """[(key, label)] of the slots, for the portal's form."""
        self.ensure_one()
        return [
            (
                self._ps_handover_slot_key(start),
                self._ps_handover_slot_label(start, stop),
            )
            for start, stop in self._ps_handover_slots()
        ]

    # ------------------------------------------------------------------
    # Prices and texts
    # ------------------------------------------------------------------
    def _ps_delivery_price(self):
        """The delivery price in the order's currency: by the company's Odoo
        delivery method when it has one (its rules and zone), else the
        company's delivery price. Raises UserError when the method does not
        deliver to the request's address."""
        self.ensure_one()
        company = self.company_id
        carrier = company.ps_delivery_carrier_id
        if carrier:
            rate = carrier.rate_shipment(self)
            if not rate.get("success"):
                raise UserError(
                    rate.get("error_message")
                    or _("We do not deliver to this address: choose the pickup.")
                )
            return self.currency_id.round(rate["price"])
        return self.currency_id.round(
            company.currency_id._convert(
                company.ps_delivery_price,
                self.currency_id,
                company,
                fields.Date.context_today(self),
            )
        )

    def _ps_delivery_price_or_none(self):
        """The delivery price, or None when the address is not served."""
        self.ensure_one()
        try:
            return self._ps_delivery_price()
        except UserError:
            return None

    def _ps_delivery_product(self):
        self.ensure_one()
        carrier = self.company_id.ps_delivery_carrier_id
        return carrier.product_id or self.company_id.ps_delivery_product_id

    def _ps_shipping_address_text(self):
        self.ensure_one()
        address = self.partner_shipping_id or self.partner_id
        lines = address._display_address(without_company=True).split("\n")
        return ", ".join(line.strip() for line in lines if line.strip())

    def _ps_handover_choice_text(self):
        """The customer's choice in a sentence (in the context's language)."""
        self.ensure_one()
        if not self.ps_handover_method:
            return ""
        slot = (
            self._ps_handover_slot_label(self.ps_handover_start, self.ps_handover_stop)
            if self.ps_handover_start
            else ""
        )
        if self.ps_handover_method == "delivery":
            return _(
                "We will deliver it to %(address)s on %(slot)s.",
                address=self._ps_shipping_address_text(),
                slot=slot,
            )
        place = (
            self.company_id.ps_pickup_place
            or self.company_id.partner_id.contact_address
        )
        return _(
            "You will pick it up at %(place)s on %(slot)s.",
            place=", ".join(
                line.strip() for line in (place or "").split("\n") if line.strip()
            ),
            slot=slot,
        )

    def _ps_handover_template(self):
        """The e-mail to the customer about the hand-over: their choice
        confirmed, or a question when they have not chosen yet."""
        self.ensure_one()
        if self.ps_handover_method:
            return self.env.ref("personal_shopper.mail_template_ps_handover_confirm")
        return self.env.ref("personal_shopper.mail_template_ps_handover")

    # ------------------------------------------------------------------
    # The customer's choice (portal)
    # ------------------------------------------------------------------
    def _ps_set_handover(self, method, slot_key):
        """Record the customer's choice; raises UserError when it is not
        possible (stage, unknown method, slot not offered). Choosing the same
        again changes nothing."""
        self.ensure_one()
        self._ps_lock()
        if self.ps_stage != "ready":
            raise UserError(
                _("Delivery or pickup is chosen once your order is fully paid.")
            )
        if method not in ("delivery", "pickup"):
            raise UserError(_("Choose delivery or pickup."))
        if method == "delivery" and not (self.partner_shipping_id or self.partner_id):
            raise UserError(_("Your order has no delivery address."))
        if method == "delivery":
            self._ps_delivery_price()  # refused when the address is not served
        slots = dict(
            (self._ps_handover_slot_key(start), (start, stop))
            for start, stop in self._ps_handover_slots()
        )
        if slot_key not in slots:
            raise UserError(
                _("This time slot is not available any more: choose another one.")
            )
        start, stop = slots[slot_key]
        if (self.ps_handover_method, self.ps_handover_start, self.ps_handover_stop) == (
            method,
            start,
            stop,
        ):
            return False
        self.with_context(ps_flow=True).write(
            {
                "ps_handover_method": method,
                "ps_handover_start": start,
                "ps_handover_stop": stop,
            }
        )
        summary = self.with_context(lang=self.env.lang)._ps_handover_choice_text()
        self.message_post(body=summary, subtype_xmlid="mail.mt_note")
        self._ps_schedule_staff_activity(
            _("Hand over %s", self.name),
            self.with_context(
                lang=self._ps_staff_responsible().lang
            )._ps_handover_choice_text(),
        )
        return True

    # ------------------------------------------------------------------
    # Hand-over invoice
    # ------------------------------------------------------------------
    def _ps_create_handover_invoice(self):
        """Bill what was not on the final invoice: the storage days since, and
        the delivery. The customer pays it at the hand-over (registered in
        Invoicing); it is sent by e-mail."""
        self.ensure_one()
        if self.ps_handover_invoice_id:
            return self.ps_handover_invoice_id
        self._ps_update_storage_line()
        product = self._ps_delivery_product()
        price = (
            self._ps_delivery_price_or_none()
            if self.ps_handover_method == "delivery"
            else None
        )
        if price and product and not self.currency_id.is_zero(price):
            delivery_line = self.order_line.filtered(
                lambda line: line.product_id == product
            )
            if not delivery_line:
                self._ps_set_fee_line(product, price)
                self.order_line.filtered(
                    lambda line: line.product_id == product
                ).sequence = self._ps_fee_line_sequence()
        # the lines in their new order (the fee lines before the down payments)
        self.flush_recordset()
        self.invalidate_recordset(["order_line"])
        if not any(
            line.qty_to_invoice > 0 and not line.is_downpayment
            for line in self.order_line
        ):
            return self.env["account.move"]
        invoice = self._ps_post_invoice("delivered")
        self.with_context(ps_flow=True).ps_handover_invoice_id = invoice
        self._ps_send_invoice(invoice, "account.email_template_edi_invoice")
        return invoice

    def action_ps_mark_delivered(self):
        # the hand-over invoice before the stage (this mixin comes before the
        # stage mixin in sale.order's _inherit)
        self._ps_check_staff()
        for order in self.filtered(lambda o: o.ps_stage == "ready"):
            order._ps_create_handover_invoice()
        return super().action_ps_mark_delivered()
