"""Access control and hostile input against the live server (workers mode).

Two confirmed customers, A and B, log in to the portal; A has an order whose
deposit proof (a PNG) was sent, an order at "proforma sent" whose article
names carry HTML, and a cart. B (and anonymous visitors) try every way in to
A's data; A tries hostile input on their own data. Each refusal is checked
together with a positive control (A, or the right token, does get in), so
that a test cannot pass because the route itself is broken.
"""

import contextlib
import datetime
import os
import re
import statistics
import threading
import time
import uuid
import xmlrpc.client

import pytest
from e2e_client import (
    PDF_DATA,
    PNG_DATA,
    PortalClient,
    StaffClient,
    html_body,
    message,
    sent_to,
)

import harness

pytestmark = pytest.mark.security

XSS_NAME = "<script>alert(1)</script>"
XSS_DETAILS = '<img src=x onerror="alert(2)">'
# the customers are French (fr_FR): the messages they read, translated
URL_MESSAGE = message(
    "The link must be a web address starting with http:// or https://."
)
QTY_MESSAGE = message(
    "The quantity must be a whole number between %(min)s and %(max)s.", min=1, max=999
)
MAIL_TIMEOUT = 60
ACCESS_ERROR = 4  # odoo/addons/base/controllers/rpc.py: RPC_FAULT_CODE_ACCESS_ERROR


# ------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------
def _new_customer(staff, server, label):
    """A confirmed portal customer, logged in: (PortalClient, user dict)."""
    tag = uuid.uuid4().hex[:8]
    login = f"sec.{label}.{tag}@example.com"
    password = f"Sec-{label}-{tag}"
    portal_group = staff.ref("base.group_portal")
    user_id = staff.call(
        "res.users",
        "create",
        {
            "name": f"Customer {label} {tag}",
            "login": login,
            "email": login,
            "password": password,
            "groups_id": [(6, 0, [portal_group])],
            "lang": "fr_FR",
        },
    )
    user = staff.read_one("res.users", user_id, ["partner_id", "login"])
    user.update(password=password, partner_id=user["partner_id"][0])
    client = PortalClient(server.base_url)
    r = client.login(login, password)
    assert client.is_logged_in(), r.text[:2000]
    return client, user


def _checkout(staff, client):
    france = staff.search_read("res.country", [("code", "=", "FR")], ["id"])[0]["id"]
    r = client.checkout(
        address="new",
        terms=True,
        street="1 rue du Test",
        city="Paris",
        zip="75001",
        country_id=france,
        phone="+33 6 00 00 00 00",
    )
    order_id = PortalClient.order_id_of(r.url)
    assert order_id and "message=proforma_requested" in r.url, (r.url, r.text[:2000])
    return order_id


def _price_and_send(staff, order_id):
    lines = staff.search_read(
        "sale.order.line",
        [("order_id", "=", order_id), ("ps_is_article", "=", True)],
        ["id"],
    )
    staff.write("sale.order.line", [line["id"] for line in lines], {"price_unit": 25.0})
    staff.call("sale.order", "action_ps_send_proforma", [order_id])


@pytest.fixture(scope="module")
def world(odoo_server):
    """Customers A and B. A has: ``deposit_order`` (deposit proof sent, stage
    deposit_review), ``proforma_order`` (proforma sent, HTML in its article)
    and an open cart with one line, ``cart_line_id``."""
    staff = StaffClient(odoo_server.base_url, odoo_server.db, "admin", "admin")
    a, user_a = _new_customer(staff, odoo_server, "a")
    b, user_b = _new_customer(staff, odoo_server, "b")

    # deposit_order: accepted proforma, deposit proof sent
    a.add_article("Montre", "https://watches.example.com/item/1", 1)
    deposit_order = _checkout(staff, a)
    _price_and_send(staff, deposit_order)
    r = a.accept_proforma(deposit_order)
    assert "message=proforma_accepted" in r.url, r.text[:2000]
    r = a.upload_proof(deposit_order, "preuve.png", PNG_DATA, "image/png")
    assert "message=proof_sent" in r.url, r.text[:2000]
    proof = staff.search_read(
        "personal.shopper.payment.proof",
        [("order_id", "=", deposit_order)],
        ["id", "attachment_id"],
    )[0]

    # proforma_order: HTML in the article name and details
    a.add_article(XSS_NAME, "https://evil.example.com/x", 1, XSS_DETAILS)
    proforma_order = _checkout(staff, a)
    _price_and_send(staff, proforma_order)

    # an open cart
    a.add_article("Écharpe", "https://scarves.example.com/s/2", 2)
    cart_line_id = a.cart_lines()[0][0]

    orders = staff.call(
        "sale.order",
        "read",
        [deposit_order, proforma_order],
        ["name", "access_token", "ps_stage"],
    )
    assert [o["ps_stage"] for o in orders] == ["deposit_review", "proforma_sent"]
    return {
        "staff": staff,
        "a": a,
        "b": b,
        "user_a": user_a,
        "user_b": user_b,
        "deposit_order": orders[0],
        "proforma_order": orders[1],
        "proof_id": proof["id"],
        "attachment_id": proof["attachment_id"][0],
        "cart_line_id": cart_line_id,
        "server": odoo_server,
    }


