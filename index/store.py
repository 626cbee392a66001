"""aiosqlite state: documents, passages, index generations, query/feedback/audit logs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import secrets
import sqlite3
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from index.chunk import Chunk

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    # 1: corpus generations and their content
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE generations (
        id INTEGER PRIMARY KEY, created_at REAL NOT NULL, status TEXT NOT NULL,
        corpus_hash TEXT NOT NULL, documents INTEGER NOT NULL DEFAULT 0,
        passages INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE documents (
        generation INTEGER NOT NULL, doc_key TEXT NOT NULL, file TEXT NOT NULL,
        title TEXT NOT NULL, date TEXT NOT NULL, sha256 TEXT NOT NULL,
        PRIMARY KEY (generation, doc_key));
    CREATE TABLE sections (
        generation INTEGER NOT NULL, doc_key TEXT NOT NULL, idx INTEGER NOT NULL,
        heading TEXT NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (generation, doc_key, idx));
    CREATE TABLE passages (
        generation INTEGER NOT NULL, ordinal INTEGER NOT NULL, chunk_id TEXT NOT NULL,
        doc_key TEXT NOT NULL, paragraph INTEGER NOT NULL, section_idx INTEGER NOT NULL,
        text TEXT NOT NULL, urls TEXT NOT NULL,
        PRIMARY KEY (generation, ordinal));
    CREATE INDEX passages_by_chunk ON passages (generation, chunk_id);
    """,
    # 2: usage logs; users appear only as salted hashes
    """
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
    """
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
    # 4: citation metadata (NULL = unknown; provenance: field -> where it came from, JSON)
    # and the dates each passage states about its events (JSON [[start, end], ...]) (#12)
    """
    ALTER TABLE documents ADD COLUMN outlet TEXT;
    ALTER TABLE documents ADD COLUMN author TEXT;
    ALTER TABLE documents ADD COLUMN url TEXT;
    ALTER TABLE documents ADD COLUMN language TEXT;
    ALTER TABLE documents ADD COLUMN published TEXT;
    ALTER TABLE documents ADD COLUMN updated TEXT;
    ALTER TABLE documents ADD COLUMN provenance TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE passages ADD COLUMN event_dates TEXT NOT NULL DEFAULT '[]';
    """,
)


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
class Generation:
    id: int
    corpus_hash: str
    documents: int
    passages: int
    created_at: float


@dataclass(frozen=True)
class DocumentRow:
    """A document as stored. `date` is the dateline as written ("05 August 2024");
    `published`/`updated` are ISO days; None is unknown. `provenance` is JSON: field ->
    {"source": "metadata block" | "sidecar" | "document", "evidence": ...}."""

    doc_key: str
    file: str
    title: str
    date: str
    sha256: str
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    language: str | None = None
    published: str | None = None
    updated: str | None = None
    provenance: str = "{}"

    def sources(self) -> dict[str, dict[str, str]]:
        """`provenance` decoded."""
        decoded = json.loads(self.provenance or "{}")
        return decoded if isinstance(decoded, dict) else {}


@dataclass(frozen=True)
class Usage:
    questions_today: int
    abstained_today: int
    feedback_up: int
    feedback_down: int
    top_unanswered: tuple[tuple[str, int], ...]


_DOCUMENT_COLUMNS = ("doc_key, file, title, date, sha256, outlet, author, url, language, "
                     "published, updated, provenance")


def _chunk(row: Sequence[Any]) -> Chunk:
    return Chunk(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]),
                 int(row[6]), int(row[7]), str(row[8]), tuple(json.loads(row[9])),
                 tuple((str(s), str(e)) for s, e in json.loads(row[10])))


def _document_values(generation: int, d: DocumentRow) -> tuple[object, ...]:
    return (generation, d.doc_key, d.file, d.title, d.date, d.sha256, d.outlet, d.author,
            d.url, d.language, d.published, d.updated, d.provenance)


