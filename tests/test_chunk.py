"""Passages: readable sizes, sentence boundaries and stable ids."""

from pathlib import Path

from index.chunk import MAX_WORDS, chunk_documents, split_sentences
from index.ingest import load_corpus, parse_document

ROOT = Path(__file__).resolve().parent.parent


def test_passages_are_readable_sizes() -> None:
    chunks = chunk_documents(load_corpus(ROOT / "seeds")[0])
    assert all(4 <= len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert all(c.paragraph >= 1 and c.title and c.file for c in chunks)


def test_long_paragraph_split_at_sentence_ends() -> None:
    towns = ["Kidal", "Gao", "Menaka", "Tessalit", "Aguelhok", "Ber", "Anefis", "Timbuktu"]
    text = " ".join(f"Col. Maiga said on day {i} the army held {towns[i % 8]} and post {i * 7}."
                    for i in range(40))
    docs = parse_document("Title line\n\n" + text, "x.txt")
    chunks = chunk_documents(docs)
    assert len(chunks) >= 2
    assert all(c.text.startswith("Col. Maiga") and c.text.endswith(".") for c in chunks)


def test_sentence_split_keeps_abbreviations() -> None:
    parts = split_sentences("Under Col. Assimi Goita, the junta broke off. It turned to Russia.")
    assert parts == ["Under Col. Assimi Goita, the junta broke off.", "It turned to Russia."]


def test_ids_are_stable_and_distinct() -> None:
    first = chunk_documents(load_corpus(ROOT / "seeds")[0])
    second = chunk_documents(load_corpus(ROOT / "seeds")[0])
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == len(first)
