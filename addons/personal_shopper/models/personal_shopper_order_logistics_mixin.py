from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang


class PersonalShopperOrderLogisticsMixin(models.AbstractModel):
    """Logistics of a request: what the warehouse received (weights,
    dimensions, photos, condition), its shipment (carrier, tracking) and its
    actual transport priced by the carrier's rules, billed on the final
    invoice. Kept apart from the stage and payment mixins, whose final
    invoice step it completes (listed before them in sale.order's
    ``_inherit``, so that its overrides come before theirs); its override of
    Odoo's ``write`` is in sale_order.py."""

    _name = "personal.shopper.order.logistics.mixin"
    _description = "Personal Shopper Request Logistics"

    # the request's currency (sale.order's own field, declared for the
    # amounts below)
    currency_id = fields.Many2one("res.currency")

    ps_reception_ids = fields.One2many(
        "personal.shopper.reception", "order_id", string="Reception"
    )
    ps_weight = fields.Float(
        string="Received weight (kg)",
        compute="_compute_ps_measures",
        store=True,
        digits="Stock Weight",
    )
    ps_volume = fields.Float(
        string="Received volume (cm³)",
        compute="_compute_ps_measures",
        store=True,
        digits=(16, 0),
    )
    ps_decision_count = fields.Integer(
        string="Decisions awaited", compute="_compute_ps_decision_count"
    )
    ps_insure = fields.Boolean(
        string="Insure the transport",
        help="Insure the articles during the transport: the carrier's "
        "insurance rate applies to their declared value.",
    )
    ps_shipment_id = fields.Many2one(
        "personal.shopper.shipment",
        string="Shipment",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    ps_shipment_state = fields.Selection(related="ps_shipment_id.state")
    # the transport is one record, the shipment: the request shows its
    # carrier and tracking number
    ps_carrier_id = fields.Many2one(
        related="ps_shipment_id.carrier_id", string="Carrier"
    )
    ps_tracking_ref = fields.Char(
        related="ps_shipment_id.tracking_ref", string="Tracking number"
    )
    ps_tracking_url = fields.Char(
        related="ps_shipment_id.tracking_url", string="Tracking link"
    )
    ps_chargeable_weight = fields.Float(
        string="Chargeable weight (kg)",
        readonly=True,
        copy=False,
        digits="Stock Weight",
    )
    ps_transport_rule_amount = fields.Monetary(
        string="Transport by the rules",
        readonly=True,
        copy=False,
        help="This request's actual transport (insurance included), computed "
        "from its shipment's carrier rules.",
    )
    ps_transport_insurance = fields.Monetary(
        string="Insurance", readonly=True, copy=False
    )
    ps_transport_by_rule = fields.Boolean(readonly=True, copy=False)
    # Read by the final invoice's page: the rule applied, in words, in the
    # customer's language (set when the actual transport is computed).
    ps_transport_rule_note = fields.Text(
        string="Transport rule applied", readonly=True, copy=False
    )
    ps_transport_override_reason = fields.Char(
        string="Reason of the typed transport",
        copy=False,
        help="Required when the typed actual transport replaces the one "
        "computed from the carrier's rules.",
    )

    @api.depends("ps_reception_ids.weight", "ps_reception_ids.volume")
    def _compute_ps_measures(self):
        for order in self:
            order.ps_weight = sum(order.ps_reception_ids.mapped("weight"))
            order.ps_volume = sum(order.ps_reception_ids.mapped("volume"))

    @api.depends("ps_reception_ids.decision_needed")
    def _compute_ps_decision_count(self):
        for order in self:
            order.ps_decision_count = len(
                order.ps_reception_ids.filtered("decision_needed")
            )

    @api.constrains("ps_shipment_id", "partner_id")
    def _check_ps_shipment(self):
        # one customer per shipment (the shipment checks its requests)
        self.ps_shipment_id._check_orders()

    # ------------------------------------------------------------------
    # Stages follow the shipment
    # ------------------------------------------------------------------
    def _ps_refuse_if_shipped(self):
        shipped = self.filtered("ps_shipment_id")
        if shipped:
            raise UserError(
                _(
                    "%(orders)s follow their shipment %(shipments)s: ship it or "
                    "mark it arrived instead.",
                    orders=", ".join(shipped.mapped("name")),
                    shipments=", ".join(shipped.ps_shipment_id.mapped("name")),
                )
            )

    def action_ps_mark_in_transit(self):
        self._ps_refuse_if_shipped()
        return super().action_ps_mark_in_transit()

    def action_ps_mark_arrived(self):
        self._ps_refuse_if_shipped()
        return super().action_ps_mark_arrived()

    def action_ps_shipment(self):
        """Open the request's shipment, creating it (for this request alone)
        if there is none yet."""
        self.ensure_one()
        self._ps_check_staff()
        if not self.ps_shipment_id:
            if self.ps_stage != "purchased":
                raise UserError(_("Only purchased requests can be shipped."))
            shipment = self.env["personal.shopper.shipment"].create(
                {
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "company_id": self.company_id.id,
                }
            )
            self.ps_shipment_id = shipment
        return {
            "type": "ir.actions.act_window",
            "res_model": "personal.shopper.shipment",
            "res_id": self.ps_shipment_id.id,
            "view_mode": "form",
        }

    def action_ps_open_shipment(self):
        """ "Mark in transit" on the request form: a request goes in transit
        with its carrier and tracking number, i.e. by a shipment. Open a new
        shipment form for this request (not saved yet): the staff choose the
        carrier, type the tracking number and click Ship, which moves the
        request through the stage machine and e-mails the tracking.
        ``action_ps_mark_in_transit`` stays the step called from code."""
        self.ensure_one()
        self._ps_check_staff()
        if self.ps_shipment_id:
            return self.action_ps_shipment()
        if self.ps_stage != "purchased":
            raise UserError(_("Only purchased requests can be shipped."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Ship %s", self.name),
            "res_model": "personal.shopper.shipment",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_company_id": self.company_id.id,
                "default_order_ids": [Command.set(self.ids)],
            },
        }

    # ------------------------------------------------------------------
    # Consolidation (the customer's demand, from the portal)
    # ------------------------------------------------------------------
    def _ps_waits_at_warehouse(self):
        self.ensure_one()
        return (
            self.ps_stage == "purchased"
            and bool(self.ps_reception_ids)
            and self.ps_shipment_id.state in (False, "draft")
        )

    def _ps_consolidation_candidates(self):
        """The customer's other requests waiting at the warehouse that may be
        shipped with this one."""
        self.ensure_one()
        if not self._ps_waits_at_warehouse():
            return self.browse()
        others = self.sudo().search(
            [
                ("is_personal_shopper", "=", True),
                ("ps_stage", "=", "purchased"),
                ("id", "!=", self.id),
                (
                    "partner_id",
                    "child_of",
                    self.partner_id.commercial_partner_id.id,
                ),
                ("company_id", "=", self.company_id.id),
            ]
        )
        return others.filtered(
            lambda o: (
                o._ps_waits_at_warehouse()
                and (not self.ps_shipment_id or o.ps_shipment_id != self.ps_shipment_id)
            )
        )

    def _ps_consolidate(self, others):
        """Ship ``others`` (requests of the same customer waiting at the
        warehouse) together with this request, in one shipment, and ask the
        staff to prepare it."""
        self.ensure_one()
        self._ps_lock()
        candidates = self._ps_consolidation_candidates()
        if not others or others - candidates:
            raise UserError(
                _("These requests cannot be shipped together with %s.", self.name)
            )
        orders = (self | others).sudo()
        shipment = orders.ps_shipment_id.sorted("id")[:1]
        if not shipment:
            shipment = (
                self.env["personal.shopper.shipment"]
                .sudo()
                .create(
                    {
                        "partner_id": self.partner_id.commercial_partner_id.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
        emptied = orders.ps_shipment_id - shipment
        orders.write({"ps_shipment_id": shipment.id})
        emptied.filtered(lambda s: not s.order_ids).unlink()
        shipment.message_post(
            body=_(
                "The customer asked to ship %s together.",
                ", ".join(shipment.order_ids.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.sudo()._ps_schedule_staff_activity(
            _("Ship %s together", ", ".join(shipment.order_ids.mapped("name"))),
            _(
                "The customer asked to consolidate these requests in the shipment %s.",
                shipment.name,
            ),
        )
        return shipment

    # ------------------------------------------------------------------
    # Actual transport, by the carrier's rules
    # ------------------------------------------------------------------
    def _ps_set_rule_transport(self, shipment, rate, freight, insurance, chargeable):
        """Record this request's part of the shipment's ``rate`` (company
        currency amounts) and the rule applied in the customer's language."""
        self.ensure_one()
        company = shipment.company_id

        def convert(amount):
            return self.currency_id.round(
                company.currency_id._convert(
                    amount,
                    self.currency_id,
                    company,
                    self.date_order or fields.Date.context_today(self),
                )
            )

        lang_self = self.with_context(lang=self.partner_id.lang)
        carrier = rate["carrier"].with_context(lang=self.partner_id.lang)
        note = carrier._ps_rate_note(rate)
        if len(shipment.order_ids) > 1:
            if freight or insurance:
                note += "\n" + lang_self._ps_share_note(
                    shipment, chargeable, convert(freight + insurance)
                )
            else:
                note += "\n" + lang_self._ps_billed_with_note(shipment)
        self.write(
            {
                "ps_chargeable_weight": chargeable,
                "ps_transport_rule_amount": convert(freight + insurance),
                "ps_transport_insurance": convert(insurance),
                "ps_transport_rule_note": note,
                "ps_transport_by_rule": True,
            }
        )

    def _ps_billed_with_note(self, shipment):
        return _(
            "Billed with request %(order)s of the shipment %(shipment)s.",
            order=shipment.order_ids.sorted("id")[:1].name,
            shipment=shipment.name,
        )

    def _ps_override_note(self):
        return _("Set by our team: %s", self.ps_transport_override_reason)

    def _ps_share_note(self, shipment, chargeable, amount):
        return _(
            "Shipment %(shipment)s of %(count)s requests: this request's share "
            "(chargeable weight %(chargeable)s kg of %(total)s kg): %(amount)s.",
            shipment=shipment.name,
            count=len(shipment.order_ids),
            chargeable=formatLang(self.env, chargeable, digits=2),
            total=formatLang(self.env, shipment.chargeable_weight, digits=2),
            amount=formatLang(self.env, amount, currency_obj=self.currency_id),
        )

    def _ps_prepare_final_transport(self):
        """Before the final invoice: the transport line bills the amount of
        the carrier's rules (its description tells the weights and the rule),
        unless staff typed the actual transport (with a reason)."""
        self.ensure_one()
        shipment = self.ps_shipment_id
        if not self.ps_transport_by_rule and shipment.carrier_id:
            shipment._ps_compute_transport()
        if not self.ps_transport_by_rule:
            return  # no rule: the typed amount or the estimate, as before
        product = self.company_id.ps_transport_product_id
        lang_self = self.with_context(lang=self.partner_id.lang)
        product_name = product.with_context(lang=self.partner_id.lang).display_name
        if self.ps_transport_final:
            if not (self.ps_transport_override_reason or "").strip():
                raise UserError(
                    _(
                        "%s: give the reason why the typed actual transport "
                        "replaces the one computed from the carrier's rules.",
                        self.name,
                    )
                )
            description = f"{product_name}\n{lang_self._ps_override_note()}"
            # the payment mixin sets the typed price on this line
            self._ps_set_fee_line(product, self.ps_transport_final)
        else:
            self._ps_set_fee_line(product, self.ps_transport_rule_amount)
            description = f"{product_name}\n{self.ps_transport_rule_note}"
        self.order_line.filtered(lambda line: line.product_id == product)[:1].write(
            {"name": description}
        )

    def action_ps_issue_final_invoice(self):
        self._ps_check_staff()
        for order in self.filtered(lambda o: o.ps_stage == "arrived"):
            order._ps_prepare_final_transport()
        return super().action_ps_issue_final_invoice()
