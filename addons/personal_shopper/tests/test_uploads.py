import zlib
from email.message import EmailMessage
from unittest.mock import patch

from odoo import http as odoo_http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.personal_shopper.controllers.portal import CustomerPortal
from odoo.addons.personal_shopper.models.personal_shopper_payment_proof import (
    sanitize_file_name,
)

from .common import PDF_DATA, PNG_DATA, PersonalShopperCommon


def pdf_with(body):
    """A small PDF whose catalog carries ``body`` (bytes)."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R" + body + b">>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_with_packed(body):
    """A PDF whose active object is hidden in a compressed object stream."""
    packed = zlib.compress(b"3 0 " + body)
    return (
        b"%PDF-1.5\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"4 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


@tagged("post_install", "-at_install")
class TestProofFiles(PersonalShopperCommon):
    def test_active_pdf_refused(self):
        Proof = self.env["personal.shopper.payment.proof"]
        self.assertEqual(Proof._check_file(PDF_DATA, "ok.pdf"), "application/pdf")
        self.assertEqual(
            Proof._check_file(pdf_with(b"/OpenAction<</S/GoTo/D[0]>>"), "ok.pdf"),
            "application/pdf",
        )
        active = {
            "javascript": pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
            "js-only": pdf_with(b"/AA<</O<</JS(app.alert(1))>>>>"),
            "escaped-name": pdf_with(b"/OpenAction<</S/J#61vaScript/J#53(x)>>"),
            "launch": pdf_with(b"/OpenAction<</S/Launch/F(calc.exe)>>"),
            "object-stream": pdf_with_packed(b"<</S/JavaScript/JS(app.alert(1))>>"),
        }
        for label, data in active.items():
            with (
                self.subTest(label=label),
                self.assertRaises(ValidationError) as caught,
            ):
                Proof._check_file(data, f"{label}.pdf")
            self.assertIn("contains scripts or actions", caught.exception.args[0])

    def test_file_names_sanitised(self):
        cases = {
            ("../../etc/passwd.pdf", "application/pdf"): "passwd.pdf",
            ("C:\\Users\\me\\receipt.pdf", "application/pdf"): "receipt.pdf",
            ("invoice\u202egnp.exe", "image/png"): "invoicegnp.png",
            ("proof.html", "image/png"): "proof.png",
            (".htaccess", "image/jpeg"): "htaccess.jpg",
            ("a\x00b\r\nc.pdf", "application/pdf"): "abc.pdf",
            ('<img src=x onerror="x">.png', "image/png"): "_img src=x onerror=_x__.png",
            ("", "application/pdf"): "proof.pdf",
            ("x" * 300 + ".pdf", "application/pdf"): "x" * 96 + ".pdf",
        }
        for (name, mimetype), expected in cases.items():
            with self.subTest(name=name):
                self.assertEqual(sanitize_file_name(name, mimetype), expected)

    def test_stored_proof_name_sanitised(self):
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(
            order, data=PNG_DATA, name="../../evil\u202egpj.html"
        )
        self.assertEqual(proof.file_name, "evilgpj.png")


@tagged("post_install", "-at_install")
class TestProofRefusedByEmail(PersonalShopperCommon):
    def _reply_with(self, order, attachments):
        message = order.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment") and m.message_id
        )[:1]
        mail = EmailMessage()
        mail["From"] = self.customer.email_formatted
        mail["To"] = self.company.email
        mail["Subject"] = f"Re: {message.subject}"
        mail["Message-Id"] = f"<reply-{message.id}-refused@example.com>"
        mail["In-Reply-To"] = message.message_id
        mail["References"] = message.message_id
        mail.set_content("Here is my payment.")
        for name, data, mimetype in attachments:
            maintype, subtype = mimetype.split("/")
            mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        self.env["mail.thread"].sudo().message_process(None, mail.as_string())

    def _answers(self, order):
        return order.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_comment")
                and "could not take" in (m.subject or "") + (m.body or "")
            )
        )

    def test_customer_told_why(self):
        order = self._make_order("deposit_pending")
        self.company.ps_proof_max_size = 1
        self._reply_with(
            order,
            [
                (
                    "notes.docx",
                    b"A Word document, not a proof",
                    "application/octet-stream",
                ),
                ("big.pdf", PDF_DATA + b"0" * (1024 * 1024), "application/pdf"),
            ],
        )
        self.assertFalse(order.ps_proof_ids)
        answer = self._answers(order)
        self.assertEqual(len(answer), 1)
        self.assertIn("notes.docx is not a JPEG, PNG or PDF file.", answer.body)
        self.assertIn("The file is too large: 1 MB at most.", answer.body)
        self.assertIn("Please send your payment proof again", answer.body)
        self.assertIn(self.customer, answer.notification_ids.res_partner_id)

    def test_customer_told_in_their_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        template = self.env.ref("personal_shopper.mail_template_ps_proof_refused_file")
        template.with_context(
            lang="fr_FR"
        ).subject = "{{ object.name }} : nous n'avons pas pu prendre votre fichier"
        order = self._make_order("deposit_pending")
        self._reply_with(order, [("notes.txt", b"I paid", "text/plain")])
        answer = order.message_ids.filtered(
            lambda m: "nous n'avons pas pu prendre" in (m.subject or "")
        )
        self.assertEqual(len(answer), 1)


@tagged("post_install", "-at_install")
class TestProofUploadRoutes(HttpCase, PersonalShopperCommon):
    def _post(self, path, /, files=None, **data):
        return self.url_open(
            path,
            data={"csrf_token": odoo_http.Request.csrf_token(self), **data},
            files=files,
        )

    def test_note_kept_when_refused(self):
        order = self._make_order("deposit_pending")
        self.authenticate("ps_customer", "ps_customer")
        response = self._post(
            f"/my/orders/{order.id}/ps_proof",
            files={"proof_file": ("notes.txt", b"not a proof", "text/plain")},
            note="Paid on Monday <b>from my account</b>",
            amount="12,5",
        )
        self.assertIn('id="ps_error"', response.text)
        self.assertIn("notes.txt is not a JPEG, PNG or PDF file.", response.text)
        self.assertIn(
            "Paid on Monday &lt;b&gt;from my account&lt;/b&gt;</textarea>",
            response.text,
        )
        self.assertIn('value="12,5"', response.text)
        # shown once: a later visit has an empty form
        self.assertNotIn("Paid on Monday", self.url_open(f"/my/orders/{order.id}").text)

    def test_checked_in_the_browser(self):
        order = self._make_order("deposit_pending")
        self.company.ps_proof_max_size = 3
        self.authenticate("ps_customer", "ps_customer")
        page = self.url_open(f"/my/orders/{order.id}").text
        self.assertIn('data-max-size="3145728"', page)
        self.assertIn("The file is too large: 3 MB at most.", page)
        self.assertIn(
            f'action="/my/orders/{order.id}/ps_proof?access_token={order.access_token}"',
            page,
        )

    def test_checked_in_the_browser_tour(self):
        order = self._make_order("deposit_pending")
        self.company.ps_proof_max_size = 1
        self.start_tour(
            f"/my/orders/{order.id}",
            "personal_shopper_proof_checks",
            login="ps_customer",
        )
        self.assertFalse(order.ps_proof_ids)

    def test_too_large_refused_before_reading(self):
        """An upload over the limit is refused from its size, its form never
        parsed (the route's max_content_length), and the customer is sent
        back to the order page with the addon's message, not a raw 413 page."""
        order = self._make_order("deposit_pending")
        # the route's limit is the largest of the companies' limits
        self.env["res.company"].search([]).ps_proof_max_size = 1
        self.authenticate("ps_customer", "ps_customer")
        with patch.object(
            CustomerPortal,
            "_ps_read_proof_file",
            side_effect=AssertionError("the upload was parsed"),
        ) as read:
            response = self.url_open(
                f"/my/orders/{order.id}/ps_proof?access_token={order.access_token}",
                data={
                    "csrf_token": odoo_http.Request.csrf_token(self),
                    "note": "Paid on Monday",
                },
                files={
                    "proof_file": (
                        "big.pdf",
                        PDF_DATA + b"0" * (2 * 1024 * 1024),
                        "application/pdf",
                    )
                },
                allow_redirects=False,
            )
            read.assert_not_called()
        self.assertEqual(response.status_code, 303)
        location = response.headers["Location"]
        self.assertIn(f"/my/orders/{order.id}", location)
        page = self.url_open(location).text
        self.assertIn('id="ps_error"', page)
        self.assertIn("The file is too large: 1 MB at most.", page)
        self.assertNotIn("Request Entity Too Large", page)
        self.assertFalse(order.ps_proof_ids)


@tagged("post_install", "-at_install")
class TestCustomerFilesServed(HttpCase, PersonalShopperCommon):
    """Files of requests come from customers: nothing active is served
    inline, whatever the URL asks."""

    def test_active_files_downloaded(self):
        order = self._make_order("deposit_pending")
        Attachment = self.env["ir.attachment"].sudo()
        files = {
            "page.html": b"<html><script>alert(1)</script></html>",
            "image.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "active.pdf": pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        }
        self.authenticate("ps_staff", "ps_staff")
        for name, data in files.items():
            attachment = Attachment.create(
                {
                    "name": name,
                    "raw": data,
                    "res_model": "sale.order",
                    "res_id": order.id,
                }
            )
            for query in ("", "?download=false", "?mimetype=text/html"):
                with self.subTest(name=name, query=query):
                    response = self.url_open(f"/web/content/{attachment.id}{query}")
                    self.assertEqual(response.status_code, 200)
                    # a type browsers never render, never sniffed: downloaded
                    self.assertEqual(
                        response.headers["Content-Type"], "application/octet-stream"
                    )
                    self.assertEqual(
                        response.headers["X-Content-Type-Options"], "nosniff"
                    )
        # a picture is shown (control)
        proof = self._submit_proof(order, data=PNG_DATA, name="receipt.png")
        response = self.url_open(f"/web/content/{proof.attachment_id.id}")
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertIn("inline", response.headers["Content-Disposition"])
        # an ordinary quotation keeps Odoo's behaviour
        other = self.env["sale.order"].create({"partner_id": self.customer.id})
        page = Attachment.create(
            {
                "name": "page.html",
                "raw": files["page.html"],
                "res_model": "sale.order",
                "res_id": other.id,
            }
        )
        response = self.url_open(f"/web/content/{page.id}")
        self.assertNotEqual(
            response.headers["Content-Type"], "application/octet-stream"
        )
