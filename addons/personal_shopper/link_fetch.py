"""Read an article's shop page, safely: the network and parsing side of the
cart's "paste a link, get the article" (see models/personal_shopper_link_fetch.py
for the database side: settings, rate limits, snapshots).

Nothing here touches the database: the caller ends its transaction before
calling ``fetch_article``, so that no transaction is held open while waiting
on the network.

Why not ``requests``: the address a request connects to must be the one that
was checked. A name is resolved once here, every address it resolves to is
checked (no private, loopback, link-local, multicast or reserved address,
IPv4 or IPv6, IPv4-mapped included), and the connection goes to that very
address, the name being sent in the Host header and, for https, as the TLS
server name (SNI and certificate check). So a name that resolves to a public
address when checked and to an internal one when connecting (DNS rebinding)
cannot reach inside. Redirects are followed by hand, each new address being
checked again; the whole fetch has a deadline (a watchdog closes the socket),
the response is read in chunks up to a cap, and no cookie, credential or
proxy is ever used.
"""

import contextlib
import ipaddress
import json
import re
import socket
import ssl
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http import client as http_client
from urllib.parse import quote, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

ALLOWED_SCHEMES = {"http": 80, "https": 443}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "Mozilla/5.0 (compatible; OdooPersonalShopper/1.0; article preview)"
PRICE_MAX = 1e9
TEXT_MAX = 200
OPTIONS_MAX = 30

# Why a fetch stopped: the Odoo side turns these codes into messages.
REFUSED_SCHEME = "scheme"
REFUSED_PORT = "port"
REFUSED_CREDENTIALS = "credentials"
REFUSED_DOMAIN = "domain"
REFUSED_ADDRESS = "address"
FAILED_DNS = "dns"
FAILED_REDIRECTS = "redirects"
FAILED_TIMEOUT = "timeout"
FAILED_TOO_LARGE = "too_large"
FAILED_STATUS = "status"
FAILED_CONTENT = "content_type"
FAILED_CONNECTION = "connection"
FAILED_NO_DATA = "no_data"


class FetchError(Exception):
    """The page could not be read; ``code`` is one of the codes above."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may do. ``allowed_domains`` empty: any public site.

    ``test_origins``: (ip, port) pairs reachable despite the address and port
    rules, set only by the tests (see personal.shopper.link.fetch._ps_policy:
    never outside a test run)."""

    allowed_domains: tuple = ()
    blocked_domains: tuple = ()
    test_origins: frozenset = frozenset()
    # tests only: names are resolved only by the tests' own resolver (a
    # patched socket.getaddrinfo), never by the real one
    offline: bool = False
    max_redirects: int = 3
    connect_timeout: float = 3.0
    read_timeout: float = 3.0
    deadline: float = 8.0
    max_page_bytes: int = 2 * 1024 * 1024
    max_image_bytes: int = 5 * 1024 * 1024
    user_agent: str = USER_AGENT
    accept_language: str = "fr,en;q=0.8"


@dataclass
class FetchResponse:
    url: str
    status: int
    content_type: str
    charset: str
    body: bytes
    truncated: bool = False


@dataclass
class ArticleInfo:
    """What the shop's page states about the article."""

    title: str = ""
    price: float | None = None
    currency: str = ""
    image_url: str = ""
    availability: str = ""  # "in_stock", "out_of_stock" or ""
    sizes: list = field(default_factory=list)
    colors: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    final_url: str = ""
    image: bytes = b""  # re-encoded picture (see process_image)
    image_error: str = ""

    def has_data(self):
        return bool(self.title or self.price is not None or self.image_url)


# ----------------------------------------------------------------------
# Addresses
# ----------------------------------------------------------------------
def _ipv4_is_public(addr):
    return not (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or not addr.is_global
    )


NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SYSTEM_GETADDRINFO = socket.getaddrinfo


