"""Ranking and abstention: a structured `Query` -> the passages worth showing, or a reasoned
refusal. Pure functions over the engine and a read-only view of the passages.

Scoring is BM25Okapi on a weighted query: every alternative of every concept is one term,
scored weight x its BM25 term score (`BM25.top_k_weighted`); the user's own words weigh 1,
variants, aliases and translations less. On top of that a few bounded boosts (date, recency,
definition) reorder the candidates, and a light diversification keeps one document from
filling the whole first page when another speaks to the same question (or nearly ties for
its third place). A question weighing alternatives ("A or B", "A vs B", "A and B each")
gets a passage for each side on the first page, after the best hit, which stays first. A
question asking what a party says ("..., and does Mali confirm it?", "is that true? what did
the army say") gets a passage where that party speaks right after the best hit, from the
claim's own report when no kept passage has one; "how many…?" wants passages giving a count.
A party is heard by every word of its camp (`CAMPS`: "Bamako" speaks where "Mali's army has
admitted"); a side's passage speaks of the sides' subject (`_on_subject`); one party's claim
brings the passage of its report that disputes it (`_countered`); a question framing a
disagreement without naming its parties ("what does each side say?") hears two camps
(`_other_voice`).

Abstention never compares a raw BM25 score with a fixed floor (raw scores grow with the
corpus). A passage is kept when
- its score is at least `min_relative_score` of the query's attainable maximum (the sum
  over known concepts of weight x idf x (k1 + 1): what a passage holding each concept once
  in an average-length passage would roughly reach, times 1.5);
- it covers `min_matched_fraction` of the question's known concepts, IDF-weighted (words the
  corpus never saw and that are not names do not count: chat and French words must not
  sink an answer), and at least two of them when the question has two or more (or the X
  of "What is X, and ...?", which the rest of the question asks about);
- it matches at least one distinctive concept (a name the corpus holds in at most a quarter of
  its passages, or one whose IDF is near the question's rarest).
An everyday word (or phrase: "gave up") the corpus holds in a single passage ("seen",
"office") has the highest IDF
there is by chance: in the bar above it counts `everyday_weight` of its weight, and the
question's rarest is also taken without it, so that it does not strip the topical words of
their role (ranking still weighs it in full; it counts in full when the names are apart).
A name typed in a word more than half the passages hold ("Mali" in a corpus about Mali:
a negative Robertson-Sparck Jones weight) need not be held (`_uninformative`): "Kati Mali"
asks about Kati. A question word for a kind of event ("attack") that no candidate holds
beside a name of the question backs off to its broader terms (`analyze.broader`: "fighting",
"battle", "killed"), one way, for BROADER_SHARE of its weight (`_backed_off`).
When the question's distinctive names are never together in one passage of the corpus, no
passage speaks of what they name together: a passage must then cover nearly half the
question (a co-occurrence in the corpus, which documents about other things do not change).
Kept passages are ordered by score x coverage: one holding every concept outranks one that
repeats some of them.
A specific name the corpus never mentions vetoes the answer outright.
A question placing what it asks in a period ("in November 2023") abstains when the kept
passages are about other times (`period.of_another_time`). `index.period` holds that rule and
the dates it reads (`parse_date`, `period.about_period` for the date boost).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, wraps
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from index import lexicon, period, proximity
from index.analyze import analyze, broader, fold
from index.dates import MONTH_NAMES
from index.engine import BM25
from index.lexicon import is_dictionary_word
from index.period import YEAR, parse_date
from index.query import TYPED, Concept, Query

__all__ = [
    "ABSTAIN_EMPTY",
    "ABSTAIN_NO_MATCH",
    "ABSTAIN_UNKNOWN_NAME",
    "Hit",
    "PassageView",
    "RankParams",
    "Ranking",
    "content_concepts",
    "parse_date",
    "rank",
]

ABSTAIN_NO_MATCH = "no_match"        # nothing relevant enough
ABSTAIN_EMPTY = "empty"              # no searchable word in the question
ABSTAIN_UNKNOWN_NAME = "unknown_name"  # the question names something the corpus never mentions

# Words that frame a question rather than say what it is about ("What happened at Ber?").
FILLERS = frozenset(analyze("happen happened mean know explain describe think please "
                            "information info news latest anyone"
                            # the frame of a question about a disagreement ("what does
                            # each side say about X?", "conflicting accounts"; not "claim":
                            # "who claimed the attack" is about a claim)
                            " side sides account accounts version versions according"))
# Framing words whose stem is a topic word ("conflicting accounts" frames; "the conflict"
# is a topic): matched as typed, not by their terms.
FRAMING_TYPED = frozenset("conflicting contradictory contradicting differing".split())


class PassageView(Protocol):
    """What ranking reads of the passages, by engine document index."""

    def terms_of(self, index: int) -> frozenset[str]:
        """Distinct indexed terms of the passage (heading included)."""
        ...

    def doc_key_of(self, index: int) -> str:
        """The document the passage belongs to."""
        ...

    def date_of(self, index: int) -> str:
        """The document's date as written ("05 August 2024", "2024-08-05"), or ""."""
        ...

    def heading_of(self, index: int) -> str:
        """The passage's section title, or ""."""
        ...

    def text_of(self, index: int) -> str:
        """The passage text."""
        ...


@dataclass(frozen=True, slots=True)
class RankParams:
    """Ranking and abstention settings (search.* in config.yaml)."""

    min_score: float = 0.0              # optional raw BM25 floor; 0 = off (corpus-size bound)
    min_matched_fraction: float = 0.3   # IDF-weighted share of the known concepts covered
    min_relative_score: float = 0.12    # score / the query's attainable maximum
    distinctive_share: float = 0.6      # a concept is distinctive if idf >= share x rarest's
    common_share: float = 0.25          # ... and, unless a name, in at most this share of passages
    apart_matched_fraction: float = 0.45  # coverage needed when the question's names are
                                          # never together in one passage
    date_boost: float = 0.3             # passage about the period the question names
    recent_boost: float = 0.15          # newest documents for "latest"/"now"
    define_boost: float = 0.5           # the passage that defines X, for "What is X?"
    reason_boost: float = 0.3           # a passage giving a cause ("due to"), for "Why…?"
    diversity_ratio: float = 0.5        # other document's passage promoted at >= this x top
    companion_ratio: float = 0.5        # near misses kept after the rest at >= this x best
    coverage_power: float = 1.5         # kept passages ranked by score x coverage ** this
    candidates: int = 45                # passages scored before the rules (>= limit)
    sides_share: float = 0.5            # "A or B": a passage for the side the first page
                                        # lacks must share this much of the rest with the best
    source_tie_ratio: float = 0.8       # another document's passage takes the third place
                                        # at >= this x its score, covering as much
    proximity_power: float = 0.3        # kept passages x (share of the concepts their best
                                        # 1-2 sentences hold / their coverage) ** this
    everyday_weight: float = 0.5        # share of its weight an everyday word the corpus
                                        # uses once keeps in the abstention bar (`_everyday`)


@dataclass(frozen=True, slots=True)
class Hit:
    """One kept passage: engine document index, ranking score, concepts it covers."""

    index: int
    score: float
    matched: tuple[str, ...]
    coverage: float = 1.0   # IDF-weighted share of the question's known concepts it holds
    companion: bool = False  # shown after the passages that pass every rule


@dataclass(frozen=True, slots=True)
class Ranking:
    """The outcome: kept hits best first, or an abstention with its reason."""

    hits: tuple[Hit, ...]
    abstained: bool
    reason: str = ""
    unknown_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Weighed:
    """A known concept with its weight in coverage (its best alternative's weight x idf)."""

    concept: Concept
    weight: float
    terms: frozenset[str]
    everyday: bool = False  # see `_everyday`
    broader: frozenset[str] = frozenset()  # see `_broader_terms`

    def through_broader(self) -> _Weighed:
        """The concept as held by a passage that has only its broader terms: it counts for
        BROADER_SHARE of its weight."""
        return replace(self, weight=self.weight * BROADER_SHARE)


