"""Add by URL (#13): fetching one article, every refusal, and its corpus text.

A real HTTP server on 127.0.0.1 serves the pages in tests/pages/ (written for these tests) and
a few misbehaving responses. Loopback is allowed explicitly where a test needs the server;
host names go through a fake resolver, so nothing here reaches the internet.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.config import ConfigError, FetchConfig, parse_config
from index.fetch import (
    FetchedArticle,
    FetchLimits,
    FetchRefused,
    address_refusal,
    extract_article,
    fetch_article,
    suggest_filename,
    system_resolver,
    to_corpus_text,
)
from index.metablock import parse_metadata_block

PAGES = Path(__file__).resolve().parent / "pages"
LIMITS = FetchLimits(timeout=5.0)
SHORT_PAGE = (b"<html><head><title>Contact</title></head><body><h1>Contact us</h1>"
              b"<p>Write to the desk at the address below. We read every message.</p>"
              b"</body></html>")

ARTICLE_PARAGRAPHS = "".join(
    f"<p>Paragraph {n}: the council in Gao met traders and drivers on Monday to agree new "
    "market hours, and said the checkpoint on the Bourem road would close at dusk.</p>"
    for n in range(1, 6))
XHTML_PAGE = ('<?xml version="1.0" encoding="utf-8"?>\n'
              '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr"><head>'
              "<title>Le conseil de Gao fixe les heures du marché</title></head><body>"
              f"<article><h1>Le conseil de Gao fixe les heures du marché</h1>{ARTICLE_PARAGRAPHS}"
              "</article></body></html>").encode()
LATIN9_PAGE = ("<html><head><title>Prices in Gao</title></head><body><article>"
               "<h1>Prices in Gao</h1><p>A sack of rice costs 20 € more than in June.</p>"
               f"{ARTICLE_PARAGRAPHS}</article></body></html>").encode("iso-8859-15")


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, str]] = []  # (path, Host header)
        self.huge_sent = 0
        self.huge_done = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    server: Site

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("Host", "")))
        pages = {"/article": "article.html", "/listing": "listing.html",
                 "/paywall": "paywall.html"}
        if self.path in pages:
            self._send(200, "text/html; charset=utf-8", (PAGES / pages[self.path]).read_bytes())
            return
        route = {
            "/report.pdf": lambda: self._send(200, "application/pdf",
                                              (PAGES / "report.pdf").read_bytes()),
            "/data.json": lambda: self._send(200, "application/json", b'{"a": 1}'),
            "/short": lambda: self._send(200, "text/html", SHORT_PAGE),
            "/gzip-article": self._gzip_article,
            "/gzip-damaged": lambda: self._send(200, "text/html", b"\x1f\x8bnot gzip",
                                                encoding="gzip"),
            "/xhtml": lambda: self._send(200, "application/xhtml+xml", XHTML_PAGE),
            "/latin9": lambda: self._send(200, "text/html; charset=iso-8859-15",
                                          LATIN9_PAGE),
            "/huge": self._huge,
            "/huge-declared": self._huge_declared,
            "/drip": self._drip_body,
            "/drip-headers": self._drip_headers,
            "/redirect-same": lambda: self._redirect(301, "/article"),
            "/redirect-away": lambda: self._redirect(302, "http://elsewhere.example/article"),
            "/redirect-ftp": lambda: self._redirect(302, "ftp://127.0.0.1/article"),
            "/redirect-loop": lambda: self._redirect(302, "/redirect-loop"),
            "/broken": lambda: self._send(500, "text/html", b"<p>oops</p>"),
        }.get(self.path, lambda: self._send(404, "text/html", b"<p>not here</p>"))
        route()

    def _send(self, status: int, content_type: str, body: bytes,
              encoding: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        self.wfile.write(body)

    def _gzip_article(self) -> None:
        body = gzip.compress((PAGES / "article.html").read_bytes())
        self._send(200, "text/html; charset=utf-8", body, encoding="gzip")

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()  # no length: the body runs until the connection closes
        chunk = b"<p>" + b"word " * 13_000 + b"</p>\n"
        try:
            while self.server.huge_sent < 500_000_000:
                self.wfile.write(chunk)
                self.server.huge_sent += len(chunk)
        except OSError:
            pass
        finally:
            self.server.huge_done.set()

    def _huge_declared(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(50_000_000))
        self.end_headers()
        self.wfile.write(b"<html>")

    def _drip_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self._drip(b"<html><body>" + b"<p>slow</p>" * 20)

    def _drip_headers(self) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
        self._drip(b"X-Slow: " + b"a" * 200 + b"\r\n")

    def _drip(self, data: bytes) -> None:
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.02)
        except OSError:
            pass


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


TLS = PAGES / "tls"  # a test CA and a certificate for news.example it signed (valid to 2126)


@pytest.fixture
def tls_site(site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    """The same site over HTTPS, trusted through SSL_CERT_FILE as a public site would be."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "news.example.pem", TLS / "news.example.key")
    site.socket = context.wrap_socket(site.socket, server_side=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "ca.pem"))
    return site


