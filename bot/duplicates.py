"""The corpus's duplicate detector: one `index.dedup` signature per indexed article.

Computed with each full build (O(corpus), in the build's worker thread) and saved next to
the index as `signatures/gen-N.npz`; each add or removal updates it in proportion to the
article and saves it for the new generation (a few MB even at a million passages). A process
that finds no table for the generation it serves (an index built by an older version)
computes it once from the passages, at the first add.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.chunk import Chunk
from index.dedup import Match, Signature, SignatureTable, signature

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Duplicate:
    """An added article (`key`) that repeats `of`, an article already in the corpus."""

    key: str
    of: str
    similarity: float
    exact: bool


def article_texts(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Each article's passages joined, by article key, in passage order."""
    parts: dict[str, list[str]] = {}
    for chunk in chunks:
        parts.setdefault(chunk.doc_key, []).append(chunk.text)
    return {key: "\n".join(texts) for key, texts in parts.items()}


class CorpusSignatures:
    """The signature table of one generation, saved in `folder` (None: kept in memory)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.generation = -1
        self.table = SignatureTable()

    def ready_for(self, generation: int, live_chunks: Callable[[], Iterable[Chunk]]) -> None:
        """Hold the table of `generation`: already held, saved, or computed (and saved)."""
        if self.generation == generation or self._load(generation):
            return
        self.rebuild(generation, live_chunks())

    def rebuild(self, generation: int, live_chunks: Iterable[Chunk]) -> None:
        table = SignatureTable()
        table.add_all((key, signature(text)) for key, text in article_texts(live_chunks).items())
        self.table, self.generation = table, generation
        self._save()

    def duplicates(self, chunks: Sequence[Chunk]) -> list[Duplicate]:
        """The new articles' duplicates in the table, the closest first for each article."""
        found: list[Duplicate] = []
        for key, text in article_texts(chunks).items():
            matches: list[Match] = self.table.matches(signature(text))
            found += [Duplicate(key, m.key, m.similarity, m.exact) for m in matches[:1]]
        return found

    def update(self, generation: int, added: Sequence[Chunk], removed: Iterable[str]) -> None:
        """Record one add or removal published as `generation`."""
        for key in removed:
            self.table.remove(key)
        signed: list[tuple[str, Signature]] = [
            (key, signature(text)) for key, text in article_texts(added).items()]
        self.table.add_all(signed)
        self.generation = generation
        self._save()

    def _path(self, generation: int) -> Path | None:
        return self.folder / f"gen-{generation}.npz" if self.folder else None

    def _load(self, generation: int) -> bool:
        path = self._path(generation)
        if path is None or not path.is_file():
            return False
        try:
            self.table, self.generation = SignatureTable.load(path), generation
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            log.warning("duplicate table %s unreadable (%s); recomputing it", path.name, exc)
            return False
        return True

    def _save(self) -> None:
        """Save the table for its generation, and drop those of generations before the
        previous one (another process may still serve that)."""
        path = self._path(self.generation)
        if path is None or self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.table.save(path)
            for old in self.folder.glob("gen-*.npz"):
                number = old.stem.removeprefix("gen-")
                if number.isdecimal() and int(number) < self.generation - 1:
                    old.unlink(missing_ok=True)
        except OSError as exc:  # only costs a recomputation in the next process
            log.warning("duplicate table not saved: %s", exc)