def ip_is_public(ip):
    """Whether ``ip`` (text or address) may be fetched: a global unicast
    address. IPv6 addresses that embed an IPv4 one (IPv4-mapped, NAT64, 6to4,
    Teredo) are judged by it too."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if addr.version == 4:
        return _ipv4_is_public(addr)
    if addr.ipv4_mapped:
        return _ipv4_is_public(addr.ipv4_mapped)
    if addr in NAT64:
        return _ipv4_is_public(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    if addr.sixtofour and not _ipv4_is_public(addr.sixtofour):
        return False
    if addr.teredo and not all(_ipv4_is_public(a) for a in addr.teredo):
        return False
    return not (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_site_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or not addr.is_global
    )


def normalize_host(host):
    """The ASCII (IDNA) lower-case form of ``host``, without a final dot."""
    host = (host or "").strip().rstrip(".").lower()
    if not host:
        return ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def domain_matches(host, domains):
    """Whether ``host`` is one of ``domains`` or a sub-domain of one."""
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def parse_domains(text):
    """'shop.example, other.example\\nthird.example' -> normalized tuple."""
    domains = []
    for part in re.split(r"[\s,;]+", text or ""):
        part = part.strip().lstrip("*").lstrip(".")
        if "://" in part:
            part = urlsplit(part).hostname or ""
        host = normalize_host(part)
        if host and host not in domains:
            domains.append(host)
    return tuple(domains)


def check_url(url, policy):
    """Return (scheme, host, port, path) of ``url`` if a fetch may go there
    (before resolving its name), else raise FetchError."""
    url = (url or "").strip()
    if any(ord(c) < 33 for c in url):
        raise FetchError(REFUSED_SCHEME, "control characters or spaces")
    url = url.replace("\\", "/")  # as a browser reads http(s) addresses
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(REFUSED_SCHEME, str(error)) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(REFUSED_SCHEME, scheme)
    if "@" in parts.netloc:
        raise FetchError(REFUSED_CREDENTIALS)
    host = normalize_host(parts.hostname)
    if not host:
        raise FetchError(REFUSED_SCHEME, "no host")
    port = port or ALLOWED_SCHEMES[scheme]
    if policy.blocked_domains and domain_matches(host, policy.blocked_domains):
        raise FetchError(REFUSED_DOMAIN, host)
    if policy.allowed_domains and not domain_matches(host, policy.allowed_domains):
        raise FetchError(REFUSED_DOMAIN, host)
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return scheme, host, port, path


def _port_allowed(scheme, port):
    return port == ALLOWED_SCHEMES[scheme]


def resolve(host, port, policy, timeout):
    """The addresses ``host`` resolves to, all of them checked: a name with
    one blocked address is refused. Return the address to connect to."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        if policy.offline and socket.getaddrinfo is _SYSTEM_GETADDRINFO:
            raise FetchError(FAILED_DNS, "offline (tests)")
        # getaddrinfo has no timeout of its own
        executor = ThreadPoolExecutor(max_workers=1)
        future = executor.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
        executor.shutdown(wait=False)
        try:
            infos = future.result(timeout=max(timeout, 0.1))
        except FutureTimeout:
            raise FetchError(FAILED_TIMEOUT, "dns") from None
        except (OSError, UnicodeError) as error:
            raise FetchError(FAILED_DNS, str(error)) from None
        addresses = []
        for family, _type, _proto, _name, sockaddr in infos:
            if family in (socket.AF_INET, socket.AF_INET6):
                ip = sockaddr[0].split("%")[0]
                if ip not in addresses:
                    addresses.append(ip)
        if not addresses:
            raise FetchError(FAILED_DNS, "no address")
    for ip in addresses:
        if (ip, port) in policy.test_origins:
            continue
        if not ip_is_public(ip):
            raise FetchError(REFUSED_ADDRESS, ip)
    return addresses[0]


