"""Files -> clean documents: decoding, boilerplate and template removal, article splitting."""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from index.wikitext import split_glued_heading, strip_templates

log = logging.getLogger(__name__)

EXTENSIONS = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 2_000_000

_BOILERPLATE = re.compile(
    r"^(scroll (to )?top|related posts|leave a (comment|reply)|you must be logged in.*"
    r"|privacy preferences|short url|follow|share( this)?|print|advertisement"
    r"|here'?s what it means for you\.?|read more|subscribe.*newsletter.*"
    r"|accept( all)?( cookies)?|skip to (main )?content)$", re.IGNORECASE)
_COOKIES = re.compile(r"\bcookies?\b.*\b(browser|privacy|consent|preferences)\b"
                      r"|\b(browser|privacy|consent)\b.*\bcookies?\b", re.IGNORECASE)
_SIGNATURE = re.compile(r"^[—–-]\s*\S.{0,40}\b(editor|staff|team|desk)$", re.IGNORECASE)
_QUOTED = re.compile(r'^["“].*["”]$')
_DATELINE = re.compile(r"^(?:updated|published|posted|last updated)(?: on)?:?\s+(.{6,40})$",
                       re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[•*·▪‣◦]|-(?=\s))\s*")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_STOP_SECTIONS = frozenset({"notes", "references", "bibliography", "further reading",
                            "external links", "see also", "sources", "citations",
                            "footnotes"})
_GENERIC_HEADINGS = frozenset({"background", "introduction", "overview", "history",
                               "contents", "summary", "abstract"})
_TITLE_TEMPLATE = re.compile(r"^commons category\|(.+)$", re.IGNORECASE)


class SkippedFile(Exception):
    """A corpus file that cannot be read as a document; the message says why."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of article text; `block` groups paragraphs not separated by blank lines."""

    text: str
    block: int


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Document:
    """One article: a file may hold several (a second article stuck to the first)."""

    file: str
    part: int
    title: str
    date: str
    sections: tuple[Section, ...]
    urls: tuple[str, ...] = ()
    sha256: str = ""

    @property
    def key(self) -> str:
        return self.file if self.part == 1 else f"{self.file}#{self.part}"


@dataclass
class _Line:
    kind: str  # "heading", "text", "blank", "dateline", "title-hint"
    text: str


@dataclass
class _Article:
    lines: list[_Line] = field(default_factory=list)
    date: str = ""


# ---------------------------------------------------------------- reading files

