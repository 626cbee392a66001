"""Who said it, and when: a document's citation metadata and where each part came from.

Trust, highest first: the `---` metadata block at the top of the file (index.fetch's
format), then an operator's sidecar file `NAME.cite.yaml` beside it (same keys), then what
the document says about itself (datelines, bylines, wire-service datelines, HTML <meta> and
<time>, a wiki article's structure). What none of them says stays None: never guessed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import yaml

from index.analyze import STOPWORDS, fold
from index.dates import parse_day
from index.lexicon import french_stopwords
from index.metablock import METADATA_KEYS, parse_metadata_block
from index.reasons import Refused

__all__ = [
    "NO_CITATION",
    "SIDECAR_SUFFIX",
    "Citation",
    "CitationRefused",
    "Cited",
    "PageMetadata",
    "date_warnings",
    "detect_language",
    "from_html",
    "from_metadata",
    "from_text",
    "html_metadata",
    "parse_metadata_block",
    "read_sidecar",
    "remove_article",
    "removed_articles",
    "restore_sidecar",
    "sidecar_path",
    "wiki_citation",
    "write_sidecar",
]

SIDECAR_SUFFIX = ".cite.yaml"
REMOVED_ARTICLES = "removed_articles"  # sidecar key: articles of the file not indexed (#13)
MAX_SIDECAR_BYTES = 16_384
BLOCK, SIDECAR, DOCUMENT = "metadata block", "sidecar", "document"
_HEAD_LINES = 12  # datelines and bylines sit at the top of an article


@dataclass(frozen=True, slots=True)
class Cited:
    """One piece of citation metadata, where it came from and the text it was read from."""

    value: str
    source: str    # BLOCK, SIDECAR or DOCUMENT
    evidence: str  # e.g. "Updated 05 August 2024", "<meta property=og:site_name>"


@dataclass(frozen=True, slots=True)
class Citation:
    """How a document is cited; a None field is unknown. Dates are ISO `YYYY-MM-DD`."""

    title: Cited | None = None
    outlet: Cited | None = None
    published: Cited | None = None
    updated: Cited | None = None
    author: Cited | None = None
    url: Cited | None = None
    language: Cited | None = None

    def merged(self, lower: Citation) -> Citation:
        """This citation, its unknowns filled from a less trusted one."""
        return Citation(**{f.name: getattr(self, f.name) or getattr(lower, f.name)
                           for f in fields(self)})

    def value(self, name: str) -> str | None:
        cited: Cited | None = getattr(self, name)
        return cited.value if cited else None

    def provenance(self) -> dict[str, dict[str, str]]:
        """Field -> {"source", "evidence"} for every known field (stored as JSON)."""
        return {f.name: {"source": c.source, "evidence": c.evidence}
                for f in fields(self) if (c := getattr(self, f.name)) is not None}

    @property
    def date(self) -> str | None:
        """The date to show: publication, else last update."""
        return self.value("published") or self.value("updated")


NO_CITATION = Citation()  # everything unknown


# --- block and sidecar -------------------------------------------------------------------

def from_metadata(values: Mapping[str, str], source: str) -> Citation:
    """A block's or sidecar's `key: value`s -> Citation; a date that is not one day is
    dropped (the caller reports it), a language is lower-cased."""
    found: dict[str, Cited] = {}
    for key, raw in values.items():
        text = " ".join(str(raw).split())
        if not text or key not in METADATA_KEYS:
            continue
        value: str | None = text
        if key in ("date", "updated"):
            day = parse_day(text)
            value = day.isoformat() if day else None
        elif key == "language":
            value = text.lower()
        if value:
            found["published" if key == "date" else key] = Cited(value, source,
                                                                  f"{key}: {text}")
    return Citation(**found)


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.name + SIDECAR_SUFFIX)


def read_sidecar(document: Path) -> tuple[dict[str, str], list[str]]:
    """The operator's sidecar of a document (missing: empty) and one warning per problem;
    a damaged sidecar never stops the document from being indexed."""
    path = sidecar_path(document)
    if not path.is_file():
        return {}, []
    name = path.name
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            return {}, [f"{name}: over {MAX_SIDECAR_BYTES} bytes, ignored"]
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return {}, [f"{name}: not readable as YAML ({type(exc).__name__}), ignored"]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [f"{name}: expected `key: value` lines, ignored"]
    nested = [str(k) for k, v in data.items() if isinstance(v, (list, dict))]
    values = {str(k).lower(): _scalar(v) for k, v in data.items()
              if v is not None and str(k) not in nested}
    warnings = [f"{name}: {k}: expected one value, not a list or mapping; ignored"
                for k in nested]
    known = (*METADATA_KEYS, REMOVED_ARTICLES)
    warnings += [f"{name}: unknown key {k!r} ignored (known: {', '.join(METADATA_KEYS)})"
                 for k in values if k not in known]
    return {k: v for k, v in values.items() if k in known}, [
        *warnings, *date_warnings(values, name)]


def removed_articles(values: Mapping[str, str]) -> frozenset[int]:
    """The article numbers (2 for `FILE#2`) a sidecar's `removed_articles: 2, 3` drops."""
    parts = re.split(r"[,\s]+", values.get(REMOVED_ARTICLES, ""))
    return frozenset(int(p) for p in parts if p.isdecimal() and int(p) > 0)


