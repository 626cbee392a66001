"""Question understanding: the user's words -> a structured Query (issue #10)."""

from __future__ import annotations

from pathlib import Path

from index.query import SYNONYM, TYPED
from index.understand import NO_ALIASES, understand
from index.vocabulary import Vocabulary, load_surface_forms, save_surface_forms

PASSAGES = [
    "Tuareg-led separatists killed 84 Wagner fighters at Tinzaouatene in July 2024.",
    "The Malian army and Wagner withdrew from Tinzaouatene after the battle.",
    "JNIM claimed the attack on the military camp of Boulkessi.",
    "MINUSMA peacekeepers left Kidal in October 2023.",
]
VOCAB = Vocabulary.from_passages(PASSAGES)


def test_each_word_is_a_concept_with_one_typed_alternative() -> None:
    query = understand("Who did Wagner fight at Tinzaouatene?", VOCAB, NO_ALIASES)
    assert [c.typed for c in query.concepts] == ["Wagner", "fight", "Tinzaouatene"]
    typed = [[a.term for a in c.alternatives if a.how == TYPED] for c in query.concepts]
    assert typed == [["wagner"], ["fight"], ["tinzaouaten"]]


def test_synonyms_are_lighter_alternatives() -> None:
    (army,) = understand("army", VOCAB, NO_ALIASES).concepts
    synonyms = {a.term: a.weight for a in army.alternatives if a.how == SYNONYM}
    assert "militari" in synonyms and set(synonyms.values()) == {0.3}


def test_vocabulary_knows_terms_and_surface_forms() -> None:
    assert VOCAB.df("tinzaouaten") == 2 and VOCAB.df("sudan") == 0
    assert VOCAB.surface_of("tinzaouaten") == "Tinzaouatene"


def test_engine_accessors_match_the_postings() -> None:
    from index.analyze import analyze
    from index.engine import BM25

    engine = BM25([analyze(p) for p in PASSAGES])
    assert engine.doc_freq("wagner") == 2 and engine.doc_freq("nothing") == 0
    assert Vocabulary.from_engine(engine).doc_freq == VOCAB.doc_freq


def test_surface_forms_round_trip_through_the_generation_folder(tmp_path: Path) -> None:
    save_surface_forms(tmp_path, {"tinzaouaten": "Tinzaouatene"})
    assert load_surface_forms(tmp_path) == {"tinzaouaten": "Tinzaouatene"}
    (tmp_path / "surface.json").write_text("{broken", encoding="utf-8")
    assert load_surface_forms(tmp_path) == {}
    assert load_surface_forms(tmp_path / "missing") == {}


def test_build_collects_surface_forms(tmp_path: Path) -> None:
    from index.build import BM25Params, build_index

    (tmp_path / "a.txt").write_text("Fighting at Tinzaouatene\n\n" + PASSAGES[0] * 3,
                                    encoding="utf-8")
    built = build_index(tmp_path, 10**6, BM25Params())
    assert built.surface["tinzaouaten"] == "Tinzaouatene"
    assert built.surface["wagner"] == "Wagner"
