from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, html2plaintext

from .. import const


class PersonalShopperOrderPaymentMixin(models.AbstractModel):
    """The money of a request, on Odoo's own mechanisms: the deposit is a
    down-payment invoice and the balance the final invoice (both sent with
    ``account.move.send``), payments are Odoo payments (registered from
    accepted proofs or in Invoicing), the request follows them through
    ``account.move._invoice_paid_hook`` and the removal of reconciliations,
    and a cancelled request's invoices are reversed by credit notes."""

    _name = "personal.shopper.order.payment.mixin"
    _description = "Personal Shopper Request Payments"

    # the request's currency (sale.order's own field, declared for the
    # amounts below)
    currency_id = fields.Many2one("res.currency")
    ps_transport_final = fields.Monetary(
        string="Actual transport fees",
        copy=False,
        help="Real transport cost, billed on the final invoice instead of the "
        "estimate.",
    )
    # indexed: Odoo's payment hooks look requests up by their invoices
    ps_deposit_invoice_id = fields.Many2one(
        "account.move",
        string="Deposit invoice",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    ps_final_invoice_id = fields.Many2one(
        "account.move",
        string="Final invoice",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    ps_deposit_paid = fields.Boolean(
        compute="_compute_ps_payment_status", string="Deposit paid"
    )
    ps_balance_paid = fields.Boolean(
        compute="_compute_ps_payment_status", string="Balance paid"
    )
    ps_proof_ids = fields.One2many(
        "personal.shopper.payment.proof", "order_id", string="Payment proofs"
    )
    ps_proof_to_review_count = fields.Integer(
        string="Proofs to check", compute="_compute_ps_proof_to_review_count"
    )

    @api.depends(
        "ps_deposit_invoice_id.payment_state",
        "ps_final_invoice_id.payment_state",
        "state",
    )
    def _compute_ps_payment_status(self):
        for order in self:
            order.ps_deposit_paid = order._ps_is_paid("deposit")
            order.ps_balance_paid = order._ps_is_paid("balance")

    @api.depends("ps_proof_ids.state")
    def _compute_ps_proof_to_review_count(self):
        for order in self:
            order.ps_proof_to_review_count = len(
                order.ps_proof_ids.filtered(lambda p: p.state == "submitted")
            )

    def _ps_invoice(self, kind):
        self.ensure_one()
        return {
            "deposit": self.ps_deposit_invoice_id,
            "balance": self.ps_final_invoice_id,
        }[kind]

    def _ps_is_paid(self, kind):
        """Whether the ``kind`` (deposit/balance) payment is complete. No
        deposit invoice on a confirmed order means no deposit was asked."""
        self.ensure_one()
        invoice = self._ps_invoice(kind)
        if not invoice:
            return kind == "deposit" and self.state == "sale"
        return invoice.payment_state in const.PAID_STATES

    # ------------------------------------------------------------------
    # Invoices
    # ------------------------------------------------------------------
    def _ps_create_deposit_invoice(self):
        self.ensure_one()
        if float_compare(self.prepayment_percent, 0.0, precision_digits=4) <= 0:
            return self.env["account.move"]
        return self._ps_post_invoice("percentage", self.prepayment_percent * 100.0)

    def _ps_post_invoice(self, method, amount=None):
        """Invoice the request through Odoo's own "Create invoices" wizard
        (``method``: its advance_payment_method, "percentage" for the deposit,
        "delivered" for what is left to invoice) and post the invoice."""
        self.ensure_one()
        values = {
            "sale_order_ids": [fields.Command.set(self.ids)],
            "advance_payment_method": method,
        }
        if amount is not None:
            values["amount"] = amount
        wizard = (
            self.env["sale.advance.payment.inv"]
            .sudo()
            .with_context(active_model="sale.order", active_ids=self.ids, ps_flow=True)
            .create(values)
        )
        invoice = wizard._create_invoices(self.sudo())
        invoice.action_post()
        return invoice

    def _ps_send_invoice(self, invoice, template_xmlid):
        """Send ``invoice`` the way Invoicing does (``account.move.send``): its
        PDF is generated and kept on the invoice, it is marked as sent, and
        the customer gets it by e-mail in their language."""
        template = self.env.ref(template_xmlid)
        self.env["account.move.send"].sudo()._generate_and_send_invoices(
            invoice.sudo(),
            sending_methods={"email"},
            mail_template=template,
            allow_fallback_pdf=True,
        )
        invoice.sudo().message_subscribe(partner_ids=self.partner_id.ids)

    def action_ps_issue_final_invoice(self):
        """Bill the real transport fees and the balance after the deposit, then
        send the invoice to the customer."""
        self._ps_check_staff()
        for order in self:
            if order.ps_stage != "arrived":
                raise UserError(
                    _("The final invoice is issued once the goods have arrived.")
                )
            if (
                float_compare(
                    order.ps_transport_final,
                    0.0,
                    precision_rounding=order.currency_id.rounding,
                )
                < 0
            ):
                raise ValidationError(
                    _("The actual transport fees cannot be negative.")
                )
            transport_product = order.company_id.ps_transport_product_id
            transport_line = order.order_line.filtered(
                lambda line: line.product_id == transport_product
            )[:1]
            if transport_line and order.ps_transport_final:
                transport_line.price_unit = order.ps_transport_final
            elif order.ps_transport_final:
                order._ps_set_fee_line(transport_product, order.ps_transport_final)
            invoice = order._ps_post_invoice("delivered")
            order.with_context(ps_flow=True).ps_final_invoice_id = invoice
            order._ps_use_customer_credit(invoice)
            order._ps_set_stage(const.pending_stage("balance"), notify=False)
            order._ps_send_invoice(
                invoice, "personal_shopper.mail_template_ps_final_invoice"
            )
            order._ps_sync_payment_stage()
        return True

    def _ps_use_customer_credit(self, invoice):
        """What the customer overpaid on this request (a payment larger than
        the deposit, kept as outstanding credit) pays the final invoice first."""
        self.ensure_one()
        payments = (
            self.ps_proof_ids.payment_id
            | self.ps_deposit_invoice_id.sudo()._get_reconciled_payments()
        )
        self._ps_pay_with_outstanding(invoice, payments.move_id)

    @api.model
    def _ps_pay_with_outstanding(self, invoice, moves):
        """Pay ``invoice`` with what is still open on the receivable lines of
        ``moves`` (customer credit: payments, credit notes), as Invoicing's
        "Outstanding credits" button does, until it is paid."""
        for line in moves.sudo().line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        ):
            if invoice.payment_state in const.PAID_STATES:
                break
            invoice.sudo().js_assign_outstanding_line(line.id)

    # ------------------------------------------------------------------
    # Payments follow the books
    # ------------------------------------------------------------------
    def _ps_sync_payment_stage(self):
        """Move requests on when their deposit or balance got paid (accepted
        proof, payment or reconciliation in Invoicing), and back when such a
        payment is undone (unreconciled, cancelled): then the customer and the
        staff are told."""
        for order in self.filtered("is_personal_shopper"):
            stage = const.BY_KEY[order.ps_stage]
            if stage.payment and order._ps_is_paid(stage.payment):
                order._ps_on_paid(stage.payment)
                continue
            if stage.review and not order.ps_proof_ids.filtered(
                lambda p: p.state == "submitted"
            ):
                # partly paid: the customer still owes the rest
                order._ps_set_stage(const.pending_stage(stage.payment))
                continue
            for kind in const.PAYMENT_KINDS:
                if order._ps_invoice(kind).state != "posted" or order._ps_is_paid(kind):
                    continue
                if stage.reached_by_paying == kind:
                    order._ps_set_stage(const.pending_stage(kind))
                    order._ps_warn_payment_undone(kind)
                elif (
                    const.STAGE_ORDER[order.ps_stage]
                    > const.STAGE_ORDER[const.paid_stage(kind)]
                    and not stage.closed
                ):
                    order._ps_warn_payment_undone(kind)

    def _ps_on_paid(self, kind):
        self.ensure_one()
        self._ps_set_stage(const.paid_stage(kind))
        # proofs still waiting for this payment have nothing left to prove
        self.ps_proof_ids.filtered(
            lambda p: p.state == "submitted" and p.kind == kind
        )._supersede()
        if kind == "deposit":
            self._ps_schedule_staff_activity(
                _("Buy the articles of %s", self.name),
                _("The deposit is paid: the articles can be purchased."),
            )
        else:
            self._ps_schedule_staff_activity(
                _("Arrange the delivery of %s", self.name),
                _(
                    "Fully paid: contact the customer (WhatsApp or e-mail) "
                    "to deliver or hand over the goods."
                ),
            )

    def _ps_warn_payment_undone(self, kind):
        self.ensure_one()
        invoice = self._ps_invoice(kind)
        self._ps_schedule_staff_activity(
            _("Payment undone on %s", self.name),
            _(
                "The %(payment)s invoice %(invoice)s is no longer paid (a payment "
                "was unreconciled or cancelled in Invoicing).",
                payment=self._ps_payment_label(kind),
                invoice=invoice.name,
            ),
        )

    # ------------------------------------------------------------------
    # Cancellation
    # ------------------------------------------------------------------
    def _ps_paid_amount(self):
        """What the customer paid on this request's invoices."""
        self.ensure_one()
        invoices = self.ps_deposit_invoice_id | self.ps_final_invoice_id
        return sum(
            invoice.amount_total - invoice.amount_residual
            for invoice in invoices.filtered(lambda i: i.state == "posted")
        )

    def action_ps_cancel(self):
        """Open the cancellation wizard (reason, and what to do with what the
        customer already paid)."""
        self._ps_check_staff()
        self._ps_check_transition("cancelled")
        return {
            "type": "ir.actions.act_window",
            "name": _("Cancel the request"),
            "res_model": "personal.shopper.order.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def _ps_cancel(self, refund_method="credit", reason=False):
        """Cancel the requests. Posted invoices are reversed by credit notes
        (posted entries are never modified: the sales journal may lock them
        with a hash); what the customer already paid is refunded
        (``refund_method="refund"``: an outbound payment on the credit note)
        or kept as customer credit (``"credit"``)."""
        self._ps_check_transition("cancelled")
        for order in self:
            order._ps_lock()
            invoices = (order.ps_deposit_invoice_id | order.ps_final_invoice_id).sudo()
            invoices.filtered(lambda i: i.state == "draft").button_cancel()
            credit_notes = self.env["account.move"]
            for invoice in invoices.filtered(lambda i: i.state == "posted"):
                credit_notes |= order._ps_reverse_invoice(invoice)
            if refund_method == "refund":
                to_refund = credit_notes.filtered(
                    lambda m: not m.currency_id.is_zero(m.amount_residual)
                )
                if to_refund:
                    order._ps_register_payment(
                        to_refund, sum(to_refund.mapped("amount_residual"))
                    )
            if order.state != "cancel":
                order.with_context(
                    disable_cancel_warning=True, ps_flow=True
                )._action_cancel()
            order.ps_proof_ids.filtered(lambda p: p.state == "submitted")._supersede(
                _("The request was cancelled.")
            )
            if reason:
                order.message_post(
                    body=_("Cancelled: %s", reason), subtype_xmlid="mail.mt_note"
                )
        return self._ps_set_stage("cancelled")

    def _ps_reverse_invoice(self, invoice):
        """Cancel ``invoice`` by a posted credit note. Its unpaid part is
        reconciled with the invoice; the part the customer paid stays open
        on the credit note: the customer's credit, refundable."""
        self.ensure_one()
        untouched = (
            invoice.currency_id.compare_amounts(
                invoice.amount_residual, invoice.amount_total
            )
            == 0
        )
        credit_note = invoice._reverse_moves(
            [
                {
                    "ref": _("Cancellation of %s", self.name),
                    "invoice_date": fields.Date.context_today(self),
                }
            ],
            # nothing paid: Odoo reconciles the credit note with the invoice
            cancel=untouched,
        )
        if credit_note.state == "draft":
            credit_note.action_post()
        if not untouched and not invoice.currency_id.is_zero(invoice.amount_residual):
            (invoice | credit_note).line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            ).reconcile()
        return credit_note

    def _ps_register_payment(self, invoices, amount, communication=None):
        """Register ``amount`` on ``invoices`` (one partner) in the company's
        payment journal with Odoo's payment wizard. A payment larger than the
        amount due is kept whole: the surplus is the customer's credit."""
        self.ensure_one()
        journal = self.company_id._ps_payment_journal()
        if not journal:
            raise UserError(_("Configure a bank journal for customer payments first."))
        wizard = (
            self.env["account.payment.register"]
            .sudo()
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(
                {
                    "amount": amount,
                    "journal_id": journal.id,
                    "payment_date": fields.Date.context_today(self),
                    "communication": communication
                    or ", ".join(invoices.mapped("name")),
                    "payment_difference_handling": "open",
                }
            )
        )
        return wizard._create_payments()

    # ------------------------------------------------------------------
    # Payment proofs
    # ------------------------------------------------------------------
    def _ps_expected_proof(self):
        """Return (kind, invoice) the customer is expected to pay now."""
        self.ensure_one()
        kind = const.BY_KEY.get(self.ps_stage, const.STAGES[0]).payment
        if not kind:
            return False, self.env["account.move"]
        return kind, self._ps_invoice(kind)

    def _ps_portal_proofs(self):
        """The request's payment proofs, with what its portal page shows of
        them, in one query (orderperf: instead of the One2many's search, then
        the proofs' and their files' reads)."""
        self.ensure_one()
        return self.env["personal.shopper.payment.proof"].search_fetch(
            [("order_id", "=", self.id)],
            [
                "create_date",
                "kind",
                "file_name",
                "amount_declared",
                "invoice_id",
                "state",
                "reject_reason",
            ],
        )

    def _ps_add_proof(self, attachment, amount=None, source="portal", note=False):
        """Record a payment proof for the expected invoice. ``attachment``
        belongs to this order. Raises UserError when no payment is expected or
        the file is not an acceptable proof."""
        self.ensure_one()
        kind, invoice = self._ps_expected_proof()
        if not kind or not invoice:
            raise UserError(_("No payment is expected on %s at this stage.", self.name))
        Proof = self.env["personal.shopper.payment.proof"].with_company(self.company_id)
        mimetype = Proof._check_file(attachment.raw, attachment.name)
        if attachment.mimetype != mimetype:
            # served with the type of its content, whatever its name says
            attachment.sudo().mimetype = mimetype
        if amount is None:
            amount = invoice.amount_residual
        proof = Proof.sudo().create(
            {
                "order_id": self.id,
                "invoice_id": invoice.id,
                "kind": kind,
                "amount_declared": amount,
                "attachment_id": attachment.id,
                "source": source,
                "note": note,
            }
        )
        next_stage = const.review_stage(kind)
        if self.ps_stage != next_stage:
            self.sudo()._ps_set_stage(next_stage)
        return proof

    def _ps_proofs_from_message(self, message, attachments=None):
        """Attachments of the customer's e-mail become payment proofs; the
        customer is told by e-mail, in their language, which files could not
        be taken, why, and what to do (the staff get a note)."""
        self.ensure_one()
        attachments = message.attachment_ids if attachments is None else attachments
        kind, invoice = self._ps_expected_proof()
        if not kind or not invoice:
            return
        if (
            message.author_id.commercial_partner_id
            != self.partner_id.commercial_partner_id
        ):
            return
        refused = []
        for attachment in attachments:
            try:
                with self.env.cr.savepoint():
                    self._ps_add_proof(
                        attachment.sudo(),
                        source="email",
                        note=html2plaintext(message.body or "")[:1000] or False,
                    )
            except (UserError, ValidationError) as error:
                refused.append((attachment, error.args[0]))
        if refused:
            # out of _()'s arguments: babel's term extraction chokes on them
            details = "; ".join(f"{att.name}: {reason}" for att, reason in refused)
            self.sudo().message_post(
                body=_("Attachments not accepted as payment proofs: %s", details),
                subtype_xmlid="mail.mt_note",
            )
            # the reasons again, in the customer's language (the file check's
            # messages are translated when raised)
            customer_self = self.sudo().with_context(lang=self.partner_id.lang)
            Proof = customer_self.env["personal.shopper.payment.proof"].with_company(
                self.company_id
            )
            reasons = []
            for attachment, reason in refused:
                try:
                    Proof._check_file(attachment.sudo().raw, attachment.name)
                except (UserError, ValidationError) as error:
                    reason = error.args[0]
                reasons.append({"name": attachment.name, "reason": reason})
            customer_self.with_context(ps_refused_files=reasons)._ps_send_to_customer(
                self.env.ref("personal_shopper.mail_template_ps_proof_refused_file")
            )
