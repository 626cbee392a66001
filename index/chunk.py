"""Documents -> passages: sentence-split long paragraphs, pack short ones, drop near-repeats."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from index.ingest import Document, Paragraph, Section
from index.wikitext import REF_MARKER

MAX_WORDS = 120
STANDALONE_WORDS = 40
NEAR_DUPLICATE = 0.5
TAIL_WORDS = 15  # a shorter last piece joins the one before (often a cut-off fragment)
MIN_WORDS = 4

_ABBREVIATIONS = ("Col", "Gen", "Lt", "Maj", "Capt", "Sgt", "Mr", "Mrs", "Ms", "Dr", "Prof",
                  "St", "No", "vs", "etc", "e.g", "i.e", "Jan", "Feb", "Aug", "Sept", "Oct",
                  "Nov", "Dec", "U.S", "U.N", "Pres", "Gov", "Sen", "Rep", "Inc", "Ltd", "Co")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"”’)\]]*(?:\ue000\d+\ue000)*\s+(?=[\"“‘(]?[A-Z0-9\u00C0-\u024F])")
_ABBREVIATION_END = re.compile(r"(?:\b(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS)
                               + r")|\b[A-Z])\.$")


@dataclass(frozen=True)
class Chunk:
    """A passage as indexed and cited."""

    chunk_id: str
    doc_key: str
    file: str
    title: str
    date: str
    section: str
    section_index: int
    paragraph: int
    text: str
    urls: tuple[str, ...] = ()
    # dates the passage states about its events (#12), ISO (start, end) inclusive
    event_dates: tuple[tuple[str, str], ...] = ()
    # articles the section's {{Main, …}}/{{See also, …}} templates name: searched, not quoted
    related: tuple[str, ...] = ()


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not breaking after abbreviations such as "Col."."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start:match.start()].rstrip("\"”’)]")
        if _ABBREVIATION_END.search(candidate):
            continue
        sentences.append(text[start:match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _words(text: str) -> int:
    return len(text.split())


def _balanced_groups(units: Sequence[str], max_words: int) -> list[list[str]]:
    """Pack consecutive units into groups of similar size, each at most `max_words`
    unless a single unit is longer."""
    total = sum(_words(u) for u in units)
    count = max(1, -(-total // max_words))
    target = total / count
    groups: list[list[str]] = [[]]
    size = 0
    for unit in units:
        n = _words(unit)
        if groups[-1] and (size + n > max_words or size + n / 2 > target):
            groups.append([])
            size = 0
        groups[-1].append(unit)
        size += n
    if len(groups) > 1 and size < TAIL_WORDS:
        groups[-2].extend(groups.pop())
    return groups


def _word_windows(text: str, max_words: int) -> list[str]:
    """A run-on "sentence" (a giant line without punctuation) cut into word windows."""
    words = text.split()
    if len(words) <= max_words:
        return [text]
    return [" ".join(words[i:i + max_words]) for i in range(0, len(words), max_words)]


def _passage_texts(paragraphs: Sequence[Paragraph], max_words: int) -> Iterator[str]:
    """Long paragraphs split at sentences; runs of short paragraphs in a block packed."""
    run: list[str] = []
    block = None
    for paragraph in paragraphs:
        long_enough = _words(paragraph.text) >= STANDALONE_WORDS
        if run and (long_enough or paragraph.block != block):
            yield from (" ".join(g) for g in _balanced_groups(run, max_words))
            run = []
        block = paragraph.block
        if not long_enough:
            run.append(paragraph.text)
        elif _words(paragraph.text) <= max_words:
            yield paragraph.text
        else:
            sentences = [piece for sentence in split_sentences(paragraph.text)
                         for piece in _word_windows(sentence, max_words)]
            yield from (" ".join(g) for g in _balanced_groups(sentences, max_words))
    if run:
        yield from (" ".join(g) for g in _balanced_groups(run, max_words))


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    if len(words) < 3:
        return {tuple(words)}
    return set(zip(words, words[1:], words[2:], strict=False))


def is_near_duplicate(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> bool:
    """Jaccard of word trigrams, or one passage mostly contained in the other."""
    if not a or not b:
        return False
    shared = len(a & b)
    return (shared / len(a | b) >= NEAR_DUPLICATE
            or shared / min(len(a), len(b)) >= 0.8)


def _without_refs(text: str, urls: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    refs = tuple(dict.fromkeys(urls[int(m)] for m in REF_MARKER.findall(text)
                               if int(m) < len(urls)))
    return REF_MARKER.sub("", text).strip(), refs


def indexed_text(chunk: Chunk) -> str:
    """The text of a passage as it is indexed and matched: its section heading and the
    names its section's templates point at, then it."""
    head = "\n".join((chunk.section, *chunk.related)).strip()
    return f"{head}\n{chunk.text}" if head else chunk.text


