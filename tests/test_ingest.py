"""Cleaning the real seeds, and skipping files that cannot be documents."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index.chunk import _shingles, chunk_documents, indexed_text, is_near_duplicate
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


# ---------------------------------------------------------------- hardening (#9)

SECRET = "Launch codes are hidden under the Bamako mango tree."


def _all_paragraphs(docs: list[Document]) -> str:
    return "\n".join(p.text for d in docs for s in d.sections for p in s.paragraphs)


def test_links_leaving_the_corpus_folder_are_skipped(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"# Secret\n\n{SECRET}\n")
    corpus = tmp_path / "corpus"
    (corpus / "inner").mkdir(parents=True)
    (corpus / "good.md").write_text("# Gao\n\nMilitants attacked Gao on Monday.\n")
    (corpus / "inner" / "kept.md").write_text("# Kidal\n\nKidal was retaken in November.\n")
    (corpus / "leak.txt").symlink_to(outside / "secret.txt")
    (corpus / "hop.txt").symlink_to(corpus / "leak.txt")  # a link inside to a link out
    (corpus / "sub").symlink_to(outside, target_is_directory=True)
    (corpus / "relative.md").symlink_to(Path("inner") / "kept.md")
    with caplog.at_level(logging.WARNING):
        docs, warnings = load_corpus(corpus)
    assert SECRET not in _all_paragraphs(docs)
    assert {d.file for d in docs} == {"good.md", "relative.md"}
    assert sorted(w.split(":")[0] for w in warnings) == ["hop.txt", "leak.txt"]
    assert all("outside the corpus folder" in w for w in warnings)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "leak.txt" in logged and "hop.txt" in logged


def test_corpus_folder_reached_through_a_link_is_read(tmp_path: Path) -> None:
    real = tmp_path / "volume" / "corpus"
    real.mkdir(parents=True)
    (real / "good.md").write_text("# Gao\n\nMilitants attacked Gao on Monday.\n")
    (tmp_path / "corpus").symlink_to(real, target_is_directory=True)
    docs, warnings = load_corpus(tmp_path / "corpus")
    assert warnings == [] and [d.file for d in docs] == ["good.md"]


def test_duplicate_documents_are_skipped_naming_both(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "# Gao attack\n\nMilitants attacked Gao on Monday.\n\nThe army answered.\n"
    (tmp_path / "b.txt").write_text(text)
    (tmp_path / "a.txt").write_text(text.replace("Monday.", "Monday. ").upper().lower())
    (tmp_path / "c.html").write_text("<h1>Gao attack</h1><p>Militants attacked Gao on "
                                     "Monday.</p><p>The army answered.</p>")
    (tmp_path / "d.md").write_text("# Other\n\nSomething else happened in Kidal.\n")
    with caplog.at_level(logging.WARNING):
        docs, warnings = load_corpus(tmp_path)
    assert sorted({d.file for d in docs}) == ["a.txt", "d.md"]
    assert sorted(warnings) == [
        "b.txt duplicates a.txt (same text after cleaning), not indexed",
        "c.html duplicates a.txt (same text after cleaning), not indexed"]
    assert sum("b.txt duplicates a.txt" in r.getMessage() for r in caplog.records) == 1


def test_binary_content_after_the_first_8_kb_is_refused(tmp_path: Path) -> None:
    prose = ("Militants attacked Gao on Monday and the army answered.\n\n" * 200).encode()
    assert len(prose) > 8192
    (tmp_path / "nul.txt").write_bytes(prose + b"\x00\x01\x02\x03" * 50)
    (tmp_path / "controls.txt").write_bytes(prose + bytes(range(1, 9)) * 40 + prose)
    (tmp_path / "good.txt").write_bytes(prose)
    docs, warnings = load_corpus(tmp_path)
    assert {d.file for d in docs} == {"good.txt"}
    assert sorted(warnings) == [
        "controls.txt: binary file (control characters), not a text document",
        "nul.txt: binary file (NUL bytes), not a text document"]


def test_html_entities_are_decoded_once(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<h1>Escaping</h1><p>Write &amp;lt;b&amp;gt; to get &lt;b&gt; in HTML, "
        "and AT&amp;amp;T is not AT&amp;T.</p>")
    docs, _ = load_corpus(tmp_path)
    assert docs[0].sections[0].paragraphs[0].text == (
        "Write &lt;b&gt; to get <b> in HTML, and AT&amp;T is not AT&T.")


def test_headline_inside_a_page_header_becomes_the_title(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        "<p class='tagline'>All the news</p><h1>Militants storm Gao market</h1></header>"
        "<article><p>Militants attacked the Gao market on Monday.</p></article>"
        "<footer>Copyright</footer></body></html>")
    docs, _ = load_corpus(tmp_path)
    assert docs[0].title == "Militants storm Gao market"
    text = _all_paragraphs(docs)
    assert text == "Militants attacked the Gao market on Monday."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    text = "# Ségou\n\nGoïta spoke about Ségou on Monday — “calm” returned.\n"
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    (tmp_path / "doc.txt").write_bytes(bom + text.encode(encoding))
    docs, warnings = load_corpus(tmp_path)
    assert warnings == []
    assert docs[0].title == "Ségou"
    assert _all_paragraphs(docs) == "Goïta spoke about Ségou on Monday — “calm” returned."


def test_utf16_without_a_byte_order_mark_says_save_as_utf8(tmp_path: Path) -> None:
    text = "# Gao\n\nMilitants attacked Gao on Monday.\n"
    (tmp_path / "le.txt").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "be.txt").write_bytes(text.encode("utf-16-be"))
    (tmp_path / "odd.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le")[:-1])
    docs, warnings = load_corpus(tmp_path)
    assert docs == []
    assert len(warnings) == 3 and all("save it as UTF-8" in w for w in warnings), warnings
    assert not any("binary" in w for w in warnings)


def test_main_and_see_also_templates_keep_the_names_the_article_never_writes(
        documents: list[Document]) -> None:
    wiki = next(d for d in documents if d.title == "Mali War")
    related = {s.heading: s.related for s in wiki.sections}
    # "{{Main, Operation Barkhane" heads a section whose subsections hold the text; the
    # article writes "operation" elsewhere, never "Barkhane"
    assert related["2020 coup"] == ("Barkhane",)
    assert related["In Aménas hostage crisis"] == ("Konna",)  # {{further, Battle of Konna
    # Éclipse and Ménaka, named by {{see also, …}}, are in the article's text already
    assert related["2021–2022: growing French resentment and Russian and Turkish "
                   "intervention"] == ()
    assert not any(n in ("Reflist", "Notelist", "Commons") for s in wiki.sections
                   for n in s.related)


def test_related_names_are_searched_but_never_quoted(documents: list[Document]) -> None:
    chunks = [c for c in chunk_documents(documents) if c.section == "2020 coup"]
    assert chunks and all("Barkhane" not in c.text for c in chunks)
    assert all("Barkhane" in indexed_text(c) for c in chunks)
