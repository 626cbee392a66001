"""Passages shared between generations and read on demand (#13): an /add writes only its
own rows, a start reads no passage, databases of the previous schema are migrated, and the
corpus fingerprint reads only changed files."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

import bot.core
import index.store
import index.vocabulary
from bot.config import Config
from bot.core import Service
from bot.usage import MIGRATIONS as USAGE_MIGRATIONS
from bot.usage import open_store
from index.build import corpus_fingerprint
from index.store import MIGRATIONS, GenerationPassages, Piece
from index.vocabulary import Vocabulary

ARTICLE = (b"# Menaka siege\n\nIslamic State fighters besieged Menaka for three weeks in "
           b"March, cutting the road to Ansongo.\n\nAid convoys turned back at Tidermene.\n")


def passage_rows(config: Config) -> int:
    with contextlib.closing(sqlite3.connect(config.db_path)) as db:
        return int(db.execute("SELECT COUNT(*) FROM passages").fetchone()[0])


async def test_an_add_writes_only_its_own_passages(service: Service, config: Config) -> None:
    before = passage_rows(config)
    await service.add_document("menaka.md", ARTICLE)
    await service.add_document("menaka2.md", ARTICLE.replace(b"three", b"four"))
    # three generations are kept readable; their passages are stored once
    assert passage_rows(config) == before + 4
    answer = await service.ask("Who besieged Menaka?", log=False)
    assert answer.passages[0].citation.file in {"menaka.md", "menaka2.md"}


async def test_full_text_of_an_added_passage(service: Service) -> None:
    await service.add_document("menaka.md", ARTICLE)
    answer = await service.ask("Who besieged Menaka?", log=False)
    full = await service.full_text(answer.passages[0].chunk_id)
    assert full is not None and "Tidermene" in full.text
    assert full.citation.file == "menaka.md"


async def test_a_start_reads_no_passage_until_asked(config: Config) -> None:
    await (await Service.open(config)).close()
    service = await Service.open(config)
    try:
        chunks = service._snapshot.chunks
        assert isinstance(chunks, GenerationPassages) and len(chunks) > 10
        assert chunks._cache == {}
        answer = await service.ask("Who did Wagner fight at Tinzaouatene?", log=False)
        assert answer.passages and 0 < len(chunks._cache) < len(chunks)
    finally:
        await service.close()


async def test_retired_passages_are_deleted_after_the_grace_period(
        service: Service, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    await service.add_document("menaka.md", ARTICLE)
    await service.remove_document("menaka.md")
    await service.reindex()
    monkeypatch.setattr(index.store, "RETIRED_KEPT_SECONDS", 0.0)
    await service.reindex()  # retires every generation but the last two
    with contextlib.closing(sqlite3.connect(config.db_path)) as db:
        pieces = db.execute("SELECT DISTINCT piece FROM passages").fetchall()
        kept = db.execute("SELECT DISTINCT piece FROM pieces").fetchall()
    assert sorted(pieces) == sorted(kept) and len(kept) == 2


def _schema_4(path: Path) -> None:
    """A database as the previous version left it: one generation, rows keyed by it."""
    scripts = {**MIGRATIONS, **USAGE_MIGRATIONS}
    with contextlib.closing(sqlite3.connect(path)) as db:
        for number in range(1, 5):
            db.executescript(scripts[number])
        db.execute("PRAGMA user_version=4")
        db.execute("INSERT INTO generations VALUES (7, 0, 'ready', 'h', 2, 3)")
        db.execute("INSERT INTO meta VALUES ('current_generation', '7')")
        for key, title in (("a", "Alpha"), ("b", "Beta")):
            db.execute("INSERT INTO documents (generation, doc_key, file, title, date, sha256) "
                       "VALUES (7, ?, ?, ?, '2024', 's')", (key, f"{key}.md", title))
            db.execute("INSERT INTO sections VALUES (7, ?, 0, 'Head', 'Whole text')", (key,))
        for ordinal, key in enumerate("aab"):
            db.execute("INSERT INTO passages (generation, ordinal, chunk_id, doc_key, "
                       "paragraph, section_idx, text, urls, event_dates) VALUES "
                       "(7, ?, ?, ?, 1, 0, ?, '[]', '[]')",
                       (ordinal, f"c{ordinal}", key, f"text {ordinal}"))
        db.commit()


async def test_a_database_of_the_previous_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _schema_4(path)
    store = await open_store(path)
    try:
        assert await store.schema_version() == max(MIGRATIONS)
        assert await store.pieces(7) == [Piece(0, 7, 3)]
        spans = await store.document_spans(7)
        assert {k: (s.piece, s.passages) for k, s in spans.items()} == {"a": (7, 2),
                                                                         "b": (7, 1)}
        chunks = await store.chunks(7)
        assert [(c.chunk_id, c.file, c.title, c.section, c.text) for c in chunks] == [
            ("c0", "a.md", "Alpha", "Head", "text 0"), ("c1", "a.md", "Alpha", "Head", "text 1"),
            ("c2", "b.md", "Beta", "Head", "text 2")]
        assert await store.section_text(7, "b", 0) == "Whole text"
    finally:
        await store.close()


def test_the_fingerprint_reads_only_changed_files(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "hashes.json"
    corpus.mkdir()
    for name in ("a.md", "b.md"):
        (corpus / name).write_text(f"# {name}\n\nSome text.\n")
    plain = corpus_fingerprint(corpus, 10_000)
    assert corpus_fingerprint(corpus, 10_000, cache_file=cache) == plain
    assert set(json.loads(cache.read_text())) == {"a.md", "b.md"}
    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: read.append(p.name) or real(p))
    assert corpus_fingerprint(corpus, 10_000, cache_file=cache) == plain
    assert read == []
    (corpus / "b.md").write_text("# b.md\n\nSome text!\n")  # same size, new content
    changed = corpus_fingerprint(corpus, 10_000, cache_file=cache)
    assert read == ["b.md"]
    assert changed == corpus_fingerprint(corpus, 10_000) != plain


async def test_a_passage_deleted_under_a_reader_reads_as_empty(
        config: Config, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.core, "HELD_PASSAGES_MAX", 0)  # too large to hold in memory
    service = await Service.open(config)
    try:
        chunks = service._snapshot.chunks
        assert isinstance(chunks, GenerationPassages) and not chunks.held
        assert chunks[1].text
        with contextlib.closing(sqlite3.connect(config.db_path)) as db:
            db.execute("DELETE FROM passages")
            db.commit()
        assert chunks[1].text  # cached
        assert chunks[2].text == "" and chunks[2].chunk_id == ""
        assert "is gone" in caplog.text
    finally:
        await service.close()


async def test_a_small_generation_held_in_memory_outlives_its_rows(
        service: Service, config: Config) -> None:
    chunks = service._snapshot.chunks
    assert isinstance(chunks, GenerationPassages) and chunks.held
    with contextlib.closing(sqlite3.connect(config.db_path)) as db:
        db.execute("DELETE FROM passages")
        db.commit()
    assert all(chunk.text and chunk.chunk_id for chunk in chunks)


async def test_add_and_remove_update_the_fuzzy_tables_as_a_fresh_build_would(
        service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    before = service._snapshot.vocabulary.warm()
    rare = next(t for t, df in before.doc_freq.items()  # a seed word written once
                if df == 1 and len(t) >= 5 and before.surface_of(t).isalpha()
                and before.surface_of(t).islower() and t == before.surface_of(t))
    fills: list[bool] = []
    real = Vocabulary._fill_candidates
    monkeypatch.setattr(Vocabulary, "_fill_candidates",
                        lambda self, names_only, known: fills.append(names_only)
                        or real(self, names_only, known))
    await service.add_document("menaka.md", ARTICLE)
    await service.add_document("second.md", b"# Road to Tidermene\n\nConvoys from Tidermene "
                               b"were stopped again; the " + rare.encode() + b" was closed.\n")
    vocabulary = service._snapshot.vocabulary
    assert vocabulary.df(rare) == 2
    assert fills == []  # carried over and updated, not rebuilt
    engine = service._snapshot.engine
    assert engine is not None
    fresh = Vocabulary.from_engine(engine, vocabulary.surface).warm()
    assert vocabulary._spellings == fresh._spellings
    assert rare in fresh._spellings[(False, rare[0])][1]
    await service.remove_document("second.md")
    vocabulary, engine = service._snapshot.vocabulary, service._snapshot.engine
    assert engine is not None and vocabulary.df(rare) == 1
    fresh_after_removal = Vocabulary.from_engine(engine, vocabulary.surface).warm()
    assert vocabulary._spellings == fresh_after_removal._spellings
    assert rare not in fresh_after_removal._spellings[(False, rare[0])][1]
    assert len(fills) == 4  # the two fresh builds above, and nothing else


async def test_a_start_builds_the_fuzzy_tables_from_the_saved_spelling_keys(
        config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    first = await Service.open(config)
    await first.add_document("menaka.md", ARTICLE)
    generation, base = first.generation, first.generation - 1
    await first.close()
    folder = config.db_path.parent / "index"
    spellings = folder / f"gen-{generation}" / "spellings.json"
    assert spellings.stat().st_ino == (folder / f"gen-{base}" / "spellings.json").stat().st_ino
    computed: list[str] = []
    real = index.vocabulary.spelling_key
    monkeypatch.setattr(index.vocabulary, "spelling_key",
                        lambda word: computed.append(word) or real(word))
    service = await Service.open(config)
    try:
        await asyncio.gather(*service._warming)
        vocabulary = service._snapshot.vocabulary
        assert vocabulary.warmed
        assert 0 < len(computed) < 20  # only the added article's new spellings
        engine = service._snapshot.engine
        assert engine is not None
        fresh = Vocabulary.from_engine(engine, vocabulary.surface).warm()
        assert vocabulary._spellings == fresh._spellings
    finally:
        await service.close()


async def test_a_full_pass_reads_the_same_passages_a_piece_at_a_time(service: Service) -> None:
    await service.add_document("extra.txt", b"# Extra\n\n" + b"Gunmen attacked a convoy. " * 30)
    chunks = service._snapshot.chunks
    assert isinstance(chunks, GenerationPassages) and len(chunks.pieces) >= 2
    one_by_one = [chunks[i] for i in range(len(chunks))]
    chunks._cache.clear()
    assert list(chunks) == one_by_one and len(one_by_one) == len(chunks)
    assert service._snapshot.live_chunks() == one_by_one
