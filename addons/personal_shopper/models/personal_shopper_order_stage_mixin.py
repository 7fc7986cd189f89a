from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import const


class PersonalShopperOrderStageMixin(models.AbstractModel):
    """The stage machine of a personal-shopper request (a sale.order): where
    it stands, where it may go, who may move it, its history and timeline.

    The rules themselves are the table of ``const.STAGES``; stages only change
    through ``_ps_set_stage`` (sale.order refuses any other write of
    ``ps_stage``)."""

    _name = "personal.shopper.order.stage.mixin"
    _description = "Personal Shopper Request Stages"

    ps_stage = fields.Selection(
        const.STAGE_SELECTION,
        string="Shopper stage",
        copy=False,
        index=True,
        readonly=True,
        group_expand="_group_expand_ps_stage",
    )
    ps_stage_date = fields.Datetime(
        string="In this stage since", copy=False, readonly=True
    )
    # The history is the one record of the stages a request went through: the
    # customer's timeline reads its dates, staff read it on the form (who and
    # when). ps_stage is not tracked in the chatter, which would repeat it.
    ps_stage_history_ids = fields.One2many(
        "personal.shopper.stage.history",
        "order_id",
        string="Stage history",
        readonly=True,
    )
    ps_payment_kind = fields.Selection(
        [("deposit", "Deposit"), ("balance", "Balance")],
        string="Payment awaited",
        compute="_compute_ps_stage_flags",
        search="_search_ps_payment_kind",
    )
    ps_in_review = fields.Boolean(
        string="Proof to check",
        compute="_compute_ps_stage_flags",
        search="_search_ps_in_review",
    )
    ps_is_cancellable = fields.Boolean(
        string="Can be cancelled",
        compute="_compute_ps_stage_flags",
        search="_search_ps_is_cancellable",
    )
    ps_is_closed = fields.Boolean(
        string="Closed",
        compute="_compute_ps_stage_flags",
        search="_search_ps_is_closed",
    )

    @api.model
    def _group_expand_ps_stage(self, stages, domain):
        return [stage.key for stage in const.STAGES]

    @api.depends("ps_stage")
    def _compute_ps_stage_flags(self):
        for order in self:
            stage = const.BY_KEY.get(order.ps_stage) or const.Stage(False, "")
            order.ps_payment_kind = stage.payment or False
            order.ps_in_review = stage.review
            order.ps_is_cancellable = stage.cancellable
            order.ps_is_closed = stage.closed

    def _ps_search_stages(self, operator, value, keys):
        if operator not in ("=", "!="):
            return NotImplemented
        positive = (operator == "=") == bool(value)
        return [("ps_stage", "in" if positive else "not in", list(keys))]

    def _search_ps_payment_kind(self, operator, value):
        if operator == "in":
            keys = [key for kind in value for key in const.stages(payment=kind)]
            return [("ps_stage", "in", keys)]
        if operator not in ("=", "!="):
            return NotImplemented
        keys = const.stages(payment=value) if value else const.payment_stages()
        positive = (operator == "=") == bool(value)
        return [("ps_stage", "in" if positive else "not in", list(keys))]

    def _search_ps_in_review(self, operator, value):
        return self._ps_search_stages(operator, value, const.stages(review=True))

    def _search_ps_is_cancellable(self, operator, value):
        return self._ps_search_stages(operator, value, const.cancellable_stages())

    def _search_ps_is_closed(self, operator, value):
        return self._ps_search_stages(operator, value, const.stages(closed=True))

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _ps_stage_label(self, stage=None):
        self.ensure_one()
        stage = stage or self.ps_stage
        return dict(self._fields["ps_stage"]._description_selection(self.env)).get(
            stage, stage
        )

    def _ps_check_staff(self):
        """Staff actions are for the personal-shopper team (and the system):
        a plain salesman may read the requests but not run their steps."""
        if self.env.su or self.env.user.has_group(
            "personal_shopper.group_personal_shopper_user"
        ):
            return
        raise AccessError(
            _("Only the personal shopper team can run the steps of a request.")
        )

    def _ps_check_transition(self, new_stage):
        for order in self:
            if not order.is_personal_shopper:
                raise UserError(_("%s is not a personal shopper request.", order.name))
            stage = const.BY_KEY[order.ps_stage]
            if new_stage == "cancelled":
                if not stage.cancellable:
                    raise UserError(
                        _(
                            "%(order)s cannot be cancelled at this stage "
                            "(%(stage)s): the articles are bought.",
                            order=order.name,
                            stage=order._ps_stage_label(),
                        )
                    )
                continue
            if new_stage not in stage.next:
                raise UserError(
                    _(
                        "%(order)s cannot go from “%(old)s” to “%(new)s”.",
                        order=order.name,
                        old=order._ps_stage_label(),
                        new=order._ps_stage_label(new_stage),
                    )
                )
            target = const.BY_KEY[new_stage]
            if target.reached_by_paying and not order._ps_is_paid(
                target.reached_by_paying
            ):
                raise UserError(
                    _(
                        "The %(payment)s of %(order)s is not paid yet.",
                        payment=order._ps_payment_label(target.reached_by_paying),
                        order=order.name,
                    )
                )
            if const.STAGE_ORDER[new_stage] > const.STAGE_ORDER[
                const.paid_stage("deposit")
            ] and not order._ps_is_paid("deposit"):
                raise UserError(_("The deposit of %s is not paid yet.", order.name))
            if new_stage == "delivered" and not order._ps_is_paid("balance"):
                raise UserError(_("The balance of %s is not paid yet.", order.name))
            if new_stage == const.pending_stage("balance") and (
                order.ps_final_invoice_id.state != "posted"
            ):
                raise UserError(_("Issue the final invoice of %s first.", order.name))

    def _ps_payment_label(self, kind):
        return {"deposit": _("deposit"), "balance": _("balance")}[kind]

    def _ps_set_stage(self, new_stage, notify=True):
        """Move the requests to ``new_stage`` after checking the transition,
        keep the history and tell the customer."""
        self._ps_check_transition(new_stage)
        now = fields.Datetime.now()
        for order in self:
            if order.ps_stage == new_stage:
                continue
            order.with_context(ps_flow=True).write(
                {
                    "ps_stage": new_stage,
                    "ps_stage_date": now,
                    "ps_last_reminder_date": False,
                }
            )
            self.env["personal.shopper.stage.history"].sudo().create(
                {"order_id": order.id, "stage": new_stage, "date": now}
            )
            if notify:
                order._ps_notify_stage()
        return True

    def _ps_notify_stage(self):
        template = self.env.ref("personal_shopper.mail_template_ps_stage_change")
        for order in self:
            order._ps_send_to_customer(template)

    # ------------------------------------------------------------------
    # Staff steps
    # ------------------------------------------------------------------
    def action_ps_mark_purchased(self):
        self._ps_check_staff()
        return self._ps_set_stage("purchased")

    def action_ps_mark_in_transit(self):
        self._ps_check_staff()
        return self._ps_set_stage("in_transit")

    def action_ps_mark_arrived(self):
        self._ps_check_staff()
        return self._ps_set_stage("arrived")

    def action_ps_mark_delivered(self):
        self._ps_check_staff()
        self._ps_set_stage("delivered")
        self.activity_feedback(["personal_shopper.mail_activity_type_ps_todo"])
        return True

    # ------------------------------------------------------------------
    # Portal timeline
    # ------------------------------------------------------------------
    def _ps_portal_timeline(self):
        """[(stage key, label, date or False, state)], state in done/current/todo."""
        self.ensure_one()
        # the last date of each stage reached, in one query whatever the
        # length of the history (orderperf): the history is ordered by date,
        # so its last entry of a stage is the one of its latest date
        reached = dict(
            self.env["personal.shopper.stage.history"]._read_group(
                [("order_id", "=", self.id)], ["stage"], ["date:max"]
            )
        )
        labels = dict(self._fields["ps_stage"]._description_selection(self.env))
        current = const.STAGE_ORDER.get(self.ps_stage, 0)
        cancelled = self.ps_stage == "cancelled"
        timeline = []
        for stage in const.STAGES:
            if stage.key in ("cart", "cancelled"):
                continue
            index = const.STAGE_ORDER[stage.key]
            if cancelled:
                state = "done" if stage.key in reached else "todo"
            elif index < current:
                state = "done"
            elif index == current:
                state = "current"
            else:
                state = "todo"
            if state == "todo" and stage.review and stage.key not in reached:
                continue  # only shown when it happened
            timeline.append(
                (stage.key, labels[stage.key], reached.get(stage.key), state)
            )
        if cancelled:
            timeline.append(
                ("cancelled", labels["cancelled"], reached.get("cancelled"), "current")
            )
        return timeline
