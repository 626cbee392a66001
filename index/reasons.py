"""Why something was refused, as a code and its values, so that a chat front end can say it
in the reader's language (bot/texts.py holds the words; index/ never imports bot/).

A `Reason` is a catalogue id (`code`) and the values of its {fields}; a field may itself be
a `Reason` (a kind of address, a size in bytes or MB), said in the same language. The
English of the codes raised in index/ lives here, once: `FetchRefused` messages (shown as is
on the command line and in logs) are `english()`, and bot/texts.py's catalogue takes these
templates as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Reason:
    """A catalogue id and the values of its {fields} (numbers as numbers)."""

    code: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def english(self) -> str:
        """The reason in English, from the templates of index/ (ENGLISH)."""
        values = {name: value.english() if isinstance(value, Reason) else value
                  for name, value in self.fields.items()}
        return ENGLISH[self.code].format(**values)


def reason(code: str, /, **fields: object) -> Reason:
    return Reason(code, MappingProxyType(dict(fields)))


_PUBLIC_ONLY = "only public web sites can be fetched (fetch.allow_private is off)"

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
})