def _counts(staff, order_id):
    """(proofs, attachments) of an order."""
    return (
        staff.call(
            "personal.shopper.payment.proof",
            "search_count",
            [("order_id", "=", order_id)],
        ),
        staff.call(
            "ir.attachment",
            "search_count",
            [("res_model", "=", "sale.order"), ("res_id", "=", order_id)],
        ),
    )


def _cart_line_count(staff, partner_id):
    return staff.call(
        "sale.order.line",
        "search_count",
        [("order_id.partner_id", "=", partner_id), ("order_id.ps_stage", "=", "cart")],
    )


# ------------------------------------------------------------------------------
# Another customer's data: by id, by URL, by token, over XML-RPC
# ------------------------------------------------------------------------------
def test_other_customer_cannot_open_order_page_by_id(world):
    order = world["deposit_order"]
    mine = world["a"].order_page(order["id"])
    assert mine.status_code == 200 and order["name"] in mine.text  # control

    r = world["b"].order_page(order["id"])
    assert "/my/orders/" not in r.url, f"B was shown A's order at {r.url}"
    assert order["name"] not in r.text
    assert "preuve.png" not in r.text


def test_other_customer_cannot_update_or_remove_cart_line(world):
    staff, line_id = world["staff"], world["cart_line_id"]
    before = staff.read_one("sale.order.line", line_id, ["product_uom_qty"])
    r = world["b"].update_line(line_id, 7)
    assert r.status_code == 404
    r = world["b"].remove_line(line_id)
    assert r.status_code == 404
    after = staff.call("sale.order.line", "read", [line_id], ["product_uom_qty"])
    assert after == [before], "B changed or removed A's cart line"


def test_other_customer_cannot_upload_proof_or_accept_proforma(world):
    staff = world["staff"]
    deposit, proforma = world["deposit_order"], world["proforma_order"]
    before = _counts(staff, deposit["id"])

    r = world["b"].upload_proof(
        deposit["id"],
        "b.png",
        PNG_DATA,
        "image/png",
        csrf_token=world["b"].get_csrf("/my/cart"),
    )
    assert "message=proof_sent" not in r.url
    assert _counts(staff, deposit["id"]) == before, "B added a proof to A's order"

    token = world["b"].get_csrf("/my/cart")
    r = world["b"].post(
        f"/my/orders/{proforma['id']}/ps_accept", data={"csrf_token": token}
    )
    assert "message=proforma_accepted" not in r.url
    stage = staff.read_one("sale.order", proforma["id"], ["ps_stage", "state"])
    assert stage == {"id": proforma["id"], "ps_stage": "proforma_sent", "state": "sent"}


@pytest.mark.parametrize(
    "path",
    [
        "/web/content/{id}",
        "/web/content/{id}?download=true",
        "/web/content/ir.attachment/{id}/datas",
        "/web/image/{id}",
        "/web/image/ir.attachment/{id}/datas",
    ],
)
def test_other_customer_cannot_download_proof_file(world, path):
    url = path.format(id=world["attachment_id"])
    anonymous = PortalClient(world["server"].base_url)
    for who, client in (("B", world["b"]), ("an anonymous visitor", anonymous)):
        r = client.get(url)
        assert PNG_DATA not in r.content, f"{who} downloaded A's proof at {url}"
        if path.startswith("/web/image"):
            # Odoo answers a placeholder picture instead of an error
            assert r.content != PNG_DATA and (
                r.status_code != 200 or r.headers["Content-Type"].startswith("image/")
            ), f"{who}: HTTP {r.status_code} at {r.url}"
        else:
            assert r.status_code in (403, 404) or "/web/login" in r.url, (
                f"{who}: HTTP {r.status_code} at {r.url}"
            )


def test_staff_can_download_proof_file(world):
    """Control of the test above: the URL does serve the file, to the staff
    (the portal never links to it: customers see the file name only)."""
    staff = PortalClient(world["server"].base_url)
    staff.login("admin", "admin")
    r = staff.get(f"/web/content/{world['attachment_id']}")
    assert r.status_code == 200 and r.content == PNG_DATA


