"""Transport-free core: question -> `Answer` with `Citation`s, plus corpus curation."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import hmac
import logging
import os
import re
import secrets
import shutil
import sqlite3
import time
import unicodedata
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot import texts
from bot.answer import (
    Answer,
    Citation,
    FullText,
    LeadQuote,
    Passage,
    ReindexResult,
    Rewrite,
    Source,
    Stats,
)
from bot.config import Config, ConfigError
from bot.duplicates import CorpusSignatures, Duplicate
from bot.usage import UsageLog, open_store
from index.analyze import STOPWORDS, analyze, highlight_spans, surface_forms
from index.build import (
    BM25Params,
    BuiltIndex,
    build_index,
    corpus_fingerprint,
    dated_chunks,
    document_row,
)
from index.chunk import Chunk, indexed_text, section_row
from index.citation import CitationRefused, remove_article, restore_sidecar, write_sidecar
from index.engine import BM25, IndexFormatError
from index.ingest import (
    EXTENSIONS,
    SkippedFile,
    corpus_files,
    decode,
    html_to_text,
    load_file,
    parse_document,
)
from index.lead import Lead, concept_weights, lead_for, select_lead
from index.lexicon import (
    AliasEntry,
    AliasLineRefused,
    AliasTable,
    bundled_aliases,
    check_links,
    fold_name,
    french_stopwords,
    load_aliases,
    parse_alias_line,
    read_alias_file,
)
from index.progress import PUBLISHING, Reporter
from index.progress import Progress as Progress  # front ends import it from here
from index.query import Query
from index.rank import ABSTAIN_EMPTY, ABSTAIN_NO_MATCH, Ranking, RankParams, rank
from index.reasons import Refused, reason
from index.store import (
    DocumentRow,
    DocumentSpan,
    Generation,
    GenerationPassages,
    PassageReader,
    Store,
)
from index.understand import prepare as prepare_understanding
from index.understand import understand
from index.vocabulary import (
    SPELLING_FILE,
    Vocabulary,
    load_spelling_keys,
    load_surface_forms,
    save_spelling_keys,
    save_surface_forms,
)

log = logging.getLogger(__name__)
# Progress: (done, total), called from a worker thread; a callback that also takes a
# `stage` keyword hears each stage of the build (index/progress.py).

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$")
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                       *(f"lpt{i}" for i in range(1, 10))})


class ReindexBusy(RuntimeError):
    """A reindex is already running."""


class DocumentRejected(ValueError):
    """An added or removed document was refused: `reason` (a catalogue id and its values,
    bot/texts.py) says why in any interface language; the message is its English."""

    def __init__(self, code: str, /, **fields: object) -> None:
        self.reason = reason(code, **fields)
        super().__init__(texts.told(self.reason))

    @classmethod
    def of(cls, refused: Refused) -> DocumentRejected:
        """The refusal of a file, citation or alias line by index/, for the moderator."""
        return cls(refused.reason.code, **refused.reason.fields)


class CorpusUnavailable(DocumentRejected):
    """The corpus folder is missing or holds no usable document: a reindex would replace a
    non-empty index with an empty one, so it is refused and the previous index keeps answering."""


@dataclass(frozen=True)
class Snapshot:
    """One immutable index generation: every answer reads exactly one snapshot. Passages
    are read on demand (`chunks`, a GenerationPassages once published, #13); documents,
    the engine's arrays (memory-mapped) and the vocabulary are held."""

    generation: int
    corpus_hash: str
    engine: BM25 | None
    chunks: Sequence[Chunk]
    documents: tuple[DocumentRow, ...]
    spans: Mapping[str, DocumentSpan]  # doc key -> where its passages are, how many
    vocabulary: Vocabulary
    _terms: dict[int, frozenset[str]] = field(default_factory=dict, compare=False)
    by_key: dict[str, DocumentRow] = field(default_factory=dict, compare=False)
    _title_names: list[tuple[str, ...]] = field(default_factory=list, compare=False)

    def citation_of(self, index: int) -> Citation:
        """The citation of passage `index`, with its document's metadata."""
        chunk = self.chunks[index]
        return _citation(chunk, self.by_key.get(chunk.doc_key))

    def terms_of(self, index: int) -> frozenset[str]:
        """Distinct terms of a passage as indexed (cached; bounded)."""
        terms = self._terms.get(index)
        if terms is None:
            if len(self._terms) > 200_000:
                self._terms.clear()
            terms = frozenset(analyze(indexed_text(self.chunks[index])))
            self._terms[index] = terms
        return terms

    def with_documents(self, documents: list[DocumentRow], corpus_hash: str) -> Snapshot:
        """The same passages and engine with new citation metadata (after /cite)."""
        by_key = {d.doc_key: d for d in documents}
        chunks = self.chunks
        if isinstance(chunks, GenerationPassages):  # cached passages hold the old metadata
            chunks = chunks.with_documents(by_key)
        return replace(self, corpus_hash=corpus_hash, chunks=chunks,
                       documents=tuple(documents), by_key=by_key, _terms={}, _title_names=[])

    def title_names(self) -> tuple[str, ...]:
        """Index terms written with a capital in documents' titles, most titles first
        (`most_common_first`): computed once per snapshot, not per unanswered question."""
        if not self._title_names:
            self._title_names.append(tuple(most_common_first(_title_names(self))))
        return self._title_names[0]

    # The PassageView that index.rank reads.
    def doc_key_of(self, index: int) -> str:
        return self.chunks[index].doc_key

    def date_of(self, index: int) -> str:
        return self.chunks[index].date

    def heading_of(self, index: int) -> str:
        return self.chunks[index].section

    def text_of(self, index: int) -> str:
        return self.chunks[index].text

    @property
    def passages(self) -> int:
        """Live passages (a removed document's stay as tombstones until a reindex, #13)."""
        return self.engine.n_docs if self.engine is not None else 0

    def live_chunks(self) -> list[Chunk]:
        """The passages of live documents, in index order: a full read of the store (a
        query per piece), only for rebuilding a missing duplicate table (bot/duplicates.py)."""
        live = self.engine.live.tolist() if self.engine is not None else None
        return [c for i, c in enumerate(self.chunks) if live is None or live[i]]

    def ordinal_of(self, chunk_id: str) -> int | None:
        """The live passage with this chunk id, if any."""
        chunks = self.chunks
        if isinstance(chunks, GenerationPassages):
            ordinals = chunks.ordinals_of_chunk(chunk_id)
        else:
            ordinals = [i for i, c in enumerate(chunks) if c.chunk_id == chunk_id]
        live = self.engine.live if self.engine is not None else None
        return next((i for i in ordinals if live is None or live[i]), None)

    def ordinals_of_documents(self, keys: Collection[str]) -> list[int]:
        """Ordinals of the live passages of these documents."""
        chunks = self.chunks
        if isinstance(chunks, GenerationPassages):
            found = [i for key in keys if (span := self.spans.get(key)) is not None
                     for i in chunks.ordinals_of_document(key, span)]
        else:
            found = [i for i, c in enumerate(chunks) if c.doc_key in keys]
        live = self.engine.live if self.engine is not None else None
        return [i for i in found if live is None or live[i]]

    @classmethod
    def of(cls, generation: int, corpus_hash: str, engine: BM25 | None,
           chunks: Sequence[Chunk], documents: Sequence[DocumentRow],
           spans: Mapping[str, DocumentSpan] | None = None,
           surface: Mapping[str, str] | None = None,
           vocabulary: Vocabulary | None = None) -> Snapshot:
        """A generation's snapshot. Unless `vocabulary` is given, the vocabulary's fuzzy
        tables are not built here: the first misspelt question, or `warm()` in the
        background, builds them (O(terms))."""
        if vocabulary is None:
            vocabulary = (Vocabulary.from_engine(engine, surface)
                          if engine is not None else Vocabulary({}, 0))
        return cls(generation, corpus_hash, engine, chunks, tuple(documents), spans or {},
                   vocabulary, by_key={d.doc_key: d for d in documents})


def hash_user(salt: bytes, user: str) -> str:
    """Salted hash of a platform user id; the raw id is never stored."""
    return hmac.new(salt, user.encode(), hashlib.sha256).hexdigest()[:24]


SALT_BYTES = 32  # shorter salts (an empty file, say) would let raw ids be enumerated


def load_salt(path: Path) -> bytes:
    """The secret salt for user hashes (`logging.salt_file`), created on first use. A salt
    shorter than SALT_BYTES is replaced by a new one, with a WARNING: hashes stored with it
    no longer match, which beats hashes that barely hide the ids. Raises StartupError."""
    try:
        return _read_or_create_salt(path)
    except IsADirectoryError:
        raise StartupError(f"logging.salt_file: {path} is a folder; name a file there "
                           "(it is created on first start)") from None
    except OSError as exc:
        raise StartupError(f"logging.salt_file: {path}: {_reason(exc)}") from None


def _read_or_create_salt(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        salt = path.read_bytes()
    except FileNotFoundError:
        return _new_salt(path, replace=False)
    if len(salt) >= SALT_BYTES:
        return salt
    log.warning("logging.salt_file %s holds %d bytes, fewer than %d: replacing it with a new "
                "salt; user hashes stored before no longer match", path, len(salt), SALT_BYTES)
    return _new_salt(path, replace=True)


def _new_salt(path: Path, *, replace: bool) -> bytes:
    """Write a random salt to a temporary file, fsync it, then link it into place. A link
    never overwrites, so of two processes starting at once the second reads the first's
    salt. `replace` swaps out a short salt instead (under the data folder lock)."""
    salt = secrets.token_bytes(SALT_BYTES)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(salt)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    except FileExistsError:
        return _read_or_create_salt(path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_folder(path.parent)
    return salt


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    """The operator-facing cause of an OS or SQLite error, on one line."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join(text.split()) or type(exc).__name__


_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO})


def _disk_hint(exc: BaseException) -> str:
    """" (is the disk full?)" for the errors a full disk causes; else the file involved."""
    if isinstance(exc, OSError) and exc.errno not in _DISK_ERRNOS:
        return f" ({exc.filename})" if exc.filename else ""
    name = getattr(exc, "sqlite_errorname", "")
    if isinstance(exc, OSError) or name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
        return " (is the disk full?)"
    return ""


async def _outcome_of(task: asyncio.Task[None]) -> BaseException | None:
    """Wait for `task` to end; its exception (retrieved, so never logged as lost), if any.
    A cancellation of the caller while waiting still propagates."""
    await asyncio.wait([task])
    return None if task.cancelled() else task.exception()


def _check_corpus_dir(config: Config) -> None:
    if not config.corpus_dir.is_dir():
        raise StartupError(f"corpus.dir: {config.corpus_dir} is not a folder (missing, "
                           "renamed or not mounted?); fix the config or create the folder")


async def _open_store(path: Path) -> Store:
    try:
        return await open_store(path)
    except (OSError, sqlite3.Error) as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            advice = ("move the damaged file away and start again (the index is rebuilt "
                      "from the corpus; query logs and feedback are lost)")
        else:
            advice = "is the disk full, or the folder not writable?"
        raise StartupError(f"database {path}: {_reason(exc)}; {advice}") from None


ANSWER_VOTE = ""  # the feedback table's chunk id for a vote on a whole answer (#12)


def _citation(chunk: Chunk, document: DocumentRow | None) -> Citation:
    known = document or DocumentRow(chunk.doc_key, chunk.file, chunk.title, chunk.date, "")
    return Citation(chunk.title, chunk.file, chunk.paragraph, chunk.section, chunk.date,
                    chunk.urls, outlet=known.outlet or "", published=known.published or "",
                    updated=known.updated or "", author=known.author or "",
                    url=known.url or "", language=known.language or "",
                    event_dates=chunk.event_dates)


CITE_KEYS = ("outlet", "date", "updated", "author", "url", "language")


def _document_citation(document: DocumentRow) -> Citation:
    return Citation(document.title, document.file, 1, date=document.date,
                    outlet=document.outlet or "", published=document.published or "",
                    updated=document.updated or "", author=document.author or "",
                    url=document.url or "", language=document.language or "")


_WORD = re.compile(r"[^\W\d_]{4,}")
MAX_SUGGESTIONS = 3


def _suggestions(snapshot: Snapshot, question: str) -> tuple[str, ...]:
    """Up to three names to try when nothing was found (#12): the corpus names spelt
    nearest the question's words, then the names most documents' titles carry."""
    vocabulary = snapshot.vocabulary
    found: dict[str, str] = {}
    for word in _WORD.findall(question[:500]):
        term = vocabulary.closest(word.casefold())
        if term is not None:
            found.setdefault(term, vocabulary.surface_of(term))
    askable = [name for name in found.values() if _is_askable(name)]
    for term in snapshot.title_names():
        if len(askable) >= MAX_SUGGESTIONS:
            break
        if term not in found:
            found[term] = name = vocabulary.surface_of(term)
            if _is_askable(name):
                askable.append(name)
    return tuple(askable[:MAX_SUGGESTIONS])


def _is_askable(name: str) -> bool:
    """A name (not a word) a suggestion button's payload can carry."""
    return name[:1].isupper() and _ASKABLE.fullmatch(name) is not None


_ASKABLE = re.compile(r"[A-Za-z0-9_-]{1,40}")  # what a button payload can carry


def most_common_first(counts: collections.Counter[str]) -> list[str]:
    """The keys by count, ties in alphabetical order: the same in every process (a
    Counter's own order of ties follows set iteration, which varies with the hash seed)."""
    return sorted(counts, key=lambda key: (-counts[key], key))


def _title_names(snapshot: Snapshot) -> collections.Counter[str]:
    """Index terms written with a capital in documents' titles, by how many titles."""
    counts: collections.Counter[str] = collections.Counter()
    for document in snapshot.documents:
        terms = {t for word in _WORD.findall(document.title) if word[:1].isupper()
                 for t in analyze(word) if t in snapshot.vocabulary}
        counts.update(terms)
    return counts


def _lead_quote(snapshot: Snapshot, query: Query, passages: Sequence[Passage]
                ) -> LeadQuote | None:
    """The lead quote (index.lead) of an answer's first page."""
    if snapshot.engine is None or not passages:
        return None
    lead = lead_for(query, snapshot.engine.idf, [p.text for p in passages])
    if lead is None:
        return None
    return LeadQuote(lead.passage_rank, lead.start, lead.end, lead.text, lead.truncated)


def validate_filename(name: str) -> str:
    """A safe corpus file name (no paths, hidden or reserved names), or DocumentRejected."""
    if "\x00" in name or "/" in name or "\\" in name or name in (".", ".."):
        raise DocumentRejected("name_with_folders")
    if not _SAFE_NAME.fullmatch(name):  # `$` alone lets a final newline through
        raise DocumentRejected("name_characters")
    stem, dot, ext = name.rpartition(".")
    if not dot or f".{ext.lower()}" not in EXTENSIONS:
        raise DocumentRejected("name_extension", extensions=", ".join(EXTENSIONS))
    if stem.split(".")[0].lower() in _RESERVED:
        raise DocumentRejected("name_reserved")
    return name


def _check_plain_name(name: str) -> None:
    """Refuse paths, `..` and hidden names: what /remove may never touch."""
    if (not name or "\x00" in name or "/" in name or "\\" in name
            or name.startswith(".")):
        raise DocumentRejected("name_as_listed")


def _corpus_file(folder: Path, name: str) -> Path:
    """The corpus document called `name`, exactly as /sources lists it (any characters, and
    either Unicode normal form), or DocumentRejected."""
    wanted = unicodedata.normalize("NFC", name)
    for path in corpus_files(folder):
        if unicodedata.normalize("NFC", path.name) == wanted:
            return path
    raise DocumentRejected("not_in_corpus", file=name)


class StartupError(RuntimeError):
    """The service cannot start; the message is one line for the operator, and nothing
    (database connection, lock) is left open."""


class DataDirBusy(StartupError):
    """Another conflictbot process is building an index in the data directory, and this
    one needs to build too (there is no index yet)."""


class WriterBusy(ReindexBusy):
    """Another conflictbot process kept the writer lock past `data.writer_wait_seconds`."""


WRITER_POLL_SECONDS = 0.05


class DataDirLock:
    """The writer lock of a data directory: an advisory `flock` on a file in it, taken only
    while curating (building and publishing a generation, recovering leftovers), so two
    builds never interleave while any number of processes read. The holder writes its pid
    and what it does into the file, for the message others see. The file stays open for
    the Service's life (a closed descriptor would drop the lock); flock is per descriptor,
    so two Services in one process exclude each other like two processes."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path
        self.held = False

    @classmethod
    def open(cls, folder: Path, name: str = "conflictbot.lock") -> DataDirLock:
        """Create the folder and lock file (not locked yet); StartupError if unwritable."""
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StartupError(f"data folder {folder}: cannot write there ({_reason(exc)}); "
                               "check data.path and the folder's owner and permissions"
                               ) from None
        return cls(fd, path)

    @classmethod
    def acquire(cls, folder: Path, doing: str = "using") -> DataDirLock:
        """Open and take the lock at once, or raise DataDirBusy naming the holder."""
        lock = cls.open(folder)
        if not lock.try_acquire(doing):
            message = lock.busy_message()
            lock.close()
            raise DataDirBusy(message)
        return lock

    def try_acquire(self, doing: str) -> bool:
        assert self._fd is not None and not self.held
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()} {doing}".encode(), 0)
        self.held = True
        return True

    async def wait(self, doing: str, seconds: float,
                   waiting: Callable[[str], None] | None = None) -> None:
        """Take the lock, polling for at most `seconds` (`waiting` is told once, with the
        holder's pid); raises WriterBusy when the time is up."""
        deadline = time.monotonic() + seconds
        told = False
        while not self.try_acquire(doing):
            if time.monotonic() >= deadline:
                raise WriterBusy(f"{self.busy_message()}; gave up after {seconds:g} s "
                                 "(data.writer_wait_seconds)")
            if waiting is not None and not told:
                waiting(f"{self.holder_text()}; waiting up to {seconds:g} s for it to finish")
                told = True
            await asyncio.sleep(WRITER_POLL_SECONDS)

    def holder_text(self) -> str:
        """"another conflictbot process (pid N) is reindexing <folder>"."""
        assert self._fd is not None
        pid, _, doing = os.pread(self._fd, 200, 0).decode(errors="replace").partition(" ")
        return (f"another conflictbot process (pid {pid.strip() or '?'}) is "
                f"{doing.strip() or 'using'} {self.path.parent}")

    def busy_message(self) -> str:
        return f"{self.holder_text()}; try again when it has finished"

    def release(self) -> None:
        if self._fd is not None and self.held:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self.held = False

    def close(self) -> None:
        if self._fd is not None:
            self.release()
            os.close(self._fd)
            self._fd = None


class Service:
    """Everything a chat front end needs, independent of any transport."""

    def __init__(self, config: Config, store: Store, salt: bytes) -> None:
        self.config = config
        self.store = store
        self.usage = UsageLog(store)
        self._salt = salt
        self._snapshot = Snapshot.of(0, "", None, (), ())
        self._reader = PassageReader(store.path)
        self._warming: set[asyncio.Task[Vocabulary]] = set()
        self._lock = asyncio.Lock()  # one curation at a time in this process
        self._writer: DataDirLock | None = None  # ... and across processes (set by open)
        self._alias_file_lock: DataDirLock | None = None
        self._refresher: asyncio.Task[None] | None = None
        self._aliases_stamp: tuple[int, int, int] | None = None
        self._closed = False
        self.aliases: AliasTable = bundled_aliases()  # bundled + operator file + /alias
        self._base_aliases = self.aliases
        self._added_aliases: tuple[AliasEntry, ...] = ()
        self._alias_lock = asyncio.Lock()
        self.bot_names: tuple[str, ...] = ()  # the bots' @handles, set by the front ends
        # duplicate detection at add time (#13)
        self._signatures = CorpusSignatures(config.db_path.parent / "signatures")

    @property
    def _index_root(self) -> Path:
        return self.config.db_path.parent / "index"

    def _fingerprint(self) -> str:
        """The corpus folder's fingerprint, reading only files changed since the last one
        (content hashes cached in the data folder, #13)."""
        return corpus_fingerprint(self.config.corpus_dir, self.config.corpus.max_file_bytes,
                                  cache_file=self._fingerprint_cache)

    @property
    def _fingerprint_cache(self) -> Path:
        return self.config.db_path.parent / "corpus-hashes.json"

    @property
    def _params(self) -> BM25Params:
        s = self.config.search
        return BM25Params(s.k1, s.b, s.epsilon)

    # ------------------------------------------------------------ lifecycle

    @classmethod
    async def open(cls, config: Config, progress: Progress | None = None, *,
                   build: bool = True) -> Service:
        """Open the store and serve the published generation, building the index on first
        use or when the corpus changed (unless another process is building it: then its
        generation is picked up when published). With build=False (a reindex follows),
        never build: serve the published generation as it is, or nothing. Raises
        StartupError (DataDirBusy if there is no index yet and another process kept building
        one past `data.writer_wait_seconds`); then nothing is left open, so the process can exit."""
        _check_corpus_dir(config)
        folder = config.db_path.parent
        writer = DataDirLock.open(folder)
        alias_file_lock: DataDirLock | None = None
        try:
            alias_file_lock = DataDirLock.open(folder, "aliases.lock")
            salt = load_salt(config.salt_path)
            store = await _open_store(config.db_path)
        except BaseException:
            for lock in (writer, alias_file_lock):
                if lock is not None:
                    lock.close()
            raise
        service = cls(config, store, salt)
        service._writer, service._alias_file_lock = writer, alias_file_lock
        try:
            await service._start(progress if build else None, build=build)
        except BaseException as exc:
            await service._close_after_failure()
            if isinstance(exc, OSError | sqlite3.Error):
                raise StartupError(f"cannot prepare the index in {config.db_path.parent}: "
                                   f"{_reason(exc)}{_disk_hint(exc)}") from exc
            raise
        service._refresher = asyncio.get_running_loop().create_task(service._keep_refreshing())
        return service

    async def _start(self, progress: Progress | None, *, build: bool = True) -> None:
        """Serve an index, loading meanwhile the dictionaries the first question needs
        (#13). A failed start reports its own error, never the dictionaries' (waited for
        and dropped); dictionaries that fail to load are a StartupError of their own."""
        preparing = asyncio.get_running_loop().create_task(
            asyncio.to_thread(prepare_understanding))
        try:
            await self._start_serving(progress, build=build)
        except BaseException:
            await _outcome_of(preparing)
            raise
        failure = await _outcome_of(preparing)
        if failure is not None:
            raise StartupError(f"cannot load the dictionaries bundled with conflictbot "
                               f"(simplemma's and index/data's): {_reason(failure)}; "
                               "reinstall conflictbot") from failure

    async def _start_serving(self, progress: Progress | None, *, build: bool) -> None:
        await asyncio.to_thread(self._load_aliases)
        if self.config.logging.keep_days:
            await self.usage.prune_queries(self.config.logging.keep_days)
        writer = self._writer
        assert writer is not None
        if not writer.try_acquire("preparing the index in"):
            current = await self.store.current_generation()
            if current is not None:  # another process is curating: serve what is published
                await self._serve_while_another_writes(current)
                return
            try:
                await writer.wait("building the first index in",
                                  self.config.data.writer_wait_seconds)
            except WriterBusy as exc:
                raise DataDirBusy(str(exc)) from None
        try:
            async with self._lock:
                await self._start_as_writer(progress, build=build)
        finally:
            writer.release()

    async def _start_as_writer(self, progress: Progress | None, *, build: bool = True
                               ) -> None:
        """Recover leftovers, then serve the published generation or build one."""
        current = await self.store.current_generation()
        await self._recover(current.id if current else None)
        if not build:
            if current is not None:
                await self._serve_until_rebuilt(current)
            return
        fingerprint = await asyncio.to_thread(self._fingerprint)
        if current and current.corpus_hash == fingerprint:
            try:
                self._snapshot = await self._load_snapshot(current.id, current.corpus_hash)
                return
            except (IndexFormatError, OSError) as exc:
                log.warning("saved index of generation %d unusable (%s); rebuilding",
                            current.id, exc)
        try:
            await self._rebuild(progress)
        except CorpusUnavailable:
            if current is None:
                raise
            await self._keep_serving(current.id, current.corpus_hash)

    async def _serve_until_rebuilt(self, current: Generation) -> None:
        """Serve the published generation, stale or not, until the reindex that follows."""
        try:
            self._snapshot = await self._load_snapshot(current.id, current.corpus_hash)
        except (IndexFormatError, OSError) as exc:
            log.warning("saved index of generation %d unusable (%s); the reindex replaces it",
                        current.id, exc)

    async def _serve_while_another_writes(self, current: Generation) -> None:
        """Start on the published generation; the other process's build, once published,
        is swapped in by the refresh task (so is a repair of a damaged saved index)."""
        try:
            self._snapshot = await self._load_snapshot(current.id, current.corpus_hash)
        except (IndexFormatError, OSError) as exc:
            log.warning("saved index of generation %d unusable (%s) while another process "
                        "curates the data folder: no answers until it publishes", current.id,
                        exc)

    async def _keep_serving(self, generation: int, corpus_hash: str) -> None:
        """Serve the published generation while the corpus folder is unusable (already
        logged): a vanished volume must not take the answers with it."""
        try:
            self._snapshot = await self._load_snapshot(generation, corpus_hash)
        except (IndexFormatError, OSError) as exc:
            log.warning("saved index of generation %d unusable (%s) and the corpus folder "
                        "too: no answers until the corpus folder is back", generation, exc)

    async def _load_snapshot(self, generation: int, corpus_hash: str,
                             expected: Generation | None = None) -> Snapshot:
        """A published generation's snapshot: its documents and the engine's arrays; the
        passages are read on demand. With `expected` (its row), rows retired by another
        process while they were read are detected (IndexFormatError)."""
        pieces = await self.store.pieces(generation)
        documents = await self.store.documents(generation)
        spans = await self.store.document_spans(generation)
        passages = GenerationPassages(self._reader, generation, pieces,
                                      {d.doc_key: d for d in documents})
        if expected is not None and (len(passages), len(documents)) != (expected.passages,
                                                                         expected.documents):
            raise IndexFormatError(f"generation {generation} was retired while loading")
        await asyncio.to_thread(_hold_if_small, passages, self._snapshot)
        path = self._index_root / f"gen-{generation}"
        engine = await asyncio.to_thread(BM25.load, path) if len(passages) else None
        if engine is not None and engine.n_slots != len(passages):
            raise IndexFormatError(f"{path}: {engine.n_slots} documents, "
                                   f"expected {len(passages)}")
        surface = await asyncio.to_thread(load_surface_forms, path)
        snapshot = await asyncio.to_thread(Snapshot.of, generation, corpus_hash, engine,
                                           passages, documents, spans, surface)
        self._warm_later(snapshot)
        return snapshot

    def _warm_later(self, snapshot: Snapshot) -> None:
        """Build the vocabulary's fuzzy tables in a worker thread, after the snapshot
        answers (a misspelt question before then builds them itself)."""
        if snapshot.engine is None or self._closed:
            return
        folder = self._index_root / f"gen-{snapshot.generation}"
        task = asyncio.get_running_loop().create_task(
            asyncio.to_thread(_warm_from, snapshot.vocabulary, folder))
        self._warming.add(task)
        task.add_done_callback(self._warming.discard)

    async def refresh(self) -> bool:
        """Swap in a generation another process published (never an older one), and reload
        the /alias file if another process changed it. True if the generation changed.
        Raises IndexFormatError or OSError if the new generation cannot be loaded (yet)."""
        await self._reload_aliases_if_changed()
        current = await self.store.current_generation()
        if current is not None and current.id == self._snapshot.generation:
            await self._reload_citations_if_changed(current)
        if current is None or current.id <= self._snapshot.generation:
            return False
        snapshot = await self._load_snapshot(current.id, current.corpus_hash, current)
        if snapshot.generation <= self._snapshot.generation:
            return False  # this process published a newer one meanwhile
        self._snapshot = snapshot
        log.info("now answering from generation %d (published by another process)",
                 snapshot.generation)
        return True

    async def _reload_citations_if_changed(self, current: Generation) -> None:
        """Another process's /cite changed this generation's citations (and its corpus
        hash): take its document rows."""
        snapshot = self._snapshot
        if current.corpus_hash == snapshot.corpus_hash:
            return
        documents = await self.store.documents(current.id)
        if self._snapshot is snapshot:
            self._snapshot = snapshot.with_documents(documents, current.corpus_hash)
            log.info("citations of generation %d changed in another process", current.id)

    async def cite(self, filename: str, changes: Mapping[str, str]) -> list[Citation]:
        """/cite: validate `changes`, write them into the document's sidecar and apply them to
        the live index without a reindex. Raises DocumentRejected (nothing changed)."""
        _check_plain_name(filename)
        unknown = sorted(set(changes) - set(CITE_KEYS))
        if unknown:
            raise DocumentRejected("cite_unknown_key", key=unknown[0], keys=", ".join(CITE_KEYS))
        folder, cap = self.config.corpus_dir, self.config.corpus.max_file_bytes
        async with self._lock, self._writing("citing a document in"):
            target = await asyncio.to_thread(_corpus_file, folder, filename)
            snapshot = self._snapshot
            if not any(d.file == target.name for d in snapshot.documents):
                raise DocumentRejected("not_indexed_yet", file=target.name)
            before = await asyncio.to_thread(self._fingerprint)
            try:
                await asyncio.to_thread(write_sidecar, target, changes)
            except CitationRefused as exc:
                raise DocumentRejected.of(exc) from None
            fresh = {row.doc_key: row for row in map(document_row, await asyncio.to_thread(
                load_file, target, cap))}
            documents = [fresh.get(d.doc_key, d) for d in snapshot.documents]
            for row in documents:
                if row.file == target.name:
                    await self.store.set_citation(snapshot.generation, row)
            fingerprint = await asyncio.to_thread(self._fingerprint)
            if before != snapshot.corpus_hash:  # other edits await a reindex: keep it due
                fingerprint = f"stale:{fingerprint}"
            await self.store.set_corpus_hash(snapshot.generation, fingerprint)
            self._snapshot = snapshot.with_documents(documents, fingerprint)
        return self.document_citations(target.name)

    async def _keep_refreshing(self) -> None:
        """Poll the published generation (one small query) every `data.refresh_seconds`."""
        failing = False
        while True:
            await asyncio.sleep(self.config.data.refresh_seconds)
            if self._writer is not None and self._writer.held:
                continue  # only this process can publish now, and it swaps that in itself
            try:
                await self.refresh()
                failing = False
            except (IndexFormatError, OSError, sqlite3.Error, ValueError) as exc:
                if not failing:  # one line per run of failures, not one a second
                    log.warning("cannot load the newest index generation yet: %s", exc)
                failing = True

    async def _recover(self, current: int | None) -> None:
        """Undo what a killed process left half done: unpublished generations, folders
        of no published generation, and documents parked by a /remove whose reindex never
        finished. Only called holding the writer lock, so no build is under way anywhere;
        published generations stay (another process may still answer from the previous)."""
        for generation in await self.store.unpublished_generation_ids():
            if generation != current:
                await self.store.discard_generation(generation)
        if current is not None:  # a writer killed between publishing and retiring
            older = [g for g in await self.store.generation_ids() if g < current]
            await self._retire_generations(keep={current, *older[-1:]})
        published = {f"gen-{g}" for g in await self.store.generation_ids()}
        for folder in self._index_root.glob("gen-*"):
            if folder.name not in published:
                shutil.rmtree(folder, ignore_errors=True)
        for stale in self.config.corpus_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)  # an /add killed mid-write; the document was never in
        indexed = {d.file for d in await self.store.documents(current)} if current else set()
        for parked in self.config.corpus_dir.glob(".removed-*"):
            original = parked.with_name(parked.name.removeprefix(".removed-"))
            if original.name in indexed and not original.exists():
                os.replace(parked, original)
                log.warning("restored %s: its removal did not finish", original.name)
            else:
                parked.unlink(missing_ok=True)

    async def _close_after_failure(self) -> None:
        """Close after a failed start; the start's error is the one worth reporting."""
        try:
            await self.close()
        except (OSError, sqlite3.Error) as exc:
            log.debug("closing after a failed start: %s", exc)

    async def close(self) -> None:
        """Stop refreshing, close the database and the lock files (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        if self._warming:
            await asyncio.gather(*self._warming, return_exceptions=True)
        self._reader.close()
        try:
            await self.store.close()
        finally:
            for lock in (self._writer, self._alias_file_lock):
                if lock is not None:
                    lock.close()

    @property
    def generation(self) -> int:
        return self._snapshot.generation

    # ------------------------------------------------------------ answering

    async def ask(self, question: str, *, user: str | None = None, offset: int = 0,
                  k: int | None = None, log: bool = True) -> Answer:
        """Answer a question. `user` is a platform-qualified raw id ("tg:42"); only its
        salted hash is stored. `offset` pages through results ("More")."""
        started = time.perf_counter()
        snapshot = self._snapshot
        k = k or self.config.search.top_k
        if _searches_inline(snapshot, question):
            query, ranking, passages = self._search(snapshot, question, offset, k)
        else:
            query, ranking, passages = await asyncio.to_thread(
                self._search, snapshot, question, offset, k)
        lead = _lead_quote(snapshot, query, passages) if offset == 0 else None
        suggestions = (_suggestions(snapshot, question)
                       if not ranking.hits and ranking.reason != ABSTAIN_EMPTY else ())
        latency = (time.perf_counter() - started) * 1000
        total = len(ranking.hits)
        query_id = None
        if log and offset == 0 and self.config.logging.queries:
            query_id = await self.usage.log_query(
                user_hash=hash_user(self._salt, user or "anonymous"), question=question[:500],
                chunk_ids=[p.chunk_id for p in passages], abstained=not total,
                latency_ms=latency, generation=snapshot.generation)
        rewrites = tuple(Rewrite(r.kind, r.typed, r.searched) for r in query.rewrites)
        return Answer(question, passages, not total, offset, total, query_id, ranking.reason,
                      snapshot.generation, latency, rewrites, query.language,
                      ranking.unknown_names, lead, suggestions)

    def _search(self, snapshot: Snapshot, question: str, offset: int, k: int
                ) -> tuple[Query, Ranking, tuple[Passage, ...]]:
        """CPU part of answering (run in a worker thread): understanding, ranking and
        abstention (index.rank), highlights."""
        query = understand(question[:2000], snapshot.vocabulary, self.aliases,
                           bot_names=self.bot_names, today=dt.date.today())
        ranking = self._relevant(snapshot, query)
        highlight = [a.term for c in query.concepts for a in c.alternatives]
        passages = tuple(self._passage(snapshot, offset + i + 1, hit.index, hit.score, highlight)
                         for i, hit in enumerate(ranking.hits[offset:offset + k]))
        return query, ranking, passages

    def _relevant(self, snapshot: Snapshot, query: Query) -> Ranking:
        """The ranked passages that pass the abstention rules."""
        if snapshot.engine is None:
            return Ranking((), True, ABSTAIN_NO_MATCH)
        search = self.config.search
        return rank(query, snapshot.engine, snapshot, limit=search.max_results,
                    params=self.rank_params)

    @property
    def rank_params(self) -> RankParams:
        s = self.config.search
        return RankParams(min_score=s.min_score, min_matched_fraction=s.min_matched_fraction,
                          min_relative_score=s.min_relative_score,
                          date_boost=s.date_boost, recent_boost=s.recent_boost,
                          define_boost=s.define_boost, diversity_ratio=s.diversity_ratio)

    @staticmethod
    def _passage(snapshot: Snapshot, rank: int, index: int, score: float,
                 terms: list[str]) -> Passage:
        chunk = snapshot.chunks[index]
        spans = tuple(highlight_spans(chunk.text, terms))
        matched = tuple(sorted({chunk.text[a:b] for a, b in spans}, key=str.casefold))
        return Passage(rank, chunk.chunk_id, chunk.text, score, snapshot.citation_of(index),
                       spans, matched)

    def passage_leads(self, question: str, passages: Sequence[Passage], max_chars: int,
                      ) -> list[Lead | None]:
        """Per passage, the sentence(s) of it that best answer `question` (index.lead), for
        previews such as inline results; None where the index is empty."""
        groups = self._lead_groups(question)
        return [select_lead([p.text], groups, max_chars) if groups is not None else None
                for p in passages]

    def lead(self, question: str, passages: Sequence[Passage], max_chars: int) -> Lead | None:
        """The lead quote of an answer's passages (index.lead), or None."""
        groups = self._lead_groups(question)
        return select_lead([p.text for p in passages], groups, max_chars) if groups else None

    def _lead_groups(self, question: str) -> list[dict[str, tuple[float, float]]] | None:
        snapshot = self._snapshot
        if snapshot.engine is None:
            return None
        query = understand(question[:2000], snapshot.vocabulary, self.aliases,
                           bot_names=self.bot_names, today=dt.date.today())
        return concept_weights(query, snapshot.engine.idf)

    async def full_text(self, chunk_id: str) -> FullText | None:
        """The whole section a passage came from, or None if it is gone."""
        snapshot = self._snapshot
        index = await asyncio.to_thread(snapshot.ordinal_of, chunk_id)
        if index is None:
            return None
        chunk, citation = await asyncio.to_thread(  # a passage read may be a database read
            lambda: (snapshot.chunks[index], snapshot.citation_of(index)))
        text = await self.store.section_text(snapshot.generation, chunk.doc_key,
                                             chunk.section_index)
        return FullText(citation, text or chunk.text)

    async def feedback(self, *, user: str, chunk_id: str, value: int,
                       query_id: int | None = None,
                       shown: Collection[str] | None = None) -> bool:
        """Record 👍 (+1) or 👎 (-1) for a passage of an answer: one vote per user, answer and
        passage (a new vote replaces the old). The passage must be one the answer showed
        (`shown`, else the logged query's passages) and a query id must exist; otherwise
        nothing is recorded and the result is False."""
        logged = await self.usage.query_chunk_ids(query_id) if query_id is not None else None
        if query_id is not None and logged is None:
            return False
        if chunk_id not in (shown if shown is not None else logged or ()):
            return False
        await self.usage.log_feedback(user_hash=hash_user(self._salt, user), query_id=query_id,
                                      chunk_id=chunk_id[:64], value=1 if value > 0 else -1)
        return True

    async def answer_feedback(self, *, user: str, value: int, query_id: int | None) -> bool:
        """Record 👍 (+1) or 👎 (-1) for a whole answer (#12), stored as a vote on the empty
        chunk id: one per user and answer. False (nothing recorded) for an unknown query."""
        if query_id is not None and await self.usage.query_chunk_ids(query_id) is None:
            return False
        await self.usage.log_feedback(user_hash=hash_user(self._salt, user), query_id=query_id,
                                      chunk_id=ANSWER_VOTE, value=1 if value > 0 else -1)
        return True

    async def sources(self) -> list[Source]:
        """Documents of the current index generation."""
        snapshot = self._snapshot
        spans = snapshot.spans
        return [Source(d.file, d.title, spans[d.doc_key].passages if d.doc_key in spans else 0,
                       d.date) for d in snapshot.documents]

    def coverage(self) -> tuple[int, str, str, tuple[str, ...]]:
        """What the corpus covers: (files, first and last citation day (ISO, "" unknown),
        language codes)."""
        documents = self._snapshot.documents
        days = sorted(d.published or d.updated or "" for d in documents)
        days = [day for day in days if day]
        languages = tuple(sorted({d.language for d in documents if d.language}))
        return (len({d.file for d in documents}), days[0] if days else "",
                days[-1] if days else "", languages)

    def document_citations(self, filename: str) -> list[Citation]:
        """How `filename` is cited in the live index: one citation per article it holds."""
        return [_document_citation(d) for d in self._snapshot.documents if d.file == filename]

    def private_digest(self, text: str) -> str:
        """Salted hash of a text holding user or chat ids, safe to store (as `hash_user`)."""
        return hash_user(self._salt, text)

    async def checkpoint(self, name: str) -> str:
        """A front end's saved position (e.g. the last Telegram updates handled), "" if none."""
        return await self.store.get_meta(f"checkpoint:{name}") or ""

    async def save_checkpoint(self, name: str, value: str) -> None:
        """Remember a front end's position across restarts."""
        await self.store.set_meta(f"checkpoint:{name}", value)

    async def stats(self) -> Stats:
        """Corpus and usage figures."""
        snapshot = self._snapshot
        midnight = dt.datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        usage = await self.usage.usage(midnight.timestamp())
        rate = usage.abstained_today / usage.questions_today if usage.questions_today else 0.0
        return Stats(len(snapshot.documents), snapshot.passages, snapshot.generation,
                     usage.questions_today, rate, usage.feedback_up, usage.feedback_down,
                     usage.top_unanswered, self.usage.queries_not_logged)

    async def audit(self, *, user: str, command: str, outcome: str) -> None:
        """Record a moderator command (allowed or refused) with the user's salted hash."""
        await self.usage.log_audit(user_hash=hash_user(self._salt, user), command=command[:200],
                                   outcome=outcome[:200])

    # ------------------------------------------------------------ aliases

    @property
    def _added_aliases_path(self) -> Path:
        return self.config.db_path.parent / "aliases.yaml"

    def _load_aliases(self) -> None:
        """The bundled table, the operator's `search.aliases_file`, then the /alias file."""
        try:
            self._base_aliases = load_aliases(self.config.aliases_path)
            self._read_added_aliases()
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    def _read_added_aliases(self) -> None:
        """(Re)read <data folder>/aliases.yaml, which any process may have written."""
        added_path = self._added_aliases_path
        stamp = _file_stamp(added_path)
        added = read_alias_file(added_path) if stamp is not None else []
        table = self._base_aliases.with_extra(tuple(added))
        check_links(table, f"alias file {added_path}")
        self._use_added_aliases(tuple(added))
        self._aliases_stamp = stamp

    async def _reload_aliases_if_changed(self) -> None:
        if self._alias_lock.locked() or _file_stamp(self._added_aliases_path) == \
                self._aliases_stamp:
            return
        async with self._alias_lock:
            try:
                await asyncio.to_thread(self._read_added_aliases)
            except (ValueError, OSError) as exc:  # keep the aliases in effect; say it once
                self._aliases_stamp = _file_stamp(self._added_aliases_path)
                log.warning("alias file changed but not reloaded: %s", exc)

    def _use_added_aliases(self, added: tuple[AliasEntry, ...]) -> None:
        self._added_aliases = added
        self.aliases = self._base_aliases.with_extra(added)

    async def add_alias(self, text: str) -> AliasEntry:
        """`/alias NEW = KNOWN`: NEW becomes a name of KNOWN's entry (a new entry if KNOWN is
        unknown), saved to <data folder>/aliases.yaml and searched at once, without a
        reindex. Raises DocumentRejected with a message for the moderator."""
        try:
            new, known = parse_alias_line(text)
        except AliasLineRefused as exc:
            raise DocumentRejected.of(exc) from None
        async with self._alias_lock, self._alias_file_locked():
            if _file_stamp(self._added_aliases_path) != self._aliases_stamp:
                await asyncio.to_thread(self._read_added_aliases)  # another process's
            addition = self._alias_addition(new, known)
            added = _with_addition(self._added_aliases, addition)
            await asyncio.to_thread(_write_atomically, self._added_aliases_path,
                                    _dump_aliases(added))
            self._use_added_aliases(added)
            self._aliases_stamp = _file_stamp(self._added_aliases_path)
        entry = self.aliases.entry(addition.id)
        assert entry is not None
        return entry

    @contextlib.asynccontextmanager
    async def _alias_file_locked(self) -> AsyncIterator[None]:
        """The alias file's own writer lock (an /alias need not wait for a reindex)."""
        lock = self._alias_file_lock
        if lock is None:
            raise RuntimeError("Service not opened with Service.open")
        await lock.wait("adding an alias in", self.config.data.writer_wait_seconds)
        try:
            yield
        finally:
            lock.release()

    def _alias_addition(self, new: str, known: str) -> AliasEntry:
        """The entry to merge for one /alias, or DocumentRejected."""
        if fold_name(new) in french_stopwords() | STOPWORDS:
            raise DocumentRejected("alias_common_word", name=new)
        if sum(len(e.names) for e in self._added_aliases) >= MAX_ADDED_ALIASES:
            raise DocumentRejected("alias_too_many", count=MAX_ADDED_ALIASES)
        owner, target = self.aliases.lookup(new), self.aliases.lookup(known)
        if owner is not None and target is not None and owner.id == target.id:
            raise DocumentRejected("alias_same_entry", name=new, preferred=owner.preferred)
        if owner is not None:
            raise DocumentRejected("alias_taken", name=new, preferred=owner.preferred)
        if target is not None:
            return AliasEntry(target.id, target.kind, (new,))
        return AliasEntry(self._new_alias_id(known), "other", (known, new),
                          source=f"added with /alias on {dt.date.today().isoformat()}")

    def _new_alias_id(self, name: str) -> str:
        slug = f"added_{re.sub(r'[^a-z0-9]+', '_', fold_name(name)).strip('_')}"[:56]
        candidates = (slug, *(f"{slug}_{n}" for n in range(2, 10_000)))
        return next(c for c in candidates if self.aliases.entry(c) is None)

    def added_aliases(self) -> list[tuple[str, str]]:
        """(name, the name it stands for) of every alias added with /alias, oldest first."""
        pairs = []
        for added in self._added_aliases:
            entry = self.aliases.entry(added.id)
            preferred = entry.preferred if entry else added.preferred
            pairs += [(name, preferred) for name in added.names
                      if fold_name(name) != fold_name(preferred)]
        return pairs

    # ------------------------------------------------------------ curation

    @property
    def reindexing(self) -> bool:
        """True while a reindex or add/remove is rebuilding the index."""
        return self._lock.locked()

    async def reindex(self, progress: Progress | None = None,
                      waiting: Callable[[str], None] | None = None) -> ReindexResult:
        """Rebuild from the corpus folder into a new generation and swap it in atomically.
        Raises ReindexBusy if one runs in this process; waits for one in another process
        (`waiting` is told so, once), or raises WriterBusy after `data.writer_wait_seconds`.
        On failure the previous generation keeps answering."""
        if self._lock.locked():
            raise ReindexBusy("A reindex is already running.")
        async with self._lock, self._writing("reindexing", waiting):
            return await self._rebuild(progress)

    @contextlib.asynccontextmanager
    async def _writing(self, doing: str, waiting: Callable[[str], None] | None = None
                       ) -> AsyncIterator[None]:
        """Hold the writer lock (call with self._lock held): clear what a killed writer left,
        and start from the newest published generation, so that curation from several
        processes composes."""
        writer = self._writer
        if writer is None:
            raise RuntimeError("Service not opened with Service.open")
        await writer.wait(doing, self.config.data.writer_wait_seconds, waiting)
        try:
            current = await self.store.current_generation()
            await self._recover(current.id if current else None)
            await self.refresh()
            yield
        finally:
            writer.release()

    async def _rebuild(self, progress: Progress | None) -> ReindexResult:
        started = time.perf_counter()
        corpus, cap = self.config.corpus_dir, self.config.corpus.max_file_bytes
        report = Reporter(progress)
        built = await asyncio.to_thread(build_index, corpus, cap, self._params, report,
                                        self._fingerprint_cache)
        publishing = report.stage(PUBLISHING, 1)
        if not built.documents:
            await self._refuse_empty_over_published(len(built.skipped))
        generation = await self.store.new_generation(built.corpus_hash)
        path = self._index_root / f"gen-{generation}"
        self._index_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._index_root.chmod(0o700)  # older versions left it 0755
        try:
            vocabulary = await asyncio.to_thread(_save_engine, built, path)
            await self.store.publish_generation(generation, built.documents, built.sections,
                                                built.chunks)
        except BaseException:
            await self.store.discard_generation(generation)
            shutil.rmtree(path, ignore_errors=True)
            raise
        previous = self._snapshot.generation
        self._snapshot = await self._published(generation, built.corpus_hash, built.engine,
                                               built.surface, vocabulary)
        await self._retire_generations(keep={generation, previous})
        await asyncio.to_thread(self._signatures.rebuild, generation, built.chunks)
        publishing(1, 1)
        report.finished()
        return ReindexResult(generation, len(built.documents), len(built.chunks),
                             tuple(built.skipped), time.perf_counter() - started,
                             notes=tuple(built.notes))

    async def _published(self, generation: int, corpus_hash: str, engine: BM25 | None,
                         surface: Mapping[str, str], vocabulary: Vocabulary | None = None
                         ) -> Snapshot:
        """The snapshot of a generation this process has just published."""
        pieces = await self.store.pieces(generation)
        documents = await self.store.documents(generation)
        spans = await self.store.document_spans(generation)
        passages = GenerationPassages(self._reader, generation, pieces,
                                      {d.doc_key: d for d in documents})
        await asyncio.to_thread(_hold_if_small, passages, self._snapshot)
        snapshot = await asyncio.to_thread(
            Snapshot.of, generation, corpus_hash, engine, passages, documents, spans, surface,
            vocabulary)
        self._warm_later(snapshot)
        return snapshot

    async def _refuse_empty_over_published(self, skipped: int) -> None:
        """Raise CorpusUnavailable if the published generation has documents: an empty or
        vanished corpus folder is far likelier an accident (unmounted volume, rename) than
        an intent, and publishing it would make every question go unanswered."""
        current = await self.store.current_generation()
        published = len(await self.store.documents(current.id)) if current else 0
        if not published:
            return
        folder = self.config.corpus_dir  # its path goes to the log only, not to chats
        refusal = (CorpusUnavailable("corpus_missing", documents=published)
                   if not folder.is_dir() else
                   CorpusUnavailable("corpus_unusable", skipped=skipped, documents=published))
        log.warning("refused to publish an empty index over generation %d: %s (%s)",
                    current.id if current else 0, refusal, folder)
        raise refusal

    async def _retire_generations(self, keep: set[int]) -> None:
        for old in await self.store.generation_ids():
            if old not in keep:
                await self.store.discard_generation(old)
                shutil.rmtree(self._index_root / f"gen-{old}", ignore_errors=True)

    async def add_document(self, filename: str, data: bytes) -> ReindexResult:
        """Validate, write atomically into the corpus folder, reindex. Raises DocumentRejected."""
        name = validate_filename(filename)
        target = self.config.corpus_dir / name
        await asyncio.to_thread(self._check_content, name, data)
        # waits for a running reindex (of any process), then indexes on top of it
        async with self._lock, self._writing("adding a document to"):
            if not self.config.corpus_dir.is_dir():
                await self._refuse_empty_over_published(0)
            if target.exists():
                raise DocumentRejected("already_in_corpus", file=name)
            since = await self._current_generation_id()
            await asyncio.to_thread(_write_atomically, target, data)
            try:
                return await self._add_file(target)
            except BaseException:
                if not await self._published_since(since):
                    target.unlink(missing_ok=True)
                raise

    async def _current_generation_id(self) -> int | None:
        current = await self.store.current_generation()
        return current.id if current is not None else None

    async def _published_since(self, since: int | None) -> bool:
        """After a curation failed: True if its generation was published all the same (it
        failed or was cancelled after the commit), so its change of the corpus folder must
        stay for the folder and the published index to agree. Under the writer lock, only
        this curation can have changed the current generation."""
        try:
            return await self._current_generation_id() != since
        except Exception:  # the database itself failing: assume nothing was published
            log.exception("could not tell whether the generation was published")
            return False

    async def _add_file(self, path: Path) -> ReindexResult:
        """Index one new corpus file into a new generation, in time proportional to it
        (#13); a full rebuild when there is no index yet."""
        snapshot = self._snapshot
        if snapshot.engine is None:
            return await self._rebuild(None)
        started = time.perf_counter()
        part = await asyncio.to_thread(self._index_file, snapshot, snapshot.engine, path)
        return await self._publish_part(snapshot, part, started)

    def _index_file(self, snapshot: Snapshot, engine: BM25, path: Path) -> _Part:
        """A new file's rows and passages, and a copy of the engine with them appended."""
        cap = self.config.corpus.max_file_bytes
        try:
            documents = load_file(path, cap)
        except SkippedFile as exc:
            raise DocumentRejected.of(exc) from None
        rows = [document_row(d) for d in documents]
        sections = [section_row(d.key, i, s) for d in documents for i, s in enumerate(d.sections)]
        chunks = [c for d in documents for c in dated_chunks(d)]
        near = self._near_duplicates(snapshot, chunks)
        texts = [indexed_text(c) for c in chunks]
        tokens = [analyze(text) for text in texts]
        updated = engine.copy()
        updated.append(tokens)
        surface = {**surface_forms(texts), **snapshot.vocabulary.surface}
        vocabulary = snapshot.vocabulary.updated(updated, surface,
                                                 {t for terms in tokens for t in terms})
        return _Part(self._fingerprint(), rows, sections, chunks, updated, surface,
                     frozenset(), vocabulary, near)

    def _near_duplicates(self, snapshot: Snapshot, chunks: list[Chunk]) -> tuple[Duplicate, ...]:
        """The new articles that nearly repeat indexed ones; DocumentRejected if one repeats
        an indexed article word for word (exact duplicates are refused, near ones added
        with a warning). The table is built once per generation not published here."""
        self._signatures.ready_for(snapshot.generation, snapshot.live_chunks)
        found = self._signatures.duplicates(chunks)
        exact = next((d for d in found if d.exact), None)
        if exact is not None:
            raise DocumentRejected("same_text", article=exact.key, original=exact.of)
        return tuple(found)

    async def _publish_part(self, snapshot: Snapshot, part: _Part, started: float
                            ) -> ReindexResult:
        """Save and publish an incremental generation over `snapshot`'s, sharing its
        main index files (hard links) and its passages (the store's pieces): it writes only
        the new document's rows, and one row per document of the corpus."""
        generation = await self.store.new_generation(part.corpus_hash)
        path = self._index_root / f"gen-{generation}"
        base = self._index_root / f"gen-{snapshot.generation}"
        try:
            await asyncio.to_thread(_save_part, part, path, base)
            await self.store.publish_incremental(generation, snapshot.generation,
                                                 part.documents, part.sections, part.chunks,
                                                 part.removed)
        except BaseException:
            await self.store.discard_generation(generation)
            shutil.rmtree(path, ignore_errors=True)
            raise
        self._snapshot = await self._published(generation, part.corpus_hash, part.engine,
                                               part.surface, part.vocabulary)
        await self._retire_generations(keep={generation, snapshot.generation})
        if self._signatures.generation == snapshot.generation:
            await asyncio.to_thread(self._signatures.update, generation, part.chunks,
                                    part.removed)
        return ReindexResult(generation, len(self._snapshot.documents), part.engine.n_docs, (),
                             time.perf_counter() - started, part.near)

    def _check_content(self, name: str, data: bytes) -> None:
        cap = self.config.corpus.max_file_bytes
        if len(data) > cap:
            raise DocumentRejected("file_too_large", file=name, size=len(data), limit=cap)
        try:
            text = decode(data, name)
        except SkippedFile as exc:
            raise DocumentRejected.of(exc) from None
        if name.lower().endswith((".html", ".htm")):
            text = html_to_text(text)
        if not parse_document(text, name):
            raise DocumentRejected("no_article_text", file=name)

    async def remove_document(self, filename: str) -> ReindexResult:
        """Remove a corpus file and reindex; `FILE#2` removes only the second article of
        FILE (as /sources and citations number them). Raises DocumentRejected if unknown."""
        _check_plain_name(filename)
        async with self._lock, self._writing("removing a document from"):
            article = await asyncio.to_thread(self._article_to_remove, filename)
            if article is not None:
                return await self._remove_article(*article)
            target = await asyncio.to_thread(_corpus_file, self.config.corpus_dir, filename)
            name = target.name
            parked = target.with_name(f".removed-{name}")
            since = await self._current_generation_id()
            os.replace(target, parked)
            try:
                result = await self._remove_file(name)
            except BaseException:
                if not await self._published_since(since):
                    os.replace(parked, target)
                    raise
                parked.unlink(missing_ok=True)
                raise
            parked.unlink(missing_ok=True)
            return result


    def _article_to_remove(self, name: str) -> tuple[Path, str] | None:
        """(file, article key) for `FILE#N` naming one article of a file that holds others;
        None for a plain file name; DocumentRejected for an article the file lacks."""
        folder = self.config.corpus_dir
        file, hash_, number = name.rpartition("#")
        if not hash_ or not number.isdecimal() or any(
                p.name == name for p in corpus_files(folder)):
            return None
        target = _corpus_file(folder, file)
        keys = sorted(d.doc_key for d in self._snapshot.documents if d.file == target.name)
        key = target.name if int(number) == 1 else f"{target.name}#{int(number)}"
        if key not in keys:
            raise DocumentRejected("no_such_article", file=target.name, number=number,
                                   articles=", ".join(keys) or reason("none_indexed"))
        if len(keys) == 1:
            raise DocumentRejected("only_article", article=key, file=target.name)
        return target, key

    async def _remove_article(self, target: Path, key: str) -> ReindexResult:
        """Stop indexing one article of a file: recorded in its sidecar (a reindex keeps it
        out), its passages masked; the sidecar is restored if publishing fails."""
        part = int(key.rpartition("#")[2]) if "#" in key else 1
        since = await self._current_generation_id()
        try:
            previous = await asyncio.to_thread(remove_article, target, part)
        except CitationRefused as exc:
            raise DocumentRejected.of(exc) from None
        try:
            return await self._mask(frozenset({key}))
        except BaseException:
            if not await self._published_since(since):
                await asyncio.to_thread(restore_sidecar, target, previous)
            raise

    async def _remove_file(self, name: str) -> ReindexResult:
        """Mask a corpus file's passages in a new generation (#13)."""
        snapshot = self._snapshot
        return await self._mask(frozenset(d.doc_key for d in snapshot.documents
                                          if d.file == name))

    async def _mask(self, keys: frozenset[str]) -> ReindexResult:
        """Mask articles' passages in a new generation (#13); a full rebuild when the index
        does not hold them, or holds nothing else."""
        snapshot = self._snapshot
        engine = snapshot.engine
        if engine is None or not keys:
            return await self._rebuild(None)
        started = time.perf_counter()
        try:
            part = await asyncio.to_thread(self._unindex, snapshot, engine, keys)
        except ValueError:  # it held every token: the rebuild refuses or empties cleanly
            return await self._rebuild(None)
        return await self._publish_part(snapshot, part, started)

    def _unindex(self, snapshot: Snapshot, engine: BM25, keys: frozenset[str]) -> _Part:
        """A copy of the engine with these documents' passages masked (off the event
        loop: one pass over the postings)."""
        ordinals = snapshot.ordinals_of_documents(keys)
        updated = engine.copy()
        updated.remove(ordinals)
        surface = dict(snapshot.vocabulary.surface)
        vocabulary = snapshot.vocabulary.updated(
            updated, surface, {t for i in ordinals for t in snapshot.terms_of(i)})
        return _Part(self._fingerprint(), [], [], [], updated, surface, keys, vocabulary)


@dataclass(frozen=True)
class _Part:
    """What an add or a removal changes, ready to be published over the current generation."""

    corpus_hash: str
    documents: list[DocumentRow]
    sections: list[tuple[str, int, str, str]]
    chunks: list[Chunk]
    engine: BM25
    surface: dict[str, str]
    removed: frozenset[str]  # doc keys
    vocabulary: Vocabulary | None = None  # carried over from the previous one, if an /add
    near: tuple[Duplicate, ...] = ()  # added articles that nearly repeat indexed ones


def _save_part(part: _Part, path: Path, base: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    part.engine.save(path, link_from=base)
    save_surface_forms(path, part.surface)
    if (base / SPELLING_FILE).is_file():  # the keys of the added terms are computed at start
        os.link(base / SPELLING_FILE, path / SPELLING_FILE)


def _warm_from(vocabulary: Vocabulary, folder: Path) -> Vocabulary:
    """Build a vocabulary's fuzzy tables with the spelling keys saved in `folder`."""
    if vocabulary.warmed:
        return vocabulary
    return vocabulary.warm(load_spelling_keys(folder))


MAX_ADDED_ALIASES = 2000
_ADDED_ALIASES_HEADER = ("# Aliases added by moderators with /alias (written by conflictbot).\n"
                         "# Same format as index/data/aliases.yaml; merged over the bundled "
                         "table and search.aliases_file.\n")


def _with_addition(added: tuple[AliasEntry, ...], addition: AliasEntry
                   ) -> tuple[AliasEntry, ...]:
    """The /alias entries with one more: merged into the entry of its id, else appended."""
    if any(e.id == addition.id for e in added):
        return tuple(e.merged(addition) if e.id == addition.id else e for e in added)
    return (*added, addition)


def _dump_aliases(entries: tuple[AliasEntry, ...]) -> bytes:
    rows = [{"id": e.id, "kind": e.kind, "names": list(e.names),
             **({"source": e.source} if e.source else {})} for e in entries]
    text = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=100)
    return (_ADDED_ALIASES_HEADER + text).encode()


# Below this size a search takes about a millisecond: running it on the event loop beats a
# worker thread, whose GIL hand-offs stall the loop's socket I/O under load.
INLINE_SEARCH_MAX_PASSAGES = 50_000
# A long question can touch many long postings lists (#9: repeated frequent words once took
# 3 s at 45k passages); it is cut and its terms capped, and it never runs on the event loop.
INLINE_SEARCH_MAX_CHARS = 300
# A generation of at most this many passages (slots) is held in memory whole (read in a
# worker thread as it is loaded, some tens of MB at most), so that a search on the event loop
# never reads the database there; larger ones are read on demand, in the search's thread.
HELD_PASSAGES_MAX = INLINE_SEARCH_MAX_PASSAGES


def _hold_if_small(passages: GenerationPassages, serving: Snapshot | None = None) -> None:
    """Hold a small generation's passages in memory (in a worker thread: it reads them),
    taking the pieces it shares with the generation `serving` holds from there."""
    previous = serving.chunks if serving is not None else None
    if not isinstance(previous, GenerationPassages):
        previous = None
    if len(passages) <= HELD_PASSAGES_MAX and not passages.hold(previous):
        log.warning("generation %d: some passages are gone (retired by another process?); "
                    "they are read on demand", passages.generation)


def _searches_inline(snapshot: Snapshot, question: str) -> bool:
    """Whether a question is searched on the event loop: a short one over a small index
    whose passages are all in memory, as the loop must never wait for the disk."""
    if snapshot.engine is None:
        return True  # nothing to search
    in_memory = (not isinstance(snapshot.chunks, GenerationPassages)
                 or snapshot.chunks.held)
    return (in_memory and snapshot.engine.n_docs <= INLINE_SEARCH_MAX_PASSAGES
            and len(question) <= INLINE_SEARCH_MAX_CHARS)




def _save_engine(built: BuiltIndex, path: Path) -> Vocabulary | None:
    """Save a built index with its surface forms and spelling keys; returns its warmed
    vocabulary (None for an empty index)."""
    shutil.rmtree(path, ignore_errors=True)
    if built.engine is None:
        return None
    built.engine.save(path)
    save_surface_forms(path, built.surface)
    vocabulary = Vocabulary.from_engine(built.engine, built.surface).warm()
    save_spelling_keys(path, vocabulary)
    return vocabulary


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    """(inode, modification time, size) of a file, None if absent: a cheap "did it change"
    (every write renames a new file into place, so the inode changes too)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def _write_atomically(target: Path, data: bytes) -> None:
    """Write via a hidden temporary file, fsync, then rename: never a half-written document."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
