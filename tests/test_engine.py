"""Tests for index.engine.BM25: rank_bm25 parity, top_k, add_documents, persistence."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from index.engine import BM25, IndexFormatError

ATOL = 1e-6
Corpus = list[list[str]]


def random_corpus(seed: int, n_docs: int, vocab: int, max_len: int, min_len: int = 0) -> Corpus:
    """Seeded random corpus over terms t0..t{vocab-1}."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_len, max_len + 1, size=n_docs)
    return [[f"t{x}" for x in rng.integers(0, vocab, size=n)] for n in lengths]


def random_queries(seed: int, vocab: int, count: int = 20) -> list[list[str]]:
    """Seeded queries mixing known terms, unknown terms and repeats."""
    rng = np.random.default_rng(seed + 10_000)
    queries: list[list[str]] = [[], ["unknown"], ["t0", "t0"], ["t0", "unknown", "t1", "t0"]]
    for _ in range(count):
        queries.append([f"t{x}" for x in rng.integers(0, vocab + 3, size=rng.integers(1, 7))])
    return queries


def rank_scores(ref: BM25Okapi, query: list[str]) -> np.ndarray:
    """rank_bm25 scores, except that an absent term adds 0 where rank_bm25 computes 0/0."""
    # rank_bm25 evaluates the formula for tf=0 too: 0/0 = NaN when k1 == 0, or when b == 1
    # for an empty document. The engine, like BM25 itself, only sums the terms present.
    with np.errstate(invalid="ignore"):
        scores = np.asarray(ref.get_scores(query), dtype=np.float64)
    if not np.isnan(scores).any():
        return scores
    assert ref.k1 == 0 or (ref.b == 1 and 0 in ref.doc_len)
    norm = ref.k1 * (1 - ref.b + ref.b * np.array(ref.doc_len) / ref.avgdl)
    scores = np.zeros(ref.corpus_size)
    for term in query:
        tf = np.array([freqs.get(term, 0) for freqs in ref.doc_freqs])
        present = tf > 0
        idf = ref.idf.get(term) or 0
        scores[present] += idf * (tf[present] * (ref.k1 + 1) / (tf[present] + norm[present]))
    return scores


def assert_parity(corpus: Corpus, queries: list[list[str]], **params: float) -> None:
    """Engine scores equal rank_bm25's for every query."""
    ref, engine = BM25Okapi(corpus, **params), BM25(corpus, **params)
    for query in queries:
        np.testing.assert_allclose(
            engine.get_scores(query), rank_scores(ref, query), rtol=0, atol=ATOL
        )


def expected_top_k(corpus: Corpus, engine: BM25, query: list[str], k: int) -> list[int]:
    """Reference top_k: full sort of get_scores over docs holding a known query term."""
    scores = engine.get_scores(query)
    terms = set(query)
    matching = [d for d, doc in enumerate(corpus) if terms.intersection(doc)]
    return sorted(matching, key=lambda d: (-scores[d], d))[:k]


# ----- parity with rank_bm25 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "n_docs", "vocab", "max_len"),
    [(0, 1, 3, 5), (1, 2, 2, 3), (2, 7, 4, 6), (3, 50, 5, 10), (4, 200, 30, 20), (5, 800, 300, 40)],
)
def test_parity_random_corpora(seed: int, n_docs: int, vocab: int, max_len: int) -> None:
    corpus = random_corpus(seed, n_docs, vocab, max_len, min_len=1)
    assert_parity(corpus, random_queries(seed, vocab))


def test_small_vocabulary_exercises_negative_idf() -> None:
    corpus = random_corpus(7, 60, 4, 12, min_len=4)
    ref, engine = BM25Okapi(corpus), BM25(corpus)
    floored = [t for t in ref.idf if ref.idf[t] == pytest.approx(0.25 * ref.average_idf)]
    assert floored, "corpus should contain terms present in over half the documents"
    assert engine.average_idf == pytest.approx(ref.average_idf, abs=1e-12)
    for term, idf in ref.idf.items():
        assert engine.idf(term) == pytest.approx(idf, abs=1e-12)
    assert_parity(corpus, random_queries(7, 4))


def test_negative_average_idf() -> None:
    # Every term in nearly every doc: the epsilon floor itself is negative.
    corpus = [["a", "b", "c"], ["a", "b"], ["a", "c", "b"], ["b", "a", "a"], ["c", "a", "b"]]
    assert BM25(corpus).average_idf < 0
    assert_parity(corpus, [["a"], ["a", "b", "c"], ["c", "c"], ["d"]])


