"""The English phrase table (#10): a typed phrase ("pull out", "went missing") brings the plain
words reports write (withdraw, disappeared) into the question as alternatives of one concept."""

from __future__ import annotations

import pytest

from index.analyze import analyze
from index.lexicon import load_aliases
from index.phrases import PhraseTable, bundled_phrases, match_at, parse_phrases, phrase_key
from index.query import SYNONYM, TYPED, Concept, Query
from index.understand import PHRASE_WEIGHT, RELATED_MAX_SHARE, prepare, understand
from index.vocabulary import Vocabulary

TABLE = PhraseTable({"pack up": ["leave"], "pack up and go home": ["withdraw", "withdrawal"],
                     "go missing": ["disappeared"], "lives lost": ["deaths", "killed"]})

PASSAGES = [
    "The French army withdrew from Kidal in 2021 after nine years.",
    "A journalist disappeared in Bamako while investigating the president's finances.",
    "The death toll rose to 40 deaths after the attack on the convoy.",
    "Wagner fighters arrived in Mali at the end of 2021.",
    "The junta postponed the elections planned for February 2022.",
    "JNIM claimed the attack on the camp of Boulkessi.",
    "MINUSMA peacekeepers patrolled the road to Gao.",
    "Algeria mediated the 2015 peace agreement signed in Bamako.",
    "Tuareg rebels took Aguelhok in January 2012.",
    "The army said its soldiers held the town of Menaka.",
    "The army and its partners patrolled the town.",
    "The army reinforced the town of Gao.",
]
VOCAB = Vocabulary.from_passages(PASSAGES)
ALIASES = load_aliases()
prepare()


def ask(question: str) -> Query:
    return understand(question, VOCAB, ALIASES)  # type: ignore[arg-type]


def concept_of(query: Query, typed: str) -> Concept:
    found = [c for c in query.concepts if c.typed == typed]
    assert found, [c.typed for c in query.concepts]
    return found[0]


def weight_of(concept: Concept, word: str) -> float | None:
    term = analyze(word)[0]
    return next((a.weight for a in concept.alternatives if a.term == term), None)


# ----- matching ---------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "listed"), [
    (["pulled", "out"], ["pull", "out"]), (["pulling", "out"], ["pull", "out"]),
    (["went", "missing"], ["go", "missing"]), (["Gone", "Missing"], ["go", "missing"]),
    (["took", "over"], ["take", "over"]), (["Lives", "lost"], ["lives", "lost"])])
def test_a_phrase_key_covers_inflections_and_irregular_verbs(typed: list[str],
                                                            listed: list[str]) -> None:
    assert phrase_key(typed) == phrase_key(listed)


def test_a_phrase_key_keeps_the_function_words_analysis_drops() -> None:
    assert analyze("pull out") == analyze("pull")
    assert phrase_key(["pull", "out"]) != phrase_key(["pull", "up"])


def test_the_longest_phrase_starting_at_a_word_wins() -> None:
    stems = phrase_key("they will pack up and go home soon".split())
    assert match_at(TABLE, stems, 2) == (5, ("withdraw", "withdrawal"))
    assert match_at(TABLE, phrase_key("pack up the camp".split()), 0) == (2, ("leave",))


def test_no_phrase_matches_a_word_alone_or_another_particle() -> None:
    assert match_at(TABLE, phrase_key(["pack"]), 0) == (0, ())
    assert match_at(TABLE, phrase_key(["pack", "down"]), 0) == (0, ())
    assert match_at(TABLE, phrase_key(["missing", "go"]), 0) == (0, ())


@pytest.mark.parametrize(("data", "message"), [
    ({"withdraw": ["leave"]}, "two or more words"), ({"Pull out": ["withdraw"]}, "lower case"),
    ({"pull out": []}, "'pull out' must map"), ({"pull out": ["Withdraw"]}, "'pull out'"),
    (["pull out"], "mapping")])
def test_a_bad_phrase_entry_is_refused_with_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_phrases(data, "test")


def test_the_bundled_table_holds_the_issue_s_phrases() -> None:
    table = bundled_phrases()
    for phrase, plain in [("pull out", "withdraw"), ("fall out", "split"),
                          ("caught off guard", "surprised"), ("go missing", "disappeared"),
                          ("call up fighters", "mobilize"), ("lives lost", "deaths"),
                          ("hand over", "transfer"), ("push north", "offensive")]:
        key = phrase_key(phrase.split())
        assert plain in match_at(table, key, 0)[1], phrase


# ----- in question understanding ---------------------------------------------------------

def test_a_typed_phrase_is_one_concept_its_plain_words_count_for() -> None:
    concept = concept_of(ask("Why did the French pull out of Kidal?"), "pull out")
    assert {a.term for a in concept.alternatives if a.how == TYPED} == {"pull"}
    assert weight_of(concept, "withdrew") == PHRASE_WEIGHT
    assert all(a.how == SYNONYM for a in concept.alternatives if a.weight == PHRASE_WEIGHT)


def test_an_inflected_phrase_is_read_and_its_words_are_consulted_even_if_indexed() -> None:
    query = ask("Which reporter went missing in Bamako?")
    concept = concept_of(query, "went missing")
    assert weight_of(concept, "disappeared") == PHRASE_WEIGHT
    assert not any(c.typed in {"went", "missing"} for c in query.concepts)


def test_every_content_word_of_the_phrase_is_typed_and_the_plain_words_follow() -> None:
    concept = concept_of(ask("How many lives lost in the attack?"), "lives lost")
    typed = {a.term for a in concept.alternatives if a.how == TYPED}
    assert typed == set(analyze("lives lost"))
    assert weight_of(concept, "deaths") == PHRASE_WEIGHT


def test_plain_words_the_index_lacks_or_holds_everywhere_are_left_out() -> None:
    assert VOCAB.df(analyze("army")[0]) > RELATED_MAX_SHARE * VOCAB.n_docs
    concept = concept_of(ask("Did they pull out their boots on the ground?"),
                         "boots on the ground")
    assert weight_of(concept, "army") is None          # in a third of the passages
    assert weight_of(concept, "deployment") is None    # in none
    assert weight_of(concept, "soldiers") == PHRASE_WEIGHT


def test_a_french_question_is_not_read_through_the_english_table() -> None:
    query = ask("Pourquoi les soldats français ont-ils quitté Kidal, pull out ?")
    assert query.language == "fr"
    assert not any(c.typed == "pull out" for c in query.concepts)