def test_wrong_access_token_is_refused(world):
    order = world["deposit_order"]
    anonymous = PortalClient(world["server"].base_url)
    good = anonymous.order_page(order["id"], access_token=order["access_token"])
    assert good.status_code == 200 and order["name"] in good.text  # control

    for token in (str(uuid.uuid4()), order["access_token"][:-1] + "0", "", "null"):
        for who, client in (("anonymous", anonymous), ("B", world["b"])):
            r = client.order_page(order["id"], access_token=token)
            assert order["name"] not in r.text, (
                f"{who} got in with access_token={token!r}"
            )

    before = _counts(world["staff"], order["id"])
    r = anonymous.upload_proof(
        order["id"],
        "x.png",
        PNG_DATA,
        access_token=str(uuid.uuid4()),
        csrf_token=anonymous.get_csrf("/web/login"),
    )
    assert "message=proof_sent" not in r.url
    assert _counts(world["staff"], order["id"]) == before


@pytest.mark.parametrize(
    "model, key",
    [
        ("sale.order", "deposit_order"),
        ("personal.shopper.payment.proof", "proof_id"),
        ("ir.attachment", "attachment_id"),
    ],
)
def test_other_customer_cannot_read_over_xmlrpc(world, model, key):
    server = world["server"]
    record_id = world[key]["id"] if isinstance(world[key], dict) else world[key]
    user_a, user_b = world["user_a"], world["user_b"]
    as_a = StaffClient(server.base_url, server.db, user_a["login"], user_a["password"])
    as_b = StaffClient(server.base_url, server.db, user_b["login"], user_b["password"])
    if model != "ir.attachment":  # portal users read no attachment over RPC at all
        assert as_a.call(model, "read", [record_id], ["id"]) == [
            {"id": record_id}
        ]  # control

    with pytest.raises(xmlrpc.client.Fault) as fault:
        as_b.call(model, "read", [record_id], ["id"])
    assert fault.value.faultCode == ACCESS_ERROR, fault.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as fault:
        as_b.call(model, "write", [record_id], {"name": "pwned"})
    assert fault.value.faultCode == ACCESS_ERROR, fault.value.faultString
    if model != "ir.attachment":
        assert as_b.call(model, "search", [("id", "=", record_id)]) == []


# ------------------------------------------------------------------------------
# CSRF
# ------------------------------------------------------------------------------
FORGED = "0" * 40 + "o9999999999"


@pytest.mark.parametrize("csrf", [None, FORGED], ids=["missing", "forged"])
def test_portal_forms_reject_bad_csrf_token(world, csrf):
    a, staff = world["a"], world["staff"]
    partner = world["user_a"]["partner_id"]
    deposit = world["deposit_order"]
    extra = {} if csrf is None else {"csrf_token": csrf}
    lines_before = _cart_line_count(staff, partner)
    counts_before = _counts(staff, deposit["id"])
    qty_before = staff.read_one(
        "sale.order.line", world["cart_line_id"], ["product_uom_qty"]
    )

    posts = [
        (
            "/my/cart/add",
            {
                "name": "CSRF",
                "url": "https://x.example.com/1",
                "quantity": "1",
                "form_token": uuid.uuid4().hex,
            },
            None,
        ),
        (f"/my/cart/line/{world['cart_line_id']}/update", {"quantity": "9"}, None),
        (f"/my/cart/line/{world['cart_line_id']}/remove", {}, None),
        ("/my/cart/checkout", {"terms": "1", "address": str(partner)}, None),
        (
            f"/my/orders/{deposit['id']}/ps_proof",
            {},
            {"proof_file": ("p.png", PNG_DATA, "image/png")},
        ),
        (f"/my/orders/{world['proforma_order']['id']}/ps_accept", {}, None),
    ]
    for path, data, files in posts:
        r = a.post(path, data={**data, **extra}, files=files, allow_redirects=False)
        assert r.status_code in (400, 403), (
            f"POST {path} ({csrf!r}): HTTP {r.status_code}"
        )

    assert _cart_line_count(staff, partner) == lines_before
    assert _counts(staff, deposit["id"]) == counts_before
    assert (
        staff.read_one("sale.order.line", world["cart_line_id"], ["product_uom_qty"])
        == qty_before
    )
    assert (
        staff.read_one("sale.order", world["proforma_order"]["id"], ["ps_stage"])[
            "ps_stage"
        ]
        == "proforma_sent"
    )


# ------------------------------------------------------------------------------
# Hostile input
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "  javascript://example.com/%0Aalert(1)",
    ],
)
def test_article_link_must_be_http(world, url):
    staff, partner = world["staff"], world["user_a"]["partner_id"]
    before = _cart_line_count(staff, partner)
    r = world["a"].add_article("Lien piégé", url, 1)
    assert r.status_code == 200 and "message=article_added" not in r.url
    assert URL_MESSAGE in PortalClient.text(r)
    assert _cart_line_count(staff, partner) == before