# ----------------------------------------------------------------------
# Connections to the checked address
# ----------------------------------------------------------------------
def _connect(ip, port, timeout):
    """A TCP connection to the checked address ``ip`` (no name resolution
    at all here: socket.create_connection would resolve again)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((ip, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _VettedHTTPConnection(http_client.HTTPConnection):
    """HTTP to the checked IP address."""

    def connect(self):
        self.sock = _connect(self.host, self.port, self.timeout)


class _VettedHTTPSConnection(http_client.HTTPSConnection):
    """HTTPS to the checked IP address, TLS server name (SNI) and
    certificate check on the host name."""

    def __init__(self, ip, port, server_name, timeout):
        super().__init__(
            ip, port, timeout=timeout, context=ssl.create_default_context()
        )
        self._ps_server_name = server_name

    def connect(self):
        sock = _connect(self.host, self.port, self.timeout)
        self.sock = self._context.wrap_socket(
            sock, server_hostname=self._ps_server_name
        )


def _open(scheme, ip, port, host, timeout):
    if scheme == "https":
        return _VettedHTTPSConnection(ip, port, host, timeout)
    return _VettedHTTPConnection(ip, port, timeout=timeout)


def _decoder(encoding):
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(47)  # gzip or zlib header
    raise FetchError(FAILED_CONTENT, f"encoding {encoding}")


def _read_capped(response, max_bytes, deadline):
    """Read the body up to ``max_bytes`` (decompressed); return (body,
    truncated)."""
    decoder = _decoder(response.getheader("Content-Encoding"))
    body = bytearray()
    while len(body) < max_bytes:
        if time.monotonic() > deadline:
            raise FetchError(FAILED_TIMEOUT, "body")
        chunk = (
            response.read1(CHUNK)
            if hasattr(response, "read1")
            else response.read(CHUNK)
        )
        if not chunk:
            return bytes(body), False
        if decoder:
            chunk = decoder.decompress(chunk, max_bytes + 1 - len(body))
        body += chunk
    return bytes(body[:max_bytes]), True


def _send_request(conn, scheme, host, port, path, accept, policy):
    """GET ``path``: the name in Host, a declared User-Agent, no cookie or
    credentials."""
    conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    host_header = f"[{host}]" if ":" in host else host
    if port != ALLOWED_SCHEMES[scheme]:
        host_header = f"{host_header}:{port}"
    conn.putheader("Host", host_header)
    conn.putheader("User-Agent", policy.user_agent)
    conn.putheader("Accept", accept)
    conn.putheader("Accept-Language", policy.accept_language)
    conn.putheader("Accept-Encoding", "gzip, identity")
    conn.putheader("Connection", "close")
    conn.endheaders()


def fetch(url, policy, accept, max_bytes, deadline=None, allowed_types=None):
    """GET ``url`` under ``policy``: return a FetchResponse or raise
    FetchError. ``deadline``: time.monotonic() by which all is over."""
    deadline = deadline or time.monotonic() + policy.deadline
    for _hop in range(policy.max_redirects + 1):
        scheme, host, port, path = check_url(url, policy)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(FAILED_TIMEOUT)
        test_ports = {test_port for _ip, test_port in policy.test_origins}
        if not _port_allowed(scheme, port) and port not in test_ports:
            raise FetchError(REFUSED_PORT, str(port))
        ip = resolve(host, port, policy, remaining)
        if not _port_allowed(scheme, port) and (ip, port) not in policy.test_origins:
            raise FetchError(REFUSED_PORT, str(port))
        remaining = deadline - time.monotonic()
        conn = _open(
            scheme, ip, port, host, min(policy.connect_timeout, max(remaining, 0.1))
        )
        # the deadline of the whole fetch: a server sending its answer byte
        # by byte is cut there, whatever the socket timeouts
        watchdog = threading.Timer(max(remaining, 0.1), _abort, (conn,))
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                _send_request(conn, scheme, host, port, path, accept, policy)
                if conn.sock:
                    conn.sock.settimeout(policy.read_timeout)
                response = conn.getresponse()
                if response.status in REDIRECT_STATUSES:
                    location = response.getheader("Location")
                    if not location:
                        raise FetchError(FAILED_STATUS, str(response.status))
                    url = urljoin(url, location.strip())
                    continue
                if response.status != 200:
                    raise FetchError(FAILED_STATUS, str(response.status))
                content_type = response.getheader("Content-Type") or ""
                mime = content_type.split(";")[0].strip().lower()
                if allowed_types and not any(
                    mime == t or (t.endswith("/") and mime.startswith(t))
                    for t in allowed_types
                ):
                    raise FetchError(FAILED_CONTENT, mime)
                length = response.getheader("Content-Length")
                if length and length.strip().isdigit() and int(length) > max_bytes:
                    raise FetchError(FAILED_TOO_LARGE, length)
                body, truncated = _read_capped(response, max_bytes, deadline)
                charset = ""
                match = re.search(r"charset=([\w.:-]+)", content_type, re.I)
                if match:
                    charset = match.group(1)
                return FetchResponse(
                    url=url,
                    status=response.status,
                    content_type=mime,
                    charset=charset,
                    body=body,
                    truncated=truncated,
                )
            except FetchError:
                raise
            except TimeoutError:
                raise FetchError(FAILED_TIMEOUT) from None
            except (OSError, http_client.HTTPException, zlib.error) as error:
                if time.monotonic() >= deadline:
                    raise FetchError(FAILED_TIMEOUT) from None
                raise FetchError(FAILED_CONNECTION, str(error)) from None
        finally:
            watchdog.cancel()
            conn.close()
    raise FetchError(FAILED_REDIRECTS)


def _abort(conn):
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


# ----------------------------------------------------------------------
# Parsing: JSON-LD, then microdata, then OpenGraph
# ----------------------------------------------------------------------
def parse_price(value):
    """A price as pages write it: 19.99, "19,99", "1.234,56", "1,234.56",
    "1 234,56 €", "$1,299" -> float, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        price = float(value)
    else:
        text = str(value or "").strip()
        text = re.sub(
            r"[^\d,.\-]", "", text.replace("\u00a0", "").replace("\u202f", "")
        )
        if not text or not re.search(r"\d", text) or text.startswith("-"):
            return None
        last_comma, last_dot = text.rfind(","), text.rfind(".")
        if last_comma >= 0 and last_dot >= 0:
            # the last separator is the decimal one: "1.234,56", "1,234.56"
            decimal = "," if last_comma > last_dot else "."
        elif last_comma >= 0:
            # "19,99" is decimal; "1,299" and "1,234,567" are thousands
            single = text.count(",") == 1
            decimal = "," if single and len(text) - last_comma - 1 != 3 else ""
        elif last_dot >= 0:
            # schema.org prices use a dot: "1.299" is 1.299; "1.234.567" is not
            decimal = "." if text.count(".") == 1 else ""
        else:
            decimal = ""
        thousands = {",", "."} - {decimal}
        for sep in thousands:
            text = text.replace(sep, "")
        if decimal == ",":
            text = text.replace(",", ".")
        try:
            price = float(text)
        except ValueError:
            return None
    if price != price or price < 0 or price > PRICE_MAX:
        return None
    return round(price, 6)