@pytest.mark.parametrize(
    ("k1", "b", "epsilon"), [(1.2, 0.5, 0.1), (2.0, 0.0, 0.5), (0.9, 1.0, 0.0), (0.0, 0.75, 0.25)]
)
def test_parity_with_other_parameters(k1: float, b: float, epsilon: float) -> None:
    corpus = random_corpus(11, 120, 12, 15)  # has empty docs: b=1 and k1=0 hit rank's NaN
    assert_parity(corpus, random_queries(11, 12), k1=k1, b=b, epsilon=epsilon)


def test_single_document_corpus() -> None:
    assert_parity([["a", "b", "a"]], [[], ["a"], ["b", "b"], ["a", "zz"]])


def test_empty_documents_score_zero_like_rank_bm25() -> None:
    corpus = [[], ["a", "b"], [], ["b", "c", "c"], []]
    assert_parity(corpus, [["a"], ["b", "c"], ["c", "a", "c"]])
    assert BM25(corpus).doc_len.tolist() == [0, 2, 0, 3, 0]


@pytest.mark.parametrize("corpus", [[], [[]], [[], []]])
def test_corpus_without_tokens_is_rejected(corpus: Corpus) -> None:
    with pytest.raises(ZeroDivisionError):
        BM25Okapi(corpus)  # rank_bm25 cannot score it either
    with pytest.raises(ValueError, match="at least one token"):
        BM25(corpus)


def test_str_inputs_are_rejected() -> None:
    with pytest.raises(TypeError):
        BM25(["not tokenised"])
    with pytest.raises(TypeError):
        BM25([["a", 1]])  # type: ignore[list-item]
    engine = BM25([["a"]])
    with pytest.raises(TypeError):
        engine.get_scores("a")
    with pytest.raises(TypeError):
        engine.top_k("a", 1)


TERMS = ["a", "b", "c", "d", "e"]


@settings(max_examples=150, deadline=None)
@given(
    corpus=st.lists(st.lists(st.sampled_from(TERMS), max_size=8), min_size=1, max_size=12).filter(
        lambda c: any(c)
    ),
    query=st.lists(st.sampled_from([*TERMS, "zz"]), max_size=6),
    k1=st.floats(0.0, 3.0, allow_subnormal=False),
    b=st.floats(0.0, 1.0, allow_subnormal=False),
    epsilon=st.floats(0.0, 1.0, allow_subnormal=False),
    k=st.integers(0, 14),
)
def test_property_parity_and_top_k(
    corpus: Corpus, query: list[str], k1: float, b: float, epsilon: float, k: int
) -> None:
    engine = BM25(corpus, k1=k1, b=b, epsilon=epsilon)
    ref = BM25Okapi(corpus, k1=k1, b=b, epsilon=epsilon)
    np.testing.assert_allclose(engine.get_scores(query), rank_scores(ref, query), rtol=0, atol=ATOL)
    top = engine.top_k(query, k)
    assert [d for d, _ in top] == expected_top_k(corpus, engine, query, k)


# ----- top_k ----------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, 1, 3, 10, 100, 10_000])
def test_top_k_agrees_with_full_sort(k: int) -> None:
    corpus = random_corpus(21, 400, 40, 12)
    engine = BM25(corpus)
    for query in random_queries(21, 40):
        top = engine.top_k(query, k)
        scores = engine.get_scores(query)
        assert [d for d, _ in top] == expected_top_k(corpus, engine, query, k)
        assert [s for _, s in top] == [scores[d] for d, _ in top]
        assert all(isinstance(d, int) and isinstance(s, float) for d, s in top)


def test_top_k_breaks_ties_by_doc_index() -> None:
    corpus = [["z"], ["x", "y"], ["x", "y"], ["z"], ["x", "y"], ["y", "y"], ["z"], ["z"]]
    engine = BM25(corpus)
    assert [d for d, _ in engine.top_k(["x"], 2)] == [1, 2]
    assert [d for d, _ in engine.top_k(["x", "y"], 3)] == [1, 2, 4]


def test_top_k_keeps_matching_docs_with_negative_scores() -> None:
    corpus = [["a", "b"], ["a"], ["a", "c"], ["b"], ["a", "b", "c"]]
    engine = BM25(corpus, epsilon=1.0)
    assert engine.idf("a") < 0
    # All four matching docs score below the non-matching doc 3 (0.0), yet only they count.
    assert [d for d, _ in engine.top_k(["a"], 10)] == [4, 0, 2, 1]