@pytest.mark.parametrize("quantity", ["0", str(10**6), "-1", "1.5", "abc"])
def test_article_quantity_out_of_range_refused(world, quantity):
    staff, partner = world["staff"], world["user_a"]["partner_id"]
    before = _cart_line_count(staff, partner)
    r = world["a"].add_article("Quantité", "https://q.example.com/1", quantity)
    assert r.status_code == 200 and "message=article_added" not in r.url
    assert QTY_MESSAGE in PortalClient.text(r)
    assert _cart_line_count(staff, partner) == before


@pytest.mark.parametrize("quantity", ["0", str(10**6)])
def test_cart_line_quantity_out_of_range_refused(world, quantity):
    staff, line_id = world["staff"], world["cart_line_id"]
    before = staff.read_one("sale.order.line", line_id, ["product_uom_qty"])
    r = world["a"].update_line(line_id, quantity)
    assert "message=article_updated" not in r.url and QTY_MESSAGE in PortalClient.text(
        r
    )
    assert staff.read_one("sale.order.line", line_id, ["product_uom_qty"]) == before


def _proof_error(world, filename, content, content_type):
    order = world["deposit_order"]
    staff = world["staff"]
    before = _counts(staff, order["id"])
    r = world["a"].upload_proof(order["id"], filename, content, content_type)
    assert r.status_code == 200 and "message=proof_sent" not in r.url
    assert _counts(staff, order["id"]) == before, f"{filename} was stored"
    assert 'id="ps_error"' in r.text, "no error shown on the order page"
    return PortalClient.text(r)


def test_oversized_proof_refused(world):
    max_mb = (
        world["staff"].search_read("res.company", [], ["ps_proof_max_size"])[0][
            "ps_proof_max_size"
        ]
        or 10
    )
    # random bytes: a real picture's content, not a pathological one
    big = PNG_DATA + os.urandom((max_mb + 1) * 1024 * 1024)
    expected = message("The file is too large: %(size)s MB at most.", size=max_mb)
    assert expected in _proof_error(world, "big.png", big, "image/png")


def test_proof_over_the_upload_limit_answered_on_the_order_page(world):
    """A body over the route's limit is refused before its form is read
    (max_content_length): the customer still lands on the order page with the
    addon's message in French, not on werkzeug's English 413 page; a refused
    file that could be read keeps the typed note."""
    staff = world["staff"]
    order = world["deposit_order"]
    max_mb = (
        staff.search_read("res.company", [], ["ps_proof_max_size"])[0][
            "ps_proof_max_size"
        ]
        or 10
    )
    before = _counts(staff, order["id"])
    big = PNG_DATA + os.urandom((max_mb * 1024 + 512) * 1024)
    r = world["a"].upload_proof(
        order["id"], "big.png", big, "image/png", note="Virement de lundi"
    )
    assert r.status_code == 200, (r.status_code, r.text[:500])
    assert f"/my/orders/{order['id']}" in r.url
    text = PortalClient.text(r)
    assert "Request Entity Too Large" not in text
    assert 'id="ps_error"' in r.text
    assert message("The file is too large: %(size)s MB at most.", size=max_mb) in text
    assert _counts(staff, order["id"]) == before

    r = world["a"].upload_proof(
        order["id"],
        "notes.txt",
        b"pas une preuve",
        "text/plain",
        note="Virement de lundi",
    )
    assert 'id="ps_error"' in r.text
    assert "Virement de lundi</textarea>" in PortalClient.text(r)


@pytest.mark.parametrize(
    "filename, content, content_type",
    [
        (
            "proof.png",
            b"<html><body><script>alert(1)</script></body></html>",
            "image/png",
        ),
        (
            "proof.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200,
            "application/pdf",
        ),
        (
            "proof.jpg",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "image/jpeg",
        ),
    ],
    ids=["html-as-png", "exe-as-pdf", "svg-as-jpg"],
)
def test_mislabeled_proof_refused(world, filename, content, content_type):
    expected = message("%(file)s is not a JPEG, PNG or PDF file.", file=filename)
    assert expected in _proof_error(world, filename, content, content_type)


def test_real_pdf_proof_accepted(world):
    """Control of the two tests above: a genuine PDF is taken."""
    order = world["deposit_order"]
    before = _counts(world["staff"], order["id"])
    r = world["a"].upload_proof(
        order["id"], "virement.pdf", PDF_DATA, "application/pdf"
    )
    assert "message=proof_sent" in r.url, r.text[:2000]
    after = _counts(world["staff"], order["id"])
    assert after == (before[0] + 1, before[1] + 1)


