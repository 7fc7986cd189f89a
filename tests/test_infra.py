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


PROBE_MANIFEST = """{"name": "pytest-odoo probe", "version": "18.0.1.0.0",
"depends": ["web"], "license": "AGPL-3"}"""
PROBE_TESTS = """
import logging

from odoo.tests import HttpCase, TransactionCase

_logger = logging.getLogger(__name__)


class TestProbe(TransactionCase):
    def test_passes(self):
        self.assertTrue(self.env["res.partner"].search_count([]))

    def test_fails(self):
        self.assertEqual(1, 2, "the probe's failure")

    def test_logs_an_error(self):
        _logger.error("the probe logs an error")


class TestProbeHttp(HttpCase):
    def test_server_answers(self):
        self.assertEqual(self.url_open("/web/login").status_code, 200)
"""


def test_odoo_tests_reported_one_by_one(databases, logs_dir, tmp_path):
    """The addon's Odoo tests run through pytest-odoo (scripts/test, run 1)
    are reported one pytest item each, selectable with -k; HttpCase has its
    server; a test during which Odoo logs an ERROR fails. Checked on a probe
    addon whose tests pass, fail and log an error."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    addon = tmp_path / "ps_pytest_probe"
    (addon / "tests").mkdir(parents=True)
    (addon / "__init__.py").write_text("")
    (addon / "__manifest__.py").write_text(PROBE_MANIFEST)
    (addon / "tests" / "__init__.py").write_text("from . import test_probe\n")
    (addon / "tests" / "test_probe.py").write_text(PROBE_TESTS)
    addons_path = f".odoo/addons,{tmp_path}"
    db = databases.new()
    rc, log = harness.run_odoo(
        ["-i", addon.name, "--stop-after-init", "--without-demo=all"],
        logs_dir / "pytest-probe-install.log",
        db=db,
        addons_path=addons_path,
    )
    assert rc == 0, harness.relevant_lines(log)

    def run(*args):
        xml = tmp_path / f"junit-{len(list(tmp_path.glob('junit-*')))}.xml"
        cmd = harness.odoo_pytest_command(
            db,
            [addon / "tests"],
            [f"--junitxml={xml}", *args],
            addons_path=addons_path,
        )
        proc = subprocess.run(
            cmd,
            cwd=harness.ROOT,
            env=harness.odoo_pytest_env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        outcomes = {}
        for case in ET.parse(xml).iter("testcase"):
            bad = case.find("failure")
            bad = bad if bad is not None else case.find("error")
            outcomes[case.get("name")] = (
                "passed" if bad is None else "failed: " + (bad.get("message") or "")
            )
        return proc, outcomes

    proc, outcomes = run()
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert outcomes["test_passes"] == "passed", outcomes
    assert outcomes["test_server_answers"] == "passed", outcomes
    assert "the probe's failure" in outcomes["test_fails"], outcomes
    assert "the probe logs an error" in outcomes["test_logs_an_error"], outcomes

    proc, outcomes = run("-k", "test_passes or test_server_answers")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert set(outcomes) == {"test_passes", "test_server_answers"}, outcomes
