"""BM25 (Okapi) engine with precomputed impacts, score-identical to rank_bm25.BM25Okapi."""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

__all__ = ["BM25", "FORMAT_VERSION", "IndexFormatError"]

FORMAT_VERSION = 2  # 2: a sha256 of every array file in params.json (#9)
_FORMAT_NAME = "bm25-csr"
_PARAMS_FILE = "params.json"
_VOCAB_FILE = "vocab.json"
_ARRAY_DTYPES: dict[str, type[np.generic]] = {
    "indptr": np.int64,
    "doc_ids": np.int32,
    "tf": np.int32,
    "impacts": np.float64,
    "doc_len": np.int32,
}
_MAX_DOCS = 2**31 - 1
# Impacts are recomputed in blocks of about this many postings to bound temporary memory.
_IMPACT_BLOCK = 1 << 22

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


class IndexFormatError(ValueError):
    """A saved index is missing, truncated, corrupt or of an unsupported format version."""


class _Interner(dict[str, int]):
    """Term -> id map that gives unseen terms the next id, in first-appearance order."""

    def __missing__(self, term: str) -> int:
        """Assign the next id to a new term."""
        if not isinstance(term, str):
            raise TypeError(f"tokens must be str, got {type(term).__name__}")
        term_id = self[term] = len(self)
        return term_id


@dataclass(frozen=True, slots=True)
class _State:
    """Immutable index snapshot; queries read one snapshot so add_documents is swap-atomic."""

    vocab: _Interner
    indptr: I64
    doc_ids: I32
    tf: I32
    impacts: F64
    doc_len: I32
    idf: F64
    avgdl: float
    average_idf: float


@dataclass(frozen=True, slots=True)
class _Batch:
    """Postings of a batch of new documents, sorted by (term, doc)."""

    term_counts: I64
    doc_ids: I32
    tf: I32
    doc_len: I32


