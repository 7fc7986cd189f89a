"""The whole customer journey against a real server in workers mode.

The customer is a ``requests`` session that does what a browser does (GET the
form, POST it with its CSRF token, follow the redirects); the staff work over
XML-RPC. Every e-mail the customer should get is caught by the mail catcher.
"""

import re
import uuid

import pytest
from e2e_client import (
    PNG_DATA,
    PortalClient,
    StaffClient,
    html_body,
    mail_subject,
    pdf_attachments,
    sent_to,
)

pytestmark = pytest.mark.e2e

PAID = ("paid", "in_payment")
MAIL_TIMEOUT = 60


def _stage(staff, order_id):
    return staff.read_one("sale.order", order_id, ["ps_stage"])["ps_stage"]


def _stage_labels(staff, lang):
    field = staff.call(
        "sale.order",
        "fields_get",
        ["ps_stage"],
        attributes=["selection"],
        context={"lang": lang},
    )["ps_stage"]
    return dict(field["selection"])


def _submitted_proof(staff, order_id, kind):
    proofs = staff.search_read(
        "personal.shopper.payment.proof",
        [("order_id", "=", order_id), ("kind", "=", kind), ("state", "=", "submitted")],
        ["id", "amount_declared", "mimetype", "source", "attachment_id"],
    )
    assert len(proofs) == 1, f"expected one submitted {kind} proof, got {proofs}"
    return proofs[0]