def test_top_k_without_matches_or_bad_k() -> None:
    engine = BM25([["a"], ["b"]])
    assert engine.top_k([], 5) == []
    assert engine.top_k(["zz"], 5) == []
    with pytest.raises(ValueError):
        engine.top_k(["a"], -1)


def test_rare_term_query_reads_only_its_postings() -> None:
    n = 100_000
    rare_docs = [7, 50_000, n - 1]
    corpus = [["common", f"w{i % 500}"] for i in range(n)]
    for d in rare_docs:
        corpus[d].append("rare")
    engine = BM25(corpus)
    state = engine._state
    main = state.main
    lo, hi = main.span(state.vocab["rare"])
    # Poison every other posting: touching one would raise (doc -1) or yield NaN.
    doc_ids = np.full_like(main.doc_ids, -1)
    doc_ids[lo:hi] = main.doc_ids[lo:hi]
    impacts = np.full_like(state.impacts, np.nan)
    impacts[lo:hi] = state.impacts[lo:hi]
    engine._state = dataclasses.replace(
        state, main=dataclasses.replace(main, doc_ids=doc_ids), impacts=impacts)
    assert [d for d, _ in engine.top_k(["rare", "absent"], 10)] == rare_docs
    scores = engine.get_scores(["rare"])
    assert np.isfinite(scores).all()
    assert np.flatnonzero(scores).tolist() == rare_docs


# ----- add_documents --------------------------------------------------------------------


def assert_same_index(a: BM25, b: BM25, queries: list[list[str]]) -> None:
    """Two engines hold the same documents and give bit-identical scores."""
    assert (a.n_docs, a.n_terms, a.n_postings) == (b.n_docs, b.n_terms, b.n_postings)
    assert (a.avgdl, a.average_idf) == (b.avgdl, b.average_idf)
    np.testing.assert_array_equal(a.doc_len, b.doc_len)
    for query in queries:
        np.testing.assert_array_equal(a.get_scores(query), b.get_scores(query))
        assert a.top_k(query, 7) == b.top_k(query, 7)


def test_add_documents_equals_rebuild() -> None:
    corpus = random_corpus(31, 300, 25, 12)
    batches = [corpus[:100], corpus[100:101], [], corpus[101:250], [[], ["brand", "new"]]]
    batches.append(corpus[250:])
    engine = BM25(batches[0])
    for batch in batches[1:]:
        engine.add_documents(batch)
    full = [doc for batch in batches for doc in batch]
    queries = [*random_queries(31, 25), ["brand", "t1"], ["new"]]
    assert_same_index(engine, BM25(full), queries)
    assert_parity(full, queries)


def test_add_documents_to_loaded_mmapped_index(tmp_path: Path) -> None:
    corpus = random_corpus(32, 200, 20, 10)
    BM25(corpus[:120], k1=1.3).save(tmp_path / "idx")
    engine = BM25.load(tmp_path / "idx")
    engine.add_documents(corpus[120:])
    assert_same_index(engine, BM25(corpus, k1=1.3), random_queries(32, 20))


def test_failed_add_documents_leaves_index_unchanged() -> None:
    engine = BM25([["a", "b"], ["b"]])
    before = engine.get_scores(["a", "b"])
    with pytest.raises(TypeError):
        engine.add_documents([["c"], ["d", 5]])  # type: ignore[list-item]
    assert (engine.n_docs, engine.n_terms) == (2, 2)
    np.testing.assert_array_equal(engine.get_scores(["a", "b"]), before)
    assert engine.top_k(["c"], 3) == []


# ----- save / load ----------------------------------------------------------------------


@pytest.mark.parametrize("mmap", [True, False])
def test_save_load_round_trip(tmp_path: Path, mmap: bool) -> None:
    corpus = [*random_corpus(41, 150, 30, 15), ["héllo", "wörld\n", '"quoted"']]
    engine = BM25(corpus, k1=1.7, b=0.6, epsilon=0.3)
    engine.save(tmp_path / "idx")
    loaded = BM25.load(tmp_path / "idx", mmap=mmap)
    assert (loaded.k1, loaded.b, loaded.epsilon) == (1.7, 0.6, 0.3)
    assert_same_index(engine, loaded, [*random_queries(41, 30), ["wörld\n", '"quoted"']])


