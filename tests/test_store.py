"""The query log under a full disk and bad rows: nothing lost silently, one bad row never
loses its batch."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.core import Service, StartupError
from bot.usage import UsageLog, open_store

SURROGATE = "why \ud800 Gao?"


async def _logged(store: UsageLog, question: str) -> int:
    return await store.log_query(user_hash="h", question=question, chunk_ids=["c1"],
                                 abstained=False, latency_ms=1.0, generation=1)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[UsageLog]:
    opened = await open_store(tmp_path / "db.sqlite3")
    yield UsageLog(opened)
    await opened.close()


def _questions(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as db:
        return [(int(r[0]), str(r[1]))
                for r in db.execute("SELECT id, question FROM queries ORDER BY id")]


async def test_a_lone_surrogate_does_not_lose_its_batch(store: UsageLog, tmp_path: Path) -> None:
    ids = [await _logged(store, q) for q in ("first", SURROGATE, "third")]
    await store.flush_queries()
    rows = _questions(tmp_path / "db.sqlite3")
    assert [i for i, _ in rows] == ids
    assert rows[0][1] == "first" and rows[2][1] == "third"
    assert "Gao?" in rows[1][1] and "\ud800" not in rows[1][1]
    assert store.queries_not_logged == 0


async def test_a_row_failing_in_the_database_does_not_lose_its_batch(
        store: UsageLog, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    taken = await _logged(store, "already there")
    await store.flush_queries()
    store._next_query_id = taken  # the next row collides with an existing id
    await _logged(store, "duplicate id")
    after = [await _logged(store, q) for q in ("kept one", "kept two")]
    await store.flush_queries()
    assert _questions(tmp_path / "db.sqlite3") == [
        (taken, "already there"), (after[0], "kept one"), (after[1], "kept two")]
    assert store.queries_not_logged == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "1 query log row" in warnings[0].getMessage()


def _count_rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM queries").fetchone()[0])


async def test_disk_full_rows_are_counted_and_reported_once(
        service: Service, caplog: pytest.LogCaptureFixture) -> None:
    store = service.usage
    await service.store.db.execute("PRAGMA max_page_count = 1")  # clamps to the current size
    for i in range(40):
        await _logged(store, f"question number {i} " + "padding " * 200)
    with caplog.at_level(logging.WARNING):
        await store.flush_queries()
        lost = 40 - _count_rows(service.store.path)
        for i in range(5):  # the disk stays full: counted, not warned about again
            await _logged(store, f"later question {i} " + "padding " * 200)
        await store.flush_queries()
        stats = await service.stats()
    assert lost >= 30
    assert store.queries_not_logged == lost + 5 == stats.queries_not_logged
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert f"{lost} query log rows could not be written" in warnings[0]
    assert "full" in warnings[0]


def _new_threads_alive(before: set[threading.Thread]) -> list[threading.Thread]:
    """aiosqlite connection threads started since `before` that are still running."""
    new = [t for t in threading.enumerate()
           if t not in before and "_connection_worker_thread" in t.name]
    for thread in new:
        thread.join(5)
    return [t for t in new if t.is_alive()]


async def test_failed_open_leaves_no_thread_behind(tmp_path: Path) -> None:
    """The root cause of the start-up hang: the connection's (non-daemon) thread."""
    path = tmp_path / "db.sqlite3"
    path.write_bytes(os.urandom(8192))
    before = set(threading.enumerate())
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        await open_store(path)
    assert _new_threads_alive(before) == []


async def test_failed_service_start_releases_everything(config: Config) -> None:
    config.db_path.parent.mkdir(parents=True)
    config.db_path.write_bytes(os.urandom(8192))
    before = set(threading.enumerate())
    with pytest.raises(StartupError, match="not a database"):
        await Service.open(config)
    assert _new_threads_alive(before) == []
    config.db_path.unlink()
    service = await Service.open(config)  # the data folder lock was released
    await service.close()
    assert _new_threads_alive(before) == []


async def test_a_section_s_related_names_come_back_from_the_store(service: Service) -> None:
    chunks = await service.store.chunks(service.generation)
    coup = [c for c in chunks if c.section == "2020 coup"]
    assert coup and all(c.related == ("Barkhane",) for c in coup)
    assert not any("\x1f" in c.section for c in chunks)


async def test_a_name_only_a_see_also_template_gives_is_not_unknown(service: Service) -> None:
    answer = await service.ask("Barkhane troops leave Mali")
    assert not answer.abstained and not answer.unknown_names
    assert all("\x1f" not in p.citation.section for p in answer.passages)