def test_html_in_articles_is_escaped(world):
    cart = world["a"]
    cart.add_article(XSS_NAME, "https://evil.example.com/cart", 1, XSS_DETAILS)
    pages = {
        "cart": cart.cart().text,
        "order": cart.order_page(world["proforma_order"]["id"]).text,
    }
    for page, text in pages.items():
        assert XSS_NAME not in text, f"raw <script> on the {page} page"
        assert XSS_DETAILS not in text, f"raw <img onerror> on the {page} page"
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, (
            f"name missing on the {page} page"
        )
        assert "&lt;img src=x onerror=" in text, f"details missing on the {page} page"


# ------------------------------------------------------------------------------
# Concurrency and failures
# ------------------------------------------------------------------------------
def test_concurrent_proforma_submissions_make_one_request(world):
    staff, server = world["staff"], world["server"]
    first, user = _new_customer(staff, server, "double")
    first.add_article("Double clic", "https://dc.example.com/1", 1)
    second = PortalClient(server.base_url)
    second.login(user["login"], user["password"])
    assert second.is_logged_in()
    cart = staff.search_read(
        "sale.order",
        [("partner_id", "=", user["partner_id"]), ("ps_stage", "=", "cart")],
        ["id"],
    )
    assert len(cart) == 1
    order_id = cart[0]["id"]
    france = staff.search_read("res.country", [("code", "=", "FR")], ["id"])[0]["id"]

    # each session loads the checkout form first, then both submit at once
    clients = [first, second, first]
    forms = [(client, client.get_csrf("/my/cart/checkout")) for client in clients]
    barrier = threading.Barrier(len(forms))
    results = [None] * len(forms)

    def submit(i, client, token):
        barrier.wait()
        results[i] = client.post(
            "/my/cart/checkout",
            data={
                "csrf_token": token,
                "terms": "1",
                "address": "new",
                "new_street": "2 rue",
                "new_city": "Nice",
                "new_zip": "06000",
                "new_country_id": str(france),
                "new_phone": "+33 4 00 00 00 00",
            },
        )

    threads = [
        threading.Thread(target=submit, args=(i, *form)) for i, form in enumerate(forms)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(r is not None and r.status_code == 200 for r in results), [
        (r.status_code, r.text[:500]) if r is not None else None for r in results
    ]

    history = staff.search_read(
        "personal.shopper.stage.history",
        [("order_id", "=", order_id), ("stage", "=", "proforma_requested")],
        ["id"],
    )
    assert len(history) == 1, f"{len(history)} proforma requests recorded"
    activities = staff.search_read(
        "mail.activity",
        [("res_model", "=", "sale.order"), ("res_id", "=", order_id)],
        ["summary"],
    )
    assert len(activities) == 1, activities
    assert (
        staff.call(
            "res.partner",
            "search_count",
            [("parent_id", "=", user["partner_id"]), ("type", "=", "delivery")],
        )
        == 1
    )
    assert (
        staff.call(
            "sale.order",
            "search_count",
            [
                ("partner_id", "=", user["partner_id"]),
                ("is_personal_shopper", "=", True),
            ],
        )
        == 1
    )


def test_concurrent_first_add_to_cart_makes_one_cart(world):
    """Two first "add to cart" of one customer at once (no cart yet), from two
    sessions: both articles land in one cart, no error page."""
    staff, server = world["staff"], world["server"]
    first, user = _new_customer(staff, server, "race")
    second = PortalClient(server.base_url)
    second.login(user["login"], user["password"])
    assert second.is_logged_in()
    forms = []
    for client in (first, second):
        page = client.cart()
        token = client.tree(page).xpath(
            '//form[@id="ps_add_article"]//input[@name="form_token"]/@value'
        )[0]
        forms.append((client, PortalClient.csrf_of(page.text), token))
    barrier = threading.Barrier(len(forms))
    results = [None] * len(forms)

    def add(i, client, csrf, token):
        barrier.wait()
        results[i] = client.post(
            "/my/cart/add",
            data={
                "csrf_token": csrf,
                "form_token": token,
                "name": f"Article {i}",
                "url": f"https://race.example.com/{i}",
                "quantity": "1",
                "details": "",
            },
        )

    threads = [
        threading.Thread(target=add, args=(i, *form)) for i, form in enumerate(forms)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(
        r is not None and r.status_code == 200 and "message=article_added" in r.url
        for r in results
    ), [
        (r.status_code, r.url, r.text[:500]) if r is not None else None for r in results
    ]
    carts = staff.search_read(
        "sale.order",
        [("partner_id", "=", user["partner_id"]), ("ps_stage", "=", "cart")],
        ["id"],
    )
    assert len(carts) == 1, carts
    assert _cart_line_count(staff, user["partner_id"]) == 2


@pytest.fixture
def dead_smtp(world):
    """Outgoing mail goes to a port nobody listens on, for the test's duration."""
    staff = world["staff"]
    server_id = staff.call(
        "ir.mail_server",
        "create",
        {
            "name": "dead SMTP (test)",
            "smtp_host": "127.0.0.1",
            "smtp_port": harness.free_port(),
            "sequence": 1,
        },
    )
    try:
        yield server_id
    finally:
        staff.call("ir.mail_server", "unlink", [server_id])


def test_smtp_failure_loses_no_state(world, dead_smtp, mailcatcher):
    staff, server = world["staff"], world["server"]
    tag = uuid.uuid4().hex[:8]
    email = f"sec.smtp.{tag}@example.com"

    # a sign-up: the account exists, its confirmation e-mail is kept, failed
    visitor = PortalClient(server.base_url)
    r = visitor.signup(f"SMTP {tag}", email)
    assert r.status_code == 200 and 'id="ps_signup_check_mailbox"' in r.text, r.text[
        :2000
    ]
    staff.run_cron("personal_shopper.ir_cron_ps_account_requests")
    users = staff.search_read(
        "res.users", [("login", "=", email)], ["ps_signup_pending"]
    )
    assert len(users) == 1 and users[0]["ps_signup_pending"]
    signup_mails = staff.search_read(
        "mail.mail", [("email_to", "ilike", email)], ["state", "failure_reason"]
    )
    assert len(signup_mails) == 1, signup_mails
    assert signup_mails[0]["state"] in ("exception", "outgoing"), signup_mails

    # a stage change by the customer: committed, its notification kept
    customer, user = _new_customer(staff, server, "smtp")
    customer.add_article("Pendant la panne", "https://down.example.com/1", 1)
    order_id = _checkout(staff, customer)
    order = staff.read_one("sale.order", order_id, ["ps_stage", "name"])
    assert order["ps_stage"] == "proforma_requested"
    stage_mails = staff.wait_until(
        lambda: staff.search_read(
            "mail.mail",
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order_id),
                ("recipient_ids", "in", [user["partner_id"]]),
                ("state", "in", ("exception", "outgoing")),
            ],
            ["state", "subject"],
        ),
        what="the failed stage notification in mail.mail",
    )
    assert any(order["name"] in (m["subject"] or "") for m in stage_mails), stage_mails

    # SMTP back: the same mails can be retried and reach the customers
    staff.call("ir.mail_server", "write", [dead_smtp], {"active": False})
    retry = [m["id"] for m in signup_mails + stage_mails]
    staff.call("mail.mail", "mark_outgoing", retry)
    cron = staff.ref("mail.ir_cron_mail_scheduler_action")  # the mail queue
    staff.call("ir.cron", "method_direct_trigger", [cron])
    mailcatcher.wait_for(sent_to(email), timeout=MAIL_TIMEOUT)
    mailcatcher.wait_for(sent_to(user["login"], order["name"]), timeout=MAIL_TIMEOUT)


