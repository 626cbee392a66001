"""The index's own vocabulary, as question understanding needs it: which terms exist, how
rare each is, and how the corpus writes it. Built once per index generation."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rapidfuzz import fuzz, process

from index.analyze import analyze, fold, surface_forms


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
    _names: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict, compare=False, repr=False)  # first letter -> (spelling, term)

    @classmethod
    def from_engine(cls, engine: TermStats, surface: Mapping[str, str] | None = None
                    ) -> Vocabulary:
        """The vocabulary of a built or loaded engine, with the surface forms of its build."""
        doc_freq = dict(zip(engine.terms(), engine.doc_freqs(), strict=True))
        return cls(doc_freq, engine.n_docs, dict(surface or {}))

    @classmethod
    def from_passages(cls, passages: Iterable[str]) -> Vocabulary:
        """The vocabulary of analysed texts (tests and small corpora)."""
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

    @property
    def rare_df(self) -> int:
        """Document frequency up to which a term counts as rare."""
        return max(2, self.n_docs // 1000)

    def closest(self, word: str, *, more_used_than: int = 0) -> str | None:
        """The corpus name spelt most like `word` (folded), as an index term, or None.
        Only names (terms the corpus writes with a capital) starting with the same letter
        are compared, and only closely enough for the word's length."""
        cutoff = _fuzzy_cutoff(len(word))
        if cutoff is None:
            return None
        candidates = self._names_by_letter().get(word[:1], [])
        spellings = [spelling for spelling, _ in candidates]
        best: tuple[float, int, str] | None = None
        for _, score, index in process.extract(word, spellings, scorer=fuzz.ratio,
                                                score_cutoff=cutoff, limit=5):
            term = candidates[index][1]
            df = self.df(term)
            if df > more_used_than and _differs(word, term, spellings[index]):
                rank = (score, df, term)
                if best is None or rank > best:
                    best = rank
        return best[2] if best else None

    def _names_by_letter(self) -> dict[str, list[tuple[str, str]]]:
        if not self._names:
            for term in self.doc_freq:
                spelling = self.surface.get(term, "")
                if len(term) >= 4 and spelling[:1].isupper() and spelling.isalpha():
                    folded = fold(spelling)
                    self._names.setdefault(folded[:1], []).append((folded, term))
            self._names.setdefault("", [])  # built, even when the corpus has no names
        return self._names


def _fuzzy_cutoff(length: int) -> float | None:
    """How alike (rapidfuzz ratio, 0-100) a word of this length must be to a name."""
    if length < 5:
        return None
    if length == 5:
        return 88.0
    return 85.0 if length < 8 else 80.0


def _differs(word: str, term: str, spelling: str) -> bool:
    """A variant is not the word itself."""
    return word != spelling and word != term


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
