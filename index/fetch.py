"""Fetch one news article by URL for the corpus, refusing anything that is not a public article.

The fetcher is a moderator-facing door to the network, so it is deliberately narrow: http(s)
only, public addresses only (the connection goes to the very address that was checked, so a
DNS answer cannot change between the check and the connect), same-host redirects only, one
total deadline and a byte limit while streaming, HTML only, and the page must read as one
article. Every refusal is a `FetchRefused` whose message can be shown to a moderator as is.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from copy import deepcopy
from dataclasses import dataclass
from hashlib import sha256
from typing import Any
from urllib.parse import urljoin, urlsplit

import htmldate
import trafilatura
from lxml import html as lxml_html

from index.reasons import Reason, reason

Resolver = Callable[[str, int], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})
USER_AGENT = "conflictbot/0.1 (article fetcher for a cited news corpus)"
READ_CHUNK = 65_536
SHOWN_URL_CHARS = 120


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5_000_000
    timeout: float = 15.0  # seconds for the whole fetch: connecting, redirects, reading
    max_redirects: int = 3
    min_words: int = 80


@dataclass(frozen=True)
class FetchedArticle:
    url: str  # the address that served the page, after same-host redirects
    canonical_url: str  # the page's own <link rel=canonical> or og:url, else `url`
    title: str
    outlet: str
    author: str
    date: str  # publication date, YYYY-MM-DD, "" when unknown
    updated: str  # last update, YYYY-MM-DD, "" when unknown or the same as `date`
    language: str  # primary language subtag ("en", "fr"), "" when unknown
    text: str  # paragraphs separated by blank lines
    html: str

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class FetchRefused(Exception):
    """The page was not fetched or is not an article; the message (English) is safe to show a
    moderator, and `reason` says it in any catalogue language (index/reasons.py)."""

    def __init__(self, kind: str, code: str, /, **fields: object) -> None:
        self.reason = reason(code, **fields)
        super().__init__(self.reason.english())
        self.kind = kind  # a stable short code: "scheme", "private-address", "too-large", ...


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves `host` to, in its order of preference."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def fetch_article(url: str, limits: FetchLimits, *, resolver: Resolver = system_resolver,
                  allow_private: bool = False) -> FetchedArticle:
    """Download the article at `url` and extract its text and citation metadata.

    Raises `FetchRefused` for anything that is not a public HTML article within `limits`.
    """
    deadline = _Deadline(limits.timeout)
    page = _download(url, limits, deadline, resolver, allow_private)
    return extract_article(page.body, page.url, limits, charset=page.charset)


# --- addresses -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # lowercase, IDNA-encoded, without IPv6 brackets
    port: int
    path: str  # path and query, as sent in the request line


def _shown(url: str) -> str:
    """The address as it may appear in a message: no user or password, not too long."""
    url = re.sub(r"//[^/?#]*@", "//…@", url, count=1)
    return url if len(url) <= SHOWN_URL_CHARS else url[:SHOWN_URL_CHARS] + "…"


def _parse_target(url: str) -> _Target:
    """Split and check an address: http(s), a host, no credentials, no control characters."""
    text = url.strip()
    if not text or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in text):
        raise FetchRefused("bad-url", "fetch_blank_url")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise FetchRefused("bad-url", "fetch_invalid_url", url=_shown(text)) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else reason("fetch_no_scheme")
        raise FetchRefused("scheme", "fetch_scheme", scheme=shown)
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("credentials", "fetch_credentials")
    host = _ascii_host(parts.hostname or "")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    return _Target(text, scheme, host, port or default_port, path)


def _ascii_host(host: str) -> str:
    if not host:
        raise FetchRefused("bad-url", "fetch_no_host")
    try:
        return host.encode("idna").decode("ascii").lower() if not host.isascii() else host
    except UnicodeError:
        raise FetchRefused("bad-url", "fetch_invalid_host", host=host) from None


def _ip_literal(host: str) -> IPAddress | None:
    """The address a host written as an IP means, including 127.1, 0x7f.1 and 2130706433."""
    if ":" in host:
        if "%" in host:
            raise FetchRefused("bad-url", "fetch_ipv6_zone")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise FetchRefused("bad-url", "fetch_invalid_ipv6", host=host) from None
    return _legacy_ipv4(host)


_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    # Browsers and inet_aton read 1 to 4 dotted parts, each decimal, octal (0…) or hex (0x…).
    labels = host.removesuffix(".").split(".")
    if not _NUMERIC_LABEL.match(labels[-1]):
        return None
    if not 1 <= len(labels) <= 4 or not all(_NUMERIC_LABEL.match(x) for x in labels):
        raise FetchRefused("bad-url", "fetch_invalid_ipv4", host=host)
    try:
        numbers = [_label_value(x) for x in labels]
    except ValueError:
        raise FetchRefused("bad-url", "fetch_invalid_ipv4", host=host) from None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise FetchRefused("bad-url", "fetch_invalid_ipv4", host=host)
    value = sum(n << (8 * (3 - i)) for i, n in enumerate(head)) + last
    return ipaddress.IPv4Address(value)


def _label_value(label: str) -> int:
    if label.startswith("0x"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label)


def address_refusal(address: IPAddress) -> str | None:
    """Why the fetcher must not connect to `address` ("loopback", "private", ...), or None."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or _nat64(address)
        if address.teredo:
            embedded = address.teredo[1]
        if embedded is not None:
            return address_refusal(embedded)
    checks = (("loopback", address.is_loopback), ("link-local", address.is_link_local),
              ("multicast", address.is_multicast), ("unspecified", address.is_unspecified),
              ("reserved", address.is_reserved), ("private", address.is_private))
    for kind, applies in checks:
        if applies:
            return kind
    return None if address.is_global else "non-public"


NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def _nat64(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    # DNS64 networks give IPv4-only sites these addresses; what counts is the IPv4 inside.
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _checked_address(target: _Target, resolver: Resolver, allow_private: bool) -> str:
    """The one address to connect to, after checking it (and every other the name has)."""
    literal = _ip_literal(target.host)
    addresses = [literal] if literal is not None else _resolve(target, resolver)
    if not allow_private:
        for address in addresses:
            kind = address_refusal(address)
            if kind is not None:
                raise _private_refusal(target.host, kind, literal is not None)
    return str(addresses[0])


def _resolve(target: _Target, resolver: Resolver) -> list[IPAddress]:
    try:
        found = resolver(target.host, target.port)
    except (OSError, UnicodeError):
        found = []
    addresses = []
    for text in found:
        try:
            addresses.append(ipaddress.ip_address(text.split("%")[0]))
        except ValueError:
            continue
    if not addresses:
        raise FetchRefused("dns", "fetch_dns", host=target.host)
    return addresses


def _private_refusal(host: str, kind: str, literal: bool) -> FetchRefused:
    """`host` is or points to an address of `kind` (address_refusal's word)."""
    code = "fetch_private_literal" if literal else "fetch_private_resolved"
    return FetchRefused("private-address", code, host=host,
                        kind=reason("fetch_address_" + kind.replace("-", "_")))


# --- HTTP ------------------------------------------------------------------------------------

class _Deadline:
    """One total time budget for a whole fetch."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.refusal()
        return left

    def expired(self) -> bool:
        return time.monotonic() >= self.end

    def refusal(self) -> FetchRefused:
        return FetchRefused("timeout", "fetch_timeout", seconds=self.seconds)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an already-checked address; the host name is only the Host header."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.raw: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.raw = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an already-checked address; the certificate is verified for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address
        self.raw: socket.socket | None = None

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.raw = sock
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


_Connection = _PinnedHTTP | _PinnedHTTPS


@contextmanager
def _watchdog(connection: _Connection, deadline: _Deadline) -> Iterator[None]:
    # Socket timeouts are per read, so a page sent a byte at a time would never trip them:
    # at the deadline, shut the socket down, which wakes up any blocked read.
    def stop() -> None:
        if connection.raw is not None:
            with suppress(OSError):
                connection.raw.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(deadline.remaining(), stop)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        connection.close()


@dataclass(frozen=True)
class _Page:
    url: str
    body: bytes
    charset: str  # from the Content-Type header, "" when not given


def _download(url: str, limits: FetchLimits, deadline: _Deadline, resolver: Resolver,
              allow_private: bool) -> _Page:
    target = _parse_target(url)
    for _ in range(limits.max_redirects + 1):
        address = _checked_address(target, resolver, allow_private)
        deadline.remaining()  # a slow name lookup uses up the same budget
        answer = _get(target, address, limits, deadline)
        if isinstance(answer, _Page):
            return answer
        target = _redirect_target(target, answer)
    raise FetchRefused("redirects", "fetch_redirects", count=limits.max_redirects)


def _redirect_target(current: _Target, location: str) -> _Target:
    following = _parse_target(urljoin(current.url, location))
    if following.host != current.host:
        raise FetchRefused("redirect", "fetch_other_site", host=following.host,
                           url=_shown(following.url))
    return following


def _get(target: _Target, address: str, limits: FetchLimits, deadline: _Deadline) -> _Page | str:
    """One request: the page, or the location it redirects to."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target.host, target.port, address, deadline.remaining())
    try:
        with _watchdog(connection, deadline):
            connection.request("GET", target.path, headers=_request_headers())
            with connection.getresponse() as response:  # closing it frees the socket
                if response.status in REDIRECT_STATUSES:
                    return _location(response)
                _check_response(response)
                body = _read_body(response, limits, deadline)
                return _Page(target.url, body, response.headers.get_content_charset() or "")
    except FetchRefused:
        raise
    except (OSError, http.client.HTTPException, zlib.error) as error:
        if deadline.expired():
            raise deadline.refusal() from None
        raise _connection_refusal(target, error) from None


def _request_headers() -> dict[str, str]:
    return {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Language": "en, fr;q=0.9, *;q=0.5"}


def _status(response: http.client.HTTPResponse) -> str:
    """"404 Not Found", or "404" when the server gave no reason phrase."""
    return f"{response.status} {response.reason}".rstrip()


def _location(response: http.client.HTTPResponse) -> str:
    location = response.getheader("Location")
    if not location:
        raise FetchRefused("http-error", "fetch_no_location", status=_status(response))
    return location


def _check_response(response: http.client.HTTPResponse) -> None:
    if response.status != 200:
        raise FetchRefused("http-error", "fetch_http_error", status=_status(response))
    mime = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if mime not in HTML_TYPES:
        raise FetchRefused("not-html", "fetch_not_html", mime=mime)


def _read_body(response: http.client.HTTPResponse, limits: FetchLimits,
               deadline: _Deadline) -> bytes:
    declared = (response.getheader("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(limits)
    decoder = _decoder(response.getheader("Content-Encoding") or "identity")
    body = bytearray()
    while True:
        deadline.remaining()
        chunk = response.read1(READ_CHUNK)
        if not chunk:
            break
        room = limits.max_bytes + 1 - len(body)
        body += decoder.decompress(chunk, room) if decoder is not None else chunk
        if len(body) > limits.max_bytes:
            raise _too_large(limits)
    if deadline.expired():  # the watchdog cut the stream short
        raise deadline.refusal()
    return bytes(body)


def _decoder(encoding: str) -> Any:
    encoding = encoding.strip().lower()
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchRefused("encoding", "fetch_encoding", encoding=encoding)


def _too_large(limits: FetchLimits) -> FetchRefused:
    return FetchRefused("too-large", "fetch_too_large", size=_size(limits.max_bytes))


def _size(count: int) -> Reason:
    if count >= 1_000_000:
        return reason("fetch_size_mb", megabytes=count / 1_000_000)
    return reason("fetch_size_bytes", count=count)


def _connection_refusal(target: _Target, error: Exception) -> FetchRefused:
    return FetchRefused("connection", "fetch_connection", host=target.host,
                        detail=_connection_detail(error))


def _connection_detail(error: Exception) -> Reason:
    if isinstance(error, ssl.SSLCertVerificationError):
        return reason("fetch_bad_certificate", message=error.verify_message)
    if isinstance(error, ConnectionRefusedError):
        return reason("fetch_connection_refused")
    if isinstance(error, TimeoutError):
        return reason("fetch_no_answer")
    if isinstance(error, zlib.error):
        return reason("fetch_damaged")
    if isinstance(error, http.client.HTTPException):
        return reason("fetch_bad_http")
    return reason("fetch_system_error",
                  error=getattr(error, "strerror", None) or type(error).__name__)


# --- extraction ------------------------------------------------------------------------------

PAYWALL_ATTRIBUTE = re.compile(
    r"paywall|subscriber[-_]?only|premium[-_](?:content|article|wall)|regwall|piano-(?:offer|inline)",
    re.IGNORECASE)
PAYWALL_PHRASES = (
    "subscribe to continue reading", "subscribe to read", "subscribe now to read",
    "to continue reading, subscribe", "already a subscriber", "this article is for subscribers",
    "sign in to continue reading", "log in to continue reading", "subscribers only",
    "réservé aux abonnés", "abonnez-vous pour lire", "pour lire la suite",
    "cet article est réservé",
)
NOT_FREE = re.compile(r"\"isAccessibleForFree\"\s*:\s*\"?false", re.IGNORECASE)
ARTICLE_SCHEMA = re.compile(r"\"@type\"\s*:\s*\"(?:News|Reportage|Analysis)?Article\"")
LISTING_TEASERS = 5
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def extract_article(body: bytes, url: str, limits: FetchLimits, *,
                    charset: str = "") -> FetchedArticle:
    """The article in an HTML page, or `FetchRefused` if the page is not one readable article."""
    text_html = decode_html(body, charset)
    try:
        # lxml refuses text that still declares an encoding (<?xml ... encoding="utf-8"?>)
        tree = lxml_html.fromstring(XML_DECLARATION.sub("", text_html, count=1))
    except (ValueError, lxml_html.etree.ParserError):
        raise FetchRefused("not-article", "fetch_unreadable_html") from None
    document = trafilatura.bare_extraction(text_html, url=url, with_metadata=True,
                                           include_comments=False, favor_precision=True)
    text = _paragraphs(_attr_text(document))
    _check_article(tree, text_html, text, limits)
    published = _published(tree, document)
    return FetchedArticle(
        url=url, canonical_url=_canonical(tree, url), title=_title(tree, document),
        outlet=_meta(tree, "og:site_name") or _attr(document, "sitename"),
        author=_author(tree, document), date=published,
        updated=_updated(tree, published), language=_language(tree),
        text=text, html=text_html)


def decode_html(body: bytes, charset: str = "") -> str:
    """The page as text: the server's charset, else the page's own, else UTF-8, else cp1252."""
    head = body[:4096].decode("ascii", "replace")
    match = re.search(r"charset=[\"']?([\w.:-]+)", head, re.IGNORECASE)
    declared = [charset] if charset else []
    for encoding in [*declared, *([match.group(1)] if match else []), "utf-8"]:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", "replace")


def _paragraphs(text: str) -> str:
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _check_article(tree: Any, page: str, text: str, limits: FetchLimits) -> None:
    words = len(text.split())
    if words < 3 * limits.min_words and _paywalled(tree, page):
        raise FetchRefused("paywall", "fetch_paywall", words=words)
    if _looks_like_listing(tree, page):
        raise FetchRefused("listing", "fetch_listing")
    if words < limits.min_words:
        raise FetchRefused("not-article", "fetch_too_little_text", words=words,
                           needed=limits.min_words)


def _paywalled(tree: Any, page: str) -> bool:
    if NOT_FREE.search(page):
        return True
    attributes = " ".join(tree.xpath("//@class | //@id"))
    if PAYWALL_ATTRIBUTE.search(attributes):
        return True
    visible = " ".join(tree.text_content().lower().split())
    return any(phrase in visible for phrase in PAYWALL_PHRASES)


def _looks_like_listing(tree: Any, page: str) -> bool:
    if _meta(tree, "og:type").lower() == "article" or _meta(tree, "article:published_time"):
        return False
    if ARTICLE_SCHEMA.search(page):
        return False
    linked_headings = [h for h in tree.xpath("//h1 | //h2 | //h3 | //h4") if h.xpath(".//a")]
    return len(tree.xpath("//article")) >= 3 or len(linked_headings) >= LISTING_TEASERS


def _meta(tree: Any, name: str) -> str:
    values = tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]/@content", n=name)
    return " ".join(str(values[0]).split()) if values else ""


def _attr_text(document: Any) -> str:
    return str(getattr(document, "text", None) or "")


def _attr(document: Any, name: str) -> str:
    value = getattr(document, name, None)
    return " ".join(str(value).split()) if value else ""


def _title(tree: Any, document: Any) -> str:
    titles = tree.xpath("//title/text()")
    fallback = " ".join(str(titles[0]).split()) if titles else ""
    return _attr(document, "title") or _meta(tree, "og:title") or fallback


def _author(tree: Any, document: Any) -> str:
    for name in ("author", "article:author", "byl"):
        value = _meta(tree, name)
        if value and not value.startswith(("http://", "https://")):
            return value.removeprefix("By ").removeprefix("by ")
    return _attr(document, "author")


def _iso_day(value: str) -> str:
    match = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    return match.group(0) if match else ""


def _published(tree: Any, document: Any) -> str:
    return _iso_day(_meta(tree, "article:published_time")) or _iso_day(_attr(document, "date"))


def _updated(tree: Any, published: str) -> str:
    declared = _iso_day(_meta(tree, "article:modified_time") or _meta(tree, "og:updated_time"))
    # Always a parsed tree: htmldate downloads a *string* that starts with "http".
    found = declared or _iso_day(str(htmldate.find_date(deepcopy(tree), original_date=False,
                                                        extensive_search=False) or ""))
    return found if found and found > published else ""


def _canonical(tree: Any, url: str) -> str:
    links = tree.xpath("//link[@rel='canonical']/@href")
    for candidate in [*(str(x) for x in links), _meta(tree, "og:url")]:
        absolute = urljoin(url, candidate.strip()) if candidate.strip() else ""
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return url


def _language(tree: Any) -> str:
    root = tree.getroottree().getroot()
    declared = [root.get(name) for name in ("lang", "xml:lang", XML_LANG)]
    candidates = [*(str(x) for x in declared if x), _meta(tree, "og:locale")]
    candidates += [str(x) for x in tree.xpath(
        "//meta[translate(@http-equiv, 'CONTENT-LAGU', 'content-lagu')='content-language']"
        "/@content")]
    for value in candidates:
        primary = re.split(r"[-_,\s]", value.strip().lower())[0]
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return ""


# --- corpus text -----------------------------------------------------------------------------

def to_corpus_text(article: FetchedArticle) -> str:
    """The article as a corpus file: a metadata block, the title, then the paragraphs."""
    values = {"title": article.title, "outlet": article.outlet, "author": article.author,
              "date": article.date, "updated": article.updated,
              "url": article.canonical_url or article.url, "language": article.language}
    lines = ["---"]
    lines += [f"{key}: {' '.join(value.split())}" for key, value in values.items() if value]
    lines += ["---", ""]
    title = " ".join(article.title.split())
    text = article.text.strip()
    if title and text.split("\n", 1)[0].strip() != title:
        lines += [title, ""]
    return "\n".join([*lines, text]) + "\n"


_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))})
MAX_NAME_CHARS = 60


def suggest_filename(article: FetchedArticle) -> str:
    """A safe ASCII file name from the title, e.g. `mali-breaks-off-relations-with-ukraine.txt`."""
    ascii_title = unicodedata.normalize("NFKD", article.title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    name = ""
    for word in words:
        candidate = f"{name}-{word}" if name else word
        if len(candidate) > MAX_NAME_CHARS:
            break
        name = candidate
    if not name and words:
        name = words[0][:MAX_NAME_CHARS]
    if not name:
        name = "article-" + sha256(article.canonical_url.encode()).hexdigest()[:10]
    if name in _WINDOWS_RESERVED:
        name += "-article"
    return f"{name}.txt"