# ------------------------------------------------------------------------------
# Identity: sign-up, new sign-up link, password reset
# ------------------------------------------------------------------------------
IP_LIMITS = "personal_shopper.account_request_ip_limits"
EMAIL_LIMITS = "personal_shopper.account_request_email_limits"
CHECK_MAILBOX = 'id="ps_signup_check_mailbox"'


@contextlib.contextmanager
def _params(staff, **values):
    """Set ir.config_parameter values for the block, then restore them."""
    get = staff.call
    old = {key: get("ir.config_parameter", "get_param", key) for key in values}
    try:
        for key, value in values.items():
            get("ir.config_parameter", "set_param", key, value)
        yield
    finally:
        for key, value in old.items():
            get("ir.config_parameter", "set_param", key, value or False)


@contextlib.contextmanager
def _forget_account_requests(staff):
    """Delete the sign-up/reset requests made in the block: they count in the
    per-IP rate limit, and every test's requests come from 127.0.0.1."""
    model = "personal.shopper.account.request"
    before = staff.call(model, "search", [], limit=1, order="id desc")
    try:
        yield
    finally:
        domain = [("id", ">", before[0])] if before else []
        staff.call(model, "unlink", staff.call(model, "search", domain))


@pytest.fixture
def relaxed_limits(world):
    """Every request of these tests comes from 127.0.0.1 and some write to the
    same address often: lift the rate limits (tested on their own below)."""
    staff = world["staff"]
    with (
        _forget_account_requests(staff),
        _params(staff, **{IP_LIMITS: "1000/3600", EMAIL_LIMITS: "50/60"}),
    ):
        yield


