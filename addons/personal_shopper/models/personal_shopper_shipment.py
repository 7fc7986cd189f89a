from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

SHIPMENT_STATES = [
    ("draft", "Preparing"),
    ("in_transit", "In transit"),
    ("arrived", "Arrived at destination"),
]


class PersonalShopperShipment(models.Model):
    """One parcel (or consolidated parcels) sent by a carrier to a customer:
    one or more of their requests. Its carrier, tracking number and link are
    the one record of the transport (the request shows them); its weights and
    price come from the carrier's rules (``delivery.carrier._ps_rate``); the
    requests' stages follow it through the stage machine."""

    _name = "personal.shopper.shipment"
    _description = "Personal Shopper Shipment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(
        required=True, copy=False, readonly=True, default=lambda self: _("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    order_ids = fields.One2many(
        "sale.order",
        "ps_shipment_id",
        string="Requests",
        domain=[("is_personal_shopper", "=", True)],
    )
    order_count = fields.Integer(compute="_compute_order_count")
    state = fields.Selection(
        SHIPMENT_STATES, default="draft", required=True, tracking=True, copy=False
    )
    carrier_id = fields.Many2one(
        "delivery.carrier",
        tracking=True,
        domain="[('delivery_type', '=', 'base_on_rule'), "
        "'|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="A delivery method “Based on Rules”: its zone, price rules, "
        "volumetric divisor, minimum charge and insurance price the transport.",
    )
    transport_mode = fields.Selection(related="carrier_id.ps_transport_mode")
    tracking_ref = fields.Char(string="Tracking number", tracking=True, copy=False)
    tracking_url = fields.Char(string="Tracking link", compute="_compute_tracking_url")
    ship_date = fields.Datetime(string="Shipped on", readonly=True, copy=False)
    arrival_date = fields.Datetime(string="Arrived on", readonly=True, copy=False)
    weight = fields.Float(
        string="Weight (kg)", compute="_compute_measures", digits="Stock Weight"
    )
    volume = fields.Float(
        string="Volume (cm³)", compute="_compute_measures", digits=(16, 0)
    )
    volumetric_weight = fields.Float(
        string="Volumetric weight (kg)",
        compute="_compute_measures",
        digits="Stock Weight",
    )
    chargeable_weight = fields.Float(
        string="Chargeable weight (kg)",
        compute="_compute_measures",
        digits="Stock Weight",
    )
    transport_amount = fields.Monetary(
        string="Transport price",
        readonly=True,
        copy=False,
        help="Computed from the carrier's rules when the shipment arrives "
        "(or with “Compute transport”).",
    )
    rule_note = fields.Text(string="Rule applied", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "personal.shopper.shipment"
                ) or _("New")
        return super().create(vals_list)

    @api.depends("order_ids")
    def _compute_order_count(self):
        for shipment in self:
            shipment.order_count = len(shipment.order_ids)

    @api.depends("carrier_id.tracking_url", "tracking_ref")
    def _compute_tracking_url(self):
        for shipment in self:
            shipment.tracking_url = (
                shipment.carrier_id._ps_tracking_url(shipment.tracking_ref)
                if shipment.carrier_id
                else False
            )

    @api.depends(
        "order_ids.ps_reception_ids.weight",
        "order_ids.ps_reception_ids.volume",
        "carrier_id.ps_volumetric_divisor",
    )
    def _compute_measures(self):
        for shipment in self:
            receptions = shipment.order_ids.ps_reception_ids
            shipment.weight = sum(receptions.mapped("weight"))
            shipment.volume = sum(receptions.mapped("volume"))
            if shipment.carrier_id:
                volumetric, chargeable = shipment.carrier_id._ps_chargeable_weight(
                    shipment.weight, shipment.volume
                )
            else:
                volumetric, chargeable = 0.0, shipment.weight
            shipment.volumetric_weight = volumetric
            shipment.chargeable_weight = chargeable

    @api.constrains("order_ids", "partner_id")
    def _check_orders(self):
        for shipment in self:
            customer = shipment.partner_id.commercial_partner_id
            for order in shipment.order_ids:
                if not order.is_personal_shopper:
                    raise ValidationError(
                        _("%s is not a personal shopper request.", order.name)
                    )
                if order.partner_id.commercial_partner_id != customer:
                    raise ValidationError(
                        _(
                            "%(order)s is not a request of %(customer)s: a "
                            "shipment groups the requests of one customer.",
                            order=order.name,
                            customer=shipment.partner_id.display_name,
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_shipped(self):
        if any(shipment.state != "draft" for shipment in self):
            raise UserError(_("A shipment on its way cannot be deleted."))

    # ------------------------------------------------------------------
    # Transport price
    # ------------------------------------------------------------------
    def _ps_destination(self):
        self.ensure_one()
        return self.order_ids[:1].partner_shipping_id or self.partner_id

    def _ps_order_value(self, order):
        """The declared value of ``order``'s articles, company currency."""
        return order.currency_id._convert(
            order.ps_articles_amount,
            self.company_id.currency_id,
            self.company_id,
            order.date_order or fields.Date.context_today(self),
        )

    def _ps_compute_transport(self):
        """Price the shipment by its carrier's rules, then give each request
        its transport: split by chargeable weight (insurance by declared
        value), or all on one request (company setting)."""
        for shipment in self:
            carrier = shipment.carrier_id
            if not carrier:
                raise UserError(_("Choose the carrier of %s first.", shipment.name))
            orders = shipment.order_ids.sorted("id")
            if not orders:
                raise UserError(_("%s has no request.", shipment.name))
            insured = orders.filtered("ps_insure")
            values = {order: shipment._ps_order_value(order) for order in orders}
            rate = carrier._ps_rate(
                shipment.weight,
                shipment.volume,
                declared_value=sum(values[order] for order in insured),
                quantity=len(orders.ps_reception_ids) or 1,
                insured=bool(insured),
                partner=shipment._ps_destination(),
            )
            shipment.write(
                {
                    "transport_amount": rate["total"],
                    "rule_note": carrier._ps_rate_note(rate),
                }
            )
            shares = shipment._ps_split(rate, orders, insured, values)
            for order in orders:
                freight, insurance, chargeable = shares[order]
                order._ps_set_rule_transport(
                    shipment, rate, freight, insurance, chargeable
                )

    def _ps_split(self, rate, orders, insured, values):
        """{order: (freight, insurance, chargeable weight)} in the company's
        currency; the rounding difference goes to the last request."""
        self.ensure_one()
        currency = self.company_id.currency_id
        carrier = self.carrier_id
        chargeable = {
            order: carrier._ps_chargeable_weight(order.ps_weight, order.ps_volume)[1]
            for order in orders
        }
        if self.company_id.ps_shipment_billing == "single" or len(orders) == 1:
            first = orders[0]
            return {
                order: (
                    rate["freight"] if order == first else 0.0,
                    rate["insurance"] if order == first else 0.0,
                    chargeable[order],
                )
                for order in orders
            }

        def split(total, weights):
            result, left = {}, total
            base = sum(weights.values())
            keys = list(weights)
            for index, key in enumerate(keys):
                if index == len(keys) - 1:
                    result[key] = currency.round(left)
                elif base:
                    result[key] = currency.round(total * weights[key] / base)
                else:
                    result[key] = currency.round(total / len(keys))
                left -= result.get(key, 0.0)
            return result

        freights = split(rate["freight"], chargeable)
        insurances = (
            split(rate["insurance"], {order: values[order] for order in insured})
            if insured
            else {}
        )
        return {
            order: (freights[order], insurances.get(order, 0.0), chargeable[order])
            for order in orders
        }

    def action_compute_transport(self):
        self.env["sale.order"]._ps_check_staff()
        self._ps_compute_transport()
        return True

    # ------------------------------------------------------------------
    # Steps: the requests follow the shipment
    # ------------------------------------------------------------------
    def action_ship(self):
        """The parcel leaves with its carrier: its requests go in transit and
        the customer gets the tracking number by e-mail."""
        self.env["sale.order"]._ps_check_staff()
        template = self.env.ref("personal_shopper.mail_template_ps_shipment_tracking")
        for shipment in self:
            if shipment.state != "draft":
                raise UserError(_("%s has already left.", shipment.name))
            if not shipment.order_ids:
                raise UserError(_("Add the requests of %s first.", shipment.name))
            if not shipment.carrier_id or not shipment.tracking_ref:
                raise UserError(
                    _(
                        "Give the carrier and the tracking number of %s first.",
                        shipment.name,
                    )
                )
            not_ready = shipment.order_ids.filtered(lambda o: o.ps_stage != "purchased")
            if not_ready:
                raise UserError(
                    _(
                        "Only purchased requests can be shipped: %s.",
                        ", ".join(not_ready.mapped("name")),
                    )
                )
            shipment.write({"state": "in_transit", "ship_date": fields.Datetime.now()})
            orders = shipment.order_ids.sorted("id")
            # the tracking e-mail is the customer's news of this step
            orders._ps_set_stage("in_transit", notify=False)
            orders[0]._ps_send_to_customer(template)
        return True

    def action_arrive(self):
        """The parcel reached the destination: its requests arrive and their
        actual transport is computed from the carrier's rules."""
        self.env["sale.order"]._ps_check_staff()
        for shipment in self:
            if shipment.state != "in_transit":
                raise UserError(_("%s is not in transit.", shipment.name))
            shipment.write({"state": "arrived", "arrival_date": fields.Datetime.now()})
            shipment.order_ids.filtered(
                lambda o: o.ps_stage == "in_transit"
            )._ps_set_stage("arrived")
            try:
                with self.env.cr.savepoint():
                    shipment._ps_compute_transport()
            except UserError as error:
                # the parcel did arrive: the staff fix the rules, then compute
                shipment.message_post(
                    body=_("The transport could not be computed: %s", error.args[0]),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "personal_shopper.action_personal_shopper_order"
        )
        action["domain"] = [("id", "in", self.order_ids.ids)]
        return action
