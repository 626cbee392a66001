"""Entities described instead of named ("the Maghreb al-Qaeda branch", "the secular
separatists", "the interim president"): which alias-table entry a run of words describes.

Entity linking by the alias table's own words. Each entry has *words*: those of its names,
its `description` and its `descriptors` (short encyclopedic descriptions: the Wikipedia
lead sentence or the Wikidata description); and *fields*: each name, and the head of each
clause of a description ("president of Mali" of "president of Mali ousted by the 2012
coup": what the entry is, not what it did). A term weighs its
inverse entry frequency over the table (log(1 + N / entries holding it)): "al-Qaeda" or
"secular" say much, "group" or "Mali" little. A run of two or more content terms describes
an entry when every term is one of the entry's words, the run covers at least
`MIN_FIELD_COVERAGE` of one field (IDF-weighted) and its terms weigh as much as two terms
each held by one entry in twenty (never common words alone: "armed groups"). When several
entries qualify, the one sharing most with the rest of the question wins (its other terms,
IDF-weighted: the context of an entity mention), then the one whose field the run covers
best; a tie links nothing.
Pure functions over plain strings; the terms are those of `index.analyze`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from index.analyze import analyze

MIN_FIELD_COVERAGE = 0.4  # share of one field's IDF weight the described words must hold
MIN_TERMS = 2             # never one word alone: "separatists" is not the MNLA
RARE_SHARE = 0.05         # a term held by this share of the entries is a telling one...
MIN_TELLING = 2           # ...and the words must weigh as much as this many telling terms
_CLAUSE = re.compile(r"[,;()]|\s-\s")
# Where a description's head ends: what follows qualifies it (when, by whom, how).
# Words that start what qualifies a description rather than what it names (prepositions and
# relative words): a description's head ends at the first, and so does a run of a question.
SUBORDINATING = frozenset("""that which who whose whom as by from until since to into between
with after before when where against behind near at on for under over during across
around""".split())
_SUBORDINATE = re.compile(r"\b(?:" + "|".join(sorted(SUBORDINATING)) + r")\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    terms: frozenset[str]
    fields: tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class Link:
    """The entry a run of words describes, and how well."""

    entry_id: str
    context: float   # IDF weight of the question's other terms the entry also holds
    coverage: float  # the best share of one field the run covers


class Descriptions:
    """Every entry's fields, and the table-wide weight of each term."""

    def __init__(self, entries: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> None:
        """`entries`: (entry id, its names, its description and descriptors)."""
        built = [_entry(*entry) for entry in entries]
        self._entries = [e for e in built if e.terms]
        holders: dict[str, list[int]] = {}
        for i, entry in enumerate(self._entries):
            for term in entry.terms:
                holders.setdefault(term, []).append(i)
        n = len(self._entries)
        self._holders = {t: frozenset(ids) for t, ids in holders.items()}
        self._idf = {t: math.log(1.0 + n / len(ids)) for t, ids in holders.items()}
        self._min_weight = MIN_TELLING * math.log(1.0 + 1.0 / RARE_SHARE)

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def knows(self, term: str) -> bool:
        """The term is a word of some entry."""
        return term in self._holders

    def link(self, run: Sequence[str], context: Collection[str]) -> Link | None:
        """The one entry the run of terms describes, weighed against the question's other
        terms (`context`), or None when none or several do."""
        terms = frozenset(run)
        if len(terms) < MIN_TERMS or any(t not in self._holders for t in terms):
            return None
        if sum(self.idf(t) for t in terms) < self._min_weight:
            return None  # common words only ("armed groups")
        common = frozenset.intersection(*(self._holders[t] for t in terms))
        found = [link for i in common
                 if (link := self._linked(self._entries[i], terms, context)) is not None]
        found.sort(key=lambda f: (-f.context, -f.coverage))
        if not found or (len(found) > 1 and _ties(found[0], found[1])):
            return None
        return found[0]

    def _linked(self, entry: _Entry, terms: frozenset[str], context: Collection[str]
                ) -> Link | None:
        coverage = max(self._coverage(terms, f) for f in entry.fields)
        if coverage < MIN_FIELD_COVERAGE:
            return None
        shared = sum(self.idf(t) for t in set(context) - terms if t in entry.terms)
        return Link(entry.id, shared, coverage)

    def _coverage(self, terms: frozenset[str], field: frozenset[str]) -> float:
        whole = sum(self.idf(t) for t in field)
        return sum(self.idf(t) for t in field & terms) / whole if whole else 0.0


_TIE = 1e-6


def _ties(first: Link, second: Link) -> bool:
    return (abs(first.context - second.context) < _TIE
            and abs(first.coverage - second.coverage) < _TIE)


def _entry(entry_id: str, names: Sequence[str], descriptions: Sequence[str]) -> _Entry:
    clauses = [clause for text in descriptions for clause in _CLAUSE.split(text)]
    words = frozenset(t for text in (*names, *clauses) for t in analyze(text))
    fields = [frozenset(analyze(text)) for text in (*names, *map(_head, clauses))]
    return _Entry(entry_id, words, tuple(f for f in fields if f))


def _head(clause: str) -> str:
    """A clause up to its first subordinate part: "president of Mali | ousted by the 2012
    coup", "the north of Mali | as named by the Tuareg separatists"."""
    return _SUBORDINATE.split(clause, maxsplit=1)[0]
