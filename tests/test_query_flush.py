"""flush_queries is a barrier (#11): when it returns, every query logged before it is in
the database, even rows a background flush had already taken and was still writing.
Without it, tests (and /stats) read query rows that are not there yet."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.usage import UsageLog, open_store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[UsageLog]:
    opened = await open_store(tmp_path / "db.sqlite3")
    yield UsageLog(opened)
    await opened.close()


async def test_flush_waits_for_a_write_already_under_way(
        store: UsageLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writing, release = asyncio.Event(), asyncio.Event()
    insert = store._insert_queries

    async def slow_insert(rows: Sequence[tuple[object, ...]]) -> None:
        writing.set()
        await release.wait()
        await insert(rows)

    monkeypatch.setattr(store, "_insert_queries", slow_insert)
    query_id = await store.log_query(user_hash="h", question="Gao?", chunk_ids=["c1"],
                                     abstained=False, latency_ms=1.0, generation=1)
    background = asyncio.create_task(store.flush_queries())  # as the timed flush does
    await writing.wait()
    barrier = asyncio.create_task(store.flush_queries())
    await asyncio.sleep(0.05)
    finished_early = barrier.done()
    release.set()
    await barrier
    assert not finished_early  # it waited for the write under way
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT id FROM queries").fetchall() == [(query_id,)]
    await background
