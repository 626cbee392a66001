"""French word forms reach their English words (issue #10 point 4; bench/french_probe.py
measures the same classes over the whole lexicon)."""

from __future__ import annotations

import pytest

from index.french import French, cognate_terms, default_french
from index.lexicon import load_aliases
from index.understand import prepare, understand
from index.vocabulary import Vocabulary

prepare()

# A lexicon of lemmas with a lemmatiser that knows nothing: only the ending rules can help.
BARE = French({"milicien": ("militiaman",), "offensif": ("offensive",),
               "fournir": ("provide",), "nier": ("deny",), "local": ("local",),
               "tuer": ("kill",), "voleur": ("thief",), "national": ("national",)},
              lambda word: word, frozenset())


@pytest.mark.parametrize(("typed", "english"), [
    ("miliciennes", "militiaman"),   # feminine plural of -ien
    ("offensives", "offensive"),     # -if -> -ive
    ("fournies", "provide"),         # participle of an -ir verb
    ("fourni", "provide"),
    ("nie", "deny"),                 # a short stem: ni-er
    ("tues", "kill"),
    ("voleuses", "thief"),           # -eur -> -euse
    ("locaux", "local"),             # -al -> -aux
    ("nationale", "national"),
])
def test_inflected_forms_the_lemmatiser_misses_reach_the_lemma(typed: str,
                                                               english: str) -> None:
    assert BARE.translate([typed]) == (english,)


def test_a_word_the_lexicon_lacks_is_still_untranslated() -> None:
    assert BARE.translate(["fromages"]) == ()


@pytest.mark.parametrize(("typed", "english"), [
    (["Espagne"], "spain"), (["tchadiens"], "chadian"), (["Royaume", "Uni"], "united kingdom"),
    (["Côte", "d", "Ivoire"], "ivory coast"), (["sénégalaises"], "senegalese"),
])
def test_french_names_of_countries_and_peoples_are_translated(typed: list[str],
                                                               english: str) -> None:
    assert english in default_french().translate(typed)


def test_a_french_word_ending_in_et_finds_its_english_cognate_in_ect() -> None:
    vocabulary = Vocabulary.from_passages(["The mining project angered the Tuareg.",
                                           "Another passage."])
    assert "project" in cognate_terms("projets", vocabulary, most=5)


VOCAB = Vocabulary.from_passages([
    "Sergei Shoigu visited Bamako.", "The war in Mali killed thousands.",
    "Wagner fought in Mali."])


@pytest.mark.parametrize("question", ["ke sait on sur guerre au mali",
                                      "que sait on sur guerre au mali"])
def test_a_french_function_word_is_never_half_of_a_joined_name(question: str) -> None:
    query = understand(question, VOCAB, load_aliases())
    terms = {t for c in query.concepts for t in c.terms}
    assert "sergei" not in terms
    assert "guerr" in terms  # "guerre" read as a word of its own


def test_chat_que_is_a_french_function_word_not_a_search_term() -> None:
    query = understand("ke sait on sur la guerre au mali", VOCAB, load_aliases())
    assert query.language == "fr"
    assert all(c.typed.lower() != "ke" for c in query.concepts)
    assert any("guerr" in c.terms for c in query.concepts)
