"""index.proximity: the best window of one or two sentences, the reordering of kept passages
by how much of what they match meets there, and what it must never do (keep or drop a
passage, change an abstention, put a companion before a passage passing every rule)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import Service
from bot.evaluate import load_questions
from index import proximity
from index.analyze import analyze
from index.proximity import Weighted, best_window, gathered, reordered, sentence_terms
from index.rank import Hit, RankParams, rank
from index.understand import understand
from tests.conftest import ROOT, SEEDS, make_config
from tests.test_rank import PARAMS, Doc, Passages, ask, concept, filler_docs, query

OFF = replace(PARAMS, proximity_power=0.0)


def weighted(word: str, weight: float) -> Weighted:
    return Weighted(frozenset(analyze(word)), weight)


class Texts:
    """A proximity.Texts over plain strings."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def text_of(self, index: int) -> str:
        return self.texts[index]


# ----- best window ---------------------------------------------------------------------


def test_sentence_terms_are_each_sentence_s_terms_in_order() -> None:
    text = "Wagner left Mali. Rain fell on Gao."
    assert sentence_terms(text) == (frozenset(analyze("Wagner left Mali")),
                                    frozenset(analyze("Rain fell on Gao")))


def test_the_best_window_is_the_sentence_holding_the_heaviest_concepts() -> None:
    sentences = sentence_terms("Wagner left. An ambush near Kidal. Wagner was ambushed.")
    concepts = [weighted("Wagner", 1.0), weighted("ambush", 3.0)]
    window = best_window(sentences, concepts)
    assert window is not None
    assert (window.first, window.sentences) == (2, 1)
    assert window.share == pytest.approx(1.0)


def test_a_concept_counts_once_by_any_of_its_terms() -> None:
    army = Weighted(frozenset(analyze("army soldiers troops")), 2.0)
    sentences = sentence_terms("Soldiers and troops of the army. Kidal.")
    window = best_window(sentences, [army, weighted("Kidal", 2.0)])
    assert window is not None
    assert window.share == pytest.approx(0.5)  # the army alone: 2 of 4, counted once


def test_two_sentences_count_at_a_discount() -> None:
    sentences = sentence_terms("Wagner arrived. Then an ambush. Nothing else.")
    concepts = [weighted("Wagner", 1.0), weighted("ambush", 1.0)]
    halved = best_window(sentences, concepts, pair_discount=0.5)
    assert halved is not None and halved.sentences == 1 and halved.share == pytest.approx(0.5)
    whole = best_window(sentences, concepts, pair_discount=1.0)
    assert whole is not None
    assert (whole.first, whole.sentences) == (0, 2)
    assert whole.share == pytest.approx(1.0)


def test_ties_go_to_the_earlier_then_the_shorter_window() -> None:
    sentences = sentence_terms("Kidal fell. Kidal again. Kidal once more.")
    window = best_window(sentences, [weighted("Kidal", 1.0)], pair_discount=1.0)
    assert window is not None and (window.first, window.sentences) == (0, 1)


def test_no_sentence_or_no_weight_has_no_window() -> None:
    assert best_window((), [weighted("Kidal", 1.0)]) is None
    assert best_window(sentence_terms("Kidal fell."), []) is None
    assert gathered("", [weighted("Kidal", 1.0)], 0.5) == 0.0


# ----- reordering ----------------------------------------------------------------------

SCATTERED = "Wagner trucks moved north. Rain fell in the south. An ambush hit a bus."
GATHERED = ("Wagner fell into an ambush near the border, and the market closed for the week. "
            "Officials in the region said schools and the road to the village would reopen "
            "after the election budget vote.")
CONCEPTS = [weighted("Wagner", 2.0), weighted("ambush", 2.0)]


def test_a_passage_whose_concepts_meet_in_one_sentence_moves_up() -> None:
    texts = Texts([SCATTERED, GATHERED])
    hits = [Hit(0, 10.0, ("Wagner", "ambush")), Hit(1, 9.0, ("Wagner", "ambush"))]
    assert [h.index for h in reordered(hits, CONCEPTS, texts, 0.0)] == [0, 1]
    assert [h.index for h in reordered(hits, CONCEPTS, texts, 0.3)] == [1, 0]


