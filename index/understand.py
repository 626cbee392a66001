"""What the user typed -> the structured `Query` that ranking consumes. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from index.analyze import analyze, expand
from index.query import SYNONYM, TYPED, Alternative, Concept, Query
from index.vocabulary import Vocabulary

__all__ = ["NO_ALIASES", "AliasLookup", "understand"]

MAX_CHARS = 500        # longer questions are cut at a word boundary
MAX_CONCEPTS = 32
SYNONYM_WEIGHT = 0.3   # equivalent words help, but never outrank the user's own words

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class AliasEntryLike(Protocol):
    """What understanding reads of an alias entry (index.lexicon.AliasEntry)."""

    @property
    def id(self) -> str: ...

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def predecessors(self) -> tuple[str, ...]: ...

    @property
    def successors(self) -> tuple[str, ...]: ...


class AliasLookup(Protocol):
    """What understanding reads of the alias table (index.lexicon.AliasTable)."""

    def lookup(self, phrase: str) -> AliasEntryLike | None: ...

    def entry(self, id: str) -> AliasEntryLike | None: ...

    def max_name_words(self) -> int: ...


class _NoAliases:
    """An empty alias table."""

    def lookup(self, phrase: str) -> AliasEntryLike | None:
        return None

    def entry(self, id: str) -> AliasEntryLike | None:
        return None

    def max_name_words(self) -> int:
        return 0


NO_ALIASES: AliasLookup = _NoAliases()


def understand(question: str, vocabulary: Vocabulary, aliases: AliasLookup, *,
               bot_names: Sequence[str] = ()) -> Query:
    """The question's concepts, each with the index terms that count for it."""
    cleaned = _cut(question).strip()
    concepts: list[Concept] = []
    seen: set[str] = set()
    for word in _WORD.findall(cleaned):
        for term in analyze(word):
            if term in seen or len(concepts) >= MAX_CONCEPTS:
                continue
            seen.add(term)
            concepts.append(Concept(word, _typed_alternatives(term)))
    return Query(question=question, cleaned=cleaned, concepts=tuple(concepts))


def _typed_alternatives(term: str) -> tuple[Alternative, ...]:
    """The term itself, then its synonyms at a lower weight."""
    synonyms = sorted(expand([term])[term] - {term})
    return (Alternative(term, 1.0, TYPED),
            *(Alternative(s, SYNONYM_WEIGHT, SYNONYM) for s in synonyms))


def _cut(text: str) -> str:
    """At most MAX_CHARS characters, cut at a word boundary."""
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    space = head.rfind(" ")
    return head[:space] if space > MAX_CHARS // 2 else head
