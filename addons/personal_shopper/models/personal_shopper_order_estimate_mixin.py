from odoo import _, fields, models
from odoo.tools import format_amount


class PersonalShopperOrderEstimateMixin(models.AbstractModel):
    """No surprise on the bill: the proforma states the exchange rates it
    uses (per shop currency, with their date) and the rule of its transport
    estimate; accepting it locks the rates, the quantities and the amounts
    (``sale.order.line._ps_lock_estimate``); once the final invoice exists
    the customer sees the estimate and the actual amounts side by side, with
    the reason of each difference.

    The amounts of a request never follow Odoo's rates by themselves: staff
    convert a shop price once (``ps_exchange_rate``) into the line's price.
    Unless the company bills at the purchase day's rates
    (``res.company.ps_final_rate_purchase_day``), the final invoice thus
    bills the accepted prices."""

    _name = "personal.shopper.order.estimate.mixin"
    _description = "Personal Shopper Request Estimate"

    # the request's currency (sale.order's own field, declared for the
    # amounts below)
    currency_id = fields.Many2one("res.currency")

    ps_estimate_amount_total = fields.Monetary(
        string="Total of the accepted proforma", copy=False, readonly=True
    )
    ps_estimate_deposit_amount = fields.Monetary(
        string="Deposit of the accepted proforma", copy=False, readonly=True
    )

    # ------------------------------------------------------------------
    # Exchange rates and transport rule, as the customer is told
    # ------------------------------------------------------------------
    def _ps_exchange_rates(self):
        """The rates of the articles' shop currencies, one per currency (and
        rate): [{"currency", "rate", "date", "text"}]."""
        self.ensure_one()
        rates = {}
        for line in self.order_line.filtered(
            lambda line: (
                line.ps_is_article
                and line.ps_shop_currency_id
                and line.ps_shop_currency_id != self.currency_id
                and line.ps_exchange_rate
            )
        ):
            rate = line.ps_locked_exchange_rate or line.ps_exchange_rate
            date = line._ps_rate_date()
            key = (line.ps_shop_currency_id.id, round(rate, 6), date)
            rates.setdefault(
                key,
                {
                    "currency": line.ps_shop_currency_id,
                    "rate": rate,
                    "date": date,
                    "text": line._ps_rate_text(rate, date),
                },
            )
        return sorted(rates.values(), key=lambda r: (r["currency"].name, r["date"]))

    def _ps_rates_locked(self):
        self.ensure_one()
        return any(self.order_line.mapped("ps_rate_locked_date"))

    def _ps_rate_policy_text(self):
        """What happens to the exchange rates, in words for the customer."""
        self.ensure_one()
        if self.company_id.ps_final_rate_purchase_day:
            return _(
                "The final invoice converts the shop prices at the exchange "
                "rates of the day we buy your articles."
            )
        if self._ps_rates_locked():
            return _(
                "These rates were locked when you accepted the proforma: the "
                "final invoice uses them."
            )
        return _(
            "These rates are locked when you accept the proforma: the final "
            "invoice uses them."
        )

    def _ps_transport_rule_text(self):
        """The rule the transport estimate comes from (today: a share of the
        articles with a minimum, the company's settings)."""
        self.ensure_one()
        company = self.company_id
        minimum = company.currency_id._convert(
            company.ps_transport_min,
            self.currency_id,
            company,
            self.date_order or fields.Date.context_today(self),
        )
        return _(
            "Estimate: %(percent)s%% of the articles, at least %(minimum)s",
            percent=format(company.ps_transport_percent, "g"),
            minimum=format_amount(self.env, minimum, self.currency_id),
        )

    # ------------------------------------------------------------------
    # Acceptance locks the estimate
    # ------------------------------------------------------------------
    def _ps_accept_proforma(self):
        # the dates of the rates, before Odoo moves the order's date to the
        # confirmation
        rate_dates = {line.id: line._ps_rate_date() for line in self.order_line}
        accepted = super()._ps_accept_proforma()
        if accepted:
            self.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )._ps_lock_estimate(rate_dates)
            self.sudo().write(
                {
                    "ps_estimate_amount_total": sum(
                        self.order_line.filtered("ps_estimated").mapped(
                            "ps_estimate_price_total"
                        )
                    ),
                    "ps_estimate_deposit_amount": self.ps_deposit_amount,
                }
            )
        return accepted

    # ------------------------------------------------------------------
    # Final invoice
    # ------------------------------------------------------------------
    def action_ps_issue_final_invoice(self):
        self._ps_check_staff()
        for order in self.filtered(
            lambda o: (
                o.company_id.ps_final_rate_purchase_day and o.ps_stage == "arrived"
            )
        ):
            order._ps_apply_purchase_day_rates()
        return super().action_ps_issue_final_invoice()

    def _ps_purchase_date(self):
        self.ensure_one()
        history = self.ps_stage_history_ids.filtered(lambda h: h.stage == "purchased")
        return (history[-1:].date or self.date_order or fields.Datetime.now()).date()

    def _ps_apply_purchase_day_rates(self):
        """Convert the shop prices of the articles at Odoo's rates of the
        purchase day (company setting), keeping the rate used on the line."""
        self.ensure_one()
        date = self._ps_purchase_date()
        has_outcome = "ps_outcome" in self.order_line._fields
        for line in self.order_line.filtered(
            lambda line: (
                line.ps_is_article
                and line.ps_shop_currency_id
                and line.ps_shop_price_unit
                and line.product_uom_qty
                # an article bought at another price, or an alternative, is
                # billed at the price the staff recorded (articles' outcomes)
                and (not has_outcome or line.ps_outcome in (False, "bought"))
            )
        ):
            rate = line.ps_shop_currency_id._convert(
                1.0, self.currency_id, self.company_id, date, round=False
            )
            line.sudo().write(
                {
                    "ps_final_exchange_rate": rate,
                    "ps_final_rate_date": date,
                    "price_unit": self.currency_id.round(
                        line.ps_shop_price_unit * rate
                    ),
                }
            )

    def _ps_line_outcome_text(self, line):
        """The outcome the staff recorded on an article (unavailable,
        alternative, price changed…), when the per-article outcome fields
        exist; else False."""
        for name in ("ps_outcome", "ps_article_outcome", "ps_article_state"):
            field = line._fields.get(name)
            if field and line[name]:
                if field.type == "selection":
                    return dict(field._description_selection(self.env)).get(
                        line[name], line[name]
                    )
                return (
                    line[name].display_name
                    if field.type == "many2one"
                    else str(line[name])
                )
        return False

    def _ps_estimate_vs_actual(self):
        """Rows of the estimate (accepted proforma) against the actual
        amounts (final invoice), with the reason of each difference:
        [{"label", "estimate", "actual", "difference", "reason"}]."""
        self.ensure_one()
        currency = self.currency_id
        transport_product = self.company_id.ps_transport_product_id
        rows = []
        for line in self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        ):
            estimate = line.ps_estimate_price_total if line.ps_estimated else 0.0
            actual = line.price_total
            difference = actual - estimate
            changed = not currency.is_zero(difference)
            outcome = line._fields.get("ps_outcome") and line["ps_outcome"]
            reason = ""
            if outcome not in (False, "bought"):
                # unavailable, another price, an alternative (articles' outcome)
                reason = self._ps_line_outcome_text(line) or ""
            if changed and not reason:
                if not line.ps_estimated:
                    reason = _("Added after the proforma")
                elif line.product_id == transport_product:
                    # the rule of the actual transport, when the logistics
                    # computed it (logistics mixin), and the estimate's
                    actual_rule = (
                        "ps_transport_rule_note" in self._fields
                        and self.ps_transport_rule_note
                    )
                    reason = _(
                        "Actual transport cost: %(actual)s (%(estimate)s)",
                        actual=actual_rule or _("as billed by the carrier"),
                        estimate=self._ps_transport_rule_text(),
                    )
                elif line.product_id == self.company_id.ps_service_fee_product_id:
                    reason = _("Service fee on the articles bought")
                elif line.product_uom_qty != line.ps_estimate_qty:
                    reason = _(
                        "Quantity changed: %(before)s → %(after)s",
                        before=format(line.ps_estimate_qty, "g"),
                        after=format(line.product_uom_qty, "g"),
                    )
                elif line.ps_final_exchange_rate:
                    reason = _(
                        "Converted at the purchase day's rate: %s",
                        line._ps_rate_text(
                            line.ps_final_exchange_rate, line.ps_final_rate_date
                        ),
                    )
                else:
                    reason = _("Price changed")
            rows.append(
                {
                    "label": line.ps_article_name or line.product_id.display_name,
                    "estimate": estimate,
                    "actual": actual,
                    "difference": difference,
                    "reason": reason,
                }
            )
        deposit = self.ps_deposit_invoice_id
        if deposit:
            estimate = -self.ps_estimate_deposit_amount
            actual = -deposit.amount_total
            rows.append(
                {
                    "label": _("Deposit (invoice %s)", deposit.name),
                    "estimate": estimate,
                    "actual": actual,
                    "difference": actual - estimate,
                    "reason": "",
                }
            )
        # money given back (articles not bought: the article mixin's
        # refunds by credit notes), when that flow exists
        if "ps_refund_move_ids" in self._fields:
            state_field = self._fields["ps_refund_state"]
            for credit_note in self.ps_refund_move_ids.filtered(
                lambda m: m.state == "posted"
            ):
                state = dict(state_field._description_selection(self.env)).get(
                    self.ps_refund_state, ""
                )
                rows.append(
                    {
                        "label": _("Refund (credit note %s)", credit_note.name),
                        "estimate": 0.0,
                        "actual": credit_note.amount_total,
                        "difference": credit_note.amount_total,
                        "reason": state or "",
                    }
                )
        return rows

    def _ps_estimate_totals(self):
        """(estimated balance, actual balance) after the deposit."""
        self.ensure_one()
        estimate = self.ps_estimate_amount_total - self.ps_estimate_deposit_amount
        actual = self.ps_final_invoice_id.amount_total
        return estimate, actual

    def _ps_show_estimate_vs_actual(self):
        self.ensure_one()
        return bool(
            self.is_personal_shopper
            and self.ps_final_invoice_id
            and self.ps_stage != "cancelled"
            # requests accepted before the estimate was kept have none
            and any(self.order_line.mapped("ps_estimated"))
        )
