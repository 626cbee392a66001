"""A question as the search understands it: what `index.understand` produces from the
user's words and `index.rank` consumes. Plain immutable values, no logic beyond helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# How a query term came to be searched; the user's own words weigh most.
TYPED = "typed"          # the user's word, analysed as indexed
VARIANT = "variant"      # a spelling variant found in the index's own vocabulary
ALIAS = "alias"          # another name of the same actor, place or person
TRANSLATION = "translation"  # an English term for a French word (or the reverse)
SYNONYM = "synonym"      # an equivalent word (army/military)


@dataclass(frozen=True, slots=True)
class Alternative:
    """One index term that counts for a concept, with its weight in scoring (0 < w <= 1)."""

    term: str
    weight: float
    how: str = TYPED


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing the user asked about (a word, a name, a phrase) and every index term that
    counts for it. A passage covers the concept when it holds any of the alternatives."""

    typed: str                        # as the user wrote it, e.g. "Tinzaouaten", "GSIM"
    alternatives: tuple[Alternative, ...]
    is_name: bool = False             # a specific name (proper noun, acronym, place)

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(a.term for a in self.alternatives)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A change made to the question, shown to the user in one short line."""

    kind: str      # VARIANT, ALIAS, TRANSLATION, or "noise" for dropped chatter
    typed: str     # what the user wrote
    searched: str  # what was searched instead or as well


@dataclass(frozen=True, slots=True)
class DateRange:
    """A period the question names ("June 2025", "in 2012", "2 June 2025"), inclusive."""

    start: dt.date
    end: dt.date
    text: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    """The structured question handed to ranking and abstention."""

    question: str                                 # the text as received
    cleaned: str = ""                             # without chat noise
    language: str = "en"                          # "en" or "fr"
    concepts: tuple[Concept, ...] = ()
    dates: tuple[DateRange, ...] = ()
    wants_recent: bool = False                    # "latest", "now", "currently"
    unknown_names: tuple[str, ...] = ()           # specific names the corpus never mentions
    rewrites: tuple[Rewrite, ...] = ()
    defines: str = ""                             # "What is X?" / bare "X": the X
    wants_reason: bool = False                    # "Why…?", "for what reason", "pourquoi"
    notes: tuple[str, ...] = field(default=(), compare=False)  # debugging only

    def weighted_terms(self) -> dict[str, float]:
        """Every index term to score with its largest weight across concepts."""
        weights: dict[str, float] = {}
        for concept in self.concepts:
            for alt in concept.alternatives:
                weights[alt.term] = max(weights.get(alt.term, 0.0), alt.weight)
        return weights
