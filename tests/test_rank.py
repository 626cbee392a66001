"""index.rank: weighted BM25 query, abstention at any corpus size, dates, definitions and
diversification; plus the engine's weighted query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pytest

from index.analyze import analyze
from index.engine import BM25
from index.query import ALIAS, TYPED, Alternative, Concept, DateRange, Query
from index.rank import (
    ABSTAIN_EMPTY,
    ABSTAIN_NO_MATCH,
    ABSTAIN_UNKNOWN_NAME,
    Ranking,
    RankParams,
    rank,
)

PARAMS = RankParams()


@dataclass(frozen=True)
class Doc:
    key: str
    text: str
    date: str = ""
    heading: str = ""


class Passages:
    """A PassageView over plain documents, one passage each."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self.engine = BM25([analyze(f"{d.heading}\n{d.text}") for d in docs])

    def terms_of(self, index: int) -> frozenset[str]:
        d = self.docs[index]
        return frozenset(analyze(f"{d.heading}\n{d.text}"))

    def doc_key_of(self, index: int) -> str:
        return self.docs[index].key

    def date_of(self, index: int) -> str:
        return self.docs[index].date

    def heading_of(self, index: int) -> str:
        return self.docs[index].heading

    def text_of(self, index: int) -> str:
        return self.docs[index].text


def concept(word: str, *, name: bool = False, extra: tuple[tuple[str, float, str], ...] = ()
            ) -> Concept:
    alts = [Alternative(t, 1.0, TYPED) for t in analyze(word)]
    alts += [Alternative(t, w, how) for t, w, how in extra]
    return Concept(word, tuple(alts), is_name=name)


def query(*concepts: Concept, **fields: object) -> Query:
    return Query("?", concepts=concepts, **fields)  # type: ignore[arg-type]


def ask(passages: Passages, q: Query, limit: int = 5, params: RankParams = PARAMS) -> Ranking:
    return rank(q, passages.engine, passages, limit=limit, params=params)


FILLER_WORDS = ("government report region security forces week officials said local people "
                "village market water road school health election budget").split()


def filler_docs(count: int, seed: int = 0) -> list[Doc]:
    rng = np.random.default_rng(seed)
    return [Doc(f"f{i}", " ".join(rng.choice(FILLER_WORDS, size=40))) for i in range(count)]


CORE = [
    Doc("a", "Rebels said they killed 84 fighters from Wagner at Tinzaouatene in July.",
        "2024-07-29"),
    Doc("a", "The army admitted losses at Tinzaouatene but disputed the rebels' toll.",
        "2024-07-29"),
    Doc("a", "Fighting at Tinzaouatene lasted three days near the Algerian border.",
        "2024-07-29"),
    Doc("b", "Mali's government said its soldiers fought Wagner's enemies at Tinzaouatene "
        "and acknowledged casualties.", "05 August 2024"),
    Doc("c", "JNIM (Jama'at Nusrat al-Islam wal-Muslimin) is an alliance formed in 2017.",
        "2023-01-10", heading="Groups"),
    Doc("c", "Attacks claimed by JNIM rose in 2019 and JNIM spread south.", "2023-01-10"),
    Doc("d", "Kidal was taken by the army in November 2023.", "2023-11-20"),
    Doc("e", "Kidal was held by the rebels of the north for months in 2012.", "2013-02-01"),
]


@pytest.fixture(scope="module")
def small() -> Passages:
    return Passages(CORE + filler_docs(30))


# ----- engine: weighted query ----------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_weights_of_one_equal_top_k_and_get_scores(seed: int) -> None:
    rng = np.random.default_rng(seed)
    corpus = [[f"t{x}" for x in rng.integers(0, 40, size=rng.integers(1, 30))]
              for _ in range(300)]
    engine = BM25(corpus)
    for _ in range(20):
        terms = list(dict.fromkeys(f"t{x}" for x in rng.integers(0, 45, size=4)))
        weighted = engine.top_k_weighted(dict.fromkeys(terms, 1.0), 25)
        assert weighted == engine.top_k(terms, 25)
        scores = engine.get_scores(terms)
        assert all(scores[d] == s for d, s in weighted)


def test_weighted_query_sums_weight_times_term_score() -> None:
    corpus = [["a", "b"], ["a"], ["b", "b", "c"], ["c"], ["d"]]
    engine = BM25(corpus)
    got = dict(engine.top_k_weighted({"a": 1.0, "b": 0.5, "zz": 1.0}, 10))
    a, b = engine.get_scores(["a"]), engine.get_scores(["b"])
    assert set(got) == {0, 1, 2}
    for doc, score in got.items():
        assert score == pytest.approx(a[doc] + 0.5 * b[doc], abs=1e-12)
    assert engine.top_k_weighted({}, 3) == [] and engine.top_k_weighted({"a": 1.0}, 0) == []
    with pytest.raises(ValueError):
        engine.top_k_weighted({"a": 1.0}, -1)


