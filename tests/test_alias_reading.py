"""Reading alias-table names in questions (issue #10 point 3): every name of an entry, in
the forms people type it, finds the entry's passages (bench/alias_coverage.py measures it
on the seeds)."""

from __future__ import annotations

from index.analyze import analyze
from index.lexicon import load_aliases
from index.query import Query
from index.understand import prepare, understand
from index.vocabulary import Vocabulary

ALIASES = load_aliases()
prepare()


def terms(query: Query) -> set[str]:
    return {a.term for c in query.concepts for a in c.alternatives}


def test_a_surname_is_no_alias_of_a_person_whose_typed_name_the_corpus_writes() -> None:
    # "Choguel" is in the corpus: another Maïga (a government spokesman) must not answer.
    vocab = Vocabulary.from_passages([
        "Prime Minister Choguel Kokalla Maiga acknowledged the defeat at Tinzaouatene.",
        "Government spokesman Col. Abdoulaye Maiga said Mali cut ties with Ukraine.",
        "Rebels took Kidal."])
    assert analyze("Maiga")[0] not in terms(understand("Choguel", vocab, ALIASES))


def test_a_surname_still_stands_for_a_typed_name_the_corpus_never_writes() -> None:
    vocab = Vocabulary.from_passages(["President Keita was overthrown in 2020.",
                                      "Rebels took Kidal."])
    assert analyze("Keita")[0] in terms(understand("Ibrahim Boubacar Keïta", vocab, ALIASES))


def test_a_word_of_a_long_name_typed_in_small_letters_is_not_cut_in_pieces() -> None:
    # "muslimin" is no glued "muslim in": the whole name is read as JNIM's.
    vocab = Vocabulary.from_passages(["JNIM attacked the camp.", "Muslim leaders met in Mopti.",
                                      "Rebels took Kidal in 2012."])
    query = understand("jama'at nusrat al-islam wal-muslimin", vocab, ALIASES)
    assert query.unknown_names == ()
    assert "jnim" in terms(query)
    assert [c.typed for c in query.concepts] == ["jama'at nusrat al-islam wal-muslimin"]


def test_a_multi_word_name_the_corpus_writes_gets_no_single_word_of_another_long_name() -> None:
    # "armed" of "Armed Forces of Mali" is in passages about any armed group.
    vocab = Vocabulary.from_passages([
        "The Malian army retook Kidal from the rebels.",
        "The Armed Forces of Mali were reorganised in 2021.",
        "Armed groups attacked across Mali.", "Armed men raided Gao.", "Peacekeepers left."])
    query = understand("Malian army", vocab, ALIASES)
    assert analyze("armed")[0] not in terms(query)
    assert {analyze("Malian")[0], analyze("army")[0]} <= terms(query)


def test_a_one_word_name_still_counts_beside_a_multi_word_name_the_corpus_writes() -> None:
    vocab = Vocabulary.from_passages(["The Islamic State claimed the attack.",
                                      "Daesh fighters crossed from Niger.", "Rebels took Gao."])
    assert "daesh" in terms(understand("Islamic State", vocab, ALIASES))


SEEDS_LIKE = Vocabulary.from_passages([
    "JNIM attacked the camp at Boulkessi.", "The MNLA took Kidal in 2012.",
    "The Algiers Accord was signed in 2015.", "Rebels took Gao."])


def test_an_english_name_in_a_french_question_does_not_make_it_english() -> None:
    query = understand("c'est quoi Group for the Support of Islam and Muslims", SEEDS_LIKE,
                       ALIASES)
    assert query.language == "fr"
    assert query.unknown_names == ()
    assert "jnim" in terms(query)


def test_a_french_name_in_an_english_question_does_not_make_it_french() -> None:
    query = understand("What is Accord pour la paix et la réconciliation au Mali?", SEEDS_LIKE,
                       ALIASES)
    assert query.language == "en"


def test_a_name_with_one_word_beside_it_still_tells_the_language() -> None:
    # One word outside the name is too little to tell: the name's words count too.
    query = understand("Mouvement national de libération de l'Azawad Ménaka", SEEDS_LIKE,
                       ALIASES)
    assert query.language == "fr"
