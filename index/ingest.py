"""Files -> clean documents: decoding, boilerplate and template removal, article splitting."""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from index.analyze import analyze
from index.citation import (
    BLOCK,
    DOCUMENT,
    NO_CITATION,
    SIDECAR,
    Citation,
    Cited,
    date_warnings,
    from_html,
    from_metadata,
    from_text,
    parse_metadata_block,
    read_sidecar,
    removed_articles,
    sidecar_path,
    wiki_citation,
    with_language,
)
from index.citation import BYLINE as _BYLINE
from index.citation import DATELINE as _DATELINE
from index.reasons import ENGLISH as _REASONS
from index.reasons import Refused
from index.wikitext import related_names, split_glued_heading, strip_templates

log = logging.getLogger(__name__)

EXTENSIONS = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 2_000_000
Progress = Callable[[int, int], None]  # (done, total) files
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_BINARY_WINDOW = 8192  # a text is binary if any window this long is >1% control characters
_UTF16_SAMPLE = 65536
_BOILERPLATE = re.compile(
    r"^(scroll (to )?top|related posts|leave a (comment|reply)|you must be logged in.*"
    r"|privacy preferences|short url|follow|share( this)?|print|advertisement"
    r"|here'?s what it means for you\.?|read more|subscribe.*newsletter.*"
    r"|accept( all)?( cookies)?|skip to (main )?content)$", re.IGNORECASE)
_COOKIES = re.compile(r"\bcookies?\b.*\b(browser|privacy|consent|preferences)\b"
                      r"|\b(browser|privacy|consent)\b.*\bcookies?\b", re.IGNORECASE)
_SIGNATURE = re.compile(r"^[—–-]\s*\S.{0,40}\b(editor|staff|team|desk)$", re.IGNORECASE)
_QUOTED = re.compile(r'^["“].*["”]$')
_BULLET = re.compile(r"^\s*(?:[•*·▪‣◦]|-(?=\s))\s*")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_STOP_SECTIONS = frozenset({"notes", "references", "bibliography", "further reading",
                            "external links", "see also", "sources", "citations",
                            "footnotes"})
_GENERIC_HEADINGS = frozenset({"background", "introduction", "overview", "history",
                               "contents", "summary", "abstract"})
_TITLE_TEMPLATE = re.compile(r"^commons category\|(.+)$", re.IGNORECASE)


class SkippedFile(Refused):
    """A corpus file that cannot be read as a document; the message says why (`reason`:
    in any catalogue language)."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of article text; `block` groups paragraphs not separated by blank lines."""

    text: str
    block: int


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[Paragraph, ...]
    # names its {{Main, …}}/{{See also, …}} templates give that the article's text never
    # holds ("Barkhane"): searched with the section's passages, never quoted
    related: tuple[str, ...] = ()


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
    citation: Citation = NO_CITATION

    @property
    def key(self) -> str:
        return self.file if self.part == 1 else f"{self.file}#{self.part}"


@dataclass
class _Line:
    kind: str  # "heading", "text", "blank", "dateline" (the whole line), "byline", "related"
    text: str
    names: tuple[str, ...] = ()  # "related": the names a {{Main, …}} template points at


@dataclass
class _Article:
    lines: list[_Line] = field(default_factory=list)
    date: str = ""
    datelines: list[str] = field(default_factory=list)  # whole lines ("Updated 05 ...")


# ---------------------------------------------------------------- reading files

def corpus_files(folder: Path) -> list[Path]:
    """Corpus documents in a folder, sorted by name (hidden and temporary files excluded)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in EXTENSIONS
                  and not p.name.startswith((".", "~")))


def is_outside_link(path: Path) -> bool:
    """True for a symbolic link (possibly via other links) that resolves outside the folder
    holding it: such a link could pull any readable file of the machine into answers."""
    if not path.is_symlink():
        return False
    return not path.resolve().is_relative_to(path.parent.resolve())


def decode(data: bytes, name: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1252;
    refuse binary anywhere in the file, and UTF-16 without a BOM with advice."""
    if not data.strip():
        raise SkippedFile("file_empty", file=name)
    text = _decode_with_bom(data, name)
    if text is None:
        if _looks_like_utf16(data):
            raise SkippedFile("file_utf16_no_bom", file=name)
        if b"\x00" in data:
            raise SkippedFile("file_binary_nul", file=name)
        text = _decode_8bit(data, name)
    if _has_binary_window(text):
        raise SkippedFile("file_binary_control", file=name)
    return text


def _decode_with_bom(data: bytes, name: str) -> str | None:
    """Text of a UTF-32 or UTF-16 file that starts with its byte-order mark, else None."""
    for boms, encoding in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
                           ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16")):
        if data.startswith(boms):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise SkippedFile("file_damaged_text", file=name,
                                  encoding=encoding.upper()) from None
    return None


