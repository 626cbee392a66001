"""Corpus folder -> a complete index generation (documents, passages, BM25 arrays)."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.analyze import analyze, surface_forms
from index.chunk import Chunk, chunk_document, indexed_text, section_row
from index.citation import SIDECAR_SUFFIX, sidecar_path
from index.dates import find_event_dates, parse_day
from index.engine import BM25
from index.ingest import (
    Document,
    SkippedFile,
    corpus_files,
    duplicate_message,
    is_outside_link,
    load_with_warnings,
    text_key,
)
from index.progress import BUILDING, PREPARING, READING, Progress, Reporter
from index.reasons import Reason, reason
from index.store import DocumentRow

log = logging.getLogger("index.ingest")  # the skipped-file warnings keep their logger
# Bump when cleaning, chunking or analysis changes, so saved generations get rebuilt.
# PIPELINE_VERSION 2: links out, duplicates, binary anywhere, UTF-16, HTML fixes (#9)
#                     3: acronyms kept unstemmed (#10)
#                     4: citation metadata, bylines, passages' event dates (#12)
#                     5: a section's related names ({{Main}}/{{See also}}) indexed (#10)
#                     6: "during/from/by July" in a passage is an event date (#10); the digest
#                        covers the engine's arrays, not event dates, so it did not move
# tests/test_build.py holds the digest of the seeds' index for the current version: a change
# to what is indexed fails it until this number is bumped and the new digest recorded.
PIPELINE_VERSION = 6


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


@dataclass(frozen=True)
class BuiltIndex:
    """Everything a generation needs, ready to be published."""

    corpus_hash: str
    documents: list[DocumentRow]
    sections: list[tuple[str, int, str, str]]
    chunks: list[Chunk]
    engine: BM25 | None
    skipped: list[str]
    surface: dict[str, str] = field(default_factory=dict)  # term -> its usual spelling
    notes: list[Reason] = field(default_factory=list)  # `skipped`, for any language


def corpus_fingerprint(folder: Path, max_bytes: int, progress: Progress | None = None,
                       cache_file: Path | None = None) -> str:
    """Hash of the corpus files' names and contents: changes whenever the corpus does.
    With `cache_file`, a file whose size, times and inode are those recorded there is not
    read again (its recorded content hash is used): a start or an /add no longer reads the
    whole corpus (#13). The result is the same with or without the cache."""
    digest = hashlib.sha256(f"pipeline={PIPELINE_VERSION} max_bytes={max_bytes}".encode())
    files = corpus_files(folder)
    known = _read_hash_cache(cache_file) if cache_file is not None else {}
    fresh: dict[str, list[Any]] = {}
    for done, path in enumerate(files, start=1):
        size, content = _file_digest(path, known, fresh)
        digest.update(f"\0{path.name}\0{size}\0".encode())
        digest.update(content)
        _add_sidecar(digest, path)
        if progress:
            progress(done, len(files))
    if cache_file is not None and fresh != known:
        _write_hash_cache(cache_file, fresh)
    return digest.hexdigest()


def _file_digest(path: Path, known: dict[str, list[Any]], fresh: dict[str, list[Any]]
                 ) -> tuple[int, bytes]:
    """(size, sha256) of a corpus file as the fingerprint hashes it; a regular file's is
    taken from `known` when its stamp matches, and recorded in `fresh`."""
    try:
        if is_outside_link(path):  # a link out of the folder is never read, not even hashed
            return len(b"<outside link>"), hashlib.sha256(b"<outside link>").digest()
        stamp = _stamp(path)
        entry = known.get(path.name)
        if entry is not None and entry[:-1] == stamp:
            fresh[path.name] = entry
            return int(stamp[0]), bytes.fromhex(entry[-1])
        data = path.read_bytes()
    except (OSError, ValueError):
        return len(b"<unreadable>"), hashlib.sha256(b"<unreadable>").digest()
    content = hashlib.sha256(data).digest()
    if stamp[0] == len(data) and _stamp(path) == stamp:  # unchanged while read
        fresh[path.name] = [*stamp, content.hex()]
    return len(data), content


def _stamp(path: Path) -> list[int]:
    """What changes whenever a file's content may have: size, times, inode, device."""
    status = path.stat()
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino,
            status.st_dev]


