"""Smoke tests of the test infrastructure itself: the mail catcher, an Odoo
server in workers mode that sends mail through it, and the wkhtmltopdf Odoo
prints PDF reports with."""

import json
import smtplib
import subprocess
import time
import urllib.request
import uuid
from email.message import EmailMessage

import pytest
import websocket

import harness


def test_mailcatcher_receives_smtp(mailcatcher):
    subject = f"Devis prêt — {uuid.uuid4().hex[:8]}"
    msg = EmailMessage()
    msg["From"] = "shop@personal-shopper.localhost"
    msg["To"] = "Client Éloïse <client@example.com>"
    msg["Subject"] = subject
    msg.set_content("Bonjour,\nvotre devis est prêt.")
    msg.add_alternative("<p>Bonjour, votre <b>devis</b> est prêt.</p>", subtype="html")
    msg.add_attachment(
        b"%PDF-1.4\n", maintype="application", subtype="pdf", filename="devis.pdf"
    )
    with smtplib.SMTP("127.0.0.1", mailcatcher.port, timeout=10) as smtp:
        smtp.send_message(msg, to_addrs=["client@example.com", "staff@example.com"])

    got = mailcatcher.wait_for(lambda m: m["Subject"] == subject, timeout=10)
    assert got["X-Envelope-To"] == "client@example.com, staff@example.com"
    assert "votre devis est prêt" in got.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in got.iter_attachments()] == ["devis.pdf"]

    # The web view lists it.
    with urllib.request.urlopen(mailcatcher.web_url + "/", timeout=10) as r:
        assert subject in r.read().decode()


def _call(server, service, method, *args):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": service, "method": method, "args": list(args)},
        "id": 1,
    }
    req = urllib.request.Request(
        server.url("/jsonrpc"),
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        answer = json.load(r)
    assert "error" not in answer, answer["error"]
    return answer.get("result")  # absent when the method returned None


@pytest.mark.e2e
def test_server_workers_mode_sends_mail(odoo_server, mailcatcher):
    """The server runs in workers mode (prefork + gevent process), answers
    JSON-RPC, and its outgoing mail reaches the mail catcher."""
    log = odoo_server.log_text()
    assert "Worker WorkerHTTP" in log or "HTTP service (werkzeug) running" in log
    deadline = time.monotonic() + 60
    while not harness.port_open(odoo_server.gevent_port):
        assert time.monotonic() < deadline, "the gevent (websocket) port never opened"
        time.sleep(0.5)

    # The websocket (bus) is served by the gevent process.
    ws_url = f"ws://127.0.0.1:{odoo_server.gevent_port}/websocket"
    origin = f"http://127.0.0.1:{odoo_server.gevent_port}"
    ws = websocket.create_connection(ws_url, timeout=30, origin=origin)
    try:
        assert ws.connected
    finally:
        ws.close()

    db = odoo_server.db
    uid = _call(odoo_server, "common", "login", db, "admin", "admin")
    assert uid, "admin/admin cannot log in (demo data)"
    subject = f"infra smoke {uuid.uuid4().hex[:8]}"
    mail_id = _call(
        odoo_server,
        "object",
        "execute_kw",
        db,
        uid,
        "admin",
        "mail.mail",
        "create",
        [
            {
                "subject": subject,
                "body_html": "<p>Bonjour</p>",
                "email_to": "client@example.com",
                "email_from": "shop@personal-shopper.localhost",
            }
        ],
    )
    _call(
        odoo_server,
        "object",
        "execute_kw",
        db,
        uid,
        "admin",
        "mail.mail",
        "send",
        [[mail_id]],
    )
    got = mailcatcher.wait_for(lambda m: m["Subject"] == subject, timeout=30)
    assert "client@example.com" in got["X-Envelope-To"]


@pytest.mark.addon
def test_odoo_wkhtmltopdf_has_patched_qt():
    """The wkhtmltopdf Odoo finds on the harness's PATH (.venv/bin first, as in
    scripts/lib.sh) is a "with patched qt" build, the only kind that prints the
    reports' headers and footers (company name, address...): scripts/setup
    installs one into .venv/bin."""
    path = harness.odoo_wkhtmltopdf()
    assert path, "no wkhtmltopdf on PATH: run scripts/setup"
    done = subprocess.run(
        [path, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert "with patched qt" in done.stdout, (
        f"{path} --version says {(done.stdout + done.stderr).strip()!r}: not a"
        " 'with patched qt' build, PDF reports lose their headers/footers"
        " (scripts/setup installs one into .venv/bin)"
    )


@pytest.mark.e2e
def test_server_uses_patched_wkhtmltopdf(odoo_server):
    """The Odoo server started by the harness uses that wkhtmltopdf."""
    path = harness.odoo_wkhtmltopdf()
    assert f"Will use the Wkhtmltopdf binary at {path}" in odoo_server.log_text(), (
        f"the server does not say it uses {path}"
    )