def _clean_text(value, limit=TEXT_MAX):
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return text[:limit]


def _currency(value):
    text = _clean_text(value).upper()
    return text if re.fullmatch(r"[A-Z]{3}", text) else ""


def _availability(value):
    text = _clean_text(value).lower()
    if not text:
        return ""
    key = text.rsplit("/", 1)[-1].replace("_", "").replace(" ", "")
    if key in ("outofstock", "soldout", "discontinued", "oos"):
        return "out_of_stock"
    if key in (
        "instock",
        "limitedavailability",
        "instoreonly",
        "onlineonly",
        "preorder",
        "presale",
        "backorder",
        "available",
    ):
        return "in_stock"
    return ""


def _types(node):
    types = node.get("@type")
    if not isinstance(types, list):
        types = [types]
    return {str(t).rsplit("/", 1)[-1] for t in types if t}


def _walk_jsonld(data, depth=0):
    """Every dict of a JSON-LD document (@graph, lists, nested values)."""
    if depth > 12:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key, value in data.items():
            if key in (
                "@graph",
                "mainEntity",
                "itemListElement",
                "item",
                "hasVariant",
                "isVariantOf",
            ):
                yield from _walk_jsonld(value, depth + 1)


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _image_url(value):
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl") or item.get("@id")
            if isinstance(url, str) and url.strip():
                return url.strip()
    return ""


