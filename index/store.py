"""aiosqlite state: documents, passages and index generations. The database file is shared
with its owner (the bot), which brings its own tables as extra numbered migrations."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import aiosqlite

from index.chunk import Chunk, split_stored_heading

log = logging.getLogger(__name__)

MIGRATIONS: dict[int, str] = {
    # 1: corpus generations and their content
    1: """
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
    # 2, 3: the owner's (see Store.open)
    # 4: citation metadata (NULL = unknown; provenance: field -> where it came from, JSON)
    # and the dates each passage states about its events (JSON [[start, end], ...]) (#12)
    4: """
    ALTER TABLE documents ADD COLUMN outlet TEXT;
    ALTER TABLE documents ADD COLUMN author TEXT;
    ALTER TABLE documents ADD COLUMN url TEXT;
    ALTER TABLE documents ADD COLUMN language TEXT;
    ALTER TABLE documents ADD COLUMN published TEXT;
    ALTER TABLE documents ADD COLUMN updated TEXT;
    ALTER TABLE documents ADD COLUMN provenance TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE passages ADD COLUMN event_dates TEXT NOT NULL DEFAULT '[]';
    """,
    # 5: passages and sections are shared between generations (#13). Each generation that
    # writes passages writes them as a "piece" (keyed by its own id); a generation is the
    # list of pieces it reads, in ordinal order (`pieces`), so an /add writes only its own
    # rows. A document row knows the piece holding its passages and sections, and how many
    # passages it has. Existing generations become one piece each.
    5: """
    ALTER TABLE passages RENAME COLUMN generation TO piece;
    ALTER TABLE sections RENAME COLUMN generation TO piece;
    ALTER TABLE documents ADD COLUMN piece INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN passages INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX passages_by_doc ON passages (piece, doc_key);
    UPDATE documents SET piece = generation;
    UPDATE documents SET passages = (SELECT COUNT(*) FROM passages p
        WHERE p.piece = documents.piece AND p.doc_key = documents.doc_key);
    CREATE TABLE pieces (
        generation INTEGER NOT NULL, first_ordinal INTEGER NOT NULL, piece INTEGER NOT NULL,
        count INTEGER NOT NULL, PRIMARY KEY (generation, first_ordinal));
    CREATE INDEX pieces_by_piece ON pieces (piece);
    INSERT INTO pieces SELECT id, 0, id, passages FROM generations WHERE passages > 0;
    CREATE TABLE retired_pieces (piece INTEGER PRIMARY KEY, retired_at REAL NOT NULL);
    """,
}


# How long the passages of a retired generation stay readable by processes still answering
# from it (they switch at their next refresh, `data.refresh_seconds`).
RETIRED_KEPT_SECONDS = 600.0


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


_DOCUMENT_COLUMNS = ("doc_key, file, title, date, sha256, outlet, author, url, language, "
                     "published, updated, provenance")
_STORED_DOCUMENT_COLUMNS = f"{_DOCUMENT_COLUMNS}, piece, passages"  # + where its rows are


def _chunk(row: Sequence[Any]) -> Chunk:
    heading, related = split_stored_heading(str(row[5]))
    return Chunk(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), heading,
                 int(row[6]), int(row[7]), str(row[8]), tuple(json.loads(row[9])),
                 tuple((str(s), str(e)) for s, e in json.loads(row[10])), related)


def _document_values(generation: int, d: DocumentRow) -> tuple[object, ...]:
    return (generation, d.doc_key, d.file, d.title, d.date, d.sha256, d.outlet, d.author,
            d.url, d.language, d.published, d.updated, d.provenance)