def _read_hash_cache(cache_file: Path) -> dict[str, list[Any]]:
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 6}


def _write_hash_cache(cache_file: Path, entries: dict[str, list[Any]]) -> None:
    """Replace the cache atomically (a lost race only costs a re-read later)."""
    tmp = cache_file.with_name(f".{cache_file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(entries, file)
        os.replace(tmp, cache_file)
    except OSError as exc:
        log.debug("corpus hash cache %s not written: %s", cache_file, exc)
        tmp.unlink(missing_ok=True)


def _add_sidecar(digest: hashlib._Hash, document: Path) -> None:
    """An operator's citation sidecar is part of the corpus: editing it rebuilds."""
    sidecar = sidecar_path(document)
    if not sidecar.is_file() or is_outside_link(sidecar):
        return
    try:
        data = sidecar.read_bytes()
    except OSError:
        data = b"<unreadable>"
    digest.update(f"\0{SIDECAR_SUFFIX}\0{len(data)}\0".encode())
    digest.update(hashlib.sha256(data).digest())


def document_row(doc: Document) -> DocumentRow:
    """A document's row, with its citation metadata and where each part came from."""
    cited = doc.citation
    return DocumentRow(doc.key, doc.file, doc.title, doc.date, doc.sha256,
                       outlet=cited.value("outlet"), author=cited.value("author"),
                       url=cited.value("url"), language=cited.value("language"),
                       published=cited.value("published"), updated=cited.value("updated"),
                       provenance=json.dumps(cited.provenance(), ensure_ascii=False,
                                             sort_keys=True))


def dated_chunks(doc: Document) -> list[Chunk]:
    """A document's passages, each with the event dates it states, year-less ones read
    against the document's own date."""
    reference = parse_day(doc.citation.date or "")
    return [replace(chunk, event_dates=tuple((r.start.isoformat(), r.end.isoformat())
                                             for r in find_event_dates(chunk.text, reference)))
            for chunk in chunk_document(doc)]


def build_index(folder: Path, max_bytes: int, params: BM25Params,
                progress: Progress | Reporter | None = None,
                fingerprint_cache: Path | None = None) -> BuiltIndex:
    """Read, clean, chunk, analyse and index every usable document of `folder`. Files are
    prepared in worker processes when there are enough of them (output order and content
    are the same either way); `progress` hears of every stage (see `index.progress`); pass
    a Reporter to go on reporting the stages after this one (publishing). The corpus hash
    records its files' content hashes in `fingerprint_cache` (see corpus_fingerprint)."""
    report = progress if isinstance(progress, Reporter) else Reporter(progress)
    files = corpus_files(folder)
    corpus_hash = corpus_fingerprint(folder, max_bytes, report.stage(READING, len(files)),
                                     fingerprint_cache)
    prepared = _prepare_all(files, max_bytes, report.stage(PREPARING, len(files)))
    index = _assemble(prepared)
    built = report.stage(BUILDING, 1)
    texts = [indexed_text(c) for c in index.chunks]
    engine = (BM25(index.tokens, k1=params.k1, b=params.b, epsilon=params.epsilon)
              if any(index.tokens) else None)
    surface = surface_forms(texts, engine.occurrences()) if engine is not None else {}
    built(1, 1)
    if report is not progress:
        report.finished()
    return BuiltIndex(corpus_hash, index.rows, index.sections, index.chunks, engine,
                      index.skipped, surface, index.notes)


@dataclass(frozen=True)
class PreparedFile:
    """One file read, cleaned, chunked and analysed (what a worker process sends back)."""

    name: str
    skipped: str = ""  # why the file is not indexed, or ""
    why: Reason | None = None  # `skipped` for any language
    text_key: str = ""  # its cleaned text's hash: a later file with the same text is skipped
    warnings: tuple[str, ...] = ()
    rows: tuple[DocumentRow, ...] = ()
    sections: tuple[tuple[str, int, str, str], ...] = ()
    chunks: tuple[Chunk, ...] = ()
    tokens: tuple[list[str], ...] = ()


def prepare_file(path: Path, max_bytes: int) -> PreparedFile:
    """Everything one file contributes to an index, computed on its own."""
    try:
        documents, warnings = load_with_warnings(path, max_bytes)
    except SkippedFile as exc:
        return PreparedFile(path.name, skipped=str(exc), why=exc.reason)
    chunks = [chunk for doc in documents for chunk in dated_chunks(doc)]
    return PreparedFile(
        path.name, text_key=text_key(documents), warnings=tuple(warnings),
        rows=tuple(document_row(doc) for doc in documents),
        sections=tuple(section_row(doc.key, i, s)
                       for doc in documents for i, s in enumerate(doc.sections)),
        chunks=tuple(chunks),
        tokens=tuple(analyze(indexed_text(c)) for c in chunks))


@dataclass
class _Assembled:
    rows: list[DocumentRow] = field(default_factory=list)
    sections: list[tuple[str, int, str, str]] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    tokens: list[list[str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)


def _assemble(prepared: Iterable[PreparedFile]) -> _Assembled:
    """Files in name order into one corpus: the first file with a text claims it, a later
    one with the same text is skipped (as `load_corpus` does)."""
    out = _Assembled()
    first_with_text: dict[str, str] = {}
    for part in prepared:
        first = first_with_text.setdefault(part.text_key, part.name) if part.text_key else ""
        why = part.skipped or (duplicate_message(part.name, first) if first != part.name
                               else "")
        if why:
            log.warning("skipped %s", why)
            out.skipped.append(why)
            out.notes.append(part.why or reason("file_duplicate", file=part.name, first=first))
            continue
        for warning in part.warnings:
            log.warning("%s", warning)
            out.skipped.append(warning)
            out.notes.append(reason("file_note", note=warning))
        out.rows.extend(part.rows)
        out.sections.extend(part.sections)
        out.chunks.extend(part.chunks)
        out.tokens.extend(part.tokens)
    return out


# A pool costs ~0.5 s to start (each worker imports the pipeline): not worth it below this.
POOL_MIN_FILES = 64
POOL_MIN_BYTES = 4_000_000


def _prepare_all(files: list[Path], max_bytes: int, progress: Progress) -> list[PreparedFile]:
    """Every file prepared, in the files' order: in worker processes for a large corpus."""
    workers = _worker_count(files)
    if workers >= 2:
        try:
            return _prepare_in_pool(files, max_bytes, progress, workers)
        except BrokenProcessPool as exc:  # a worker killed (out of memory?): do it here
            log.warning("a build worker process died (%s); preparing the files in this "
                        "process instead", exc)
    out = []
    for done, path in enumerate(files, start=1):
        out.append(prepare_file(path, max_bytes))
        progress(done, len(files))
    return out


def _prepare_in_pool(files: list[Path], max_bytes: int, progress: Progress, workers: int
                     ) -> list[PreparedFile]:
    # fork, not spawn: spawn re-imports the caller's __main__ in every worker, which runs any
    # script without a __main__ guard again. The workers only run prepare_file (no logging,
    # SQLite or event loop of the parent's threads); gc.freeze keeps the parent's objects
    # out of the children's collections, so their pages stay shared.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=_pool_context()) as pool:
            results = []
            batch = max(1, min(16, len(files) // (workers * 8)))
            for done, part in enumerate(pool.map(prepare_file, files,
                                                 [max_bytes] * len(files), chunksize=batch),
                                        start=1):
                results.append(part)
                progress(done, len(files))
            return results
    finally:
        gc.unfreeze()


def _pool_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _worker_count(files: list[Path]) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cores or 1) < 2 or len(files) < POOL_MIN_FILES:
        return 1
    if sum(_size(path) for path in files) < POOL_MIN_BYTES:
        return 1
    return min(cores or 1, 4)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
