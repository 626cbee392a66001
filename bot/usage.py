"""The bot's usage logs (questions, feedback, audit) in the Store's database file: same
connection and write lock, own tables, own numbered migrations (2 and 3)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import secrets
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.store import Store

log = logging.getLogger(__name__)

MIGRATIONS: dict[int, str] = {
    # 2: usage logs; users appear only as salted hashes
    2: """
    CREATE TABLE queries (
        id INTEGER PRIMARY KEY, ts REAL NOT NULL, user_hash TEXT NOT NULL,
        question TEXT NOT NULL, chunk_ids TEXT NOT NULL, abstained INTEGER NOT NULL,
        latency_ms REAL NOT NULL, generation INTEGER NOT NULL);
    CREATE INDEX queries_by_ts ON queries (ts);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY, ts REAL NOT NULL, user_hash TEXT NOT NULL,
        query_id INTEGER, chunk_id TEXT NOT NULL, value INTEGER NOT NULL,
        UNIQUE (user_hash, query_id, chunk_id));
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY, ts REAL NOT NULL, user_hash TEXT NOT NULL,
        command TEXT NOT NULL, outcome TEXT NOT NULL);
    """,
    # 3: one vote per user, answer and passage, also without a query id (UNIQUE let NULLs
    # repeat); of the duplicates, the latest vote is kept
    3: """
    CREATE TABLE feedback_v3 (
        id INTEGER PRIMARY KEY, ts REAL NOT NULL, user_hash TEXT NOT NULL,
        query_id INTEGER, chunk_id TEXT NOT NULL, value INTEGER NOT NULL);
    INSERT INTO feedback_v3 (id, ts, user_hash, query_id, chunk_id, value)
        SELECT id, ts, user_hash, query_id, chunk_id, value FROM feedback AS f
        WHERE f.id = (SELECT g.id FROM feedback AS g WHERE g.user_hash = f.user_hash
                      AND g.query_id IS f.query_id AND g.chunk_id = f.chunk_id
                      ORDER BY g.ts DESC, g.id DESC LIMIT 1);
    DROP TABLE feedback;
    ALTER TABLE feedback_v3 RENAME TO feedback;
    CREATE UNIQUE INDEX feedback_one_vote ON feedback (user_hash, IFNULL(query_id, -1),
                                                       chunk_id);
    """,
}


_INSERT_QUERY = ("INSERT INTO queries (id, ts, user_hash, question, chunk_ids, abstained, "
                 "latency_ms, generation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
QUERY_BATCH = 256
# Query ids are reserved from the database in blocks (meta `next_query_id`), so processes
# sharing it never hand out the same id, and a question costs no commit of its own.
QUERY_ID_BLOCK = 1024
RANDOM_QUERY_IDS = 2**52  # fallback ids: [2**52, 2**53), exact in JSON and JavaScript
RANDOM_QUERY_ID_BITS = 51
QUERY_FLUSH_SECONDS = 0.05
LOST_WARNING_SECONDS = 60.0


@dataclass(frozen=True)
class Usage:
    questions_today: int
    abstained_today: int
    feedback_up: int
    feedback_down: int
    top_unanswered: tuple[tuple[str, int], ...]


def _storable(text: str) -> str:
    """`text` as SQLite can store it: a lone surrogate (not encodable as UTF-8) becomes
    U+FFFD instead of failing the whole batch of rows it is in."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


async def open_store(path: Path) -> Store:
    """The Store with the usage tables' migrations."""
    return await Store.open(path, MIGRATIONS)


