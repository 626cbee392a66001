"""Corpus folder -> a complete index generation (documents, passages, BM25 arrays)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.analyze import analyze, surface_forms
from index.chunk import Chunk, chunk_document, section_text
from index.engine import BM25
from index.ingest import Document, SkippedFile, corpus_files, load_file
from index.store import DocumentRow

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
# Bump when cleaning, chunking or analysis changes, so saved generations get rebuilt.
PIPELINE_VERSION = 2  # 2: acronyms kept unstemmed (#10)


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
        try:
            data = path.read_bytes()
        except OSError:
            data = b"<unreadable>"
        digest.update(f"\0{path.name}\0{len(data)}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _load_all(folder: Path, max_bytes: int, progress: Progress | None
              ) -> tuple[list[Document], list[str]]:
    files = corpus_files(folder)
    documents: list[Document] = []
    skipped: list[str] = []
    for done, path in enumerate(files, start=1):
        try:
            documents.extend(load_file(path, max_bytes))
        except SkippedFile as exc:
            log.warning("skipped %s", exc)
            skipped.append(str(exc))
        if progress:
            progress(done, len(files))
    return documents, skipped


def build_index(folder: Path, max_bytes: int, params: BM25Params,
                progress: Progress | None = None) -> BuiltIndex:
    """Read, clean, chunk, analyse and index every usable document of `folder`."""
    corpus_hash = corpus_fingerprint(folder, max_bytes)
    documents, skipped = _load_all(folder, max_bytes, progress)
    rows: list[DocumentRow] = []
    sections: list[tuple[str, int, str, str]] = []
    chunks: list[Chunk] = []
    for doc in documents:
        rows.append(DocumentRow(doc.key, doc.file, doc.title, doc.date, doc.sha256))
        sections.extend((doc.key, i, s.heading, section_text(s))
                        for i, s in enumerate(doc.sections))
        chunks.extend(chunk_document(doc))
    texts = [f"{c.section}\n{c.text}" if c.section else c.text for c in chunks]
    tokens = [analyze(text) for text in texts]
    engine = (BM25(tokens, k1=params.k1, b=params.b, epsilon=params.epsilon)
              if any(tokens) else None)
    surface = surface_forms(texts, engine.occurrences()) if engine is not None else {}
    return BuiltIndex(corpus_hash, rows, sections, chunks, engine, skipped, surface)