def _same_page(text):
    """A page without its CSRF tokens (the only thing that changes)."""
    return re.sub(r"[0-9a-f]{40}o[0-9]+", "<csrf>", text)


def _signup_mail(mailcatcher, address):
    return mailcatcher.wait_for(
        lambda m: sent_to(address)(m) and PortalClient.signup_link_of(m),
        timeout=MAIL_TIMEOUT,
    )


def _pending_signup(world, label):
    """The address of a sign-up waiting for its owner (its link e-mailed)."""
    address = f"sec.{label}.{uuid.uuid4().hex[:8]}@example.com"
    PortalClient(world["server"].base_url).signup(f"Pending {label}", address)
    world["staff"].deliver_account_mails()
    return address


def test_signup_answers_the_same_for_every_address(world, relaxed_limits, mailcatcher):
    """New, pending and existing addresses: the same page, in comparable time,
    with nothing of the account in it; the owner learns the rest by e-mail."""
    staff, server = world["staff"], world["server"]
    _client, existing = _new_customer(staff, server, "existing")
    pending = _pending_signup(world, "pending")
    addresses = {
        "new": lambda i: f"sec.new{i}.{uuid.uuid4().hex[:8]}@example.com",
        "pending": lambda i: pending,
        "existing": lambda i: f"  {existing['login'].upper()} ",
    }
    pages, times = {}, {kind: [] for kind in addresses}
    for i in range(5):
        for kind, address in addresses.items():
            visitor = PortalClient(server.base_url)
            token = visitor.get_csrf("/web/signup")
            start = time.monotonic()
            r = visitor.post(
                "/web/signup",
                data={"csrf_token": token, "name": "Same Name", "login": address(i)},
            )
            times[kind].append(time.monotonic() - start)
            assert r.status_code == 200 and CHECK_MAILBOX in r.text, r.text[:2000]
            pages.setdefault(kind, _same_page(r.text))
    assert pages["new"] == pages["pending"] == pages["existing"]
    assert existing["login"] not in pages["existing"].lower()
    medians = {kind: statistics.median(t) for kind, t in times.items()}
    assert max(medians.values()) <= 3 * min(medians.values()) + 0.05, medians

    staff.deliver_account_mails()
    mail = mailcatcher.wait_for(
        lambda m: (
            sent_to(existing["login"])(m)
            and "/web/reset_password?login=" in html_body(m)
        ),
        timeout=MAIL_TIMEOUT,
    )
    assert "Same Name" not in html_body(mail) and "token=" not in html_body(mail)
    assert "Same Name" not in html_body(_signup_mail(mailcatcher, pending))
    assert (
        staff.call("res.users", "search_count", [("login", "=", existing["login"])])
        == 1
    )


def test_signup_cannot_take_over_an_address(world, relaxed_limits, mailcatcher):
    """Someone signs up with another person's address: only the person who
    receives the e-mail chooses the password, phone and name."""
    staff, server = world["staff"], world["server"]
    victim_address = f"sec.victim.{uuid.uuid4().hex[:8]}@example.com"
    attacker = PortalClient(server.base_url)
    attacker.signup("Click http://evil.example.com", victim_address)
    staff.deliver_account_mails()
    mail = _signup_mail(mailcatcher, victim_address)
    assert "evil.example.com" not in html_body(mail) + (mail["Subject"] or "")
    assert "evil.example.com" not in (mail["To"] or "")
    link = PortalClient.signup_link_of(mail)
    # the squatter has no password to log in with
    attacker.login(victim_address, "Guess-password-1")
    assert not attacker.is_logged_in()

    victim = PortalClient(server.base_url)
    user_id = staff.search_read("res.users", [("login", "=", victim_address)], ["id"])[
        0
    ]["id"]
    # following the link (a mail scanner does) confirms nothing; nor does a
    # POST without the form's CSRF token
    for _ in range(2):
        assert victim.get(link).status_code == 200
    r = victim.post("/web/signup", data={"token": "x", "password": "Pw-no-csrf-1"})
    assert r.status_code in (400, 403)
    assert staff.read_one("res.users", user_id, ["ps_signup_pending"])[
        "ps_signup_pending"
    ]

    password = f"Pw-{uuid.uuid4().hex[:8]}-victim"
    r = victim.complete_signup(link, "+33 6 98 76 54 32", password, name="Victor")
    assert victim.is_logged_in(), (r.url, r.text[:2000])
    user = staff.read_one("res.users", user_id, ["name", "mobile", "ps_signup_pending"])
    assert user == {
        "id": user_id,
        "name": "Victor",
        "mobile": "+33698765432",
        "ps_signup_pending": False,
    }
    # the squatter tries again: the owner is told, nothing changes
    attacker.signup("Squatter", victim_address)
    staff.deliver_account_mails()
    mailcatcher.wait_for(
        lambda m: (
            sent_to(victim_address)(m) and "/web/reset_password?login=" in html_body(m)
        ),
        timeout=MAIL_TIMEOUT,
    )
    again = PortalClient(server.base_url)
    again.login(f" {victim_address.upper()}", password)
    assert again.is_logged_in()
    assert staff.read_one("res.users", user_id, ["name"])["name"] == "Victor"