class UsageLog:
    """Query, feedback and audit rows, written through `store`'s connection."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # Query rows are buffered and written in batches (a commit per question cost more
        # than the search); ids are handed out here, from a block reserved in the database,
        # so feedback can refer to them at once.
        self._next_query_id = 1
        self._query_id_end = 1  # end of the reserved block: reserve another when reached
        self._pending_queries: list[tuple[object, ...]] = []
        self._flusher: asyncio.Task[None] | None = None
        self.queries_not_logged = 0  # rows that could not be written (e.g. a full disk)
        self._lost_warned_at = -math.inf
        store.before_close(self._close)

    async def _close(self) -> None:
        """Write the queued query rows (the Store is closing)."""
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        await self.flush_queries()

    async def log_query(self, *, user_hash: str, question: str, chunk_ids: Sequence[str],
                        abstained: bool, latency_ms: float, generation: int) -> int:
        """Queue a query row (written within QUERY_FLUSH_SECONDS); returns its id, unique
        among all processes sharing the database."""
        if self._next_query_id >= self._query_id_end:
            await self._reserve_query_ids()
        query_id = self._next_query_id
        self._next_query_id += 1
        self._pending_queries.append(
            (query_id, time.time(), _storable(user_hash), _storable(question),
             json.dumps(list(chunk_ids)), int(abstained), latency_ms, generation))
        if self._store.closing:
            return query_id  # shutting down: close() writes what it finds queued
        if len(self._pending_queries) >= QUERY_BATCH:
            await self.flush_queries()
        elif self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())
        return query_id

    async def _reserve_query_ids(self) -> None:
        """Take the next QUERY_ID_BLOCK ids for this process, in one short transaction.
        If the database refuses (full disk, locked too long), a random block far above the
        sequential ids is used: unique with overwhelming odds, and answers keep flowing."""
        async with self._store.write_lock:
            if self._next_query_id < self._query_id_end:
                return  # another coroutine reserved a block meanwhile
            try:
                end = await self._reserve_in_database() if not self._store.closed else None
            except (sqlite3.Error, ValueError) as exc:
                await self._rollback_quietly()
                log.warning("query ids not reserved in the database (%s); using random ids",
                            _one_line(exc))
                end = None
        if end is None:
            end = RANDOM_QUERY_IDS + secrets.randbits(RANDOM_QUERY_ID_BITS) + QUERY_ID_BLOCK
        self._query_id_end = end
        self._next_query_id = end - QUERY_ID_BLOCK

    async def _reserve_in_database(self) -> int:
        """Advance meta `next_query_id` by a block; returns the block's end."""
        await self._store.db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('next_query_id', "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM queries))")
        async with self._store.db.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + ? "
                "WHERE key = 'next_query_id' RETURNING CAST(value AS INTEGER)",
                (QUERY_ID_BLOCK,)) as cursor:
            rows = list(await cursor.fetchall())
        await self._store.db.commit()
        return int(rows[0][0])

    async def _flush_soon(self) -> None:
        await asyncio.sleep(QUERY_FLUSH_SECONDS)
        self._flusher = None
        try:
            await self.flush_queries()
        except Exception:  # a lost batch of query logs must not take answers down with it
            log.exception("query log rows not written")

    async def flush_queries(self) -> None:
        """Write the queued query rows now. Rows that cannot be written are counted in
        `queries_not_logged` and reported in one WARNING per batch, never raised. Waits for
        a write already under way, so every row logged before the call is written on return."""
        async with self._store.write_lock:
            rows, self._pending_queries = self._pending_queries, []
            if self._store.closed or not rows:
                return
            try:
                await self._insert_queries(rows)
                return
            except (sqlite3.Error, ValueError) as exc:
                await self._rollback_quietly()
                batch_error = exc
            lost = len(rows) - await self._insert_one_by_one(rows)
        if lost:
            self._count_lost(lost, batch_error)

    def _count_lost(self, lost: int, error: BaseException) -> None:
        """Count lost rows; WARN at once, then at most every LOST_WARNING_SECONDS, so a disk
        that stays full is reported with a running total instead of a flood of lines."""
        self.queries_not_logged += lost
        now = time.monotonic()
        if now - self._lost_warned_at < LOST_WARNING_SECONDS:
            return
        self._lost_warned_at = now
        log.warning("%d query log row%s could not be written (%s); %d lost since start",
                    lost, "" if lost == 1 else "s", _one_line(error), self.queries_not_logged)

    async def _insert_queries(self, rows: Sequence[tuple[object, ...]]) -> None:
        await self._store.db.executemany(_INSERT_QUERY, rows)
        await self._store.db.commit()

    async def _insert_one_by_one(self, rows: Sequence[tuple[object, ...]]) -> int:
        """After a failed batch: each row on its own, so one bad row loses only itself.
        Returns how many were written."""
        written = 0
        for row in rows:
            try:
                await self._insert_queries([row])
                written += 1
            except (sqlite3.Error, ValueError):
                await self._rollback_quietly()
        return written

    async def _rollback_quietly(self) -> None:
        with contextlib.suppress(sqlite3.Error, ValueError):  # ValueError: connection gone
            await self._store.db.rollback()

    async def log_feedback(self, *, user_hash: str, query_id: int | None, chunk_id: str,
                           value: int) -> None:
        """One vote per user, query and passage: a new vote replaces the previous one."""
        async with self._store.write_lock:
            cursor = await self._store.db.execute(
                "UPDATE feedback SET value=?, ts=? WHERE user_hash=? AND query_id IS ? "
                "AND chunk_id=?", (value, time.time(), user_hash, query_id, chunk_id))
            if cursor.rowcount == 0:
                await self._store.db.execute(
                    "INSERT INTO feedback (ts, user_hash, query_id, chunk_id, value) "
                    "VALUES (?, ?, ?, ?, ?)", (time.time(), user_hash, query_id, chunk_id, value))
            await self._store.db.commit()

    async def query_chunk_ids(self, query_id: int) -> list[str] | None:
        """The passages a logged query answered with; None if there is no such query."""
        for row in self._pending_queries:
            if row[0] == query_id:
                return list(json.loads(str(row[4])))
        sql = "SELECT chunk_ids FROM queries WHERE id=?"
        async with self._store.db.execute(sql, (query_id,)) as cursor:
            found = await cursor.fetchone()
        return list(json.loads(found[0])) if found else None

    async def log_audit(self, *, user_hash: str, command: str, outcome: str) -> None:
        async with self._store.write_lock:
            await self._store.db.execute(
                "INSERT INTO audit (ts, user_hash, command, outcome) VALUES (?, ?, ?, ?)",
                (time.time(), user_hash, command, outcome))
            await self._store.db.commit()

    async def audit_rows(self) -> list[tuple[float, str, str, str]]:
        sql = "SELECT ts, user_hash, command, outcome FROM audit ORDER BY id"
        async with self._store.db.execute(sql) as cursor:
            return [(float(r[0]), str(r[1]), str(r[2]), str(r[3])) async for r in cursor]

    async def feedback_rows(self) -> list[tuple[str, int]]:
        """(chunk id, vote) of every feedback row; chunk id "" is a vote on a whole answer."""
        sql = "SELECT chunk_id, value FROM feedback ORDER BY id"
        async with self._store.db.execute(sql) as cursor:
            return [(str(r[0]), int(r[1])) async for r in cursor]

    async def prune_queries(self, keep_days: int) -> int:
        """Delete query rows older than `keep_days`; returns how many."""
        cutoff = time.time() - keep_days * 86400
        await self.flush_queries()
        async with self._store.write_lock:
            cursor = await self._store.db.execute("DELETE FROM queries WHERE ts < ?", (cutoff,))
            await self._store.db.commit()
        return cursor.rowcount

    async def usage(self, since: float, top: int = 5) -> Usage:
        """Question, abstention and feedback counts for /stats."""
        await self.flush_queries()

        async def one(sql: str, *args: object) -> int:
            async with self._store.db.execute(sql, args) as cursor:
                row = await cursor.fetchone()
            return int(row[0] or 0) if row else 0

        asked = await one("SELECT COUNT(*) FROM queries WHERE ts >= ?", since)
        abstained = await one("SELECT SUM(abstained) FROM queries WHERE ts >= ?", since)
        up = await one("SELECT COUNT(*) FROM feedback WHERE value > 0")
        down = await one("SELECT COUNT(*) FROM feedback WHERE value < 0")
        sql = ("SELECT lower(trim(question)) q, COUNT(*) n FROM queries WHERE abstained=1 "
               "GROUP BY q ORDER BY n DESC, MAX(ts) DESC LIMIT ?")
        async with self._store.db.execute(sql, (top,)) as cursor:
            unanswered = tuple([(str(r[0]), int(r[1])) async for r in cursor])
        return Usage(asked, abstained, up, down, unanswered)
