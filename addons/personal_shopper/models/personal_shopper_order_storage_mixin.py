import math
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import format_date

from .. import const


def storage_stages():
    """The stages in which the goods wait in the company's storage: from
    their arrival until they are delivered (or picked up)."""
    arrived = const.STAGE_ORDER["arrived"]
    return tuple(
        stage.key
        for stage in const.STAGES
        if const.STAGE_ORDER[stage.key] >= arrived and not stage.closed
    )


class PersonalShopperOrderStorageMixin(models.AbstractModel):
    """Storage of the goods of a request once they have arrived: some days
    free (company setting), a reminder to the customer before the limit, then
    a fee per day or per week until they are delivered.

    Billing rule: the fee due up to the day the final invoice is issued is a
    line of the final invoice; the days stored after it are billed at the
    hand-over on the hand-over invoice (with the delivery, see the hand-over
    mixin), when staff mark the request delivered. The storage line of the
    order only grows: Odoo invoices what it has not invoiced yet."""

    _name = "personal.shopper.order.storage.mixin"
    _description = "Personal Shopper Request Storage"

    ps_arrival_date = fields.Datetime(
        string="Arrived on",
        compute="_compute_ps_arrival_date",
        store=True,
        help="When the goods reached the stage Arrived (its stage history).",
    )
    ps_storage_free_until = fields.Date(
        string="Free storage until",
        compute="_compute_ps_storage_free_until",
        store=True,
        index="btree_not_null",
    )
    ps_storage_reminder_date = fields.Datetime(
        string="Storage reminder sent", copy=False, readonly=True
    )
    ps_storage_state = fields.Selection(
        [
            ("free", "Free storage"),
            ("soon", "Free storage ends soon"),
            ("over", "Storage fee running"),
        ],
        string="Storage",
        compute="_compute_ps_storage",
        search="_search_ps_storage_state",
    )
    ps_storage_days_left = fields.Integer(
        string="Free storage days left", compute="_compute_ps_storage"
    )
    ps_storage_fee_days = fields.Integer(
        string="Days of paid storage", compute="_compute_ps_storage"
    )

    @api.depends("ps_stage_history_ids.stage", "ps_stage_history_ids.date")
    def _compute_ps_arrival_date(self):
        for order in self:
            arrivals = order.ps_stage_history_ids.filtered(
                lambda entry: entry.stage == "arrived"
            )
            order.ps_arrival_date = arrivals[:1].date or False

    @api.depends("ps_arrival_date", "company_id.ps_storage_free_days")
    def _compute_ps_storage_free_until(self):
        for order in self:
            if not order.ps_arrival_date:
                order.ps_storage_free_until = False
                continue
            order.ps_storage_free_until = order._ps_local_date(
                order.ps_arrival_date
            ) + timedelta(days=max(order.company_id.ps_storage_free_days, 0))

    @api.depends(
        "ps_stage",
        "ps_storage_free_until",
        "ps_stage_history_ids.date",
        "company_id.ps_storage_reminder_days",
    )
    def _compute_ps_storage(self):
        for order in self:
            state, left, fee_days = False, 0, 0
            if order.ps_storage_free_until and order.ps_stage in (
                *storage_stages(),
                "delivered",
            ):
                end = order._ps_storage_end_date()
                left = max((order.ps_storage_free_until - end).days, 0)
                fee_days = order._ps_storage_fee_days(end)
                if order.ps_stage != "delivered":
                    if fee_days:
                        state = "over"
                    elif left <= order.company_id.ps_storage_reminder_days:
                        state = "soon"
                    else:
                        state = "free"
            order.ps_storage_state = state
            order.ps_storage_days_left = left
            order.ps_storage_fee_days = fee_days

    def _search_ps_storage_state(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        wanted = set([value] if operator == "=" else value)
        domains = []
        # the companies whose requests the user reads
        for company in self.env.companies:
            today = self.with_company(company)._ps_today(company)
            soon = today + timedelta(days=max(company.ps_storage_reminder_days, 0))
            bounds = {
                "over": [("ps_storage_free_until", "<", today)],
                "soon": [
                    ("ps_storage_free_until", ">=", today),
                    ("ps_storage_free_until", "<=", soon),
                ],
                "free": [("ps_storage_free_until", ">", soon)],
            }
            for state in wanted & set(bounds):
                domains.append([("company_id", "=", company.id), *bounds[state]])
        if not domains:
            return [("id", "=", 0)]
        result = ["|"] * (len(domains) - 1)
        for domain in domains:
            result += ["&"] * (len(domain) - 1) + domain
        return [("ps_stage", "in", list(storage_stages())), *result]

    # ------------------------------------------------------------------
    # Dates (the company's time zone, that of its address)
    # ------------------------------------------------------------------
    def _ps_company_tz_env(self, company=None):
        company = company or self.company_id
        return self.with_context(tz=company.partner_id.tz or "UTC")

    def _ps_local_date(self, value):
        """The date in the company's time zone of the UTC datetime ``value``."""
        return fields.Datetime.context_timestamp(
            self._ps_company_tz_env(), value
        ).date()

    def _ps_today(self, company=None):
        return fields.Date.context_today(self._ps_company_tz_env(company))

    def _ps_storage_end_date(self):
        """The last day of storage: today, or the day the goods were delivered."""
        self.ensure_one()
        delivered = self.ps_stage_history_ids.filtered(
            lambda entry: entry.stage == "delivered"
        )
        if delivered:
            return self._ps_local_date(delivered[-1:].date)
        return self._ps_today()

    def _ps_storage_fee_start(self):
        """The first day of paid storage."""
        self.ensure_one()
        return self.ps_storage_free_until + timedelta(days=1)

    def _ps_storage_fee_days(self, end):
        """Days of paid storage up to ``end`` (a date), the free ones apart."""
        self.ensure_one()
        if not self.ps_storage_free_until:
            return 0
        return max((end - self.ps_storage_free_until).days, 0)

    def _ps_storage_units(self, days):
        """What ``days`` of paid storage count in the company's unit: days, or
        weeks begun."""
        self.ensure_one()
        if self.company_id.ps_storage_fee_unit == "week":
            return math.ceil(days / 7.0)
        return days

    # ------------------------------------------------------------------
    # Fee line
    # ------------------------------------------------------------------
    def _ps_storage_rate(self):
        """The fee of one unit (day or week) in the order's currency."""
        self.ensure_one()
        company = self.company_id
        return self.currency_id.round(
            company.currency_id._convert(
                company.ps_storage_fee_amount,
                self.currency_id,
                company,
                fields.Date.context_today(self),
            )
        )

    def _ps_storage_line_description(self, days, end, billed_units=0):
        """The description of the storage billed now: the paid days from the
        day after those already billed (``billed_units``) to ``end``."""
        self.ensure_one()
        company = self.company_id
        lang = self.partner_id.lang
        weekly = company.ps_storage_fee_unit == "week"
        billed_days = billed_units * (7 if weekly else 1)
        unit = _("per week") if weekly else _("per day")
        return _(
            "Storage fee: %(days)s day(s) from %(start)s to %(end)s "
            "(%(rate)s %(unit)s, after %(free)s free days)",
            days=days - billed_days,
            start=format_date(
                self.env,
                self._ps_storage_fee_start() + timedelta(days=billed_days),
                lang,
            ),
            end=format_date(self.env, end, lang),
            rate=self.currency_id.format(self._ps_storage_rate()),
            unit=unit,
            free=company.ps_storage_free_days,
        )

    def _ps_update_storage_line(self, end=None):
        """Bring the storage fee line of the order up to ``end`` (default:
        today): its quantity is the days (or weeks) of paid storage so far,
        its price the company's rate. Returns the line (or nothing when no
        fee is due)."""
        self.ensure_one()
        company = self.company_id
        product = company.ps_storage_product_id
        end = end or self._ps_storage_end_date()
        days = self._ps_storage_fee_days(end)
        units = self._ps_storage_units(days)
        line = self.order_line.filtered(lambda line: line.product_id == product)[:1]
        if (
            not product
            or not units
            or self.currency_id.is_zero(company.ps_storage_fee_amount)
        ):
            return line
        lang_self = self.with_context(lang=self.partner_id.lang)
        if line:
            description = lang_self._ps_storage_line_description(
                days, end, int(line.qty_invoiced)
            )
            if units > line.product_uom_qty:
                # the rate of the days already billed is kept
                line.write({"product_uom_qty": units, "name": description})
            return line
        description = lang_self._ps_storage_line_description(days, end)
        return self.env["sale.order.line"].create(
            {
                "order_id": self.id,
                "product_id": product.id,
                "name": description,
                "product_uom_qty": units,
                "price_unit": self._ps_storage_rate(),
                "sequence": self._ps_fee_line_sequence(),
            }
        )

    def _ps_fee_line_sequence(self):
        """A sequence for a fee line added after the deposit: before the
        order's "Down Payments" section, under which Odoo would bill it."""
        self.ensure_one()
        down_payments = self.order_line.filtered("is_downpayment")
        if down_payments:
            return min(down_payments.mapped("sequence")) - 1
        return 1001

    def action_ps_issue_final_invoice(self):
        # the storage fee due so far is billed on the final invoice (this mixin
        # comes before the payment mixin in sale.order's _inherit)
        self._ps_check_staff()
        for order in self.filtered(lambda o: o.ps_stage == "arrived"):
            order._ps_update_storage_line()
        return super().action_ps_issue_final_invoice()

    # ------------------------------------------------------------------
    # Reminder before the end of the free storage
    # ------------------------------------------------------------------
    @api.model
    def _cron_ps_storage_reminders(self):
        """Remind the customers whose free storage ends within the company's
        number of days, once per request."""
        template = self.env.ref("personal_shopper.mail_template_ps_storage_reminder")
        for company in self.env["res.company"].search(
            [("ps_storage_reminder_days", ">", 0)]
        ):
            today = self._ps_today(company)
            orders = self.search(
                [
                    ("company_id", "=", company.id),
                    ("is_personal_shopper", "=", True),
                    ("ps_stage", "in", list(storage_stages())),
                    ("ps_storage_reminder_date", "=", False),
                    ("ps_storage_free_until", ">=", today),
                    (
                        "ps_storage_free_until",
                        "<=",
                        today + timedelta(days=company.ps_storage_reminder_days),
                    ),
                ]
            )
            for order in orders:
                order._ps_send_to_customer(template)
                order.ps_storage_reminder_date = fields.Datetime.now()
        return True

    def _ps_storage_fee_text(self):
        """The company's storage fee as the customer reads it: "2.00 € per day"."""
        self.ensure_one()
        company = self.company_id
        rate = self.currency_id.format(self._ps_storage_rate())
        if company.ps_storage_fee_unit == "week":
            return _("%s per week", rate)
        return _("%s per day", rate)
