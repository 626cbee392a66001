"""Proximity (#10): where the question's concepts meet in a passage. A passage may hold
several topics; its bag of words cannot tell the question's words gathered in one sentence
from the same words scattered over unrelated ones. As passage-level evidence and "best
window" scoring do in IR systems, each kept passage is given the IDF-weighted share of the
question's concepts (any alternative counting for its concept) that its best window holds:
one sentence, or two consecutive ones at a discount (`PAIR_DISCOUNT`). The kept passages
are then reordered by score x (best window's share / the passage's coverage) ** power: a
passage whose matched concepts meet in one place keeps its score, one whose concepts are
scattered over unrelated sentences (or held only by its heading) loses some.

Reordering only: no passage is kept or dropped here. Since the factor is at most 1, only the
passages that can still reach the first `SETTLED` places are read (best first, until the
next one's unchanged score cannot reach them); the others keep their order below, at most
the lowest score read. Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from index.lead import sentences

if TYPE_CHECKING:
    from index.rank import Hit

__all__ = ["PAIR_DISCOUNT", "SETTLED", "Texts", "Weighted", "Window", "best_window",
           "gathered", "reordered", "sentence_terms"]

PAIR_DISCOUNT = 0.5  # a window of two sentences counts this much of what it holds
SETTLED = 4          # places settled exactly: the first page and the next passage


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


def sentence_terms(text: str) -> tuple[frozenset[str], ...]:
    """The distinct index terms of each sentence of `text` (`lead.sentences`), in order."""
    return sentences(text)[1]


def _masks(terms: Sequence[frozenset[str]], concepts: Sequence[Weighted]) -> list[int]:
    """Per sentence, the concepts it holds as a bit set (bit i: concepts[i])."""
    return [sum(1 << i for i, c in enumerate(concepts) if not c.terms.isdisjoint(held))
            for held in terms]


def _weigher(concepts: Sequence[Weighted]) -> Callable[[int], float]:
    """The IDF-weighted share of the concepts a bit set holds."""
    total = sum(c.weight for c in concepts)
    return lambda mask: sum(c.weight for i, c in enumerate(concepts) if mask >> i & 1) / total


def best_window(terms: Sequence[frozenset[str]], concepts: Sequence[Weighted],
                pair_discount: float = PAIR_DISCOUNT) -> Window | None:
    """The window of one sentence, or two consecutive ones (their share x `pair_discount`),
    holding the largest IDF-weighted share of the concepts; ties go to the earlier, then
    the shorter window. None when there is no sentence or no concept weighs anything."""
    if not terms or sum(c.weight for c in concepts) <= 0:
        return None
    share = _weigher(concepts)
    masks = _masks(terms, concepts)
    best = Window(0, 1, -1.0)
    for first, mask in enumerate(masks):
        best = max(best, Window(first, 1, share(mask)), key=lambda w: w.share)  # first of ties
        if first + 1 < len(masks):
            pair = Window(first, 2, pair_discount * share(mask | masks[first + 1]))
            best = max(best, pair, key=lambda w: w.share)
    return best


def gathered(text: str, concepts: Sequence[Weighted], coverage: float) -> float:
    """How much of what a passage matches (`coverage`: the IDF-weighted share of the
    concepts its indexed text holds, heading and related names included) meets in its
    best window of `text`: the window's share over it, at most 1."""
    if coverage <= 0:
        return 1.0
    window = best_window(sentence_terms(text), concepts)
    return min(1.0, (window.share if window is not None else 0.0) / coverage)


def reordered(hits: Sequence[Hit], concepts: Sequence[Weighted], passages: Texts,
              power: float) -> list[Hit]:
    """The hits rescored by score x `gathered` ** power, those passing every rule still
    before the companions: the same hits, none added or dropped. Exact for the first
    `SETTLED` places of each group; below them the hits not read keep their order, at most
    the lowest score read. power <= 0 leaves the hits as they are."""
    if power <= 0 or sum(c.weight for c in concepts) <= 0:
        return list(hits)

    def rescored(hit: Hit) -> Hit:
        if len(hit.matched) <= 1:  # one concept always meets itself
            return hit
        meet = gathered(passages.text_of(hit.index), concepts, hit.coverage)
        return replace(hit, score=hit.score * meet ** power)

    strict = [h for h in hits if not h.companion]
    near = [h for h in hits if h.companion]
    return _settled(strict, rescored) + _settled(near, rescored)


def _by_score(hits: Sequence[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: (-h.score, h.index))


def _settled(hits: Sequence[Hit], rescored: Callable[[Hit], Hit]) -> list[Hit]:
    """Rescore best first until the next hit's score (an upper bound of its new one) cannot
    reach the first SETTLED places; the rest follow, capped at the lowest new score."""
    order = _by_score(hits)
    done: list[Hit] = []
    for i, hit in enumerate(order):
        if len(done) >= SETTLED and _by_score(done)[SETTLED - 1].score >= hit.score:
            floor = min(h.score for h in done)
            rest = [h if h.score <= floor else replace(h, score=floor) for h in order[i:]]
            return _by_score(done) + rest
        done.append(rescored(hit))
    return _by_score(done)