def remove_article(document: Path, part: int) -> str | None:
    """Record in the document's sidecar that article `part` of it is not indexed (the file
    itself is not touched). Returns the sidecar's previous text (None: there was none), for
    `restore_sidecar` if what follows fails; `CitationRefused` if the sidecar is unreadable."""
    path = sidecar_path(document)
    if path.is_symlink():
        raise CitationRefused("sidecar_link", file=path.name)
    current, problems = read_sidecar(document)
    if problems:
        raise CitationRefused("sidecar_unreadable", problem=problems[0], file=path.name)
    previous = path.read_text("utf-8") if path.is_file() else None
    parts = sorted(removed_articles(current) | {part})
    values = {**current, REMOVED_ARTICLES: ", ".join(str(p) for p in parts)}
    _replace_file(path, _sidecar_text(document.name, values))
    return previous


def restore_sidecar(document: Path, previous: str | None) -> None:
    """Put back the sidecar text `remove_article` returned."""
    _replace_file(sidecar_path(document), previous)


def date_warnings(values: Mapping[str, str], where: str) -> list[str]:
    """One warning per `date`/`updated` value that names no single day."""
    return [f"{where}: {key}: {values[key]!r} is not a date (YYYY-MM-DD), ignored"
            for key in ("date", "updated") if key in values and not parse_day(values[key])]


class CitationRefused(Refused, ValueError):
    """A citation change that cannot be saved; the message can be shown to a moderator
    (`reason`: in any catalogue language)."""


_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
MAX_VALUE_CHARS = 300


def write_sidecar(document: Path, changes: Mapping[str, str]) -> dict[str, str]:
    """Set keys of a document's sidecar (an empty value clears one), for `/cite`: nothing
    else of the sidecar changes and the document is not touched. Returns the sidecar's
    values after the change; `CitationRefused` (nothing written) for an unknown key, a date
    that is not one day, a URL that is not http(s), a language that is not a code."""
    if not document.is_file():
        raise CitationRefused("cite_no_document", file=document.name)
    path = sidecar_path(document)
    if path.is_symlink():
        raise CitationRefused("sidecar_link", file=path.name)
    checked = {key: _checked(key, " ".join(str(value).split()))
               for key, value in changes.items()}
    current, problems = read_sidecar(document)
    if problems:  # rewriting would drop what could not be read
        raise CitationRefused("sidecar_unreadable", problem=problems[0], file=path.name)
    values = {k: v for k, v in {**current, **checked}.items() if v}
    _replace_file(path, _sidecar_text(document.name, values) if values else None)
    return values


def _checked(key: str, value: str) -> str:
    if key not in METADATA_KEYS:
        raise CitationRefused("cite_bad_key", key=repr(key), keys=", ".join(METADATA_KEYS))
    if len(value) > MAX_VALUE_CHARS:
        raise CitationRefused("cite_too_long", key=key, limit=MAX_VALUE_CHARS)
    if not value:
        return ""
    if key in ("date", "updated"):
        day = parse_day(value)
        if day is None:
            raise CitationRefused("cite_bad_date", key=key, value=repr(value))
        return day.isoformat()
    if key == "url" and not value.startswith(("http://", "https://")):
        raise CitationRefused("cite_bad_url", value=repr(value))
    if key == "language" and not _LANGUAGE_CODE.match(value.lower()):
        raise CitationRefused("cite_bad_language", value=repr(value))
    return value.lower() if key == "language" else value


