"""Transport-free answer objects: what the core returns and every renderer reads."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot import texts
from bot.duplicates import Duplicate
from index.reasons import Reason


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
    # the document's citation metadata (#12); "" is unknown. Dates are ISO days.
    outlet: str = ""
    published: str = ""
    updated: str = ""
    author: str = ""
    url: str = ""
    language: str = ""
    event_dates: tuple[tuple[str, str], ...] = ()  # what the passage says it is about

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
class LeadQuote:
    """The lead quote (#12): `passages[source - 1].text[start:end]`, verbatim;
    `truncated` when one over-long sentence was cut at a clause (show an ellipsis)."""

    source: int
    start: int
    end: int
    text: str
    truncated: bool = False


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
    lead: LeadQuote | None = None  # first page only
    suggestions: tuple[str, ...] = ()  # questions to try when nothing was found

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
    near_duplicates: tuple[Duplicate, ...] = ()  # an add's articles that nearly repeat others
    notes: tuple[Reason, ...] = ()  # `skipped` as catalogue reasons, for any language

    def skipped_in(self, language: str) -> list[str]:
        """Why files were skipped, in `language` (English for what has no code)."""
        if len(self.notes) != len(self.skipped):
            return list(self.skipped)
        return [texts.told(note, language) for note in self.notes]


Marker = Callable[[str], str]


def rewrite_note(answer: Answer, emphasis: Marker, escape: Marker, language: str = "en") -> str:
    """One short line saying how the question was changed, e.g. "Showing results for
    *Tinzaouatene* (you wrote *Tinzaouaten*) · *GSIM* = *JNIM*"; "" when nothing was.
    `emphasis` marks (and escapes) a word, `escape` makes plain text safe; the words are
    the interface `language`'s."""
    parts = []
    variants = [texts.marked("you_wrote", language, escape, searched=emphasis(r.searched),
                             typed=emphasis(r.typed))
                for r in _distinct(answer.rewrites, "variant")[:3]]
    if variants:  # one "Showing results for", however many words were respelled
        parts.append(texts.marked("showing_for", language, escape,
                                  words=escape(", ").join(variants)))
    for r in _distinct(answer.rewrites, "alias"):
        parts.append(emphasis(r.typed) + escape(" = ") + emphasis(r.searched))
    translated = list(dict.fromkeys(r.searched for r in answer.rewrites
                                    if r.kind == "translation"))
    if translated:
        said = "searched_french" if answer.language == "fr" else "searched_translated"
        parts.append(texts.marked(said, language, escape,
                                  words=emphasis(", ".join(translated[:6]))))
    return escape(" · ").join(parts[:4])


def _distinct(rewrites: tuple[Rewrite, ...], kind: str) -> list[Rewrite]:
    seen: dict[tuple[str, str], Rewrite] = {}
    for r in rewrites:
        if r.kind == kind:
            seen.setdefault((r.typed.casefold(), r.searched.casefold()), r)
    return list(seen.values())


def unknown_names_note(answer: Answer, emphasis: Marker, escape: Marker,
                       language: str = "en") -> str:
    """"Nothing in the corpus mentions *Sudan*." for an abstention an unknown name caused,
    in the interface `language`."""
    if not answer.unknown_names:
        return ""
    names = [emphasis(n) for n in answer.unknown_names[:4]]
    joined = names[0] if len(names) == 1 else texts.marked(
        "names_or", language, escape, names=escape(", ").join(names[:-1]), last=names[-1])
    return texts.marked("mentions_nothing", language, escape, names=joined)


def citation_line(citation: Citation, language: str = "en", *, warn: bool = False) -> str:
    """`Outlet · 5 Aug 2024 · Title` in the interface `language`; with the passage's own
    event date, "reported 5 Aug 2024, about 25–27 July 2024". `warn` marks missing
    outlet, date and URL with ⚠ (the preview after /add and /cite)."""
    outlet = citation.outlet or (texts.text("outlet_unknown", language) if warn else "")
    parts = [outlet, citation_date(citation, language), citation.title]
    if warn and not citation.url:
        parts.append(texts.text("no_url", language))
    return " · ".join(part for part in parts if part)


def citation_date(citation: Citation, language: str = "en") -> str:
    """The publication date ("5 Aug 2024"; the dateline as written when it has no ISO
    day), with the passage's first event date when it states one."""
    published = format_day(citation.published, language)
    shown = published or _updated(citation, language)
    if not shown:
        return texts.text("date_unknown", language)
    span = _events_span(citation.event_dates)
    event = format_span(*span, language) if span else ""
    if not event or span == (citation.published, citation.published):
        return shown
    if published:
        return texts.text("reported_about", language, published=published, event=event)
    updated = format_day(citation.updated, language)
    if updated:  # only an update date is known: say so, never "reported updated …"
        return texts.text("updated_about", language, updated=updated, event=event)
    return texts.text("reported_about", language, published=shown, event=event)


_ABOUT_AT_MOST_DAYS = 31  # dates further apart than a month say no one "about"


def _events_span(event_dates: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """The date or period a passage states; several as one span (the fighting on 25 July
    and the statement on 3 August read "25 July – 3 August 2024"), or None when they lie
    too far apart to say what the passage is about."""
    if len(set(event_dates)) <= 1:
        return event_dates[0] if event_dates else None
    start, end = min(s for s, _ in event_dates), max(e for _, e in event_dates)
    first, last = _iso_day(start), _iso_day(end)
    if first is None or last is None:
        return None
    if (dt.date(*last) - dt.date(*first)).days > _ABOUT_AT_MOST_DAYS:
        return None
    return start, end


def _updated(citation: Citation, language: str) -> str:
    updated = format_day(citation.updated, language)
    return texts.text("updated_on", language, updated=updated) if updated else citation.date


def format_day(iso: str, language: str = "en", *, long: bool = False) -> str:
    """"2024-08-05" -> "5 Aug 2024" (``long``: "5 August 2024"); "" when not an ISO day."""
    parsed = _iso_day(iso)
    if parsed is None:
        return ""
    year, month, day = parsed
    return f"{day} {_month(month, language, long)} {year}"


def format_span(start: str, end: str, language: str = "en") -> str:
    """An inclusive ISO range as people write it: "25–27 July 2024", "July 2024",
    "30 June – 2 July 2024", "2024"; "" when either end is not an ISO day."""
    first, last = _iso_day(start), _iso_day(end)
    if first is None or last is None:
        return ""
    if first == last:
        return format_day(start, language, long=True)
    (y1, m1, d1), (y2, m2, d2) = first, last
    if (m1, d1, m2, d2) == (1, 1, 12, 31) and y1 == y2:
        return str(y1)
    if y1 == y2 and m1 == m2:
        if d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]:
            return f"{_month(m1, language, True)} {y1}"
        return f"{d1}–{d2} {_month(m1, language, True)} {y1}"
    head = f"{d1} {_month(m1, language, True)}" + ("" if y1 == y2 else f" {y1}")
    return f"{head} – {format_day(end, language, long=True)}"


def _iso_day(iso: str) -> tuple[int, int, int] | None:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return None
    return day.year, day.month, day.day


def _month(number: int, language: str, long: bool) -> str:
    return texts.text("months_long" if long else "months_short", language).split()[number - 1]
