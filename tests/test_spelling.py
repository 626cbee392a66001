"""Typos in ordinary words and French articles glued to their noun (index.spelling), and how
question understanding reads them: as the word meant, never as a name the corpus lacks."""

from __future__ import annotations

import pytest

from index.french import default_french
from index.lexicon import dictionary_neighbours, is_proper_noun, load_aliases, one_edit
from index.query import VARIANT, Query
from index.spelling import correction, is_slip, names_one_slip_away, unglue_elisions
from index.understand import prepare, understand
from index.vocabulary import Vocabulary

PASSAGES = [
    "Africa Corps replaced Wagner in Mali in June 2025.",
    "The northern coalition walked out of the peace talks; the coalition said the army "
    "had broken the truce.",
    "Wagner fighters were ambushed at Tinzaouatene in July 2024.",
    "The Malian army (l'armée malienne) and Wagner left Kidal.",
    "Residents rest in the shade; the town of Kidal was calm.",
]
VOCAB = Vocabulary.from_passages(PASSAGES)
ALIASES = load_aliases()
FRENCH = default_french()
prepare()


def ask(question: str) -> Query:
    return understand(question, VOCAB, ALIASES)


def searched(query: Query) -> set[str]:
    return {a.term for c in query.concepts for a in c.alternatives}


# ----- the candidates ----------------------------------------------------------------


def test_one_edit_drops_adds_swaps_and_changes_a_letter() -> None:
    edits = one_edit("form")
    assert {"frm", "forms", "from", "fork"} <= edits
    assert "form" not in edits and "forms" in edits and "fxrmx" not in edits


def test_dictionary_neighbours_are_the_words_a_typo_was_typed_for() -> None:
    assert dictionary_neighbours("repplaced") == ("replaced",)
    assert "coalition" in dictionary_neighbours("colition")
    assert dictionary_neighbours("xqzvw") == ()
    assert "pouvoir" in dictionary_neighbours("pouvoiir", "fr")


def test_a_changed_letter_is_a_typo_only_for_a_neighbouring_key() -> None:
    assert is_slip("wuth", "with")        # u and i are neighbours
    assert not is_slip("sudan", "sedan")  # u and e are not: Sudan is no typo of sedan
    assert is_slip("freinds", "friends")  # two neighbours swapped
    assert is_slip("colition", "coalition")  # a letter dropped


# ----- choosing the word -------------------------------------------------------------


def test_the_word_the_corpus_uses_wins() -> None:
    found = correction("colition", VOCAB)
    assert found is not None and found.word == "coalition" and found.support == 1


def test_a_word_one_slip_from_a_corpus_name_is_left_to_name_matching() -> None:
    assert names_one_slip_away("wagne", VOCAB) == ["wagner"]
    assert correction("wagne", VOCAB) is None  # not "wage", nor "wane"
    query = ask("wagne in kidal")  # the fuzzy spelling key misses it; one slip finds it
    assert query.unknown_names == () and "wagner" in searched(query)


def test_a_word_the_corpus_does_not_use_is_still_a_word() -> None:
    found = correction("surpirsed", VOCAB)
    assert found is not None and found.word == "surprised" and found.support == 0


def test_a_french_typo_in_a_french_question_finds_the_french_word() -> None:
    found = correction("soldtas", VOCAB, lambda w: FRENCH.translate([w]))
    assert found is not None and found.word == "soldats"


def test_nothing_is_corrected_when_no_word_is_one_slip_away() -> None:
    assert correction("tinzaouatenex", VOCAB) is None
    found = correction("sudan", VOCAB)
    assert found is None or found.word != "sedan"


# ----- glued French articles ---------------------------------------------------------


@pytest.mark.parametrize(("typed", "meant"), [
    ("larmee", "l'armee"), ("lambassadeur", "l'ambassadeur"), ("dUkraine", "d'Ukraine"),
    ("cest", "c'est"), ("lAzawad", "l'Azawad")])
def test_an_elided_article_typed_without_its_apostrophe_is_put_back(typed: str,
                                                                    meant: str) -> None:
    known = {"armee", "ambassadeur", "ukraine", "est", "azawad", "lever", "dover"}
    assert unglue_elisions(f"x {typed} y", lambda w: w.lower() in known) == f"x {meant} y"


def test_a_known_whole_word_or_a_capitalised_one_is_never_cut() -> None:
    known = {"lever", "ever", "armee"}
    assert unglue_elisions("lever Larmee", lambda w: w.lower() in known) == "lever Larmee"


# ----- in questions ------------------------------------------------------------------


def test_a_typo_in_a_common_word_is_read_as_the_word_and_shown() -> None:
    query = ask("Who repplaced Wagner in Mali?")
    assert query.unknown_names == ()
    assert "replac" in searched(query)
    assert any(r.kind == VARIANT and r.typed == "repplaced" and r.searched == "replaced"
               for r in query.rewrites)


def test_a_typo_of_a_word_the_corpus_lacks_is_no_name_to_veto_on() -> None:
    query = ask("What surpirsed Malian officials in Kidal?")
    assert query.unknown_names == ()
    assert not any(r.typed == "surpirsed" for r in query.rewrites)  # nothing searched for it


def test_in_a_question_all_in_small_letters_such_a_word_may_be_a_name() -> None:
    assert ask("what about frontex in kidal").unknown_names == ("frontex",)


def test_a_name_typed_with_a_capital_is_left_to_name_matching() -> None:
    query = ask("Who did Wagnr fight?")
    assert "Wagnr" in query.cleaned  # not rewritten as a typo
    assert query.unknown_names == () and "wagner" in searched(query)


def test_a_glued_french_article_is_no_unknown_name() -> None:
    query = ask("Quand larmee malienne a-t-elle quitté Kidal ?")
    assert query.unknown_names == ()
    assert "army" in searched(query) or "armi" in searched(query)


# ----- names typed in small letters --------------------------------------------------


def test_the_dictionary_tells_a_proper_noun_from_a_word_that_is_also_common() -> None:
    assert is_proper_noun("sudan") and is_proper_noun("australia")
    assert not is_proper_noun("french") and not is_proper_noun("chad")
    assert not is_proper_noun("army") and not is_proper_noun("tinzaouatene")


def test_a_proper_noun_the_corpus_lacks_is_a_name_in_small_letters_too() -> None:
    assert ask("what is wagner doing in sudan").unknown_names == ("sudan",)
    assert ask("Sudan and Wagner in Kidal").unknown_names == ("Sudan",)  # opening a sentence


def test_a_proper_noun_the_corpus_holds_or_a_french_article_is_no_unknown_name() -> None:
    assert ask("what did the army do in kidal").unknown_names == ()
    assert ask("les rebels took kidal when exactly").unknown_names == ()


def test_a_word_too_long_to_be_a_misspelt_word_is_not_looked_up() -> None:
    assert correction("coalitionsssssssssssssssss", VOCAB) is None  # 26 letters
    assert correction("coalitionss", VOCAB) is not None
