"""HTTP clients of the end-to-end and security tests.

``PortalClient`` is a customer with a browser-like session (``requests``): it
reads the CSRF token of the page that holds a form and posts the form as a
browser would. ``StaffClient`` is a back-office user over XML-RPC.

Neither knows anything about pytest: the tests and the benchmark share them.
"""

import base64
import html as html_lib
import re
import time
import xmlrpc.client
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import polib
import requests
from lxml import html as lxml_html

I18N_DIR = (
    Path(__file__).resolve().parent.parent / "addons" / "personal_shopper" / "i18n"
)

# The smallest files the payment proof checks recognise by their content
# (the same as the addon's own tests).
PNG_DATA = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
    "AABJRU5ErkJggg=="
)
PDF_DATA = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

_CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
_CSRF_SCRIPT = re.compile(r'csrf_token:\s*"([^"]+)"')


def message(msgid, lang="fr_FR", **params):
    """The addon's message ``msgid`` as a customer speaking ``lang`` reads it:
    its translation in the addon's i18n/<lang>.po, when there is one."""
    text = msgid
    for name in (f"{lang}.po", f"{lang.split('_')[0]}.po"):
        path = I18N_DIR / name
        if path.exists():
            entry = _po(path).find(msgid)
            if (
                entry
                and entry.msgstr
                and not entry.obsolete
                and "fuzzy" not in entry.flags
            ):
                text = entry.msgstr
            break
    return text % params if params else text


def mail_subject(template_subject, values, lang="fr_FR"):
    """The subject of an addon's mail template as the customer gets it:
    ``template_subject`` (the template's source text) translated, each
    ``{{ expression }}`` replaced by ``values[expression]``."""
    translated = message(template_subject, lang=lang)
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", lambda m: str(values[m.group(1)]), translated)


_po_cache = {}


def _po(path):
    if path not in _po_cache:
        _po_cache[path] = polib.pofile(str(path))
    return _po_cache[path]


def _has_class(tag, cls):
    return f'//{tag}[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]'


class PortalError(AssertionError):
    """The server answered something a browser user would see as a failure."""


