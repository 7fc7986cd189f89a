import hashlib
import logging
import re
from datetime import timedelta
from urllib.parse import quote

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, html2plaintext

_logger = logging.getLogger(__name__)

# Customer-visible stages, in the order an order goes through them.
PS_STAGES = [
    ("cart", "Cart"),
    ("proforma_requested", "Proforma requested"),
    ("proforma_sent", "Proforma sent"),
    ("deposit_pending", "Awaiting deposit"),
    ("deposit_review", "Awaiting deposit validation"),
    ("confirmed", "Confirmed"),
    ("purchased", "Purchased"),
    ("in_transit", "In transit"),
    ("arrived", "Arrived"),
    ("balance_pending", "Awaiting balance"),
    ("balance_review", "Awaiting balance validation"),
    ("ready", "Ready for pickup or delivery"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]
PS_STAGE_ORDER = {key: index for index, (key, _label) in enumerate(PS_STAGES)}

# Allowed moves between stages (cancellation is handled separately).
PS_TRANSITIONS = {
    "cart": {"proforma_requested"},
    "proforma_requested": {"proforma_sent"},
    "proforma_sent": {"deposit_pending", "proforma_requested", "proforma_sent"},
    "deposit_pending": {"deposit_review", "confirmed"},
    "deposit_review": {"confirmed", "deposit_pending"},
    "confirmed": {"purchased"},
    "purchased": {"in_transit"},
    "in_transit": {"arrived"},
    "arrived": {"balance_pending"},
    "balance_pending": {"balance_review", "ready"},
    "balance_review": {"ready", "balance_pending"},
    "ready": {"delivered"},
    "delivered": set(),
    "cancelled": set(),
}
PS_CANCELLABLE = {
    "cart",
    "proforma_requested",
    "proforma_sent",
    "deposit_pending",
    "deposit_review",
}
# Stages in which the customer is expected to send a payment proof, and of what.
PS_PROOF_KIND = {
    "deposit_pending": "deposit",
    "deposit_review": "deposit",
    "balance_pending": "balance",
    "balance_review": "balance",
}
PAID_STATES = ("paid", "in_payment")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    is_personal_shopper = fields.Boolean(
        string="Personal shopper request", index=True, copy=False, readonly=True
    )
    ps_stage = fields.Selection(
        PS_STAGES,
        string="Shopper stage",
        copy=False,
        index=True,
        tracking=True,
        group_expand="_group_expand_ps_stage",
    )
    ps_stage_date = fields.Datetime(
        string="In this stage since", copy=False, readonly=True
    )
    ps_stage_history_ids = fields.One2many(
        "personal.shopper.stage.history",
        "order_id",
        string="Stage history",
        readonly=True,
    )
    ps_article_count = fields.Integer(compute="_compute_ps_amounts", string="Articles")
    ps_articles_amount = fields.Monetary(
        compute="_compute_ps_amounts", string="Articles total"
    )
    ps_terms_accepted_date = fields.Datetime(
        string="Terms accepted on", copy=False, readonly=True
    )
    ps_terms_accepted_by = fields.Many2one(
        "res.partner", string="Terms accepted by", copy=False, readonly=True
    )
    ps_terms_accepted_ip = fields.Char(
        string="Terms accepted from", copy=False, readonly=True
    )
    ps_terms_accepted_version = fields.Char(
        string="Accepted terms version",
        copy=False,
        readonly=True,
        help="SHA-256 of the terms and conditions text the customer accepted.",
    )
    ps_terms_accepted_text = fields.Html(
        string="Accepted terms", copy=False, readonly=True, sanitize=True
    )
    ps_deposit_percent = fields.Float(
        string="Deposit (%)",
        default=lambda self: self.env.company.ps_deposit_percent,
        copy=False,
    )
    ps_deposit_amount = fields.Monetary(
        compute="_compute_ps_amounts", string="Deposit due"
    )
    ps_transport_final = fields.Monetary(
        string="Actual transport fees",
        copy=False,
        help="Real transport cost, billed on the final invoice instead of the "
        "estimate.",
    )
    ps_proforma_sent_date = fields.Datetime(
        string="Proforma sent on", copy=False, readonly=True
    )
    ps_deposit_invoice_id = fields.Many2one(
        "account.move", string="Deposit invoice", copy=False, readonly=True
    )
    ps_final_invoice_id = fields.Many2one(
        "account.move", string="Final invoice", copy=False, readonly=True
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
    ps_last_reminder_date = fields.Datetime(
        string="Last reminder", copy=False, readonly=True
    )
    ps_whatsapp_url = fields.Char(
        compute="_compute_ps_whatsapp_url", string="WhatsApp link"
    )

    _sql_constraints = [
        (
            "ps_deposit_percent_range",
            "CHECK(ps_deposit_percent IS NULL OR "
            "(ps_deposit_percent >= 0 AND ps_deposit_percent <= 100))",
            "The deposit must be between 0 and 100 %.",
        ),
    ]

    def init(self):
        result = super().init()
        # One open cart per customer, even under concurrent requests.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sale_order_ps_one_cart_per_partner "
            "ON sale_order (partner_id) WHERE is_personal_shopper AND ps_stage = 'cart'"
        )
        return result

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.model
    def _group_expand_ps_stage(self, stages, domain):
        return [key for key, _label in PS_STAGES]

    @api.depends(
        "order_line.price_subtotal",
        "order_line.ps_is_article",
        "amount_total",
        "ps_deposit_percent",
    )
    def _compute_ps_amounts(self):
        for order in self:
            articles = order.order_line.filtered("ps_is_article")
            order.ps_article_count = len(articles)
            order.ps_articles_amount = sum(articles.mapped("price_subtotal"))
            order.ps_deposit_amount = order.currency_id.round(
                order.amount_total * (order.ps_deposit_percent or 0.0) / 100.0
            )

    @api.depends(
        "ps_deposit_invoice_id.payment_state", "ps_final_invoice_id.payment_state"
    )
    def _compute_ps_payment_status(self):
        for order in self:
            order.ps_deposit_paid = (
                order.ps_deposit_invoice_id.payment_state in PAID_STATES
            )
            order.ps_balance_paid = (
                order.ps_final_invoice_id.payment_state in PAID_STATES
            )

    @api.depends("ps_proof_ids.state")
    def _compute_ps_proof_to_review_count(self):
        for order in self:
            order.ps_proof_to_review_count = len(
                order.ps_proof_ids.filtered(lambda p: p.state == "submitted")
            )

    @api.depends(
        "partner_id.mobile", "partner_id.phone", "partner_id.lang", "name", "ps_stage"
    )
    def _compute_ps_whatsapp_url(self):
        for order in self:
            number = re.sub(
                r"\D", "", order.partner_id.mobile or order.partner_id.phone or ""
            )
            if (order.partner_id.mobile or order.partner_id.phone or "").startswith(
                "00"
            ):
                number = number[2:]
            if not order.is_personal_shopper or len(number) < 6:
                order.ps_whatsapp_url = False
                continue
            message = order.with_context(
                lang=order.partner_id.lang
            )._ps_handover_message()
            order.ps_whatsapp_url = f"https://wa.me/{number}?text={quote(message)}"

    def _ps_handover_message(self):
        self.ensure_one()
        return _(
            "Hello %(name)s, your order %(order)s has arrived and is fully paid. "
            "When would you like it delivered, or when will you pick it up?",
            name=self.partner_id.name,
            order=self.name,
        )

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------
    def _ps_stage_label(self, stage=None):
        self.ensure_one()
        stage = stage or self.ps_stage
        return dict(self._fields["ps_stage"]._description_selection(self.env)).get(
            stage, stage
        )

    def _ps_check_transition(self, new_stage):
        for order in self:
            if not order.is_personal_shopper:
                raise UserError(_("%s is not a personal shopper request.", order.name))
            if new_stage == "cancelled":
                if order.ps_stage not in PS_CANCELLABLE:
                    raise UserError(
                        _(
                            "%(order)s cannot be cancelled once confirmed "
                            "(stage: %(stage)s).",
                            order=order.name,
                            stage=order._ps_stage_label(),
                        )
                    )
                continue
            if new_stage not in PS_TRANSITIONS.get(order.ps_stage, set()):
                raise UserError(
                    _(
                        "%(order)s cannot go from “%(old)s” to “%(new)s”.",
                        order=order.name,
                        old=order._ps_stage_label(),
                        new=order._ps_stage_label(new_stage),
                    )
                )
            if (
                new_stage in ("confirmed", "purchased")
                and order.ps_deposit_invoice_id
                and not order.ps_deposit_paid
            ):
                raise UserError(_("The deposit of %s is not paid yet.", order.name))
            if new_stage in ("ready", "delivered") and not order.ps_balance_paid:
                raise UserError(_("The balance of %s is not paid yet.", order.name))
            if (
                new_stage == "balance_pending"
                and order.ps_final_invoice_id.state != "posted"
            ):
                raise UserError(_("Issue the final invoice of %s first.", order.name))

    def _ps_set_stage(self, new_stage, notify=True):
        """Move the orders to ``new_stage`` after checking the transition, keep
        the history and tell the customer."""
        self._ps_check_transition(new_stage)
        now = fields.Datetime.now()
        for order in self:
            if order.ps_stage == new_stage:
                continue
            order.write(
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

    def _ps_send_to_customer(self, template, thread=None):
        """Post ``template`` on ``thread`` (default: the order) in the customer's
        language, e-mailing the customer as a follower."""
        self.ensure_one()
        thread = thread or self
        thread.message_subscribe(partner_ids=self.partner_id.ids)
        # When the customer's own action triggers the message (checkout), Odoo
        # would not notify them, the current user: they are who it is for.
        by_customer = self.env.user.partner_id == self.partner_id
        thread.with_context(
            lang=self.partner_id.lang, mail_notify_author=by_customer
        ).message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def _ps_lock(self):
        """Lock the order's row until the end of the transaction and re-read
        it, so that concurrent customer actions run one after the other."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM sale_order WHERE id = %s FOR UPDATE", (self.id,)
        )
        self.invalidate_recordset()

    # ------------------------------------------------------------------
    # Cart (customer side, called by the portal after access checks)
    # ------------------------------------------------------------------
    @api.model
    def _ps_get_cart(self, partner, create=False):
        """Return the open cart of ``partner`` (one at most), creating it if asked."""
        domain = [
            ("is_personal_shopper", "=", True),
            ("ps_stage", "=", "cart"),
            ("partner_id", "=", partner.id),
        ]
        cart = self.sudo().search(domain, limit=1)
        if cart or not create:
            return cart
        try:
            with self.env.cr.savepoint():
                cart = self.sudo().create(self._ps_prepare_cart_values(partner))
        except pg_errors.UniqueViolation:
            # a concurrent request created it first
            cart = self.sudo().search(domain, limit=1)
        return cart

    @api.model
    def _ps_prepare_cart_values(self, partner):
        values = {
            "partner_id": partner.id,
            "is_personal_shopper": True,
            "ps_stage": "cart",
            "ps_stage_date": fields.Datetime.now(),
            "require_signature": False,
            "require_payment": False,
        }
        if partner.user_id:
            values["user_id"] = partner.user_id.id
        return values

    def _ps_check_cart(self):
        self.ensure_one()
        if not self.is_personal_shopper or self.ps_stage != "cart":
            raise UserError(
                _("This request was already submitted and can no longer be changed.")
            )

    def _ps_add_article(self, values):
        """Add a remote article line to the cart. ``values``: name, url, quantity,
        details. Raises ValidationError with the message of the first error."""
        self._ps_check_cart()
        Line = self.env["sale.order.line"]
        errors = Line._ps_validate_article(values)
        if errors:
            raise ValidationError("\n".join(errors.values()))
        return Line.sudo().create(Line._ps_prepare_article_line(self, values))

    def _ps_request_proforma(self, shipping_partner, accepted_by, ip_address=None):
        """Submit the cart: the customer accepted the terms and chose where to
        deliver. Safe against double submissions (row lock + stage check)."""
        self._ps_lock()
        if self.ps_stage != "cart":
            # already submitted (double click, second tab): nothing to do twice
            return False
        if not self.order_line.filtered("ps_is_article"):
            raise UserError(_("Your cart is empty: add at least one article first."))
        terms = self._ps_terms_text()
        self.write(
            {
                "partner_shipping_id": shipping_partner.id,
                "ps_terms_accepted_date": fields.Datetime.now(),
                "ps_terms_accepted_by": accepted_by.id,
                "ps_terms_accepted_ip": ip_address,
                "ps_terms_accepted_text": terms,
                "ps_terms_accepted_version": hashlib.sha256(
                    (terms or "").encode()
                ).hexdigest(),
            }
        )
        self._ps_set_stage("proforma_requested")
        self._ps_schedule_staff_activity(
            _("Price the proforma of %s", self.name),
            _(
                "%(customer)s asked for a proforma for %(count)s article(s).",
                customer=self.partner_id.name,
                count=self.ps_article_count,
            ),
        )
        return True

    def _ps_terms_text(self):
        self.ensure_one()
        company = self.company_id
        return (
            company.invoice_terms_html
            if company.terms_type == "html"
            else company.invoice_terms
        )

    def _ps_schedule_staff_activity(self, summary, note=""):
        for order in self:
            user = (
                order.user_id
                or order.team_id.user_id
                or self.env.ref("base.user_admin")
            )
            order.sudo().activity_schedule(
                "personal_shopper.mail_activity_type_ps_todo",
                summary=summary,
                note=note,
                user_id=user.id,
            )

    # ------------------------------------------------------------------
    # Staff actions
    # ------------------------------------------------------------------
    def action_ps_compute_fees(self):
        """(Re)compute the service fee and estimated transport lines from the
        company's rules: a percentage of the articles with a minimum."""
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    _("Fees can only be computed before the proforma is accepted.")
                )
            company = order.company_id
            base = order.ps_articles_amount
            order._ps_set_fee_line(
                company.ps_service_fee_product_id,
                max(
                    base * company.ps_service_fee_percent / 100.0,
                    company.ps_service_fee_min,
                ),
            )
            order._ps_set_fee_line(
                company.ps_transport_product_id,
                max(
                    base * company.ps_transport_percent / 100.0,
                    company.ps_transport_min,
                ),
            )
        return True

    def _ps_set_fee_line(self, product, amount):
        self.ensure_one()
        if not product:
            raise UserError(
                _("Configure the service fee and transport products first.")
            )
        amount = self.currency_id.round(amount)
        line = self.order_line.filtered(lambda line: line.product_id == product)[:1]
        if line:
            line.write({"price_unit": amount, "product_uom_qty": 1})
        else:
            self.env["sale.order.line"].create(
                {
                    "order_id": self.id,
                    "product_id": product.id,
                    "product_uom_qty": 1,
                    "price_unit": amount,
                    "sequence": 1000,
                }
            )

    def _ps_check_priced(self):
        for order in self:
            articles = order.order_line.filtered("ps_is_article")
            unpriced = articles.filtered(
                lambda line: (
                    float_compare(
                        line.price_unit,
                        0.0,
                        precision_rounding=order.currency_id.rounding,
                    )
                    <= 0
                )
            )
            if not articles or unpriced:
                raise UserError(
                    _(
                        "Set a price on every article of %s before sending "
                        "the proforma.",
                        order.name,
                    )
                )

    def action_ps_send_proforma(self):
        """E-mail the proforma (PDF) to the customer and publish it in the portal."""
        template = self.env.ref("personal_shopper.mail_template_ps_proforma")
        for order in self:
            order._ps_check_transition("proforma_sent")
            order._ps_check_priced()
            fee_products = (
                order.company_id.ps_service_fee_product_id
                | order.company_id.ps_transport_product_id
            )
            if not order.order_line.filtered(
                lambda line: line.product_id in fee_products
            ):
                order.action_ps_compute_fees()
            validity = order.company_id.ps_proforma_validity_days
            order.write(
                {
                    "validity_date": fields.Date.context_today(order)
                    + timedelta(days=validity)
                    if validity
                    else False,
                    "ps_proforma_sent_date": fields.Datetime.now(),
                    "state": "sent" if order.state == "draft" else order.state,
                }
            )
            order._ps_send_to_customer(template)
            order._ps_set_stage("proforma_sent", notify=False)
            order.activity_feedback(["personal_shopper.mail_activity_type_ps_todo"])
        return True

    def _ps_accept_proforma(self):
        """The customer accepts the proforma: confirm the order and issue the
        deposit (down payment) invoice."""
        self._ps_lock()
        if self.ps_stage != "proforma_sent":
            return False
        if self.validity_date and self.validity_date < fields.Date.context_today(self):
            raise UserError(
                _(
                    "This proforma expired on %s: ask us for an updated one.",
                    tools.format_date(self.env, self.validity_date),
                )
            )
        self.sudo().action_confirm()
        invoice = self._ps_create_deposit_invoice()
        self.ps_deposit_invoice_id = invoice
        self._ps_set_stage("deposit_pending" if invoice else "confirmed")
        return True

    def _ps_create_deposit_invoice(self):
        self.ensure_one()
        if float_compare(self.ps_deposit_percent, 0.0, precision_digits=2) <= 0:
            return self.env["account.move"]
        wizard = (
            self.env["sale.advance.payment.inv"]
            .sudo()
            .with_context(active_model="sale.order", active_ids=self.ids)
            .create(
                {
                    "sale_order_ids": [fields.Command.set(self.ids)],
                    "advance_payment_method": "percentage",
                    "amount": self.ps_deposit_percent,
                }
            )
        )
        invoice = wizard._create_invoices(self.sudo())
        invoice.action_post()
        return invoice

    def action_ps_mark_purchased(self):
        return self._ps_set_stage("purchased")

    def action_ps_mark_in_transit(self):
        return self._ps_set_stage("in_transit")

    def action_ps_mark_arrived(self):
        return self._ps_set_stage("arrived")

    def action_ps_mark_delivered(self):
        self._ps_set_stage("delivered")
        self.activity_feedback(["personal_shopper.mail_activity_type_ps_todo"])
        return True

    def action_ps_cancel(self):
        self._ps_check_transition("cancelled")
        for order in self:
            deposit = order.ps_deposit_invoice_id
            if deposit.state == "posted" and deposit.payment_state == "not_paid":
                # nothing paid yet: the deposit invoice goes with the request
                deposit.button_draft()
            if order.state != "cancel":
                order.with_context(disable_cancel_warning=True)._action_cancel()
            if deposit.state == "draft":
                deposit.button_cancel()
            # proofs still waiting for a check have nothing left to pay
            order.ps_proof_ids.filtered(lambda proof: proof.state == "submitted").write(
                {
                    "state": "rejected",
                    "reject_reason": _("The request was cancelled."),
                    "reviewed_by": self.env.user.id,
                    "reviewed_date": fields.Datetime.now(),
                }
            )
        return self._ps_set_stage("cancelled")

    def action_ps_issue_final_invoice(self):
        """Bill the real transport fees and the balance after the deposit, then
        e-mail the invoice to the customer."""
        template = self.env.ref("personal_shopper.mail_template_ps_final_invoice")
        for order in self:
            if order.ps_stage != "arrived":
                raise UserError(
                    _("The final invoice is issued once the goods have arrived.")
                )
            transport_product = order.company_id.ps_transport_product_id
            transport_line = order.order_line.filtered(
                lambda line: line.product_id == transport_product
            )[:1]
            if transport_line and order.ps_transport_final:
                transport_line.price_unit = order.ps_transport_final
            elif order.ps_transport_final:
                order._ps_set_fee_line(transport_product, order.ps_transport_final)
            wizard = (
                self.env["sale.advance.payment.inv"]
                .with_context(active_model="sale.order", active_ids=order.ids)
                .create(
                    {
                        "sale_order_ids": [fields.Command.set(order.ids)],
                        "advance_payment_method": "delivered",
                    }
                )
            )
            invoice = wizard._create_invoices(order)
            invoice.action_post()
            order.ps_final_invoice_id = invoice
            order._ps_send_to_customer(template, thread=invoice)
            order._ps_set_stage("balance_pending", notify=False)
        return True

    def action_ps_open_whatsapp(self):
        self.ensure_one()
        if not self.ps_whatsapp_url:
            raise UserError(_("The customer has no mobile or phone number."))
        return {
            "type": "ir.actions.act_url",
            "url": self.ps_whatsapp_url,
            "target": "new",
        }

    def action_ps_contact_email(self):
        self.ensure_one()
        template = self.env.ref("personal_shopper.mail_template_ps_handover")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "sale.order",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": (
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
            },
        }

    def action_ps_view_proofs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "personal_shopper.action_personal_shopper_payment_proof"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Payment proofs
    # ------------------------------------------------------------------
    def _ps_expected_proof(self):
        """Return (kind, invoice) the customer is expected to pay now."""
        self.ensure_one()
        kind = PS_PROOF_KIND.get(self.ps_stage)
        invoice = {
            "deposit": self.ps_deposit_invoice_id,
            "balance": self.ps_final_invoice_id,
        }.get(kind, self.env["account.move"])
        return kind, invoice

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
        next_stage = "deposit_review" if kind == "deposit" else "balance_review"
        if self.ps_stage != next_stage:
            self.sudo()._ps_set_stage(next_stage)
        return proof

    def _message_post_after_hook(self, message, msg_vals):
        """Attachments sent by e-mail by the customer while a payment is
        expected become payment proofs."""
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and message.attachment_ids:
            for order in self.filtered("is_personal_shopper"):
                order._ps_proofs_from_message(message)
        return result

    def _ps_proofs_from_message(self, message, attachments=None):
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
                refused.append(f"{attachment.name}: {error.args[0]}")
        if refused:
            self.sudo().message_post(
                body=_(
                    "Attachments not accepted as payment proofs: %s", "; ".join(refused)
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _ps_sync_payment_stage(self):
        """Move orders on when their deposit or balance invoice got paid, by an
        accepted proof or by a payment registered in Invoicing."""
        for order in self:
            if (
                order.ps_stage in ("deposit_pending", "deposit_review")
                and order.ps_deposit_paid
            ):
                order._ps_set_stage("confirmed")
                order._ps_schedule_staff_activity(
                    _("Buy the articles of %s", order.name),
                    _("The deposit is paid: the articles can be purchased."),
                )
            elif (
                order.ps_stage in ("balance_pending", "balance_review")
                and order.ps_balance_paid
            ):
                order._ps_set_stage("ready")
                order._ps_schedule_staff_activity(
                    _("Arrange the delivery of %s", order.name),
                    _(
                        "Fully paid: contact the customer (WhatsApp or e-mail) "
                        "to deliver "
                        "or hand over the goods."
                    ),
                )
            elif order.ps_stage in (
                "deposit_review",
                "balance_review",
            ) and not order.ps_proof_ids.filtered(lambda p: p.state == "submitted"):
                # partly paid: the customer still owes the rest
                order._ps_set_stage(order.ps_stage.replace("_review", "_pending"))

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _cron_ps_send_reminders(self):
        template = self.env.ref("personal_shopper.mail_template_ps_reminder")
        for company in self.env["res.company"].search([("ps_reminder_days", ">", 0)]):
            limit = fields.Datetime.now() - timedelta(days=company.ps_reminder_days)
            orders = self.search(
                [
                    ("company_id", "=", company.id),
                    ("is_personal_shopper", "=", True),
                    (
                        "ps_stage",
                        "in",
                        ("proforma_sent", "deposit_pending", "balance_pending"),
                    ),
                    ("ps_stage_date", "<", limit),
                    "|",
                    ("ps_last_reminder_date", "=", False),
                    ("ps_last_reminder_date", "<", limit),
                ]
            )
            for order in orders:
                order._ps_send_to_customer(template)
                order.ps_last_reminder_date = fields.Datetime.now()
                order._ps_schedule_staff_activity(
                    _("Follow up %s", order.name),
                    _("No answer from the customer since %s.", order.ps_stage_date),
                )
        return True

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    def _ps_portal_timeline(self):
        """[(stage key, label, date or False, state)], state in done/current/todo."""
        self.ensure_one()
        reached = {}
        for entry in self.ps_stage_history_ids:
            reached[entry.stage] = entry.date
        labels = dict(self._fields["ps_stage"]._description_selection(self.env))
        current = PS_STAGE_ORDER.get(self.ps_stage, 0)
        timeline = []
        for key, _label in PS_STAGES:
            if key in ("cart", "cancelled"):
                continue
            index = PS_STAGE_ORDER[key]
            if self.ps_stage == "cancelled":
                state = "done" if key in reached else "todo"
            else:
                state = (
                    "done"
                    if index < current
                    else "current"
                    if index == current
                    else "todo"
                )
            if state == "todo" and key.endswith("_review") and key not in reached:
                continue  # only shown when it happened
            timeline.append((key, labels[key], reached.get(key), state))
        if self.ps_stage == "cancelled":
            timeline.append(
                ("cancelled", labels["cancelled"], reached.get("cancelled"), "current")
            )
        return timeline

    def _get_portal_return_action(self):
        if self.is_personal_shopper:
            return self.env.ref("personal_shopper.action_personal_shopper_order")
        return super()._get_portal_return_action()

    def _ps_last_rejection_reason(self):
        self.ensure_one()
        rejected = self.ps_proof_ids.filtered(lambda p: p.state == "rejected")
        return rejected.sorted("reviewed_date")[-1:].reject_reason or ""
