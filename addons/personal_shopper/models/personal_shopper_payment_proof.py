import logging
import re
import unicodedata
import zlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.mimetypes import guess_mimetype

from .. import const

_logger = logging.getLogger(__name__)

PROOF_MIMETYPES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/pdf": "PDF",
}
PROOF_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
}
FILE_NAME_MAX = 100
# PDF names that run something when the file is opened: scripts, and
# actions launching programs (whatever /OpenAction or /AA triggers them)
PDF_ACTIVE_NAMES = {b"/JavaScript", b"/JS", b"/Launch"}
PDF_NAME_RE = re.compile(rb"/(?:[A-Za-z0-9_.+-]|#[0-9A-Fa-f]{2})+")
PDF_STREAM_RE = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
PDF_INFLATED_MAX = 50 * 1024 * 1024


def _pdf_names(data):
    """The names (``/Name``) of a PDF's text, ``#xx`` escapes decoded."""
    for match in PDF_NAME_RE.finditer(data):
        yield re.sub(
            rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), match.group()
        )


def pdf_is_active(data):
    """Whether a PDF carries JavaScript or a launch action, in its text or
    in its compressed streams (objects may be packed in object streams)."""
    chunks = [data]
    budget = PDF_INFLATED_MAX
    for match in PDF_STREAM_RE.finditer(data):
        try:
            inflater = zlib.decompressobj()
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        chunks.append(inflated)
        if budget <= 0:
            return True  # a decompression bomb is no payment proof
    return any(
        name in PDF_ACTIVE_NAMES for chunk in chunks for name in _pdf_names(chunk)
    )


