"""A name plus one word, as people type in a search box (issue #10, points 1 and 8): "X
attack" is answered by X's passages telling of the fighting in the general words of the
field (a one-way broader-term relation, backed off to only when no passage holds the word
beside the name), and "X Mali" by X's passages when "Mali" is in most passages."""

from __future__ import annotations

from index.analyze import broader, stem
from index.query import Query
from index.rank import rank
from tests.test_abstain import PARAMS, Doc, Passages, ask, concept, filler

FIGHTING = Doc("t", "Intense fighting near Tinzaouatene left dozens of fighters dead.")
ELSEWHERE = [
    Doc("a", "Gunmen attacked an army camp near Boulkessi."),
    Doc("b", "An attack on a convoy near Dioura was claimed by the group."),
]


def test_an_attack_word_has_the_violence_vocabulary_as_broader_terms() -> None:
    assert {stem("fighting"), stem("battle"), stem("killed")} <= broader(stem("attack"))
    assert {stem("fighting"), stem("clash")} <= broader(stem("ambush"))


def test_the_broader_relation_is_one_way() -> None:
    assert broader(stem("fighting")) == frozenset()
    assert stem("attack") not in broader(stem("attack"))


def test_name_and_attack_is_answered_by_the_names_fighting() -> None:
    passages = Passages([FIGHTING, *ELSEWHERE, *filler(12)])
    ranking = ask(passages, concept("Tinzaouatene", name=True), concept("attack"))
    assert not ranking.abstained
    assert passages.docs[ranking.hits[0].index].key == "t"


def test_a_passage_without_the_fields_words_is_still_refused() -> None:
    quiet = Doc("t", "Tinzaouatene is a town near the Algerian border with a small market.")
    passages = Passages([quiet, *ELSEWHERE, *filler(12)])
    assert ask(passages, concept("Tinzaouatene", name=True), concept("attack")).abstained


def test_fighting_does_not_find_attacks() -> None:
    passages = Passages([Doc("t", "Tinzaouatene was attacked at dawn."), *ELSEWHERE,
                         Doc("c", "Intense fighting near Kidal."), *filler(12)])
    ranking = ask(passages, concept("Tinzaouatene", name=True), concept("fighting"))
    assert ranking.abstained


def test_the_broader_words_are_no_back_off_when_the_name_has_the_word() -> None:
    attacked = Doc("u", "Tinzaouatene was attacked by drones in 2024.")
    passages = Passages([FIGHTING, attacked, *ELSEWHERE, *filler(12)])
    ranking = ask(passages, concept("Tinzaouatene", name=True), concept("attack"))
    matched = {passages.docs[h.index].key: h.matched for h in ranking.hits}
    assert passages.docs[ranking.hits[0].index].key == "u"
    assert "attack" not in matched.get("t", ())


def test_a_question_without_a_name_does_not_back_off() -> None:
    passages = Passages([FIGHTING, *ELSEWHERE, *filler(12)])
    ranking = ask(passages, concept("dozens"), concept("attack"))
    assert ranking.abstained


MALI = [Doc(f"m{i}", f"Mali news item {i}: the government in Mali met {word} leaders.")
        for i, word in enumerate("union village trade farm road water health school".split())]


def test_a_word_in_most_passages_need_not_be_held() -> None:
    kati = Doc("k", "Soldiers mutinied at the Kati camp outside the capital.")
    passages = Passages([kati, *MALI, *filler(4)])
    assert passages.engine.doc_freq("mali") > passages.engine.n_docs / 2
    ranking = ask(passages, concept("Kati", name=True), concept("Mali", name=True))
    assert not ranking.abstained
    assert passages.docs[ranking.hits[0].index].key == "k"


def test_a_word_in_a_minority_of_passages_must_still_be_held() -> None:
    kati = Doc("k", "Soldiers mutinied at the Kati camp outside the capital.")
    passages = Passages([kati, *MALI[:3], *filler(12)])
    assert passages.engine.doc_freq("mali") < passages.engine.n_docs / 2
    ranking = rank(Query("?", concepts=(concept("Kati", name=True), concept("Mali", name=True))),
                   passages.engine, passages, limit=5, params=PARAMS)
    assert ranking.abstained


def test_a_general_word_in_most_passages_is_still_needed() -> None:
    kati = Doc("k", "Soldiers mutinied at the Kati camp outside the capital.")
    passages = Passages([kati, *MALI, *filler(4)])
    assert passages.engine.doc_freq("govern") > passages.engine.n_docs / 2
    assert ask(passages, concept("Kati", name=True), concept("government")).abstained
