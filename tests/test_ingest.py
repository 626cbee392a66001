"""Cleaning the real seeds, and skipping files that cannot be documents."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index.chunk import _shingles, chunk_documents, is_near_duplicate
from index.ingest import Document, load_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    docs, warnings = load_corpus(ROOT / "seeds")
    assert warnings == []
    return docs


def _all_text(documents: list[Document]) -> list[str]:
    return [c.text for c in chunk_documents(documents)]


def test_no_wiki_markup_left(documents: list[Document]) -> None:
    for text in _all_text(documents):
        assert "{{" not in text and "}}" not in text
        assert "url=" not in text and "access-date" not in text and "''" not in text


def test_no_web_boilerplate_left(documents: list[Document]) -> None:
    banned = ["Scroll Top", "Privacy Preferences", "cookies", "Leave a comment",
              "You must be logged in", "Related Posts", "Short Url", "A47 Editor",
              "Here's what it means", "Al Jazeera is"]
    for text in _all_text(documents):
        for phrase in banned:
            assert phrase.lower() not in text.lower(), (phrase, text[:80])


def test_no_duplicate_or_near_duplicate_passages(documents: list[Document]) -> None:
    texts = _all_text(documents)
    assert len(texts) == len(set(texts))
    shingles = [_shingles(t) for t in texts]
    for i, a in enumerate(shingles):
        for b in shingles[i + 1:]:
            assert not is_near_duplicate(a, b)


def test_titles_and_dates(documents: list[Document]) -> None:
    by_key = {d.key: d for d in documents}
    assert by_key["000_3c97b537fcf85c00.txt"].title.startswith("Northern Mali separatists")
    assert by_key["002_1e99e280438fa3d8.txt"].title == "Mali War"
    assert by_key["003_cc1f5f790d2f55b7.txt"].title.startswith("Wagner Group Announces")
    ukraine = by_key["004_0bd10977ca86cbfa.txt"]
    assert ukraine.title.startswith("Mali breaks off diplomatic relations with Ukraine")
    assert ukraine.date == "05 August 2024"


def test_stuck_on_article_gets_its_own_title(documents: list[Document]) -> None:
    chunks = chunk_documents(documents)
    nigeria = [c for c in chunks if "Nigeria" in c.text]
    assert nigeria
    assert all(c.title.startswith("Macron vows") for c in nigeria)
    ukraine = [c for c in chunks if c.title.startswith("Mali breaks off")]
    assert ukraine and not any("Macron" in c.text for c in ukraine)


def test_glued_headings_become_sections(documents: list[Document]) -> None:
    wiki = next(d for d in documents if d.title == "Mali War")
    headings = [s.heading for s in wiki.sections]
    assert "Tuareg rebellion (January–April 2012)" in headings
    assert "Ceasefire" in headings
    assert not any(h in ("References", "Bibliography", "External links") for h in headings)
    assert not any(p.text.endswith("theTuareg rebellion (January–April 2012)")
                   for s in wiki.sections for p in s.paragraphs)


def test_reference_urls_stay_with_their_passages(documents: list[Document]) -> None:
    chunks = chunk_documents(documents)
    cited = [c for c in chunks if c.urls]
    assert cited and all(c.file.startswith("002") for c in cited)
    ceasefire = next(c for c in chunks if "ceasefire was agreed upon" in c.text)
    assert ceasefire.urls == ("https://www.bbc.com/news/world-africa-31544438",)


def test_bad_files_are_skipped_with_one_warning_each(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01\x02" * 100)
    (tmp_path / "huge.txt").write_bytes(b"word " * 5000)
    (tmp_path / "latin1.txt").write_bytes("Ségou attack reported.\n\nGoïta spoke.".encode("cp1252"))
    (tmp_path / "good.md").write_text("# Title\n\nKidal was retaken in November 2023.\n")
    with caplog.at_level(logging.WARNING):
        docs, warnings = load_corpus(tmp_path, max_bytes=10_000)
    assert sorted(w.split(":")[0] for w in warnings) == ["binary.txt", "empty.txt", "huge.txt"]
    assert sum("skipped" in r.message for r in caplog.records) == 3
    files = {d.file for d in docs}
    assert files == {"good.md", "latin1.txt"}
    latin = next(d for d in docs if d.file == "latin1.txt")
    assert "Ségou" in latin.sections[0].paragraphs[0].text


def test_html_document_is_read_as_text(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><script>alert(1)</script></head><body><h1>Gao attack</h1>"
        "<p>Militants attacked Gao &amp; Ansongo on Monday.</p></body></html>")
    docs, _ = load_corpus(tmp_path)
    assert docs[0].title == "Gao attack"
    text = docs[0].sections[0].paragraphs[0].text
    assert text == "Militants attacked Gao & Ansongo on Monday."
