"""Transport-free answer objects: what the core returns and every renderer reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot import texts


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a passage comes from: document title, file, the passage's number in the
    document (from 1; not a paragraph number: one paragraph can make several passages and
    several short ones one passage) and section."""

    title: str
    file: str
    passage: int
    section: str = ""
    date: str = ""
    urls: tuple[str, ...] = ()

    def label(self) -> str:
        """Plain-text citation, e.g. ``Mali War — 002_x.txt, passage 4 (Background)``."""
        where = f"{self.file}, {texts.text('passage', number=self.passage)}"
        section = f" ({self.section})" if self.section else ""
        return f"{self.title} — {where}{section}"


@dataclass(frozen=True, slots=True)
class Passage:
    """One quoted passage with its rank, BM25 score and highlight spans."""

    rank: int
    chunk_id: str
    text: str
    score: float
    citation: Citation
    highlights: tuple[tuple[int, int], ...] = ()
    matched_terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A change the search made to the question, shown to the user: kind is "variant"
    (spelling), "alias", "translation", "synonym" or "noise"."""

    kind: str
    typed: str
    searched: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply to one question: passages, or an abstention with its reason."""

    question: str
    passages: tuple[Passage, ...]
    abstained: bool
    offset: int = 0
    total: int = 0
    query_id: int | None = None
    reason: str = ""
    generation: int = 0
    latency_ms: float = field(default=0.0, compare=False)
    rewrites: tuple[Rewrite, ...] = ()
    language: str = "en"
    unknown_names: tuple[str, ...] = ()  # names the corpus never mentions (they vetoed)

    @property
    def has_more(self) -> bool:
        """True when further relevant passages exist after this page."""
        return self.offset + len(self.passages) < self.total


ABSTAIN_NO_MATCH = "no_match"
ABSTAIN_EMPTY = "empty"
ABSTAIN_UNKNOWN_NAME = "unknown_name"


@dataclass(frozen=True, slots=True)
class FullText:
    """The whole section a passage came from, for the "Full text" button."""

    citation: Citation
    text: str


@dataclass(frozen=True, slots=True)
class Source:
    """One document of the corpus as listed by /sources."""

    file: str
    title: str
    passages: int
    date: str = ""


@dataclass(frozen=True, slots=True)
class Stats:
    """Corpus and usage figures for /stats."""

    documents: int
    passages: int
    generation: int
    questions_today: int
    abstention_rate: float
    feedback_up: int
    feedback_down: int
    top_unanswered: tuple[tuple[str, int], ...] = ()
    queries_not_logged: int = 0  # query log rows lost since start (e.g. disk full)


@dataclass(frozen=True, slots=True)
class ReindexResult:
    """Outcome of a successful reindex."""

    generation: int
    documents: int
    passages: int
    skipped: tuple[str, ...] = ()
    seconds: float = 0.0


Marker = Callable[[str], str]


def rewrite_note(answer: Answer, emphasis: Marker, escape: Marker) -> str:
    """One short line saying how the question was changed, e.g. "Showing results for
    *Tinzaouatene* (you wrote *Tinzaouaten*) · *GSIM* = *JNIM*"; "" when nothing was.
    `emphasis` marks (and escapes) a word, `escape` makes plain text safe."""
    parts = []
    for r in _distinct(answer.rewrites, "variant"):
        parts.append(escape("Showing results for ") + emphasis(r.searched)
                     + escape(" (you wrote ") + emphasis(r.typed) + escape(")"))
    for r in _distinct(answer.rewrites, "alias"):
        parts.append(emphasis(r.typed) + escape(" = ") + emphasis(r.searched))
    translated = list(dict.fromkeys(r.searched for r in answer.rewrites
                                    if r.kind == "translation"))
    if translated:
        language = "French question" if answer.language == "fr" else "Translated"
        parts.append(escape(f"{language}: searched ") + emphasis(", ".join(translated[:6])))
    return escape(" · ").join(parts[:4])


def _distinct(rewrites: tuple[Rewrite, ...], kind: str) -> list[Rewrite]:
    seen: dict[tuple[str, str], Rewrite] = {}
    for r in rewrites:
        if r.kind == kind:
            seen.setdefault((r.typed.casefold(), r.searched.casefold()), r)
    return list(seen.values())


def unknown_names_note(answer: Answer, emphasis: Marker, escape: Marker) -> str:
    """"Nothing in the corpus mentions *Sudan*." for an abstention an unknown name caused."""
    if not answer.unknown_names:
        return ""
    names = [emphasis(n) for n in answer.unknown_names[:4]]
    joined = names[0] if len(names) == 1 else escape(", ").join(names[:-1]) + escape(
        " or ") + names[-1]
    return escape("Nothing in the corpus mentions ") + joined + escape(".")
