"""index.lead: the lead quote over the seeds (the answer is in it), sentence splitting,
and properties (never raises, offsets index a verbatim substring, length bound)."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import Service
from bot.evaluate import evidence_rank, load_questions
from index.lead import MAX_CHARS, Lead, concept_weights, select_lead, sentence_spans
from index.understand import understand
from tests.conftest import ROOT, SEEDS, make_config

Group = dict[str, tuple[float, float]]
Case = tuple[list[str], list[Group]]

# (question, passages considered, a phrase the lead must hold)
HEADLINE = "Who did Wagner fight at Tinzaouatene?"
TUAREG = ("Tuareg-led separatists said on Thursday they had killed 84 fighters from Wagner "
          "and 47 Malian soldiers")
WRITTEN_NOW = [
    (HEADLINE, 3, TUAREG),
    ("When did French troops leave Mali?", 10, "The French military, once a stabilizing force, "
     "withdrew in 2022"),
    ("Which country did Mali break diplomatic relations with?", 3,
     "breaking diplomatic relations with Ukraine"),
    ("How many Malian soldiers were killed at Tinzaouatene?", 3, "47 Malian soldiers"),
    ("When did the fighting at Tinzaouatene start?", 3, "on July 25"),
    ("Who summoned Ukraine's ambassador?", 3, "Senegal summoned Ukraine’s ambassador"),
    ("When did the junta seize power?", 3, "seized power in a 2020 coup"),
    ("When did the Wagner Group say it would withdraw from Mali?", 3,
     "declared its intention to withdraw from Mali"),
    ("Which base did Malian forces retreat from?", 3, "retreated from a significant military base"),
    ("When did French forces launch Operation Eclipse?", 3, "In January 2021"),
    ("How many civilians were killed in the French airstrike at the wedding?", 3,
     "killed 19 civilians"),
    ("When did the junta ask MINUSMA to withdraw?", 3, "On 16 June 2023"),
    ("Which towns did the rebels take from 30 March to 1 April?", 3, "Timbuktu, Kidal, and Gao"),
    ("What did the Coordination of Azawad Movements declare?", 3,
     "declared a comprehensive mobilization"),
    ("Who did Lavrov call?", 3, "his Malian counterpart Abdoulaye Diop"),
    ("When did the rebels retake Aguelhok?", 3, "On 24 January"),
    ("Who killed the Wagner mercenaries commemorated in Moscow?", 3, "by northern Tuareg rebels"),
    ("What did Choguel Maiga acknowledge?", 3, "acknowledged they had lost “a battle”"),
    ("Who broke off the alliance with France?", 3, "Under Col. Assimi Goita, the junta broke off"),
    ("Tinzaouatene", 3, "at a military camp at Tinzaouatene"),
    ("Who seized the Ber base?", 3, "The army seized the base two days later"),
    ("What did Yusov say on Ukrainian television?", 3, "had received the necessary data"),
    ("Where is Kidal?", 3, "north of Kidal in the Adrar des Ifora region"),
    ("Qui a tué des combattants de Wagner ?", 3, "killed 84 fighters"),
    ("Quand les troupes françaises ont-elles quitté le Mali ?", 3, "withdrew in 2022"),
    ("Quand l'armée française a-t-elle quitté le Mali ?", 3, "withdrew in 2022"),
    ("MINUSMA", 3, "MINUSMA"),
]

ALL_QUESTIONS = [q for q, _, _ in WRITTEN_NOW]


DEV_QUESTIONS = [q for q in load_questions(ROOT / "tests" / "eval" / "dev.yaml")
                 if q.evidence]


async def _case(service: Service, question: str, k: int) -> Case:
    snapshot = service._snapshot
    assert snapshot.engine is not None
    answer = await service.ask(question, k=k, log=False)
    query = understand(question, snapshot.vocabulary, service.aliases,
                       bot_names=service.bot_names)
    return [p.text for p in answer.passages], concept_weights(query, snapshot.engine.idf)


async def _collect(tmp: Path) -> dict[tuple[str, int], Case]:
    shutil.copytree(SEEDS, tmp / "corpus")
    service = await Service.open(make_config(tmp))
    try:
        asked = {(q, k) for q, k, _ in WRITTEN_NOW} | {(q.question, 3) for q in DEV_QUESTIONS}
        return {(q, k): await _case(service, q, k) for q, k in sorted(asked)}
    finally:
        await service.close()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Case]:
    return asyncio.run(_collect(tmp_path_factory.mktemp("lead")))


@pytest.mark.parametrize(("question", "k", "phrase"), WRITTEN_NOW,
                         ids=[q for q, _, _ in WRITTEN_NOW])
def test_lead_holds_the_answer(seeds: dict[tuple[str, int], Case], question: str, k: int,
                               phrase: str) -> None:
    texts, groups = seeds[(question, k)]
    lead = select_lead(texts, groups)
    assert lead is not None
    assert phrase in lead.text
    assert texts[lead.passage_rank - 1][lead.start:lead.end] == lead.text
    assert len(lead.quoted) <= MAX_CHARS


def test_lead_holds_the_dev_evidence_when_the_top_three_do(
        seeds: dict[tuple[str, int], Case]) -> None:
    """tests/eval/dev.yaml (direct, paraphrase, ... questions with an evidence phrase): of
    those whose top three passages hold the evidence, the lead holds it for most (96 of
    114 when written; the rest quote another sentence of the right passage or another
    passage)."""
    answered = held = 0
    for question in DEV_QUESTIONS:
        texts, groups = seeds[(question.question, 3)]
        if evidence_rank(question, texts) is None:
            continue
        answered += 1
        lead = select_lead(texts, groups)
        held += lead is not None and evidence_rank(question, [lead.text]) == 1
    assert answered >= 100
    assert held / answered >= 0.8


def test_headline_lead_is_the_tuareg_sentence_possibly_with_the_one_before(
        seeds: dict[tuple[str, int], Case]) -> None:
    texts, groups = seeds[(HEADLINE, 3)]
    lead = select_lead(texts, groups)
    assert lead is not None and lead.passage_rank == 1
    assert lead.text.endswith(TUAREG + ".")
    assert lead.text in (TUAREG + ".", "Three days of intense fighting erupted near the "
                         "Algerian border on July 25 at a military camp at Tinzaouatene. "
                         + TUAREG + ".")


def test_lead_costs_under_a_millisecond_for_three_passages(
        seeds: dict[tuple[str, int], Case]) -> None:
    cases = [seeds[(q, 3)] for q, k, _ in WRITTEN_NOW if k == 3]
    for texts, groups in cases:  # warm the analyser's word cache, as a running bot has it
        select_lead(texts, groups)
    started = time.perf_counter()
    for _ in range(5):
        for texts, groups in cases:
            select_lead(texts, groups)
    per_answer_ms = (time.perf_counter() - started) * 1000 / (5 * len(cases))
    assert per_answer_ms < 5  # target < 1 ms; bound loose for a loaded 2-core machine


def _typed(concepts: list[dict[str, float]]) -> list[Group]:
    """Concepts of typed words (weight 1) with the given IDFs."""
    return [{t: (1.0, idf) for t, idf in c.items()} for c in concepts]


# --- the abstention and empty inputs -------------------------------------------------


def test_no_passages_no_lead() -> None:
    assert select_lead([], _typed([{"wagner": 1.0}])) is None
    assert select_lead(["", "  \n "], _typed([{"wagner": 1.0}])) is None


def test_no_matching_word_gives_the_top_passage_first_sentence() -> None:
    lead = select_lead(["First one here. Second one.", "Other text."], _typed([{"absent": 2.0}]))
    assert lead == Lead(1, 0, 15, "First one here.")


# --- windows, ties and the length cap ------------------------------------------------


def test_two_sentences_only_when_the_second_adds_a_word() -> None:
    text = "Wagner fought there. It was hot. Rebels killed Wagner men."
    groups = _typed([{"wagner": 1.0}, {"rebel": 3.0}])
    lead = select_lead([text], groups)
    assert lead is not None and lead.text == "Rebels killed Wagner men."


def test_more_of_the_question_words_first_then_rarer_ones() -> None:
    groups = _typed([{"mali": 0.2}, {"wagner": 0.3}, {"tinzaouaten": 2.0}])
    lead = select_lead(["Tinzaouatene was the site. It rained. Mali and Wagner met."], groups)
    assert lead == Lead(1, 38, 58, "Mali and Wagner met.")
    lead = select_lead(["Mali was hit. It rained. Tinzaouatene was the site."], groups)
    assert lead == Lead(1, 25, 51, "Tinzaouatene was the site.")


def test_the_top_passage_gives_the_lead_whenever_it_holds_a_question_word() -> None:
    """Ranking put first the passage where the question's words meet: its best window is
    shown first, even when a lower passage holds more of them."""
    groups = _typed([{"mali": 0.2}, {"wagner": 0.3}, {"tinzaouaten": 2.0}])
    lead = select_lead(["Tinzaouatene was the site.", "Mali and Wagner met."], groups)
    assert lead == Lead(1, 0, 26, "Tinzaouatene was the site.")
    lead = select_lead(["It rained.", "Nothing here.", "Mali and Wagner met."], groups)
    assert lead == Lead(3, 0, 20, "Mali and Wagner met.")


def test_a_synonym_counts_by_its_weight() -> None:
    groups = [{"leav": (1.0, 2.9), "withdraw": (0.4, 0.6)}, {"french": (1.0, 2.0)}]
    lead = select_lead(["French troops withdrew. The French left."], groups)
    assert lead is not None and lead.text == "The French left."


def test_ties_favour_the_higher_ranked_passage_and_the_earlier_sentence() -> None:
    groups = _typed([{"wagner": 1.0}])
    lead = select_lead(["Nothing. Wagner one. Wagner two.", "Wagner three."], groups)
    assert lead == Lead(1, 9, 20, "Wagner one.")


def test_pair_over_the_cap_gives_one_sentence() -> None:
    first = "Wagner " + "word " * 40 + "end."
    second = "Rebels " + "word " * 40 + "end."
    lead = select_lead([f"{first} {second}"], _typed([{"wagner": 1.0}, {"rebel": 1.0}]))
    assert lead is not None and lead.text == first and not lead.truncated


def test_long_sentence_is_cut_at_a_clause_and_says_so() -> None:
    sentence = ("Wagner fought at the camp, " + "and the rebels held the ridge " * 12
                + "until dawn; then they left.")
    lead = select_lead([sentence], _typed([{"wagner": 1.0}]))
    assert lead is not None and lead.truncated
    assert lead.text == "Wagner fought at the camp"
    assert lead.quoted == "Wagner fought at the camp…"


def test_long_sentence_without_clause_is_cut_at_a_word() -> None:
    sentence = "Wagner " + "fighters " * 60 + "left."
    lead = select_lead([sentence], _typed([{"wagner": 1.0}]))
    assert lead is not None and lead.truncated
    assert lead.text.endswith("fighters") and len(lead.quoted) <= MAX_CHARS


# --- sentence splitting --------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.N. mission left. Then Wagner came.", ["The U.N. mission left.", "Then Wagner came."]),
    ("Gen. Goïta spoke. He left.", ["Gen. Goïta spoke.", "He left."]),
    ("On Jan. 5 they met. Talks failed.", ["On Jan. 5 they met.", "Talks failed."]),
    ("He said “we won.” Others disagreed.", ["He said “we won.”", "Others disagreed."]),
    ('"Who knows?" he asked. Nobody.', ['"Who knows?" he asked.', "Nobody."]),
    ("J. Doe wrote it. Done.", ["J. Doe wrote it.", "Done."]),
    ("Headline without stop\nBody starts here.", ["Headline without stop", "Body starts here."]),
    ("It cost 3.5 million. Then 2.1 more.", ["It cost 3.5 million.", "Then 2.1 more."]),
])
def test_sentence_spans(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


# --- properties ----------------------------------------------------------------------

_WORDS = st.sampled_from(["Wagner", "U.N.", "Gen.", "fought", "rebels", "Mali", "“quoted.”",
                          "e.g.", "—", ",", ";", ".", "?", "!", "\n", "…", "Tinzaouatene."])
_TEXT = st.one_of(st.text(max_size=400),
                  st.lists(_WORDS, max_size=150).map(" ".join))
_GROUPS = st.lists(st.dictionaries(st.sampled_from(["wagner", "rebel", "mali", "fought",
                                                    "tinzaouaten", "zzz"]),
                                   st.tuples(st.floats(0, 1), st.floats(0, 10)), max_size=3),
                   max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=4), _GROUPS, st.integers(20, 400))
def test_lead_is_a_verbatim_bounded_substring(texts: list[str], groups: list[Group],
                                              cap: int) -> None:
    lead = select_lead(texts, groups, max_chars=cap)
    if lead is None:
        assert all(not t.strip() for t in texts)
        return
    source = texts[lead.passage_rank - 1]
    assert source[lead.start:lead.end] == lead.text
    assert lead.text.strip() == lead.text and lead.text
    assert len(lead.quoted) <= cap


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_sentence_spans_are_ordered_trimmed_and_cover_the_words(text: str) -> None:
    spans = sentence_spans(text)
    previous = 0
    for a, b in spans:
        assert previous <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        previous = b
    assert [w for a, b in spans for w in text[a:b].split()] == text.split()