def corpus_files(folder: Path) -> list[Path]:
    """Corpus documents in a folder, sorted by name (hidden and temporary files excluded)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in EXTENSIONS
                  and not p.name.startswith((".", "~")))


def decode(data: bytes, name: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), else Windows-1252; refuse binary."""
    if not data.strip():
        raise SkippedFile(f"{name}: empty file")
    if b"\x00" in data[:8192]:
        raise SkippedFile(f"{name}: binary file (NUL bytes), not a text document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SkippedFile(f"{name}: neither UTF-8 nor Windows-1252 text") from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.01 * min(len(text), 8192):
        raise SkippedFile(f"{name}: binary file (control characters), not a text document")
    return text


class _HTMLText(HTMLParser):
    _BLOCKS = frozenset("p div br li h1 h2 h3 h4 h5 h6 tr section article blockquote".split())
    _SKIP = frozenset({"script", "style", "nav", "footer", "header", "noscript", "aside"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data.replace("\n", " "))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one paragraph per block element."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return html.unescape("".join(parser.parts))


def read_document_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of a corpus file, or SkippedFile with a reason naming the file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SkippedFile(f"{path.name}: {size} bytes is over the {max_bytes}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise SkippedFile(f"{path.name}: cannot be read ({exc.strerror})") from None
    text = decode(data, path.name)
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return text


# ---------------------------------------------------------------- cleaning lines

def _clean_inline(text: str) -> str:
    text = "".join(ch for ch in text if ch >= " " or ch == "\t").replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", text).strip()


def _is_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 16 or len(text) > 140:
        return False
    if text.endswith("?"):
        return len(words) <= 14
    return not text.endswith((".", "!", ":", ";", ",", "…", "...")) and (
        text[0].isupper() or text[0].isdigit() or text[0] in "‘'\"“")


def _drop_signatures(lines: list[str]) -> list[str]:
    """Remove editor blurbs: `— X Editor`, the quoted blurb and the outlet line before it."""
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        if not _SIGNATURE.match(line.strip()):
            continue
        keep[i] = False
        j = i - 1
        if j >= 0 and _QUOTED.match(lines[j].strip()):
            keep[j] = False
            j -= 1
            if j >= 0 and 0 < len(lines[j].split()) <= 15 and not _is_heading(lines[j].strip()):
                keep[j] = False
    return [line for line, k in zip(lines, keep, strict=True) if k]


def _classify(raw: str, urls: list[str], hints: list[str]) -> Iterator[_Line]:
    if not raw.strip():
        yield _Line("blank", "")
        return
    markdown_heading = bool(_MD_HEADING.match(raw))
    body, glued = split_glued_heading(_MD_HEADING.sub("", raw.rstrip()))
    text, others = _strip(body, urls)
    hints.extend(others)
    text = _BULLET.sub("", _clean_inline(text))
    if text and not _is_noise(text):
        if dateline := _DATELINE.match(text):
            yield _Line("dateline", dateline.group(1))
        elif markdown_heading or (_is_heading(text) and not _BULLET.match(raw)):
            yield _Line("heading", text)
        else:
            yield _Line("text", text)
    if glued:
        yield _Line("heading", glued)


def _is_noise(text: str) -> bool:
    """Boilerplate, cookie banners, and fragments left by truncation ("In May 2012,")."""
    fragment = len(text.split()) < 4 and text.endswith((",", ";", "-", "–"))
    return fragment or bool(_BOILERPLATE.match(text) or _COOKIES.search(text))


def _strip(body: str, urls: list[str]) -> tuple[str, list[str]]:
    if "{{" not in body and "''" not in body:
        return body, []
    text, _, others = strip_templates(body, urls)
    return text, others


# ---------------------------------------------------------------- articles

def _split_articles(lines: list[_Line]) -> list[_Article]:
    """A dateline after body text starts a new article at the headline before it."""
    articles = [_Article()]
    for line in lines:
        current = articles[-1]
        if line.kind == "dateline":
            has_body = any(x.kind == "text" for x in current.lines)
            if current.date and has_body:
                cut = _last_heading_index(current.lines)
                moved = current.lines[cut:] if cut is not None else []
                del current.lines[len(current.lines) - len(moved):]
                articles.append(_Article(lines=moved, date=line.text))
            elif not current.date:
                current.date = line.text
            continue
        current.lines.append(line)
    return articles


def _last_heading_index(lines: list[_Line]) -> int | None:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].kind == "heading":
            return i
        if lines[i].kind == "text":
            return None
    return None


def _pick_title(lines: list[_Line], hints: list[str], fallback: str) -> str:
    for hint in hints:
        if match := _TITLE_TEMPLATE.match(hint):
            return match.group(1).strip()
    for line in lines:
        if line.kind == "heading" and line.text.lower() not in _GENERIC_HEADINGS:
            return line.text
    return fallback


def _sections(lines: list[_Line], title: str) -> list[Section]:
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    heading, block, stopped = "", 0, False
    for line in lines:
        if line.kind == "heading":
            if line.text == title:
                continue
            if paragraphs:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = line.text, []
            stopped = line.text.lower() in _STOP_SECTIONS
            block += 1
        elif line.kind == "blank":
            block += 1
        elif line.kind == "text" and not stopped:
            paragraphs.append(Paragraph(line.text, block))
    if paragraphs:
        sections.append(Section(heading, tuple(paragraphs)))
    return sections


def _dedupe(sections: list[Section], seen: set[str]) -> tuple[Section, ...]:
    """Drop exact repeats of paragraphs (case, spacing and punctuation-insensitive)."""
    kept = []
    for section in sections:
        paragraphs: list[Paragraph] = []
        for paragraph in section.paragraphs:
            key = re.sub(r"\W+", " ", paragraph.text.casefold()).strip()
            if key and key not in seen:
                seen.add(key)
                paragraphs.append(paragraph)
        if paragraphs:
            kept.append(Section(section.heading, tuple(paragraphs)))
    return tuple(kept)


def parse_document(text: str, file: str, sha256: str = "") -> list[Document]:
    """Clean text of one file -> its articles (usually one)."""
    raw_lines = _drop_signatures(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    urls: list[str] = []
    hints: list[str] = []
    lines = [line for raw in raw_lines for line in _classify(raw, urls, hints)]
    documents: list[Document] = []
    seen: set[str] = set()
    fallback = Path(file).stem.replace("_", " ")
    for part, article in enumerate(_split_articles(lines), start=1):
        title = _pick_title(article.lines, hints if part == 1 else [], fallback)
        sections = _dedupe(_sections(article.lines, title), seen)
        if sections:
            documents.append(Document(file, len(documents) + 1, title, article.date, sections,
                                      tuple(urls), sha256))
        del part
    return documents


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """One corpus file -> documents; SkippedFile if it cannot be used."""
    text = read_document_text(path, max_bytes)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    documents = parse_document(text, path.name, digest)
    if not documents:
        raise SkippedFile(f"{path.name}: no article text found after cleaning")
    return documents


def load_corpus(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES
                ) -> tuple[list[Document], list[str]]:
    """All usable documents of a folder, and one warning per skipped file."""
    documents: list[Document] = []
    warnings: list[str] = []
    for path in corpus_files(folder):
        try:
            documents.extend(load_file(path, max_bytes))
        except SkippedFile as exc:
            log.warning("skipped %s", exc)
            warnings.append(str(exc))
    return documents, warnings