def test_weighted_ties_break_by_doc_index() -> None:
    engine = BM25([["x", "y"], ["y", "x"], ["z"], ["x", "y"]])
    assert [d for d, _ in engine.top_k_weighted({"x": 0.3, "y": 0.3}, 3)] == [0, 1, 3]


def test_term_scores_are_the_documents_bm25_term_scores() -> None:
    corpus = [["a", "b"], ["a"], ["b", "b", "c"], ["c"], ["d"]]
    engine = BM25(corpus)
    held, scores = engine.term_scores("b", [2, 4, 0])
    assert held.tolist() == [True, False, True]
    expected = engine.get_scores(["b"])
    assert scores.tolist() == [expected[2], 0.0, expected[0]]


def test_a_concept_counts_once_through_its_best_alternative() -> None:
    docs = [Doc("x", "JNIM GSIM alliance statement"), Doc("y", "JNIM attack statement"),
            *filler_docs(20)]
    passages = Passages(docs)
    jnim = Concept("JNIM", (Alternative("jnim", 1.0), Alternative("gsim", 0.8, ALIAS),
                            Alternative("allianc", 0.8, ALIAS)), is_name=True)
    summed = passages.engine.top_k_weighted(query(jnim).weighted_terms(), 1)
    assert passages.docs[summed[0][0]].key == "x"  # a plain weighted sum prefers x
    ranking = ask(passages, query(jnim, concept("statement")))
    assert passages.docs[ranking.hits[0].index].key == "y"


def test_holds_agrees_with_the_documents() -> None:
    rng = np.random.default_rng(7)
    corpus = [[f"t{x}" for x in rng.integers(0, 30, size=rng.integers(1, 12))]
              for _ in range(200)]
    engine = BM25(corpus)
    docs = [int(d) for d in rng.permutation(200)[:50]]
    for term in ("t0", "t7", "t29", "absent"):
        assert engine.holds(term, docs).tolist() == [term in corpus[d] for d in docs]
    assert engine.holds("t0", []).tolist() == []


# ----- abstention ----------------------------------------------------------------------


@pytest.mark.parametrize("word", ["Tinzaouatene", "JNIM", "Kidal", "Wagner"])
def test_a_rare_name_typed_alone_is_answered(small: Passages, word: str) -> None:
    ranking = ask(small, query(concept(word, name=True)))
    assert not ranking.abstained
    assert all(small.terms_of(h.index) & set(analyze(word)) for h in ranking.hits)


def test_unknown_name_vetoes_and_is_named(small: Passages) -> None:
    q = query(concept("Wagner", name=True), concept("Sudan", name=True))
    ranking = ask(small, q)
    assert ranking.abstained and ranking.reason == ABSTAIN_UNKNOWN_NAME
    assert ranking.unknown_names == ("Sudan",)


def test_a_word_of_an_unknown_name_is_not_named_again(small: Passages) -> None:
    q = query(concept("Wagner", name=True), concept("Cup", name=True),
              unknown_names=("World Cup",))
    assert ask(small, q).unknown_names == ("World Cup",)


def test_unknown_names_from_understanding_veto_too(small: Passages) -> None:
    ranking = ask(small, query(concept("Wagner", name=True), unknown_names=("Burkina Faso",)))
    assert ranking.abstained and ranking.unknown_names == ("Burkina Faso",)


def test_unknown_ordinary_words_do_not_dilute_coverage(small: Passages) -> None:
    chat = [concept(w) for w in ("lol", "bruh", "svp", "pourquoi", "wesh")]
    ranking = ask(small, query(concept("Tinzaouatene", name=True), *chat))
    assert not ranking.abstained


def test_question_sharing_only_a_common_word_abstains(small: Passages) -> None:
    q = query(concept("government"), concept("capital"), concept("recipe"))
    ranking = ask(small, q)
    assert ranking.abstained and ranking.reason == ABSTAIN_NO_MATCH


def test_two_concepts_must_both_be_covered(small: Passages) -> None:
    ranking = ask(small, query(concept("JNIM", name=True), concept("Tinzaouatene", name=True)))
    assert ranking.abstained


def test_empty_query_abstains_as_empty(small: Passages) -> None:
    assert ask(small, query()).reason == ABSTAIN_EMPTY


