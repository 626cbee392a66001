"""The corpus's duplicate detector: one `index.dedup` signature per indexed article.

Built once per process from the passages of the generation it serves (O(corpus), in a worker
thread, the first time an add needs it), then kept in step with this process's adds and
removals: checking and recording an added article costs in proportion to that article.
Another process's reindex is noticed by its generation number and rebuilds the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.chunk import Chunk
from index.dedup import Match, Signature, SignatureTable, signature


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
    """The signature table of one generation."""

    def __init__(self) -> None:
        self.generation = -1
        self.table = SignatureTable()

    def rebuild(self, generation: int, live_chunks: Iterable[Chunk]) -> None:
        table = SignatureTable()
        table.add_all((key, signature(text)) for key, text in article_texts(live_chunks).items())
        self.table, self.generation = table, generation

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