def test_reset_and_new_link_answer_the_same(world, relaxed_limits, mailcatcher):
    staff, server = world["staff"], world["server"]
    _client, existing = _new_customer(staff, server, "reset")
    pending = _pending_signup(world, "relink")
    unknown = f"sec.nobody.{uuid.uuid4().hex[:8]}@example.com"
    visitor = PortalClient(server.base_url)
    for send in (visitor.reset_password, visitor.resend_signup_link):
        pages = set()
        for address in (existing["login"], pending, unknown):
            r = send(address)
            assert r.status_code == 200 and "No account found" not in r.text
            pages.add(_same_page(r.text))
        assert len(pages) == 1, send.__name__
    # Odoo's forms with a token (one's own sign-up link will do) redirected
    # ?signup_email=<address with an account> to the login page
    link = PortalClient.signup_link_of(_signup_mail(mailcatcher, pending))
    r = visitor.get(f"{link}&signup_email={existing['login']}", allow_redirects=False)
    assert r.status_code == 200 and 'name="mobile"' in r.text, r.status_code

    staff.deliver_account_mails()
    reset = mailcatcher.wait_for(
        lambda m: (
            sent_to(existing["login"])(m)
            and re.search(r"/web/reset_password\?[^\"]*token=", html_body(m))
        ),
        timeout=MAIL_TIMEOUT,
    )
    assert reset
    # the pending sign-up got its link again, twice (reset, new link)
    staff.wait_until(
        lambda: (
            len(
                [
                    m
                    for m in mailcatcher.messages()
                    if sent_to(pending)(m) and PortalClient.signup_link_of(m)
                ]
            )
            == 3
        ),
        timeout=MAIL_TIMEOUT,
        what="three sign-up links to the pending address",
    )
    assert not [m for m in mailcatcher.messages() if sent_to(unknown)(m)]


def test_rate_limit_per_ip(world):
    staff, server = world["staff"], world["server"]
    model = "personal.shopper.account.request"
    now = datetime.datetime.now(datetime.timezone.utc)
    hour_ago = now - datetime.timedelta(hours=1)
    this_hour = [
        ("ip", "=", "127.0.0.1"),
        ("create_date", ">=", hour_ago.strftime("%Y-%m-%d %H:%M:%S")),
    ]
    done = staff.call(model, "search_count", this_hour)
    visitor = PortalClient(server.base_url)
    too_many = message(
        "Too many requests from your connection: please try again later."
    )
    with (
        _forget_account_requests(staff),
        _params(staff, **{IP_LIMITS: f"{done + 2}/3600"}),
    ):
        for i in range(2):
            r = visitor.signup(
                "Flood", f"sec.flood{i}.{uuid.uuid4().hex[:8]}@x.example"
            )
            assert CHECK_MAILBOX in r.text
        for r in (
            visitor.signup("Flood", f"sec.flood.{uuid.uuid4().hex[:8]}@x.example"),
            visitor.resend_signup_link("sec.flood@x.example"),
            visitor.reset_password("sec.flood@x.example"),
        ):
            assert too_many in PortalClient.text(r) and CHECK_MAILBOX not in r.text
        # the refused requests were not recorded
        assert staff.call(model, "search_count", this_hour) == done + 2


def test_purged_signup_frees_the_address(world, relaxed_limits, mailcatcher):
    staff, server = world["staff"], world["server"]
    address = _pending_signup(world, "purged")
    first = _signup_mail(mailcatcher, address)
    with _params(staff, **{"personal_shopper.signup_pending_days": "0"}):
        staff.run_cron("personal_shopper.ir_cron_ps_purge_unconfirmed")
    assert not staff.call(
        "res.users",
        "search",
        [("login", "=", address), ("active", "in", [True, False])],
    )
    # its owner signs up again and gets a (new) link
    PortalClient(server.base_url).signup("Back Again", address)
    staff.deliver_account_mails()
    mail = mailcatcher.wait_for(
        lambda m: (
            sent_to(address)(m)
            and PortalClient.signup_link_of(m)
            and PortalClient.signup_link_of(m) != PortalClient.signup_link_of(first)
        ),
        timeout=MAIL_TIMEOUT,
    )
    assert mail
