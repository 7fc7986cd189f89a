from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount

# Fields only the flow writes (see PS_FLOW_FIELDS in sale_order.py, whose
# write refuses them outside the flow).
PS_REFUND_FLOW_FIELDS = {
    "ps_refund_state",
    "ps_refund_amount",
    "ps_refund_move_ids",
    "ps_refund_payment_ids",
    "ps_refund_start_date",
    "ps_refund_choice_date",
    "ps_refund_done_date",
}
REFUND_STATES = [
    ("to_choose", "Awaiting the customer's choice"),
    ("to_refund", "Refund to be paid"),
    ("refunded", "Refunded"),
    ("credit", "Kept as credit"),
]


class PersonalShopperOrderArticleMixin(models.AbstractModel):
    """Unavailable, changed or partly bought articles (issue 10) and the
    record of the purchase at the shops (issue 14).

    Staff record an outcome per article while the request is confirmed; a
    price above the rise the customer accepted asks them again in the portal.
    "Mark purchased" then applies the outcomes to the order lines (articles
    billed at what was bought, unavailable ones not billed, fees on what was
    bought) or cancels the request when the customer asked so or too little
    can be bought. What the customer paid beyond the new total is given back
    the Odoo way: a credit note (partial one on the deposit invoice, or the
    cancellation's), then a refund payment or customer credit as the customer
    chooses in the portal."""

    _name = "personal.shopper.order.article.mixin"
    _description = "Personal Shopper Request Article Outcomes"

    # the request's currency (sale.order's own field, declared for the
    # amounts below)
    currency_id = fields.Many2one("res.currency")

    ps_purchase_ids = fields.One2many(
        "personal.shopper.purchase", "order_id", string="Shop orders"
    )
    ps_price_pending_count = fields.Integer(
        string="New prices awaiting the customer",
        compute="_compute_ps_article_outcomes",
    )
    ps_price_to_ask_count = fields.Integer(
        string="New prices to ask", compute="_compute_ps_article_outcomes"
    )
    ps_available_percent = fields.Float(
        string="Share bought (%)",
        compute="_compute_ps_article_outcomes",
        help="Value of the articles bought (at the proforma's prices) over the "
        "value of all the articles.",
    )
    ps_refund_state = fields.Selection(
        REFUND_STATES, string="Refund", copy=False, readonly=True, index=True
    )
    ps_refund_amount = fields.Monetary(
        string="Amount to give back", copy=False, readonly=True
    )
    ps_refund_move_ids = fields.Many2many(
        "account.move",
        "sale_order_ps_refund_move_rel",
        "order_id",
        "move_id",
        string="Refund credit notes",
        copy=False,
        readonly=True,
    )
    ps_refund_payment_ids = fields.Many2many(
        "account.payment",
        "sale_order_ps_refund_payment_rel",
        "order_id",
        "payment_id",
        string="Refund payments",
        copy=False,
        readonly=True,
    )
    ps_refund_start_date = fields.Datetime(
        string="Refund due since", copy=False, readonly=True
    )
    ps_refund_choice_date = fields.Datetime(
        string="Refund chosen on", copy=False, readonly=True
    )
    ps_refund_done_date = fields.Datetime(
        string="Refunded on", copy=False, readonly=True
    )
    ps_refund_reminder_date = fields.Datetime(
        string="Refund reminder sent on", copy=False, readonly=True
    )

    @api.depends(
        "order_line.ps_outcome",
        "order_line.ps_needs_acceptance",
        "order_line.ps_price_acceptance",
        "order_line.ps_is_bought",
        "order_line.price_unit",
        "order_line.ps_quoted_price_unit",
    )
    def _compute_ps_article_outcomes(self):
        for order in self:
            articles = order.order_line.filtered("ps_is_article")
            asking = articles.filtered("ps_needs_acceptance")
            order.ps_price_pending_count = len(
                asking.filtered(lambda line: line.ps_price_acceptance == "pending")
            )
            order.ps_price_to_ask_count = len(
                asking.filtered(lambda line: not line.ps_price_acceptance)
            )
            order.ps_available_percent = order._ps_available_share(articles) * 100.0

    # ------------------------------------------------------------------
    # Outcomes of the articles
    # ------------------------------------------------------------------
    @api.model
    def _ps_quoted_value(self, line):
        return line._ps_price_before_purchase() * (
            line.ps_quoted_qty or line.product_uom_qty
        )

    def _ps_available_share(self, articles=None):
        """Share (0-1) of the articles' value (at the proforma's prices) that
        is bought."""
        self.ensure_one()
        if articles is None:
            articles = self.order_line.filtered("ps_is_article")
        total = sum(self._ps_quoted_value(line) for line in articles)
        if not total:
            return 1.0 if articles.filtered("ps_is_bought") else 0.0
        bought = sum(
            self._ps_quoted_value(line) for line in articles.filtered("ps_is_bought")
        )
        return bought / total

    def _ps_check_outcomes(self):
        """Every article has an outcome and its new price, if beyond what the
        customer accepted, an answer."""
        self.ensure_one()
        articles = self.order_line.filtered("ps_is_article")
        missing = articles.filtered(lambda line: not line.ps_outcome)
        if missing:
            raise UserError(
                _(
                    "Record what was bought for every article of %(order)s first "
                    "(outcome missing: %(articles)s).",
                    order=self.name,
                    articles=", ".join(missing.mapped("ps_article_name")),
                )
            )
        unpriced = articles.filtered(
            lambda line: (
                line.ps_outcome == "price_changed"
                and float_compare(
                    line.ps_bought_price_unit,
                    0.0,
                    precision_rounding=self.currency_id.rounding,
                )
                <= 0
            )
        )
        if unpriced:
            raise UserError(
                _(
                    "Give the price paid of %s.",
                    ", ".join(unpriced.mapped("ps_article_name")),
                )
            )
        asking = articles.filtered("ps_needs_acceptance")
        if asking.filtered(lambda line: not line.ps_price_acceptance):
            raise UserError(
                _(
                    "Some prices are above the rise the customer accepted: ask "
                    "the customer to accept them first."
                )
            )
        if asking.filtered(lambda line: line.ps_price_acceptance == "pending"):
            raise UserError(
                _("The customer has not answered about the new prices yet.")
            )

    def _ps_cancel_reason(self):
        """Why the request must be cancelled rather than purchased, or False."""
        self.ensure_one()
        articles = self.order_line.filtered("ps_is_article")
        for line in articles.filtered(lambda line: line.ps_outcome == "unavailable"):
            if line._ps_if_unavailable() == "cancel":
                return _(
                    "%s is unavailable and the customer asked to cancel the "
                    "whole request in that case.",
                    line.ps_article_name,
                )
        if not articles.filtered("ps_is_bought"):
            return _("None of the articles could be bought.")
        minimum = self.company_id.ps_min_available_percent
        share = self._ps_available_share(articles) * 100.0
        if minimum and float_compare(share, minimum, precision_digits=2) < 0:
            return _(
                "Only %(share)s %% of the articles' value could be bought, "
                "less than the %(minimum)s %% required.",
                share=round(share, 1),
                minimum=minimum,
            )
        return False

    def action_ps_ask_price_acceptance(self):
        """Ask the customer, in the portal, to accept the prices above the rise
        they accepted at checkout."""
        self._ps_check_staff()
        for order in self:
            if order.ps_stage != "confirmed":
                raise UserError(
                    _("New prices are asked before the request is purchased.")
                )
            lines = order.order_line.filtered(
                lambda line: line.ps_needs_acceptance and not line.ps_price_acceptance
            )
            if not lines:
                raise UserError(_("No new price to ask the customer about."))
            lines.with_context(ps_flow=True).write({"ps_price_acceptance": "pending"})
            customer = order.with_context(lang=order.partner_id.lang)
            items = Markup("").join(
                Markup("<li>%s: %s → %s</li>")
                % (
                    line.ps_article_name,
                    format_amount(
                        customer.env,
                        line._ps_price_before_purchase(),
                        order.currency_id,
                    ),
                    format_amount(
                        customer.env, line.ps_bought_price_unit, order.currency_id
                    ),
                )
                for line in lines
            )
            order._ps_tell_customer(
                customer.env._(
                    "The price of some of your articles rose beyond what you "
                    "accepted. Please accept or refuse the new prices on your "
                    "order page:"
                ),
                Markup("<ul>%s</ul>") % items,
            )
        return True

    def _ps_answer_price(self, line, accept):
        """The customer's answer about the new price of ``line``."""
        self.ensure_one()
        self._ps_lock()
        if (
            line.order_id != self
            or line.ps_price_acceptance != "pending"
            or self.ps_stage != "confirmed"
        ):
            raise UserError(_("This price no longer awaits your answer."))
        line.with_context(ps_flow=True).write(
            {
                "ps_price_acceptance": "accepted" if accept else "refused",
                "ps_price_answer_date": fields.Datetime.now(),
            }
        )
        self._ps_schedule_staff_activity(
            _("New price answered on %s", self.name),
            _(
                "The customer %(answer)s the new price of %(article)s.",
                answer=_("accepted") if accept else _("refused"),
                article=line.ps_article_name,
            ),
        )
        return True

    def action_ps_mark_purchased(self):
        """Apply the articles' outcomes, then move on to "purchased" (or
        cancel the request, when the customer asked so or too little could be
        bought)."""
        self._ps_check_staff()
        self._ps_check_transition("purchased")
        for order in self:
            order._ps_check_outcomes()
        to_purchase = self.browse()
        for order in self:
            reason = order._ps_cancel_reason()
            if reason:
                order._ps_cancel_unavailable(reason)
            else:
                order._ps_apply_outcomes()
                to_purchase |= order
        if to_purchase:
            return super(
                PersonalShopperOrderArticleMixin, to_purchase
            ).action_ps_mark_purchased()
        return True

    def _ps_apply_outcomes(self):
        """Bill what was bought: the lines take the prices paid, unavailable
        articles (and refused prices) drop to a quantity of 0, the fees follow
        the articles bought; a deposit larger than the new total is given back."""
        self.ensure_one()
        self._ps_lock()
        notes = []
        for line in self.order_line.filtered("ps_is_article"):
            quoted_price = line.price_unit
            quoted_qty = line.product_uom_qty
            vals = {"ps_quoted_price_unit": quoted_price, "ps_quoted_qty": quoted_qty}
            if not line.ps_is_bought:
                vals["product_uom_qty"] = 0.0
                notes.append(_("%s: not bought", line.ps_article_name))
            else:
                price = line._ps_price_bought()
                if self.currency_id.compare_amounts(price, quoted_price):
                    vals["price_unit"] = price
                    notes.append(
                        _(
                            "%(article)s: bought at %(price)s instead of %(quoted)s",
                            article=line.ps_article_name,
                            price=format_amount(self.env, price, self.currency_id),
                            quoted=format_amount(
                                self.env, quoted_price, self.currency_id
                            ),
                        )
                    )
                if line.ps_outcome == "alternative":
                    vals["name"] = "{}\n{}".format(
                        line.name,
                        _("Alternative bought: %s", line.ps_alternative or "—"),
                    )
                    notes.append(
                        _(
                            "%(article)s: alternative bought (%(alternative)s)",
                            article=line.ps_article_name,
                            alternative=line.ps_alternative or "—",
                        )
                    )
            line.with_context(ps_flow=True).write(vals)
        if notes:
            self._ps_bill_articles_changed(_("Purchase recorded:"), notes)

    def _ps_bill_articles_changed(self, title, notes, ref=None):
        """The articles billed changed (purchase outcomes, an article refunded
        after its reception) before the final invoice: the fees follow, the
        staff read why in the chatter and a deposit larger than the new total
        is given back (``ref``: the credit note's reference)."""
        self.ensure_one()
        self._ps_recompute_fees_after_purchase()
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                title,
                Markup("").join(Markup("<li>%s</li>") % note for note in notes),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._ps_give_back_overpayment(ref=ref)

    # ------------------------------------------------------------------
    # Articles refunded after their reception (issue 11)
    # ------------------------------------------------------------------
    def _ps_refund_received_articles(self, lines, reason):
        """The customer chose the refund of ``lines`` (articles received
        damaged or wrong): they are no longer billed, as an article found
        unavailable at the purchase. Before the final invoice, the line drops
        to a quantity of 0, the fees follow and an overpaid deposit is given
        back (partial credit note, then the customer's refund or credit);
        after it, a credit note of the final invoice for those articles pays
        what is still due, the rest waits for the customer's choice."""
        self.ensure_one()
        self._ps_lock()
        lines = lines.filtered(
            lambda line: (
                line.order_id == self
                and line.ps_is_article
                and line.ps_outcome != "refunded_damaged"
            )
        )
        if not lines or self.ps_stage in ("cancelled", False):
            return False
        final = self.ps_final_invoice_id.sudo()
        if final.state == "posted":
            return self._ps_refund_invoiced_articles(lines, reason)
        if self.ps_stage == "confirmed":
            # not purchased yet: "Mark purchased" applies it with the other
            # outcomes
            lines.with_context(ps_flow=True).write(
                {"ps_outcome": "refunded_damaged", "ps_bought_price_unit": 0.0}
            )
            return True
        notes = self._ps_unbill_refunded_articles(lines, reason)
        self._ps_bill_articles_changed(
            _("Articles refunded:"),
            notes,
            ref=_("Articles refunded on %s", self.name),
        )
        return True

    def _ps_unbill_refunded_articles(self, lines, reason):
        """``lines`` drop to a quantity of 0 (the quoted one kept), their
        outcome tells why; returns the chatter notes."""
        notes = []
        for line in lines:
            vals = {"ps_outcome": "refunded_damaged", "product_uom_qty": 0.0}
            if not line.ps_quoted_qty:
                vals.update(
                    ps_quoted_qty=line.product_uom_qty,
                    ps_quoted_price_unit=line.price_unit,
                )
            line.with_context(ps_flow=True).write(vals)
            notes.append(
                _(
                    "%(article)s: refunded (%(reason)s)",
                    article=line.ps_article_name,
                    reason=reason,
                )
            )
        return notes

    def _ps_refund_invoiced_articles(self, lines, reason):
        """The final invoice is issued: a credit note of it for ``lines``
        (Odoo's reversal keeping only their invoice lines); it pays what the
        customer still owes, the rest waits for their refund or credit."""
        self.ensure_one()
        final = self.ps_final_invoice_id.sudo()
        article_lines = final.invoice_line_ids.filtered(
            lambda line: line.sale_line_ids & lines
        )
        if not article_lines:
            return False
        credit_note = final._reverse_moves(
            [
                {
                    "ref": _("Articles refunded on %s", self.name),
                    "invoice_date": fields.Date.context_today(self),
                }
            ]
        )
        others = credit_note.invoice_line_ids.filtered(
            lambda line: (
                line.display_type in ("product", "line_section", "line_note")
                and not line.sale_line_ids & lines
            )
        )
        credit_note.write(
            {"invoice_line_ids": [fields.Command.delete(line.id) for line in others]}
        )
        credit_note.action_post()
        # the request's refund credit notes (even when it only pays the
        # final invoice: see _ps_is_paid)
        self.with_context(ps_flow=True).write(
            {"ps_refund_move_ids": [fields.Command.link(credit_note.id)]}
        )
        notes = self._ps_unbill_refunded_articles(lines, reason)
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _("Articles refunded by the credit note %s:", credit_note.name),
                Markup("").join(Markup("<li>%s</li>") % note for note in notes),
            ),
            subtype_xmlid="mail.mt_note",
        )
        # Odoo's post reconciles the credit note with the final invoice it
        # reverses: what the customer still owes is paid first; to Odoo the
        # invoice is then "reversed", and calls no paid hook
        self._ps_sync_payment_stage()
        self._ps_start_refund(credit_note, refunded=True)
        return credit_note

    def _ps_recompute_fees_after_purchase(self):
        """The service fee and the estimated transport follow the articles
        bought (the company's rules of the proforma, see action_ps_compute_fees)."""
        self.ensure_one()
        company = self.company_id
        base = sum(
            line.price_subtotal for line in self.order_line.filtered("ps_is_article")
        )

        def minimum(amount):
            return company.currency_id._convert(
                amount,
                self.currency_id,
                company,
                self.date_order or fields.Date.context_today(self),
            )

        for product, percent, floor in (
            (
                company.ps_service_fee_product_id,
                company.ps_service_fee_percent,
                company.ps_service_fee_min,
            ),
            (
                company.ps_transport_product_id,
                company.ps_transport_percent,
                company.ps_transport_min,
            ),
        ):
            line = self.order_line.filtered(
                lambda line, p=product: line.product_id == p
            )
            if product and line:
                self._ps_set_fee_line(
                    product, max(base * percent / 100.0, minimum(floor))
                )

    # ------------------------------------------------------------------
    # Giving money back
    # ------------------------------------------------------------------
    def _ps_give_back_overpayment(self, ref=None):
        """What the customer paid beyond the order's new total is credited by
        a partial credit note of the deposit invoice (linked to the order's
        down payment line, so the final invoice deducts only what is kept).
        The deposit's credit notes already given back are deducted (an
        article refunded after others were not bought)."""
        self.ensure_one()
        deposit = self.ps_deposit_invoice_id.sudo()
        if deposit.state != "posted":
            return
        paid = deposit.amount_total - deposit.amount_residual
        given_back = sum(
            self.sudo()
            .ps_refund_move_ids.filtered(
                lambda move: (
                    move.state == "posted"
                    and move.move_type == "out_refund"
                    and move.reversed_entry_id == deposit
                )
            )
            .mapped("amount_total")
        )
        excess = self.currency_id.round(paid - given_back - self.amount_total)
        if self.currency_id.compare_amounts(excess, 0.0) <= 0:
            return
        credit_note = self._ps_partial_credit_note(deposit, excess, ref=ref)
        self._ps_start_refund(credit_note, refunded=bool(ref))
        self._ps_update_downpayment_prices(deposit)

    def _ps_partial_credit_note(self, invoice, amount, ref=None):
        """A posted credit note of ``amount`` (taxes included) reversing part
        of ``invoice``, Odoo's reversal with its lines scaled down."""
        self.ensure_one()
        credit_note = invoice._reverse_moves(
            [
                {
                    "ref": ref or _("Articles not bought on %s", self.name),
                    "invoice_date": fields.Date.context_today(self),
                }
            ]
        )
        ratio = amount / invoice.amount_total
        product_lines = credit_note.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        # Unlinked from the order's down payment line: linked, Odoo would
        # count the credit note as the down payment's quantity taken back
        # (qty_invoiced 0) and the final invoice would deduct nothing. The
        # down payment's price deducts it instead (see sale.order.line's
        # _get_downpayment_line_price_unit).
        for line in product_lines:
            line.write(
                {
                    "price_unit": invoice.currency_id.round(line.price_unit * ratio),
                    "sale_line_ids": [fields.Command.clear()],
                }
            )
        credit_note.action_post()
        return credit_note

    def _ps_update_downpayment_prices(self, invoice):
        """As sale's account.move.action_post does for the credit notes
        linked to them: the down payment lines of ``invoice`` take the
        deposit kept (once the credit notes are the order's refunds)."""
        dp_lines = invoice.line_ids.sale_line_ids.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        real_invoices = set(
            (dp_lines.order_id.order_line - dp_lines).invoice_lines.move_id
        )
        for dp_line in dp_lines:
            dp_line.price_unit = dp_line._get_downpayment_line_price_unit(real_invoices)

    def _ps_start_refund(self, credit_notes, refunded=False):
        """The customer has ``credit_notes``'s open amount to get back: they
        choose in the portal between a refund and a credit. A refund still
        awaiting its choice or its payment is added to (``refunded``: for
        articles refunded after their reception)."""
        self.ensure_one()
        amount = sum(credit_notes.mapped("amount_residual"))
        if self.currency_id.is_zero(amount):
            return
        if self.ps_refund_state in ("to_choose", "to_refund"):
            pending = self.sudo().ps_refund_move_ids.filtered(
                lambda move: move.state == "posted" and move not in credit_notes
            )
            amount += sum(pending.mapped("amount_residual"))
        now = fields.Datetime.now()
        self.with_context(ps_flow=True).write(
            {
                "ps_refund_state": "to_choose",
                "ps_refund_amount": amount,
                "ps_refund_move_ids": [fields.Command.link(m.id) for m in credit_notes],
                "ps_refund_start_date": now,
                "ps_refund_choice_date": False,
                "ps_refund_done_date": False,
                "ps_refund_reminder_date": False,
            }
        )
        customer = self.with_context(lang=self.partner_id.lang)
        if refunded:
            self._ps_tell_customer(
                customer.env._(
                    "We owe you %(amount)s for the articles refunded. On your "
                    "order page, choose whether we refund it or keep it as a "
                    "credit for your next orders.",
                    amount=format_amount(customer.env, amount, self.currency_id),
                )
            )
            return
        self._ps_tell_customer(
            customer.env._(
                "You paid %(amount)s more than what we could buy for you. On your "
                "order page, choose whether we refund it or keep it as a credit "
                "for your next orders.",
                amount=format_amount(customer.env, amount, self.currency_id),
            )
        )

    def _ps_tell_customer(self, text, extra=None):
        """Post ``text`` (plain, translated by the caller) to the customer."""
        self.ensure_one()
        body = Markup("<p>%s</p>") % text
        if extra:
            body += extra
        self.message_subscribe(partner_ids=self.partner_id.ids)
        self.sudo().message_post(
            body=body,
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.partner_id.ids,
        )

    def _ps_cancel_unavailable(self, reason):
        """Cancel the request for lack of articles: its invoices are reversed
        (credit notes), what the customer paid waits for their choice."""
        self.ensure_one()
        deposit = self.ps_deposit_invoice_id
        customer = self.with_context(lang=self.partner_id.lang)
        customer_reason = customer._ps_cancel_reason()
        self._ps_cancel(refund_method="credit", reason=reason)
        self._ps_tell_customer(
            customer.env._(
                "We are sorry: your request is cancelled. %s", customer_reason
            )
        )
        credit_notes = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("reversed_entry_id", "in", deposit.ids),
                    ("state", "=", "posted"),
                ]
            )
            .filtered(lambda move: not move.currency_id.is_zero(move.amount_residual))
        )
        self._ps_start_refund(credit_notes)

    def _ps_choose_refund(self, method):
        """The customer's (or, for them, the staff's) choice: "refund" (the
        staff pay it back) or "credit" (kept for next orders)."""
        self.ensure_one()
        self._ps_lock()
        if self.ps_refund_state != "to_choose" or method not in ("refund", "credit"):
            raise UserError(_("There is no refund to choose on %s.", self.name))
        self.with_context(ps_flow=True).write(
            {
                "ps_refund_state": "to_refund" if method == "refund" else "credit",
                "ps_refund_choice_date": fields.Datetime.now(),
            }
        )
        if method == "refund":
            self._ps_schedule_staff_activity(
                _("Refund %s", self.name),
                _(
                    "The customer asked for the refund of %s: pay it and register "
                    "it with the “Register the refund” button.",
                    format_amount(self.env, self.ps_refund_amount, self.currency_id),
                ),
            )
        return True

    def action_ps_refund_keep_credit(self):
        self._ps_check_staff()
        for order in self:
            order._ps_choose_refund("credit")
        return True

    def action_ps_register_refund(self):
        """Pay the refund back: an outbound payment on the open credit notes
        (Odoo's payment wizard, in the company's payment journal)."""
        self._ps_check_staff()
        for order in self:
            order._ps_lock()
            if order.ps_refund_state not in ("to_choose", "to_refund"):
                raise UserError(_("There is no refund to pay on %s.", order.name))
            to_refund = order.ps_refund_move_ids.sudo().filtered(
                lambda m: (
                    m.state == "posted" and not m.currency_id.is_zero(m.amount_residual)
                )
            )
            payments = self.env["account.payment"]
            if to_refund:
                payments = order._ps_register_payment(
                    to_refund,
                    sum(to_refund.mapped("amount_residual")),
                    communication=_("Refund %s", order.name),
                )
            now = fields.Datetime.now()
            order.with_context(ps_flow=True).write(
                {
                    "ps_refund_state": "refunded",
                    "ps_refund_choice_date": order.ps_refund_choice_date or now,
                    "ps_refund_done_date": now,
                    "ps_refund_payment_ids": [
                        fields.Command.link(p.id) for p in payments
                    ],
                }
            )
        return True

    def _ps_is_paid(self, kind):
        """An invoice paid off by a credit note (the credit kept, or the
        credit note of articles refunded after it) is, to Odoo, "reversed"
        rather than "paid": for the final invoice, it is paid."""
        if super()._ps_is_paid(kind):
            return True
        invoice = self._ps_invoice(kind)
        return bool(
            kind == "balance"
            and (
                self.ps_refund_state == "credit"
                or invoice.sudo().reversal_move_ids & self.sudo().ps_refund_move_ids
            )
            and invoice.state == "posted"
            and invoice.payment_state == "reversed"
            and invoice.currency_id.is_zero(invoice.amount_residual)
        )

    def _ps_use_customer_credit(self, invoice):
        """A refund kept as credit pays the final invoice first."""
        result = super()._ps_use_customer_credit(invoice)
        if self.ps_refund_state == "credit":
            self._ps_pay_with_outstanding(invoice, self.ps_refund_move_ids)
        return result

    @api.model
    def _cron_ps_refund_reminders(self):
        """A to-do for the team when a refund waits (for the customer's choice
        or for its payment) for more than the company's number of days."""
        for company in self.env["res.company"].search(
            [("ps_refund_reminder_days", ">", 0)]
        ):
            limit = fields.Datetime.now() - timedelta(
                days=company.ps_refund_reminder_days
            )
            orders = self.search(
                [
                    ("company_id", "=", company.id),
                    ("is_personal_shopper", "=", True),
                    ("ps_refund_state", "in", ("to_choose", "to_refund")),
                    ("ps_refund_start_date", "<", limit),
                    "|",
                    ("ps_refund_reminder_date", "=", False),
                    ("ps_refund_reminder_date", "<", limit),
                ]
            )
            for order in orders:
                order._ps_schedule_staff_activity(
                    _("Refund waiting on %s", order.name),
                    _(
                        "%(amount)s to give back since %(date)s (%(state)s).",
                        amount=format_amount(
                            order.env, order.ps_refund_amount, order.currency_id
                        ),
                        date=order.ps_refund_start_date,
                        state=dict(
                            order._fields["ps_refund_state"]._description_selection(
                                order.env
                            )
                        )[order.ps_refund_state],
                    ),
                )
                order.ps_refund_reminder_date = fields.Datetime.now()
        return True