def test_fillers_are_not_concepts_unless_alone(small: Passages) -> None:
    ranking = ask(small, query(concept("happened"), concept("Kidal", name=True)))
    assert not ranking.abstained
    assert all(h.matched == ("Kidal",) for h in ranking.hits)


def test_raw_floor_applies_only_when_set(small: Passages) -> None:
    q = query(concept("Kidal", name=True))
    assert not ask(small, q).abstained
    assert ask(small, q, params=RankParams(min_score=1000.0)).abstained


def test_decisions_hold_when_the_corpus_grows_100x() -> None:
    questions = [
        query(concept("Tinzaouatene", name=True)),
        query(concept("JNIM", name=True), concept("attacks")),
        query(concept("Wagner", name=True), concept("fight"), concept("Tinzaouatene", name=True)),
        query(concept("Kidal", name=True), concept("army")),
        query(concept("government"), concept("capital"), concept("recipe")),
        query(concept("JNIM", name=True), concept("Tinzaouatene", name=True)),
    ]
    small, big = Passages(CORE + filler_docs(30)), Passages(CORE + filler_docs(3000, seed=1))
    decisions = [(ask(small, q).abstained, ask(big, q).abstained) for q in questions]
    assert [s for s, _ in decisions] == [b for _, b in decisions]
    assert [s for s, _ in decisions] == [False, False, False, False, True, True]


def test_alias_alternative_matches_at_its_weight(small: Passages) -> None:
    gsim = Concept("GSIM", (Alternative("gsim", 1.0, TYPED), Alternative("jnim", 0.9, ALIAS)),
                   is_name=True)
    ranking = ask(small, query(gsim))
    assert not ranking.abstained and ranking.hits[0].matched == ("GSIM",)
    direct = ask(small, query(concept("JNIM", name=True)))
    assert ranking.hits[0].score == pytest.approx(0.9 * direct.hits[0].score)


# ----- boosts and diversification ------------------------------------------------------


def test_one_document_does_not_fill_the_top_three(small: Passages) -> None:
    q = query(concept("Tinzaouatene", name=True))
    plain = ask(small, q, params=RankParams(diversity_ratio=2.0, source_tie_ratio=2.0))  # off
    assert {small.doc_key_of(h.index) for h in plain.hits[:3]} == {"a"}
    ranking = ask(small, q)
    assert {small.doc_key_of(h.index) for h in ranking.hits[:3]} == {"a", "b"}
    assert sorted(h.index for h in ranking.hits) == sorted(h.index for h in plain.hits)


def test_named_period_prefers_passages_about_it(small: Passages) -> None:
    kidal = concept("Kidal", name=True)
    undated = ask(small, query(kidal))
    period = DateRange(dt.date(2012, 1, 1), dt.date(2012, 12, 31), "in 2012")
    dated = ask(small, query(kidal, dates=(period,)))
    assert small.docs[undated.hits[0].index].key == "d"
    assert small.docs[dated.hits[0].index].key == "e"


def test_month_period_needs_the_month(small: Passages) -> None:
    kidal = concept("Kidal", name=True)
    nov = DateRange(dt.date(2023, 11, 1), dt.date(2023, 11, 30), "November 2023")
    feb = DateRange(dt.date(2012, 2, 1), dt.date(2012, 2, 29), "February 2012")
    assert small.docs[ask(small, query(kidal, dates=(nov,))).hits[0].index].key == "d"
    # Document e says 2012 but not February, and is dated 2013: no boost, order unchanged.
    assert small.docs[ask(small, query(kidal, dates=(feb,))).hits[0].index].key == "d"


def test_latest_prefers_recent_documents() -> None:
    docs = [Doc("old", "Kidal Kidal talks resumed.", "2015-01-01"),
            Doc("new", "Kidal talks resumed.", "2024-06-01"), *filler_docs(20)]
    passages = Passages(docs)
    q = query(concept("Kidal", name=True), concept("talks"))
    assert passages.docs[ask(passages, q).hits[0].index].key == "old"
    recent = ask(passages, query(*q.concepts, wants_recent=True))
    assert passages.docs[recent.hits[0].index].key == "new"


def test_definition_ranks_first(small: Passages) -> None:
    jnim = concept("JNIM", name=True)
    assert small.docs[ask(small, query(jnim)).hits[0].index].text.startswith("Attacks")
    defined = ask(small, query(jnim, defines="JNIM"))
    assert small.docs[defined.hits[0].index].text.startswith("JNIM (")