def test_resave_keeps_live_mmapped_index_valid(tmp_path: Path) -> None:
    corpus = random_corpus(42, 100, 15, 10)
    BM25(corpus).save(tmp_path)
    live = BM25.load(tmp_path)
    expected = live.get_scores(["t1", "t2"])
    grown = BM25.load(tmp_path)
    grown.add_documents([["t1", "t1", "t9"]] * 50)
    grown.save(tmp_path)  # replaces files under the live mmaps
    np.testing.assert_array_equal(live.get_scores(["t1", "t2"]), expected)
    assert BM25.load(tmp_path).n_docs == 150


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A saved small index, with a delta segment and a removed document."""
    engine = BM25(random_corpus(43, 80, 12, 10))
    engine.append(random_corpus(44, 5, 14, 10, min_len=1))
    engine.remove([3])
    engine.save(tmp_path / "idx")
    return tmp_path / "idx"


FILES = ["params.json", "vocab.json", "vocab-delta.json", "indptr.npy", "doc_ids.npy",
         "tf.npy", "impacts.npy", "live.npy", "df.npy", "delta_indptr.npy"]


@pytest.mark.parametrize("name", [*FILES, "doc_len.npy"])
def test_missing_file_is_a_format_error(saved: Path, name: str) -> None:
    (saved / name).unlink()
    with pytest.raises(IndexFormatError):
        BM25.load(saved)


@pytest.mark.parametrize("mmap", [True, False])
@pytest.mark.parametrize("name", ["indptr", "doc_ids", "tf", "impacts", "doc_len"])
def test_truncated_array_is_a_format_error(saved: Path, name: str, mmap: bool) -> None:
    path = saved / f"{name}.npy"
    path.write_bytes(path.read_bytes()[:-9])
    with pytest.raises(IndexFormatError):
        BM25.load(saved, mmap=mmap)


def test_array_with_wrong_dtype_is_a_format_error(saved: Path) -> None:
    np.save(saved / "doc_len.npy", np.load(saved / "doc_len.npy").astype(np.int64))
    with pytest.raises(IndexFormatError, match="doc_len"):
        BM25.load(saved)


def test_garbage_array_is_a_format_error(saved: Path) -> None:
    (saved / "impacts.npy").write_bytes(b"not a numpy file at all")
    with pytest.raises(IndexFormatError):
        BM25.load(saved)


def edit_params(saved: Path, **changes: object) -> None:
    """Rewrite params.json with some fields changed (checksum left as is)."""
    params = json.loads((saved / "params.json").read_text())
    params.update(changes)
    (saved / "params.json").write_text(json.dumps(params))


@pytest.mark.parametrize(
    "changes", [{"n_docs": 81}, {"k1": 1.2}, {"n_postings": 3}, {"vocab_sha256": "0" * 64}]
)
def test_tampered_params_is_a_format_error(saved: Path, changes: dict[str, object]) -> None:
    edit_params(saved, **changes)
    with pytest.raises(IndexFormatError, match="checksum"):
        BM25.load(saved)


def test_version_mismatch_is_a_format_error(saved: Path) -> None:
    edit_params(saved, version=99)
    with pytest.raises(IndexFormatError, match="version"):
        BM25.load(saved)


def test_corrupt_params_or_vocab_is_a_format_error(saved: Path) -> None:
    vocab = (saved / "vocab.json").read_bytes()
    (saved / "vocab.json").write_bytes(vocab.replace(b"t1", b"t9", 1))
    with pytest.raises(IndexFormatError, match=r"vocab\.json"):
        BM25.load(saved)
    (saved / "params.json").write_text("{ not json")
    with pytest.raises(IndexFormatError):
        BM25.load(saved)


def test_missing_directory_is_a_format_error(tmp_path: Path) -> None:
    assert issubclass(IndexFormatError, ValueError)
    with pytest.raises(IndexFormatError):
        BM25.load(tmp_path / "nowhere")


ARRAYS = ["indptr", "doc_ids", "tf", "impacts", "doc_len", "live", "df", "delta_indptr",
          "delta_doc_ids", "delta_tf"]


def flip_data_byte(path: Path) -> None:
    """Flip one bit in the middle of a .npy file's data: same size, valid header (#9)."""
    data = bytearray(path.read_bytes())
    header_end = data.index(b"\n") + 1
    middle = header_end + (len(data) - header_end) // 2
    data[middle] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("mmap", [True, False])
