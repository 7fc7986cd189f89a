from odoo import models

# Types a browser shows without running anything of the file.
INLINE_SAFE_MIMETYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class IrBinary(models.AbstractModel):
    """Files of personal-shopper requests come from customers (payment
    proofs, e-mail attachments, refused ones included). Served inline, an HTML
    page, an SVG or a PDF with JavaScript would run in the staff's or the
    customer's browser on the site's origin. Odoo serves attachments with the
    type they were stored with (or the ``mimetype`` of the URL) and inline
    unless ``download=true``: here, whatever the URL asks, such a file is only
    served as a download (``application/octet-stream``, with ``nosniff``),
    except pictures. Staff read PDFs in Odoo's PDF viewer (PDF.js, which reads
    the bytes and runs no script of the file)."""

    _inherit = "ir.binary"

    def _get_stream_from(
        self,
        record,
        field_name="raw",
        filename=None,
        filename_field="name",
        mimetype=None,
        default_mimetype="application/octet-stream",
    ):
        stream = super()._get_stream_from(
            record,
            field_name=field_name,
            filename=filename,
            filename_field=filename_field,
            mimetype=mimetype,
            default_mimetype=default_mimetype,
        )
        if (
            stream.type in ("data", "path")
            and stream.mimetype not in INLINE_SAFE_MIMETYPES
            and (
                (
                    record._name == "ir.attachment"
                    and record.sudo()._ps_is_customer_file()
                )
                # staffday: the proof's file shown on its review screen
                or record._name == "personal.shopper.payment.proof"
            )
        ):
            stream.mimetype = "application/octet-stream"
            stream.as_attachment = True
        return stream


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _ps_is_customer_file(self):
        """Whether this attachment belongs to a personal-shopper request or
        its invoices (where customers' files land), or is a payment proof."""
        self.ensure_one()
        if (
            self.env["personal.shopper.payment.proof"]
            .sudo()
            .search_count([("attachment_id", "=", self.id)], limit=1)
        ):
            return True
        if self.res_model == "account.payment" and self.res_id:
            # staffday: a copy of an accepted proof on its payment
            return bool(
                self.env["personal.shopper.payment.proof"]
                .sudo()
                .search_count([("payment_id", "=", self.res_id)], limit=1)
            )
        if not self.res_id or self.res_model not in ("sale.order", "account.move"):
            return False
        record = self.env[self.res_model].sudo().browse(self.res_id).exists()
        if self.res_model == "sale.order":
            return bool(record.is_personal_shopper)
        orders = record.line_ids.sale_line_ids.order_id
        return any(orders.mapped("is_personal_shopper"))