def _sidecar_text(document_name: str, values: Mapping[str, str]) -> str:
    header = f"# How {document_name} is cited (see README, \"Citation metadata\").\n"
    return header + yaml.safe_dump(dict(values), allow_unicode=True, sort_keys=False)


def _replace_file(path: Path, text: str | None) -> None:
    """Write (or, for None, remove) a file so that readers see the old or the new one."""
    if text is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _scalar(value: object) -> str:
    """YAML reads `date: 2024-08-05` as a date object: back to its ISO text."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# --- the document itself -----------------------------------------------------------------

DATELINE = re.compile(r"^(?P<kind>updated|last updated|published|posted|mis à jour|"
                      r"publié)(?: on| le)?:?\s+(?P<date>.{6,40})$", re.IGNORECASE)
# A byline is a short line of its own, not a sentence ("By Sunday, the rebels held Kidal.")
BYLINE = re.compile(r"^(?!.*[.!?]$)(?!\S+\s+(?i:monday|tuesday|wednesday|thursday|friday|"
                    r"saturday|sunday|january|february|march|april|may|june|july|august|"
                    r"september|october|november|december|the)\b)(?i:by|par)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
                     r"(?:\s+(?:and|et)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})?)"
                     r"\s*(?:[,|·—–-].{0,60})?$")
_WIRES = {"reuters": "Reuters", "afp": "AFP", "ap": "Associated Press",
          "associated press": "Associated Press", "xinhua": "Xinhua", "anadolu": "Anadolu",
          "dpa": "dpa", "efe": "EFE", "ansa": "ANSA"}
_WIRE = re.compile(
    r"^(?:[A-ZÀ-Ý][A-ZÀ-Ý .'’-]{1,40}(?:,\s*[^()\n]{1,40}?)?\s+)?"
    r"\((?P<wire>" + "|".join(sorted(_WIRES, key=len, reverse=True)) + r")\)\s*[-—–:]",
    re.IGNORECASE)
_WIRE_DATE = re.compile(r"^[^,(]+,\s*(?P<date>[^()]{3,30}?)\s*\(", re.IGNORECASE)


def from_text(text: str) -> Citation:
    """What an article's first lines say: "Updated 05 August 2024", "Published ...",
    "By Jane Doe", "BAMAKO, Aug 5 (Reuters) -", "(AFP) —"."""
    found: dict[str, Cited] = {}
    head = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for line in head[:_HEAD_LINES]:
        for name, cited in _line_facts(line):
            found.setdefault(name, cited)
    return Citation(**found)


def _line_facts(line: str) -> Iterable[tuple[str, Cited]]:
    if dateline := DATELINE.match(line):
        day = parse_day(dateline.group("date"))
        kind = "updated" if "updated" in fold(dateline.group("kind")) or \
            "jour" in fold(dateline.group("kind")) else "published"
        if day:
            yield kind, Cited(day.isoformat(), DOCUMENT, line)
    elif byline := BYLINE.match(line):
        yield "author", Cited(byline.group("name"), DOCUMENT, line[:80])
    elif wire := _WIRE.match(line):
        yield "outlet", Cited(_WIRES[wire.group("wire").lower()], DOCUMENT, wire.group())
        dated = _WIRE_DATE.match(wire.group())
        day = parse_day(dated.group("date")) if dated else None
        if day:
            yield "published", Cited(day.isoformat(), DOCUMENT, wire.group())


class PageMetadata(HTMLParser):
    """<meta>, <time datetime>, <link rel=canonical> and <html lang> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.times: list[str] = []
        self.canonical = ""
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "").strip() for k, v in attrs}
        if tag == "meta":
            name = (values.get("property") or values.get("name") or "").lower()
            if name and values.get("content"):
                self.meta.setdefault(name, " ".join(values["content"].split()))
        elif tag == "time" and values.get("datetime"):
            self.times.append(values["datetime"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href", "")
        elif tag == "html":
            self.lang = values.get("lang") or values.get("xml:lang") or ""


def html_metadata(markup: str) -> PageMetadata:
    parser = PageMetadata()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser on badly broken markup
        pass
    return parser


def from_html(markup: str) -> Citation:
    """og:site_name, author, article:published_time / modified_time, <time datetime>,
    <link rel=canonical>, <html lang>."""
    page = html_metadata(markup)
    found: dict[str, Cited] = {}
    for name, keys in (("outlet", ("og:site_name", "application-name")),
                       ("author", ("author", "article:author", "byl")),
                       ("title", ("og:title",))):
        for key in keys:
            value = page.meta.get(key, "")
            if value and not value.startswith(("http://", "https://")) and name not in found:
                found[name] = Cited(_strip_by(value), DOCUMENT, f"<meta {key}>")
    _html_dates(page, found)
    if page.canonical.startswith(("http://", "https://")):
        found["url"] = Cited(page.canonical, DOCUMENT, "<link rel=canonical>")
    elif (og_url := page.meta.get("og:url", "")).startswith(("http://", "https://")):
        found["url"] = Cited(og_url, DOCUMENT, "<meta og:url>")
    if language := re.split(r"[-_]", page.lang.lower())[0] if page.lang else "":
        found["language"] = Cited(language, DOCUMENT, f'<html lang="{page.lang}">')
    return Citation(**found)


def _strip_by(value: str) -> str:
    return re.sub(r"^(?:by|par)\s+", "", value, flags=re.IGNORECASE)


def _html_dates(page: PageMetadata, found: dict[str, Cited]) -> None:
    candidates = [("published", f"<meta {k}>", page.meta.get(k, ""))
                  for k in ("article:published_time", "datepublished", "date")]
    candidates += [("published", "<time datetime>", t) for t in page.times[:1]]
    candidates += [("updated", f"<meta {k}>", page.meta.get(k, ""))
                   for k in ("article:modified_time", "og:updated_time", "datemodified")]
    for name, evidence, value in candidates:
        day = parse_day(value) if value else None
        if day and name not in found:
            found[name] = Cited(day.isoformat(), DOCUMENT, f"{evidence} {value}")


_WIKI_MARK = re.compile(r"\{\{\s*(cite [a-z]+|main|further|commons category|reflist|notelist|"
                        r"infobox|citation needed|sfn|efn|see also)\b", re.IGNORECASE)
_WIKI_MARKS_NEEDED = 2


def wiki_citation(text: str) -> Citation:
    """A wiki article (at least two kinds of wiki templates: {{Cite web, {{Main,
    {{Commons category, {{Reflist ...) is cited as "Wikipedia", with no publication date:
    a wiki page has none, and the dates in its references are other documents'."""
    kinds = sorted({m.group(1).lower() for m in _WIKI_MARK.finditer(text)})
    if len(kinds) < _WIKI_MARKS_NEEDED:
        return Citation()
    evidence = "wiki templates: " + ", ".join("{{" + k for k in kinds[:4])
    return Citation(outlet=Cited("Wikipedia", DOCUMENT, evidence))


# --- language ----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MIN_EVIDENCE = 5  # stopwords needed before a language is named


@lru_cache(maxsize=1)
def _own_stopwords() -> tuple[frozenset[str], frozenset[str]]:
    """French and English stopwords that are not also the other language's."""
    return french_stopwords() - STOPWORDS, STOPWORDS - french_stopwords()


def detect_language(text: str) -> str | None:
    """"en" or "fr" by counting each language's own stopwords (cheap and good enough
    for news prose), None when the text has too few of either to tell."""
    french, english = _own_stopwords()
    counts = Counter(_WORD.findall(fold(text[:20_000])))
    fr = sum(counts[w] for w in french.intersection(counts))
    en = sum(counts[w] for w in english.intersection(counts))
    if max(fr, en) < _MIN_EVIDENCE:
        return None
    return "fr" if fr > en else "en"


def with_language(citation: Citation, text: str) -> Citation:
    """Fill an unknown language from the text itself."""
    if citation.language is not None:
        return citation
    language = detect_language(text)
    cited = Cited(language, DOCUMENT, "detected from its words") if language else None
    return replace(citation, language=cited)