def test_a_gathered_passage_keeps_its_score_and_a_scattered_one_loses_some() -> None:
    texts = Texts([SCATTERED, GATHERED])
    hits = [Hit(0, 10.0, ("Wagner", "ambush")), Hit(1, 9.0, ("Wagner", "ambush"))]
    scores = {h.index: h.score for h in reordered(hits, CONCEPTS, texts, 0.3)}
    assert scores[1] == pytest.approx(9.0)
    assert scores[0] == pytest.approx(10.0 * 0.5 ** 0.3)


def test_companions_stay_after_the_passages_that_pass_every_rule() -> None:
    texts = Texts([SCATTERED, GATHERED])
    hits = [Hit(0, 10.0, ("Wagner", "ambush")), Hit(1, 50.0, ("Wagner", "ambush"),
                                                     companion=True)]
    assert [h.index for h in reordered(hits, CONCEPTS, texts, 1.0)] == [0, 1]


def test_a_passage_matching_one_concept_is_not_read() -> None:
    class Unreadable:
        def text_of(self, index: int) -> str:
            raise AssertionError(f"passage {index} was read")

    hits = [Hit(0, 3.0, ("Wagner",), 0.5), Hit(1, 2.0, ("ambush",), 0.5)]
    assert reordered(hits, CONCEPTS, Unreadable(), 0.3) == hits


def test_what_only_the_heading_holds_meets_nothing_in_the_text() -> None:
    # the passage covers both concepts (one through its heading); its text holds one
    assert gathered("Wagner trucks moved north.", CONCEPTS, 1.0) == pytest.approx(0.5)
    assert gathered("Wagner trucks moved north.", CONCEPTS, 0.5) == pytest.approx(1.0)


BOTH = ("Wagner", "ambush")
hit_lists = st.lists(
    st.tuples(st.sampled_from([SCATTERED, GATHERED, "Kidal.", "", "Wagner. Ambush.",
                               "Wagner. Rain. Ambush."]),
              st.floats(0.01, 100.0), st.floats(0.05, 1.0), st.booleans()),
    min_size=0, max_size=12)


def _as_kept(rows: list[tuple[str, float, float, bool]]
             ) -> list[tuple[str, float, float, bool]]:
    """In the order _kept gives hits: best first, companions last."""
    return sorted(rows, key=lambda r: (r[3], -r[1]))


def _hits(rows: list[tuple[str, float, float, bool]]) -> list[Hit]:
    rows = _as_kept(rows)
    return [Hit(i, score, BOTH, coverage, companion)
            for i, (_, score, coverage, companion) in enumerate(rows)]


@settings(max_examples=200, deadline=None)
@given(hit_lists, st.floats(0.0, 3.0))
def test_reordering_keeps_the_same_hits_lowers_no_score_and_keeps_companions_last(
        rows: list[tuple[str, float, float, bool]], power: float) -> None:
    hits = _hits(rows)
    texts = Texts([text for text, _, _, _ in _as_kept(rows)])
    out = reordered(hits, CONCEPTS, texts, power)
    assert sorted(h.index for h in out) == [h.index for h in hits]
    before = {h.index: h for h in hits}
    assert all(h.score <= before[h.index].score + 1e-9 for h in out)
    assert all(h.coverage == before[h.index].coverage for h in out)
    flags = [h.companion for h in out]
    assert flags == sorted(flags)
    for group in (False, True):
        scores = [h.score for h in out if h.companion == group]
        assert scores == sorted(scores, reverse=True)