_RELATED_SEPARATOR = "\x1f"  # in the store's section heading: heading, then related names


def section_row(doc_key: str, index: int, section: Section) -> tuple[str, int, str, str]:
    """A section as the store keeps it: (doc_key, index, heading with its related names,
    full text). split_stored_heading reads the heading back."""
    heading = _RELATED_SEPARATOR.join((section.heading, *section.related))
    return doc_key, index, heading, section_text(section)


def split_stored_heading(stored: str) -> tuple[str, tuple[str, ...]]:
    """(heading, related names) of a heading saved by section_row."""
    heading, *related = stored.split(_RELATED_SEPARATOR)
    return heading, tuple(related)


def chunk_id(file: str, text: str) -> str:
    """Stable id: the same text in the same file gets the same id after any reindex."""
    return hashlib.blake2b(f"{file}\n{text}".encode(), digest_size=8).hexdigest()


def section_text(section: Section) -> str:
    """The whole text of a section (for "Full text"), paragraphs separated by blank lines."""
    return "\n\n".join(REF_MARKER.sub("", p.text) for p in section.paragraphs)


class _TrigramHolders:
    """Which kept passages hold each trigram, in the order they took it. Most trigrams have
    one holder: it is kept in a plain dict filled in bulk (set operations, not a Python
    loop per trigram), the rare later holders in a second dict."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, ...], int] = {}
        self.later: dict[tuple[str, ...], list[int]] = {}

    def shared_with(self, shingles: set[tuple[str, ...]]) -> Counter[int]:
        """Kept passages by how many of these trigrams they hold."""
        first, later = self.first, self.later
        common = [s for s in shingles if s in first]
        return Counter(chain.from_iterable((first[s], *later.get(s, ())) for s in common))

    def add(self, shingles: set[tuple[str, ...]], holder: int) -> None:
        held = shingles & self.first.keys()
        for shingle in held:
            self.later.setdefault(shingle, []).append(holder)
        self.first.update(dict.fromkeys(shingles - held, holder))


def _distinct(candidates: list[tuple[int, str, tuple[str, ...]]]
              ) -> list[tuple[int, str, tuple[str, ...]]]:
    """Drop near-repeats; of two, the longer passage stays, in the earlier one's place.
    Candidates are found through shared trigrams, so this stays fast on huge documents."""
    kept: list[tuple[int, str, tuple[str, ...]]] = []
    kept_shingles: list[set[tuple[str, ...]]] = []
    holders = _TrigramHolders()
    for candidate in candidates:
        shingles = _shingles(candidate[1])
        shared = holders.shared_with(shingles)
        twin = next((i for i, _ in shared.most_common(3)
                     if is_near_duplicate(shingles, kept_shingles[i])), None)
        if twin is None:
            twin = len(kept)
            kept.append(candidate)
            kept_shingles.append(set())
        elif len(shingles) <= len(kept_shingles[twin]):
            continue
        kept[twin] = candidate
        kept_shingles[twin] = shingles
        holders.add(shingles, twin)
    return kept


def chunk_document(document: Document, max_words: int = MAX_WORDS) -> list[Chunk]:
    """Passages of one document, numbered from 1, near-duplicates dropped."""
    candidates = []
    for index, section in enumerate(document.sections):
        for raw in _passage_texts(section.paragraphs, max_words):
            text, urls = _without_refs(raw, document.urls)
            if _words(text) >= MIN_WORDS:
                candidates.append((index, text, urls))
    sections = document.sections
    return [Chunk(chunk_id(document.key, text), document.key, document.file, document.title,
                  document.date, sections[index].heading, index, number, text, urls,
                  related=sections[index].related)
            for number, (index, text, urls) in enumerate(_distinct(candidates), start=1)]


def chunk_documents(documents: Iterable[Document], max_words: int = MAX_WORDS) -> list[Chunk]:
    """Passages of many documents, in corpus order."""
    return [chunk for doc in documents for chunk in chunk_document(doc, max_words)]
