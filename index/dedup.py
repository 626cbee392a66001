"""Duplicate and near-duplicate articles: word shingles, MinHash signatures, LSH buckets.

The same wire story republished by two sites differs by a headline, a byline, a paragraph
of boilerplate: its word 5-shingles still overlap far more than two different stories on
the same event do. A document's MinHash signature (`SIGNATURE_SIZE` minima of salted shingle
hashes) estimates the Jaccard similarity of two shingle sets; locality-sensitive hashing
(`BANDS` bands of `ROWS` rows) finds the documents worth comparing without a loop over the
corpus: looking a new document up costs `BANDS` dictionary look-ups plus one comparison
per candidate, whatever the size of the table.

Pure code: no files, no network; the caller decides what a document's text is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["NEAR_DUPLICATE", "Match", "Signature", "SignatureTable", "signature"]

SHINGLE_WORDS = 5
BANDS, ROWS = 16, 4
SIGNATURE_SIZE = BANDS * ROWS
NEAR_DUPLICATE = 0.5  # estimated Jaccard of shingle sets from which two articles are "nearly" one
_MERSENNE = np.uint64((1 << 61) - 1)
_WORD = re.compile(r"\w+", re.UNICODE)
_SALTS = np.random.default_rng(20261203).integers(1, (1 << 61) - 1, size=(2, SIGNATURE_SIZE),
                                                  dtype=np.uint64)
K = TypeVar("K", str, bytes)
_EMPTY = np.full(SIGNATURE_SIZE, np.iinfo(np.uint64).max, dtype=np.uint64)


@dataclass(frozen=True)
class Signature:
    """What the table keeps of a document: a hash of its exact words, and its MinHash."""

    exact: str  # sha256 of its words, case-folded and single-spaced
    minhash: npt.NDArray[np.uint64] = field(compare=False)

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two documents' shingle sets (1.0: same words)."""
        if self.exact == other.exact:
            return 1.0
        return float(np.count_nonzero(self.minhash == other.minhash)) / SIGNATURE_SIZE

    def bands(self) -> list[bytes]:
        """One key per LSH band: documents sharing any band key are compared."""
        return [bytes([b]) + self.minhash[b * ROWS:(b + 1) * ROWS].tobytes()
                for b in range(BANDS)]


@dataclass(frozen=True)
class Match:
    """A document of the table that a new one duplicates (`exact`) or nearly does."""

    key: str
    similarity: float
    exact: bool


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _shingle_hashes(tokens: list[str]) -> npt.NDArray[np.uint64]:
    """The distinct word n-grams of a text as 61-bit hashes (a short text: its one n-gram)."""
    width = min(SHINGLE_WORDS, len(tokens))
    grams = {" ".join(tokens[i:i + width]) for i in range(len(tokens) - width + 1)}
    digests = (hashlib.blake2b(g.encode(), digest_size=8).digest() for g in grams)
    values = [int.from_bytes(d, "little") & ((1 << 61) - 1) for d in digests]
    return np.array(values, dtype=np.uint64)


def signature(text: str) -> Signature:
    """A document's signature: O(words of the document)."""
    tokens = words(text)
    exact = hashlib.sha256(" ".join(tokens).encode()).hexdigest()
    if not tokens:
        return Signature(exact, _EMPTY.copy())
    shingles = _shingle_hashes(tokens)
    a, b = _SALTS
    # (a*x + b) mod p per salt; uint64 products wrap, which keeps them well mixed
    mixed = (shingles[:, None] * a[None, :] + b[None, :]) % _MERSENNE
    return Signature(exact, mixed.min(axis=0))


class SignatureTable:
    """Signatures of the corpus documents, by key, with LSH buckets for look-ups."""

    def __init__(self) -> None:
        self._signatures: dict[str, Signature] = {}
        self._exact: dict[str, set[str]] = {}
        self._buckets: dict[bytes, set[str]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, sig: Signature) -> None:
        self.remove(key)
        self._signatures[key] = sig
        self._exact.setdefault(sig.exact, set()).add(key)
        for band in sig.bands():
            self._buckets.setdefault(band, set()).add(key)

    def remove(self, key: str) -> None:
        sig = self._signatures.pop(key, None)
        if sig is None:
            return
        _discard(self._exact, sig.exact, key)
        for band in sig.bands():
            _discard(self._buckets, band, key)

    def matches(self, sig: Signature, threshold: float = NEAR_DUPLICATE) -> list[Match]:
        """Documents with the same words, then those at least `threshold` similar, most
        similar first; cost proportional to the candidates found, not to the table."""
        exact = self._exact.get(sig.exact, set())
        candidates: set[str] = set()
        for band in sig.bands():
            candidates |= self._buckets.get(band, set())
        found = [Match(key, 1.0, True) for key in sorted(exact)]
        near = ((key, sig.similarity(self._signatures[key])) for key in candidates - exact)
        found += sorted((Match(key, score, False) for key, score in near if score >= threshold),
                        key=lambda m: (-m.similarity, m.key))
        return found

    def add_all(self, signed: Iterable[tuple[str, Signature]]) -> None:
        for key, sig in signed:
            self.add(key, sig)


def _discard(index: dict[K, set[str]], where: K, key: str) -> None:
    keys = index.get(where)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del index[where]
