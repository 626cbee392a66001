"""Proximity (#10): where the question's concepts meet in a passage. A passage may hold
several topics; its bag of words cannot tell the question's words gathered in one sentence
from the same words scattered over unrelated ones. As passage-level evidence and "best
window" scoring do in IR systems, each kept passage is given the IDF-weighted share of the
question's concepts (any alternative counting for its concept) that its best window holds:
one sentence, or two consecutive ones at a discount (`PAIR_DISCOUNT`). The kept passages
are then reordered by score x (window share / the passage's own share) ** power: a passage
whose matched concepts meet in one place keeps its score, one whose concepts are scattered
over unrelated sentences loses some.
Reordering only: no passage is kept or dropped here. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from index.analyze import analyze
from index.lead import sentence_spans

if TYPE_CHECKING:
    from index.rank import Hit

__all__ = ["PAIR_DISCOUNT", "Texts", "Weighted", "Window", "best_window", "reordered",
           "sentence_terms", "window_share"]

PAIR_DISCOUNT = 0.5  # a window of two sentences counts this much of what it holds


class Texts(Protocol):
    """What proximity reads of a passage, by engine document index."""

    def text_of(self, index: int) -> str:
        """The passage text."""
        ...


@dataclass(frozen=True, slots=True)
class Weighted:
    """One concept of the question: the index terms that count for it, and its weight in
    coverage (its best alternative's weight x idf, as the abstention rules weigh it)."""

    terms: frozenset[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Window:
    """The best window of a passage: its first sentence (0-based), how many sentences, and
    the IDF-weighted share of the question's concepts it holds (0..1, discounted for two
    sentences)."""

    first: int
    sentences: int
    share: float


@lru_cache(maxsize=4096)
def sentence_terms(text: str) -> tuple[frozenset[str], ...]:
    """The distinct index terms of each sentence of `text` (`lead.sentence_spans`), in
    order."""
    return tuple(frozenset(analyze(text[a:b])) for a, b in sentence_spans(text))


def _share(held: frozenset[str], concepts: Sequence[Weighted], total: float) -> float:
    return sum(c.weight for c in concepts if not c.terms.isdisjoint(held)) / total


def best_window(sentences: Sequence[frozenset[str]], concepts: Sequence[Weighted],
                pair_discount: float = PAIR_DISCOUNT) -> Window | None:
    """The window of one sentence, or two consecutive ones (their share x `pair_discount`),
    holding the largest IDF-weighted share of the concepts; ties go to the earlier, then
    the shorter window. None when there is no sentence or no concept weighs anything."""
    total = sum(c.weight for c in concepts)
    if not sentences or total <= 0:
        return None
    best = Window(0, 1, -1.0)
    for first, terms in enumerate(sentences):
        single = Window(first, 1, _share(terms, concepts, total))
        best = max(best, single, key=lambda w: w.share)  # max keeps the first of equals
        if first + 1 < len(sentences):
            held = terms | sentences[first + 1]
            pair = Window(first, 2, pair_discount * _share(held, concepts, total))
            best = max(best, pair, key=lambda w: w.share)
    return best


def window_share(index: int, passages: Texts, concepts: Sequence[Weighted]) -> float:
    """The share of the concepts the best window of passage `index` holds (0 when none)."""
    window = best_window(sentence_terms(passages.text_of(index)), concepts, PAIR_DISCOUNT)
    return window.share if window is not None else 0.0


def reordered(hits: Sequence[Hit], concepts: Sequence[Weighted], passages: Texts,
              power: float) -> list[Hit]:
    """The hits rescored by score x (their best window's share / their coverage) ** power
    (the ratio capped at 1), those passing every rule still before the companions: the same
    hits, none added or dropped. power <= 0 leaves them as they are."""
    if power <= 0 or len(hits) < 2:
        return list(hits)
    rescored = [replace(h, score=h.score * _gathered(h, passages, concepts) ** power)
                for h in hits]
    return sorted(rescored, key=lambda h: (h.companion, -h.score, h.index))


def _gathered(hit: Hit, passages: Texts, concepts: Sequence[Weighted]) -> float:
    """How much of what the passage matches meets in its best window (0..1)."""
    if hit.coverage <= 0:
        return 1.0
    return min(1.0, window_share(hit.index, passages, concepts) / hit.coverage)
