#!/usr/bin/env python3
"""Development mail catcher: an SMTP server that delivers nowhere.

Every message received over SMTP is written as an ``.eml`` file into a
directory (default ``.local/mail``) and summarised on one line on stdout.
A tiny read-only web view lists the messages and shows each one.

    scripts/mailcatcher.py [--smtp-port 2525] [--http-port 8025] [--maildir DIR]

Both servers listen on 127.0.0.1 only. ``--http-port 0`` disables the web view.
``--exit-with-pid PID`` makes the catcher stop by itself once that process is
gone (scripts/run uses it so that stopping Odoo also stops the catcher).
"""

import argparse
import email
import email.policy
import html
import itertools
import os
import signal
import sys
import threading
import time
from datetime import datetime
from email.utils import getaddresses, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

from aiosmtpd.controller import Controller

_seq = itertools.count(1)
_seq_lock = threading.Lock()


def _parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _summary(msg, rcpt_tos=()):
    to = ", ".join(a for _n, a in getaddresses([msg.get("To", "")]) if a)
    to = to or ", ".join(rcpt_tos)
    return f"From {msg.get('From', '?')} to {to or '?'}: {msg.get('Subject', '')}"


class MaildirHandler:
    """aiosmtpd handler writing each message into ``maildir`` as an .eml file."""

    def __init__(self, maildir):
        self.maildir = Path(maildir)

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        # Keep the SMTP envelope: it differs from the headers for Bcc/partners.
        head = (
            f"X-Envelope-From: {envelope.mail_from}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        with _seq_lock:
            name = (
                f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{next(_seq):05d}.eml"
            )
        self.maildir.mkdir(parents=True, exist_ok=True)
        tmp = self.maildir / f".{name}.tmp"
        tmp.write_bytes(head + content)
        tmp.rename(self.maildir / name)  # atomic: readers never see half a file
        msg = _parse(content)
        print(
            f"[mailcatcher] {time.strftime('%H:%M:%S')} {name}: "
            f"{_summary(msg, envelope.rcpt_tos)}",
            flush=True,
        )
        return "250 Message accepted for delivery"


def _messages(maildir):
    return sorted((p for p in Path(maildir).glob("*.eml")), reverse=True)


class WebView(BaseHTTPRequestHandler):
    maildir = None
    server_version = "mailcatcher"

    def log_message(self, format, *args):  # noqa: A002 - keep stdout for mail lines
        pass

    def _send(self, body, ctype="text/html; charset=utf-8", status=200, extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data: cid: http: https:; frame-src 'self'",
        )
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _page(self, title, body):
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>"
            "body{font-family:sans-serif;margin:1.5em}"
            "table{border-collapse:collapse;width:100%}"
            "td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left}"
            "pre{white-space:pre-wrap;background:#f6f6f6;padding:1em}"
            "iframe{width:100%;height:60vh;border:1px solid #ccc}"
            "</style></head><body>" + body + "</body></html>"
        )

    def _load(self, name):
        name = unquote(name)
        path = Path(self.maildir) / name
        if "/" in name or not name.endswith(".eml") or not path.is_file():
            self._send(self._page("Not found", "<p>No such message.</p>"), status=404)
            return None, None
        raw = path.read_bytes()
        return raw, _parse(raw)

    def do_GET(self):  # noqa: C901 - small router
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if not parts:
            return self._index()
        if parts[0] == "msg" and len(parts) == 2:
            return self._show(parts[1])
        if parts[0] == "raw" and len(parts) == 2:
            raw, _msg = self._load(parts[1])
            if raw is not None:
                self._send(raw, "text/plain; charset=utf-8")
            return None
        if parts[0] == "html" and len(parts) == 2:
            raw, msg = self._load(parts[1])
            if msg is not None:
                part = msg.get_body(("html",))
                body = part.get_content() if part else "<p>(no HTML part)</p>"
                # Rendered inside a sandboxed iframe: no scripts, no same-origin.
                self._send(body, extra=[("Content-Security-Policy", "sandbox")])
            return None
        if parts[0] == "part" and len(parts) == 3 and parts[2].isdigit():
            raw, msg = self._load(parts[1])
            if msg is not None:
                atts = list(msg.iter_attachments())
                idx = int(parts[2])
                if idx >= len(atts):
                    return self._send("no such part", "text/plain", 404)
                att = atts[idx]
                fname = att.get_filename() or f"part{idx}"
                self._send(
                    att.get_payload(decode=True) or b"",
                    "application/octet-stream",
                    extra=[
                        (
                            "Content-Disposition",
                            f"attachment; filename*=UTF-8''{quote(fname)}",
                        )
                    ],
                )
            return None
        return self._send(self._page("Not found", "<p>Not found.</p>"), status=404)

    def _index(self):
        rows = []
        for path in _messages(self.maildir):
            msg = _parse(path.read_bytes())
            try:
                date = parsedate_to_datetime(msg["Date"]).strftime("%Y-%m-%d %H:%M:%S")
            except (TypeError, ValueError):
                date = datetime.fromtimestamp(path.stat().st_mtime).strftime(
                    "%Y-%m-%d %H:%M:%S"
                )
            link = "/msg/" + quote(path.name)
            to = msg.get("X-Envelope-To", msg.get("To", ""))
            subject = str(msg.get("Subject", "")) or "(no subject)"
            rows.append(
                "<tr>"
                f"<td>{html.escape(date)}</td>"
                f"<td>{html.escape(str(msg.get('From', '')))}</td>"
                f"<td>{html.escape(str(to))}</td>"
                f"<td><a href='{link}'>{html.escape(subject)}</a></td>"
                "</tr>"
            )
        body = (
            f"<h1>Mail catcher</h1><p>{len(rows)} message(s) in "
            f"<code>{html.escape(str(self.maildir))}</code>, newest first.</p>"
            "<table><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        self._send(self._page("Mail catcher", body))

    def _show(self, name):
        raw, msg = self._load(name)
        if msg is None:
            return
        qname = quote(unquote(name))
        heads = "".join(
            f"<tr><th>{html.escape(k)}</th>"
            f"<td>{html.escape(str(msg.get(k, '')))}</td></tr>"
            for k in (
                "Date",
                "From",
                "To",
                "Cc",
                "Reply-To",
                "Subject",
                "X-Envelope-To",
            )
            if msg.get(k)
        )
        atts = "".join(
            f"<li><a href='/part/{qname}/{i}'>"
            f"{html.escape(a.get_filename() or f'part{i}')}</a> "
            f"({html.escape(a.get_content_type())})</li>"
            for i, a in enumerate(msg.iter_attachments())
        )
        text = msg.get_body(("plain",))
        parts = [
            "<p><a href='/'>&larr; all messages</a> · "
            f"<a href='/raw/{qname}'>raw</a></p>",
            f"<table>{heads}</table>",
        ]
        if atts:
            parts.append(f"<h3>Attachments</h3><ul>{atts}</ul>")
        if msg.get_body(("html",)) is not None:
            parts.append(f"<h3>HTML</h3><iframe sandbox src='/html/{qname}'></iframe>")
        if text is not None:
            parts.append(f"<h3>Text</h3><pre>{html.escape(text.get_content())}</pre>")
        self._send(self._page(str(msg.get("Subject", "message")), "".join(parts)))


def main(argv=None):
    default_dir = Path(__file__).resolve().parent.parent / ".local" / "mail"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1", help="listen address (127.0.0.1)")
    ap.add_argument("--smtp-port", type=int, default=2525)
    ap.add_argument("--http-port", type=int, default=8025, help="0: no web view")
    ap.add_argument("--maildir", default=str(default_dir))
    ap.add_argument("--exit-with-pid", type=int, help="stop once this process is gone")
    args = ap.parse_args(argv)

    maildir = Path(args.maildir).resolve()
    maildir.mkdir(parents=True, exist_ok=True)

    controller = Controller(
        MaildirHandler(maildir),
        hostname=args.host,
        port=args.smtp_port,
        ready_timeout=10,
    )
    controller.start()
    print(
        f"[mailcatcher] SMTP on {args.host}:{args.smtp_port}, messages in {maildir}",
        flush=True,
    )

    httpd = None
    if args.http_port:
        WebView.maildir = maildir
        try:
            httpd = ThreadingHTTPServer((args.host, args.http_port), WebView)
        except OSError as e:
            print(
                f"[mailcatcher] web view disabled: port {args.http_port}: {e}",
                file=sys.stderr,
                flush=True,
            )
        else:
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            print(
                f"[mailcatcher] web view on http://{args.host}:{args.http_port}/",
                flush=True,
            )

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1.0):
        if args.exit_with_pid:
            try:
                os.kill(args.exit_with_pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
    if httpd:
        httpd.shutdown()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