def test_customer_journey_from_signup_to_delivery(odoo_server, mailcatcher):
    base, db = odoo_server.base_url, odoo_server.db
    staff = StaffClient(base, db, "admin", "admin")
    customer = PortalClient(base)
    tag = uuid.uuid4().hex[:8]
    email = f"e2e.{tag}@example.com"  # as stored: stripped, lower case
    password = f"Pw-{tag}-journey"

    # -- 1. sign up: name and e-mail, then the e-mailed link --------------------------
    # The address is typed with capitals and spaces: one account per address.
    r = customer.signup(f"Élise E2E {tag}", f"  E2E.{tag}@Example.com ")
    assert r.status_code == 200 and 'id="ps_signup_check_mailbox"' in r.text, r.text[
        :3000
    ]
    staff.deliver_account_mails()
    users = staff.search_read(
        "res.users",
        [("login", "=", email)],
        ["ps_signup_pending", "lang", "partner_id", "mobile"],
    )
    assert len(users) == 1 and users[0]["ps_signup_pending"] is True
    assert not users[0]["mobile"], "the phone is given with the password, later"
    customer_lang = users[0]["lang"]
    partner_id = users[0]["partner_id"][0]

    # no password exists before the link is followed: nobody can log in
    r = customer.login(email, password)
    assert r.status_code == 200 and not customer.is_logged_in()

    signup_mail = mailcatcher.wait_for(
        lambda m: sent_to(email)(m) and PortalClient.signup_link_of(m),
        timeout=MAIL_TIMEOUT,
    )
    assert f"Élise E2E {tag}" not in html_body(signup_mail), "typed text in the mail"
    link = PortalClient.signup_link_of(signup_mail)
    # opening the link (as a mail scanner does) confirms nothing
    r = customer.get(link)
    assert r.status_code == 200 and 'name="mobile"' in r.text, r.text[:3000]
    assert staff.read_one("res.users", users[0]["id"], ["ps_signup_pending"])[
        "ps_signup_pending"
    ]
    # its form (POST, CSRF) does, with the password and phone chosen there
    r = customer.complete_signup(link, "+33 6 12 34 56 78", password)
    assert r.status_code == 200 and urlpath(r.url).endswith("/my"), (
        r.url,
        r.text[:2000],
    )
    assert customer.is_logged_in()
    user = staff.read_one("res.users", users[0]["id"], ["ps_signup_pending", "mobile"])
    assert not user["ps_signup_pending"]
    assert user["mobile"] == "+33612345678"
    # the link works once
    r = customer.get(link)
    assert 'id="ps_signup_resend"' in r.text

    # -- 2. log in (the login is not case-sensitive) --------------------------------
    customer = PortalClient(base)
    r = customer.login(f" E2E.{tag}@EXAMPLE.com", password)
    assert r.status_code == 200 and urlpath(r.url).endswith("/my"), (
        r.url,
        r.text[:2000],
    )
    assert customer.is_logged_in()

    # -- 3. cart: 3 articles, change a quantity, remove one -------------------------
    articles = [
        (
            "Sneakers cuir",
            "https://www.example-shop.com/p/sneakers-42",
            1,
            "Pointure 42, blanc",
        ),
        ("Sac à dos", "https://shop.example.org/backpack?id=7", 2, "Noir"),
        ("Casquette", "https://caps.example.net/item/99", 1, ""),
    ]
    for name, url, qty, details in articles:
        r = customer.add_article(name, url, qty, details)
        assert r.status_code == 200 and "message=article_added" in r.url, r.text[:2000]
    lines = customer.cart_lines()
    assert [(n, q) for _id, n, q in lines] == [(a[0], a[2]) for a in articles]

    sneakers_id, backpack_id, cap_id = (line[0] for line in lines)
    r = customer.update_line(sneakers_id, 3)
    assert "message=article_updated" in r.url
    r = customer.remove_line(cap_id)
    assert "message=article_removed" in r.url
    assert [(i, q) for i, _n, q in customer.cart_lines()] == [
        (sneakers_id, 3),
        (backpack_id, 2),
    ]

    # -- 4. checkout with the terms and a new delivery address ----------------------
    france = staff.search_read("res.country", [("code", "=", "FR")], ["id"])[0]["id"]
    r = customer.checkout(
        address="new",
        terms=True,
        name="Élise (bureau)",
        street="12 rue des Lilas",
        city="Lyon",
        zip="69003",
        country_id=france,
        phone="+33 4 00 00 00 00",
    )
    assert r.status_code == 200 and "message=proforma_requested" in r.url, (
        r.url,
        r.text[:2000],
    )
    order_id = PortalClient.order_id_of(r.url)
    assert order_id and 'id="ps_message_proforma_requested"' in r.text
    order = staff.read_one(
        "sale.order",
        order_id,
        [
            "ps_stage",
            "partner_id",
            "partner_shipping_id",
            "ps_terms_accepted_date",
            "is_personal_shopper",
            "name",
            "access_token",
        ],
    )
    assert order["is_personal_shopper"] and order["ps_stage"] == "proforma_requested"
    assert order["partner_id"][0] == partner_id
    assert order["ps_terms_accepted_date"]
    shipping = staff.read_one(
        "res.partner",
        order["partner_shipping_id"][0],
        ["street", "city", "parent_id", "type"],
    )
    assert (shipping["street"], shipping["city"], shipping["type"]) == (
        "12 rue des Lilas",
        "Lyon",
        "delivery",
    )
    assert shipping["parent_id"][0] == partner_id
    order_name = order["name"]

    # -- 5. staff price the articles and send the proforma --------------------------
    article_lines = staff.search_read(
        "sale.order.line",
        [("order_id", "=", order_id), ("ps_is_article", "=", True)],
        ["id", "ps_article_name", "product_uom_qty"],
        order="id",
    )
    prices = {"Sneakers cuir": 80.0, "Sac à dos": 45.5}
    for line in article_lines:
        staff.write(
            "sale.order.line",
            [line["id"]],
            {"price_unit": prices[line["ps_article_name"]]},
        )
    staff.call("sale.order", "action_ps_compute_fees", [order_id])
    staff.call("sale.order", "action_ps_send_proforma", [order_id])
    assert _stage(staff, order_id) == "proforma_sent"

    company = staff.read_one("sale.order", order_id, ["company_id"])["company_id"][1]
    proforma = mailcatcher.wait_for(
        sent_to(
            email,
            mail_subject(
                "Proforma {{ object.name }} - {{ object.company_id.name }}",
                {"object.name": order_name, "object.company_id.name": company},
                lang=customer_lang,
            ),
        ),
        timeout=MAIL_TIMEOUT,
    )
    pdfs = pdf_attachments(proforma)
    assert len(pdfs) == 1, [p.get_content_type() for p in proforma.iter_attachments()]
    assert pdfs[0][1].startswith(b"%PDF"), pdfs[0][1][:20]

    # -- 6. the customer accepts; the deposit invoice is posted ---------------------
    r = customer.order_page(order_id)
    assert r.status_code == 200 and 'id="ps_accept_proforma"' in r.text
    r = customer.accept_proforma(order_id)
    assert r.status_code == 200 and "message=proforma_accepted" in r.url, (
        r.url,
        r.text[:2000],
    )
    order = staff.read_one(
        "sale.order",
        order_id,
        ["ps_stage", "state", "ps_deposit_invoice_id", "amount_total"],
    )
    assert order["ps_stage"] == "deposit_pending" and order["state"] == "sale"
    assert order["ps_deposit_invoice_id"], "no deposit invoice"
    deposit_id = order["ps_deposit_invoice_id"][0]
    deposit = staff.read_one(
        "account.move",
        deposit_id,
        ["name", "state", "amount_total", "move_type", "is_move_sent"],
    )
    assert deposit["state"] == "posted" and deposit["move_type"] == "out_invoice"
    assert deposit["amount_total"] > 0
    # sent the way Invoicing sends invoices: marked sent, e-mailed with its PDF
    assert deposit["is_move_sent"]
    deposit_mail = mailcatcher.wait_for(
        sent_to(
            email,
            mail_subject(
                "Deposit invoice {{ object.name }} - {{ object.company_id.name }}",
                {"object.name": deposit["name"], "object.company_id.name": company},
                lang=customer_lang,
            ),
        ),
        timeout=MAIL_TIMEOUT,
    )
    assert deposit["name"] in html_body(deposit_mail)
    assert any(
        part.get_content_type() == "application/pdf"
        for part in deposit_mail.iter_attachments()
    ), "the deposit invoice PDF is attached"

    # -- 7. deposit proof (PNG, multipart), accepted by the staff -------------------
    r = customer.order_page(order_id)
    assert 'id="ps_proof_form"' in r.text
    r = customer.upload_proof(order_id, "virement-acompte.png", PNG_DATA, "image/png")
    assert r.status_code == 200 and "message=proof_sent" in r.url, (
        r.url,
        r.text[:2000],
    )
    assert _stage(staff, order_id) == "deposit_review"
    proof = _submitted_proof(staff, order_id, "deposit")
    assert proof["mimetype"] == "image/png" and proof["source"] == "portal"
    assert proof["amount_declared"] == pytest.approx(deposit["amount_total"])
    staff.call("personal.shopper.payment.proof", "action_accept", [proof["id"]])
    assert _stage(staff, order_id) == "confirmed"

    # -- 8. purchase (what was bought, per article), transit, arrival --------------
    article_line_ids = staff.call(
        "sale.order.line",
        "search",
        [("order_id", "=", order_id), ("ps_is_article", "=", True)],
    )
    assert article_line_ids
    staff.write("sale.order.line", article_line_ids, {"ps_outcome": "bought"})
    for action, stage in [
        ("action_ps_mark_purchased", "purchased"),
        ("action_ps_mark_in_transit", "in_transit"),
        ("action_ps_mark_arrived", "arrived"),
    ]:
        staff.call("sale.order", action, [order_id])
        assert _stage(staff, order_id) == stage

    # -- 9. final invoice with the real transport fees ------------------------------
    staff.write("sale.order", [order_id], {"ps_transport_final": 42.0})
    staff.call("sale.order", "action_ps_issue_final_invoice", [order_id])
    order = staff.read_one("sale.order", order_id, ["ps_stage", "ps_final_invoice_id"])
    assert order["ps_stage"] == "balance_pending" and order["ps_final_invoice_id"]
    final_id = order["ps_final_invoice_id"][0]
    final = staff.read_one("account.move", final_id, ["name", "state", "amount_total"])
    assert final["state"] == "posted"
    final_mail = mailcatcher.wait_for(
        sent_to(
            email,
            mail_subject(
                "Final invoice {{ object.name }} - {{ object.company_id.name }}",
                {"object.name": final["name"], "object.company_id.name": company},
                lang=customer_lang,
            ),
        ),
        timeout=MAIL_TIMEOUT,
    )
    assert final_name_in_body(final_mail, final["name"])

    home = customer.get("/my")
    assert 'id="ps_balance_alert"' in home.text and order_name in home.text

    # -- 10. balance proof, accepted: ready; no balance alert any more --------------
    r = customer.upload_proof(
        order_id, "solde.png", PNG_DATA, "image/png", note="Virement du solde"
    )
    assert r.status_code == 200 and "message=proof_sent" in r.url, (
        r.url,
        r.text[:2000],
    )
    assert _stage(staff, order_id) == "balance_review"
    proof = _submitted_proof(staff, order_id, "balance")
    staff.call("personal.shopper.payment.proof", "action_accept", [proof["id"]])
    assert _stage(staff, order_id) == "ready"
    home = customer.get("/my")
    assert home.status_code == 200 and 'id="ps_balance_alert"' not in home.text

    # -- 11. delivered --------------------------------------------------------------
    staff.call("sale.order", "action_ps_mark_delivered", [order_id])
    assert _stage(staff, order_id) == "delivered"
    r = customer.order_page(order_id)
    assert r.status_code == 200 and 'data-stage="delivered"' in r.text

    # -- 12. accounting -------------------------------------------------------------
    order = staff.read_one("sale.order", order_id, ["amount_total", "currency_id"])
    invoices = {
        inv["id"]: inv
        for inv in staff.call(
            "account.move",
            "read",
            [deposit_id, final_id],
            ["state", "payment_state", "amount_total", "amount_residual"],
        )
    }
    for inv in invoices.values():
        assert inv["state"] == "posted", inv
        assert inv["payment_state"] in PAID, inv
        assert inv["amount_residual"] == pytest.approx(0.0, abs=0.005), inv
    assert invoices[deposit_id]["amount_total"] + invoices[final_id][
        "amount_total"
    ] == (pytest.approx(order["amount_total"], abs=0.005))
    proofs = staff.search_read(
        "personal.shopper.payment.proof",
        [("order_id", "=", order_id)],
        ["state", "payment_id", "kind"],
    )
    assert sorted(p["kind"] for p in proofs) == ["balance", "deposit"]
    assert all(p["state"] == "accepted" and p["payment_id"] for p in proofs), proofs
    payments = staff.call(
        "account.payment",
        "read",
        [p["payment_id"][0] for p in proofs],
        ["state", "amount", "partner_id", "payment_type"],
    )
    assert len(payments) == 2
    assert all(
        p["payment_type"] == "inbound" and p["partner_id"][0] == partner_id
        for p in payments
    ), payments
    assert sum(p["amount"] for p in payments) == pytest.approx(
        order["amount_total"], abs=0.005
    )

    # -- 13. stage notifications reached the customer, in their language ------------
    # The customer signed up from a French browser: the account is French, and
    # so are the stage e-mails (subject label and layout).
    assert customer_lang == "fr_FR"
    labels = _stage_labels(staff, customer_lang)
    for stage in (
        "proforma_requested",
        "deposit_review",
        "confirmed",
        "purchased",
        "in_transit",
        "arrived",
        "balance_review",
        "ready",
        "delivered",
    ):
        subject = mail_subject(
            "{{ object.name }}: {{ object._ps_stage_label() }}",
            {"object.name": order_name, "object._ps_stage_label()": labels[stage]},
            lang=customer_lang,
        )
        msg = mailcatcher.wait_for(
            lambda m, subject=subject: (
                email in (m.get("X-Envelope-To") or "").lower()
                and m["Subject"] == subject
            ),
            timeout=MAIL_TIMEOUT,
        )
        assert f'lang="{customer_lang}"' in html_body(msg), (
            f"{subject}: not in {customer_lang}"
        )


def urlpath(url):
    return re.sub(r"^https?://[^/]+", "", url).split("?")[0]


def final_name_in_body(msg, name):
    return name in html_body(msg)