# Memory: 16 bytes per posting (int32 doc id, int32 tf, float64 impact), 8 per term, 4 per
# doc: ~780 MB at 1M docs x 60 tokens (48M postings). Impacts are float64 so scores stay
# bit-identical to rank_bm25. Queries read only doc ids and impacts; tf is for add_documents,
# so on a memory-mapped index it is never paged in while serving.
class BM25:
    """Okapi BM25 over a CSR inverted index with a precomputed impact per posting."""

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
        indptr = _indptr_from_counts(batch.term_counts)
        self._state = self._derive(vocab, indptr, batch.doc_ids, batch.tf, batch.doc_len)

    # ----- properties -------------------------------------------------------------------

    @property
    def n_docs(self) -> int:
        """Number of indexed documents."""
        return int(self._state.doc_len.shape[0])

    @property
    def n_terms(self) -> int:
        """Vocabulary size."""
        return len(self._state.vocab)

    @property
    def n_postings(self) -> int:
        """Number of (term, document) pairs."""
        return int(self._state.doc_ids.shape[0])

    @property
    def doc_len(self) -> I32:
        """Token count of each document (read-only)."""
        view = self._state.doc_len.view()
        view.flags.writeable = False
        return view

    @property
    def avgdl(self) -> float:
        """Average document length."""
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
        """True when the term occurs in at least one document."""
        return isinstance(term, str) and term in self._state.vocab

    def idf(self, term: str) -> float:
        """Effective IDF of a term (0.0 when unknown), as rank_bm25's idf dict holds it."""
        term_id = self._state.vocab.get(term)
        return 0.0 if term_id is None else float(self._state.idf[term_id])

    def doc_freq(self, term: str) -> int:
        """Number of documents holding a term (0 when unknown)."""
        term_id = self._state.vocab.get(term)
        if term_id is None:
            return 0
        return int(self._state.indptr[term_id + 1] - self._state.indptr[term_id])

    def terms(self) -> list[str]:
        """Every indexed term, in term-id order (a copy; the index is not exposed)."""
        return list(self._state.vocab)

    def docs_with(self, term: str) -> I32:
        """Sorted indices of the documents holding a term (read-only; empty when unknown)."""
        st = self._state
        term_id = st.vocab.get(term)
        if term_id is None:
            return np.zeros(0, dtype=np.int32)
        view = st.doc_ids[int(st.indptr[term_id]):int(st.indptr[term_id + 1])].view()
        view.flags.writeable = False
        return view

    def occurrences(self) -> dict[str, int]:
        """Total occurrences (term frequency summed over documents) of every term."""
        st = self._state
        starts = st.indptr[:-1]
        totals = np.add.reduceat(st.tf.astype(np.int64), starts) if st.tf.shape[0] else starts
        return dict(zip(st.vocab, totals.tolist(), strict=True))

    def doc_freqs(self) -> list[int]:
        """Document frequency of every term, aligned with terms()."""
        return [int(f) for f in np.diff(self._state.indptr).tolist()]

    # ----- queries ----------------------------------------------------------------------

    def get_scores(self, query_tokens: Sequence[str]) -> F64:
        """Score of every document, as rank_bm25.BM25Okapi.get_scores (absent terms add 0)."""
        st = self._state
        ids = _query_term_ids(st, query_tokens)
        n = st.doc_len.shape[0]
        if not ids:
            return np.zeros(n, dtype=np.float64)
        docs, weights = _gather(st, ids)
        # bincount adds in input order, i.e. term by term as rank_bm25 does: same rounding.
        return _weighted_bincount(docs, weights, n)

    def top_k(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        """Best k documents matching at least one query term: score desc, then doc index asc."""
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        st = self._state
        ids = _query_term_ids(st, query_tokens)
        if k == 0 or not ids:
            return []
        docs, scores = _matching_scores(st, ids)
        best = _top_indices(scores, k)
        return list(zip(docs[best].tolist(), scores[best].tolist(), strict=True))

    def top_k_weighted(self, weights: Mapping[str, float], k: int) -> list[tuple[int, float]]:
        """Best k documents by the sum of weight x BM25 term score over the mapping's terms
        (in its order), matching at least one; ties by doc index as top_k. Weights of 1.0
        give exactly top_k's scores for the same distinct terms."""
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        st = self._state
        pairs = [(st.vocab[t], float(w)) for t, w in weights.items() if t in st.vocab]
        if k == 0 or not pairs:
            return []
        docs, scores = _matching_scores(st, [i for i, _ in pairs], [w for _, w in pairs])
        best = _top_indices(scores, k)
        return list(zip(docs[best].tolist(), scores[best].tolist(), strict=True))

    def holds(self, term: str, docs: Sequence[int]) -> NDArray[np.bool_]:
        """Which of the given documents contain the term: a binary search in its postings,
        O(len(docs) x log df), without reading the documents."""
        return self.term_scores(term, docs)[0]

    def term_scores(self, term: str, docs: Sequence[int]) -> tuple[NDArray[np.bool_], F64]:
        """For each given document: whether it holds the term, and the term's BM25 score
        in it (0 where absent), by binary search in the term's postings."""
        st = self._state
        wanted = np.asarray(docs, dtype=np.int64)
        term_id = st.vocab.get(term)
        if term_id is None or wanted.shape[0] == 0:
            return np.zeros(wanted.shape[0], dtype=bool), np.zeros(wanted.shape[0])
        start, end = int(st.indptr[term_id]), int(st.indptr[term_id + 1])
        at = np.minimum(np.searchsorted(st.doc_ids[start:end], wanted), end - start - 1)
        held = np.asarray(st.doc_ids[start:end][at] == wanted, dtype=bool)
        return held, np.where(held, st.impacts[start:end][at], 0.0)

    # ----- updates ----------------------------------------------------------------------

    def add_documents(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        """Append documents; existing postings are merged, not rebuilt, and impacts rescored."""
        st = self._state
        n0 = int(st.doc_len.shape[0])
        vocab = _Interner(st.vocab)  # a copy, so a failure leaves the index untouched
        batch = _collect_postings(corpus_tokens, vocab, first_doc=n0)
        if batch.doc_len.shape[0] == 0:
            return
        old_counts = np.zeros(len(vocab), dtype=np.int64)
        old_counts[: len(st.vocab)] = np.diff(st.indptr)
        # New docs have larger ids, so each term's new postings go right after its old ones.
        old_ends = np.cumsum(old_counts)
        at = np.repeat(old_ends, batch.term_counts)
        doc_ids = _insert_sorted(st.doc_ids, at, batch.doc_ids)
        tf = _insert_sorted(st.tf, at, batch.tf)
        indptr = _indptr_from_counts(old_counts + batch.term_counts)
        doc_len = np.concatenate([st.doc_len, batch.doc_len])
        self._state = self._derive(vocab, indptr, doc_ids, tf, doc_len)

    # ----- persistence ------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index to a directory: typed .npy arrays, vocab.json, then params.json."""
        st = self._state
        root = Path(path)
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        root.chmod(0o700)  # owner-only, like the rest of the data folder
        (root / _PARAMS_FILE).unlink(missing_ok=True)  # an interrupted save must not load
        arrays: dict[str, NDArray[Any]] = {
            "indptr": st.indptr,
            "doc_ids": st.doc_ids,
            "tf": st.tf,
            "impacts": st.impacts,
            "doc_len": st.doc_len,
        }
        digests = {name: _save_array(root / f"{name}.npy", arr, _ARRAY_DTYPES[name])
                   for name, arr in arrays.items()}
        vocab_bytes = json.dumps(list(st.vocab), ensure_ascii=False).encode("utf-8")
        _atomic_write(root / _VOCAB_FILE, vocab_bytes)
        params = self._params(st, hashlib.sha256(vocab_bytes).hexdigest())
        params["array_sha256"] = digests
        params["checksum"] = _params_checksum(params)
        _atomic_write(root / _PARAMS_FILE, json.dumps(params, indent=2).encode("utf-8"))

    @classmethod
    def load(cls, path: str | Path, mmap: bool = True) -> BM25:
        """Open a saved index, memory-mapping its arrays unless mmap is False."""
        root = Path(path)
        params = _read_params(root)
        vocab = _read_vocab(root, params)
        sizes = {
            "indptr": params["n_terms"] + 1,
            "doc_ids": params["n_postings"],
            "tf": params["n_postings"],
            "impacts": params["n_postings"],
            "doc_len": params["n_docs"],
        }
        arrays = {name: _load_array(root, name, size, mmap, params["array_sha256"][name])
                  for name, size in sizes.items()}
        _check_arrays(arrays, params)
        self = cls.__new__(cls)
        self._k1, self._b, self._epsilon = params["k1"], params["b"], params["epsilon"]
        idf, avgdl, average_idf = _stats(arrays["indptr"], arrays["doc_len"], self._epsilon)
        self._state = _State(
            vocab=vocab,
            indptr=arrays["indptr"],
            doc_ids=arrays["doc_ids"],
            tf=arrays["tf"],
            impacts=arrays["impacts"],
            doc_len=arrays["doc_len"],
            idf=idf,
            avgdl=avgdl,
            average_idf=average_idf,
        )
        return self

    # ----- internals --------------------------------------------------------------------

    def _derive(self, vocab: _Interner, indptr: I64, doc_ids: I32, tf: I32, doc_len: I32) -> _State:
        """Build a snapshot: IDF, avgdl and every posting's impact."""
        idf, avgdl, average_idf = _stats(indptr, doc_len, self._epsilon)
        norm: F64 = self._k1 * ((1 - self._b) + (self._b * doc_len.astype(np.float64)) / avgdl)
        impacts = _compute_impacts(indptr, doc_ids, tf, idf, norm, self._k1)
        return _State(vocab, indptr, doc_ids, tf, impacts, doc_len, idf, avgdl, average_idf)

    def _params(self, st: _State, vocab_sha256: str) -> dict[str, Any]:
        """The params.json content, without its checksum."""
        return {
            "format": _FORMAT_NAME,
            "version": FORMAT_VERSION,
            "k1": self._k1,
            "b": self._b,
            "epsilon": self._epsilon,
            "n_docs": int(st.doc_len.shape[0]),
            "n_terms": len(st.vocab),
            "n_postings": int(st.doc_ids.shape[0]),
            "total_tokens": int(st.doc_len.sum(dtype=np.int64)),
            "vocab_sha256": vocab_sha256,
        }


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


def _stats(indptr: I64, doc_len: I32, epsilon: float) -> tuple[F64, float, float]:
    """Effective IDF per term, avgdl and average raw IDF, computed as rank_bm25 does."""
    n_docs = int(doc_len.shape[0])
    avgdl = int(doc_len.sum(dtype=np.int64)) / n_docs
    df_values, inverse = np.unique(np.diff(indptr), return_inverse=True)
    # math.log (not np.log) so every IDF is bit-identical to rank_bm25's.
    logs = [math.log(n_docs - f + 0.5) - math.log(f + 0.5) for f in df_values.tolist()]
    raw = np.asarray(logs, dtype=np.float64)[inverse]
    # Sequential sum in term-id (= first appearance) order, like rank_bm25's loop.
    average_idf = float(np.cumsum(raw)[-1]) / raw.shape[0]
    idf = np.where(raw < 0, epsilon * average_idf, raw)
    return idf, avgdl, average_idf


def _compute_impacts(indptr: I64, doc_ids: I32, tf: I32, idf: F64, norm: F64, k1: float) -> F64:
    """idf * tf*(k1+1) / (tf + norm[doc]) per posting, in term blocks to bound memory."""
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
    lookup = st.vocab.get
    return [i for i in map(lookup, query_tokens) if i is not None]


def _gather(st: _State, ids: list[int], factors: Sequence[float] | None = None
            ) -> tuple[I32, F64]:
    """Concatenated postings (doc ids, impacts) of the given terms, in query order; each
    term's impacts multiplied by its factor when factors are given."""
    bounds = [(int(st.indptr[i]), int(st.indptr[i + 1])) for i in ids]
    if factors is None:
        factors = [1.0] * len(ids)
    impacts = [_scaled(st.impacts[s:e], f) for (s, e), f in zip(bounds, factors, strict=True)]
    if len(bounds) == 1:
        s, e = bounds[0]
        return st.doc_ids[s:e], impacts[0]
    docs = np.concatenate([st.doc_ids[s:e] for s, e in bounds])
    return docs, np.concatenate(impacts)


def _scaled(impacts: F64, factor: float) -> F64:
    """impacts x factor; a factor of 1 returns them untouched (no copy, same bits)."""
    return impacts if factor == 1.0 else impacts * factor


def _matching_scores(st: _State, ids: list[int], factors: Sequence[float] | None = None
                     ) -> tuple[NDArray[np.integer[Any]], F64]:
    """Scores of the documents matching any query term, sorted by doc id; O(sum of df)."""
    docs, weights = _gather(st, ids, factors)
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
    for key in ("n_docs", "n_terms", "n_postings", "total_tokens"):
        value = params.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise IndexFormatError(f"{root}: bad {key} {value!r}")
    for key in ("k1", "b", "epsilon"):
        if not isinstance(params.get(key), float):
            raise IndexFormatError(f"{root}: bad {key} {params.get(key)!r}")
    if params["n_docs"] == 0 or params["total_tokens"] == 0:
        raise IndexFormatError(f"{root}: empty index")
    digests = params.get("array_sha256")
    if not isinstance(digests, dict) or set(digests) != set(_ARRAY_DTYPES) or not all(
            isinstance(d, str) for d in digests.values()):
        raise IndexFormatError(f"{root}: bad array_sha256 {digests!r}")


def _read_vocab(root: Path, params: dict[str, Any]) -> _Interner:
    """Read vocab.json and check it against params."""
    try:
        raw = (root / _VOCAB_FILE).read_bytes()
    except OSError as exc:
        raise IndexFormatError(f"{root}: cannot read {_VOCAB_FILE}: {exc}") from exc
    if hashlib.sha256(raw).hexdigest() != params.get("vocab_sha256"):
        raise IndexFormatError(f"{root}: {_VOCAB_FILE} checksum mismatch")
    terms = json.loads(raw.decode("utf-8"))
    if not isinstance(terms, list) or len(terms) != params["n_terms"]:
        raise IndexFormatError(f"{root}: {_VOCAB_FILE} does not hold {params['n_terms']} terms")
    if not all(isinstance(term, str) for term in terms):
        raise IndexFormatError(f"{root}: {_VOCAB_FILE} holds non-string terms")
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
    indptr = arrays["indptr"]
    if int(indptr[0]) != 0 or int(indptr[-1]) != params["n_postings"]:
        raise IndexFormatError("indptr does not span the postings")
    if np.any(np.diff(indptr) <= 0):
        raise IndexFormatError("indptr is not strictly increasing")
    if int(arrays["doc_len"].sum(dtype=np.int64)) != params["total_tokens"]:
        raise IndexFormatError("doc_len does not add up to total_tokens")
