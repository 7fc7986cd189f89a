"""Paste a link, get the article (issue 13): reading the shop's page safely.

A small web server on 127.0.0.1 (reachable only through the tests' own
setting, personal_shopper.link_fetch_test_origins, read only while tests
run) serves article pages; addresses that must never be reached (private,
loopback, link-local, cloud metadata) are refused before any connection,
which the tests check by watching link_fetch._connect."""

import base64
import contextlib
import io
import json
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from PIL import Image

from odoo.exceptions import AccessError
from odoo.modules import module as odoo_module
from odoo.tests import TransactionCase, tagged

from odoo.addons.personal_shopper import link_fetch

from .common import PersonalShopperCommon


def make_png(width=1600, height=1200, color=(200, 30, 30)):
    stream = io.BytesIO()
    Image.new("RGB", (width, height), color).save(stream, format="PNG")
    return stream.getvalue()


JSONLD_PAGE = """<!DOCTYPE html><html><head><title>Shop</title>
<script type="application/ld+json">%s</script></head><body>Sneakers</body></html>"""


def jsonld_page(
    price="1.234,50", currency="GBP", availability="InStock", name="Blue sneakers"
):
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "The shop"},
            {
                "@type": "Product",
                "name": name,
                "image": [{"@type": "ImageObject", "url": "/img/red.png"}],
                "offers": [
                    {
                        "@type": "Offer",
                        "price": price,
                        "priceCurrency": currency,
                        "availability": f"https://schema.org/{availability}",
                    }
                ],
                "hasVariant": [
                    {"@type": "Product", "size": "42", "color": "Blue"},
                    {"@type": "Product", "size": "43", "color": "Red"},
                ],
            },
        ],
    }
    return JSONLD_PAGE % json.dumps(data)


OG_PAGE = """<html><head>
<meta property="og:title" content="Red scarf">
<meta property="og:image" content="/img/red.png">
<meta property="product:price:amount" content="19,99">
<meta property="product:price:currency" content="EUR">
<meta property="product:availability" content="out of stock">
</head><body></body></html>"""

MICRODATA_PAGE = """<html><body>
<div itemscope itemtype="https://schema.org/Product">
  <h1 itemprop="name">Leather bag</h1>
  <img itemprop="image" src="/img/red.png">
  <div itemprop="brand" itemscope itemtype="https://schema.org/Brand">
    <span itemprop="name">Brand name</span></div>
  <div itemprop="offers" itemscope itemtype="https://schema.org/AggregateOffer">
    <span itemprop="lowPrice" content="89.00">89,00 $</span>
    <meta itemprop="priceCurrency" content="USD">
    <link itemprop="availability" href="https://schema.org/InStock">
  </div>
</div></body></html>"""

SVG_PICTURE_PAGE = """<html><head>
<meta property="og:title" content="Vector mug">
<meta property="og:image" content="/img/mug.svg">
</head></html>"""


class ShopPages:
    """What the test shop serves; ``pages`` may be changed by a test."""

    def __init__(self):
        self.pages = {
            "/jsonld": ("text/html; charset=utf-8", jsonld_page()),
            "/og": ("text/html", OG_PAGE),
            "/microdata": ("text/html", MICRODATA_PAGE),
            "/nothing": ("text/html", "<html><head><title>Hi</title></head></html>"),
            "/svg-picture": ("text/html", SVG_PICTURE_PAGE),
            "/text": ("text/plain", "not a page"),
            "/img/red.png": ("image/png", make_png()),
            "/img/mug.svg": (
                "image/svg+xml",
                '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            ),
        }
        self.redirects = {
            "/redirect-loopback": "http://127.0.0.1/admin",
            "/redirect-metadata": "http://169.254.169.254/latest/meta-data/",
            "/redirect-ok": "/jsonld",
            "/redirect-loop": "/redirect-loop",
        }
        self.hosts = []
        self.headers = []
        self.huge_sent = 0


class ShopHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        shop = self.server.shop
        shop.hosts.append(self.headers.get("Host"))
        shop.headers.append(dict(self.headers))
        path = self.path.split("?")[0]
        if path in shop.redirects:
            self.send_response(302)
            self.send_header("Location", shop.redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/slow":
            # headers at once, then the page a byte at a time
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            with contextlib.suppress(OSError):  # the reader gave up
                for _i in range(60):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.25)
            return
        if path == "/huge":
            # no Content-Length: the reader must stop by itself
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            head = jsonld_page(name="Huge page article").encode()
            with contextlib.suppress(OSError):  # the reader stopped reading
                self.wfile.write(head)
                shop.huge_sent += len(head)
                chunk = b"<p>" + b"x" * 65536 + b"</p>"
                for _i in range(600):  # ~40 MB
                    self.wfile.write(chunk)
                    shop.huge_sent += len(chunk)
            return
        if path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            return
        if path not in shop.pages:
            self.send_error(404)
            return
        content_type, body = shop.pages[path]
        body = body.encode() if isinstance(body, str) else body
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def shop_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ShopHandler)
    server.daemon_threads = True
    server.shop = ShopPages()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class ShopServerMixin:
    """Start the test shop for the class and allow it through the tests'
    own setting (never allowed by default)."""

    @classmethod
    def _start_shop(cls):
        cls._shop_cm = shop_server()
        cls.shop_server = cls._shop_cm.__enter__()
        cls.addClassCleanup(cls._shop_cm.__exit__, None, None, None)
        cls.port = cls.shop_server.server_address[1]
        cls.base = f"http://127.0.0.1:{cls.port}"

    @classmethod
    def _allow_shop(cls, env):
        ICP = env["ir.config_parameter"].sudo()
        ICP.set_param("personal_shopper.link_fetch_customer_limits", "1000/60")
        ICP.set_param(
            "personal_shopper.link_fetch_test_origins", f"127.0.0.1:{cls.port}"
        )
        ICP.set_param("personal_shopper.link_fetch_deadline", "2")