def sanitize_file_name(name, mimetype=None):
    """A file name safe to store and show: no folders, control or invisible
    characters, no leading dot, a bounded length, and the extension of the
    file's real type (``mimetype``) when known."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        char
        for char in name
        if unicodedata.category(char)[0] not in ("C", "Z") or char == " "
    )
    name = re.sub(r"[<>:\"|?*]", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    wanted = PROOF_EXTENSIONS.get(mimetype)
    if wanted:
        extension = wanted[1:]
    stem = stem[: FILE_NAME_MAX - len(extension) - 1].strip(" .") or "proof"
    return f"{stem}.{extension}" if extension else stem


class PersonalShopperPaymentProof(models.Model):
    _name = "personal.shopper.payment.proof"
    _description = "Payment Proof"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _rec_name = "name"

    # Computed for whoever reads it, in their language (the kind label is
    # translated); a stored name would keep the language of its creator.
    name = fields.Char(compute="_compute_name", search="_search_name")
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
    # stored: the proofs' lists (the request's portal page, the back office)
    # read it with the proofs, not from their attachments (orderperf)
    file_name = fields.Char(
        related="attachment_id.name", string="File name", store=True
    )
    mimetype = fields.Char(related="attachment_id.mimetype")
    source = fields.Selection(
        [("portal", "Portal"), ("email", "E-mail"), ("backend", "Staff")],
        default="backend",
        required=True,
        readonly=True,
    )
    note = fields.Text(string="Customer's message", readonly=True)
    state = fields.Selection(
        [
            ("submitted", "To check"),
            ("accepted", "Accepted"),
            ("rejected", "Rejected"),
            ("superseded", "No longer needed"),
        ],
        default="submitted",
        required=True,
        tracking=True,
        readonly=True,
    )
    reject_reason = fields.Text(readonly=True, tracking=True)
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    reviewed_by = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_date = fields.Datetime(readonly=True, copy=False)
    # staffday: the review screen shows the file next to the amounts (PDF.js
    # for PDFs, the picture itself otherwise: see ir.binary for how it is
    # served), the customer's other proofs, and what the invoice still asks.
    file_data = fields.Binary(
        related="attachment_id.datas", string="File content", readonly=True
    )
    is_pdf = fields.Boolean(compute="_compute_is_pdf")
    invoice_amount_total = fields.Monetary(
        related="invoice_id.amount_total", string="Invoice total"
    )
    invoice_amount_due = fields.Monetary(
        related="invoice_id.amount_residual", string="Amount due"
    )
    invoice_payment_state = fields.Selection(
        related="invoice_id.payment_state", string="Invoice payment"
    )
    partner_proof_ids = fields.Many2many(
        "personal.shopper.payment.proof",
        string="Customer's other proofs",
        compute="_compute_partner_proof_ids",
    )

    @api.depends("mimetype")
    def _compute_is_pdf(self):
        for proof in self:
            proof.is_pdf = proof.mimetype == "application/pdf"

    @api.depends("partner_id")
    def _compute_partner_proof_ids(self):
        for proof in self:
            proof.partner_proof_ids = (
                self.search(
                    [
                        ("partner_id", "=", proof.partner_id.id),
                        ("id", "!=", proof._origin.id),
                    ],
                    limit=20,
                )
                if proof.partner_id
                else False
            )

    @api.depends("order_id.name", "kind")
    @api.depends_context("lang")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for proof in self:
            proof.name = f"{proof.order_id.name} – {labels.get(proof.kind, '')}"

    def _search_name(self, operator, value):
        return [("order_id.name", operator, value)]

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
        if mimetype == "application/pdf" and pdf_is_active(data):
            raise ValidationError(
                _(
                    "%(file)s contains scripts or actions: send a plain PDF "
                    "(print it to PDF again) or a photo of the proof.",
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
            attachment = proof.attachment_id.sudo()
            attachment.write(
                {
                    "res_model": "sale.order",
                    "res_id": proof.order_id.id,
                    # the customer's file name, made safe and true to the content
                    "name": sanitize_file_name(attachment.name, attachment.mimetype),
                }
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
        self.order_id._ps_check_staff()
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
            if invoice.payment_state in const.PAID_STATES:
                # paid meanwhile (another proof, the accountant): nothing to
                # register twice
                raise UserError(
                    _(
                        "The invoice %s is already paid: this proof records "
                        "nothing more. Close it as no longer needed.",
                        invoice.name,
                    )
                )
            proof.write(
                {
                    "state": "accepted",
                    "reviewed_by": self.env.user.id,
                    "reviewed_date": fields.Datetime.now(),
                }
            )
            # The whole amount received is registered: what exceeds the
            # amount due stays as the customer's credit (outstanding credit in
            # Invoicing), used on the final invoice.
            proof.payment_id = proof.order_id._ps_register_payment(
                invoice, proof.amount_accepted
            )[:1]
            proof._attach_to_payment()
            proof.order_id._ps_sync_payment_stage()
            proof.activity_feedback(["personal_shopper.mail_activity_type_ps_todo"])
            proof.order_id.activity_feedback(
                ["personal_shopper.mail_activity_type_ps_todo"]
            )
        return True

    def _attach_to_payment(self):
        """The evidence goes with the money: a copy of the proof's file on
        the payment it produced and on the invoice it paid (their chatter),
        so the accountant finds it without opening the request."""
        self.ensure_one()
        payment = self.payment_id.sudo()
        if not payment:
            return
        attachment = self.attachment_id.sudo()
        body = _(
            "Payment proof of %(customer)s accepted by %(user)s "
            "(%(amount)s %(currency)s).",
            customer=self.partner_id.name,
            user=self.env.user.name,
            amount=self.amount_accepted,
            currency=self.currency_id.name,
        )
        for record in (payment, self.invoice_id.sudo()):
            copy = attachment.copy({"res_model": record._name, "res_id": record.id})
            record.message_post(
                body=body, attachment_ids=copy.ids, subtype_xmlid="mail.mt_note"
            )

    @api.model
    def _close_paid_invoice_proofs(self, invoices):
        """Proofs still waiting on invoices now paid (another proof, a
        payment in Invoicing) prove nothing more: closed as no longer
        needed, with a note on their request (the customer is not told they
        were rejected)."""
        paid = invoices.filtered(lambda inv: inv.payment_state in const.PAID_STATES)
        if not paid:
            return
        proofs = self.sudo().search(
            [("invoice_id", "in", paid.ids), ("state", "=", "submitted")]
        )
        for invoice in paid:
            duplicates = proofs.filtered(lambda p, inv=invoice: p.invoice_id == inv)
            if not duplicates:
                continue
            reason = _("The invoice %s is paid.", invoice.name)
            duplicates._supersede(reason)
            for order in duplicates.order_id:
                order.message_post(
                    body=_(
                        "%(count)s payment proof(s) closed as no longer needed: "
                        "%(reason)s",
                        count=len(
                            duplicates.filtered(lambda p, o=order: p.order_id == o)
                        ),
                        reason=reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _supersede(self, reason=None):
        """Close proofs that have nothing left to prove (their payment is
        complete, or the request was cancelled), without telling the customer
        they were rejected."""
        self.filtered(lambda p: p.state == "submitted").write(
            {
                "state": "superseded",
                "reject_reason": reason
                or _("The payment was completed by another payment."),
                "reviewed_by": self.env.user.id,
                "reviewed_date": fields.Datetime.now(),
            }
        )
        self.activity_unlink(["personal_shopper.mail_activity_type_ps_todo"])

    def action_supersede(self):
        self.order_id._ps_check_staff()
        self._supersede(_("Closed by %s: no longer needed.", self.env.user.name))
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
        self.order_id._ps_check_staff()
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
            stage = const.BY_KEY[order.ps_stage]
            if stage.review and not order.ps_proof_ids.filtered(
                lambda p: p.state == "submitted"
            ):
                order._ps_set_stage(const.pending_stage(stage.payment), notify=False)
            order._ps_send_to_customer(template)
            proof.order_id.activity_feedback(
                ["personal_shopper.mail_activity_type_ps_todo"]
            )
        return True

    def action_view_file(self):
        """Open the file: pictures in the browser, PDFs in Odoo's PDF viewer
        (PDF.js, which runs no script of the file); the file itself is never
        served inline (see ir.binary)."""
        self.ensure_one()
        url = f"/web/content/{self.attachment_id.id}"
        if self.attachment_id.mimetype == "application/pdf":
            url = f"/web/static/lib/pdfjs/web/viewer.html?file={url}"
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}
