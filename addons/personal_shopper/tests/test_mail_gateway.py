from email.message import EmailMessage

from odoo.tests import tagged

from .common import PDF_DATA, PNG_DATA, PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestMailGateway(PersonalShopperCommon):
    """Payment proofs sent by replying to our e-mails."""

    def _last_mail_to_customer(self, record):
        messages = record.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment") and m.message_id
        )
        return messages[:1]

    def _reply(self, message, email_from, attachments):
        """Process the reply of ``email_from`` to ``message`` carrying
        ``attachments`` [(file name, data, mimetype)]."""
        mail = EmailMessage()
        mail["From"] = email_from
        mail["To"] = self.company.email
        mail["Subject"] = f"Re: {message.subject}"
        mail["Message-Id"] = f"<reply-{message.id}-{len(attachments)}@example.com>"
        mail["In-Reply-To"] = message.message_id
        mail["References"] = message.message_id
        mail.set_content("Hello, here is my payment.")
        for name, data, mimetype in attachments:
            maintype, subtype = mimetype.split("/")
            mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        self.env["mail.thread"].sudo().message_process(None, mail.as_string())

    def test_deposit_proof_by_email(self):
        order = self._make_order("deposit_pending")
        self._reply(
            self._last_mail_to_customer(order),
            self.customer.email_formatted,
            [("transfer.pdf", PDF_DATA, "application/pdf")],
        )
        proof = order.ps_proof_ids
        self.assertEqual(len(proof), 1)
        self.assertEqual(proof.source, "email")
        self.assertEqual(proof.state, "submitted")
        self.assertEqual(proof.kind, "deposit")
        self.assertEqual(proof.invoice_id, order.ps_deposit_invoice_id)
        self.assertEqual(
            proof.amount_declared, order.ps_deposit_invoice_id.amount_residual
        )
        self.assertEqual(proof.file_name, "transfer.pdf")
        self.assertIn("here is my payment", proof.note)
        self.assertEqual(order.ps_stage, "deposit_review")

    def test_balance_proof_by_email_to_invoice(self):
        """A reply to the final invoice e-mail is a proof on the order."""
        order = self._make_order("balance_pending")
        invoice = order.ps_final_invoice_id
        self._reply(
            self._last_mail_to_customer(invoice),
            self.customer.email_formatted,
            [("transfer.png", PNG_DATA, "image/png")],
        )
        proof = order.ps_proof_ids.filtered(lambda p: p.kind == "balance")
        self.assertEqual(len(proof), 1)
        self.assertEqual(proof.source, "email")
        self.assertEqual(proof.invoice_id, invoice)
        self.assertEqual(proof.attachment_id.res_model, "sale.order")
        self.assertEqual(proof.attachment_id.res_id, order.id)
        self.assertEqual(order.ps_stage, "balance_review")

    def test_wrong_file_type(self):
        order = self._make_order("deposit_pending")
        self._reply(
            self._last_mail_to_customer(order),
            self.customer.email_formatted,
            [
                ("notes.txt", b"I paid yesterday", "text/plain"),
                (
                    "setup.exe",
                    b"MZ\x90\x00\x03\x00\x00\x00",
                    "application/octet-stream",
                ),
            ],
        )
        self.assertFalse(order.ps_proof_ids)
        self.assertEqual(order.ps_stage, "deposit_pending")
        note = order.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_note")
                and "not accepted as payment proofs" in m.body
            )
        )
        self.assertEqual(len(note), 1)
        self.assertIn("notes.txt", note.body)
        self.assertIn("setup.exe", note.body)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertIn("notes.txt", attachments.mapped("name"))
        self.assertIn("setup.exe", attachments.mapped("name"))

    def test_stranger(self):
        order = self._make_order("deposit_pending")
        self._reply(
            self._last_mail_to_customer(order),
            "Eve Stranger <eve@stranger.example.com>",
            [("transfer.pdf", PDF_DATA, "application/pdf")],
        )
        self.assertFalse(order.ps_proof_ids)
        self.assertEqual(order.ps_stage, "deposit_pending")

    def test_no_payment_expected(self):
        order = self._make_order("proforma_sent")
        self._reply(
            self._last_mail_to_customer(order),
            self.customer.email_formatted,
            [("transfer.pdf", PDF_DATA, "application/pdf")],
        )
        self.assertFalse(order.ps_proof_ids)
        self.assertEqual(order.ps_stage, "proforma_sent")