def _offers_price(offers):
    """(price, currency, availability) of JSON-LD offers: an Offer, a list of
    them, an AggregateOffer (its lowPrice, or its own offers)."""
    price, currency, availability = None, "", ""
    for offer in _as_list(offers):
        if not isinstance(offer, dict):
            continue
        types = _types(offer)
        candidates = [offer.get("price")]
        if "AggregateOffer" in types:
            candidates = [offer.get("lowPrice"), offer.get("price")]
        specs = [
            s for s in _as_list(offer.get("priceSpecification")) if isinstance(s, dict)
        ]
        for spec in specs:
            candidates.append(spec.get("price"))
        offer_price = next(
            (
                p
                for p in (parse_price(c) for c in candidates if c not in (None, ""))
                if p is not None
            ),
            None,
        )
        offer_currency = _currency(offer.get("priceCurrency")) or next(
            (
                _currency(s.get("priceCurrency"))
                for s in specs
                if _currency(s.get("priceCurrency"))
            ),
            "",
        )
        offer_availability = _availability(offer.get("availability"))
        if "AggregateOffer" in types and offer.get("offers"):
            sub_price, sub_currency, sub_availability = _offers_price(offer["offers"])
            if offer_price is None:
                offer_price = sub_price
            offer_currency = offer_currency or sub_currency
            offer_availability = offer_availability or sub_availability
        if price is None and offer_price is not None:
            price, currency = offer_price, offer_currency
        currency = currency or offer_currency
        # in stock if any offer is
        if offer_availability == "in_stock" or not availability:
            availability = offer_availability or availability
    return price, currency, availability


def _add_option(options, value):
    for item in _as_list(value):
        text = _clean_text(item, 60)
        if text and text not in options and len(options) < OPTIONS_MAX:
            options.append(text)