@contextmanager
def watch_connections():
    """The (address, port) of every connection attempted by the reader.
    Only the test shop (127.0.0.1) is ever connected to: any other address
    is recorded and refused here, never contacted."""
    attempts = []
    original = link_fetch._connect

    def connect(ip, port, timeout):
        attempts.append((ip, port))
        if ip != "127.0.0.1":
            raise ConnectionRefusedError("the tests never leave this machine")
        return original(ip, port, timeout)

    with patch.object(link_fetch, "_connect", connect):
        yield attempts


@contextmanager
def fake_dns(mapping):
    """Resolve the names of ``mapping`` to its addresses (others: unknown)."""
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        infos = []
        for ip in mapping[host]:
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            sockaddr = (ip, port, 0, 0) if family == socket.AF_INET6 else (ip, port)
            infos.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return infos

    with patch("socket.getaddrinfo", getaddrinfo):
        yield calls


@tagged("post_install", "-at_install")
class TestAutofillParsing(TransactionCase):
    """What the pages state, as read by link_fetch (no network)."""

    def test_prices(self):
        for text, value in (
            ("19.99", 19.99),
            ("19,99", 19.99),
            ("1.234,56", 1234.56),
            ("1,234.56", 1234.56),
            ("1 234,56 €", 1234.56),
            ("$1,299", 1299.0),
            (12, 12.0),
            ("abc", None),
            ("-3", None),
        ):
            self.assertEqual(link_fetch.parse_price(text), value, text)

    def test_jsonld_graph_aggregate_offer(self):
        page = JSONLD_PAGE % json.dumps(
            [
                {"@type": "BreadcrumbList"},
                {
                    "@type": ["Product"],
                    "name": "Lamp",
                    "image": "https://cdn.example/lamp.jpg",
                    "offers": {
                        "@type": "AggregateOffer",
                        "lowPrice": "45,50",
                        "priceCurrency": "eur",
                        "offers": [
                            {
                                "@type": "Offer",
                                "availability": "http://schema.org/OutOfStock",
                            }
                        ],
                    },
                },
            ]
        )
        info = link_fetch.parse_article(page.encode(), "https://shop.example/lamp")
        self.assertEqual(
            (info.title, info.price, info.currency, info.availability, info.image_url),
            ("Lamp", 45.5, "EUR", "out_of_stock", "https://cdn.example/lamp.jpg"),
        )

    def test_order_of_trust(self):
        """JSON-LD before microdata before OpenGraph."""
        page = (
            jsonld_page(price="10", currency="USD", name="From JSON-LD")
            .replace(
                "</head>",
                '<meta property="og:title" content="From OG">'
                '<meta property="product:price:amount" content="99"></head>',
            )
            .replace("<body>", "<body>" + MICRODATA_PAGE)
        )
        info = link_fetch.parse_article(page.encode(), "https://shop.example/")
        self.assertEqual(
            (info.title, info.price, info.currency), ("From JSON-LD", 10.0, "USD")
        )
        self.assertEqual(info.sources, ["json-ld", "microdata", "opengraph"])
        self.assertEqual(info.sizes, ["42", "43"])
        self.assertEqual(info.colors, ["Blue", "Red"])

    def test_addresses(self):
        for ip in (
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "fe80::1",
            "fc00::1",
            "ff02::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "::7f00:1",
        ):
            self.assertFalse(link_fetch.ip_is_public(ip), ip)
        for ip in ("93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"):
            self.assertTrue(link_fetch.ip_is_public(ip), ip)


