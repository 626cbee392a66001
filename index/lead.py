"""The lead quote (#12): the best one or two consecutive verbatim sentences of the top
passage (of the next one when it holds none of the question's words), the window holding
the most of the question's distinct words weighted by how rare they are. Pure functions;
offsets index the passage text so renderers quote it verbatim and highlight within it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from index.analyze import analyze
from index.query import Query

MAX_CHARS = 300
ELLIPSIS = "…"

# Words after which a full stop does not end a sentence ("Gen. Goïta", "Jan. 5").
_ABBREVIATIONS = frozenset((
    "col", "gen", "lt", "maj", "capt", "cpt", "sgt", "cmdr", "adm", "mr", "mrs", "ms", "dr",
    "prof", "st", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "pres", "gov", "sen", "rep", "inc", "ltd", "co", "corp",
    "approx", "est", "fig", "vol", "art", "mt", "ft", "gén", "mme", "mlle", "m"))
# A candidate sentence end: terminal punctuation, closing quotes or brackets, whitespace,
# then (optionally an opening quote or bracket and) a capital or a digit.
_CANDIDATE_END = re.compile(
    r"[.!?…]+[\"”’»)\]]*(?:\s+|$)(?=[\"“‘«(\[]?\s?[A-Z0-9À-ÖØ-Þ]|$)|\n+")
_LAST_WORD = re.compile(r"([^\W\d_]+(?:\.[^\W\d_]+)*)\.[\"”’»)\]]*\s*$")
# Where a long sentence may be cut: after a clause mark followed by a space.
_CLAUSE = re.compile(r"[,;:](?=\s)|\s[—–](?=\s)")


@dataclass(frozen=True, slots=True)
class Lead:
    """The lead quote: `text == passages[passage_rank - 1][start:end]`. `passage_rank` is
    1-based, in the order the passages were given (the answer's source number).
    `truncated` is True when one over-long sentence was cut at a clause boundary: show it
    followed by an ellipsis (`quoted`)."""

    passage_rank: int
    start: int
    end: int
    text: str
    truncated: bool = False

    @property
    def quoted(self) -> str:
        return self.text + ELLIPSIS if self.truncated else self.text


def _is_abbreviation(before: str) -> bool:
    """True when `before` (text up to a full stop) ends with an abbreviation or an
    initial ("Gen.", "U.N.", "J.")."""
    match = _LAST_WORD.search(before)
    if match is None:
        return False
    word = match.group(1)
    return "." in word or len(word) == 1 or word.casefold() in _ABBREVIATIONS


def _after_abbreviation(text: str, start: int, match: re.Match[str]) -> bool:
    end = match.group()
    if not end.startswith(".") or end.startswith("..") or "\n" in end:
        return False
    # Only the last word matters: read from the space before it, not from the sentence start.
    word_start = max(start, text.rfind(" ", start, match.start()))
    return _is_abbreviation(text[word_start:match.start() + 1])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, without surrounding whitespace; a full
    stop after an abbreviation or an initial does not end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CANDIDATE_END.finditer(text):
        if _after_abbreviation(text, start, match):
            continue
        _append_trimmed(spans, text, start, match.end())
        start = match.end()
    _append_trimmed(spans, text, start, len(text))
    return spans


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        left = start + len(piece) - len(piece.lstrip())
        spans.append((left, left + len(stripped)))


# Per concept of the question: each of its terms -> (weight in the query, weight x IDF).
Groups = Sequence[Mapping[str, tuple[float, float]]]


def concept_weights(query: Query, idf: Callable[[str], float]
                    ) -> list[dict[str, tuple[float, float]]]:
    """The question's concepts as `select_lead` weighs them: a concept counts once however
    many of its alternatives a window holds, by its best alternative there."""
    weights = query.weighted_terms()
    groups = [{t: (weights[t], weights[t] * max(idf(t), 0.0)) for t in c.terms if t in weights}
              for c in query.concepts]
    return [g for g in groups if g]


@dataclass(frozen=True, slots=True)
class _Window:
    rank: int
    start: int
    end: int
    sentences: int
    score: tuple[float, float]


def _score(terms: frozenset[str], groups: Groups) -> tuple[float, float]:
    """(how many of the question's concepts the window holds, each by its alternative's
    weight; the same weighted by rarity): most distinct words first, rarer ones next."""
    covered, rarity = 0.0, 0.0
    for group in groups:
        found = [w for t, w in group.items() if t in terms]
        if found:
            best = max(found, key=lambda w: (w[0], w[1]))
            covered += best[0]
            rarity += best[1]
    return round(covered, 6), round(rarity, 6)


_NOTHING = (0.0, 0.0)  # the score of a window holding none of the question's terms


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[frozenset[str], ...]]:
    """The sentence spans of `text` and the distinct index terms of each (cached: ranking
    reads the kept passages' sentences, then the lead those of the first page)."""
    spans = tuple(sentence_spans(text))
    return spans, tuple(frozenset(analyze(text[a:b])) for a, b in spans)


def _windows(rank: int, text: str, groups: Groups,
             max_chars: int) -> Iterable[_Window]:
    spans, terms = sentences(text)
    asked = frozenset(t for group in groups for t in group)
    holds = [not sentence.isdisjoint(asked) for sentence in terms]
    scores = [_score(t, groups) if held else _NOTHING for t, held in zip(terms, holds,
                                                                         strict=True)]
    for i, (a, b) in enumerate(spans):
        single = scores[i]
        yield _Window(rank, a, b, 1, single)
        if i + 1 < len(spans) and (holds[i] or holds[i + 1]):  # else the pair scores nothing
            b2 = spans[i + 1][1]
            pair = _score(terms[i] | terms[i + 1], groups)
            if b2 - a <= max_chars and pair > max(single, scores[i + 1]):
                yield _Window(rank, a, b2, 2, pair)


def select_lead(passages: Sequence[str], groups: Groups,
                max_chars: int = MAX_CHARS) -> Lead | None:
    """The best window (`concept_weights` groups) of the first passage (texts in rank
    order) that holds any of the question's concepts: the top passage's, whenever it
    holds one, since ranking put first the passage where the question's words meet
    (`index.proximity`); when none does, the top passage's first sentence. None when there
    is no text at all. Within a passage: most concepts, then rarer ones; ties favour
    earlier sentences, then one sentence over two."""
    first: _Window | None = None
    for rank, text in enumerate(passages, start=1):
        best = _best_window(rank, text, groups, max_chars)
        if best is not None and best.score > _NOTHING:
            return _lead(text, best, max_chars)
        first = first or best
    if first is None:
        return None
    return _lead(passages[first.rank - 1], first, max_chars)


def _best_window(rank: int, text: str, groups: Groups, max_chars: int) -> _Window | None:
    best: _Window | None = None
    for window in _windows(rank, text, groups, max_chars):
        if best is None or window.score > best.score:
            best = window
    return best


def lead_for(query: Query, idf: Callable[[str], float], passages: Sequence[str],
             max_chars: int = MAX_CHARS) -> Lead | None:
    """The lead quote for a question over its top passages (`idf`: the engine's
    `BM25.idf`)."""
    return select_lead(passages, concept_weights(query, idf), max_chars)


def _lead(text: str, window: _Window, max_chars: int) -> Lead:
    start, end = window.start, window.end
    if end - start <= max_chars:
        return Lead(window.rank, start, end, text[start:end])
    cut = _clause_cut(text, start, end, max_chars)
    return Lead(window.rank, start, cut, text[start:cut], truncated=True)


def _clause_cut(text: str, start: int, end: int, max_chars: int) -> int:
    """End of the longest clause-bounded prefix of text[start:end] within max_chars
    (without its clause mark); else the last word boundary; else a hard cut."""
    limit = start + max_chars - len(ELLIPSIS)
    cuts = [m.start() for m in _CLAUSE.finditer(text, start, end)
            if start < m.start() <= limit]
    if not cuts:
        space = text.rfind(" ", start + 1, limit + 1)
        cuts = [space] if space > start else [limit]
    return len(text[start:cuts[-1]].rstrip()) + start
