"""Corpus folder -> a complete index generation (documents, passages, BM25 arrays)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.analyze import analyze, surface_forms
from index.chunk import Chunk, chunk_document, indexed_text, section_text
from index.citation import SIDECAR_SUFFIX, sidecar_path
from index.dates import find_event_dates, parse_day
from index.engine import BM25
from index.ingest import Document, corpus_files, is_outside_link, load_corpus
from index.store import DocumentRow

Progress = Callable[[int, int], None]
# Bump when cleaning, chunking or analysis changes, so saved generations get rebuilt.
# PIPELINE_VERSION 2: links out, duplicates, binary anywhere, UTF-16, HTML fixes (#9)
#                     3: acronyms kept unstemmed (#10)
PIPELINE_VERSION = 4  # 4: citation metadata, bylines, passages' event dates (#12)


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


def corpus_fingerprint(folder: Path, max_bytes: int) -> str:
    """Hash of the corpus files' names and contents: changes whenever the corpus does."""
    digest = hashlib.sha256(f"pipeline={PIPELINE_VERSION} max_bytes={max_bytes}".encode())
    for path in corpus_files(folder):
        try:  # a link out of the folder is never read, not even to hash it
            data = b"<outside link>" if is_outside_link(path) else path.read_bytes()
        except OSError:
            data = b"<unreadable>"
        digest.update(f"\0{path.name}\0{len(data)}\0".encode())
        digest.update(hashlib.sha256(data).digest())
        _add_sidecar(digest, path)
    return digest.hexdigest()


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
                progress: Progress | None = None) -> BuiltIndex:
    """Read, clean, chunk, analyse and index every usable document of `folder`."""
    corpus_hash = corpus_fingerprint(folder, max_bytes)
    documents, skipped = load_corpus(folder, max_bytes, progress)
    rows: list[DocumentRow] = []
    sections: list[tuple[str, int, str, str]] = []
    chunks: list[Chunk] = []
    for doc in documents:
        rows.append(document_row(doc))
        sections.extend((doc.key, i, s.heading, section_text(s))
                        for i, s in enumerate(doc.sections))
        chunks.extend(dated_chunks(doc))
    texts = [indexed_text(c) for c in chunks]
    tokens = [analyze(text) for text in texts]
    engine = (BM25(tokens, k1=params.k1, b=params.b, epsilon=params.epsilon)
              if any(tokens) else None)
    surface = surface_forms(texts, engine.occurrences()) if engine is not None else {}
    return BuiltIndex(corpus_hash, rows, sections, chunks, engine, skipped, surface)