def _looks_like_utf16(data: bytes) -> bool:
    """Mostly-Latin UTF-16 has a NUL in nearly every other byte, always on the same side."""
    sample = data[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    if pairs < 2:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= 0.3 * pairs and min(even, odd) <= 0.02 * pairs


def _decode_8bit(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise SkippedFile("file_not_text", file=name) from None


def _has_binary_window(text: str) -> bool:
    """True if any stretch of the text (not just its start) is mostly control characters."""
    window = _BINARY_WINDOW
    for start in range(0, len(text), window):
        chunk = text[start:start + window] if start + window <= len(text) else text[-window:]
        if len(_CONTROL.findall(chunk)) > 0.01 * len(chunk):
            return True
    return False


class _HTMLText(HTMLParser):
    _BLOCKS = frozenset("p div br li h1 h2 h3 h4 h5 h6 tr section article blockquote".split())
    _SKIP = frozenset({"script", "style", "nav", "footer", "noscript", "aside"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # data arrives with entities decoded once
        self.parts: list[str] = []
        self._skipping = 0
        self._in_header = 0  # a page <header>: skipped, except the headline it may hold
        self._in_headline = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "header":
            self._in_header += 1
        elif tag in self._BLOCKS:
            self._in_headline += tag == "h1"
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "header":
            self._in_header = max(0, self._in_header - 1)
        elif tag in self._BLOCKS:
            self._in_headline = max(0, self._in_headline - (tag == "h1"))
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping and (not self._in_header or self._in_headline):
            self.parts.append(data.replace("\n", " "))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one paragraph per block element."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def read_document_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of a corpus file, or SkippedFile with a reason naming the file."""
    text = read_decoded(path, max_bytes)
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return text


def read_decoded(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A corpus file decoded but otherwise as written (HTML still markup)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SkippedFile("file_over_limit", file=path.name, size=size, limit=max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise SkippedFile("file_unreadable", file=path.name, error=exc.strerror) from None
    return decode(data, path.name)


# ---------------------------------------------------------------- cleaning lines

_INLINE_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f]")  # every character below " " but tab
_SPACES = re.compile(r"[ \t]+")


def _clean_inline(text: str) -> str:
    text = _INLINE_CONTROL.sub("", text).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


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
    if names := related_names(others):
        yield _Line("related", "", tuple(names))
    text = _BULLET.sub("", _clean_inline(text))
    if text and not _is_noise(text):
        if _DATELINE.match(text):
            yield _Line("dateline", text)
        elif _BYLINE.match(text):
            yield _Line("byline", text)
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
            date = _dateline_date(line.text)
            has_body = any(x.kind == "text" for x in current.lines)
            if current.date and has_body:
                cut = _last_heading_index(current.lines)
                moved = current.lines[cut:] if cut is not None else []
                del current.lines[len(current.lines) - len(moved):]
                articles.append(_Article(lines=moved, date=date, datelines=[line.text]))
                continue
            current.datelines.append(line.text)  # "Published ..." then "Updated ..."
            current.date = current.date or date
            continue
        current.lines.append(line)
    return articles


def _dateline_date(line: str) -> str:
    match = _DATELINE.match(line)
    return match.group("date") if match else line


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
    """Sections of an article; the names a section's {{Main, …}} templates point at go to
    the first section from there on that holds text (a heading with only subsections
    passes them down)."""
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    related: list[str] = []
    heading, block, stopped = "", 0, False
    for line in lines:
        if line.kind == "heading":
            if line.text == title:
                continue
            if paragraphs:
                sections.append(_section(heading, paragraphs, related))
                related = []
            heading, paragraphs = line.text, []
            stopped = line.text.lower() in _STOP_SECTIONS
            block += 1
        elif line.kind == "blank":
            block += 1
        elif line.kind == "related" and not stopped:
            related += [n for n in line.names if n not in related]
        elif line.kind == "text" and not stopped:
            paragraphs.append(Paragraph(line.text, block))
    if paragraphs:
        sections.append(_section(heading, paragraphs, related))
    return sections


def _section(heading: str, paragraphs: list[Paragraph], related: list[str]) -> Section:
    return Section(heading, tuple(paragraphs), tuple(n for n in related if n != heading))


_NAME_WORD = re.compile(r"(?<![\w'’])[A-ZÀ-Þ][\w'’-]*")
_PARENTHESIS = re.compile(r"\([^)]*\)")


def _new_names_only(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """Sections whose related article titles are cut down to their last capitalised word
    (what names the thing: "Operation Barkhane" -> Barkhane, "Battle of Tin Keraten" ->
    Keraten), kept when the article never writes it: what cleaning would otherwise lose,
    without pulling a passage into questions about what the article's other sections say
    ("military withdrawal") or about another name sharing a piece of it ("Tin Zaouatene")."""
    if not any(s.related for s in sections):
        return sections  # most documents: no analysis spent
    written = {term for s in sections for text in (s.heading, *(p.text for p in s.paragraphs))
               for term in analyze(text)}
    kept = []
    for section in sections:
        words = [names[-1] for title in section.related
                 if (names := _NAME_WORD.findall(_PARENTHESIS.sub("", title)))]
        new = [w for w in words if not set(analyze(w)) <= written]
        kept.append(replace(section, related=tuple(dict.fromkeys(new))))
    return tuple(kept)


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
            kept.append(Section(section.heading, tuple(paragraphs), section.related))
    return tuple(kept)


def parse_document(text: str, file: str, sha256: str = "",
                   cited: Citation | None = None) -> list[Document]:
    """Clean text of one file -> its articles (usually one). `cited` is what the file's
    metadata block, sidecar or markup say: all of it describes the first article; a later
    article stuck to it keeps only the outlet and has its own title and dates."""
    raw_lines = _drop_signatures(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    urls: list[str] = []
    hints: list[str] = []
    lines = [line for raw in raw_lines for line in _classify(raw, urls, hints)]
    documents: list[Document] = []
    seen: set[str] = set()
    fallback = Path(file).stem.replace("_", " ")
    file_cited = (cited or Citation()).merged(wiki_citation(text))
    for part, article in enumerate(_split_articles(lines), start=1):
        given = file_cited if part == 1 else Citation(outlet=file_cited.outlet)
        title = _given_title(given) or _pick_title(article.lines, hints if part == 1 else [],
                                                   fallback)
        sections = _new_names_only(_dedupe(_sections(article.lines, title), seen))
        if sections:
            citation = _article_citation(given, article, title, sections)
            documents.append(Document(file, len(documents) + 1, title, article.date, sections,
                                      tuple(urls), sha256, citation))
    return documents


def _given_title(cited: Citation) -> str | None:
    title = cited.title
    return title.value if title and title.source in (BLOCK, SIDECAR) else None


def _article_citation(given: Citation, article: _Article, title: str,
                      sections: tuple[Section, ...]) -> Citation:
    """The file's metadata, then the article's own datelines and bylines, then its words."""
    head = [*article.datelines, *(x.text for x in article.lines
                                if x.kind in ("text", "byline"))]
    own = from_text("\n".join(head)).merged(Citation(title=Cited(title, DOCUMENT, "headline")))
    body = " ".join(p.text for s in sections for p in s.paragraphs)
    return with_language(given.merged(own), body)


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """One corpus file -> documents; SkippedFile if it cannot be used."""
    documents, warnings = load_with_warnings(path, max_bytes)
    for warning in warnings:
        log.warning("%s", warning)
    return documents


def _sidecar(path: Path) -> tuple[dict[str, str], list[str]]:
    """The document's citation sidecar, never one that links out of the folder."""
    if is_outside_link(sidecar_path(path)):
        return {}, [f"{sidecar_path(path).name}: a link that leads outside the corpus "
                    "folder, ignored"]
    return read_sidecar(path)


def load_with_warnings(path: Path, max_bytes: int) -> tuple[list[Document], list[str]]:
    """A file's documents with their citations, and the warnings about its sidecar."""
    if is_outside_link(path):
        raise SkippedFile("file_outside_link", file=path.name)
    raw = read_decoded(path, max_bytes)
    html = path.suffix.lower() in (".html", ".htm")
    text = html_to_text(raw) if html else raw
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    block, body = parse_metadata_block(text)
    sidecar, warnings = _sidecar(path)
    warnings += date_warnings(block, f"{path.name} (metadata block)")
    cited = from_metadata(block, BLOCK).merged(from_metadata(sidecar, SIDECAR))
    if html:
        cited = cited.merged(from_html(raw))
    documents = parse_document(body, path.name, digest, cited)
    if not documents:
        raise SkippedFile("file_no_article", file=path.name)
    removed = removed_articles(sidecar)
    documents = [d for d in documents if d.part not in removed]
    if not documents:
        raise SkippedFile("file_all_removed", file=path.name)
    return documents, warnings


def load_corpus(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                progress: Progress | None = None) -> tuple[list[Document], list[str]]:
    """All usable documents of a folder, and one warning per skipped file (unreadable,
    binary, a link out of the folder, or the same text as a file earlier by name)."""
    files = corpus_files(folder)
    documents: list[Document] = []
    warnings: list[str] = []
    first_with_text: dict[str, str] = {}
    for done, path in enumerate(files, start=1):
        try:
            loaded, sidecar_warnings = load_with_warnings(path, max_bytes)
            _claim_text(loaded, path.name, first_with_text)
            documents.extend(loaded)
            for warning in sidecar_warnings:
                log.warning("%s", warning)
                warnings.append(warning)
        except SkippedFile as exc:
            log.warning("skipped %s", exc)
            warnings.append(str(exc))
        if progress:
            progress(done, len(files))
    return documents, warnings


def _claim_text(documents: list[Document], name: str, first_with_text: dict[str, str]) -> None:
    """Record a file's cleaned text, or SkippedFile if an earlier file has the same text."""
    first = first_with_text.setdefault(text_key(documents), name)
    if first != name:
        raise SkippedFile("file_duplicate", file=name, first=first)


def text_key(documents: list[Document]) -> str:
    """Hash of a file's cleaned text, blind to case and spacing."""
    paragraphs = (p.text for d in documents for s in d.sections for p in s.paragraphs)
    normalised = "\n".join(" ".join(p.casefold().split()) for p in paragraphs)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def duplicate_message(name: str, first: str) -> str:
    return _REASONS["file_duplicate"].format(file=name, first=first)