@settings(max_examples=200, deadline=None)
@given(hit_lists, st.floats(0.05, 3.0))
def test_the_first_places_are_those_of_rescoring_every_hit(
        rows: list[tuple[str, float, float, bool]], power: float) -> None:
    """Reading only the hits that can still reach the first SETTLED places gives them
    exactly as rescoring every hit would."""
    hits = _hits(rows)
    texts = Texts([text for text, _, _, _ in _as_kept(rows)])
    out = reordered(hits, CONCEPTS, texts, power)
    full = [replace(h, score=h.score * gathered(texts.text_of(h.index), CONCEPTS,
                                                h.coverage) ** power) for h in hits]
    for group in (False, True):
        settled = [h for h in out if h.companion == group][:proximity.SETTLED]
        exact = sorted((h for h in full if h.companion == group),
                       key=lambda h: (-h.score, h.index))[:proximity.SETTLED]
        assert [h.score for h in settled] == pytest.approx([h.score for h in exact])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Wagner left.", "An ambush.", "Rain.", "Wagner ambush."]),
                max_size=6), st.floats(0.0, 1.0))
def test_the_window_share_is_a_share_at_least_each_sentence_s(
        sentences: list[str], discount: float) -> None:
    terms = sentence_terms(" ".join(sentences))
    window = best_window(terms, CONCEPTS, pair_discount=discount)
    if not terms:
        assert window is None
        return
    assert window is not None and 0.0 <= window.share <= 1.0
    singles = [best_window((t,), CONCEPTS) for t in terms]
    assert all(s is not None and window.share >= s.share for s in singles)


# ----- in rank() -----------------------------------------------------------------------


def scattered_and_gathered() -> Passages:
    return Passages([Doc("s", SCATTERED), Doc("g", GATHERED), *filler_docs(20)])


def test_rank_puts_the_passage_where_the_words_meet_first() -> None:
    passages = scattered_and_gathered()
    q = query(concept("Wagner", name=True), concept("ambush"))
    assert [h.index for h in ask(passages, q, params=OFF).hits[:2]] == [0, 1]  # BM25 alone
    assert [h.index for h in ask(passages, q).hits[:2]] == [1, 0]


@pytest.mark.parametrize("words", [("Wagner", "ambush"), ("Wagner", "rain"), ("bus", "market"),
                                   ("Kidal", "ambush"), ("market", "week")])
def test_rank_keeps_and_abstains_exactly_as_without_proximity(words: tuple[str, str]) -> None:
    passages = scattered_and_gathered()
    q = query(concept(words[0], name=words[0].istitle()), concept(words[1]))
    on, off = ask(passages, q, limit=50), ask(passages, q, limit=50, params=OFF)
    assert (on.abstained, on.reason) == (off.abstained, off.reason)
    assert sorted(h.index for h in on.hits) == sorted(h.index for h in off.hits)


Decision = tuple[bool, str, list[int]]


async def _on_and_off_over_the_seeds(tmp: Path) -> list[tuple[Decision, Decision]]:
    """Each dev question ranked over the seeds with proximity on (the default) and off."""
    shutil.copytree(SEEDS, tmp / "corpus")
    service = await Service.open(make_config(tmp))
    try:
        snapshot = service._snapshot
        assert snapshot.engine is not None
        pairs = []
        for q in load_questions(ROOT / "tests" / "eval" / "dev.yaml"):
            query_ = understand(q.question, snapshot.vocabulary, service.aliases,
                                bot_names=service.bot_names, today=dt.date(2026, 1, 1))
            on, off = (rank(query_, snapshot.engine, snapshot, limit=100, params=params)
                       for params in (RankParams(), OFF))
            pairs.append(((on.abstained, on.reason, [h.index for h in on.hits]),
                          (off.abstained, off.reason, [h.index for h in off.hits])))
        return pairs
    finally:
        await service.close()


def test_on_the_dev_questions_proximity_changes_no_decision_and_no_kept_passage(
        tmp_path: Path) -> None:
    """Every tests/eval/dev.yaml question over the seeds: the same abstentions (and
    reasons) and the same kept passages with proximity on and off; only the order of some
    answers changes."""
    assert RankParams().proximity_power > 0
    pairs = asyncio.run(_on_and_off_over_the_seeds(tmp_path))
    assert sum(not on[0] for on, _ in pairs) > 400
    for on, off in pairs:
        assert on[:2] == off[:2]
        assert sorted(on[2]) == sorted(off[2])
    assert sum(on[2] != off[2] for on, off in pairs) >= 10