@tagged("post_install", "-at_install")
class TestAutofill(ShopServerMixin, PersonalShopperCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_shop()
        cls._allow_shop(cls.env)
        cls.gbp = cls.env.ref("base.GBP")
        cls.gbp.active = True
        cls.env["res.currency.rate"].search([("currency_id", "=", cls.gbp.id)]).unlink()
        # 1 GBP = 2 units of the company's currency
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.gbp.id,
                "rate": 0.5,
                "name": "2020-01-01",
                "company_id": cls.company.id,
            }
        )
        cls.Fetch = cls.env["personal.shopper.link.fetch"]

    def _read(self, path_or_url, partner=None):
        url = path_or_url if "://" in path_or_url else self.base + path_or_url
        return self.Fetch._ps_fetch(url, partner=partner or self.customer)

    def _portal(self, url):
        return self.Fetch.with_user(self.portal_user)._ps_portal_fetch(url)

    # ------------------------------------------------------------------
    # What is read
    # ------------------------------------------------------------------
    def test_jsonld_page(self):
        reading = self._read("/jsonld")
        self.assertEqual(reading.state, "done", reading.error_code)
        self.assertEqual(reading.title, "Blue sneakers")
        self.assertAlmostEqual(reading.price, 1234.5)
        self.assertEqual(reading.currency, "GBP")
        self.assertEqual(reading.availability, "in_stock")
        self.assertEqual(reading.sizes, "42, 43")
        self.assertEqual(reading.colors, "Blue, Red")
        # the picture re-encoded (JPEG, not the PNG served) and resized
        picture = base64.b64decode(reading.image)
        self.assertTrue(picture.startswith(b"\xff\xd8\xff"))
        image = Image.open(io.BytesIO(picture))
        self.assertLessEqual(max(image.size), 1024)
        # a declared User-Agent, no cookie nor credentials sent
        headers = self.shop_server.shop.headers[-1]
        self.assertIn("OdooPersonalShopper", headers.get("User-Agent"))
        self.assertNotIn("Cookie", headers)
        self.assertNotIn("Authorization", headers)

    def test_opengraph_and_microdata_pages(self):
        og = self._read("/og")
        self.assertEqual(
            (og.state, og.title, og.price, og.currency, og.availability),
            ("done", "Red scarf", 19.99, "EUR", "out_of_stock"),
        )
        self.assertTrue(og.image)
        micro = self._read("/microdata")
        self.assertEqual(
            (micro.state, micro.title, micro.price, micro.currency, micro.availability),
            ("done", "Leather bag", 89.0, "USD", "in_stock"),
        )

    def test_pages_without_article(self):
        for path, code in (
            ("/nothing", link_fetch.FAILED_NO_DATA),
            ("/text", link_fetch.FAILED_CONTENT),
            ("/missing", link_fetch.FAILED_STATUS),
            ("/huge-declared", link_fetch.FAILED_TOO_LARGE),
            ("/redirect-loop", link_fetch.FAILED_REDIRECTS),
        ):
            reading = self._read(path)
            self.assertEqual(
                (reading.state, reading.error_code), ("failed", code), path
            )
        # told plainly, in the customer's language
        result = self._portal(self.base + "/nothing")
        self.assertIn("We could not read this page", result["error"])
        self.assertIn("fill in the article by hand", result["error"])
        result = (
            self.Fetch.with_user(self.portal_user)
            .with_context(lang="fr_FR")
            ._ps_portal_fetch(self.base + "/nothing")
        )
        self.assertTrue(result["error"])

    def test_svg_picture_not_kept(self):
        reading = self._read("/svg-picture")
        self.assertEqual((reading.state, reading.title), ("done", "Vector mug"))
        self.assertFalse(reading.image)

    def test_slow_page_deadline(self):
        start = time.monotonic()
        reading = self._read("/slow")
        self.assertLess(time.monotonic() - start, 4.5)
        self.assertEqual(
            (reading.state, reading.error_code), ("failed", link_fetch.FAILED_TIMEOUT)
        )

    def test_huge_page_capped(self):
        start = time.monotonic()
        reading = self._read("/huge")
        self.assertLess(time.monotonic() - start, 5)
        # read up to the cap (the article is at the top), then stopped
        self.assertEqual((reading.state, reading.title), ("done", "Huge page article"))
        time.sleep(0.3)
        self.assertLess(self.shop_server.shop.huge_sent, 20 * 1024 * 1024)

    def test_redirect_followed_and_checked(self):
        reading = self._read("/redirect-ok")
        self.assertEqual((reading.state, reading.title), ("done", "Blue sneakers"))
        for path, ip in (
            ("/redirect-loopback", "127.0.0.1"),
            ("/redirect-metadata", "169.254.169.254"),
        ):
            with watch_connections() as attempts:
                reading = self._read(path)
            self.assertEqual(
                (reading.state, reading.error_code), ("failed", "address"), path
            )
            # only the test shop was connected to, never the target
            self.assertEqual(attempts, [("127.0.0.1", self.port)], path)

    def test_name_resolving_to_private_address(self):
        urls = {
            "http://intranet.example/": {"intranet.example": ["10.0.0.5"]},
            "https://mixed.example/": {"mixed.example": ["93.184.216.34", "127.0.0.1"]},
            "http://v6.example/": {"v6.example": ["::ffff:127.0.0.1"]},
        }
        for url, mapping in urls.items():
            with fake_dns(mapping), watch_connections() as attempts:
                reading = self._read(url)
            self.assertEqual(
                (reading.state, reading.error_code), ("failed", "address"), url
            )
            self.assertFalse(attempts, url)

    def test_connects_to_the_checked_address(self):
        """Resolved once, connected to the checked address, the name sent as
        Host: a second answer of the DNS (rebinding) is never used."""
        answers = iter([["127.0.0.1"], ["10.9.9.9"]])
        calls = []

        def getaddrinfo(host, port, *args, **kwargs):
            calls.append(host)
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in next(answers, ["10.9.9.9"])
            ]

        with patch("socket.getaddrinfo", getaddrinfo), watch_connections() as attempts:
            reading = self._read(f"http://shop.test:{self.port}/og")
        self.assertEqual(reading.state, "done", reading.error_code)
        self.assertEqual(attempts, [("127.0.0.1", self.port)])
        self.assertIn(f"shop.test:{self.port}", self.shop_server.shop.hosts)
        # the page and its picture: one resolution each, each checked (the
        # picture's name now resolves to a private address: left out)
        self.assertEqual(calls, ["shop.test", "shop.test"])
        self.assertFalse(reading.image)

    def test_refused_links(self):
        for url, code in (
            ("http://[::1]/", "address"),
            ("http://[fe80::1]/", "address"),
            ("http://[::ffff:127.0.0.1]/", "address"),
            ("http://127.0.0.1/", "address"),
            ("http://2130706433/", "address"),
            ("http://[::1]:8080/", "port"),
            ("http://93.184.216.34:8080/", "port"),
            ("ftp://93.184.216.34/file", "scheme"),
            ("javascript:alert(1)", "scheme"),
            ("http://user:secret@93.184.216.34/", "credentials"),
        ):
            with (
                watch_connections() as attempts,
                fake_dns({"2130706433": ["127.0.0.1"]}),
            ):
                reading = self._read(url)
            self.assertEqual((reading.state, reading.error_code), ("failed", code), url)
            self.assertFalse(attempts, url)
        # the portal refuses them before any reading
        for url in ("ftp://shop.example/", "javascript:alert(1)"):
            self.assertIn("error", self._portal(url))
        self.assertFalse(
            self.Fetch.search(
                [
                    ("url", "=", "javascript:alert(1)"),
                    ("kind", "=", "portal"),
                    ("partner_id", "=", self.customer.id),
                ]
            )
        )

    def test_test_origin_only_in_tests(self):
        """The test shop is reachable only through the tests' own setting,
        and only while tests run."""
        with patch.object(odoo_module, "current_test", False):
            self.assertFalse(self.Fetch._ps_policy().test_origins)
        self.env["ir.config_parameter"].set_param(
            "personal_shopper.link_fetch_test_origins", ""
        )
        reading = self._read("/jsonld")
        self.assertEqual((reading.state, reading.error_code), ("failed", "port"))

    def test_company_domains(self):
        self.company.ps_link_fetch_blocked_domains = "blocked.example"
        with watch_connections() as attempts:
            reading = self._read("https://www.blocked.example/item")
        self.assertEqual(reading.error_code, "domain")
        self.company.write(
            {
                "ps_link_fetch_blocked_domains": False,
                "ps_link_fetch_allowed_domains": "shop.example\n127.0.0.1",
            }
        )
        self.assertEqual(self._read("https://other.example/item").error_code, "domain")
        self.assertEqual(self._read("/jsonld").state, "done")
        self.assertFalse(attempts)
        self.company.ps_link_fetch_enabled = False
        self.assertIn("turned off", self._portal(self.base + "/jsonld")["error"])

    def test_rate_limits(self):
        ICP = self.env["ir.config_parameter"]
        ICP.set_param("personal_shopper.link_fetch_customer_limits", "2/600")
        self.assertNotIn("error", self._portal(self.base + "/jsonld"))
        self.assertNotIn("error", self._portal(self.base + "/og"))
        self.assertIn(
            "wait a few minutes", self._portal(self.base + "/jsonld")["error"]
        )
        # counted in the database, for every worker: another customer may go on
        other = self.staff_user.partner_id
        self.assertEqual(self._read("/og", partner=other).state, "done")
        ICP.set_param("personal_shopper.link_fetch_global_limits", "3/600")
        with self.assertLogs(
            "odoo.addons.personal_shopper.models.personal_shopper_link_fetch", "WARNING"
        ):
            result = self.Fetch.with_user(self.staff_user)._ps_portal_fetch(
                self.base + "/og"
            )
        self.assertIn("Too many shop pages", result["error"])

    # ------------------------------------------------------------------
    # The cart line
    # ------------------------------------------------------------------
    def _add(self, url, **values):
        cart = self.env["sale.order"]._ps_get_cart(self.customer, create=True)
        return cart._ps_add_article(
            {"name": "My sneakers", "url": url, "quantity": 2, **values}
        )

    def test_cart_line_keeps_the_snapshot(self):
        result = self._portal(self.base + "/jsonld")
        self.assertEqual(result["title"], "Blue sneakers")
        self.assertEqual(result["price"], "1234.5")
        self.assertEqual(result["currency_id"], self.gbp.id)
        self.assertTrue(result["image"].startswith("data:image/jpeg;base64,"))
        self.assertIn("Sizes: 42, 43", result["options"])
        line = self._add(
            self.base + "/jsonld",
            fetch_id=str(result["fetch_id"]),
            shop_price=result["price"],
            shop_currency=str(result["currency_id"]),
        )
        self.assertEqual(line.ps_article_name, "My sneakers")  # typed wins
        self.assertEqual(line.ps_fetch_title, "Blue sneakers")
        self.assertAlmostEqual(line.ps_fetch_price, 1234.5)
        self.assertEqual(line.ps_fetch_currency, "GBP")
        self.assertTrue(line.ps_fetch_image)
        self.assertTrue(line.ps_fetch_date)
        self.assertEqual(line.ps_shop_currency_id, self.gbp)
        self.assertAlmostEqual(line.ps_shop_price_unit, 1234.5)
        # the starting unit price: the shop's, at Odoo's rate of its currency
        # into the cart's (GBP's rate is 0.5: 1 GBP = 2 units of a currency of
        # rate 1)
        order = line.order_id
        rate = self.gbp._convert(
            1.0, order.currency_id, order.company_id, line._ps_rate_date(), round=False
        )
        # (not 2.0 exactly where the company's currency has rates of its own,
        # e.g. EUR after a localization changed the demo company's currency)
        self.assertTrue(rate > 1.0)
        self.assertAlmostEqual(line.ps_exchange_rate, rate, places=5)
        self.assertAlmostEqual(line.price_unit, order.currency_id.round(1234.5 * rate))
        self.assertIn("From the shop on", line.ps_shop_price_origin)

    def test_cart_line_customer_corrections_win(self):
        result = self._portal(self.base + "/jsonld")
        usd = self.env.ref("base.USD")
        usd.active = True
        line = self._add(
            self.base + "/jsonld",
            fetch_id=str(result["fetch_id"]),
            shop_price="999,90",
            shop_currency=str(usd.id),
        )
        self.assertAlmostEqual(line.ps_shop_price_unit, 999.9)
        self.assertEqual(line.ps_shop_currency_id, usd)
        self.assertEqual(line.ps_fetch_title, "Blue sneakers")
        self.assertEqual(line.ps_shop_price_origin, "Given by the customer")

    def test_cart_line_other_customers_reading_ignored(self):
        reading = self._read("/jsonld", partner=self.staff_user.partner_id)
        line = self._add(self.base + "/jsonld", fetch_id=str(reading.id))
        self.assertFalse(line.ps_fetch_title)
        self.assertFalse(line.ps_shop_price_unit)
        self.assertEqual(line.price_unit, 0.0)
        # a reading of another link neither
        own = self._read("/og")
        line = self._add(self.base + "/jsonld", fetch_id=str(own.id))
        self.assertFalse(line.ps_fetch_title)

    def test_cart_line_currency_unknown_to_odoo(self):
        """A price in a currency Odoo does not use is kept in the snapshot
        only: never converted at another currency's rate."""
        self.env.ref("base.CHF").active = False
        self.shop_server.shop.pages["/chf"] = (
            "text/html",
            OG_PAGE.replace("EUR", "CHF").replace("19,99", "120"),
        )
        result = self._portal(self.base + "/chf")
        self.assertFalse(result["currency_id"])
        line = self._add(
            self.base + "/chf",
            fetch_id=str(result["fetch_id"]),
            shop_price=result["price"],
        )
        self.assertEqual((line.ps_fetch_price, line.ps_fetch_currency), (120.0, "CHF"))
        self.assertFalse(line.ps_shop_price_unit)
        self.assertEqual(line.price_unit, 0.0)

    def test_cart_form_checks_the_price(self):
        errors = self.env["sale.order.line"]._ps_validate_article(
            {
                "name": "A",
                "url": "https://shop.example/a",
                "quantity": 1,
                "shop_price": "cheap",
                "shop_currency": "abc",
            }
        )
        self.assertEqual(set(errors), {"shop_price", "shop_currency"})

    def test_staff_refresh(self):
        result = self._portal(self.base + "/jsonld")
        line = self._add(self.base + "/jsonld", fetch_id=str(result["fetch_id"]))
        with self.assertRaises(AccessError):
            line.with_user(self.portal_user).action_ps_refresh_snapshot()
        self.shop_server.shop.pages["/jsonld"] = (
            "text/html",
            jsonld_page(price="1300", availability="OutOfStock"),
        )
        line.with_user(self.staff_user).action_ps_refresh_snapshot()
        self.assertTrue(line.ps_fetch_refresh_requested)
        self.env["sale.order.line"]._cron_ps_refresh_snapshots()
        self.assertFalse(line.ps_fetch_refresh_requested)
        self.assertAlmostEqual(line.ps_fetch_price, 1300.0)
        self.assertEqual(line.ps_fetch_availability, "out_of_stock")
        message = line.order_id.message_ids[:1]
        self.assertIn("price up from 1234.50 GBP to 1300.00 GBP", message.body)
        self.assertIn("now out of stock", message.body)
        # the price staff quote is theirs to change
        self.assertAlmostEqual(line.ps_shop_price_unit, 1234.5)
        # a page that can no longer be read: said so too
        self.shop_server.shop.pages.pop("/jsonld")
        line.with_user(self.staff_user).action_ps_refresh_snapshot()
        self.env["sale.order.line"]._cron_ps_refresh_snapshots()
        self.assertIn("could not be read again", line.order_id.message_ids[:1].body)
        self.assertTrue(line.ps_fetch_error)
        self.shop_server.shop.pages["/jsonld"] = ("text/html", jsonld_page())

    def test_no_transaction_open_while_reading(self):
        """The reading's record is committed (ending the transaction) before
        the page is read; the reader itself never touches the database."""
        events = []
        Fetch = type(self.Fetch)
        read = Fetch._ps_read

        def end_transaction(model):
            events.append("end")

        def read_page(model, url, policy):
            events.append("read")
            return read(model, url, policy)

        with (
            patch.object(Fetch, "_ps_end_transaction", end_transaction),
            patch.object(Fetch, "_ps_read", read_page),
        ):
            self._read("/og")
        self.assertEqual(events, ["end", "read"])
        # outside the tests, ending the transaction is a commit
        with (
            patch.object(odoo_module, "current_test", False),
            patch.object(self.env.cr, "commit") as commit,
        ):
            self.Fetch._ps_end_transaction()
        commit.assert_called_once_with()

    def test_old_readings_forgotten(self):
        reading = self._read("/og")
        self.env.cr.execute(
            "UPDATE personal_shopper_link_fetch"
            " SET create_date = now() - interval '3 days' WHERE id = %s",
            (reading.id,),
        )
        reading.invalidate_recordset()
        self.Fetch._gc_ps_link_fetch()
        self.assertFalse(reading.exists())
