"""BM25 (Okapi) engine with precomputed impacts, score-identical to rank_bm25.BM25Okapi.

The index is segmented (#13): a main segment of CSR postings with a precomputed impact per
posting, a small delta segment of documents added since, and a live mask (tombstones) of
removed documents. Statistics (N, df, avgdl, IDF) are always those of the live documents
across both segments, so scores stay those of BM25Okapi built from scratch on them. While a
delta or a removal exists the main impacts are stale (they hold the old avgdl and IDF): the
query terms' weights are then recomputed from tf at query time, until `merge` folds the
delta in and recomputes the impacts.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = ["BM25", "FORMAT_VERSION", "IndexFormatError", "SearchEngine"]

FORMAT_VERSION = 3  # 3: delta segment, live mask and df (#13); 2: array checksums (#9)
_FORMAT_NAME = "bm25-csr"
_PARAMS_FILE = "params.json"
_VOCAB_FILE = "vocab.json"
_DELTA_VOCAB_FILE = "vocab-delta.json"
_ARRAY_DTYPES: dict[str, type[np.generic]] = {
    "indptr": np.int64,
    "doc_ids": np.int32,
    "tf": np.int32,
    "impacts": np.float64,
    "doc_len": np.int32,
    "live": np.bool_,
    "df": np.int64,
    "delta_indptr": np.int64,
    "delta_doc_ids": np.int32,
    "delta_tf": np.int32,
}
# The main segment's files: unchanged by an add or a removal, so a new generation links them.
_MAIN_ARRAYS = ("indptr", "doc_ids", "tf", "impacts")
_MAX_DOCS = 2**31 - 1
# Impacts are recomputed in blocks of about this many postings to bound temporary memory.
_IMPACT_BLOCK = 1 << 22

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Mask = NDArray[np.bool_]


class IndexFormatError(ValueError):
    """A saved index is missing, truncated, corrupt or of an unsupported format version."""


class SearchEngine(Protocol):
    """What ranking (index.rank, index.understand, index.vocabulary) reads from an engine,
    so that another engine can serve later. Document indices are ordinals: a removed
    document keeps its ordinal and never matches."""

    @property
    def n_docs(self) -> int: ...
    @property
    def k1(self) -> float: ...
    def __contains__(self, term: object) -> bool: ...
    def idf(self, term: str) -> float: ...
    def doc_freq(self, term: str) -> int: ...
    def terms(self) -> list[str]: ...
    def doc_freqs(self) -> list[int]: ...
    def docs_with(self, term: str) -> I32: ...
    def top_k(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]: ...
    def top_k_weighted(self, weights: Mapping[str, float], k: int
                       ) -> list[tuple[int, float]]: ...
    def term_scores(self, term: str, docs: Sequence[int]) -> tuple[Mask, F64]: ...


class _Interner(dict[str, int]):
    """Term -> id map that gives unseen terms the next id, in first-appearance order."""

    def __missing__(self, term: str) -> int:
        """Assign the next id to a new term."""
        if not isinstance(term, str):
            raise TypeError(f"tokens must be str, got {type(term).__name__}")
        term_id = self[term] = len(self)
        return term_id


@dataclass(frozen=True, slots=True)
class _Postings:
    """CSR postings of one segment, doc ids sorted within each term; `indptr` may cover
    fewer terms than the vocabulary (terms first seen later have no postings here)."""

    indptr: I64
    doc_ids: I32
    tf: I32

    def span(self, term_id: int) -> tuple[int, int]:
        """Start and end of a term's postings (empty past the segment's terms)."""
        if term_id + 1 >= self.indptr.shape[0]:
            return 0, 0
        return int(self.indptr[term_id]), int(self.indptr[term_id + 1])

    @property
    def n_terms(self) -> int:
        return int(self.indptr.shape[0]) - 1

    @staticmethod
    def empty(n_terms: int) -> _Postings:
        return _Postings(np.zeros(n_terms + 1, dtype=np.int64), np.zeros(0, dtype=np.int32),
                         np.zeros(0, dtype=np.int32))


@dataclass(frozen=True, slots=True)
class _State:
    """Immutable index snapshot; queries read one snapshot so updates are swap-atomic."""

    vocab: _Interner
    main: _Postings
    impacts: F64  # main's; current only when `exact`
    delta: _Postings
    doc_len: I32  # every ordinal, removed ones too
    live: Mask
    df: I64  # live documents per term
    n_live: int
    total_tokens: int  # of the live documents
    idf: F64
    avgdl: float
    average_idf: float
    norm: F64  # k1 * (1 - b + b * doc_len / avgdl), per ordinal
    exact: bool  # no delta, no removed postings in main, impacts from these statistics
    main_digests: dict[str, str] | None = None  # sha256 of main's files, when saved/loaded


@dataclass(frozen=True, slots=True)
class _Batch:
    """Postings of a batch of new documents, sorted by (term, doc)."""

    term_counts: I64
    doc_ids: I32
    tf: I32
    doc_len: I32


# Memory: 16 bytes per posting (int32 doc id, int32 tf, float64 impact), 8 per term, 4 per
# doc: ~780 MB at 1M docs x 60 tokens (48M postings). Impacts are float64 so scores stay
# bit-identical to rank_bm25. Queries read only doc ids and impacts while the index is
# exact; tf is for updates, so on a memory-mapped index it is then never paged in.
class BM25:
    """Okapi BM25 over a segmented CSR inverted index (see the module docstring)."""

    __slots__ = ("_b", "_epsilon", "_k1", "_state")

    def __init__(
        self,
        corpus_tokens: Sequence[Sequence[str]],
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
    ) -> None:
        """Index a tokenised corpus; it must hold at least one token (as rank_bm25 requires)."""
        self._k1, self._b, self._epsilon = float(k1), float(b), float(epsilon)
        vocab = _Interner()
        batch = _collect_postings(corpus_tokens, vocab, first_doc=0)
        _require_tokens(batch.doc_len)
        main = _Postings(_indptr_from_counts(batch.term_counts), batch.doc_ids, batch.tf)
        n = int(batch.doc_len.shape[0])
        self._state = self._exact_state(vocab, main, batch.doc_len, np.ones(n, dtype=bool),
                                        batch.term_counts)

    # ----- properties -------------------------------------------------------------------

    @property
    def n_docs(self) -> int:
        """Number of live (indexed, not removed) documents."""
        return self._state.n_live

    @property
    def n_slots(self) -> int:
        """Number of document ordinals, removed documents included (get_scores' length)."""
        return int(self._state.doc_len.shape[0])

    @property
    def n_terms(self) -> int:
        """Vocabulary size (terms of live documents)."""
        return int(np.count_nonzero(self._state.df))

    @property
    def n_postings(self) -> int:
        """Number of stored (term, document) pairs, in both segments."""
        st = self._state
        return int(st.main.doc_ids.shape[0] + st.delta.doc_ids.shape[0])

    @property
    def n_delta_docs(self) -> int:
        """Documents in the delta segment (added since the last merge)."""
        st = self._state
        return int(st.doc_len.shape[0]) - _main_slots(st)

    @property
    def exact(self) -> bool:
        """True when no delta or removal awaits a merge (queries read precomputed impacts)."""
        return self._state.exact

    @property
    def doc_len(self) -> I32:
        """Token count of each document ordinal (read-only)."""
        return _read_only(self._state.doc_len)

    @property
    def live(self) -> Mask:
        """Which document ordinals are live (read-only)."""
        return _read_only(self._state.live)

    @property
    def avgdl(self) -> float:
        """Average live document length."""
        return self._state.avgdl

    @property
    def average_idf(self) -> float:
        """Mean raw IDF over all terms (the epsilon floor is epsilon times this)."""
        return self._state.average_idf

    @property
    def k1(self) -> float:
        """Term-frequency saturation parameter."""
        return self._k1

    @property
    def b(self) -> float:
        """Length normalisation parameter."""
        return self._b

    @property
    def epsilon(self) -> float:
        """Floor factor applied to negative IDFs."""
        return self._epsilon

    def __contains__(self, term: object) -> bool:
        """True when the term occurs in at least one live document."""
        return isinstance(term, str) and _term_id(self._state, term) is not None

    def idf(self, term: str) -> float:
        """Effective IDF of a term (0.0 when unknown), as rank_bm25's idf dict holds it."""
        term_id = _term_id(self._state, term)
        return 0.0 if term_id is None else float(self._state.idf[term_id])

    def doc_freq(self, term: str) -> int:
        """Number of live documents holding a term (0 when unknown)."""
        term_id = _term_id(self._state, term)
        return 0 if term_id is None else int(self._state.df[term_id])

    def terms(self) -> list[str]:
        """Every term of a live document, in term-id order (a copy)."""
        st = self._state
        present = st.df > 0
        if present.all():
            return list(st.vocab)
        return [t for t, keep in zip(st.vocab, present.tolist(), strict=True) if keep]

    def docs_with(self, term: str) -> I32:
        """Sorted indices of the live documents holding a term (read-only; empty if none)."""
        st = self._state
        term_id = _term_id(st, term)
        if term_id is None:
            return np.zeros(0, dtype=np.int32)
        return _read_only(_live_postings(st, term_id)[0])

    def occurrences(self) -> dict[str, int]:
        """Total occurrences (term frequency summed over live documents) of every term."""
        st = self._state
        totals = np.zeros(len(st.vocab), dtype=np.int64)
        for seg in (st.main, st.delta):
            keep = st.live[seg.doc_ids]
            terms = np.searchsorted(seg.indptr, np.flatnonzero(keep), side="right") - 1
            totals += np.bincount(terms, weights=seg.tf[keep], minlength=len(st.vocab)
                                  ).astype(np.int64)
        present = (st.df > 0).tolist()
        return {t: n for t, n, keep in zip(st.vocab, totals.tolist(), present, strict=True)
                if keep}

    def doc_freqs(self) -> list[int]:
        """Document frequency of every term, aligned with terms()."""
        df = self._state.df
        return [int(f) for f in df[df > 0].tolist()]

    # ----- queries ----------------------------------------------------------------------

    def get_scores(self, query_tokens: Sequence[str]) -> F64:
        """Score of every ordinal, as rank_bm25.BM25Okapi.get_scores on the live documents
        (absent terms add 0; removed documents score 0)."""
        st = self._state
        ids = _query_term_ids(st, query_tokens)
        n = st.doc_len.shape[0]
        if not ids:
            return np.zeros(n, dtype=np.float64)
        docs, weights = _gather(st, ids, self._k1)
        # bincount adds in input order, i.e. term by term as rank_bm25 does: same rounding.
        return _weighted_bincount(docs, weights, n)

    def top_k(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        """Best k live documents matching at least one query term: score desc, then doc
        index asc."""
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        st = self._state
        ids = _query_term_ids(st, query_tokens)
        if k == 0 or not ids:
            return []
        docs, scores = _matching_scores(st, ids, self._k1)
        best = _top_indices(scores, k)
        return list(zip(docs[best].tolist(), scores[best].tolist(), strict=True))

    def top_k_weighted(self, weights: Mapping[str, float], k: int) -> list[tuple[int, float]]:
        """Best k documents by the sum of weight x BM25 term score over the mapping's terms
        (in its order), matching at least one; ties by doc index as top_k. Weights of 1.0
        give exactly top_k's scores for the same distinct terms."""
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        st = self._state
        pairs = [(i, float(w)) for i, w in ((_term_id(st, t), w) for t, w in weights.items())
                 if i is not None]
        if k == 0 or not pairs:
            return []
        docs, scores = _matching_scores(st, [i for i, _ in pairs], self._k1,
                                        [w for _, w in pairs])
        best = _top_indices(scores, k)
        return list(zip(docs[best].tolist(), scores[best].tolist(), strict=True))

    def holds(self, term: str, docs: Sequence[int]) -> Mask:
        """Which of the given documents contain the term: a binary search in its postings,
        O(len(docs) x log df), without reading the documents."""
        return self.term_scores(term, docs)[0]

    def term_scores(self, term: str, docs: Sequence[int]) -> tuple[Mask, F64]:
        """For each given document: whether it is live and holds the term, and the term's
        BM25 score in it (0 where absent), by binary search in the term's postings."""
        st = self._state
        wanted = np.asarray(docs, dtype=np.int64)
        term_id = _term_id(st, term)
        if term_id is None or wanted.shape[0] == 0:
            return np.zeros(wanted.shape[0], dtype=bool), np.zeros(wanted.shape[0])
        held_main, at_main = _find(st.main, term_id, wanted)
        if st.exact:
            s, _ = st.main.span(term_id)
            return held_main, np.where(held_main, st.impacts[s:][at_main], 0.0)
        held_delta, at_delta = _find(st.delta, term_id, wanted)
        tf = np.where(held_main, _tf_at(st.main, term_id, at_main),
                      _tf_at(st.delta, term_id, at_delta))
        safe = np.clip(wanted, 0, st.live.shape[0] - 1)
        held = (held_main | held_delta) & st.live[safe]
        scores = _weights(st, term_id, tf, safe, self._k1)
        return held, np.where(held, scores, 0.0)

    # ----- updates ----------------------------------------------------------------------

    def append(self, corpus_tokens: Sequence[Sequence[str]]) -> range:
        """Add documents to the delta segment, in time proportional to them (plus O(terms +
        docs) for the statistics); returns their ordinals. Scores stay exact; `merge` later."""
        st = self._state
        n0 = int(st.doc_len.shape[0])
        vocab = _Interner(st.vocab)  # a copy, so a failure leaves the index untouched
        batch = _collect_postings(corpus_tokens, vocab, first_doc=n0)
        n = int(batch.doc_len.shape[0])
        if n == 0:
            return range(n0, n0)
        delta = _merge_postings(st.delta, batch, len(vocab))
        df = _padded(st.df, len(vocab))
        df += batch.term_counts
        self._state = self._restat(
            st, vocab=vocab, delta=delta, df=df,
            doc_len=np.concatenate([st.doc_len, batch.doc_len]),
            live=np.concatenate([st.live, np.ones(n, dtype=bool)]),
            n_live=st.n_live + n, total_tokens=st.total_tokens + int(batch.doc_len.sum()))
        return range(n0, n0 + n)

    def remove(self, ordinals: Iterable[int]) -> int:
        """Mask documents (tombstones); their ordinals stay. Returns how many were live.
        Finding their terms scans the postings' doc ids once (vectorised)."""
        st = self._state
        ords = np.unique(np.fromiter(ordinals, dtype=np.int64))
        if ords.shape[0] and (ords[0] < 0 or ords[-1] >= st.doc_len.shape[0]):
            raise ValueError("no such document ordinal")
        ords = ords[st.live[ords]]
        if ords.shape[0] == 0:
            return 0
        dead = np.zeros(st.doc_len.shape[0], dtype=bool)
        dead[ords] = True
        removed_tokens = int(st.doc_len[ords].sum(dtype=np.int64))
        if st.total_tokens - removed_tokens <= 0:
            raise ValueError("cannot remove every token of the index")
        df = st.df.copy()
        for seg in (st.main, st.delta):
            df -= _term_counts(seg, dead, len(st.vocab))
        live = st.live.copy()
        live[ords] = False
        self._state = self._restat(st, df=df, live=live, n_live=st.n_live - int(ords.shape[0]),
                                   total_tokens=st.total_tokens - removed_tokens)
        return int(ords.shape[0])

    def merge(self) -> None:
        """Fold the delta into the main segment, drop removed documents' postings and
        recompute the impacts: O(postings); ordinals do not change."""
        st = self._state
        if st.exact:
            return
        n_terms = len(st.vocab)
        removed = ~st.live
        main_counts = _padded(np.diff(st.main.indptr), n_terms)
        main_counts -= _term_counts(st.main, removed, n_terms)
        keep = st.live[st.main.doc_ids]
        main = _Postings(_indptr_from_counts(main_counts), st.main.doc_ids[keep],
                         st.main.tf[keep])
        delta_keep = st.live[st.delta.doc_ids]
        delta_counts = np.diff(st.delta.indptr) - _term_counts(st.delta, removed, n_terms)
        batch = _Batch(delta_counts, st.delta.doc_ids[delta_keep], st.delta.tf[delta_keep],
                       np.zeros(0, dtype=np.int32))
        merged = _merge_postings(main, batch, n_terms)
        self._state = self._exact_state(st.vocab, merged, st.doc_len, st.live, st.df)

    def copy(self) -> BM25:
        """An independent engine sharing this one's arrays (states are immutable): update
        the copy while this one keeps answering."""
        other = BM25.__new__(BM25)
        other._k1, other._b, other._epsilon = self._k1, self._b, self._epsilon
        other._state = self._state
        return other

    def add_documents(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        """Append documents and merge at once (existing postings merged, not rebuilt)."""
        self.append(corpus_tokens)
        self.merge()

    # ----- persistence ------------------------------------------------------------------

    def save(self, path: str | Path, link_from: str | Path | None = None) -> None:
        """Write the index to a directory: typed .npy arrays, vocabularies, then params.json.
        With `link_from` (a saved index this one was loaded from or saved as, with only a
        delta or removals since), the main segment's files are hard links to its files,
        not copies."""
        st = self._state
        root = Path(path)
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        root.chmod(0o700)  # owner-only, like the rest of the data folder
        (root / _PARAMS_FILE).unlink(missing_ok=True)  # an interrupted save must not load
        linked = _link_main(st, root, link_from)
        arrays = _arrays(st)
        digests = dict(linked)
        digests.update({name: _save_array(root / f"{name}.npy", arr, _ARRAY_DTYPES[name])
                        for name, arr in arrays.items() if name not in linked})
        n_main_terms = st.main.n_terms
        terms = list(st.vocab)
        if linked:  # _link_main linked the main vocabulary too
            vocab_bytes = (root / _VOCAB_FILE).read_bytes()
        else:
            vocab_bytes = _json_bytes(terms[:n_main_terms])
            _atomic_write(root / _VOCAB_FILE, vocab_bytes)
        delta_bytes = _json_bytes(terms[n_main_terms:])
        _atomic_write(root / _DELTA_VOCAB_FILE, delta_bytes)
        params = self._params(st)
        params["vocab_sha256"] = hashlib.sha256(vocab_bytes).hexdigest()
        params["delta_vocab_sha256"] = hashlib.sha256(delta_bytes).hexdigest()
        params["array_sha256"] = digests
        params["checksum"] = _params_checksum(params)
        _atomic_write(root / _PARAMS_FILE, json.dumps(params, indent=2).encode("utf-8"))
        self._state = replace(st, main_digests={n: digests[n] for n in _MAIN_ARRAYS})

    @classmethod
    def load(cls, path: str | Path, mmap: bool = True) -> BM25:
        """Open a saved index, memory-mapping its arrays unless mmap is False."""
        root = Path(path)
        params = _read_params(root)
        vocab = _read_vocab(root, params)
        arrays = {name: _load_array(root, name, size, mmap, params["array_sha256"][name])
                  for name, size in _array_sizes(params).items()}
        _check_arrays(arrays, params)
        self = cls.__new__(cls)
        self._k1, self._b, self._epsilon = params["k1"], params["b"], params["epsilon"]
        main = _Postings(arrays["indptr"], arrays["doc_ids"], arrays["tf"])
        delta = _Postings(arrays["delta_indptr"], arrays["delta_doc_ids"], arrays["delta_tf"])
        n_live = int(np.count_nonzero(arrays["live"]))
        state = _State(vocab, main, arrays["impacts"], delta, arrays["doc_len"],
                       arrays["live"], arrays["df"], n_live, params["total_tokens"],
                       np.zeros(0), 0.0, 0.0, np.zeros(0), params["impacts_exact"])
        self._state = replace(self._restat(state, exact=params["impacts_exact"]),
                              main_digests={n: params["array_sha256"][n] for n in _MAIN_ARRAYS})
        return self

    # ----- internals --------------------------------------------------------------------

    def _exact_state(self, vocab: _Interner, main: _Postings, doc_len: I32, live: Mask,
                     df: I64) -> _State:
        """A state without delta or removed postings, with every impact computed."""
        n_live = int(np.count_nonzero(live))
        total = int(doc_len[live].sum(dtype=np.int64))
        st = _State(vocab, main, np.zeros(0), _Postings.empty(len(vocab)), doc_len, live, df,
                    n_live, total, np.zeros(0), 0.0, 0.0, np.zeros(0), True)
        st = self._restat(st, exact=True)
        impacts = _compute_impacts(main, st.idf, st.norm, self._k1)
        return replace(st, impacts=impacts)

    def _restat(self, st: _State, exact: bool = False, **changes: Any) -> _State:
        """The state with `changes`, and IDF, avgdl and norms recomputed: O(terms + docs)."""
        st = replace(st, exact=exact, main_digests=st.main_digests, **changes)
        idf, average_idf = _idf(st.df, st.n_live, self._epsilon)
        avgdl = st.total_tokens / st.n_live
        norm = self._k1 * ((1 - self._b) + (self._b * st.doc_len.astype(np.float64)) / avgdl)
        return replace(st, idf=idf, average_idf=average_idf, avgdl=avgdl, norm=norm)

    def _params(self, st: _State) -> dict[str, Any]:
        """The params.json content, without checksums."""
        return {
            "format": _FORMAT_NAME,
            "version": FORMAT_VERSION,
            "k1": self._k1,
            "b": self._b,
            "epsilon": self._epsilon,
            "n_docs": int(st.doc_len.shape[0]),
            "n_terms": len(st.vocab),
            "n_main_terms": st.main.n_terms,
            "n_postings": int(st.main.doc_ids.shape[0]),
            "n_delta_postings": int(st.delta.doc_ids.shape[0]),
            "total_tokens": st.total_tokens,
            "impacts_exact": st.exact,
        }


# ----- segments -----------------------------------------------------------------------


def _read_only(arr: NDArray[Any]) -> NDArray[Any]:
    view = arr.view()
    view.flags.writeable = False
    return view


def _main_slots(st: _State) -> int:
    """Ordinals below the first delta document."""
    if st.delta.doc_ids.shape[0] == 0:
        return int(st.doc_len.shape[0])
    return int(st.delta.doc_ids.min())


def _term_id(st: _State, term: str) -> int | None:
    """Id of a term held by a live document, else None."""
    term_id = st.vocab.get(term)
    if term_id is None or st.df[term_id] == 0:
        return None
    return term_id


def _padded(counts: I64, n_terms: int) -> I64:
    out = np.zeros(n_terms, dtype=np.int64)
    out[: counts.shape[0]] = counts
    return out


def _term_counts(seg: _Postings, docs: Mask, n_terms: int) -> I64:
    """Postings per term of the segment whose doc is in the mask."""
    hits = np.flatnonzero(docs[seg.doc_ids])
    terms = np.searchsorted(seg.indptr, hits, side="right") - 1
    return np.bincount(terms, minlength=n_terms).astype(np.int64)


def _merge_postings(seg: _Postings, batch: _Batch, n_terms: int) -> _Postings:
    """The segment with a batch of documents whose ids are all above its own."""
    old_counts = _padded(np.diff(seg.indptr), n_terms)
    # New docs have larger ids, so each term's new postings go right after its old ones.
    at = np.repeat(np.cumsum(old_counts), batch.term_counts)
    return _Postings(_indptr_from_counts(old_counts + batch.term_counts),
                     _insert_sorted(seg.doc_ids, at, batch.doc_ids),
                     _insert_sorted(seg.tf, at, batch.tf))


def _find(seg: _Postings, term_id: int, wanted: I64) -> tuple[Mask, I64]:
    """For each wanted doc: whether the segment's term postings hold it, and where."""
    s, e = seg.span(term_id)
    if e == s:
        return np.zeros(wanted.shape[0], dtype=bool), np.zeros(wanted.shape[0], dtype=np.int64)
    at = np.minimum(np.searchsorted(seg.doc_ids[s:e], wanted), e - s - 1)
    return np.asarray(seg.doc_ids[s:e][at] == wanted, dtype=bool), at


def _tf_at(seg: _Postings, term_id: int, at: I64) -> I32:
    """tf of the term's postings at the given positions (0 where the term has none)."""
    s, e = seg.span(term_id)
    if e == s:
        return np.zeros(at.shape[0], dtype=np.int32)
    return np.asarray(seg.tf[s:e][at], dtype=np.int32)


def _live_postings(st: _State, term_id: int) -> tuple[I32, I32]:
    """Doc ids and tf of a term's live postings, main then delta (so sorted)."""
    ms, me = st.main.span(term_id)
    ds, de = st.delta.span(term_id)
    if de == ds:
        docs, tf = st.main.doc_ids[ms:me], st.main.tf[ms:me]
    else:
        docs = np.concatenate([st.main.doc_ids[ms:me], st.delta.doc_ids[ds:de]])
        tf = np.concatenate([st.main.tf[ms:me], st.delta.tf[ds:de]])
    if st.n_live == st.doc_len.shape[0]:
        return docs, tf
    keep = st.live[docs]
    return docs[keep], tf[keep]


def _weights(st: _State, term_id: int, tf: I32, docs: NDArray[np.integer[Any]], k1: float
             ) -> F64:
    """The term's BM25 score in each doc, as rank_bm25 computes it."""
    freq = tf.astype(np.float64)
    weights: F64 = st.idf[term_id] * ((freq * (k1 + 1)) / (freq + st.norm[docs]))
    return weights


def _arrays(st: _State) -> dict[str, NDArray[Any]]:
    return {
        "indptr": st.main.indptr,
        "doc_ids": st.main.doc_ids,
        "tf": st.main.tf,
        "impacts": st.impacts,
        "doc_len": st.doc_len,
        "live": st.live,
        "df": st.df,
        "delta_indptr": st.delta.indptr,
        "delta_doc_ids": st.delta.doc_ids,
        "delta_tf": st.delta.tf,
    }


def _array_sizes(params: dict[str, Any]) -> dict[str, int]:
    return {
        "indptr": params["n_main_terms"] + 1,
        "doc_ids": params["n_postings"],
        "tf": params["n_postings"],
        "impacts": params["n_postings"],
        "doc_len": params["n_docs"],
        "live": params["n_docs"],
        "df": params["n_terms"],
        "delta_indptr": params["n_terms"] + 1,
        "delta_doc_ids": params["n_delta_postings"],
        "delta_tf": params["n_delta_postings"],
    }


def _link_main(st: _State, root: Path, link_from: str | Path | None) -> dict[str, str]:
    """Hard-link the main segment's files from a saved index holding the same ones (same
    checksums); returns their digests, or {} when there is nothing to link."""
    if link_from is None or st.main_digests is None:
        return {}
    source = Path(link_from)
    try:
        theirs = _read_params(source)["array_sha256"]
    except IndexFormatError:
        return {}
    if any(theirs.get(n) != st.main_digests[n] for n in _MAIN_ARRAYS):
        return {}
    for name in (*(f"{n}.npy" for n in _MAIN_ARRAYS), _VOCAB_FILE):
        (root / name).unlink(missing_ok=True)
        os.link(source / name, root / name)
    return dict(st.main_digests)


def _json_bytes(terms: list[str]) -> bytes:
    return json.dumps(terms, ensure_ascii=False).encode("utf-8")


# ----- building -----------------------------------------------------------------------


def _collect_postings(corpus: Sequence[Sequence[str]], vocab: _Interner, first_doc: int) -> _Batch:
    """Turn documents into (term, doc)-sorted postings with term frequencies, vectorised."""
    _check_corpus(corpus)
    n = len(corpus)
    if first_doc + n > _MAX_DOCS:
        raise ValueError(f"at most {_MAX_DOCS} documents are supported")
    doc_len = np.fromiter(map(len, corpus), dtype=np.int64, count=n)
    term_ids = np.fromiter(
        map(vocab.__getitem__, chain.from_iterable(corpus)),
        dtype=np.int64,
        count=int(doc_len.sum()),
    )
    # One int64 key per token, term in the high half: one sort groups by term, then doc.
    keys = np.left_shift(term_ids, 32, out=term_ids)
    keys |= np.repeat(np.arange(first_doc, first_doc + n, dtype=np.int64), doc_len)
    keys.sort()
    is_first = np.empty(keys.shape[0], dtype=bool)
    is_first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=is_first[1:])
    starts = np.flatnonzero(is_first)
    unique_keys = keys[starts]
    return _Batch(
        term_counts=np.bincount(unique_keys >> 32, minlength=len(vocab)).astype(np.int64),
        doc_ids=(unique_keys & 0xFFFFFFFF).astype(np.int32),
        tf=np.diff(starts, append=keys.shape[0]).astype(np.int32),
        doc_len=doc_len.astype(np.int32),
    )


def _check_corpus(corpus: Sequence[Sequence[str]]) -> None:
    """Reject a str where a token list is expected (it would be indexed char by char)."""
    if isinstance(corpus, str) or any(isinstance(doc, str) for doc in corpus):
        raise TypeError("corpus_tokens must be a sequence of token sequences, not str")


def _require_tokens(doc_len: I32) -> None:
    """rank_bm25 divides by zero on a corpus without tokens; fail clearly instead."""
    if doc_len.shape[0] == 0 or not doc_len.any():
        raise ValueError("corpus_tokens must contain at least one token")


def _indptr_from_counts(counts: I64) -> I64:
    """CSR row pointer from per-term posting counts."""
    indptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr


def _insert_sorted(old: I32, at: I64, new: I32) -> I32:
    """np.insert for non-decreasing insertion points, without its generic re-sorting."""
    dest = at + np.arange(at.shape[0], dtype=np.int64)
    out = np.empty(old.shape[0] + new.shape[0], dtype=old.dtype)
    keep = np.ones(out.shape[0], dtype=bool)
    keep[dest] = False
    out[dest] = new
    out[keep] = old
    return out


def _idf(df: I64, n_docs: int, epsilon: float) -> tuple[F64, float]:
    """Effective IDF per term (0 for terms of no live document) and the average raw IDF
    over the terms of live documents, computed as rank_bm25 does."""
    present = df > 0
    df_values, inverse = np.unique(df[present], return_inverse=True)
    # math.log (not np.log) so every IDF is bit-identical to rank_bm25's.
    logs = [math.log(n_docs - f + 0.5) - math.log(f + 0.5) for f in df_values.tolist()]
    raw = np.asarray(logs, dtype=np.float64)[inverse.reshape(-1)]
    # Sequential sum in term-id (= first appearance) order, like rank_bm25's loop.
    average_idf = float(np.cumsum(raw)[-1]) / raw.shape[0]
    idf = np.zeros(df.shape[0], dtype=np.float64)
    idf[present] = np.where(raw < 0, epsilon * average_idf, raw)
    return idf, average_idf


def _compute_impacts(seg: _Postings, idf: F64, norm: F64, k1: float) -> F64:
    """idf * tf*(k1+1) / (tf + norm[doc]) per posting, in term blocks to bound memory."""
    indptr, doc_ids, tf = seg.indptr, seg.doc_ids, seg.tf
    out = np.empty(doc_ids.shape[0], dtype=np.float64)
    for t0, t1 in _term_blocks(indptr):
        s, e = int(indptr[t0]), int(indptr[t1])
        freq = tf[s:e].astype(np.float64)
        ratio = (freq * (k1 + 1)) / (freq + norm[doc_ids[s:e]])
        out[s:e] = np.repeat(idf[t0:t1], np.diff(indptr[t0 : t1 + 1])) * ratio
    return out


def _term_blocks(indptr: I64) -> Iterable[tuple[int, int]]:
    """Consecutive term ranges holding about _IMPACT_BLOCK postings each."""
    marks = np.arange(0, int(indptr[-1]), _IMPACT_BLOCK, dtype=np.int64)
    cuts = np.unique(np.searchsorted(indptr, marks, side="right") - 1).tolist()
    bounds = [*cuts, indptr.shape[0] - 1]
    return [(t0, t1) for t0, t1 in pairwise(bounds) if t1 > t0]


# ----- querying -----------------------------------------------------------------------


def _query_term_ids(st: _State, query_tokens: Sequence[str]) -> list[int]:
    """Ids of known query terms, repeats kept (each occurrence scores again)."""
    if isinstance(query_tokens, str):
        raise TypeError("query_tokens must be a sequence of tokens, not str")
    return [i for i in (_term_id(st, t) for t in query_tokens) if i is not None]


def _term_postings(st: _State, term_id: int, k1: float) -> tuple[I32, F64]:
    """A term's live docs and its BM25 score in each: the precomputed impacts when the
    index is exact, else recomputed from tf with the current IDF and avgdl."""
    if st.exact:
        s, e = st.main.span(term_id)
        return st.main.doc_ids[s:e], st.impacts[s:e]
    docs, tf = _live_postings(st, term_id)
    return docs, _weights(st, term_id, tf, docs, k1)


def _gather(st: _State, ids: list[int], k1: float, factors: Sequence[float] | None = None
            ) -> tuple[I32, F64]:
    """Concatenated postings (doc ids, scores) of the given terms, in query order; each
    term's scores multiplied by its factor when factors are given."""
    if factors is None:
        factors = [1.0] * len(ids)
    parts = [_term_postings(st, i, k1) for i in ids]
    weights = [_scaled(w, f) for (_, w), f in zip(parts, factors, strict=True)]
    if len(parts) == 1:
        return parts[0][0], weights[0]
    return np.concatenate([d for d, _ in parts]), np.concatenate(weights)


def _scaled(impacts: F64, factor: float) -> F64:
    """impacts x factor; a factor of 1 returns them untouched (no copy, same bits)."""
    return impacts if factor == 1.0 else impacts * factor


def _matching_scores(st: _State, ids: list[int], k1: float,
                     factors: Sequence[float] | None = None
                     ) -> tuple[NDArray[np.integer[Any]], F64]:
    """Scores of the documents matching any query term, sorted by doc id; O(sum of df)."""
    docs, weights = _gather(st, ids, k1, factors)
    if len(ids) == 1:
        return docs, weights
    sorted_docs, order = _stable_argsort(docs)
    is_first = np.empty(sorted_docs.shape[0], dtype=bool)
    is_first[:1] = True
    np.not_equal(sorted_docs[1:], sorted_docs[:-1], out=is_first[1:])
    group = np.cumsum(is_first) - 1
    # Equal docs stay in query order, so each sum rounds exactly as in get_scores.
    return sorted_docs[is_first], _weighted_bincount(group, weights[order], 0)


def _stable_argsort(docs: I32) -> tuple[I64, I64]:
    """Sorted doc ids and their stable sorting permutation."""
    # Position in the low 32 bits makes keys unique, so the (faster, SIMD) unstable sort
    # yields the stable order; a query cannot gather 2**32 postings in memory anyway.
    keys = docs.astype(np.int64) << 32
    keys |= np.arange(docs.shape[0], dtype=np.int64)
    keys.sort()
    return keys >> 32, keys & 0xFFFFFFFF


def _weighted_bincount(bins: NDArray[np.integer[Any]], weights: F64, minlength: int) -> F64:
    """np.bincount with weights: sums each bin sequentially in input order."""
    return np.asarray(np.bincount(bins, weights=weights, minlength=minlength), dtype=np.float64)


def _top_indices(scores: F64, k: int) -> I64:
    """Indices of the k best scores, desc; ties by index asc (scores are in doc order)."""
    m = scores.shape[0]
    if k < m:
        threshold = scores[np.argpartition(scores, m - k)[m - k]]  # the k-th best score
        above = np.flatnonzero(scores > threshold)
        ties = np.flatnonzero(scores == threshold)[: k - above.shape[0]]
        candidates = np.concatenate([above, ties])
    else:
        candidates = np.arange(m, dtype=np.int64)
    return candidates[np.lexsort((candidates, -scores[candidates]))]


# ----- persistence helpers ------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so readers (and live mmaps) never see a torn file."""
    tmp = path.with_name(path.name + ".tmp")
    with _create_private(tmp) as fh:
        fh.write(data)
    os.replace(tmp, path)


def _save_array(path: Path, arr: NDArray[Any], dtype: type[np.generic]) -> str:
    """np.save with an explicit dtype, replacing the file atomically (old mmaps stay valid).
    Returns the sha256 of the file as written."""
    tmp = path.with_name(path.name + ".tmp")
    with _create_private(tmp) as fh:
        np.save(fh, np.ascontiguousarray(arr, dtype=dtype), allow_pickle=False)
    digest = _file_sha256(tmp)
    os.replace(tmp, path)
    return digest


def _create_private(path: Path) -> BinaryIO:
    """Open a new or truncated file for writing, readable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover temporary file keeps its old mode otherwise
    return os.fdopen(fd, "wb")


def _file_sha256(path: Path) -> str:
    """sha256 of a whole file (header and data), read in large blocks."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _params_checksum(params: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of params, checksum field excluded."""
    body = {k: v for k, v in params.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def _read_params(root: Path) -> dict[str, Any]:
    """Read and validate params.json."""
    try:
        params = json.loads((root / _PARAMS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexFormatError(f"{root}: cannot read {_PARAMS_FILE}: {exc}") from exc
    if not isinstance(params, dict) or params.get("format") != _FORMAT_NAME:
        raise IndexFormatError(f"{root}: not a {_FORMAT_NAME} index")
    if params.get("version") != FORMAT_VERSION:
        raise IndexFormatError(
            f"{root}: format version {params.get('version')!r}, expected {FORMAT_VERSION}"
        )
    if params.get("checksum") != _params_checksum(params):
        raise IndexFormatError(f"{root}: {_PARAMS_FILE} checksum mismatch")
    _check_param_types(root, params)
    return params


def _check_param_types(root: Path, params: dict[str, Any]) -> None:
    """Counts must be non-negative ints and parameters floats."""
    for key in ("n_docs", "n_terms", "n_main_terms", "n_postings", "n_delta_postings",
                "total_tokens"):
        value = params.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise IndexFormatError(f"{root}: bad {key} {value!r}")
    for key in ("k1", "b", "epsilon"):
        if not isinstance(params.get(key), float):
            raise IndexFormatError(f"{root}: bad {key} {params.get(key)!r}")
    if not isinstance(params.get("impacts_exact"), bool):
        raise IndexFormatError(f"{root}: bad impacts_exact {params.get('impacts_exact')!r}")
    if params["n_docs"] == 0 or params["total_tokens"] == 0:
        raise IndexFormatError(f"{root}: empty index")
    if params["n_main_terms"] > params["n_terms"]:
        raise IndexFormatError(f"{root}: more main terms than terms")
    digests = params.get("array_sha256")
    if not isinstance(digests, dict) or set(digests) != set(_ARRAY_DTYPES) or not all(
            isinstance(d, str) for d in digests.values()):
        raise IndexFormatError(f"{root}: bad array_sha256 {digests!r}")


def _read_terms(root: Path, name: str, sha256: object, count: int) -> list[str]:
    """A JSON list of `count` terms, checked against its sha256."""
    try:
        raw = (root / name).read_bytes()
    except OSError as exc:
        raise IndexFormatError(f"{root}: cannot read {name}: {exc}") from exc
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise IndexFormatError(f"{root}: {name} checksum mismatch")
    terms = json.loads(raw.decode("utf-8"))
    if not isinstance(terms, list) or len(terms) != count:
        raise IndexFormatError(f"{root}: {name} does not hold {count} terms")
    if not all(isinstance(term, str) for term in terms):
        raise IndexFormatError(f"{root}: {name} holds non-string terms")
    return terms


def _read_vocab(root: Path, params: dict[str, Any]) -> _Interner:
    """Read the main and delta vocabularies and check them against params."""
    n_main = params["n_main_terms"]
    terms = _read_terms(root, _VOCAB_FILE, params.get("vocab_sha256"), n_main)
    terms += _read_terms(root, _DELTA_VOCAB_FILE, params.get("delta_vocab_sha256"),
                         params["n_terms"] - n_main)
    vocab = _Interner(zip(terms, range(len(terms)), strict=True))
    if len(vocab) != len(terms):
        raise IndexFormatError(f"{root}: {_VOCAB_FILE} has duplicate terms")
    return vocab


def _load_array(root: Path, name: str, size: int, mmap: bool, sha256: str) -> NDArray[Any]:
    """Load one .npy, checking its checksum, dtype and length. The whole file is hashed
    before use, so bit rot or a bad restore is a format error, never a wrong answer."""
    path = root / f"{name}.npy"
    try:
        matches = _file_sha256(path) == sha256
        arr = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise IndexFormatError(f"{path}: unreadable or truncated: {exc}") from exc
    if not matches:
        raise IndexFormatError(f"{path}: {name}.npy checksum mismatch")
    dtype = np.dtype(_ARRAY_DTYPES[name])
    if not isinstance(arr, np.ndarray) or arr.dtype != dtype or arr.shape != (size,):
        got = f"{getattr(arr, 'dtype', '?')}{getattr(arr, 'shape', '')}"
        raise IndexFormatError(f"{path}: expected {dtype}[{size}], got {got}")
    return arr.view(np.ndarray)  # drop the memmap subclass: cheaper slicing, same mapping


def _check_arrays(arrays: dict[str, NDArray[Any]], params: dict[str, Any]) -> None:
    """Cheap O(terms + docs) consistency checks (postings themselves are not scanned)."""
    for name, postings in (("indptr", "n_postings"), ("delta_indptr", "n_delta_postings")):
        indptr = arrays[name]
        if int(indptr[0]) != 0 or int(indptr[-1]) != params[postings]:
            raise IndexFormatError(f"{name} does not span the postings")
        if np.any(np.diff(indptr) < 0):
            raise IndexFormatError(f"{name} is decreasing")
    live = arrays["live"]
    if int(arrays["doc_len"][live].sum(dtype=np.int64)) != params["total_tokens"]:
        raise IndexFormatError("doc_len does not add up to total_tokens")
    if not live.any() or np.any(arrays["df"] < 0):
        raise IndexFormatError("no live document, or a negative document frequency")
