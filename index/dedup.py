"""Duplicate and near-duplicate articles: word shingles, MinHash signatures, LSH buckets.

The same wire story republished by two sites differs by a headline, a byline, a paragraph
of boilerplate: its word 5-shingles still overlap far more than two different stories on
the same event do. A document's MinHash signature (`SIGNATURE_SIZE` minima of shingle
hashes, one per bin) estimates the Jaccard similarity of two shingle sets; locality-sensitive
hashing
(`BANDS` bands of `ROWS` rows) finds the documents worth comparing without a loop over the
corpus: looking a new document up costs `BANDS` dictionary look-ups plus one comparison
per candidate, whatever the size of the table.

No network; the caller decides what a document's text is and where a table is saved.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["NEAR_DUPLICATE", "Match", "Signature", "SignatureTable", "signature"]

SHINGLE_WORDS = 5
BANDS, ROWS = 16, 4
SIGNATURE_SIZE = BANDS * ROWS
NEAR_DUPLICATE = 0.5  # estimated Jaccard of shingle sets from which two articles are "nearly" one
_WORD = re.compile(r"\w+", re.UNICODE)
K = TypeVar("K", str, bytes)
_EMPTY_VALUE = np.iinfo(np.uint64).max  # an empty MinHash bin
_EMPTY = np.full(SIGNATURE_SIZE, _EMPTY_VALUE, dtype=np.uint64)
_EMPTY_BAND = _EMPTY[:ROWS].tobytes()


@dataclass(frozen=True)
class Signature:
    """What the table keeps of a document: a hash of its exact words, and its MinHash."""

    exact: str  # sha256 of its words, case-folded and single-spaced
    minhash: npt.NDArray[np.uint64] = field(compare=False)

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two documents' shingle sets (1.0: same words)."""
        if self.exact == other.exact:
            return 1.0
        filled = (self.minhash != _EMPTY_VALUE) | (other.minhash != _EMPTY_VALUE)
        compared = int(np.count_nonzero(filled))
        same = int(np.count_nonzero((self.minhash == other.minhash) & filled))
        return same / compared if compared else 0.0

    def bands(self) -> list[bytes]:
        """One key per LSH band that holds a value (documents sharing a key are compared;
        the empty bands of short texts would match every other short text)."""
        raw, step = self.minhash.tobytes(), ROWS * 8
        parts = (raw[b * step:(b + 1) * step] for b in range(BANDS))
        return [bytes([b]) + part for b, part in enumerate(parts) if part != _EMPTY_BAND]


@dataclass(frozen=True)
class Match:
    """A document of the table that a new one duplicates (`exact`) or nearly does."""

    key: str
    similarity: float
    exact: bool


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


_MIX = np.uint64(0x9E3779B97F4A7C15)
_FINAL = np.uint64(0xBF58476D1CE4E5B9)


def _shingle_hashes(tokens: list[str]) -> npt.NDArray[np.uint64]:
    """The distinct word n-grams of a text as 64-bit hashes (a short text: its one n-gram);
    stable across processes (CRC-32 of each word, mixed), so tables can be saved."""
    ids = np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint64,
                      count=len(tokens))
    width = min(SHINGLE_WORDS, len(ids))
    count = len(ids) - width + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(width):  # a polynomial hash of each window, wrapping at 2**64
        mixed = mixed * _MIX + ids[offset:offset + count]
    mixed ^= mixed >> np.uint64(31)
    mixed *= _FINAL
    mixed ^= mixed >> np.uint64(29)
    return np.unique(mixed)


def signature(text: str) -> Signature:
    """A document's signature, in time linear in its words: one-permutation MinHash (each
    shingle hash falls in one of `SIGNATURE_SIZE` bins by its low bits; a bin keeps the
    smallest of the rest; an empty bin holds the largest value and is not compared)."""
    tokens = words(text)
    exact = hashlib.sha256(" ".join(tokens).encode()).hexdigest()
    minhash = _EMPTY.copy()
    if tokens:
        hashes = _shingle_hashes(tokens)
        bins = (hashes % np.uint64(SIGNATURE_SIZE)).astype(np.intp)
        np.minimum.at(minhash, bins, hashes // np.uint64(SIGNATURE_SIZE))
    return Signature(exact, minhash)


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

    def save(self, path: Path) -> None:
        """Write the table (keys, exact hashes, MinHash rows) atomically to `path` (.npz)."""
        keys = list(self._signatures)
        rows = [self._signatures[k].minhash for k in keys]
        minhash = np.stack(rows) if rows else np.zeros((0, SIGNATURE_SIZE), dtype=np.uint64)
        digests = b"".join(bytes.fromhex(self._signatures[k].exact) for k in keys)
        exact = np.frombuffer(digests, dtype=np.uint8).reshape(len(keys), 32)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            with open(tmp, "wb") as file:
                np.savez(file, keys=np.array(keys, dtype=str), exact=exact, minhash=minhash)
            os.replace(tmp, path)
        finally:  # a failed save (a full disk) leaves no partial file, one per generation
            tmp.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> SignatureTable:
        """A table written by `save`; OSError or ValueError if unreadable."""
        table = cls()
        with np.load(path, allow_pickle=False) as saved:
            keys, exact, minhash = saved["keys"], saved["exact"], saved["minhash"]
            if (minhash.shape != (len(keys), SIGNATURE_SIZE)
                    or exact.shape != (len(keys), 32)):
                raise ValueError(f"{path.name}: inconsistent signature table")
            table.add_all((str(key), Signature(digest.tobytes().hex(), row.astype(np.uint64)))
                          for key, digest, row in zip(keys, exact, minhash, strict=True))
        return table


def _discard(index: dict[K, set[str]], where: K, key: str) -> None:
    keys = index.get(where)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del index[where]