class PortalClient:
    """A customer's browser session on the portal."""

    def __init__(self, base_url, accept_language="fr-FR,fr;q=0.9", timeout=60):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = accept_language
        self.session.headers["User-Agent"] = "personal-shopper-e2e/1.0"

    # -- plumbing ---------------------------------------------------------------
    def url(self, path):
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def get(self, path, **kw):
        kw.setdefault("timeout", self.timeout)
        return self.session.get(self.url(path), **kw)

    def post(self, path, data=None, files=None, **kw):
        kw.setdefault("timeout", self.timeout)
        kw.setdefault("allow_redirects", True)
        return self.session.post(self.url(path), data=data, files=files, **kw)

    @staticmethod
    def csrf_of(text):
        """The CSRF token of a page (its forms' hidden input, else the one in
        ``odoo.__session_info__``)."""
        m = _CSRF_INPUT.search(text) or _CSRF_SCRIPT.search(text)
        if not m:
            raise PortalError("no csrf_token in the page")
        return m.group(1)

    def get_csrf(self, path):
        r = self.get(path)
        self.expect_ok(r, f"GET {path}")
        return self.csrf_of(r.text)

    @staticmethod
    def expect_ok(response, what):
        if response.status_code != 200:
            raise PortalError(
                f"{what}: HTTP {response.status_code} at {response.url}\n"
                f"{response.text[:2000]}"
            )
        return response

    def submit(self, page, data, files=None, action=None):
        """GET ``page``, then POST ``data`` (+ its CSRF token) to ``action``
        (default: the page itself), following redirects."""
        token = self.get_csrf(page)
        r = self.post(action or page, data={"csrf_token": token, **data}, files=files)
        return r

    @staticmethod
    def text(response):
        """The page's HTML with its entities decoded (messages are compared
        with what the customer reads)."""
        return html_lib.unescape(response.text)

    @staticmethod
    def tree(response):
        return lxml_html.fromstring(response.text)

    # -- account ----------------------------------------------------------------
    def signup(self, name, login, lang=None):
        """Ask for an account: name and e-mail only. The answer is the same
        "check your mailbox" page for every address; the rest comes by e-mail
        (see ``signup_link_of`` and ``complete_signup``)."""
        data = {"name": name, "login": login, "redirect": "", "token": ""}
        if lang:
            data["lang"] = lang
        return self.submit("/web/signup", data)

    @staticmethod
    def signup_link_of(msg):
        """The path of the sign-up link of an e-mail, or None."""
        for link in links_in(msg):
            link = html_lib.unescape(link)
            if "/web/signup?" in link and "token=" in link:
                return re.sub(r"^https?://[^/]+", "", link)
        return None

    def complete_signup(self, path, phone, password, name=None, confirm_password=None):
        """Open the e-mailed sign-up link and post its form (password, phone,
        name) as the owner of the address; returns the final response."""
        page = self.get(path)
        self.expect_ok(page, f"GET {path}")
        form = self.tree(page).xpath('//form[contains(@class, "oe_signup_form")]')
        if not form:
            raise PortalError(f"no sign-up form at {path}:\n{page.text[:2000]}")
        values = {
            field.get("name"): field.get("value") or ""
            for field in form[0].xpath(".//input[@name]")
        }
        values.update(
            mobile=phone,
            password=password,
            confirm_password=confirm_password or password,
        )
        if name is not None:
            values["name"] = name
        return self.post("/web/signup", data=values)

    def resend_signup_link(self, email):
        return self.submit("/web/signup/resend", {"email": email})

    def reset_password(self, login):
        return self.submit("/web/reset_password", {"login": login})

    def login(self, login, password):
        """POST the login form; returns the final response (the portal home
        when it worked, the login page with its error otherwise)."""
        return self.submit(
            "/web/login",
            {"login": login, "password": password, "redirect": "/my"},
        )

    def session_info(self):
        """{'uid':..., 'lang':...} of this session (JSON-RPC)."""
        r = self.session.post(
            self.url("/web/session/get_session_info"),
            json={"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1},
            timeout=self.timeout,
        )
        return r.json().get("result") or {}

    def is_logged_in(self):
        r = self.get("/my", allow_redirects=False)
        return r.status_code == 200

    # -- cart -------------------------------------------------------------------
    def cart(self):
        return self.expect_ok(self.get("/my/cart"), "GET /my/cart")

    def add_article(self, name, url, quantity=1, details=""):
        page = self.cart()
        tree = self.tree(page)
        form_token = tree.xpath(
            '//form[@id="ps_add_article"]//input[@name="form_token"]/@value'
        )
        if not form_token:
            raise PortalError("no add-article form on /my/cart")
        return self.post(
            "/my/cart/add",
            data={
                "csrf_token": self.csrf_of(page.text),
                "form_token": form_token[0],
                "name": name,
                "url": url,
                "quantity": str(quantity),
                "details": details,
            },
        )

    def cart_lines(self):
        """[(line id, article name, quantity)] as the cart page shows them."""
        tree = self.tree(self.cart())
        lines = []
        for row in tree.xpath(_has_class("tr", "o_ps_cart_line")):
            name = row.xpath("." + _has_class("a", "o_ps_article_name"))[
                0
            ].text_content()
            qty = row.xpath('.//input[@name="quantity"]/@value')[0]
            lines.append((int(row.get("data-line-id")), name, int(qty)))
        return lines

    def update_line(self, line_id, quantity):
        return self.submit(
            "/my/cart",
            {"quantity": str(quantity)},
            action=f"/my/cart/line/{line_id}/update",
        )

    def remove_line(self, line_id):
        return self.submit("/my/cart", {}, action=f"/my/cart/line/{line_id}/remove")

    def checkout(self, address="new", terms=True, **new_address):
        """Submit the checkout form; ``new_address``: street, city, zip,
        country_id, name, phone (without the new_ prefix)."""
        data = {"address": str(address)}
        if terms:
            data["terms"] = "1"
        data.update({f"new_{k}": str(v) for k, v in new_address.items()})
        return self.submit("/my/cart/checkout", data)

    # -- order ------------------------------------------------------------------
    @staticmethod
    def order_id_of(url):
        m = re.search(r"/my/orders/(\d+)", url)
        return int(m.group(1)) if m else None

    @staticmethod
    def access_token_of(url):
        return (parse_qs(urlsplit(url).query).get("access_token") or [None])[0]

    def order_page(self, order_id, access_token=None):
        params = {"access_token": access_token} if access_token else None
        return self.get(f"/my/orders/{order_id}", params=params)

    def accept_proforma(self, order_id, access_token=None):
        page = f"/my/orders/{order_id}"
        return self.submit(
            page, {"access_token": access_token or ""}, action=f"{page}/ps_accept"
        )

    def upload_proof(
        self,
        order_id,
        filename,
        content,
        content_type="image/png",
        amount="",
        note="",
        access_token=None,
        csrf_token=None,
    ):
        page = f"/my/orders/{order_id}"
        token = csrf_token or self.get_csrf(page)
        return self.post(
            f"{page}/ps_proof",
            data={
                "csrf_token": token,
                "access_token": access_token or "",
                "amount": amount,
                "note": note,
            },
            files={"proof_file": (filename, content, content_type)},
        )


class StaffClient:
    """A back-office user over XML-RPC (``/xmlrpc/2``)."""

    def __init__(self, base_url, db, login, password):
        self.base_url = base_url.rstrip("/")
        self.db = db
        self.login = login
        self.password = password
        common = xmlrpc.client.ServerProxy(
            f"{self.base_url}/xmlrpc/2/common", allow_none=True
        )
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise PortalError(f"{login} cannot log in over XML-RPC")
        self._object = xmlrpc.client.ServerProxy(
            f"{self.base_url}/xmlrpc/2/object", allow_none=True
        )

    def call(self, model, method, *args, **kwargs):
        return self._object.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def search_read(self, model, domain, fields, **kw):
        return self.call(model, "search_read", domain, fields, **kw)

    def read_one(self, model, record_id, fields):
        rows = self.call(model, "read", [record_id], fields)
        if not rows:
            raise PortalError(f"{model}({record_id}) not found")
        return rows[0]

    def write(self, model, ids, values):
        return self.call(model, "write", list(ids), values)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.search_read(
            "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"]
        )
        if not rows:
            raise PortalError(f"no record {xmlid}")
        return rows[0]["res_id"]

    def run_cron(self, xmlid):
        """Run a scheduled action now (the test servers run no cron thread)."""
        self.call("ir.cron", "method_direct_trigger", [self.ref(xmlid)])

    def deliver_account_mails(self):
        """Process the sign-up / new link / password reset requests, then the
        mail queue: what the cron threads do within seconds in production."""
        self.run_cron("personal_shopper.ir_cron_ps_account_requests")
        self.run_cron("mail.ir_cron_mail_scheduler_action")

    def wait_until(self, check, timeout=30, poll=0.25, what="condition"):
        """Poll ``check()`` until it returns something true; return it."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"{what} not reached within {timeout}s")
            time.sleep(poll)


# ------------------------------------------------------------------------------
# Mail helpers
# ------------------------------------------------------------------------------
def recipients(msg):
    return (msg.get("X-Envelope-To") or msg.get("To") or "").lower()


def sent_to(address, subject_contains=None):
    """A mailcatcher.wait_for predicate."""
    address = address.lower()

    def predicate(msg: EmailMessage):
        if address not in recipients(msg):
            return False
        return subject_contains is None or subject_contains in (msg["Subject"] or "")

    return predicate


def html_body(msg: EmailMessage):
    part = msg.get_body(("html", "plain"))
    return part.get_content() if part else ""


def links_in(msg: EmailMessage):
    return re.findall(r'href="([^"]+)"', html_body(msg))


def pdf_attachments(msg: EmailMessage):
    return [
        (part.get_filename(), part.get_content())
        for part in msg.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]