def _storable(text: str) -> str:
    """`text` as SQLite can store it: a lone surrogate (not encodable as UTF-8) becomes
    U+FFFD instead of failing the whole batch of rows it is in."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


class Store:
    """The bot's SQLite database (WAL mode, owner-only permissions)."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        # One connection serves every coroutine: writes take turns, so a query log insert
        # never lands inside (or breaks) a generation's publishing transaction.
        self._write = asyncio.Lock()
        # Query rows are buffered and written in batches (a commit per question cost more
        # than the search); ids are handed out here, from a block reserved in the database,
        # so feedback can refer to them at once.
        self._next_query_id = 1
        self._query_id_end = 1  # end of the reserved block: reserve another when reached
        self._pending_queries: list[tuple[object, ...]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._closing = False
        self._closed = False
        self.queries_not_logged = 0  # rows that could not be written (e.g. a full disk)
        self._lost_warned_at = -math.inf

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open or create the database and apply pending migrations. On failure (a damaged
        file, a full disk) the connection is closed again: its thread would keep the process
        alive."""
        _private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        db = await aiosqlite.connect(path)
        try:
            return await cls._prepare(db, path)
        except BaseException:
            with contextlib.suppress(Exception):
                await db.close()
            raise

    @classmethod
    async def _prepare(cls, db: aiosqlite.Connection, path: Path) -> Store:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA busy_timeout=5000")
        store = cls(db, path)
        await store._migrate()
        return store

    async def close(self) -> None:
        """Write the queued query rows and close; the connection is closed even if the
        last rows cannot be written."""
        self._closing = True
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        try:
            await self.flush_queries()
        finally:
            async with self._write:  # a flush already waiting for the lock finds it closed
                self._closed = True
                await self._db.close()

    async def _migrate(self) -> None:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self._db.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def integrity_ok(self) -> bool:
        async with self._db.execute("PRAGMA integrity_check") as cursor:
            row = await cursor.fetchone()
        return bool(row and row[0] == "ok")

    # ------------------------------------------------------------ generations

    async def current_generation(self) -> Generation | None:
        """The generation that answers questions, if any."""
        sql = ("SELECT g.id, g.corpus_hash, g.documents, g.passages, g.created_at "
               "FROM meta m JOIN generations g ON g.id = CAST(m.value AS INTEGER) "
               "WHERE m.key = 'current_generation'")
        async with self._db.execute(sql) as cursor:
            row = await cursor.fetchone()
        return Generation(*row) if row else None

    async def get_meta(self, key: str) -> str | None:
        """A small persistent setting (e.g. a front end's checkpoint), or None."""
        async with self._db.execute("SELECT value FROM meta WHERE key=?", (key,)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self._write:
            await self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
            await self._db.commit()

    async def new_generation(self, corpus_hash: str) -> int:
        """Reserve a generation id (status 'building')."""
        async with self._write:
            cursor = await self._db.execute(
                "INSERT INTO generations (created_at, status, corpus_hash) "
                "VALUES (?, 'building', ?)", (time.time(), corpus_hash))
            await self._db.commit()
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def publish_generation(self, generation: int, documents: Sequence[DocumentRow],
                                 sections: Iterable[tuple[str, int, str, str]],
                                 chunks: Sequence[Chunk]) -> None:
        """Write a generation's rows and make it current, in one transaction."""
        async with self._write:
            await self._publish(generation, documents, sections, chunks)

    async def _publish(self, generation: int, documents: Sequence[DocumentRow],
                       sections: Iterable[tuple[str, int, str, str]],
                       chunks: Sequence[Chunk]) -> None:
        db = self._db
        try:
            await db.execute("BEGIN")
            await self._insert_rows(generation, documents, sections, chunks, 0)
            await db.execute(
                "UPDATE generations SET status='ready', documents=?, passages=? WHERE id=?",
                (len(documents), len(chunks), generation))
            await db.execute("INSERT OR REPLACE INTO meta VALUES ('current_generation', ?)",
                             (str(generation),))
            await db.commit()
        except BaseException:
            await db.rollback()
            raise

    async def publish_incremental(self, generation: int, base: int,
                                  documents: Sequence[DocumentRow],
                                  sections: Iterable[tuple[str, int, str, str]],
                                  chunks: Sequence[Chunk], removed: Collection[str]) -> None:
        """Publish a generation made of `base`'s rows without the `removed` documents (their
        passages stay, as tombstones keeping the ordinals), plus new documents whose
        passages follow base's; one transaction, as publish_generation (#13)."""
        async with self._write:
            await self._publish_incremental(generation, base, documents, sections, chunks,
                                            removed)

    async def _publish_incremental(self, generation: int, base: int,
                                   documents: Sequence[DocumentRow],
                                   sections: Iterable[tuple[str, int, str, str]],
                                   chunks: Sequence[Chunk], removed: Collection[str]) -> None:
        db = self._db
        gone = json.dumps(sorted(removed))
        try:
            await db.execute("BEGIN")
            await db.execute(
                f"INSERT INTO documents (generation, {_DOCUMENT_COLUMNS}) SELECT ?, "
                f"{_DOCUMENT_COLUMNS} FROM documents WHERE generation=? "
                "AND doc_key NOT IN (SELECT value FROM json_each(?))", (generation, base, gone))
            await db.execute(
                "INSERT INTO sections SELECT ?, doc_key, idx, heading, text FROM sections "
                "WHERE generation=? AND doc_key NOT IN (SELECT value FROM json_each(?))",
                (generation, base, gone))
            await db.execute(
                "INSERT INTO passages (generation, ordinal, chunk_id, doc_key, paragraph, "
                "section_idx, text, urls, event_dates) SELECT ?, ordinal, chunk_id, doc_key, "
                "paragraph, section_idx, text, urls, event_dates FROM passages "
                "WHERE generation=?", (generation, base))
            cursor = await db.execute("SELECT COUNT(*) FROM passages WHERE generation=?",
                                      (generation,))
            row = await cursor.fetchone()
            first = int(row[0]) if row else 0
            await self._insert_rows(generation, documents, sections, chunks, first)
            await db.execute(
                "UPDATE generations SET status='ready', documents=(SELECT COUNT(*) FROM "
                "documents WHERE generation=?), passages=? WHERE id=?",
                (generation, first + len(chunks), generation))
            await db.execute("INSERT OR REPLACE INTO meta VALUES ('current_generation', ?)",
                             (str(generation),))
            await db.commit()
        except BaseException:
            await db.rollback()
            raise

    async def _insert_rows(self, generation: int, documents: Sequence[DocumentRow],
                           sections: Iterable[tuple[str, int, str, str]],
                           chunks: Sequence[Chunk], first_ordinal: int) -> None:
        db = self._db
        await db.executemany(
            f"INSERT INTO documents (generation, {_DOCUMENT_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_document_values(generation, d) for d in documents])
        await db.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?)",
                             [(generation, *s) for s in sections])
        await db.executemany(
            "INSERT INTO passages (generation, ordinal, chunk_id, doc_key, paragraph, "
            "section_idx, text, urls, event_dates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(generation, first_ordinal + i, c.chunk_id, c.doc_key, c.paragraph,
              c.section_index, c.text, json.dumps(c.urls), json.dumps(c.event_dates))
             for i, c in enumerate(chunks)])

    async def discard_generation(self, generation: int) -> None:
        """Forget a generation's rows (a failed build or a retired one)."""
        async with self._write:
            for table in ("documents", "sections", "passages"):
                await self._db.execute(f"DELETE FROM {table} WHERE generation=?", (generation,))
            await self._db.execute("DELETE FROM generations WHERE id=?", (generation,))
            await self._db.commit()

    async def unpublished_generation_ids(self) -> list[int]:
        """Generations whose build never finished (or is under way in another process)."""
        sql = "SELECT id FROM generations WHERE status != 'ready' ORDER BY id"
        async with self._db.execute(sql) as cursor:
            return [int(row[0]) async for row in cursor]

    async def set_citation(self, generation: int, row: DocumentRow) -> bool:
        """Replace a document's citation fields in a published generation (a moderator's
        fix, saved in its sidecar too, without a reindex); False if there is no such
        document."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE documents SET outlet=?, author=?, url=?, language=?, published=?, "
                "updated=?, provenance=? WHERE generation=? AND doc_key=?",
                (row.outlet, row.author, row.url, row.language, row.published, row.updated,
                 row.provenance, generation, row.doc_key))
            await self._db.commit()
        return cursor.rowcount > 0

    async def set_corpus_hash(self, generation: int, corpus_hash: str) -> None:
        """Record that a generation matches the corpus as it now is (after a /cite wrote a
        sidecar), so the next start does not rebuild it and other processes reload it."""
        async with self._write:
            await self._db.execute("UPDATE generations SET corpus_hash=? WHERE id=?",
                                   (corpus_hash, generation))
            await self._db.commit()

    async def generation_ids(self) -> list[int]:
        async with self._db.execute("SELECT id FROM generations ORDER BY id") as cursor:
            return [int(row[0]) async for row in cursor]

    async def documents(self, generation: int) -> list[DocumentRow]:
        sql = (f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE generation=? "
               "ORDER BY file, doc_key")
        async with self._db.execute(sql, (generation,)) as cursor:
            return [DocumentRow(*row) async for row in cursor]

    async def chunks(self, generation: int) -> list[Chunk]:
        """Passages of a generation in index order, with their document metadata; a
        removed document's passages (kept as tombstones, #13) have no file or title."""
        sql = ("SELECT p.chunk_id, p.doc_key, COALESCE(d.file, ''), COALESCE(d.title, ''), "
               "COALESCE(d.date, ''), COALESCE(s.heading, ''), p.section_idx, p.paragraph, "
               "p.text, p.urls, p.event_dates "
               "FROM passages p LEFT JOIN documents d ON d.generation = p.generation "
               "AND d.doc_key = p.doc_key LEFT JOIN sections s ON s.generation = p.generation "
               "AND s.doc_key = p.doc_key AND s.idx = p.section_idx "
               "WHERE p.generation=? ORDER BY p.ordinal")
        async with self._db.execute(sql, (generation,)) as cursor:
            return [_chunk(row) async for row in cursor]

    async def section_text(self, generation: int, doc_key: str, index: int) -> str | None:
        sql = "SELECT text FROM sections WHERE generation=? AND doc_key=? AND idx=?"
        async with self._db.execute(sql, (generation, doc_key, index)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    # ------------------------------------------------------------ logs

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
        if self._closing:
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
        async with self._write:
            if self._next_query_id < self._query_id_end:
                return  # another coroutine reserved a block meanwhile
            try:
                end = await self._reserve_in_database() if not self._closed else None
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
        await self._db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('next_query_id', "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM queries))")
        async with self._db.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + ? "
                "WHERE key = 'next_query_id' RETURNING CAST(value AS INTEGER)",
                (QUERY_ID_BLOCK,)) as cursor:
            rows = list(await cursor.fetchall())
        await self._db.commit()
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
        async with self._write:
            rows, self._pending_queries = self._pending_queries, []
            if self._closed or not rows:
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
        await self._db.executemany(_INSERT_QUERY, rows)
        await self._db.commit()

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
            await self._db.rollback()

    async def log_feedback(self, *, user_hash: str, query_id: int | None, chunk_id: str,
                           value: int) -> None:
        """One vote per user, query and passage: a new vote replaces the previous one."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE feedback SET value=?, ts=? WHERE user_hash=? AND query_id IS ? "
                "AND chunk_id=?", (value, time.time(), user_hash, query_id, chunk_id))
            if cursor.rowcount == 0:
                await self._db.execute(
                    "INSERT INTO feedback (ts, user_hash, query_id, chunk_id, value) "
                    "VALUES (?, ?, ?, ?, ?)", (time.time(), user_hash, query_id, chunk_id, value))
            await self._db.commit()

    async def query_chunk_ids(self, query_id: int) -> list[str] | None:
        """The passages a logged query answered with; None if there is no such query."""
        for row in self._pending_queries:
            if row[0] == query_id:
                return list(json.loads(str(row[4])))
        sql = "SELECT chunk_ids FROM queries WHERE id=?"
        async with self._db.execute(sql, (query_id,)) as cursor:
            found = await cursor.fetchone()
        return list(json.loads(found[0])) if found else None

    async def log_audit(self, *, user_hash: str, command: str, outcome: str) -> None:
        async with self._write:
            await self._db.execute(
                "INSERT INTO audit (ts, user_hash, command, outcome) VALUES (?, ?, ?, ?)",
                (time.time(), user_hash, command, outcome))
            await self._db.commit()

    async def audit_rows(self) -> list[tuple[float, str, str, str]]:
        sql = "SELECT ts, user_hash, command, outcome FROM audit ORDER BY id"
        async with self._db.execute(sql) as cursor:
            return [(float(r[0]), str(r[1]), str(r[2]), str(r[3])) async for r in cursor]

    async def feedback_rows(self) -> list[tuple[str, int]]:
        """(chunk id, vote) of every feedback row; chunk id "" is a vote on a whole answer."""
        async with self._db.execute("SELECT chunk_id, value FROM feedback ORDER BY id") as cursor:
            return [(str(r[0]), int(r[1])) async for r in cursor]

    async def prune_queries(self, keep_days: int) -> int:
        """Delete query rows older than `keep_days`; returns how many."""
        cutoff = time.time() - keep_days * 86400
        await self.flush_queries()
        async with self._write:
            cursor = await self._db.execute("DELETE FROM queries WHERE ts < ?", (cutoff,))
            await self._db.commit()
        return cursor.rowcount

    async def usage(self, since: float, top: int = 5) -> Usage:
        """Question, abstention and feedback counts for /stats."""
        await self.flush_queries()

        async def one(sql: str, *args: object) -> int:
            async with self._db.execute(sql, args) as cursor:
                row = await cursor.fetchone()
            return int(row[0] or 0) if row else 0

        asked = await one("SELECT COUNT(*) FROM queries WHERE ts >= ?", since)
        abstained = await one("SELECT SUM(abstained) FROM queries WHERE ts >= ?", since)
        up = await one("SELECT COUNT(*) FROM feedback WHERE value > 0")
        down = await one("SELECT COUNT(*) FROM feedback WHERE value < 0")
        sql = ("SELECT lower(trim(question)) q, COUNT(*) n FROM queries WHERE abstained=1 "
               "GROUP BY q ORDER BY n DESC, MAX(ts) DESC LIMIT ?")
        async with self._db.execute(sql, (top,)) as cursor:
            unanswered = tuple([(str(r[0]), int(r[1])) async for r in cursor])
        return Usage(asked, abstained, up, down, unanswered)