@pytest.mark.parametrize("name", ARRAYS)
def test_flipped_byte_in_any_array_is_a_format_error(saved: Path, name: str, mmap: bool) -> None:
    size = (saved / f"{name}.npy").stat().st_size
    flip_data_byte(saved / f"{name}.npy")
    assert (saved / f"{name}.npy").stat().st_size == size
    with pytest.raises(IndexFormatError, match=rf"{name}\.npy checksum mismatch"):
        BM25.load(saved, mmap=mmap)


def test_every_array_has_a_checksum_in_params(saved: Path) -> None:
    params = json.loads((saved / "params.json").read_text())
    assert set(params["array_sha256"]) == set(ARRAYS)
    assert all(len(digest) == 64 for digest in params["array_sha256"].values())


# ----- segments: delta and tombstones (#13) ---------------------------------------------


Step = tuple[str, list[list[str]] | list[int]]


def live_corpus(steps: list[Step], initial: Corpus) -> tuple[Corpus, list[int]]:
    """The live documents after the steps, and their ordinals in the segmented index."""
    docs: list[list[str] | None] = list(initial)
    for kind, arg in steps:
        if kind == "add":
            docs += arg  # type: ignore[arg-type]
        elif kind == "remove":
            for ordinal in arg:
                docs[ordinal] = None  # type: ignore[index]
    ordinals = [i for i, d in enumerate(docs) if d is not None]
    return [d for d in docs if d is not None], ordinals


def apply_steps(engine: BM25, steps: list[Step]) -> None:
    for kind, arg in steps:
        if kind == "add":
            engine.append(arg)  # type: ignore[arg-type]
        elif kind == "remove":
            engine.remove(arg)  # type: ignore[arg-type]
        else:
            engine.merge()


def assert_segmented_parity(engine: BM25, live: Corpus, ordinals: list[int],
                            queries: list[list[str]]) -> None:
    """Scores of the live ordinals equal BM25Okapi built from scratch on the live documents
    within 1e-9; removed ordinals score 0 and never match; top-k order is the same."""
    ref, fresh = BM25Okapi(live), BM25(live)
    index = np.asarray(ordinals)
    dead = np.setdiff1d(np.arange(engine.n_slots), index)
    assert engine.n_docs == len(live)
    assert engine.avgdl == pytest.approx(ref.avgdl, abs=1e-12)
    assert engine.average_idf == pytest.approx(ref.average_idf, abs=1e-9)
    assert sorted(engine.terms()) == sorted(ref.idf)
    for query in queries:
        scores = engine.get_scores(query)
        np.testing.assert_allclose(scores[index], rank_scores(ref, query), rtol=0, atol=1e-9)
        assert not scores[dead].any()
        got = [(ordinals.index(d), s) for d, s in engine.top_k(query, 8)]
        want = fresh.top_k(query, 8)
        assert [d for d, _ in got] == [d for d, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-9)
        for term in set(query):
            assert engine.doc_freq(term) == fresh.doc_freq(term)
            held, term_scores = engine.term_scores(term, list(range(engine.n_slots)))
            fresh_held, fresh_scores = fresh.term_scores(term, list(range(len(live))))
            np.testing.assert_array_equal(held[index], fresh_held)
            assert not held[dead].any()
            np.testing.assert_allclose(term_scores[index], fresh_scores, atol=1e-9)
            assert engine.docs_with(term).tolist() == [
                ordinals[i] for i in fresh.docs_with(term).tolist()]


@st.composite
def segmented_histories(draw: st.DrawFn) -> tuple[Corpus, list[Step]]:
    """A corpus and a random sequence of appends, removals of live documents and merges."""
    words = st.lists(st.sampled_from([f"t{i}" for i in range(12)]), max_size=8)
    initial = draw(st.lists(words, min_size=1, max_size=25))
    steps: list[Step] = []
    n, live = len(initial), set(range(len(initial)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["add", "remove", "merge"]))
        if kind == "add":
            batch = draw(st.lists(words, min_size=1, max_size=6))
            steps.append(("add", batch))
            live |= set(range(n, n + len(batch)))
            n += len(batch)
        elif kind == "remove" and len(live) > 1:
            gone = draw(st.lists(st.sampled_from(sorted(live)), max_size=3, unique=True))
            steps.append(("remove", gone))
            live -= set(gone)
        else:
            steps.append(("merge", []))
    return initial, steps


