from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round, formatLang
from odoo.tools.safe_eval import safe_eval

# Volumetric weight = length x width x height (cm) / divisor (cm3 per kg):
# the carriers' usual divisors.
DEFAULT_VOLUMETRIC_DIVISOR = 5000.0


class DeliveryCarrier(models.Model):
    """The actual transport of personal-shopper requests is priced by Odoo's
    own "based on rules" delivery methods (``delivery.carrier`` with its
    ``delivery.price.rule`` lines and its country/state/zip zone): one method
    per destination zone and transport mode (air, sea). Odoo's carriers price
    an order from its products' weights; a request's articles come from
    foreign shops and are weighed and measured at reception, so the chargeable
    weight (the larger of the actual and the volumetric weight, whose divisor
    Odoo does not know) is computed here and fed to Odoo's rule computation
    (``_get_price_from_picking``). The minimum charge and the insurance on the
    declared value are kept here too: Odoo's rules have neither."""

    _inherit = "delivery.carrier"

    ps_transport_mode = fields.Selection(
        [("air", "Air"), ("sea", "Sea")],
        string="Transport mode",
        help="Personal shopper shipments: how this method carries the parcels.",
    )
    ps_volumetric_divisor = fields.Float(
        string="Volumetric divisor",
        default=DEFAULT_VOLUMETRIC_DIVISOR,
        help="Volumetric weight (kg) = length x width x height (cm) / divisor. "
        "Usually 5000 by air, 1000 by sea. The chargeable weight is the larger "
        "of the actual and the volumetric weight.",
    )
    ps_minimum_charge = fields.Float(
        string="Minimum charge",
        digits="Product Price",
        help="The transport (insurance aside) is never billed less than this.",
    )
    ps_insurance_percent = fields.Float(
        string="Insurance (%)",
        help="Optional insurance of the requests: this percentage of the "
        "declared value of their articles.",
    )
    ps_insurance_min = fields.Float(
        string="Minimum insurance",
        digits="Product Price",
    )

    @api.constrains(
        "ps_volumetric_divisor",
        "ps_minimum_charge",
        "ps_insurance_percent",
        "ps_insurance_min",
    )
    def _check_ps_transport_rules(self):
        for carrier in self:
            if carrier.ps_volumetric_divisor <= 0:
                raise ValidationError(_("The volumetric divisor must be positive."))
            if (
                min(
                    carrier.ps_minimum_charge,
                    carrier.ps_insurance_percent,
                    carrier.ps_insurance_min,
                )
                < 0
            ):
                raise ValidationError(
                    _("Minimum charge and insurance cannot be negative.")
                )

    def _ps_chargeable_weight(self, weight, volume_cm3):
        """(volumetric weight, chargeable weight) in kg."""
        self.ensure_one()
        volumetric = volume_cm3 / (
            self.ps_volumetric_divisor or DEFAULT_VOLUMETRIC_DIVISOR
        )
        return volumetric, max(weight, volumetric)

    def _ps_rate(
        self,
        weight,
        volume_cm3,
        declared_value=0.0,
        quantity=1,
        insured=False,
        partner=None,
    ):
        """Price a parcel of ``weight`` kg and ``volume_cm3`` by this method's
        rules, in the company's currency. ``declared_value`` (company currency)
        is Odoo's "price" variable of the rules and the base of the insurance.
        Raises UserError when the method does not serve ``partner``'s address
        or no rule matches."""
        self.ensure_one()
        carrier = self.sudo()
        if carrier.delivery_type != "base_on_rule":
            raise UserError(
                _(
                    "%s is not priced by rules: choose a delivery method "
                    "“Based on Rules”.",
                    carrier.name,
                )
            )
        if partner and not carrier._match_address(partner):
            raise UserError(
                _(
                    "%(method)s does not deliver to %(address)s.",
                    method=carrier.name,
                    address=partner.display_name,
                )
            )
        volumetric, chargeable = carrier._ps_chargeable_weight(weight, volume_cm3)
        volume_m3 = volume_cm3 / 1e6
        price_dict = carrier._get_price_dict(
            declared_value, chargeable, volume_m3, quantity
        )
        rule = carrier.price_rule_ids.filtered(
            lambda rule: safe_eval(
                f"{rule.variable}{rule.operator}{rule.max_value}", price_dict
            )
        )[:1]
        if not rule:
            raise UserError(
                _(
                    "No price rule of %(method)s applies to %(weight)s kg.",
                    method=carrier.name,
                    weight=float_round(chargeable, 3),
                )
            )
        # Odoo's own computation (the same first matching rule), then its margins
        freight = carrier._apply_margins(
            carrier._get_price_from_picking(
                declared_value, chargeable, volume_m3, quantity
            )
        )
        minimum_applied = freight < carrier.ps_minimum_charge
        freight = max(freight, carrier.ps_minimum_charge)
        insurance = 0.0
        if insured and carrier.ps_insurance_percent:
            insurance = max(
                declared_value * carrier.ps_insurance_percent / 100.0,
                carrier.ps_insurance_min,
            )
        currency = (carrier.company_id or self.env.company).currency_id
        return {
            "carrier": carrier,
            "rule": rule,
            "weight": weight,
            "volume": volume_cm3,
            "volumetric_weight": volumetric,
            "chargeable_weight": chargeable,
            "declared_value": declared_value,
            "freight": currency.round(freight),
            "minimum_applied": minimum_applied,
            "insurance": currency.round(insurance),
            "total": currency.round(freight) + currency.round(insurance),
            "currency": currency,
        }

    def _ps_rate_note(self, rate):
        """The rule applied to ``rate`` (a ``_ps_rate`` result), in words, in
        the language of the environment: shown on the final invoice's
        transport line and to the customer."""
        self.ensure_one()
        currency = rate["currency"]

        def amount(value):
            return formatLang(self.env, value, currency_obj=currency)

        def kg(value):
            return formatLang(self.env, value, digits=2)

        modes = dict(self._fields["ps_transport_mode"]._description_selection(self.env))
        mode = f" ({modes[self.ps_transport_mode]})" if self.ps_transport_mode else ""
        parts = [
            _(
                "%(method)s%(mode)s: chargeable weight %(chargeable)s kg "
                "(actual %(weight)s kg, volumetric %(volumetric)s kg = "
                "%(volume)s cm³ / %(divisor)s)",
                method=self.name,
                mode=mode,
                chargeable=kg(rate["chargeable_weight"]),
                weight=kg(rate["weight"]),
                volumetric=kg(rate["volumetric_weight"]),
                volume=formatLang(self.env, rate["volume"], digits=0),
                divisor=formatLang(self.env, self.ps_volumetric_divisor, digits=0),
            ),
            _("rule: %s", rate["rule"].name),
        ]
        if rate["minimum_applied"]:
            parts.append(_("minimum charge %s applied", amount(self.ps_minimum_charge)))
        parts.append(_("transport %s", amount(rate["freight"])))
        if rate["insurance"]:
            parts.append(
                _(
                    "insurance %(percent)s%% of %(value)s (minimum %(minimum)s): "
                    "%(insurance)s",
                    percent=formatLang(self.env, self.ps_insurance_percent),
                    value=amount(rate["declared_value"]),
                    minimum=amount(self.ps_insurance_min),
                    insurance=amount(rate["insurance"]),
                )
            )
        return "; ".join(parts)

    def _ps_tracking_url(self, reference):
        """The carrier's tracking link of ``reference`` (Odoo's tracking URL
        template, with ``<shipmenttrackingnumber>``)."""
        self.ensure_one()
        if not self.tracking_url or not reference:
            return False
        return self.tracking_url.replace("<shipmenttrackingnumber>", reference)
