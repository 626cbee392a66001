"""WordNet synonyms for words the corpus never uses (index/wordnet.py, #10)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from index import wordnet
from index.analyze import analyze
from index.lexicon import load_aliases
from index.query import SYNONYM, Query
from index.understand import understand
from index.vocabulary import Vocabulary

ALIASES = load_aliases()
FILLER = [f"The convoy left Gao on day {i}." for i in range(20)]
_LEMMA = re.compile(r"^[a-z][a-z'-]*$")


def _data(name: str) -> str:
    return resources.files("index").joinpath("data", name).read_text(encoding="utf-8")


def synonyms_of(query: Query, typed: str) -> set[str]:
    concept = next(c for c in query.concepts if c.typed == typed)
    return {a.term for a in concept.alternatives if a.how == SYNONYM}


def test_the_table_is_lemma_senses_and_one_field_per_sense_of_lowercase_words() -> None:
    lines = _data("en_wordnet.tsv").splitlines()
    assert len(lines) > 10_000
    for line in lines:
        lemma, senses, *ranks = line.split("\t")
        assert _LEMMA.match(lemma), line
        assert int(senses) >= 1, line
        assert 1 <= len(ranks) <= 2 and any(ranks), line
        for synonym in " ".join(ranks).split():
            parts = synonym.split("_")
            assert len(parts) <= 2 and all(_LEMMA.match(p) for p in parts), line
            assert synonym != lemma, line


def test_the_irregular_forms_are_form_and_base_and_the_licence_ships_beside_them() -> None:
    for line in _data("en_wordnet_exc.tsv").splitlines():
        form, base = line.split("\t")
        assert _LEMMA.match(form) and _LEMMA.match(base) and form != base
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in _data("WORDNET_LICENSE")
    size = sum(len(_data(n).encode()) for n in ("en_wordnet.tsv", "en_wordnet_exc.tsv"))
    assert size < 3_000_000


def test_the_first_sense_s_synonyms_come_first() -> None:
    assert wordnet.synonyms("stalemate", senses=1)[:3] == ["deadlock", "dead_end", "impasse"]
    assert "rubbing" not in wordnet.synonyms("friction", senses=1)
    assert "rubbing" in wordnet.synonyms("friction", senses=2)


@pytest.mark.parametrize(("word", "base"), [
    ("grumbling", "grumble"), ("stalemates", "stalemate"), ("theses", "thesis"),
    ("frictions", "friction")])
def test_a_word_is_looked_up_by_its_base_form(word: str, base: str) -> None:
    assert base in wordnet.base_forms(word)


def test_a_vague_word_of_many_senses_brings_no_synonyms() -> None:
    account = wordnet.entry("account")
    assert account is not None and account.senses > wordnet.MAX_SENSES
    assert wordnet.synonyms("account") == []


def test_a_word_the_corpus_never_uses_gets_its_synonym_the_index_holds() -> None:
    vocabulary = Vocabulary.from_passages([*FILLER, "The talks reached a deadlock in Algiers."])
    query = understand("Why the stalemate in the talks?", vocabulary, ALIASES)
    assert synonyms_of(query, "stalemate") == {"deadlock"}
    weight = next(a.weight for c in query.concepts for a in c.alternatives
                  if a.term == "deadlock")
    assert weight == pytest.approx(wordnet.WORDNET_WEIGHT)
    assert not query.unknown_names


def test_a_word_the_corpus_uses_gets_no_synonyms() -> None:
    vocabulary = Vocabulary.from_passages(
        [*FILLER, "The talks reached a deadlock in Algiers.",
         *(f"A stalemate in round {i} of the talks." for i in range(6))])
    query = understand("Why the stalemate in the talks?", vocabulary, ALIASES)
    assert vocabulary.df(analyze("stalemate")[0]) > vocabulary.rare_df
    assert synonyms_of(query, "stalemate") == set()


def test_a_synonym_common_in_the_corpus_is_left_out() -> None:
    deadlocks = [f"Deadlock on point {i}." for i in range(8)]  # over a fifth of 29 passages
    vocabulary = Vocabulary.from_passages([*FILLER, *deadlocks, "The impasse lasted a year."])
    query = understand("Why the stalemate in the talks?", vocabulary, ALIASES)
    assert synonyms_of(query, "stalemate") == {"impass"}


def test_a_french_question_gets_no_english_synonyms() -> None:
    vocabulary = Vocabulary.from_passages([*FILLER, "The talks reached a deadlock in Algiers."])
    french = understand("Pourquoi le stalemate des pourparlers ?", vocabulary, ALIASES)
    assert french.language == "fr"
    assert synonyms_of(french, "stalemate") == set()
