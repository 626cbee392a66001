"""Feedback counts (#9 point 11): one vote per user per passage per answer, forged votes
refused, and the schema migration that makes NULL query ids obey the same rule."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from bot.config import Config
from bot.core import Service
from bot.usage import MIGRATIONS as USAGE_MIGRATIONS
from bot.usage import UsageLog, open_store
from index.store import MIGRATIONS
from tests.conftest import make_config


def votes(config: Config) -> list[tuple[int | None, str, int]]:
    with contextlib.closing(sqlite3.connect(config.db_path)) as db:
        return list(db.execute("SELECT query_id, chunk_id, value FROM feedback ORDER BY id"))


async def test_one_vote_per_user_passage_and_answer(service: Service, config: Config) -> None:
    answer = await service.ask("Who did Wagner fight at Tinzaouatene?", user="tg:1")
    chunk = answer.passages[0].chunk_id
    for value in (1, 1, 1, -1, 1):
        assert await service.feedback(user="tg:1", chunk_id=chunk, value=value,
                                      query_id=answer.query_id)
    assert await service.feedback(user="tg:2", chunk_id=chunk, value=-1,
                                  query_id=answer.query_id)
    stats = await service.stats()
    assert (stats.feedback_up, stats.feedback_down) == (1, 1)


async def test_votes_without_a_query_id_are_unique_too(tmp_path: Path, corpus: Path) -> None:
    config = make_config(tmp_path, logging={"queries": False})
    service = await Service.open(config)
    try:
        answer = await service.ask("Who did Wagner fight at Tinzaouatene?", user="tg:1")
        chunk = answer.passages[0].chunk_id
        assert answer.query_id is None
        for _ in range(100):
            await service.feedback(user="tg:1", chunk_id=chunk, value=1, shown={chunk})
        await service.feedback(user="tg:1", chunk_id=chunk, value=-1, shown={chunk})
    finally:
        await service.close()
    assert votes(config) == [(None, chunk, -1)]


async def test_forged_votes_are_refused_and_change_nothing(service: Service,
                                                           config: Config) -> None:
    answer = await service.ask("Who did Wagner fight at Tinzaouatene?", user="tg:1", k=1)
    shown = answer.passages[0].chunk_id
    foreign = next(c.chunk_id for c in service._snapshot.chunks if c.chunk_id != shown)
    assert not await service.feedback(user="tg:1", chunk_id=foreign, value=1,
                                      query_id=answer.query_id)
    assert not await service.feedback(user="tg:1", chunk_id=foreign, value=1,
                                      query_id=answer.query_id, shown={shown})
    assert not await service.feedback(user="tg:1", chunk_id=shown, value=1, query_id=99_999,
                                      shown={shown})
    assert not await service.feedback(user="tg:1", chunk_id=shown, value=1)
    await service.usage.flush_queries()
    assert votes(config) == []


async def test_migration_3_keeps_the_latest_of_duplicate_votes(tmp_path: Path) -> None:
    """A version-2 database where NULL query ids let one user vote many times: after the
    migration, one row per user, answer and passage, the latest vote, and no new duplicates."""
    path = tmp_path / "bot.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(MIGRATIONS[1] + USAGE_MIGRATIONS[2] + "PRAGMA user_version=2;")
        rows = [(1.0, "u1", None, "c1", 1), (2.0, "u1", None, "c1", -1),
                (3.0, "u1", None, "c1", 1), (4.0, "u1", 7, "c1", -1), (5.0, "u2", None, "c1", -1),
                (6.0, "u1", None, "c2", -1), (0.5, "u1", None, "c2", 1)]
        db.executemany("INSERT INTO feedback (ts, user_hash, query_id, chunk_id, value) "
                       "VALUES (?, ?, ?, ?, ?)", rows)
        db.commit()
    store = await open_store(path)
    try:
        assert await store.schema_version() >= 3
        await UsageLog(store).log_feedback(user_hash="u2", query_id=None, chunk_id="c1", value=1)
    finally:
        await store.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        kept = sorted(db.execute("SELECT user_hash, query_id, chunk_id, value FROM feedback"),
                      key=repr)
        duplicate = "INSERT INTO feedback (ts, user_hash, query_id, chunk_id, value) " \
                    "VALUES (9, 'u1', NULL, 'c1', 1)"
        try:
            db.execute(duplicate)
            refused = False
        except sqlite3.IntegrityError:
            refused = True
    assert kept == sorted([("u1", None, "c1", 1), ("u1", 7, "c1", -1), ("u2", None, "c1", 1),
                           ("u1", None, "c2", -1)], key=repr)
    assert refused
