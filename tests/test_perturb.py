"""bench/perturb.py's rewrites: each family changes a question the way it says, the same way
every run, and the chat fragments are not phrases the noise tables already drop."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bench import perturb
from bench.perturb import FAMILIES, rewrite
from bot.evaluate import EvalQuestion, EvalResult
from index.lexicon import is_dictionary_word

QUESTIONS = ("Who did Wagner fight at Tinzaouatene?", "When was MUJAO founded?",
             "How many soldiers were killed in the attack on Boulkessi?",
             "Quand l'armée française a-t-elle quitté le Mali ?")


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_rewrites_the_same_way_every_time(family: str) -> None:
    for question in QUESTIONS:
        assert rewrite(question, family) == rewrite(question, family)
    assert any(rewrite(q, family) not in (None, q) for q in QUESTIONS)


def test_typo_changes_one_letter_of_one_dictionary_word_and_no_name() -> None:
    question = "How many soldiers were killed in the attack on Boulkessi?"
    for seed in map(str, range(30)):
        typed = rewrite(question, "typo", seed)
        assert typed is not None
        before, after = question.split(), typed.split()
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert len(changed) == 1
        word, typo = changed[0]
        assert word.islower() and is_dictionary_word(word) and len(word) >= 5
        assert abs(len(word) - len(typo)) <= 1 and not is_dictionary_word(typo)
        assert word[0] == typo[0]


def test_lower_drops_capitals_and_punctuation_but_not_inner_apostrophes() -> None:
    assert rewrite("Who is Jama'at Nusrat? (JNIM)", "lower") == "who is jama'at nusrat jnim"


def test_keywords_keeps_the_content_words_in_order() -> None:
    found = {rewrite("Who did Wagner fight at Tinzaouatene?", "keywords", s)
             for s in map(str, range(20))}
    assert found == {"Wagner fight Tinzaouatene", "Wagner fight at Tinzaouatene"}


def test_synonym_replaces_one_listed_word_keeping_its_capital() -> None:
    assert rewrite("Attack on Boulkessi", "synonym") == "Assault on Boulkessi"
    assert rewrite("Who is Goita?", "synonym") is None


def test_hedge_adds_one_listed_word() -> None:
    for seed in map(str, range(20)):
        typed = rewrite("Who did Wagner fight at Tinzaouatene?", "hedge", seed)
        assert typed is not None
        added = set(re.findall(r"\w+", typed)) - {"Who", "did", "Wagner", "fight", "at",
                                                    "Tinzaouatene"}
        assert len(added) == 1 and added <= set(perturb.HEDGES)


def test_accents_are_removed_and_elided_articles_glued() -> None:
    assert rewrite("Quand l'armée française a-t-elle quitté le Mali ?", "accents") \
        == "Quand larmee francaise a-t-elle quitte le Mali ?"
    assert rewrite("Who did Wagner fight?", "accents") is None


def test_no_chat_fragment_is_a_whole_phrase_of_the_noise_tables() -> None:
    assert perturb.fragment_is_chatter("thx in advance")  # the check can fail
    assert not [f for f in perturb.CHAT_FRAGMENTS if perturb.fragment_is_chatter(f)]


def test_figures_count_refusals_losses_gains_and_out_of_corpus_answers() -> None:
    answerable = EvalQuestion("Who did Wagner fight?", ("Wagner",))
    unanswerable = EvalQuestion("Who won the World Cup?", answerable=False)

    def pair(question: EvalQuestion, before: tuple[int | None, bool],
             after: tuple[int | None, bool]) -> tuple[EvalResult, EvalResult]:
        typed = replace(question, question=question.question.lower())
        return EvalResult(question, *before), EvalResult(typed, *after)

    found = perturb.figures("lower", [
        pair(answerable, (1, False), (None, True)),   # refused
        pair(answerable, (1, False), (3, False)),     # lost
        pair(answerable, (2, False), (1, False)),     # gained
        pair(answerable, (1, False), (1, False)),     # unchanged
        pair(unanswerable, (None, True), (None, False)),  # answered what the corpus lacks
        pair(unanswerable, (None, True), (None, True))])
    assert (found.rewritten, len(found.refused), len(found.lost), len(found.gained)) \
        == (4, 1, 1, 1)
    assert (found.unanswerable, len(found.answered)) == (2, 1)
    assert found.refused[0].rewritten == "who did wagner fight?"