@settings(max_examples=150, deadline=None)
@given(segmented_histories())
def test_segmented_index_matches_bm25okapi_on_live_documents(
        history: tuple[Corpus, list[Step]]) -> None:
    initial, steps = history
    live, ordinals = live_corpus(steps, initial)
    assume_tokens = sum(map(len, live)) and sum(map(len, initial))
    if not assume_tokens:
        return  # rank_bm25 cannot index a corpus without tokens; covered elsewhere
    engine = BM25(initial)
    try:
        apply_steps(engine, steps)
    except ValueError:  # a step would have removed every token
        return
    queries = [["t0"], ["t1", "t2", "t1"], ["t3", "t11", "unknown"], ["t5", "t6", "t7", "t8"]]
    assert_segmented_parity(engine, live, ordinals, queries)


def test_append_then_remove_keeps_exact_scores_at_every_step() -> None:
    corpus = random_corpus(51, 400, 40, 14, min_len=1)
    engine = BM25(corpus[:300])
    engine.append(corpus[300:340])
    engine.remove([3, 17, 305])
    engine.append(corpus[340:])
    steps: list[Step] = [("add", corpus[300:340]), ("remove", [3, 17, 305]),
                         ("add", corpus[340:])]
    live, ordinals = live_corpus(steps, corpus[:300])
    queries = random_queries(51, 40)
    assert not engine.exact and engine.n_delta_docs == 100
    assert_segmented_parity(engine, live, ordinals, queries)
    engine.merge()
    assert engine.exact and engine.n_delta_docs == 0
    assert_segmented_parity(engine, live, ordinals, queries)


def test_remove_refuses_unknown_ordinals_and_removing_every_token() -> None:
    engine = BM25([["a", "b"], ["b"]])
    with pytest.raises(ValueError, match="ordinal"):
        engine.remove([2])
    with pytest.raises(ValueError, match="every token"):
        engine.remove([0, 1])
    assert engine.remove([1]) == 1 and engine.remove([1]) == 0
    assert "b" in engine and engine.doc_freq("b") == 1


def test_term_only_in_removed_documents_is_unknown() -> None:
    engine = BM25([["a", "b"], ["b", "gone"], ["c"]])
    engine.remove([1])
    assert "gone" not in engine and engine.idf("gone") == 0.0
    assert engine.top_k(["gone"], 3) == [] and engine.docs_with("gone").tolist() == []
    assert "gone" not in engine.terms() and len(engine.doc_freqs()) == len(engine.terms())


@pytest.mark.parametrize("mmap", [True, False])
def test_segmented_index_round_trips_and_links_main_files(tmp_path: Path, mmap: bool) -> None:
    corpus = random_corpus(52, 200, 30, 12, min_len=1)
    BM25(corpus[:150]).save(tmp_path / "gen-1")
    engine = BM25.load(tmp_path / "gen-1", mmap=mmap)
    engine.append([*corpus[150:], ["brand", "new"]])
    engine.remove([4, 160])
    engine.save(tmp_path / "gen-2", link_from=tmp_path / "gen-1")
    for name in ("indptr.npy", "doc_ids.npy", "tf.npy", "impacts.npy", "vocab.json"):
        assert (tmp_path / "gen-2" / name).stat().st_ino == \
            (tmp_path / "gen-1" / name).stat().st_ino
    loaded = BM25.load(tmp_path / "gen-2", mmap=mmap)
    steps: list[Step] = [("add", [*corpus[150:], ["brand", "new"]]), ("remove", [4, 160])]
    live, ordinals = live_corpus(steps, corpus[:150])
    assert_segmented_parity(loaded, live, ordinals, [*random_queries(52, 30), ["brand"]])
    assert BM25.load(tmp_path / "gen-1").n_docs == 150  # the old generation is intact


def test_save_after_merge_writes_new_main_files(tmp_path: Path) -> None:
    BM25([["a", "b"], ["c"]]).save(tmp_path / "gen-1")
    engine = BM25.load(tmp_path / "gen-1")
    engine.append([["a", "d"]])
    engine.merge()
    engine.save(tmp_path / "gen-2", link_from=tmp_path / "gen-1")
    assert (tmp_path / "gen-2" / "tf.npy").stat().st_ino != \
        (tmp_path / "gen-1" / "tf.npy").stat().st_ino
    assert BM25.load(tmp_path / "gen-2").top_k(["d"], 2) == engine.top_k(["d"], 2)