def test_boosts_are_bounded(small: Passages) -> None:
    q = query(concept("JNIM", name=True))
    base = {h.index: h.score for h in ask(small, q).hits}
    period = DateRange(dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    boosted = ask(small, query(*q.concepts, defines="JNIM", dates=(period,), wants_recent=True))
    limit = 1 + PARAMS.date_boost + PARAMS.recent_boost + 2 * PARAMS.define_boost
    assert all(base[h.index] <= h.score <= limit * base[h.index] for h in boosted.hits)


# ----- off-topic words (#10, second round) ---------------------------------------------


def test_an_off_topic_word_the_corpus_never_uses_vetoes_the_answer(small: Passages) -> None:
    ranking = ask(small, query(concept("Wagner", name=True), concept("football")))
    assert ranking.abstained and ranking.reason == ABSTAIN_NO_MATCH


def test_an_off_topic_word_must_be_in_the_passage_that_answers() -> None:
    docs = [*CORE, Doc("z", "A football match in Gao was cancelled after the attack."),
            *filler_docs(30)]
    passages = Passages(docs)
    q = query(concept("Kidal", name=True), concept("taken"), concept("army"),
              concept("football"))
    assert ask(passages, q).abstained  # football is in the corpus, but not with Kidal
    ranking = ask(passages, query(concept("Gao", name=True), concept("football")))
    assert not ranking.abstained
    assert [passages.docs[h.index].key for h in ranking.hits] == ["z"]


def test_an_ordinary_unknown_word_still_does_not_veto(small: Passages) -> None:
    ranking = ask(small, query(concept("Tinzaouatene", name=True), concept("yesterday")))
    assert not ranking.abstained


def test_a_passage_holding_every_concept_outranks_one_repeating_some() -> None:
    docs = [Doc("x", "French troops French troops French troops fought in Diabaly with "
                "French special forces."),
            Doc("y", "The French military withdrew from Mali in 2022."),
            *filler_docs(20)]
    passages = Passages(docs)
    q = query(concept("French", name=True), concept("troops"), concept("Mali", name=True),
              concept("leave", extra=((analyze("withdrew")[0], 0.3, "synonym"),)))
    ranking = ask(passages, q)
    assert [h.index for h in ranking.hits[:2]] == [1, 0]
    assert ranking.hits[0].coverage > ranking.hits[1].coverage
    uncoordinated = ask(passages, q, params=replace(PARAMS, coverage_power=0.0))
    assert uncoordinated.hits[0].index == 0  # BM25 alone puts the repetition first


def test_a_month_without_a_year_counts_in_a_document_reported_soon_after() -> None:
    docs = [Doc("old", "Fighting at Tessalit Tessalit in July, the army said.", "2013-08-01"),
            Doc("new", "Fighting at Tessalit in July, the army said.", "2024-08-05"),
            *filler_docs(20)]
    passages = Passages(docs)
    july = DateRange(dt.date(2024, 7, 1), dt.date(2024, 7, 31), "July 2024")
    q = query(concept("Tessalit", name=True), concept("fighting"))
    assert passages.docs[ask(passages, q).hits[0].index].key == "old"
    assert passages.docs[ask(passages, query(*q.concepts, dates=(july,))).hits[0].index].key \
        == "new"


def test_a_passage_naming_x_as_known_as_defines_it() -> None:
    docs = [Doc("a", "Talks: the CMA and the CMA army met; the CMA said talks failed."),
            Doc("c", "Armed groups identified as the CMA announced a mobilisation."),
            *filler_docs(20)]
    passages = Passages(docs)
    cma = concept("CMA", name=True)
    assert passages.docs[ask(passages, query(cma)).hits[0].index].key == "a"
    defined = ask(passages, query(cma, defines="CMA"))
    assert passages.docs[defined.hits[0].index].key == "c"


@pytest.mark.parametrize("text", [
    "A spokesman for Ukraine's military intelligence agency the GUR spoke on television.",
    "The jihadist group, the GUR, claimed the attack.",
])
def test_a_passage_naming_what_sort_of_thing_x_is_just_before_it_defines_it(text: str) -> None:
    docs = [Doc("a", "Talks: the GUR and the GUR army met; the GUR said talks failed."),
            Doc("c", text), *filler_docs(20)]
    passages = Passages(docs)
    gur = concept("GUR", name=True)
    assert passages.docs[ask(passages, query(gur)).hits[0].index].key == "a"
    defined = ask(passages, query(gur, defines="GUR"))
    assert passages.docs[defined.hits[0].index].key == "c"


def test_a_predecessor_does_not_count_as_x_in_a_definition() -> None:
    docs = [Doc("a", "The CSP (Strategic Framework) met the CMA leaders and the CMA council."),
            Doc("b", "The CMA is a coalition of rebel movements."), *filler_docs(20)]
    passages = Passages(docs)
    cma = concept("CMA", name=True, extra=(("csp", 0.5, ALIAS),))
    defined = ask(passages, query(cma, defines="CMA"))
    assert passages.docs[defined.hits[0].index].key == "b"


def test_a_known_name_can_carry_an_answer_next_to_a_rarer_ordinary_word() -> None:
    docs = [Doc("a", "Wagner announced that it is leaving Mali."),
            Doc("b", "Officials in Mali give briefings on the budget every week."),
            *[Doc(f"w{i}", f"Wagner fighters patrolled Mali region {i}.") for i in range(4)],
            *filler_docs(20)]
    passages = Passages(docs)
    # "give" (one passage) is far rarer than Wagner (five): Wagner must still count.
    q = query(concept("Wagner", name=True), concept("give"), concept("Mali", name=True))
    assert "a" in {passages.docs[h.index].key for h in ask(passages, q).hits}


def test_a_day_named_without_its_year_counts_when_no_other_year_is_named() -> None:
    docs = [Doc("other", "On 16 January Gao Gao fighting in 2012 was heavy."),
            Doc("day", "On 16 January fighting in Gao began."),
            *filler_docs(20)]
    passages = Passages(docs)
    day = DateRange(dt.date(2013, 1, 16), dt.date(2013, 1, 16), "16 January 2013")
    q = query(concept("Gao", name=True), concept("fighting"))
    assert passages.docs[ask(passages, q).hits[0].index].key == "other"
    assert passages.docs[ask(passages, query(*q.concepts, dates=(day,))).hits[0].index].key \
        == "day"


# ----- fourth round (#10): "Why…?" --------------------------------------------------


def test_a_why_question_prefers_the_passage_that_gives_a_cause() -> None:
    docs = [Doc("a", "Mali broke off relations with Ukraine, its spokesman said in Bamako."),
            Doc("b", "Mali broke off relations with Ukraine, accusing Kyiv of helping rebels."),
            *filler_docs(20)]
    passages = Passages(docs)
    q = query(concept("Mali", name=True), concept("broke"), concept("relations"),
              concept("Ukraine", name=True))
    assert passages.docs[ask(passages, q).hits[0].index].key == "a"
    why = ask(passages, replace(q, wants_reason=True))
    assert passages.docs[why.hits[0].index].key == "b"


@pytest.mark.parametrize("text", ["The army retreated, it said.",
                                  "The army's losses caused alarm in Bamako."])
def test_a_passage_without_causal_wording_gets_no_reason_boost(text: str) -> None:
    docs = [Doc("a", text), *filler_docs(20)]
    passages = Passages(docs)
    q = query(concept("army"))
    plain, why = ask(passages, q), ask(passages, replace(q, wants_reason=True))
    assert why.hits[0].score == plain.hits[0].score


def test_a_passage_saying_what_x_is_outranks_one_that_only_opens_with_x() -> None:
    docs = [Doc("a", "CMA fighters and CMA officers met near Kidal."),
            Doc("b", "Rebels identified as the CMA declared a mobilisation of their troops."),
            *filler_docs(20)]
    passages = Passages(docs)
    cma = concept("CMA", name=True)
    assert passages.docs[ask(passages, query(cma)).hits[0].index].key == "a"
    defined = ask(passages, query(cma, defines="CMA"))
    assert passages.docs[defined.hits[0].index].key == "b"


def phrase_docs() -> list[Doc]:
    return [Doc("x", "The group's deputy leader declared its aims in a video."),
            Doc("y", "Two fighters appeared in a video, and two more in a second video."),
            Doc("z", "The number two of the group spoke in a video."),
            *filler_docs(20)]


def test_a_phrase_is_not_held_by_one_of_its_words() -> None:
    passages = Passages(phrase_docs())
    number_two = concept("number two", extra=((analyze("deputy")[0], 0.5, "synonym"),))
    ranking = ask(passages, query(number_two, concept("video")))
    # every word of it, then "deputy"; "two" alone is not the phrase: that passage holds
    # only "video" of the question and is not kept
    assert [(h.index, h.matched) for h in ranking.hits] == [
        (2, ("number two", "video")), (0, ("number two", "video"))]


def test_the_words_of_a_name_still_count_one_by_one() -> None:
    docs = [Doc("x", "Ansar fighters entered the town of Gao."),
            Doc("y", "Traders in Gao reopened the market."), *filler_docs(20)]
    passages = Passages(docs)
    ranking = ask(passages, query(concept("Ansar Dine", name=True), concept("Gao", name=True)))
    assert ranking.hits[0].index == 0
    assert "Ansar Dine" in ranking.hits[0].matched