def _all_migrations(owner: Mapping[int, str]) -> tuple[str, ...]:
    """Our migrations and the owner's as one sequence numbered from 1."""
    overlap = sorted(MIGRATIONS.keys() & owner.keys())
    if overlap:
        raise ValueError(f"migration numbers used twice: {overlap}")
    merged = {**MIGRATIONS, **owner}
    if sorted(merged) != list(range(1, len(merged) + 1)):
        raise ValueError(f"migration numbers leave a gap: {sorted(merged)}")
    return tuple(merged[number] for number in sorted(merged))


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
        self._before_close: list[Callable[[], Awaitable[None]]] = []
        self.closing = False
        self.closed = False

    @property
    def db(self) -> aiosqlite.Connection:
        """The shared connection, for the owner's own tables."""
        return self._db

    @property
    def write_lock(self) -> asyncio.Lock:
        """Taken by every write on the connection, the owner's included."""
        return self._write

    def before_close(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` (e.g. write queued rows) when close() starts."""
        self._before_close.append(hook)

    @classmethod
    async def open(cls, path: Path, owner_migrations: Mapping[int, str] | None = None
                   ) -> Store:
        """Open or create the database and apply pending migrations: ours and the owner's,
        in number order (numbers may neither repeat nor leave a gap). On failure (a damaged
        file, a full disk) the connection is closed again: its thread would keep the process
        alive."""
        migrations = _all_migrations(owner_migrations or {})
        _private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        db = await aiosqlite.connect(path)
        try:
            return await cls._prepare(db, path, migrations)
        except BaseException:
            with contextlib.suppress(Exception):
                await db.close()
            raise

    @classmethod
    async def _prepare(cls, db: aiosqlite.Connection, path: Path,
                       migrations: Sequence[str]) -> Store:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA busy_timeout=5000")
        store = cls(db, path)
        await store._migrate(migrations)
        return store

    async def close(self) -> None:
        """Run the before-close hooks and close; the connection is closed even if a hook
        fails."""
        self.closing = True
        try:
            for hook in self._before_close:
                await hook()
        finally:
            async with self._write:  # a write already waiting for the lock finds it closed
                self.closed = True
                await self._db.close()

    async def _migrate(self, migrations: Sequence[str]) -> None:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(migrations[version:], start=version + 1):
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
            await self._insert_piece(generation, documents, sections, chunks, 0)
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
        """Publish a generation made of `base`'s passages (shared, not copied: `base`'s
        pieces) without the `removed` documents (their passages stay, as tombstones keeping
        the ordinals), plus new documents whose passages follow base's, written as this
        generation's own piece; one transaction, as publish_generation (#13). Costs the
        new rows plus one row per document and piece of `base`, not per passage."""
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
                f"INSERT INTO documents (generation, {_STORED_DOCUMENT_COLUMNS}) SELECT ?, "
                f"{_STORED_DOCUMENT_COLUMNS} FROM documents WHERE generation=? "
                "AND doc_key NOT IN (SELECT value FROM json_each(?))", (generation, base, gone))
            await db.execute("INSERT INTO pieces SELECT ?, first_ordinal, piece, count "
                             "FROM pieces WHERE generation=?", (generation, base))
            first = await self._passage_count(base)
            await self._insert_piece(generation, documents, sections, chunks, first)
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

    async def _passage_count(self, generation: int) -> int:
        """Passage ordinals of a published generation, tombstones included."""
        async with self._db.execute("SELECT passages FROM generations WHERE id=?",
                                    (generation,)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _insert_piece(self, generation: int, documents: Sequence[DocumentRow],
                            sections: Iterable[tuple[str, int, str, str]],
                            chunks: Sequence[Chunk], first_ordinal: int) -> None:
        """A generation's own rows: its documents, and its piece (the passages and sections
        it writes, keyed by its id), read from ordinal `first_ordinal` on."""
        db = self._db
        counts = Counter(c.doc_key for c in chunks)
        await db.executemany(
            f"INSERT INTO documents (generation, {_STORED_DOCUMENT_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*_document_values(generation, d), generation, counts[d.doc_key])
             for d in documents])
        await db.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?)",
                             [(generation, *s) for s in sections])
        await db.executemany(
            "INSERT INTO passages (piece, ordinal, chunk_id, doc_key, paragraph, "
            "section_idx, text, urls, event_dates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(generation, i, c.chunk_id, c.doc_key, c.paragraph, c.section_index, c.text,
              json.dumps(c.urls), json.dumps(c.event_dates)) for i, c in enumerate(chunks)])
        if chunks:
            await db.execute("INSERT INTO pieces VALUES (?, ?, ?, ?)",
                             (generation, first_ordinal, generation, len(chunks)))

    async def discard_generation(self, generation: int) -> None:
        """Forget a generation (a failed build or a retired one): its rows now; the pieces
        of passages no other generation reads any more RETIRED_KEPT_SECONDS later (another
        process may answer from the generation until its next refresh)."""
        db = self._db
        async with self._write:
            async with db.execute("SELECT piece FROM pieces WHERE generation=?",
                                  (generation,)) as cursor:
                pieces = {int(row[0]) async for row in cursor} | {generation}
            for table in ("documents", "pieces"):
                await db.execute(f"DELETE FROM {table} WHERE generation=?", (generation,))
            await db.executemany(
                "INSERT OR REPLACE INTO retired_pieces SELECT ?, ? WHERE NOT EXISTS "
                "(SELECT 1 FROM pieces WHERE piece=?)",
                [(piece, time.time(), piece) for piece in sorted(pieces)])
            await self._purge_retired_pieces()
            await db.execute("DELETE FROM generations WHERE id=?", (generation,))
            await db.commit()

    async def _purge_retired_pieces(self) -> None:
        """Delete the rows of pieces retired long enough ago that no generation reads."""
        db = self._db
        sql = ("SELECT piece FROM retired_pieces WHERE retired_at <= ? AND piece NOT IN "
               "(SELECT piece FROM pieces)")
        async with db.execute(sql, (time.time() - RETIRED_KEPT_SECONDS,)) as cursor:
            expired = [int(row[0]) async for row in cursor]
        for piece in expired:
            for table in ("sections", "passages", "retired_pieces"):
                await db.execute(f"DELETE FROM {table} WHERE piece=?", (piece,))

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

    async def pieces(self, generation: int) -> list[Piece]:
        """Where a generation's passages are stored, in ordinal order."""
        sql = ("SELECT first_ordinal, piece, count FROM pieces WHERE generation=? "
               "ORDER BY first_ordinal")
        async with self._db.execute(sql, (generation,)) as cursor:
            return [Piece(*row) async for row in cursor]

    async def document_spans(self, generation: int) -> dict[str, DocumentSpan]:
        """doc key -> the piece holding the document's passages and how many it has."""
        sql = "SELECT doc_key, piece, passages FROM documents WHERE generation=?"
        async with self._db.execute(sql, (generation,)) as cursor:
            return {str(row[0]): DocumentSpan(int(row[1]), int(row[2])) async for row in cursor}

    async def chunks(self, generation: int) -> list[Chunk]:
        """Passages of a generation in index order, with their document metadata; a
        removed document's passages (kept as tombstones, #13) have no file or title."""
        sql = (f"SELECT {_PASSAGE_COLUMNS} FROM pieces g JOIN passages p ON p.piece = g.piece "
               f"{_PASSAGE_JOINS} WHERE g.generation=? ORDER BY g.first_ordinal, p.ordinal")
        async with self._db.execute(sql, (generation, generation)) as cursor:
            return [_chunk(row) async for row in cursor]

    async def section_text(self, generation: int, doc_key: str, index: int) -> str | None:
        sql = ("SELECT s.text FROM documents d JOIN sections s ON s.piece = d.piece AND "
               "s.doc_key = d.doc_key WHERE d.generation=? AND d.doc_key=? AND s.idx=?")
        async with self._db.execute(sql, (generation, doc_key, index)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None


# A passage row with its document's metadata (of the generation given as the first
# parameter; none for a tombstone) and its section's heading, as _chunk reads it.
_PASSAGE_COLUMNS = ("p.chunk_id, p.doc_key, COALESCE(d.file, ''), COALESCE(d.title, ''), "
                    "COALESCE(d.date, ''), COALESCE(s.heading, ''), p.section_idx, "
                    "p.paragraph, p.text, p.urls, p.event_dates")
_PASSAGE_JOINS = ("LEFT JOIN documents d ON d.generation = ? AND d.doc_key = p.doc_key "
                  "AND d.piece = p.piece LEFT JOIN sections s ON s.piece = p.piece "
                  "AND s.doc_key = p.doc_key AND s.idx = p.section_idx")


# A piece's passage rows as PassageReader gives them: _PASSAGE_COLUMNS without the
# document's file, title and date (the reading generation has them).
_PIECE_ROWS = ("SELECT p.chunk_id, p.doc_key, COALESCE(s.heading, ''), p.section_idx, "
               "p.paragraph, p.text, p.urls, p.event_dates FROM passages p LEFT JOIN "
               "sections s ON s.piece = p.piece AND s.doc_key = p.doc_key AND "
               "s.idx = p.section_idx")


@dataclass(frozen=True)
class Piece:
    """Passages `first_ordinal` .. + `count` of a generation: rows 0 .. `count` of piece
    `piece` (the generation that wrote them)."""

    first_ordinal: int
    piece: int
    count: int


@dataclass(frozen=True)
class DocumentSpan:
    piece: int
    passages: int


class PassageReader:
    """Reads passages of published generations on demand (#13), from any thread: one
    read-only connection per thread, to the database file the Store writes (WAL: readers
    see committed generations and never block the writer)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._closed = False

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            if self._closed:
                raise sqlite3.ProgrammingError("passage reader closed")
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.execute("PRAGMA query_only=1")
            with self._guard:
                self._opened.append(db)
            self._local.db = db
        return db

    def passage(self, piece: int, ordinal: int) -> Sequence[Any] | None:
        """Row `ordinal` of `piece` as _PASSAGE_COLUMNS without the document's file, title
        and date (the reader's generation has them); None if gone."""
        sql = f"{_PIECE_ROWS} WHERE p.piece=? AND p.ordinal=?"
        row: Sequence[Any] | None = self._db().execute(sql, (piece, ordinal)).fetchone()
        return row

    def piece_passages(self, piece: int) -> list[Sequence[Any]]:
        """Every row of `piece` in ordinal order, as `passage` gives one (a bulk read)."""
        sql = f"{_PIECE_ROWS} WHERE p.piece=? ORDER BY p.ordinal"
        return list(self._db().execute(sql, (piece,)))

    def ordinals_of_chunk(self, pieces: Sequence[int], chunk_id: str) -> list[tuple[int, int]]:
        """(piece, ordinal) of the rows with this chunk id in these pieces."""
        marks = ",".join("?" * len(pieces))
        sql = f"SELECT piece, ordinal FROM passages WHERE piece IN ({marks}) AND chunk_id=?"
        return [(int(a), int(b)) for a, b in self._db().execute(sql, (*pieces, chunk_id))]

    def ordinals_of_document(self, piece: int, doc_key: str) -> list[int]:
        """Ordinals (within `piece`) of a document's passages."""
        sql = "SELECT ordinal FROM passages WHERE piece=? AND doc_key=? ORDER BY ordinal"
        return [int(row[0]) for row in self._db().execute(sql, (piece, doc_key))]

    def close(self) -> None:
        with self._guard:
            self._closed = True
            opened, self._opened = self._opened, []
        for db in opened:
            with contextlib.suppress(sqlite3.Error):
                db.close()


_GONE = Chunk("", "", "", "", "", "", 0, 0, "")  # a row retired under a reader (see below)


class GenerationPassages(Sequence[Chunk]):
    """A published generation's passages by ordinal, read from the database on demand and
    kept in a bounded cache (#13): nothing per passage is loaded at start. Should another
    process retire the generation while this one still answers from it (before its next
    refresh), a vanished passage reads as an empty one rather than failing."""

    CACHED = 20_000

    def __init__(self, reader: PassageReader, generation: int, pieces: Sequence[Piece],
                 documents: Mapping[str, DocumentRow], *,
                 held: Sequence[Sequence[Any]] | None = None) -> None:
        self.reader = reader
        self.generation = generation
        self.pieces = tuple(pieces)
        self.documents = documents
        self._firsts = [p.first_ordinal for p in self.pieces]
        self._first_of = {p.piece: p.first_ordinal for p in self.pieces}
        self._piece_of = {p.piece: p for p in self.pieces}
        self._length = sum(p.count for p in self.pieces)
        self._cache: dict[int, Chunk] = {}
        self._held = held  # every row by ordinal, once hold() read them all

    @property
    def held(self) -> bool:
        """True once every passage is in memory: reading one never touches the database."""
        return self._held is not None

    def hold(self, previous: GenerationPassages | None = None) -> bool:
        """Read every passage into memory (a query per piece; a worker thread's job), so that
        no later read touches the database; False, holding nothing, if a piece is gone. The
        rows of pieces a held `previous` generation shares are taken from it, not read
        again: an /add reads only its own piece (a piece's rows never change)."""
        rows: list[Sequence[Any]] = []
        for piece in self.pieces:
            found = previous.held_rows(piece) if previous is not None else None
            if found is None:
                found = self.reader.piece_passages(piece.piece)
            if len(found) != piece.count:
                return False
            rows += found
        self._held = rows
        return True

    def held_rows(self, piece: Piece) -> Sequence[Sequence[Any]] | None:
        """The rows of `piece` if this generation holds them in memory, else None."""
        mine = self._piece_of.get(piece.piece)
        if self._held is None or mine is None or mine.count != piece.count:
            return None
        return self._held[mine.first_ordinal:mine.first_ordinal + mine.count]

    def with_documents(self, documents: Mapping[str, DocumentRow]) -> GenerationPassages:
        """The same passages with new document metadata (the cached ones carry the old)."""
        return GenerationPassages(self.reader, self.generation, self.pieces, documents,
                                  held=self._held)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Chunk: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | Sequence[Chunk]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        chunk = self._cache.get(index)
        if chunk is None:
            chunk = self._read(index)
            if len(self._cache) >= self.CACHED:
                self._cache.clear()
            self._cache[index] = chunk
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        """Every passage in index order, a piece at a time (one query per piece, not per
        passage: for the rare full pass, e.g. rebuilding a missing duplicate table)."""
        if self._held is not None:
            yield from (self._chunk_of(row) for row in self._held)
            return
        for piece in self.pieces:
            rows = self.reader.piece_passages(piece.piece)
            if len(rows) != piece.count:
                log.warning("piece %d of generation %d is gone (retired by another process?)",
                            piece.piece, self.generation)
                yield from (self[piece.first_ordinal + i] for i in range(piece.count))
                continue
            yield from (self._chunk_of(row) for row in rows)

    def _read(self, index: int) -> Chunk:
        if self._held is not None:
            return self._chunk_of(self._held[index])
        piece = self.pieces[bisect.bisect_right(self._firsts, index) - 1]
        row = self.reader.passage(piece.piece, index - piece.first_ordinal)
        if row is None:
            log.warning("passage %d of generation %d is gone (retired by another process?)",
                        index, self.generation)
            return _GONE
        return self._chunk_of(row)

    def _chunk_of(self, row: Sequence[Any]) -> Chunk:
        document = self.documents.get(row[1])
        if document is None:  # a removed document's passage (a tombstone)
            return _chunk((row[0], row[1], "", "", "", *row[2:]))
        return _chunk((row[0], row[1], document.file, document.title, document.date,
                       *row[2:]))

    def ordinals_of_chunk(self, chunk_id: str) -> list[int]:
        """Ordinals holding this chunk id (a removed and re-added document's twice)."""
        found = self.reader.ordinals_of_chunk(list(self._first_of), chunk_id)
        return sorted(self._first_of[piece] + ordinal for piece, ordinal in found)

    def ordinals_of_document(self, doc_key: str, span: DocumentSpan) -> list[int]:
        """Ordinals of a live document's passages."""
        first = self._first_of.get(span.piece)
        if first is None:
            return []
        return [first + o for o in self.reader.ordinals_of_document(span.piece, doc_key)]
