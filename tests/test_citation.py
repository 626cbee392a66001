"""Citation metadata (#12): who said it and when, where each part came from, into the index."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.usage import MIGRATIONS as USAGE_MIGRATIONS
from bot.usage import open_store
from index.build import BM25Params, build_index, corpus_fingerprint
from index.citation import (
    BLOCK,
    DOCUMENT,
    SIDECAR,
    CitationRefused,
    detect_language,
    from_html,
    from_text,
    wiki_citation,
    write_sidecar,
)
from index.dates import find_event_dates, parse_day
from index.ingest import corpus_files, load_corpus, load_file, parse_document
from index.store import MIGRATIONS, DocumentRow

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BODY = ("Mali said on Sunday it was breaking off relations with Ukraine after a heavy defeat "
        "of its troops in the north of the country, and the government spokesman said the "
        "decision took effect at once.\n")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _one(path: Path):  # type: ignore[no-untyped-def]
    documents = load_file(path)
    assert len(documents) == 1
    return documents[0].citation


# --- a) the metadata block -----------------------------------------------------------------

BLOCK_TEXT = ("---\ntitle: Mali breaks off relations with Ukraine\noutlet: Al Jazeera\n"
              "author: Jane Doe\ndate: 2024-08-05\nupdated: 2024-08-06\n"
              "url: https://www.aljazeera.com/news/2024/8/5/mali\nlanguage: EN\n---\n\n"
              "Some headline in the text\n\n" + BODY)


def test_the_metadata_block_is_read_into_the_citation_and_not_indexed(tmp_path: Path) -> None:
    [document] = load_file(_write(tmp_path, "a.txt", BLOCK_TEXT))
    cited = document.citation
    assert (cited.value("outlet"), cited.value("author"), cited.value("published"),
            cited.value("updated"), cited.value("url"), cited.value("language")) == (
        "Al Jazeera", "Jane Doe", "2024-08-05", "2024-08-06",
        "https://www.aljazeera.com/news/2024/8/5/mali", "en")
    assert {c["source"] for c in cited.provenance().values()} == {BLOCK}
    assert document.title == "Mali breaks off relations with Ukraine"
    text = " ".join(p.text for s in document.sections for p in s.paragraphs)
    assert "outlet" not in text and "aljazeera" not in text


def test_a_block_date_in_another_format_is_normalised_and_keeps_its_text(
        tmp_path: Path) -> None:
    cited = _one(_write(tmp_path, "a.txt", "---\ndate: 5 August 2024\n---\n\n" + BODY))
    assert cited.value("published") == "2024-08-05"
    assert cited.published is not None and cited.published.evidence == "date: 5 August 2024"


# --- b) the sidecar ------------------------------------------------------------------------

def test_a_sidecar_gives_what_the_document_does_not_say(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "Updated 05 August 2024\n\n" + BODY)
    _write(tmp_path, "a.txt.cite.yaml", "outlet: Arab News\nurl: https://arab.news/x\n")
    cited = _one(path)
    assert cited.value("outlet") == "Arab News"
    assert cited.outlet is not None and cited.outlet.source == SIDECAR
    assert cited.value("updated") == "2024-08-05"
    assert cited.updated is not None and cited.updated.source == DOCUMENT


def test_a_sidecar_date_written_as_yaml_date_or_time_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", BODY)
    _write(tmp_path, "a.txt.cite.yaml", "date: 2024-08-05\nupdated: 2024-08-06T09:30:00\n")
    cited = _one(path)
    assert (cited.value("published"), cited.value("updated")) == ("2024-08-05", "2024-08-06")


def test_a_sidecar_is_no_corpus_document_and_editing_it_rebuilds(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", BODY)
    before = corpus_fingerprint(tmp_path, 10_000)
    sidecar = _write(tmp_path, "a.txt.cite.yaml", "outlet: Arab News\n")
    assert [p.name for p in corpus_files(tmp_path)] == ["a.txt"]
    with_sidecar = corpus_fingerprint(tmp_path, 10_000)
    sidecar.write_text("outlet: Reuters\n", encoding="utf-8")
    assert len({before, with_sidecar, corpus_fingerprint(tmp_path, 10_000)}) == 3


def test_a_bad_sidecar_is_reported_and_the_document_still_indexed(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", BODY)
    _write(tmp_path, "a.txt.cite.yaml", "outlet: [unclosed\n")
    _write(tmp_path, "b.txt", BODY.replace("Mali", "Niger"))
    _write(tmp_path, "b.txt.cite.yaml",
           "outlet: X\ndate: yesterday\npublisher: Y\nauthor: [A, B]\n")
    documents, warnings = load_corpus(tmp_path)
    assert [d.file for d in documents] == ["a.txt", "b.txt"]
    assert any("a.txt.cite.yaml" in w and "YAML" in w for w in warnings)
    assert any("'yesterday' is not a date" in w for w in warnings)
    assert any("unknown key 'publisher'" in w for w in warnings)
    assert any("author: expected one value" in w for w in warnings)
    assert documents[1].citation.value("outlet") == "X"
    assert documents[1].citation.published is None
    assert documents[1].citation.author is None


def test_a_sidecar_linking_out_of_the_folder_is_never_read(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "secret.yaml"
    corpus.mkdir()
    outside.write_text("outlet: s3cr3t-token\n", encoding="utf-8")
    _write(corpus, "a.txt", BODY)
    (corpus / "a.txt.cite.yaml").symlink_to(outside)
    documents, warnings = load_corpus(corpus)
    assert documents[0].citation.outlet is None
    assert any("a.txt.cite.yaml: a link that leads outside" in w for w in warnings)
    before = corpus_fingerprint(corpus, 10_000)
    outside.write_text("outlet: other\n", encoding="utf-8")
    assert corpus_fingerprint(corpus, 10_000) == before


def test_a_block_date_that_is_no_date_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "---\noutlet: X\ndate: soon\n---\n\n" + BODY)
    documents, warnings = load_corpus(tmp_path)
    assert documents[0].citation.published is None
    assert warnings == ["a.txt (metadata block): date: 'soon' is not a date (YYYY-MM-DD), "
                        "ignored"]


# --- c) the document itself ----------------------------------------------------------------

@pytest.mark.parametrize(("head", "field", "value"), [
    ("Updated 05 August 2024", "updated", "2024-08-05"),
    ("Published: 3 July 2024", "published", "2024-07-03"),
    ("Mis à jour le 12 mai 2024", "updated", "2024-05-12"),
    ("By Jane Doe", "author", "Jane Doe"),
    ("By Jane Doe and John Smith, Reuters", "author", "Jane Doe and John Smith"),
])
def test_datelines_and_bylines(tmp_path: Path, head: str, field: str, value: str) -> None:
    cited = _one(_write(tmp_path, "a.txt", f"Headline of the story\n{head}\n\n{BODY}"))
    assert cited.value(field) == value
    found = getattr(cited, field)
    assert found.source == DOCUMENT and found.evidence == head


@pytest.mark.parametrize("line", ["By Sunday, the rebels held Kidal.", "By March 2013 Gao",
                                  "By The Way It Goes", "by late 2010 the activists"])
def test_a_sentence_starting_with_by_is_no_byline(line: str) -> None:
    assert from_text(f"{line}\n{BODY}").author is None


def test_published_and_updated_datelines_together(tmp_path: Path) -> None:
    text = f"Headline\nPublished 3 August 2024\nUpdated 05 August 2024\n\n{BODY}"
    [document] = load_file(_write(tmp_path, "a.txt", text))
    assert (document.citation.value("published"), document.citation.value("updated")) == (
        "2024-08-03", "2024-08-05")
    assert document.date == "3 August 2024"


def test_a_byline_is_neither_title_nor_heading(tmp_path: Path) -> None:
    [document] = load_file(_write(tmp_path, "a.txt", f"By Jane Doe\n\n{BODY}"))
    assert document.title != "By Jane Doe"
    assert all(s.heading != "By Jane Doe" for s in document.sections)


@pytest.mark.parametrize(("first", "outlet", "published"), [
    ("BAMAKO, Aug 5 (Reuters) - Mali said", "Reuters", None),
    ("BAMAKO, Aug 5, 2024 (Reuters) - Mali said", "Reuters", "2024-08-05"),
    ("DAKAR (AFP) — Mali said", "AFP", None),
    ("(AP) — Mali said", "Associated Press", None),
])
def test_wire_service_datelines(first: str, outlet: str, published: str | None) -> None:
    cited = from_text(f"{first} on Sunday it was breaking off relations.")
    assert cited.value("outlet") == outlet
    assert cited.value("published") == published


def test_an_agency_named_in_a_caption_or_sentence_is_no_outlet() -> None:
    text = ("People gather in Moscow on August 4, 2024. (Reuters)\n"
            "In a video seen by AFP on Friday, the prime minister spoke.")
    assert from_text(text).outlet is None


PAGE = """<!doctype html><html lang="fr-FR"><head>
<meta property="og:site_name" content="Le Monde">
<meta name="author" content="Par Jean Dupont">
<meta property="article:published_time" content="2024-08-05T10:12:00+00:00">
<meta property="article:modified_time" content="2024-08-06T08:00:00+00:00">
<link rel="canonical" href="https://www.lemonde.fr/afrique/article/mali.html">
</head><body><h1>Le Mali rompt avec l'Ukraine</h1>
<p>Le Mali a annoncé dimanche la rupture de ses relations diplomatiques avec l'Ukraine, après
les propos d'un responsable ukrainien sur la défaite de son armée dans le nord du pays.</p>
</body></html>"""


def test_html_meta_tags_and_lang(tmp_path: Path) -> None:
    cited = _one(_write(tmp_path, "a.html", PAGE))
    assert (cited.value("outlet"), cited.value("author"), cited.value("published"),
            cited.value("updated"), cited.value("url"), cited.value("language")) == (
        "Le Monde", "Jean Dupont", "2024-08-05", "2024-08-06",
        "https://www.lemonde.fr/afrique/article/mali.html", "fr")
    assert cited.outlet is not None and cited.outlet.evidence == "<meta og:site_name>"


def test_an_html_time_element_gives_the_date_when_no_meta_does() -> None:
    cited = from_html('<html><body><time datetime="2024-07-25">25 July</time></body></html>')
    assert cited.value("published") == "2024-07-25"
    assert cited.published is not None and "<time datetime>" in cited.published.evidence


WIKI = ("Background\n{{Main|History of Mali}}\nThe Tuareg rebellion began in January 2012 "
        "and spread across the north within weeks.{{Cite web |url=https://x.org "
        "|date=2015-02-20 |title=X}} The army withdrew from Kidal.\n"
        "External links\n{{Commons category|Mali War}}\n")


def test_a_wiki_article_is_cited_as_wikipedia_without_a_date(tmp_path: Path) -> None:
    cited = _one(_write(tmp_path, "w.txt", WIKI))
    assert cited.value("outlet") == "Wikipedia"
    assert cited.published is None and cited.updated is None


def test_one_cite_template_alone_is_not_a_wiki_article() -> None:
    assert wiki_citation("A report.{{cite news, title=X, work=BBC News}} More text.").outlet \
        is None


# --- precedence and unknowns ---------------------------------------------------------------

def test_block_beats_sidecar_beats_the_document(tmp_path: Path) -> None:
    text = ("---\noutlet: Block Outlet\n---\n\nHeadline\nUpdated 05 August 2024\nBy Jane Doe\n\n"
            + BODY)
    path = _write(tmp_path, "a.txt", text)
    _write(tmp_path, "a.txt.cite.yaml",
           "outlet: Sidecar Outlet\nauthor: Sidecar Author\nupdated: 2024-08-09\n")
    cited = _one(path)
    assert cited.outlet is not None and (cited.outlet.value, cited.outlet.source) == (
        "Block Outlet", BLOCK)
    assert cited.author is not None and (cited.author.value, cited.author.source) == (
        "Sidecar Author", SIDECAR)
    assert cited.value("updated") == "2024-08-09"


def test_what_nothing_says_stays_unknown(tmp_path: Path) -> None:
    cited = _one(_write(tmp_path, "a.txt", "A headline\n\n" + BODY))
    assert [cited.value(f) for f in ("outlet", "published", "updated", "author", "url")] == \
        [None] * 5
    assert cited.date is None
    assert set(cited.provenance()) == {"title", "language"}


def test_language_english_french_and_too_little_to_tell() -> None:
    assert detect_language(BODY) == "en"
    assert detect_language("Le Mali a annoncé dimanche la rupture de ses relations avec "
                           "l'Ukraine, après les propos d'un responsable sur la défaite "
                           "de son armée dans le nord du pays.") == "fr"
    assert detect_language("Bamako Kidal Gao") is None


# --- two articles in one file, and the seeds ----------------------------------------------

SEED_TABLE = {
    # key: (title starts, outlet, published, updated, author, outlet's source)
    "000_3c97b537fcf85c00.txt": ("Northern Mali separatists", None, None, None, None, None),
    "001_ae73c230a4e11731.txt": ("Mali's junta faces", "A47", None, None, None, SIDECAR),
    "002_1e99e280438fa3d8.txt": ("Mali War", "Wikipedia", None, None, None, DOCUMENT),
    "003_cc1f5f790d2f55b7.txt": ("Wagner Group Announces", None, None, None, None, None),
    "004_0bd10977ca86cbfa.txt": ("Mali breaks off diplomatic", None, None, "2024-08-05",
                                 None, None),
    "004_0bd10977ca86cbfa.txt#2": ("Macron vows stronger", None, None, "2025-12-07", None,
                                   None),
}


def test_the_seeds_say_what_they_honestly_say_about_themselves() -> None:
    documents, warnings = load_corpus(SEEDS)
    assert warnings == []
    table = {}
    for d in documents:
        c = d.citation
        table[d.key] = (d.title[:len(SEED_TABLE[d.key][0])], c.value("outlet"),
                        c.value("published"), c.value("updated"), c.value("author"),
                        c.outlet.source if c.outlet else None)
        assert c.value("language") == "en"
    assert table == SEED_TABLE


def test_two_articles_in_one_file_keep_their_own_titles_and_dates(tmp_path: Path) -> None:
    text = (SEEDS / "004_0bd10977ca86cbfa.txt").read_text("utf-8")
    path = _write(tmp_path, "004.txt", text)
    _write(tmp_path, "004.txt.cite.yaml", "outlet: Arab News\nauthor: Jane Doe\n")
    first, second = load_file(path)
    assert (first.citation.value("updated"), second.citation.value("updated")) == (
        "2024-08-05", "2025-12-07")
    assert second.title.startswith("Macron vows")
    # the file's metadata describes its first article; the second keeps only the outlet
    assert second.citation.value("outlet") == "Arab News"
    assert (first.citation.value("author"), second.citation.value("author")) == (
        "Jane Doe", None)


# --- event dates in passages ---------------------------------------------------------------

AUG_5 = dt.date(2024, 8, 5)  # a Monday


def _spans(text: str, reference: dt.date | None) -> list[tuple[str, str]]:
    return [(r.start.isoformat(), r.end.isoformat()) for r in find_event_dates(text, reference)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Fighting erupted on July 25 at a camp.", [("2024-07-25", "2024-07-25")]),
    ("Fighting on 25–27 July 2024 at Tinzaouatene.", [("2024-07-25", "2024-07-27")]),
    ("Fighting on 25-27 July at Tinzaouatene.", [("2024-07-25", "2024-07-27")]),
    ("The rebellion began in January 2012.", [("2012-01-01", "2012-01-31")]),
    ("Separatists said on Thursday they had killed 84.", [("2024-08-01", "2024-08-01")]),
    ("Mali said Sunday it was breaking relations.", [("2024-08-04", "2024-08-04")]),
    ("The defeat happened in late July.", [("2024-07-01", "2024-07-31")]),
    ("Le 12 mai, l'armée est entrée à Kidal.", [("2024-05-12", "2024-05-12")]),
    ("On Thursday, July 25, 2024, fighting began.", [("2024-07-25", "2024-07-25")]),
    ("They will meet next Friday.", []),
    ("They may 5 times refuse; 2000 troops left.", []),
    ("The town fell in May and again on May 5.", [("2024-05-01", "2024-05-31"),
                                                 ("2024-05-05", "2024-05-05")]),
    ("On December 30 the talks began.", [("2024-12-30", "2024-12-30")]),
    ("JUL 0 and 31 February", []),  # found by hypothesis: no day 0, no 31 February
])
def test_event_dates_resolved_against_the_article_date(
        text: str, expected: list[tuple[str, str]]) -> None:
    assert _spans(text, AUG_5) == expected


def test_a_year_less_date_takes_the_year_nearest_the_article() -> None:
    assert _spans("On December 30 the talks began.", dt.date(2025, 1, 3)) == [
        ("2024-12-30", "2024-12-30")]


def test_without_the_article_date_only_full_dates_are_read() -> None:
    text = "On Thursday, after fighting on July 25, the 2012 rebellion of 25-27 July 2024."
    assert _spans(text, None) == [("2012-01-01", "2012-12-31"), ("2024-07-25", "2024-07-27")]


@pytest.mark.parametrize("reference", [dt.date.min, dt.date.max])
def test_a_reference_at_the_calendar_edge_is_not_used(reference: dt.date) -> None:
    # found by hypothesis: "JUL 0" against 0001-01-01 asked for year 0
    assert _spans("JUL 0, on July 5, on Monday, 12 May 2024", reference) == [
        ("2024-05-12", "2024-05-12")]


def test_parse_day_reads_one_day_or_nothing() -> None:
    assert parse_day("2024-08-05T10:12:00+00:00") == AUG_5
    assert parse_day("Aug 5, 2024") == AUG_5
    assert parse_day("Aug 5") is None and parse_day("August 2024") is None


# --- into the index and the store ---------------------------------------------------------

async def test_citations_and_event_dates_are_stored_and_read_back(tmp_path: Path) -> None:
    built = build_index(SEEDS, 2_000_000, BM25Params())
    store = await open_store(tmp_path / "db.sqlite3")
    try:
        generation = await store.new_generation(built.corpus_hash)
        await store.publish_generation(generation, built.documents, built.sections,
                                       built.chunks)
        documents = {d.doc_key: d for d in await store.documents(generation)}
        chunks = await store.chunks(generation)
    finally:
        await store.close()
    wiki = documents["002_1e99e280438fa3d8.txt"]
    assert (wiki.outlet, wiki.published, wiki.language) == ("Wikipedia", None, "en")
    assert wiki.sources()["outlet"]["source"] == DOCUMENT
    arab = documents["004_0bd10977ca86cbfa.txt"]
    assert (arab.date, arab.updated, arab.outlet) == ("05 August 2024", "2024-08-05", None)
    tinzaouatene = next(c for c in chunks if "on July 25 at a military camp" in c.text)
    assert ("2024-07-25", "2024-07-25") in tinzaouatene.event_dates
    assert tinzaouatene.event_dates == next(
        c for c in built.chunks if c.chunk_id == tinzaouatene.chunk_id).event_dates


def _old_database(path: Path) -> None:
    """A database as the previous release left it: schema 3, one generation of rows."""
    db = sqlite3.connect(path)
    schema = {**MIGRATIONS, **USAGE_MIGRATIONS}
    for number in (1, 2, 3):
        script = schema[number]
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
    db.execute("INSERT INTO generations VALUES (1, 0, 'ready', 'h', 1, 1)")
    db.execute("INSERT INTO meta VALUES ('current_generation', '1')")
    db.execute("INSERT INTO documents VALUES (1, 'a.txt', 'a.txt', 'T', '05 August 2024', 's')")
    db.execute("INSERT INTO passages VALUES (1, 0, 'c1', 'a.txt', 0, 0, 'Text.', '[]')")
    db.commit()
    db.close()


async def test_an_old_database_upgrades_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _old_database(path)
    store = await open_store(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS) + len(USAGE_MIGRATIONS) >= 4
        [row] = await store.documents(1)
        [chunk] = await store.chunks(1)
    finally:
        await store.close()
    assert row == DocumentRow("a.txt", "a.txt", "T", "05 August 2024", "s")
    assert row.outlet is None and row.sources() == {}
    assert (chunk.text, chunk.event_dates) == ("Text.", ())


def test_document_rows_built_the_old_way_still_work() -> None:
    row = DocumentRow("k", "f", "t", "d", "s")
    assert (row.outlet, row.published, json.loads(row.provenance)) == (None, None, {})


# --- never raises --------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
DATEISH = st.lists(st.sampled_from(["on", "July", "25", "–", "27", "2024", "Thursday", "may",
                                    "in", "late", "next", "By", "Jane", "(Reuters)", "-",
                                    "Updated", "{{Cite web", "\n", ",", "31", "février"]),
                   max_size=25).map(" ".join)


@given(st.one_of(TEXT, DATEISH), st.one_of(st.none(), st.dates()))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extraction_never_raises_on_arbitrary_text(text: str, reference: dt.date | None) -> None:
    for found in find_event_dates(text, reference):
        assert found.start <= found.end
    from_text(text)
    from_html(text)
    wiki_citation(text)
    detect_language(text)
    parse_day(text)
    for document in parse_document(text, "x.txt"):
        assert document.citation.title is not None


# --- the index side of /cite ---------------------------------------------------------------

def test_write_sidecar_sets_and_clears_keys_and_ingest_reads_it(tmp_path: Path) -> None:
    document = _write(tmp_path, "a.txt", "Updated 05 August 2024\n\n" + BODY)
    _write(tmp_path, "a.txt.cite.yaml", "author: Jane Doe\n")
    values = write_sidecar(document, {"outlet": "Arab News", "date": "5 Aug 2024",
                                      "language": "EN", "author": ""})
    assert values == {"outlet": "Arab News", "date": "2024-08-05", "language": "en"}
    cited = _one(document)
    assert (cited.value("outlet"), cited.value("published"), cited.author) == (
        "Arab News", "2024-08-05", None)
    assert cited.outlet is not None and cited.outlet.source == SIDECAR
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "a.txt.cite.yaml"]
    write_sidecar(document, {"outlet": "", "date": "", "language": ""})
    assert not (tmp_path / "a.txt.cite.yaml").exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"publisher": "X"}, "unknown key 'publisher'"),
    ({"outlet": "X", "date": "soon"}, "date: 'soon' is not a date"),
    ({"url": "javascript:alert(1)"}, "does not start with http"),
    ({"language": "English"}, "not a language code"),
    ({"outlet": "x" * 301}, "over 300 characters"),
])
def test_write_sidecar_refuses_bad_values_and_writes_nothing(
        tmp_path: Path, changes: dict[str, str], message: str) -> None:
    document = _write(tmp_path, "a.txt", BODY)
    sidecar = _write(tmp_path, "a.txt.cite.yaml", "outlet: Kept\n")
    with pytest.raises(CitationRefused, match=message):
        write_sidecar(document, changes)
    assert sidecar.read_text("utf-8") == "outlet: Kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "a.txt.cite.yaml"]


def test_write_sidecar_never_overwrites_a_sidecar_it_cannot_read(tmp_path: Path) -> None:
    document = _write(tmp_path, "a.txt", BODY)
    sidecar = _write(tmp_path, "a.txt.cite.yaml", "outlet: [unclosed\nnote: mine\n")
    with pytest.raises(CitationRefused, match="by hand"):
        write_sidecar(document, {"outlet": "X"})
    assert sidecar.read_text("utf-8") == "outlet: [unclosed\nnote: mine\n"


async def test_a_citation_fix_reaches_the_published_generation(tmp_path: Path) -> None:
    built = build_index(SEEDS, 2_000_000, BM25Params())
    store = await open_store(tmp_path / "db.sqlite3")
    try:
        generation = await store.new_generation(built.corpus_hash)
        await store.publish_generation(generation, built.documents, built.sections,
                                       built.chunks)
        old = next(d for d in built.documents if d.doc_key == "003_cc1f5f790d2f55b7.txt")
        fixed = replace(old, outlet="Example News", provenance=json.dumps(
            {"outlet": {"source": SIDECAR, "evidence": "outlet: Example News"}}))
        assert await store.set_citation(generation, fixed)
        assert not await store.set_citation(generation, replace(fixed, doc_key="nope.txt"))
        rows = {d.doc_key: d for d in await store.documents(generation)}
    finally:
        await store.close()
    assert rows[old.doc_key] == fixed
    assert rows["004_0bd10977ca86cbfa.txt"].outlet is None