def rank(query: Query, engine: BM25, passages: PassageView, *, limit: int,
         params: RankParams) -> Ranking:
    """The passages answering the query, best first (at most `limit`), or an abstention."""
    concepts = content_concepts(query)
    if not concepts:
        return Ranking((), True, ABSTAIN_EMPTY)
    vetoes = _unknown_names(query, concepts, engine)
    if vetoes:
        return Ranking((), True, ABSTAIN_UNKNOWN_NAME, vetoes)
    known = _weigh(concepts, engine)
    off_topic = _off_topic(concepts)
    if not known or any(c not in {w.concept for w in known} for c in off_topic):
        return Ranking((), True, ABSTAIN_NO_MATCH)
    hits = _kept(query, known, engine, params, off_topic)
    if period.of_another_time(query, hits, passages):
        return Ranking((), True, ABSTAIN_NO_MATCH)
    hits = proximity.reordered(hits, [proximity.Weighted(w.terms, w.weight) for w in known],
                               passages, params.proximity_power)
    hits = _diversified(_boosted(query, hits, passages, params), passages, params)
    hits = _sides_found(query, _answered(query, hits, engine, passages, params), engine,
                        passages, params)
    hits = _countered(query, _on_subject(query, hits, passages, params), engine, passages,
                      params)
    hits = _other_voice(query, hits, engine, passages, params)
    if not hits:
        return Ranking((), True, ABSTAIN_NO_MATCH)
    return Ranking(tuple(hits[:limit]), False)


def content_concepts(query: Query) -> tuple[Concept, ...]:
    """The question's concepts without framing words ("happened", "explain"), unless
    nothing else is left."""
    content = tuple(c for c in query.concepts
                    if not c.terms <= FILLERS and fold(c.typed) not in FRAMING_TYPED)
    return content or query.concepts


# ----- abstention ----------------------------------------------------------------------


def _unknown_names(query: Query, concepts: Sequence[Concept], engine: BM25
                   ) -> tuple[str, ...]:
    """Specific names the corpus never mentions: they veto the answer."""
    names = dict.fromkeys(query.unknown_names)
    for concept in concepts:
        if concept.is_name and not any(t in engine for t in concept.terms):
            words = set(concept.typed.split())
            if not any(words <= set(name.split()) for name in names):  # "Cup" of "World Cup"
                names[concept.typed] = None
    return tuple(names)


def _weigh(concepts: Sequence[Concept], engine: BM25) -> list[_Weighed]:
    """Concepts the corpus knows, each weighted by its best alternative's weight x idf."""
    weighed = []
    for concept in concepts:
        known = [a.weight * engine.idf(a.term) for a in concept.alternatives if a.term in engine]
        if known:
            weighed.append(_Weighed(concept, max(max(known), 1e-9), concept.terms,
                                    _everyday(concept, engine),
                                    _broader_terms(concept, engine)))
    return weighed


# A passage holding a concept only through its broader terms: its share of the concept's
# weight in coverage, and the weight of those terms in its score.
BROADER_SHARE = 0.5
BROADER_WEIGHT = 0.15


def _broader_terms(concept: Concept, engine: BM25) -> frozenset[str]:
    """The broader terms (`analyze.broader`) of the words typed for a concept that is not a
    name, which the corpus holds: a question word for a kind of event ("attack") is held,
    for part of its weight, by a passage telling of that violence in its field's general
    words ("fighting", "killed"). One way only: "fighting" has no broader "attack"."""
    if concept.is_name:
        return frozenset()
    found = {t for a in concept.alternatives if a.how == TYPED for t in broader(a.term)}
    return frozenset(t for t in found - concept.terms if t in engine)



def _everyday(concept: Concept, engine: BM25) -> bool:
    """A concept typed in general-language words ("seen", "office", "worst", "gave up"), not
    a name, that the corpus holds in a single passage. Its IDF is the highest there is, yet one
    use is chance, not what the corpus is about (a document-frequency estimate from one
    observation): it must not raise the bar for the question's topical words, nor be the
    one concept a passage needs. In a larger corpus such a word is in more passages and
    counts as any other."""
    if concept.is_name:
        return False
    used = [engine.doc_freq(a.term) for a in concept.alternatives if a.how == TYPED]
    if not any(used) or max(used) > 1:
        return False
    return all(is_dictionary_word(word) for word in fold(concept.typed).split())


def _off_topic(concepts: Sequence[Concept]) -> list[Concept]:
    """Concepts typed in off-topic words (football, recipe, css): what the question is
    about when the bot's topic is not. A passage must hold each of them to answer."""
    terms = lexicon.off_topic_terms()
    return [c for c in concepts if not c.is_name
            and any(a.how == TYPED and a.term in terms for a in c.alternatives)
            and any(_inflects(word) for word in fold(c.typed).lower().split())]


def _inflects(word: str) -> bool:
    """The word is an off-topic word or an inflection of one ("toppings", "baking" of
    "bake"), not another word sharing its stem ("date" is not an inflection of "dating")."""
    return any(word.startswith(listed) or (listed.endswith("e") and word.startswith(listed[:-1]))
               for listed in lexicon.off_topic_words())


def _kept(query: Query, known: list[_Weighed], engine: BM25, params: RankParams,
          required: Sequence[Concept] = ()) -> list[Hit]:
    """Candidates that pass the abstention rules, best first; then, when some did, the near
    misses worth a look ("companions": a distinctive concept, half the required coverage,
    half the best score), after them. A passage lacking a required concept is never kept."""
    scored = _concept_scores(query, known, engine, params.candidates)
    total = sum(w.weight for w in known)
    bar = _bar(known, engine, params)
    dated = period.date_words(query, [w.concept for w in known])
    counted = _counted_people(query, known)
    bar_total = sum(bar.weight_of(w) for w in known)
    floor = max(params.min_score, params.min_relative_score * (engine.k1 + 1) * bar_total)
    strict: list[Hit] = []
    near: list[Hit] = []
    for index, score, matched in scored:
        if score < floor and (not strict or score < params.companion_ratio * strict[0].score):
            break  # candidates come best first: nothing further can be kept
        if not any(w.concept.typed in bar.distinctive for w in matched):
            continue
        if required and not set(required) <= {w.concept for w in matched}:
            continue
        coverage = sum(w.weight for w in matched) / total
        bar_coverage = (coverage if bar_total == total  # no everyday word counts less
                        else sum(bar.weight_of(w) for w in matched) / bar_total)
        typed = tuple(w.concept.typed for w in matched)
        enough = (_enough(matched, bar.need, dated | counted | bar.uninformative, known)
                  or _defines(query, matched))
        if score >= floor and enough and bar_coverage >= bar.fraction:
            strict.append(Hit(index, score, typed, coverage))
        elif bar_coverage >= params.min_matched_fraction / 2:
            near.append(Hit(index, score, typed, coverage, companion=True))
    if not strict:
        return []
    strict = _coordinated(strict, params.coverage_power)
    best = strict[0].score
    return strict + [h for h in near if h.score >= params.companion_ratio * best]


# Words asking for a count: "how many", "how much", "the number of", "death toll",
# "combien (de)".
_COUNT_WORDS = r"how\s+(?:many|much)|number\s+of|combien(?:\s+de\b|\s+d')?|toll"
# "How many people were displaced?": reports give the number ("600,000 have been
# displaced") and leave the word for people out.
_COUNTED_PEOPLE = re.compile(
    rf"\b(?:{_COUNT_WORDS})\s*(?P<noun>people|persons|individuals|personnes|gens)\b")


def _counted_people(query: Query, known: Sequence[_Weighed]) -> frozenset[str]:
    """The word for people after "how many" when the question has other concepts too: a
    passage holding every other concept need not hold it."""
    match = _COUNTED_PEOPLE.search(fold(query.cleaned or query.question))
    if match is None or len(known) < 2:
        return frozenset()
    return frozenset(w.concept.typed for w in known if fold(w.concept.typed) == match["noun"])


def _enough(matched: Sequence[_Weighed], need: int, optional: frozenset[str],
            known: Sequence[_Weighed]) -> bool:
    """The passage holds `need` of the question's concepts, or every one but the optional
    ones: the words of the period the question names (the period rule checks the time) and
    the people counted (`_counted_people`). "What happened to the Timbuktu mausoleums in
    2012?" is answered by the passage about Timbuktu's mausoleums, though none names
    Timbuktu and 2012 together."""
    if len(matched) >= need:
        return True
    rest = {w.concept.typed for w in known} - optional
    return bool(optional) and rest <= {w.concept.typed for w in matched}


