"""The segmented engine alone at scale (#13): cost of append / remove / merge and query
latency while a delta exists (weights recomputed from tf) against the exact index
(precomputed impacts). Zipf-distributed synthetic tokens, 30-90 per passage.

    python -m bench.segments --passages 1000000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.engine import BM25


def _corpus(n: int, vocab: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(vocab)], dtype=object)
    lengths = rng.integers(30, 91, size=n)
    ids = np.minimum(rng.zipf(1.07, size=int(lengths.sum())) - 1, vocab - 1)
    tokens = words[ids].tolist()
    out, at = [], 0
    for length in lengths.tolist():
        out.append(tokens[at : at + length])
        at += length
    return out


def _query_ms(engine: BM25, queries: list[list[str]]) -> dict[str, float]:
    ms = []
    for query in queries:
        t0 = time.perf_counter()
        engine.top_k(query, 10)
        ms.append((time.perf_counter() - t0) * 1000)
    arr = np.asarray(ms)
    return {"p50_ms": float(np.percentile(arr, 50)), "p99_ms": float(np.percentile(arr, 99))}


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run(n: int, seed: int) -> dict[str, Any]:
    corpus = _corpus(n + 10, max(50_000, n // 4), seed)
    rng = np.random.default_rng(seed + 1)
    queries = [[f"w{x}" for x in rng.integers(20, 5000, size=4)] for _ in range(300)]
    res: dict[str, Any] = {"passages": n}
    t0 = time.perf_counter()
    built = BM25(corpus[:n])
    res["build_s"] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        built.save(Path(tmp) / "gen-1")
        del built
        res["load_s"] = _timed(lambda: BM25.load(Path(tmp) / "gen-1"))
        engine = BM25.load(Path(tmp) / "gen-1")
        res["query_exact"] = _query_ms(engine, queries)
        res["append_10_passages_s"] = _timed(lambda: engine.append(corpus[n:]))
        res["remove_10_passages_s"] = _timed(lambda: engine.remove(range(100, 110)))
        res["query_with_delta"] = _query_ms(engine, queries)
        res["save_linked_s"] = _timed(
            lambda: engine.save(Path(tmp) / "gen-2", link_from=Path(tmp) / "gen-1"))
        res["merge_s"] = _timed(engine.merge)
        res["query_after_merge"] = _query_ms(engine, queries)
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--passages", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    print(json.dumps(run(args.passages, args.seed), indent=1))


if __name__ == "__main__":
    main()