def parse_jsonld(doc):
    info = ArticleInfo()
    for script in doc.xpath("//script[@type]"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        for node in _walk_jsonld(data):
            types = _types(node)
            if not types & {
                "Product",
                "ProductGroup",
                "IndividualProduct",
                "ProductModel",
            }:
                continue
            info.title = info.title or _clean_text(node.get("name"))
            info.image_url = info.image_url or _image_url(node.get("image"))
            price, currency, availability = _offers_price(node.get("offers"))
            if info.price is None and price is not None:
                info.price, info.currency = price, currency or info.currency
            info.currency = info.currency or currency
            if availability == "in_stock" or not info.availability:
                info.availability = availability or info.availability
            _add_option(info.sizes, node.get("size"))
            _add_option(info.colors, node.get("color"))
            for variant in _as_list(node.get("hasVariant")):
                if isinstance(variant, dict):
                    _add_option(info.sizes, variant.get("size"))
                    _add_option(info.colors, variant.get("color"))
    return info


def _itemprop_value(element):
    """The value of a microdata property (HTML microdata rules)."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if element.get("content") is not None:
        return element.get("content")
    if tag in ("img", "audio", "video", "source", "iframe", "embed"):
        return element.get("src") or ""
    if tag in ("a", "link", "area"):
        return element.get("href") or ""
    if tag == "data" or tag == "meter":
        return element.get("value") or ""
    if tag == "time":
        return element.get("datetime") or element.text_content()
    return element.text_content()


def _microdata_props(scope):
    """{property: [element]} of an itemscope element, nested scopes apart."""
    props = {}

    def visit(element):
        for child in element:
            if not isinstance(child.tag, str):
                continue
            names = (child.get("itemprop") or "").split()
            for name in names:
                props.setdefault(name.rsplit("/", 1)[-1], []).append(child)
            if child.get("itemscope") is None:
                visit(child)

    visit(scope)
    return props


def parse_microdata(doc):
    info = ArticleInfo()
    for scope in doc.xpath("//*[@itemscope and @itemtype]"):
        itemtypes = {t.rsplit("/", 1)[-1] for t in scope.get("itemtype").split()}
        if not itemtypes & {"Product", "ProductGroup", "IndividualProduct"}:
            continue
        props = _microdata_props(scope)

        def first(name, props=props):  # pylint: disable=dangerous-default-value
            for element in props.get(name, []):
                if element.get("itemscope") is None:
                    value = _itemprop_value(element)
                    if value and value.strip():
                        return value
            return ""

        info.title = info.title or _clean_text(first("name"))
        info.image_url = info.image_url or first("image").strip()
        _add_option(info.sizes, [_itemprop_value(e) for e in props.get("size", [])])
        _add_option(info.colors, [_itemprop_value(e) for e in props.get("color", [])])
        for offer in props.get("offers", []):
            offer_props = (
                _microdata_props(offer) if offer.get("itemscope") is not None else {}
            )

            def offer_first(name, offer_props=offer_props):  # pylint: disable=dangerous-default-value
                for element in offer_props.get(name, []):
                    value = _itemprop_value(element)
                    if value and value.strip():
                        return value
                return ""

            price = parse_price(offer_first("price") or offer_first("lowPrice"))
            if info.price is None and price is not None:
                info.price = price
                info.currency = _currency(offer_first("priceCurrency")) or info.currency
            availability = _availability(offer_first("availability"))
            if availability == "in_stock" or not info.availability:
                info.availability = availability or info.availability
    return info


def parse_opengraph(doc):
    info = ArticleInfo()
    metas = {}
    for meta in doc.xpath("//meta[@property or @name]"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key and key not in metas and meta.get("content"):
            metas[key] = meta.get("content")
    info.title = _clean_text(metas.get("og:title"))
    info.image_url = (
        metas.get("og:image:secure_url")
        or metas.get("og:image")
        or metas.get("og:image:url")
        or ""
    ).strip()
    for prefix in ("product:price", "og:price", "product:sale_price"):
        price = parse_price(metas.get(f"{prefix}:amount"))
        if price is not None:
            info.price = price
            info.currency = _currency(metas.get(f"{prefix}:currency"))
            break
    info.availability = _availability(
        metas.get("product:availability") or metas.get("og:availability")
    )
    _add_option(info.sizes, metas.get("product:size"))
    _add_option(info.colors, metas.get("product:color"))
    return info


def parse_article(body, base_url, charset=""):
    """What the page states, the most trusted source first: schema.org in
    JSON-LD, then in microdata, then OpenGraph."""
    if not body:
        return ArticleInfo(final_url=base_url)
    try:
        parser = lxml_html.HTMLParser(
            encoding=charset or None, no_network=True, huge_tree=False
        )
        doc = lxml_html.document_fromstring(body, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        try:
            doc = lxml_html.document_fromstring(body)
        except (etree.ParserError, ValueError):
            return ArticleInfo(final_url=base_url)
    info = ArticleInfo(final_url=base_url)
    for source, parse in (
        ("json-ld", parse_jsonld),
        ("microdata", parse_microdata),
        ("opengraph", parse_opengraph),
    ):
        found = parse(doc)
        if not found.has_data() and not found.availability:
            continue
        info.sources.append(source)
        info.title = info.title or found.title
        if info.price is None and found.price is not None:
            info.price = found.price
            info.currency = found.currency or info.currency
        info.currency = info.currency or found.currency
        info.image_url = info.image_url or found.image_url
        info.availability = info.availability or found.availability
        _add_option(info.sizes, found.sizes)
        _add_option(info.colors, found.colors)
    if info.image_url:
        image_url = urljoin(base_url, info.image_url)
        info.image_url = (
            image_url if urlsplit(image_url).scheme in ALLOWED_SCHEMES else ""
        )
    return info


# ----------------------------------------------------------------------
# The whole thing
# ----------------------------------------------------------------------
def fetch_article(url, policy, image_processor=None):
    """Read the article page at ``url`` (and its main picture): return an
    ArticleInfo, or raise FetchError. ``image_processor(bytes) -> bytes``
    re-encodes the picture (see models/personal_shopper_link_fetch.py); a
    picture that cannot be read is left out (``image_error``), the rest stays."""
    deadline = time.monotonic() + policy.deadline
    response = fetch(
        url,
        policy,
        accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        max_bytes=policy.max_page_bytes,
        deadline=deadline,
        allowed_types=HTML_TYPES,
    )
    info = parse_article(response.body, response.url, response.charset)
    if not info.has_data():
        raise FetchError(FAILED_NO_DATA)
    if info.image_url and image_processor:
        try:
            image = fetch(
                info.image_url,
                policy,
                accept="image/png,image/jpeg,image/gif,image/webp;q=0.8",
                max_bytes=policy.max_image_bytes,
                deadline=deadline,
                allowed_types=("image/",),
            )
            if image.truncated:
                raise FetchError(FAILED_TOO_LARGE)
            info.image = image_processor(image.body) or b""
        except FetchError as error:
            info.image_error = error.code
        except Exception as error:  # noqa: BLE001 - a picture PIL cannot read
            info.image_error = type(error).__name__
    return info
