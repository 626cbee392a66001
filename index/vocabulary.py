"""The index's own vocabulary, as question understanding needs it: which terms exist, how
rare each is, and how the corpus writes it. Built once per index generation."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class TermStats(Protocol):
    """What a Vocabulary reads from an engine (index.engine.BM25 provides it)."""

    @property
    def n_docs(self) -> int: ...

    def terms(self) -> list[str]: ...

    def doc_freqs(self) -> list[int]: ...


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Indexed terms with their document frequency and a surface form each."""

    doc_freq: Mapping[str, int]
    n_docs: int
    surface: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_engine(cls, engine: TermStats, surface: Mapping[str, str] | None = None
                    ) -> Vocabulary:
        """The vocabulary of a built or loaded engine, with the surface forms of its build."""
        doc_freq = dict(zip(engine.terms(), engine.doc_freqs(), strict=True))
        return cls(doc_freq, engine.n_docs, dict(surface or {}))

    @classmethod
    def from_passages(cls, passages: Iterable[str]) -> Vocabulary:
        """The vocabulary of analysed texts (tests and small corpora)."""
        from index.analyze import analyze, surface_forms

        texts = list(passages)
        doc_freq: dict[str, int] = {}
        for text in texts:
            for term in set(analyze(text)):
                doc_freq[term] = doc_freq.get(term, 0) + 1
        return cls(doc_freq, len(texts), surface_forms(texts))

    def __contains__(self, term: object) -> bool:
        return term in self.doc_freq

    def __len__(self) -> int:
        return len(self.doc_freq)

    def df(self, term: str) -> int:
        """Number of passages holding the term (0 when the corpus lacks it)."""
        return self.doc_freq.get(term, 0)

    def surface_of(self, term: str) -> str:
        """How the corpus most often writes the term ("Tinzaouatene" for tinzaouaten)."""
        return self.surface.get(term, term)


SURFACE_FILE = "surface.json"


def save_surface_forms(folder: Path, surface: Mapping[str, str]) -> None:
    """Write a generation's surface forms next to its index arrays (atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{SURFACE_FILE}.tmp"
    tmp.write_text(json.dumps(dict(surface), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / SURFACE_FILE)


def load_surface_forms(folder: Path) -> dict[str, str]:
    """A generation's surface forms; empty when absent or unreadable (they only affect how
    a rewrite is worded and which spellings fuzzy matching compares)."""
    try:
        data = json.loads((folder / SURFACE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
