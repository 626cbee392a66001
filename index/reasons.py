"""Why something was refused, as a code and its values, so that a chat front end can say it
in the reader's language (bot/texts.py holds the words; index/ never imports bot/).

A `Reason` is a catalogue id (`code`) and the values of its {fields}; a field may itself be
a `Reason` (a kind of address, a size in bytes or MB), said in the same language. The
English of the codes raised in index/ lives here, once: the messages of `FetchRefused`
(index/fetch.py) and of `Refused` (`SkippedFile`, `CitationRefused`, `AliasLineRefused`),
shown as they are on the command line and in logs, are `english()`, and bot/texts.py's
catalogue takes these templates as they are; bot/texts_fr.py says them in French.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Reason:
    """A catalogue id and the values of its {fields} (numbers as numbers); plain data, so
    it crosses to and from worker processes."""

    code: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def english(self) -> str:
        """The reason in English, from the templates of index/ (ENGLISH)."""
        values = {name: value.english() if isinstance(value, Reason) else value
                  for name, value in self.fields.items()}
        return ENGLISH[self.code].format(**values)


def reason(code: str, /, **fields: object) -> Reason:
    """The reason `code` with these values."""
    return Reason(code, dict(fields))


class Refused(Exception):
    """A refusal raised in index/: its message is the English of `reason`."""

    def __init__(self, code: str, /, **fields: object) -> None:
        self.reason = reason(code, **fields)
        super().__init__(self.reason.english())

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled (from a worker process) by code and values, not by its English message
        return (_refused, (type(self), self.reason.code, dict(self.reason.fields)))


def _refused(kind: type[Refused], code: str, fields: dict[str, object]) -> Refused:
    return kind(code, **fields)


_PUBLIC_ONLY = "only public web sites can be fetched (fetch.allow_private is off)"
_SAVE_AS_UTF8 = "save it as UTF-8"

ENGLISH: Mapping[str, str] = MappingProxyType({
    # the address
    "fetch_blank_url": "the address is empty or contains spaces or control characters",
    "fetch_invalid_url": "{url} is not a valid web address",
    "fetch_scheme": "only http:// and https:// addresses can be fetched, not {scheme}",
    "fetch_no_scheme": "an address without http:// or https://",
    "fetch_credentials": "addresses with a user name or password are not fetched; remove the "
                         "part before '@'",
    "fetch_no_host": "the address has no host name",
    "fetch_invalid_host": "{host} is not a valid host name",
    "fetch_ipv6_zone": "IPv6 addresses with a zone (%…) are not fetched",
    "fetch_invalid_ipv6": "{host} is not a valid IPv6 address",
    "fetch_invalid_ipv4": "{host} is not a valid IPv4 address",
    "fetch_private_literal": "{host} is a {kind} address; " + _PUBLIC_ONLY,
    "fetch_private_resolved": "{host} points to a {kind} address; " + _PUBLIC_ONLY,
    "fetch_address_loopback": "loopback",
    "fetch_address_link_local": "link-local",
    "fetch_address_multicast": "multicast",
    "fetch_address_unspecified": "unspecified",
    "fetch_address_reserved": "reserved",
    "fetch_address_private": "private",
    "fetch_address_non_public": "non-public",
    "fetch_dns": "the host name {host} could not be found",
    # the exchange
    "fetch_timeout": "the site took longer than {seconds:g} s to send the page "
                     "(fetch.timeout_seconds)",
    "fetch_redirects": "the page redirects more than {count} times (fetch.max_redirects)",
    "fetch_other_site": "the page redirects to another site ({host}): {url}; add that "
                        "address instead if it is the article",
    "fetch_no_location": "the server answered {status} without saying where to",
    "fetch_http_error": "the server answered {status}",
    "fetch_not_html": "the address serves {mime}, not a web page; only HTML articles can be "
                      "fetched",
    "fetch_encoding": "the site sent the page compressed as {encoding}, which the fetcher "
                      "does not read",
    "fetch_too_large": "the page is larger than {size} (fetch.max_bytes); it was not "
                       "downloaded",
    "fetch_size_mb": "{megabytes:g} MB",
    "fetch_size_bytes": "{count:,} bytes",
    "fetch_connection": "could not fetch the page from {host}: {detail}",
    "fetch_bad_certificate": "its HTTPS certificate is not valid ({message})",
    "fetch_connection_refused": "the connection was refused",
    "fetch_no_answer": "it did not answer in time",
    "fetch_damaged": "its compressed data is damaged",
    "fetch_bad_http": "it did not answer with valid HTTP",
    "fetch_system_error": "{error}",
    # the page
    "fetch_unreadable_html": "the page is empty or not readable HTML",
    "fetch_paywall": "the article is behind a paywall: only a short teaser ({words} words) "
                     "can be read without a subscription",
    "fetch_listing": "the page is a list of articles (a section or index page), not one "
                     "article; add the address of the article itself",
    "fetch_too_little_text": "the page has too little article text ({words} words, at least "
                             "{needed} needed); it does not look like an article",
    # a document that cannot be read (index/ingest.py SkippedFile)
    "file_empty": "{file}: empty file",
    "file_utf16_no_bom": "{file}: looks like UTF-16 text without a byte-order mark; "
                         + _SAVE_AS_UTF8,
    "file_binary_nul": "{file}: binary file (NUL bytes), not a text document",
    "file_binary_control": "{file}: binary file (control characters), not a text document",
    "file_damaged_text": "{file}: damaged {encoding} text; " + _SAVE_AS_UTF8,
    "file_not_text": "{file}: neither UTF-8 nor Windows-1252 text",
    "file_over_limit": "{file}: {size} bytes is over the {limit}-byte limit",
    "file_unreadable": "{file}: cannot be read ({error})",
    "file_outside_link": "{file}: a link that leads outside the corpus folder, not indexed",
    "file_no_article": "{file}: no article text found after cleaning",
    "file_all_removed": "{file}: every article of it was removed",
    "file_duplicate": "{file} duplicates {first} (same text after cleaning), not indexed",
    "file_note": "{note}",  # a note about a sidecar or metadata block, in English only
    # a citation change that cannot be saved (index/citation.py CitationRefused)
    "sidecar_link": "{file} is a link; edit the file it points to",
    "sidecar_unreadable": "{problem}; fix {file} by hand first",
    "cite_no_document": "{file}: no such document",
    "cite_bad_key": "unknown key {key}; known: {keys}",
    "cite_too_long": "{key}: over {limit} characters",
    "cite_bad_date": "{key}: {value} is not a date (YYYY-MM-DD)",
    "cite_bad_url": "url: {value} does not start with http:// or https://",
    "cite_bad_language": "language: {value} is not a language code such as en or fr",
    # an /alias line that cannot be read (index/lexicon.py AliasLineRefused)
    "alias_syntax": "Write it as NEW NAME = KNOWN NAME, for example \"GSIM = JNIM\".",
    "alias_no_name": "Both sides need a name with a letter or digit. Write it as NEW NAME = "
                     "KNOWN NAME, for example \"GSIM = JNIM\".",
    "alias_too_long": "A name can have at most {limit} characters.",
    "alias_same_names": "The two names are the same.",
})