class FakeDNS:
    """A resolver answering from a table, counting its calls per name."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.table[host]


def no_dns(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"{host} should not have been resolved")


def refusal(url: str, limits: FetchLimits = LIMITS, **options: object) -> FetchRefused:
    with pytest.raises(FetchRefused) as caught:
        fetch_article(url, limits, **options)  # type: ignore[arg-type]
    return caught.value


# --- a news article --------------------------------------------------------------------------

def test_news_article_is_extracted_with_its_citation_metadata(site: Site) -> None:
    article = fetch_article(site.url("/article"), LIMITS, allow_private=True)
    assert article.title == "Aid convoy reaches Kidal after a week on the road"
    assert article.outlet == "Sahel Ledger"
    assert article.author == "Mariam Keïta"
    assert (article.date, article.updated) == ("2024-08-05", "2024-08-06")
    assert article.canonical_url == "https://news.example.org/2024/08/05/aid-convoy-kidal"
    assert article.url == site.url("/article")
    assert article.language == "en"
    assert "BAMAKO — A convoy of forty lorries" in article.text
    assert "shortened for the next convoy." in article.text
    for boilerplate in ("Opinion", "Gao market reopens", "Subscribe to our newsletter"):
        assert boilerplate not in article.text
    assert "\n\nThe trucks were held" in article.text  # paragraphs kept apart
    assert article.html == (PAGES / "article.html").read_text(encoding="utf-8")


def test_a_gzip_compressed_page_is_read(site: Site) -> None:
    article = fetch_article(site.url("/gzip-article"), LIMITS, allow_private=True)
    assert article.outlet == "Sahel Ledger"
    assert "BAMAKO" in article.text


def test_an_xhtml_page_with_an_xml_declaration_is_read(site: Site) -> None:
    article = fetch_article(site.url("/xhtml"), LIMITS, allow_private=True)
    assert article.title == "Le conseil de Gao fixe les heures du marché"
    assert article.language == "fr"
    assert "Paragraph 5: the council in Gao" in article.text


def test_the_charset_the_server_declares_is_used(site: Site) -> None:
    article = fetch_article(site.url("/latin9"), LIMITS, allow_private=True)
    assert "costs 20 € more" in article.text


def test_damaged_compressed_data_is_refused_with_the_reason(site: Site) -> None:
    error = refusal(site.url("/gzip-damaged"), allow_private=True)
    assert str(error) == ("could not fetch the page from 127.0.0.1: its compressed data is "
                          "damaged")


def test_a_page_that_starts_with_an_address_does_not_make_the_extractor_fetch_it(
        site: Site) -> None:
    # htmldate downloads any text that starts with "http" and has no spaces; a hostile page
    # could use that to reach an address the fetcher refuses.
    sentence = "\n".join("The convoy reached Kidal on Sunday after a week.".split())
    paragraphs = "".join(f"<p>{sentence}\n{n}</p>\n" for n in range(12))
    page = (f"{site.url('/secret')}\n<html>\n<head><title>Convoy</title></head><body>"
            f"<article><h1>Convoy</h1>\n{paragraphs}</article></body></html>")
    article = extract_article(page.encode(), "https://news.example/a", LIMITS)
    assert article.word_count > LIMITS.min_words
    assert site.requests == []


def test_a_host_name_is_connected_at_the_address_that_was_checked(site: Site) -> None:
    dns = FakeDNS({"news.example": ["127.0.0.1"]})
    article = fetch_article(site.url("/article", host="news.example"), LIMITS,
                            resolver=dns, allow_private=True)
    assert article.outlet == "Sahel Ledger"
    assert dns.calls == ["news.example"]
    assert site.requests == [("/article", f"news.example:{site.port}")]


def test_https_connects_to_the_checked_address_and_verifies_the_host_name(
        tls_site: Site) -> None:
    dns = FakeDNS({"news.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    url = f"https://news.example:{tls_site.port}/article"
    article = fetch_article(url, LIMITS, resolver=dns, allow_private=True)
    assert article.outlet == "Sahel Ledger"
    assert tls_site.requests == [("/article", f"news.example:{tls_site.port}")]
    error = refusal(f"https://other.example:{tls_site.port}/article", resolver=dns,
                    allow_private=True)
    assert str(error).startswith("could not fetch the page from other.example: its HTTPS "
                                 "certificate is not valid (")
    assert len(tls_site.requests) == 1


def test_dns_rebinding_cannot_change_the_address_after_the_check(site: Site) -> None:
    answers = iter([["127.0.0.1"]])

    def rebinding(host: str, port: int) -> Sequence[str]:
        return next(answers, ["10.255.255.1"])  # a second lookup would get another address

    article = fetch_article(site.url("/article", host="news.example"),
                            FetchLimits(timeout=2.0), resolver=rebinding, allow_private=True)
    assert article.title.startswith("Aid convoy")
    assert site.requests == [("/article", f"news.example:{site.port}")]


# --- addresses -------------------------------------------------------------------------------

@pytest.mark.parametrize(("host", "reason"), [
    ("127.0.0.1", "loopback"),
    ("127.1", "loopback"),
    ("2130706433", "loopback"),
    ("0x7f.0.0.1", "loopback"),
    ("0177.0.0.1", "loopback"),
    ("0x7f000001", "loopback"),
    ("[::1]", "loopback"),
    ("[::ffff:127.0.0.1]", "loopback"),
    ("[::ffff:7f00:1]", "loopback"),
    ("[2002:7f00:1::1]", "loopback"),
    ("10.0.0.5", "private"),
    ("172.16.3.4", "private"),
    ("192.168.1.1", "private"),
    ("0300.0250.1.1", "private"),
    ("[fc00::1]", "private"),
    ("[::ffff:10.1.2.3]", "private"),
    ("169.254.169.254", "link-local"),
    ("[fe80::1]", "link-local"),
    ("224.0.0.1", "multicast"),
    ("[ff02::1]", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("[::]", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("100.64.0.1", "non-public"),
    ("[64:ff9b::a00:1]", "private"),
    ("[64:ff9b::7f00:1]", "loopback"),
])
def test_private_and_local_addresses_are_refused(host: str, reason: str) -> None:
    error = refusal(f"http://{host}/article", resolver=no_dns)
    assert error.kind == "private-address"
    shown = host.strip("[]")
    assert str(error) == (f"{shown} is a {reason} address; only public web sites can be "
                          "fetched (fetch.allow_private is off)")


@pytest.mark.parametrize(("name", "addresses", "reason"), [
    ("localhost", ["127.0.0.1", "::1"], "loopback"),
    ("intranet.example", ["10.1.2.3"], "private"),
    ("metadata.example", ["169.254.169.254"], "link-local"),
    ("mixed.example", ["93.184.216.34", "192.168.0.10"], "private"),
    ("v6.example", ["fd12:3456::7"], "private"),
])
def test_names_that_resolve_to_private_addresses_are_refused(
        name: str, addresses: list[str], reason: str) -> None:
    dns = FakeDNS({name: addresses})
    error = refusal(f"https://{name}/news", resolver=dns)
    assert error.kind == "private-address"
    assert str(error) == (f"{name} points to a {reason} address; only public web sites can be "
                          "fetched (fetch.allow_private is off)")
    assert dns.calls == [name]


def test_the_local_server_is_not_contacted_without_allow_private(site: Site) -> None:
    error = refusal(site.url("/article"))
    assert str(error).startswith("127.0.0.1 is a loopback address")
    assert site.requests == []


def test_the_system_resolver_is_the_default_and_its_answer_is_checked(site: Site) -> None:
    assert {"127.0.0.1", "::1"} & set(system_resolver("localhost", site.port))
    error = refusal(site.url("/article", host="localhost"))
    assert str(error) == ("localhost points to a loopback address; only public web sites can "
                          "be fetched (fetch.allow_private is off)")
    assert site.requests == []


@pytest.mark.parametrize("text", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111",
                                  "::ffff:93.184.216.34", "64:ff9b::808:808"])
def test_public_addresses_pass_the_check(text: str) -> None:
    assert address_refusal(ipaddress.ip_address(text)) is None


def test_an_unknown_host_name_is_refused() -> None:
    error = refusal("https://nowhere.example/a", resolver=FakeDNS({}))
    assert (error.kind, str(error)) == ("dns", "the host name nowhere.example could not be found")


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://news.example/a.html", "only http:// and https:// addresses can be fetched, not ftp:"),
    ("file:///etc/passwd", "only http:// and https:// addresses can be fetched, not file:"),
    ("javascript:alert(1)",
     "only http:// and https:// addresses can be fetched, not javascript:"),
    ("news.example/article", "only http:// and https:// addresses can be fetched, not an "
                             "address without http:// or https://"),
    ("http://", "the address has no host name"),
    ("http://999.1.1.1/", "999.1.1.1 is not a valid IPv4 address"),
    ("http://1.2.3.4.5/", "1.2.3.4.5 is not a valid IPv4 address"),
    ("http://09.1.1.1/", "09.1.1.1 is not a valid IPv4 address"),
    ("http://[::1/", "http://[::1/ is not a valid web address"),
    ("http://editor:hunter2@[::1/", "http://…@[::1/ is not a valid web address"),
    ("http://news.example:99999/", "http://news.example:99999/ is not a valid web address"),
    ("http://exa mple.org/", "the address is empty or contains spaces or control characters"),
    ("", "the address is empty or contains spaces or control characters"),
])
def test_addresses_that_are_not_web_pages_are_refused(url: str, message: str) -> None:
    assert str(refusal(url, resolver=no_dns)) == message


def test_credentials_in_the_address_are_refused_without_repeating_them() -> None:
    error = refusal("https://editor:hunter2@news.example/a", resolver=no_dns)
    assert error.kind == "credentials"
    assert str(error) == ("addresses with a user name or password are not fetched; remove the "
                          "part before '@'")


# --- redirects -------------------------------------------------------------------------------

def test_a_same_host_redirect_is_followed_and_checked_again(site: Site) -> None:
    dns = FakeDNS({"news.example": ["127.0.0.1"]})
    article = fetch_article(site.url("/redirect-same", host="news.example"), LIMITS,
                            resolver=dns, allow_private=True)
    assert article.url == site.url("/article", host="news.example")
    assert dns.calls == ["news.example", "news.example"]
    assert [path for path, _ in site.requests] == ["/redirect-same", "/article"]


def test_a_redirect_to_another_host_is_refused(site: Site) -> None:
    dns = FakeDNS({"news.example": ["127.0.0.1"]})
    error = refusal(site.url("/redirect-away", host="news.example"), resolver=dns,
                    allow_private=True)
    assert error.kind == "redirect"
    assert str(error) == ("the page redirects to another site (elsewhere.example): "
                          "http://elsewhere.example/article; add that address instead if it "
                          "is the article")
    assert dns.calls == ["news.example"]


def test_a_redirect_to_another_scheme_is_refused(site: Site) -> None:
    error = refusal(site.url("/redirect-ftp"), allow_private=True)
    assert str(error) == "only http:// and https:// addresses can be fetched, not ftp:"


def test_redirects_stop_at_the_limit(site: Site) -> None:
    error = refusal(site.url("/redirect-loop"), FetchLimits(timeout=5.0, max_redirects=2),
                    allow_private=True)
    assert str(error) == "the page redirects more than 2 times (fetch.max_redirects)"
    assert len(site.requests) == 3


# --- responses -------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "mime"), [("/report.pdf", "application/pdf"),
                                            ("/data.json", "application/json")])
def test_content_that_is_not_html_is_refused(site: Site, path: str, mime: str) -> None:
    error = refusal(site.url(path), allow_private=True)
    assert error.kind == "not-html"
    assert str(error) == (f"the address serves {mime}, not a web page; only HTML articles "
                          "can be fetched")


@pytest.mark.parametrize(("path", "message"), [("/missing", "the server answered 404 Not Found"),
                                               ("/broken",
                                                "the server answered 500 Internal Server Error")])
def test_http_errors_are_refused(site: Site, path: str, message: str) -> None:
    error = refusal(site.url(path), allow_private=True)
    assert (error.kind, str(error)) == ("http-error", message)


def test_a_huge_response_is_cut_off_at_max_bytes(site: Site) -> None:
    error = refusal(site.url("/huge"), FetchLimits(max_bytes=300_000, timeout=10.0),
                    allow_private=True)
    assert str(error) == ("the page is larger than 300,000 bytes (fetch.max_bytes); it was not "
                          "downloaded")
    assert site.huge_done.wait(10)
    assert site.huge_sent < 30_000_000  # the server stopped at a broken pipe, far from 500 MB


def test_a_declared_oversize_body_is_refused_before_reading(site: Site) -> None:
    error = refusal(site.url("/huge-declared"), allow_private=True)
    assert str(error) == ("the page is larger than 5 MB (fetch.max_bytes); it was not "
                          "downloaded")


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_slow_drip_hits_the_total_deadline(site: Site, path: str) -> None:
    started = time.monotonic()
    error = refusal(site.url(path), FetchLimits(timeout=0.3), allow_private=True)
    assert time.monotonic() - started < 2.0  # each byte came in time; the total did not
    assert (error.kind, str(error)) == ("timeout", "the site took longer than 0.3 s to send the "
                                        "page (fetch.timeout_seconds)")


def test_a_closed_port_is_refused_with_the_reason() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = refusal(f"http://127.0.0.1:{port}/", allow_private=True)
    assert str(error) == "could not fetch the page from 127.0.0.1: the connection was refused"


# --- is it an article? -----------------------------------------------------------------------

def test_a_listing_page_is_refused(site: Site) -> None:
    error = refusal(site.url("/listing"), allow_private=True)
    assert error.kind == "listing"
    assert str(error) == ("the page is a list of articles (a section or index page), not one "
                          "article; add the address of the article itself")


def test_a_paywall_stub_is_refused(site: Site) -> None:
    error = refusal(site.url("/paywall"), allow_private=True)
    assert error.kind == "paywall"
    assert str(error).startswith("the article is behind a paywall: only a short teaser (")
    assert str(error).endswith(" words) can be read without a subscription")


def test_a_page_with_too_little_text_is_refused(site: Site) -> None:
    error = refusal(site.url("/short"), allow_private=True)
    assert error.kind == "not-article"
    assert str(error).startswith("the page has too little article text (")
    assert str(error).endswith("words, at least 80 needed); it does not look like an article")


# --- corpus text -----------------------------------------------------------------------------

def make_article(**fields: str) -> FetchedArticle:
    values = {"url": "https://news.example.org/a?id=1", "canonical_url":
              "https://news.example.org/a", "title": "Mali breaks off relations with Ukraine",
              "outlet": "Sahel Ledger", "author": "", "date": "2024-08-05", "updated": "",
              "language": "en", "text": "First paragraph.\n\nSecond paragraph.", "html": ""}
    values.update(fields)
    return FetchedArticle(**values)


def test_corpus_text_has_a_metadata_block_then_the_title_and_text() -> None:
    text = to_corpus_text(make_article())
    assert text == ("---\n"
                    "title: Mali breaks off relations with Ukraine\n"
                    "outlet: Sahel Ledger\n"
                    "date: 2024-08-05\n"
                    "url: https://news.example.org/a\n"
                    "language: en\n"
                    "---\n\n"
                    "Mali breaks off relations with Ukraine\n\n"
                    "First paragraph.\n\nSecond paragraph.\n")


def test_corpus_text_of_a_fetched_page_round_trips(site: Site) -> None:
    article = fetch_article(site.url("/article"), LIMITS, allow_private=True)
    metadata, body = parse_metadata_block(to_corpus_text(article))
    assert metadata == {"title": article.title, "outlet": "Sahel Ledger",
                        "author": "Mariam Keïta", "date": "2024-08-05", "updated": "2024-08-06",
                        "url": article.canonical_url, "language": "en"}
    assert body.startswith("Aid convoy reaches Kidal after a week on the road\n\nBAMAKO")
    assert body.count("Aid convoy reaches Kidal") == 1


def test_a_metadata_block_is_optional_and_tolerant() -> None:
    plain = "Mali breaks off relations\n\nBAMAKO — text.\n"
    assert parse_metadata_block(plain) == ({}, plain)
    unclosed = "---\ntitle: x\nno end\n"
    assert parse_metadata_block(unclosed) == ({}, unclosed)
    rule_only = "---\nA paragraph between rules\n---\nMore.\n"
    assert parse_metadata_block(rule_only) == ({}, rule_only)
    text = ("\ufeff\n---\nTitle:  Talks resume \nsection: Africa\nurl: https://x.example/a:b\n"
            "author:\nnot a key line\n---\n\nBody.\n")
    assert parse_metadata_block(text) == (
        {"title": "Talks resume", "url": "https://x.example/a:b"}, "Body.\n")


@pytest.mark.parametrize(("title", "name"), [
    ("Mali breaks off relations with Ukraine", "mali-breaks-off-relations-with-ukraine.txt"),
    ("Goïta: « L'État » ../../etc/passwd", "goita-l-etat-etc-passwd.txt"),
    ("CON", "con-article.txt"),
    ("A" * 100, "a" * 60 + ".txt"),
    ("Kidal " * 30, "-".join(["kidal"] * 10) + ".txt"),
])
def test_suggested_file_names_are_safe_ascii(title: str, name: str) -> None:
    assert suggest_filename(make_article(title=title)) == name


def test_a_title_without_letters_gets_a_name_from_the_address() -> None:
    name = suggest_filename(make_article(title="« — »"))
    assert name.startswith("article-") and name.endswith(".txt") and name.isascii()
    assert name != suggest_filename(make_article(title="« — »", canonical_url="https://b.example/"))


# --- configuration ---------------------------------------------------------------------------

def test_fetch_config_defaults_match_the_fetch_limits() -> None:
    config = parse_config({})
    assert config.fetch == FetchConfig()
    assert config.fetch.allow_private is False
    assert config.fetch.limits() == FetchLimits()


def test_fetch_config_values_become_limits() -> None:
    raw = {"fetch": {"max_bytes": 1000, "timeout_seconds": 2, "max_redirects": 0,
                     "min_words": 40, "allow_private": True}}
    fetch = parse_config(raw).fetch
    assert fetch.allow_private is True
    assert fetch.limits() == FetchLimits(max_bytes=1000, timeout=2.0, max_redirects=0,
                                         min_words=40)


@pytest.mark.parametrize(("raw", "key"), [
    ({"max_bytes": 0}, "fetch.max_bytes"),
    ({"max_bytes": "5MB"}, "fetch.max_bytes"),
    ({"timeout_seconds": 0}, "fetch.timeout_seconds"),
    ({"timeout_seconds": float("inf")}, "fetch.timeout_seconds"),
    ({"max_redirects": -1}, "fetch.max_redirects"),
    ({"min_words": 0}, "fetch.min_words"),
    ({"allow_private": "no"}, "fetch.allow_private"),
    ({"proxy": "x"}, "fetch.proxy"),
])
def test_bad_fetch_settings_name_their_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"fetch": raw})
    assert str(error.value).startswith(key)
