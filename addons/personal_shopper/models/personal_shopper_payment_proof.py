import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.mimetypes import guess_mimetype

from .sale_order import PAID_STATES

_logger = logging.getLogger(__name__)

PROOF_MIMETYPES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/pdf": "PDF",
}


class PersonalShopperPaymentProof(models.Model):
    _name = "personal.shopper.payment.proof"
    _description = "Payment Proof"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", store=True)
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
        domain=[("is_personal_shopper", "=", True)],
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    invoice_id = fields.Many2one("account.move", required=True, readonly=True)
    kind = fields.Selection(
        [("deposit", "Deposit"), ("balance", "Balance")], required=True, readonly=True
    )
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_declared = fields.Monetary(string="Declared amount", readonly=True)
    amount_accepted = fields.Monetary(
        string="Amount received",
        help="Amount actually received, registered as a payment when the proof is "
        "accepted. "
        "Defaults to the declared amount.",
    )
    attachment_id = fields.Many2one(
        "ir.attachment",
        string="File",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    file_name = fields.Char(related="attachment_id.name", string="File name")
    mimetype = fields.Char(related="attachment_id.mimetype")
    source = fields.Selection(
        [("portal", "Portal"), ("email", "E-mail"), ("backend", "Staff")],
        default="backend",
        required=True,
        readonly=True,
    )
    note = fields.Text(string="Customer's message", readonly=True)
    state = fields.Selection(
        [("submitted", "To check"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="submitted",
        required=True,
        tracking=True,
        readonly=True,
    )
    reject_reason = fields.Text(readonly=True, tracking=True)
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    reviewed_by = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("order_id.name", "kind")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for proof in self:
            proof.name = f"{proof.order_id.name} – {labels.get(proof.kind, '')}"

    @api.model
    def _check_file(self, data, filename=None):
        """Refuse what is not a reasonably sized JPEG, PNG or PDF (judged on the
        content, not the name)."""
        max_mb = self.env.company.ps_proof_max_size or 10
        if not data:
            raise ValidationError(_("The file is empty."))
        if len(data) > max_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is too large: %(size)s MB at most.", size=max_mb)
            )
        mimetype = guess_mimetype(data, default="application/octet-stream")
        if mimetype not in PROOF_MIMETYPES:
            raise ValidationError(
                _(
                    "%(file)s is not a JPEG, PNG or PDF file.",
                    file=filename or _("The file"),
                )
            )
        return mimetype

    @api.model_create_multi
    def create(self, vals_list):
        proofs = super().create(vals_list)
        kind_labels = dict(self._fields["kind"]._description_selection(self.env))
        for proof in proofs:
            if not proof.amount_accepted:
                proof.amount_accepted = proof.amount_declared
            proof.attachment_id.sudo().write(
                {"res_model": "sale.order", "res_id": proof.order_id.id}
            )
            proof.order_id.sudo()._ps_schedule_staff_activity(
                _("Check the payment proof (%s)", kind_labels[proof.kind]),
                _(
                    "%(customer)s sent a payment proof of %(amount)s.",
                    customer=proof.partner_id.name,
                    amount=proof.amount_declared,
                ),
            )
            proof.order_id.sudo().message_post(
                body=_(
                    "Payment proof received (%(kind)s, %(amount)s %(currency)s).",
                    kind=kind_labels[proof.kind],
                    amount=proof.amount_declared,
                    currency=proof.currency_id.name,
                ),
                attachment_ids=proof.attachment_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return proofs

    def action_accept(self):
        """Register the payment on the invoice; the order moves on once paid."""
        for proof in self:
            if proof.state != "submitted":
                raise UserError(_("This proof was already reviewed."))
            invoice = proof.invoice_id
            if invoice.state != "posted":
                raise UserError(_("The invoice %s is not posted.", invoice.name))
            if (
                float_compare(
                    proof.amount_accepted,
                    0.0,
                    precision_rounding=proof.currency_id.rounding,
                )
                <= 0
            ):
                raise UserError(
                    _("Set the amount received before accepting the proof.")
                )
            payment = self.env["account.payment"]
            if invoice.payment_state not in PAID_STATES:
                journal = proof.company_id._ps_payment_journal()
                if not journal:
                    raise UserError(
                        _("Configure a bank journal for customer payments first.")
                    )
                amount = min(proof.amount_accepted, invoice.amount_residual)
                wizard = (
                    self.env["account.payment.register"]
                    .with_context(active_model="account.move", active_ids=invoice.ids)
                    .create(
                        {
                            "amount": amount,
                            "journal_id": journal.id,
                            "payment_date": fields.Date.context_today(self),
                            "communication": invoice.name,
                        }
                    )
                )
                payment = wizard._create_payments()
            proof.write(
                {
                    "state": "accepted",
                    "payment_id": payment[:1].id,
                    "reviewed_by": self.env.user.id,
                    "reviewed_date": fields.Datetime.now(),
                }
            )
            proof.order_id._ps_sync_payment_stage()
            proof.activity_feedback(["personal_shopper.mail_activity_type_ps_todo"])
            proof.order_id.activity_feedback(
                ["personal_shopper.mail_activity_type_ps_todo"]
            )
        return True

    def action_open_reject_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Reject payment proof"),
            "res_model": "personal.shopper.proof.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_proof_ids": self.ids},
        }

    def _reject(self, reason):
        template = self.env.ref("personal_shopper.mail_template_ps_proof_rejected")
        for proof in self:
            if proof.state != "submitted":
                raise UserError(_("This proof was already reviewed."))
            proof.write(
                {
                    "state": "rejected",
                    "reject_reason": reason,
                    "reviewed_by": self.env.user.id,
                    "reviewed_date": fields.Datetime.now(),
                }
            )
            order = proof.order_id
            back = {
                "deposit_review": "deposit_pending",
                "balance_review": "balance_pending",
            }
            if order.ps_stage in back and not order.ps_proof_ids.filtered(
                lambda p: p.state == "submitted"
            ):
                order._ps_set_stage(back[order.ps_stage], notify=False)
            order._ps_send_to_customer(template)
            proof.order_id.activity_feedback(
                ["personal_shopper.mail_activity_type_ps_todo"]
            )
        return True

    def action_view_file(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=false",
            "target": "new",
        }