def _defines(query: Query, matched: Sequence[_Weighed]) -> bool:
    """The passage holds the X of "What is X?" (`Query.defines`), which the rest of the
    question asks about."""
    subject = fold(query.defines)
    return bool(subject) and any(fold(w.concept.typed) == subject for w in matched)


@dataclass(frozen=True, slots=True)
class _Bar:
    """What a candidate must hold to be kept: one of `distinctive`, `need` of the
    question's concepts, and `fraction` of the question (IDF-weighted)."""

    distinctive: frozenset[str]
    need: int
    fraction: float
    everyday_weight: float
    uninformative: frozenset[str] = frozenset()  # see `_uninformative`

    def weight_of(self, weighed: _Weighed) -> float:
        """A concept's weight in the bar (floor and coverage); ranking uses its own."""
        return weighed.weight * (self.everyday_weight if weighed.everyday else 1.0)


def _bar(known: list[_Weighed], engine: BM25, params: RankParams) -> _Bar:
    """The bar for this question: when its names are never together in one passage
    (`_names_apart`), a passage must cover apart_matched_fraction of it, every word of the
    question counting in full (everyday words too: the question is likely about what the
    corpus lacks, and a word it uses once may be just that)."""
    distinctive = _distinctive(known, engine, params)
    uninformative = _uninformative(known, engine)
    if _names_apart(known, distinctive, engine):
        fraction = max(params.min_matched_fraction, params.apart_matched_fraction)
        return _Bar(distinctive, min(2, len(known)), fraction, 1.0, uninformative)
    return _Bar(distinctive, min(2, len(known)), params.min_matched_fraction,
                params.everyday_weight, uninformative)


def _uninformative(known: Sequence[_Weighed], engine: BM25) -> frozenset[str]:
    """Names typed in a word that more than half the corpus's passages hold ("Mali" in a
    corpus about Mali): its Robertson-Sparck Jones relevance weight, log((N - n + 0.5) /
    (n + 0.5)), is negative; the name of the corpus's subject tells nothing about which
    passage answers ("Kati Mali" asks about Kati), so a passage holding every other concept
    need not hold it. A common general word ("people") still counts: what the question
    asks of it may be what the corpus lacks."""
    half = engine.n_docs / 2
    return frozenset(w.concept.typed for w in known if w.concept.is_name
                     and any(engine.doc_freq(a.term) > half
                            for a in w.concept.alternatives if a.how == TYPED))


def _names_apart(known: list[_Weighed], distinctive: frozenset[str], engine: BM25) -> bool:
    """The question names two or more distinctive names and no passage of the corpus holds
    two of them together ("the JNIM blockade of Bamako" where JNIM and Bamako are never in
    one passage): no passage speaks of what they name together, so one holding a single
    name answers at most part of the question."""
    names = [w.concept for w in known if w.concept.is_name and w.concept.typed in distinctive]
    if len(names) < 2:
        return False
    held = [_passages_holding(c, engine) for c in names]
    return not any(np.intersect1d(a, b, assume_unique=True).size
                   for i, a in enumerate(held) for b in held[i + 1:])


def _passages_holding(concept: Concept, engine: BM25) -> npt.NDArray[np.int32]:
    """Sorted indices of the passages holding any alternative of the concept."""
    found = [engine.docs_with(a.term) for a in concept.alternatives if a.term in engine]
    if not found:
        return np.zeros(0, dtype=np.int32)
    return np.unique(np.concatenate(found)).astype(np.int32)


def _coordinated(hits: list[Hit], power: float) -> list[Hit]:
    """Hits rescored by their coverage (score x coverage ** power, best first): a passage
    holding every concept of the question outranks one that repeats half of them (the
    coordination factor of classic Lucene scoring, on IDF-weighted concepts)."""
    if power <= 0:
        return hits
    rescored = [replace(h, score=h.score * h.coverage ** power) for h in hits]
    return sorted(rescored, key=lambda h: (-h.score, h.index))


def _concept_scores(query: Query, known: list[_Weighed], engine: BM25, k: int
                    ) -> list[tuple[int, float, list[_Weighed]]]:
    """The k best passages for the weighted query, rescored so that each concept counts
    once: the typed words' scores added up, or its best other alternative's (weight x BM25
    term score), whichever is more. A passage naming three aliases of one group does not
    outscore one naming the group and what was asked. A phrase's typed words count only
    all together (`_phrase`). A concept no candidate holds beside a name of the question
    backs off to its broader terms (`_backed_off`). Best first, with the concepts held."""
    docs = [index for index, _ in engine.top_k_weighted(query.weighted_terms(), k)]
    own = [_own_scores(w, engine, docs) for w in known]
    total = np.zeros(len(docs))
    held_by: list[list[bool]] = []
    only_broader: dict[int, list[bool]] = {}  # concept -> passages holding just its broader
    for j, (w, (score, held)) in enumerate(zip(known, own, strict=True)):
        backed_off = _backed_off(w, held, known, own, engine, docs)
        if backed_off is not None:
            score = np.maximum(score, backed_off[0])
            only_broader[j] = (backed_off[1] & ~held).tolist()
            held = held | backed_off[1]
        total += score
        held_by.append(held.tolist())
    rows = [(index, float(score), _concepts_held(i, known, held_by, only_broader))
            for i, (index, score) in enumerate(zip(docs, total.tolist(), strict=True))]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _concepts_held(i: int, known: Sequence[_Weighed], held_by: Sequence[Sequence[bool]],
                   only_broader: dict[int, list[bool]]) -> list[_Weighed]:
    """The concepts the i-th candidate holds; one it holds only through its broader terms
    counts for part of its weight."""
    return [w.through_broader() if j in only_broader and only_broader[j][i] else w
            for j, w in enumerate(known) if held_by[j][i]]


_Scores = tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]


def _own_scores(w: _Weighed, engine: BM25, docs: Sequence[int]) -> _Scores:
    """The concept's score in each passage through its own alternatives, and whether the
    passage holds it."""
    typed = np.zeros(len(docs))  # the words of what was typed add up ("Ansar Dine")
    whole = np.ones(len(docs), dtype=bool)  # ... and are all there
    other = np.zeros(len(docs))  # any other alternative counts alone
    held_other = np.zeros(len(docs), dtype=bool)
    for alt in w.concept.alternatives:
        has, impacts = engine.term_scores(alt.term, docs)
        score = np.where(has, alt.weight * impacts, 0.0)
        if alt.how == TYPED:
            typed += score
            whole &= has
        else:
            other = np.maximum(other, score)
            held_other |= has
    if not _phrase(w.concept):
        whole = typed > 0
    return np.maximum(np.where(whole, typed, 0.0), other), whole | held_other


def _backed_off(w: _Weighed, held: npt.NDArray[np.bool_], known: Sequence[_Weighed],
                own: Sequence[_Scores], engine: BM25, docs: Sequence[int]
                ) -> _Scores | None:
    """The concept's broader-term scores and holders, when the question names something
    and no candidate holds the concept beside one of its names (query relaxation: "X
    attack" where X's passages tell of "fighting"); none otherwise, so that a passage
    saying what was asked is never joined by ones saying it more vaguely."""
    if not w.broader:
        return None
    names = [h for v, (_, h) in zip(known, own, strict=True) if v.concept.is_name]
    if not names or any((held & h).any() for h in names):
        return None
    wide, score = _broader_scores(w, engine, docs)
    return score, wide


def _broader_scores(w: _Weighed, engine: BM25, docs: Sequence[int]
                    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Which passages hold one of the concept's broader terms, and the best one's score
    (BROADER_WEIGHT x its BM25 term score)."""
    wide = np.zeros(len(docs), dtype=bool)
    score = np.zeros(len(docs))
    for term in w.broader:
        has, impacts = engine.term_scores(term, docs)
        wide |= has
        score = np.maximum(score, np.where(has, BROADER_WEIGHT * impacts, 0.0))
    return wide, score


def _phrase(concept: Concept) -> bool:
    """A concept typed in several words that is not a name ("number two", "rank and
    file", "stalled talks"): a phrase means what its words mean together, so a passage
    holds it by its typed words only when it holds all of them (a conjunctive match of the
    phrase on the bag of words: a phrase query without positions); one holding "two" alone
    holds "number two" only through its other alternatives ("deputy"). The words of a name
    add up as they are found ("Ansar" of "Ansar Dine")."""
    if concept.is_name:
        return False
    return len({a.term for a in concept.alternatives if a.how == TYPED}) >= 2


def _distinctive(known: list[_Weighed], engine: BM25, params: RankParams) -> frozenset[str]:
    """Concepts that can carry an answer: a name in at most common_share of the passages (a
    share, so it holds at any corpus size), or a concept near the question's rarest that is
    a name or that uncommon. The rarest is taken twice: over every concept, and over the
    concepts but everyday words used once (`_everyday`), whose one use makes them the
    rarest by chance and must not strip the question's topical words of the role."""
    most = params.common_share * engine.n_docs
    seen: dict[str, bool] = {}

    def uncommon(w: _Weighed) -> bool:
        typed = w.concept.typed
        if typed not in seen:
            seen[typed] = min(engine.doc_freq(t) or most for t in w.concept.terms) <= most
        return seen[typed]

    def near_rarest(among: list[_Weighed]) -> set[str]:
        rarest = max((w.weight for w in among), default=0.0)
        return {w.concept.typed for w in among
                if w.weight >= params.distinctive_share * rarest
                and (w.concept.is_name or uncommon(w))}

    found = {w.concept.typed for w in known if w.concept.is_name and uncommon(w)}
    found |= near_rarest(known)
    if any(w.everyday for w in known):
        found |= near_rarest([w for w in known if not w.everyday])
    return frozenset(found)


# ----- boosts --------------------------------------------------------------------------


def _boosted(query: Query, hits: list[Hit], passages: PassageView, params: RankParams
             ) -> list[Hit]:
    """Hits reordered by their bounded date, recency and definition boosts, then each
    alternative the question weighs given a place next to the best hit (`_both_sides`)."""
    return _both_sides(query, _boosted_scores(query, hits, passages, params), passages, params)


def _boosted_scores(query: Query, hits: list[Hit], passages: PassageView, params: RankParams
                    ) -> list[Hit]:
    """Hits reordered by their bounded date, recency and definition boosts."""
    if not (query.dates or query.wants_recent or query.defines or query.wants_reason) or not hits:
        return hits
    newest = _newest(hits, passages) if query.wants_recent else None
    defined = _defined_terms(query)
    boosted = []
    for hit in hits:
        factor = 1.0
        if query.dates and period.about_period(hit.index, query.dates, passages):
            factor += params.date_boost
        if newest is not None:
            factor += params.recent_boost * _recency(hit.index, newest, passages)
        if defined:
            factor += params.define_boost * _definition_strength(hit.index, defined, passages)
        if query.wants_reason and _gives_a_reason(passages.text_of(hit.index)):
            factor += params.reason_boost
        boosted.append(replace(hit, score=hit.score * factor))
    return sorted(boosted, key=lambda h: (h.companion, -h.score, h.index))


def _newest(hits: list[Hit], passages: PassageView) -> dt.date | None:
    dates = [d for h in hits if (d := parse_date(passages.date_of(h.index))) is not None]
    return max(dates, default=None)


def _recency(index: int, newest: dt.date, passages: PassageView) -> float:
    """1 for the newest document, falling linearly to 0 two years before it."""
    date = parse_date(passages.date_of(index))
    if date is None:
        return 0.0
    return max(0.0, 1 - (newest - date).days / 730)


def _defined_terms(query: Query) -> frozenset[str]:
    """Index terms standing for the X of "What is X?"."""
    if not query.defines:
        return frozenset()
    wanted = set(analyze(query.defines))
    terms: set[str] = set(wanted)
    for concept in query.concepts:
        if fold(concept.typed) == fold(query.defines) or wanted & concept.terms:
            terms |= {a.term for a in concept.alternatives if a.weight >= _SAME_THING}
    return frozenset(terms)


_SAME_THING = 0.8  # an alternative this heavy names X itself (not a predecessor, a synonym)


def _definition_strength(index: int, terms: frozenset[str], passages: PassageView) -> float:
    """How plainly the passage introduces X: 2 when it says so ("X (...)", "(X ...)", "X is
    a ...", "known / identified as X"), 1 when it only opens with X, else 0."""
    text = passages.text_of(index)
    if _definition_pattern(terms).search(fold(text)) is not None:
        return 2.0
    return 1.0 if terms & frozenset(analyze(text[:80])[:1]) else 0.0


# The nouns that say what sort of thing a name is, when they come just before it ("the
# intelligence agency the GUR", "the jihadist group Ansar Dine"): an appositive definition.
_SORT = (r"(?:agency|group|movement|militia|force|forces|coalition|alliance|front|mission"
         r"|operation|organi[sz]ation|party|faction|company|council|committee|unit|brigade"
         r"|battalion|army|town|city|village|region|commune|camp|base|spokesman|leader)")


def _definition_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    words = "|".join(re.escape(t) for t in sorted(terms))
    word = rf"\b(?:{words})\w*"
    named = r"(?:known|identified|described|referred to|calling (?:itself|themselves)) as"
    return re.compile(rf"{word}\s*\(|\(\s*{word}|{word},? (?:is|was|are|were) (?:a|an|the)\b"
                      rf"|{named} (?:the )?[\"“']?(?:\w+ ){{0,3}}{word}"
                      rf"|\b{_SORT},? (?:the |called |named )?{word}")


# Wording that states a cause or a motive: what a "Why…?" question wants to read.
_REASON = re.compile(r"\b(?:because|due to|owing to|as a result of|attributed (?:\w+ ){0,4}to"
                     r"|citing|accusing|on the grounds|reasons? (?:for|why)|in protest"
                     r"|(?:have|has|had) caused|caused by)\b")


def _gives_a_reason(text: str) -> bool:
    """The passage states a cause or a motive ("due to", "accusing", "led to")."""
    return _REASON.search(fold(text)) is not None


# ----- sides ---------------------------------------------------------------------------

_R = TypeVar("_R")


def _per_query(read: Callable[[Query], _R]) -> Callable[[Query], _R]:
    """`read` of the query, computed once for the query being ranked (the sides rules ask
    for the same question's sides and parties several times): the last query's result is
    kept, by identity (a thread ranking another query just computes its own)."""
    last: list[tuple[Query | None, _R | None]] = [(None, None)]

    @wraps(read)
    def cached(query: Query) -> _R:
        held, result = last[0]
        if held is not query:
            result = read(query)
            last[0] = (query, result)
        return result  # type: ignore[return-value]

    return cached


PAGE = 3  # passages on the first page of an answer

# Alternatives a question weighs: "A or B", "A vs B", "A versus B" (French "A ou B"),
# "A and B each", "according to A and according to B" (French "selon A et selon B").
_EITHER = re.compile(r"\s(?:or|vs\.?|versus|ou)\s"
                     r"|\s(?:and|et)\s(?=(?:according to|selon)\s|[^,;:?!.]*\b(?:each|chacun)\b)",
                     re.IGNORECASE)
# A second question joined to the first by "and" ("Who does Bamako blame for the defeat and
# who claims the victory?", "..., and who got them freed?"): each asks for its own answer.
_SECOND_QUESTION = re.compile(
    r"(?:,\s*|\s)(?:and|et)\s+(?=(?:who|whom|what|why|how|where|when|which|qui|que|quoi"
    r"|pourquoi|comment|où|quand)\b)", re.IGNORECASE)
_ATTRIBUTED = re.compile(r"\b(?:according\s+to|selon|d'après)\s", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:?!.()]|\b(?:each|chacun|chacune)\b", re.IGNORECASE)


def _both_sides(query: Query, hits: list[Hit], passages: PassageView, params: RankParams
                ) -> list[Hit]:
    """When the question weighs alternatives ("Tuareg rebels or jihadists?", "the junta or
    the CSP"), each one gets a passage on the first page: for a side no passage there
    holds, the best kept passage that speaks for it (`_speaks_for`) moves up to right after
    the best hit, which stays first. When the question asks for a count ("how many ... each
    say they killed"), a side's passage must give one."""
    hits = _count_first(query, hits, passages)
    sides = _alternatives(query)
    if not sides or params.sides_share <= 0 or len(hits) < 2 or hits[0].companion:
        return hits
    names = frozenset(c.typed for c in query.concepts if c.is_name)
    about = frozenset(hits[0].matched) - frozenset().union(*sides)  # what the sides are about
    counts = _asks_a_count(query)

    def answers(hit: Hit) -> bool:
        return not counts or _gives_a_count(passages.text_of(hit.index))

    order = list(hits)
    placed = 1
    for side in sides:
        if any(side & set(h.matched) and answers(h) for h in order[:PAGE]):
            continue
        found = next((h for h in order[placed:] if answers(h)
                      and _speaks_for(h, side, about, names, params.sides_share)), None)
        if found is not None:
            order.remove(found)
            order.insert(placed, found)
            placed += 1
    return order


def _speaks_for(hit: Hit, side: frozenset[str], about: frozenset[str], names: frozenset[str],
                share: float) -> bool:
    """The hit passes every rule, holds the side, and holds what both sides are about: each
    name of it the best hit holds, and `share` of all of it."""
    held = set(hit.matched)
    return (not hit.companion and bool(side & held) and about & names <= held
            and len(about & held) >= share * len(about))


@_per_query
def _alternatives(query: Query) -> list[frozenset[str]]:
    """The two alternatives of "A or B" in the question, each as the concepts typed in it
    (the words from the clause break before "or" to the one after it), or else the two
    questions of "who did A, and who did B?"; [] when either holds none ("... or not?",
    "or what", "and when?")."""
    text = query.cleaned or query.question
    either = _EITHER.search(text) or _SECOND_QUESTION.search(text)
    if either is None:
        return []
    left = _last_clause(text[:either.start()])  # "A, or B": A is before the comma
    attributed = list(_ATTRIBUTED.finditer(left))
    if attributed and _ATTRIBUTED.match(text, either.end()):  # "according to A and to B"
        left = left[attributed[-1].start():]
    right = _CLAUSE_BREAK.split(text[either.end():])[0]
    spans = ((either.start() - len(left), either.start()),
             (either.end(), either.end() + len(right)))
    held = _held_in(text, content_concepts(query), spans)
    shared = frozenset.intersection(*held)  # "French kills vs Wagner kills": about kills
    sides = [side - shared for side in held]
    return sides if all(sides) else []


def _on_subject(query: Query, hits: list[Hit], passages: PassageView, params: RankParams
                ) -> list[Hit]:
    """On a question weighing sides or asking a party's account ("Why did Wagner leave Mali:
    mission accomplished or rising attacks?", "Did Wagner succeed ... or not?"), a passage of
    the first page that lacks a name the sides are about (the question's names the best hit
    holds, but the sides' own) gives its place to the best kept passage below that holds
    them all: each side's account is an account of that subject, and a passage on something
    else that shares a side's words ("the MINUSMA mission") answers neither."""
    sides, parties = _alternatives(query), _respondents(query)
    if (len(hits) <= PAGE or hits[0].companion or not (sides or parties)
            or params.sides_share <= 0):
        return hits
    text = query.cleaned or query.question
    concepts = content_concepts(query)
    typed = frozenset().union(*sides)
    written = _held_in(text, concepts, [(0, len(text))])[0]  # not a part read of a name
    subject = [c for c in _subject(query, hits[0], passages, frozenset(
        t for c in concepts if c.typed in typed for t in c.terms)) if c.typed in written]
    if not subject:
        return hits
    def on_subject(hit: Hit) -> bool:  # or a party the question asks for speaks there
        held = passages.terms_of(hit.index)
        return all(c.terms & held for c in subject) or any(
            _speaks(passages.text_of(hit.index), party) for party in parties)

    order = list(hits)
    for slot in range(1, PAGE):
        if on_subject(order[slot]):
            continue
        found = next((h for h in order[PAGE:] if not h.companion and on_subject(h)), None)
        if found is not None:
            order.remove(found)
            order.insert(slot, found)
    return order


def _sides_found(query: Query, hits: list[Hit], engine: BM25, passages: PassageView,
                 params: RankParams) -> list[Hit]:
    """A side no passage of the first page holds, for which no kept passage speaks
    (`_both_sides`), gets the passage a search for it finds (`_side_searched`), right after
    the best hit: the kept passages are those of the whole question, and one side's answer
    may hold too little of it to pass."""
    sides = _alternatives(query)
    if not sides or not hits or hits[0].companion or params.sides_share <= 0:
        return hits
    order = list(hits)
    for side in sides:
        if any(side & set(h.matched) for h in order[:PAGE]):
            continue
        found = _side_searched(side, sides, order, query, engine, passages, params)
        if found is not None:
            order = [order[0], found, *(h for h in order[1:] if h.index != found.index)]
    return order


_SIDE_REST = 0.5  # the weight of the question's other terms in a search for one side


def _side_searched(side: frozenset[str], sides: list[frozenset[str]], hits: list[Hit],
                   query: Query, engine: BM25, passages: PassageView, params: RankParams
                   ) -> Hit | None:
    """Among the best passages for the question's terms with the side's weighing most,
    those holding the side: the first that continues a first-page passage (`_continues`:
    it speaks of what that one names), else the first of the best hit's document (a report
    gives both sides), else of another document naming _ELSEWHERE of the question's other
    concepts, that speaks for the side as `_speaks_for` says and names something else the
    question names."""
    concepts = content_concepts(query)
    weights = {term: weight * _SIDE_REST for term, weight in query.weighted_terms().items()}
    weights |= {a.term: a.weight for c in concepts if c.typed in side for a in c.alternatives}
    names = frozenset(c.typed for c in query.concepts if c.is_name)
    about = frozenset(hits[0].matched) - frozenset().union(*sides)
    doc = passages.doc_key_of(hits[0].index)
    shown = {h.index for h in hits[:PAGE]}
    found: dict[bool, Hit] = {}
    for index, score in engine.top_k_weighted(weights, params.candidates):
        held = passages.terms_of(index)
        hit = Hit(index, score, tuple(c.typed for c in concepts if c.terms & held), 0.0)
        if index in shown or not side & set(hit.matched):
            continue
        if _continues(index, hits[:PAGE], passages):
            return hit
        rest = len(set(hit.matched) - side)  # what else of the question it names
        same = passages.doc_key_of(index) == doc
        if rest >= (1 if same else _ELSEWHERE) \
                and _speaks_for(hit, side, about, names, params.sides_share):
            found.setdefault(same, hit)
    return found.get(True) or found.get(False)


def _continues(index: int, page: Sequence[Hit], passages: PassageView) -> bool:
    """The passage is the next one of a first-page passage's section: what it says ("The
    MNLA negotiated their release") is about what that one names (the hostages)."""
    return any(index == h.index + 1 and passages.doc_key_of(index) == passages.doc_key_of(
        h.index) and passages.heading_of(index) == passages.heading_of(h.index) for h in page)


def _last_clause(text: str) -> str:
    """The text from its last clause break on, or, when nothing but spaces follows that
    break ("Did Wagner leave because it won, "), from the break before it."""
    ends = [m.end() for m in _CLAUSE_BREAK.finditer(text)]
    if ends and not text[ends[-1]:].strip():
        ends.pop()
    return text[ends[-1] if ends else 0:]


def _held_in(text: str, concepts: Sequence[Concept], spans: Sequence[tuple[int, int]]
             ) -> list[frozenset[str]]:
    """Per span of the text, the concepts whose typed words occur in it."""
    where = _positions(text, concepts)
    return [frozenset(c for c, places in where.items()
                      if any(start <= at < end for at in places)) for start, end in spans]


def _positions(text: str, concepts: Sequence[Concept]) -> dict[str, tuple[int, ...]]:
    """Where each concept's typed words occur in the text (concepts not found left out)."""
    where = {}
    for concept in concepts:
        pattern = rf"(?<!\w){re.escape(concept.typed)}(?!\w)"
        found = tuple(m.start() for m in re.finditer(pattern, text, re.IGNORECASE))
        if found:
            where[concept.typed] = found
    return where


_COUNT_ASKED = re.compile(rf"\b(?:{_COUNT_WORDS})\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.,])(?:\d[\d,.]*\d|\d)(?![\d.,]?\d)"
                     r"|\b(?:dozens?|scores|hundreds?|thousands?|millions?|two|three|four|five"
                     r"|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty)\b")
_MONTH_BEFORE = re.compile(rf"(?:{MONTH_NAMES})\s*$")  # "25 July": the number is a day
# After a number: a date ("25 July") or a duration ("ten years"), not a count of things.
_NOT_COUNTED = re.compile(rf"\s+(?:{MONTH_NAMES}|years?|months?|weeks?|days?|hours?|decades?)\b")


def _asks_a_count(query: Query) -> bool:
    """"How many…?", "how much", "the number of", "death toll", "combien"."""
    return _COUNT_ASKED.search(query.cleaned or query.question) is not None


def _count_first(query: Query, hits: list[Hit], passages: PassageView) -> list[Hit]:
    """For "how many…?", when the best hit gives no count and another passage of the first
    page does, that one comes first (the answer is a number: expected answer type)."""
    if len(hits) < 2 or not _asks_a_count(query):
        return hits
    page = hits[:PAGE]
    if _gives_a_count(passages.text_of(page[0].index)):
        return hits
    counted = next((h for h in page[1:] if not h.companion
                    and _gives_a_count(passages.text_of(h.index))), None)
    if counted is None:
        return hits
    return [counted, *(h for h in hits if h is not counted)]


def _gives_a_count(text: str) -> bool:
    """The passage states a number of something ("84 fighters", "thousands of militants",
    "at least 2,800"), not only a year, a date or a duration."""
    folded = fold(text)
    return any(not YEAR.fullmatch(n.group())
               and not _MONTH_BEFORE.search(folded[max(0, n.start() - 10):n.start()])
               and _NOT_COUNTED.match(folded, n.end()) is None
               for n in _NUMBER.finditer(folded))


# ----- a claim and its answer ------------------------------------------------------------

# A clause asking what a party says about the rest of the question ("what did the army
# say", "does Mali confirm it", "according to Kyiv", "que dit l'armée"): its party.
_PARTY = r"(?:(?!\b(?:and|or|how|what|et|ou)\b)[^?!.,;:]){1,40}?"  # no clause inside
_ONE_WORD = r"[^\W\d_][\w-]*"
_CLAIMING = (r"says?|said|claims?|claimed|reports?|reported|admits?|admitted|denies|denied"
             r"|insists?|maintains?|alleges?|alleged|acknowledges?|acknowledged")
_ACCOUNT = (r"version|account|side|story|claims?|figures?|numbers?|count|toll|words|statement"
            r"|position|narrative|accusation|denial|admission|response|answer|view")
_PARTY_FR = r"(?:(?!\b(?:et|ou|à|sur|au|aux)\b)[^?!.,;:]){1,40}?"
_RESPONDENT = re.compile(
    rf"\b(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?P<a>{_PARTY})\s+"
    r"(?:say|said|claim|respond|react|reply|answer|admit|report)\b"
    rf"|\b(?:did|does|do|has|have|had)\s+(?P<b>{_PARTY})\s+"
    r"(?:confirm|deny|admit|acknowledge|accept|dispute|reject)\b"
    rf"|\b(?:according\s+to|selon|d'après)\s+(?P<c>{_PARTY})(?=\s+(?:and|et)\b|[?!.,;:]|$)"
    r"|\b(?:que|qu'|comment)\s*(?:dit|disent|a\s+dit|ont\s+dit|affirme|répond|réagit)\s+"
    rf"(?P<d>{_PARTY_FR})(?=\s+(?:à|sur|au|aux|de|du|des)\b|[?!.,;:]|\s*$)"
    # a claim reported in the question: "Wagner says it won, critics say ..."
    rf"|(?:^|(?<=[,;:.!?]))\s*(?P<e>{_PARTY})\s+(?:says?|said|claims?|claimed|insists?"
    r"|maintains?|dit|disent|affirment|affirme|assurent|assure|prétendent|prétend"
    r"|revendiquent|revendique)\b"
    # "what Wagner says", "the losses the rebels claim", "what the army admitted"
    rf"|\bwhat\s+(?P<f>{_PARTY})\s+(?:{_CLAIMING})\b"
    rf"|\bthe\s+(?P<g>{_ONE_WORD})\s+(?:{_CLAIMING})\b"
    # a party's own account: "the government's version", "the rebels' figures", "Bamako's
    # accusation", "Kyiv's own words"
    rf"|(?P<h>\b{_ONE_WORD})['’]s?\s+(?:own\s+)?(?:{_ACCOUNT})\b"
    # a claim put to a party: "confirmed by Mali", "denied by Kyiv"
    rf"|\b(?:confirmed|denied|admitted|acknowledged|disputed|rejected|contested)\s+by\s+"
    rf"(?P<i>{_PARTY})(?=\s+(?:and|or|et|ou)\b|[?!.,;:]|$)",
    re.IGNORECASE)
_CONCEDED = "bi"  # the groups of _RESPONDENT naming a party asked to confirm or deny
# The groups where the question asks to hear from whoever it names ("what did the soldiers
# say"); in the others ("the attack reported", "the toll's count") only an actor (a name,
# a camp's word) is a party.
_ASKED = "abcde"
# Words naming who reports rather than a party ("the two sources", "different outlets").
_REPORTERS = frozenset(analyze("source sources outlet outlets report reports media different "
                               "two both each other side sides critics analysts experts "
                               "observers camp camps party parties médias critiques "
                               "observateurs experts analystes camps côtés"))
# A party speaking in a passage: its name, then within a few words a verb of saying
# ("the rebels said on Thursday") or, for "does X confirm / deny it?", of conceding or
# denying ("Mali's army has admitted").
_CONCEDING = (r"admit(?:s|ted)?|acknowledge[sd]?|confirm(?:s|ed)?|den(?:y|ies|ied)"
              r"|reject(?:s|ed)?|dismiss(?:es|ed)?|concede[sd]?|refute[sd]?")
_SAYING = (r"say|says|said|state[sd]?|claim(?:s|ed)?|respond(?:s|ed)?|insist(?:s|ed)?"
           r"|announce[sd]?|told|declared?|asserted|maintain(?:s|ed)|accus(?:e|es|ed)"
           r"|blamed?|added|warned|vowed|argued|stressed|noted|alleged|condemned|urged"
           rf"|critici[sz]ed|promised|pledged|threatened|reaffirmed|{_CONCEDING}")
_VERBS = {"conceding": re.compile(rf"\b(?:{_CONCEDING})\b"),
          "saying": re.compile(rf"\b(?:{_SAYING})\b")}
_SPEAKER_WORDS = 6  # words between a party's name and its verb
_SAME_PARTY = 0.8   # an alternative at least this heavy names the party itself


@dataclass(frozen=True, slots=True)
class _Party:
    """A party the question asks to hear from: its index terms, and the verbs it must be
    the speaker of ("saying", or "conceding" for "does X confirm it?")."""

    terms: frozenset[str]
    verbs: str


@_per_query
def _respondents(query: Query) -> list[_Party]:
    """Each party the question asks to hear from, in question order."""
    text = query.cleaned or query.question
    concepts = content_concepts(query)
    parties: list[_Party] = []

    def add(terms: frozenset[str], verbs: str) -> None:
        if terms and all(terms != p.terms for p in parties):
            parties.append(_Party(terms, verbs))

    for match in _RESPONDENT.finditer(text):
        group = next(g for g in "abcdefghi" if match.group(g) is not None)
        span = match.span(group)
        add(_party_terms(text, concepts, span) if group in _ASKED else _actor_terms(
            [c for c in concepts if c.typed in _held_in(text, concepts, [span])[0]]),
            "conceding" if group in _CONCEDED else "saying")
    for terms in _named_parties(query, concepts):
        add(terms, "saying")
    return parties or _subject_asked(text, concepts)


# A question about a disagreement that names no side of it in a clause of its own:
# "conflicting accounts", "disputed", "both sides", "two versions", "accounts differ".
_DISAGREEMENT = re.compile(
    r"\b(?:conflicting|contradictory|contradicting|differing|disputed|contested|dispute"
    r"|(?:both|each|either|two|other|different|various|several|multiple|all)\s+"
    r"(?:sides?|versions?|accounts?|camps?|stories|sources|reports|outlets|parties)"
    r"|(?:accounts|versions|reports|sources|stories)\s+(?:differ|disagree|agree|clash)"
    # French: "versions contradictoires", "bilan contesté", "chaque camp", "les deux côtés"
    r"|contradictoires?|contesté(?:e|s|es)?|divergent(?:e|s|es)?"
    r"|(?:chaque|les\s+deux)\s+(?:camps?|côtés?|versions?|parties))\b",
    re.IGNORECASE)


# Words asking for the parties' accounts rather than for a fact: "whose numbers?", "the
# separatists' claims vs the junta's", "what do they say".
_ACCOUNTS_ASKED = re.compile(rf"\b(?:whose|{_CLAIMING}|{_ACCOUNT}|versions|accounts|stories)\b",
                             re.IGNORECASE)


def _named_parties(query: Query, concepts: Sequence[Concept]) -> list[frozenset[str]]:
    """The parties a question about a disagreement names: each side of "A vs B" that is a
    party when their accounts are asked ("separatists vs junta, whose numbers?"; not "who
    held the bases, the junta or the CSP?", which asks a fact), and each party named beside
    a frame of disagreement ("Wagner: mission accomplished? conflicting accounts"), by
    their camps' terms."""
    text = query.cleaned or query.question
    framed = _DISAGREEMENT.search(text) is not None
    parties = [terms for side in _alternatives(query)
               if (terms := _actor_terms([c for c in concepts if c.typed in side]))
               ] if framed or _ACCOUNTS_ASKED.search(text) else []
    if not parties and framed:
        typed = _held_in(text, concepts, [(0, len(text))])[0]
        parties = [terms for c in concepts
                   if c.typed in typed and (terms := _actor_terms([c], names=False))]
        if len(parties) > _FRAMED_PARTIES:  # "Did Wagner beat the jihadists in Mali?":
            return []                       # which of them are the sides is not told
    return parties


_FRAMED_PARTIES = 2  # actors beside a frame of disagreement that can be its sides


# A yes/no question opening with its subject: "Was Wagner effective...?", "Did the CMA...".
_YES_NO = re.compile(r"^\s*(?:did|does|do|was|were|is|are|has|have|had)\s+(?:the\s+)?"
                     r"(?P<s>[\w'’-]+)", re.IGNORECASE)


def _subject_asked(text: str, concepts: Sequence[Concept]) -> list[_Party]:
    """The party a yes/no question is about, when it asks to hear from none ("Was Wagner
    effective ...?", "Did Ukraine help the rebels?"): its own account is one side of the
    answer (a claim and the evidence on it), so a passage where it speaks is sought."""
    match = _YES_NO.match(text)
    if match is None:
        return []
    terms = _party_terms(text, [c for c in concepts if c.is_name], match.span("s"))
    return [_Party(terms, "saying")] if terms else []


def _party_terms(text: str, concepts: Sequence[Concept], span: tuple[int, int]
                 ) -> frozenset[str]:
    """The index terms of the party typed in the span of the text: the concepts typed
    there, by their names and aliases (not who reports)."""
    held = _held_in(text, concepts, [span])[0]
    typed = [c for c in concepts if c.typed in held]
    terms = frozenset(a.term for c in typed
                      for a in c.alternatives if a.weight >= _SAME_PARTY) - _REPORTERS
    return _actor_terms(typed) or terms.union(*(camp for camp in _camps() if camp & terms))


def _actor_terms(concepts: Sequence[Concept], *, names: bool = True) -> frozenset[str]:
    """The terms of the last of the concepts that names an actor (a word of a camp: "the
    Tuareg-led rebels", "Kyiv"; or, with `names`, any name: "Yusov"), with its camp's;
    empty when none does."""
    for concept in reversed(concepts):
        terms = frozenset(a.term for a in concept.alternatives
                          if a.weight >= _SAME_PARTY) - _REPORTERS
        camps = [camp for camp in _camps() if camp & terms]
        if camps or (names and concept.is_name and terms):
            return terms.union(*camps)
    return frozenset()


# The camps of this war, each the words its reports name one party by: a capital for its
# government ("Bamako", "Kyiv"), a generic noun ("the junta", "the rebels"), a coalition
# for its members ("the CSP" for "Tuareg-led separatists"). A party the question names
# speaks in a passage that names it by any word of its camp ("Mali's army has admitted"
# answers "what does Bamako say?").
CAMPS = (
    "mali malian bamako government junta army fama authorities rulers",
    "rebels rebel separatists separatist tuareg csp cma fla mnla hcua azawad",
    "jihadists jihadist islamists islamist jnim gsim isgs eigs aqim qaeda militants "
    "terrorists",
    "wagner mercenaries mercenary russia russian russians moscow kremlin",
    "ukraine ukrainian kyiv kiev gur hur",
    "france french paris barkhane serval",
)


@lru_cache(maxsize=1)
def _camps() -> tuple[frozenset[str], ...]:
    """The index terms of each camp's words."""
    return tuple(frozenset(analyze(words)) for words in CAMPS)


def _answered(query: Query, hits: list[Hit], engine: BM25, passages: PassageView,
              params: RankParams) -> list[Hit]:
    """When the question asks what a party says ("..., and does Mali confirm it?", "is that
    true? what did the army say"), a passage where that party speaks is on the first page:
    a kept one, or else one of the best hit's own document found by the question's terms
    (a report gives the claim and the answer to it). It goes right after the best hit."""
    if not hits or hits[0].companion:
        return hits
    order = list(hits)
    for party in _respondents(query):
        if any(_speaks(passages.text_of(h.index), party) for h in order[:PAGE]):
            continue
        found = _speaking(order, party, query, passages) or _reported_with(
            order, party, query, engine, passages, params)
        if found is not None:
            order = [order[0], found, *(h for h in order[1:] if h.index != found.index)]
    return order


def _speaking(hits: list[Hit], party: _Party, query: Query, passages: PassageView
              ) -> Hit | None:
    """The best kept passage below the first page where the party speaks (a near miss
    too: it is kept for the question, which `_reported_with` would not even ask; when it
    names one of the question's names the best hit holds, not the party's own: a party
    speaking of something else does not answer)."""
    subject = _subject(query, hits[0], passages, party.terms)
    return next((h for h in hits[PAGE:]
                 if (not h.companion or _holds_any(subject, h.index, passages))
                 and _speaks(passages.text_of(h.index), party)), None)


def _subject(query: Query, best: Hit, passages: PassageView,
             besides: frozenset[str] = frozenset(), *, names: bool = True) -> list[Concept]:
    """The question's names (or, without `names`, concepts) that the best hit holds, but
    those of `besides` (a party): what each side's or party's passage must speak of."""
    held = passages.terms_of(best.index)
    return [c for c in content_concepts(query)
            if (c.is_name or not names) and c.terms & held and not c.terms & besides]


def _holds_any(concepts: Sequence[Concept], index: int, passages: PassageView) -> bool:
    """The passage holds one of the concepts, or there are none to hold."""
    held = passages.terms_of(index)
    return not concepts or any(c.terms & held for c in concepts)


def _reported_with(hits: list[Hit], party: _Party, query: Query, engine: BM25,
                   passages: PassageView, params: RankParams) -> Hit | None:
    """A passage where the party speaks about something else the question names, the best
    for the question's terms with the party's weighing most: one of the best hit's document
    (a report gives the claim and the answer to it), else of any document when it names
    more of the question."""
    doc = passages.doc_key_of(hits[0].index)
    shown = {h.index for h in hits}
    weights = query.weighted_terms() | dict.fromkeys(party.terms, 1.0)
    concepts = content_concepts(query)
    subject = _subject(query, hits[0], passages, party.terms)
    elsewhere = None
    for index, score in engine.top_k_weighted(weights, params.candidates):
        if index in shown:
            continue
        held = passages.terms_of(index)
        matched = tuple(c.typed for c in concepts
                        if c.terms & held and not c.terms <= party.terms)
        same = passages.doc_key_of(index) == doc
        if (matched if same else elsewhere is None and len(matched) >= _ELSEWHERE
                and _holds_any(subject, index, passages)) \
                and _speaks(passages.text_of(index), party):
            if same:
                return Hit(index, score, matched, 0.0)
            elsewhere = Hit(index, score, matched, 0.0)
    return elsewhere


_ELSEWHERE = 2  # concepts besides the party a passage of another document must name


def _countered(query: Query, hits: list[Hit], engine: BM25, passages: PassageView,
               params: RankParams) -> list[Hit]:
    """When the question asks one party's account ("Wagner says it won: who is right?",
    "what Wagner says vs what the reports say", "Wagner: conflicting accounts") and its
    passage is on the first page, the other side is what the party's own report sets
    against it ("However, jihadist groups have intensified their attacks, raising questions
    about Wagner's effectiveness"): the passage of that report that names the party, speaks
    of the same subject and disputes the claim (`_counter_strength`: a doubt outranks a
    mere "however"; a kept one, else one the question's terms find) takes the first page's
    last place that neither the best hit nor the party's passage holds, unless a passage
    there already disputes it."""
    parties = [p for p in _respondents(query) if p.verbs == "saying"]
    if len(parties) != 1 or len(hits) < PAGE or hits[0].companion or params.sides_share <= 0:
        return hits
    party, page = parties[0], hits[:PAGE]
    claim = next((h for h in page if _speaks(passages.text_of(h.index), party)), None)
    if claim is None or any(h is not claim and h is not hits[0] and _counter_strength(
            passages.text_of(h.index)) == _DOUBTS for h in page):
        return hits
    subject = _subject(query, hits[0], passages)
    doc = passages.doc_key_of(claim.index)

    def strength(index: int) -> int:
        held = passages.terms_of(index)
        if passages.doc_key_of(index) != doc or not party.terms & held \
                or not all(c.terms & held for c in subject):
            return 0
        return _counter_strength(passages.text_of(index))

    shown = {h.index for h in hits[:PAGE]}
    weights = query.weighted_terms() | dict.fromkeys(party.terms, 1.0)
    candidates = [*(h for h in hits[PAGE:] if not h.companion), *(
        Hit(index, score, (), 0.0) for index, score
        in engine.top_k_weighted(weights, params.candidates) if index not in shown)]
    counter = max(((strength(h.index), -n, h) for n, h in enumerate(candidates)),
                  default=(0, 0, None), key=lambda c: c[:2])
    if counter[0] == 0 or counter[2] is None:
        return hits
    return _put_on_page(hits, counter[2], {claim.index})


_DOUBTS = 2  # `_counter_strength` of a passage that disputes what was said


def _counter_strength(text: str) -> int:
    """2 when the passage disputes a claim ("raising questions about", "critics", "denied",
    "contradicts"), 1 when it only turns on a contrast ("however", "but"), else 0."""
    if _DISPUTE.search(text):
        return _DOUBTS
    return 1 if _CONTRAST.search(text) else 0


def _other_voice(query: Query, hits: list[Hit], engine: BM25, passages: PassageView,
                 params: RankParams) -> list[Hit]:
    """A question framing a disagreement without naming a party of it ("what does each side
    say about Tinzaouatene?", "conflicting reports on ...") hears two camps on its first
    page: when no two of its passages give voice to different camps (`_voices`), the best
    passage where a camp not heard yet speaks of the question's subject (a kept one, else
    one of the best hit's report that the question's terms find) takes the page's last
    place but the best hit's and the voiced one's."""
    text = query.cleaned or query.question
    if (len(hits) < 2 or hits[0].companion or params.sides_share <= 0
            or not _DISAGREEMENT.search(text) or _alternatives(query) or _respondents(query)):
        return hits
    page = hits[:PAGE]
    subject = _subject(query, hits[0], passages)
    voiced = [(h, _voices(passages.text_of(h.index))) for h in page
              if h is hits[0] or _holds_any(subject, h.index, passages)]
    voiced = [(h, v) for h, v in voiced if v]
    heard = frozenset().union(*(v for _, v in voiced))
    if len(voiced) >= 2 and len(heard) >= 2:
        return hits
    doc = passages.doc_key_of(hits[0].index)

    def new_voice(index: int) -> bool:
        return (_holds_any(subject, index, passages)
                and bool(_voices(passages.text_of(index)) - heard))

    other = next((h for h in hits[PAGE:] if not h.companion and new_voice(h.index)), None)
    if other is None:
        shown = {h.index for h in hits}
        other = next((Hit(index, score, (), 0.0) for index, score
                      in engine.top_k_weighted(query.weighted_terms(), params.candidates)
                      if index not in shown and passages.doc_key_of(index) == doc
                      and new_voice(index)), None)
    if other is None:
        return hits
    return _put_on_page(hits, other, {h.index for h, _ in voiced[:1]})


def _put_on_page(hits: list[Hit], hit: Hit, kept: set[int]) -> list[Hit]:
    """The hits with `hit` in the first page's last place that neither the best hit nor a
    `kept` one holds (the first page grown to it when it is short); the passage it takes
    the place of opens the next page."""
    order = [h for h in hits if h.index != hit.index]
    free = [i for i, h in enumerate(order[:PAGE]) if i and h.index not in kept]
    if len(order) < PAGE:
        return [*order, hit]
    if not free:
        return hits
    displaced, order[free[-1]] = order[free[-1]], hit
    order.insert(PAGE, displaced)
    return order


def _voices(text: str) -> frozenset[str]:
    """The camps that speak in the text (`_speaks`), each by its first word."""
    return frozenset(words.split()[0] for words, camp in zip(CAMPS, _camps(), strict=True)
                     if _speaks(text, _Party(camp, "saying")))


# A passage turning on a contrast with what was said before it: the other side of a claim.
_CONTRAST = re.compile(r"\b(?:however|but|yet|although|though|nevertheless|nonetheless"
                       r"|despite|contrary)\b", re.IGNORECASE)
# ... and one disputing what was said: the other side of a claim, not only another point.
_DISPUTE = re.compile(r"\b(?:contradict\w*|disput\w*|questions?\s+(?:about|over|on)"
                      r"|question(?:s|ed|ing)\s+(?:the|its|their|whether)|doubt\w*|critic\w*"
                      r"|sceptic\w*|skeptic\w*|den(?:y|ies|ied)|refut\w*|reject\w*"
                      r"|challeng\w*|false(?:ly)?|unfounded|exaggerat\w*)\b", re.IGNORECASE)


def _speaks(text: str, party: _Party) -> bool:
    """The party is the speaker of a verb of saying in the text: its name at most a few
    words before the verb ("Mali's army has admitted"), or, when it says, just after an
    inverted ", said" or "according to" ("..., said the army", "according to the rebels")."""
    folded = fold(text)
    starts = [0, *(m.end() for m in _SENTENCE_END.finditer(folded))]
    for verb in _VERBS[party.verbs].finditer(folded):
        start = starts[bisect.bisect_right(starts, verb.start()) - 1]  # of the verb's sentence
        before = folded[start:verb.start()].split()[-_SPEAKER_WORDS:]
        if party.terms & set(analyze(" ".join(before))):
            return True
    if party.verbs != "saying":
        return False
    return any(party.terms & set(analyze(" ".join(folded[m.end():].split()[:_NAMED_AFTER])))
               for m in _ATTRIBUTION.finditer(folded))


_SENTENCE_END = re.compile(r"[.!?;:]\s")
_ATTRIBUTION = re.compile(r"[,\"”']\s*(?:said|says)\b|\baccording to\b")  # ", said X"
_NAMED_AFTER = 4  # "said the Malian army spokesman": the speaker within this many words


# ----- diversification -----------------------------------------------------------------


def _diversified(hits: list[Hit], passages: PassageView, params: RankParams) -> list[Hit]:
    """At most two of the top three from one document, when another document's passage
    speaks to the question as well (`_other_source`): it takes the third place."""
    if len(hits) < 4:
        return hits
    doc = passages.doc_key_of(hits[0].index)
    if any(passages.doc_key_of(h.index) != doc for h in hits[:PAGE]):
        return hits
    other = _other_source(hits, doc, passages, params)
    if other is None:
        return hits
    return [*hits[:2], hits[other], *hits[2:other], *hits[other + 1:]]


def _other_source(hits: list[Hit], doc: str, passages: PassageView, params: RankParams
                  ) -> int | None:
    """Where the first passage of another document is that speaks to the question: three
    quarters of the best hit's coverage at >= diversity_ratio of its score, or as much
    coverage as the third place at >= source_tie_ratio of its score (a near tie for the
    third place goes to another source: a second outlet's account)."""
    best, third = hits[0], hits[PAGE - 1]
    for i, hit in enumerate(hits[PAGE:], start=PAGE):
        if passages.doc_key_of(hit.index) == doc:
            continue
        strong = (hit.score >= params.diversity_ratio * best.score
                  and hit.coverage >= 0.75 * best.coverage)
        tied = (hit.score >= params.source_tie_ratio * third.score
                and hit.coverage >= third.coverage and hit.companion <= third.companion)
        if strong or tied:
            return i
    return None
