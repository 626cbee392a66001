"""Search benchmark: our BM25 engine vs rank_bm25, bm25s and SQLite FTS5 on a synthetic corpus.

Usage: python bench/search.py --passages N [--queries Q] [--rank-bm25-sample S] [--out FILE.json]

Every engine is measured in its own subprocesses (one to build, one to load and serve), on
the same pre-tokenised corpus and the same queries, so each peak RSS is attributable.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.work import (  # noqa: E402  (bench/ importable once ROOT is on the path)
    callgrind_missing,
    client_library,
    counted_instructions,
    under_callgrind,
)

Docs = list[list[str]]
Result = dict[str, Any]
TOP_K = 10
ENGINES = ("ours", "rank_bm25", "bm25s", "bm25s_numba", "fts5")
LABELS = {
    "ours": "ours (index/engine.py)",
    "rank_bm25": "rank_bm25 BM25Okapi",
    "bm25s": "bm25s (numpy backend)",
    "bm25s_numba": "bm25s (numba backend)",
    "fts5": "SQLite FTS5",
}


# ----- engine adapters ----------------------------------------------------------------


class Engine:
    """Build, query, save and load one kind of index (imports are lazy, per subprocess)."""

    name = ""

    def build(self, docs: Docs, path: Path) -> Any:
        """Index pre-tokenised documents (path: where a disk-based engine may build)."""
        raise NotImplementedError

    def search(self, index: Any, query: list[str]) -> list[int]:
        """Top-10 document indices (0-based), best first."""
        raise NotImplementedError

    def save(self, index: Any, path: Path) -> None:
        """Persist the index under path."""
        raise NotImplementedError

    def load(self, path: Path) -> Any:
        """Open the persisted index."""
        raise NotImplementedError


class Ours(Engine):
    """index.engine.BM25: CSR postings with precomputed impacts, mmap load."""

    name = "ours"

    def build(self, docs: Docs, path: Path) -> Any:
        """BM25(docs) with the defaults k1=1.5, b=0.75, epsilon=0.25."""
        from index.engine import BM25

        return BM25(docs)

    def search(self, index: Any, query: list[str]) -> list[int]:
        """BM25.top_k."""
        return [doc for doc, _ in index.top_k(query, TOP_K)]

    def save(self, index: Any, path: Path) -> None:
        """BM25.save."""
        index.save(path)

    def load(self, path: Path) -> Any:
        """BM25.load with mmap."""
        from index.engine import BM25

        return BM25.load(path, mmap=True)


class RankBM25(Engine):
    """rank_bm25.BM25Okapi, persisted with pickle."""

    name = "rank_bm25"

    def build(self, docs: Docs, path: Path) -> Any:
        """BM25Okapi(docs)."""
        from rank_bm25 import BM25Okapi

        return BM25Okapi(docs)

    def search(self, index: Any, query: list[str]) -> list[int]:
        """get_scores, then the argsort that rank_bm25.get_top_n uses."""
        scores = index.get_scores(query)
        return [int(i) for i in np.argsort(scores)[::-1][:TOP_K]]

    def save(self, index: Any, path: Path) -> None:
        """pickle (protocol 5)."""
        path.mkdir(parents=True, exist_ok=True)
        with (path / "bm25okapi.pkl").open("wb") as fh:
            pickle.dump(index, fh, protocol=5)

    def load(self, path: Path) -> Any:
        """pickle.load."""
        with (path / "bm25okapi.pkl").open("rb") as fh:
            return pickle.load(fh)


class BM25S(Engine):
    """bm25s fed our token lists (its own tokeniser unused), method robertson, k1=1.5, b=0.75."""

    name = "bm25s"
    backend = "numpy"

    def build(self, docs: Docs, path: Path) -> Any:
        """bm25s.BM25(...).index(list of token lists)."""
        import bm25s

        retriever = bm25s.BM25(method="robertson", k1=1.5, b=0.75, backend=self.backend)
        retriever.index(docs, show_progress=False)
        return retriever

    def search(self, index: Any, query: list[str]) -> list[int]:
        """retrieve([query], k=10), single-threaded."""
        docs, _ = index.retrieve([query], k=TOP_K, show_progress=False, n_threads=0)
        return [int(d) for d in docs[0]]

    def save(self, index: Any, path: Path) -> None:
        """bm25s save (.npy arrays + json vocab)."""
        index.save(path, show_progress=False)

    def load(self, path: Path) -> Any:
        """bm25s load with mmap=True."""
        import bm25s

        return bm25s.BM25.load(path, mmap=True, show_progress=False, backend=self.backend)


class BM25SNumba(BM25S):
    """bm25s with its numba backend (JIT-compiled scoring and top-k)."""

    name = "bm25s_numba"
    backend = "numba"


class FTS5(Engine):
    """SQLite FTS5 table in a file; tokens joined by spaces, unicode61 tokenizer, OR query."""

    name = "fts5"
    _SQL = "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT ?"

    def build(self, docs: Docs, path: Path) -> Any:
        """Bulk insert in one transaction, then FTS5 'optimize' (merge all segments)."""
        path.mkdir(parents=True, exist_ok=True)
        db = path / "fts5.db"
        db.unlink(missing_ok=True)
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61')")
        rows = ((i + 1, " ".join(doc)) for i, doc in enumerate(docs))
        conn.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", rows)
        conn.execute("INSERT INTO t(t) VALUES ('optimize')")
        conn.commit()
        return conn

    def search(self, index: Any, query: list[str]) -> list[int]:
        """OR of the quoted terms, ORDER BY bm25(t) LIMIT 10."""
        match = " OR ".join(f'"{term}"' for term in query)
        return [row[0] - 1 for row in index.execute(self._SQL, (match, TOP_K))]

    def save(self, index: Any, path: Path) -> None:
        """Already on disk: commit and close."""
        index.commit()
        index.close()

    def load(self, path: Path) -> Any:
        """Open the database file (the first query is timed separately)."""
        return sqlite3.connect(path / "fts5.db")


ADAPTERS: dict[str, Callable[[], Engine]] = {
    "ours": Ours,
    "rank_bm25": RankBM25,
    "bm25s": BM25S,
    "bm25s_numba": BM25SNumba,
    "fts5": FTS5,
}


# ----- measurement helpers ------------------------------------------------------------


def _proc_status_mb(field: str) -> float:
    """A memory field (VmRSS, VmHWM) of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_rss() -> None:
    """Reset VmHWM to the current RSS (Linux clear_refs 5), so later peaks exclude setup."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """fn() and its wall time in seconds."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _latencies(engine: Engine, index: Any, queries: Sequence[list[str]]) -> dict[str, Any]:
    """Top-10 latency over two passes (first after load, then steady) and the doc lists."""
    first, results = _one_pass(engine, index, queries)
    steady, _ = _one_pass(engine, index, queries)
    return {
        "n": len(queries),
        **_percentiles(steady),
        "first_pass": _percentiles(first),
        "results": results,
    }


def _one_pass(engine: Engine, index: Any, queries: Sequence[list[str]]) -> tuple[Any, Any]:
    """Per-query wall times (ms) and results of one pass over the queries."""
    times, results = [], []
    for q in queries:
        t0 = time.perf_counter_ns()
        results.append(engine.search(index, q))
        times.append(time.perf_counter_ns() - t0)
    return np.asarray(times, dtype=np.float64) / 1e6, results


def _percentiles(ms: Any) -> dict[str, float]:
    """p50, p99, mean and max of latencies in ms."""
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "mean_ms": float(ms.mean()),
        "max_ms": float(ms.max()),
    }


def _dir_mb(path: Path) -> float:
    """Total size of the files under path, in MB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _loadavg() -> list[float]:
    """1/5/15-minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


# ----- prepare stage: corpus, analysis, token files -----------------------------------


def _analyse_serial(passages: list[str]) -> tuple[Docs, float]:
    """Our analyzer over all passages on one core."""
    from index.analyze import analyze

    return _timed(lambda: [analyze(p) for p in passages])


def _analyse_chunk(chunk: list[str]) -> Docs:
    """Worker: analyse a chunk of passages."""
    from index.analyze import analyze

    return [analyze(p) for p in chunk]


def _analyse_parallel(passages: list[str], cores: int) -> tuple[Docs, float]:
    """Our analyzer over all passages with a fork pool (texts and tokens cross via pickle)."""
    import multiprocessing as mp

    def run() -> Docs:
        size = 2_000
        chunks = [passages[i : i + size] for i in range(0, len(passages), size)]
        with mp.get_context("fork").Pool(cores) as pool:
            return [doc for part in pool.imap(_analyse_chunk, chunks) for doc in part]

    return _timed(run)


def _write_tokens(docs: Docs, work: Path) -> dict[str, Any]:
    """Store token lists compactly: terms.json + int32 ids + int64 offsets."""
    from itertools import chain

    vocab: dict[str, int] = {}
    ids = np.fromiter(
        (vocab.setdefault(t, len(vocab)) for t in chain.from_iterable(docs)), dtype=np.int32
    )
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in docs], out=offsets[1:])
    np.save(work / "ids.npy", ids)
    np.save(work / "offsets.npy", offsets)
    (work / "terms.json").write_text(json.dumps(list(vocab)), encoding="utf-8")
    return {"tokens": int(ids.shape[0]), "terms": len(vocab)}


def stage_prepare(args: argparse.Namespace, work: Path) -> Result:
    """Generate the corpus and queries, time the analyzer, write the token files."""
    from bench.corpus import make_corpus
    from index.analyze import analyze

    corpus, gen_s = _timed(lambda: make_corpus(args.passages, seed=args.seed))
    raw_tokens = sum(p.count(" ") + 1 for p in corpus.passages)
    res: Result = {"passages": args.passages, "seed": args.seed, "queries": args.queries}
    res.update(generate_s=gen_s, raw_words=raw_tokens, vocab_words=len(corpus.words))
    docs: Docs = []
    if args.analysis_cores in ("1", "both"):
        docs, res["analysis_1core_s"] = _analyse_serial(corpus.passages)
    if args.analysis_cores in ("2", "both"):
        docs2, res["analysis_2core_s"] = _analyse_parallel(corpus.passages, 2)
        docs = docs or docs2
    res.update(_write_tokens(docs, work))
    texts = corpus.queries(args.queries)
    extra = make_corpus(1, seed=args.seed + 7, vocab_size=len(corpus.words)).passages[0]
    queries = {"texts": texts, "tokens": [analyze(t) for t in texts], "extra_doc": analyze(extra)}
    (work / "queries.json").write_text(json.dumps(queries), encoding="utf-8")
    return res


# ----- build and serve stages (one engine per subprocess) -----------------------------


def _read_docs(work: Path) -> Docs:
    """Token lists back from the token files (terms shared, as an analyzer's cache yields)."""
    terms = np.array(json.loads((work / "terms.json").read_text(encoding="utf-8")), dtype=object)
    ids = np.load(work / "ids.npy")
    offsets = np.load(work / "offsets.npy").tolist()
    return [terms[ids[s:e]].tolist() for s, e in pairwise(offsets)]


def _read_queries(work: Path) -> dict[str, Any]:
    """queries.json written by the prepare stage."""
    data: dict[str, Any] = json.loads((work / "queries.json").read_text(encoding="utf-8"))
    return data


def _query_sample(engine: str, queries: list[list[str]], args: argparse.Namespace) -> list[Any]:
    """All queries, or the first S for rank_bm25 (a full scan per query term)."""
    return queries[: args.rank_bm25_sample] if engine == "rank_bm25" else queries


def stage_build(args: argparse.Namespace, work: Path) -> Result:
    """Build one engine's index from token lists, save it, time an add (ours)."""
    engine = ADAPTERS[args.engine]()
    docs = _read_docs(work)
    queries = _read_queries(work)
    rss_input = _proc_status_mb("VmRSS")
    _reset_peak_rss()
    index, build_s = _timed(lambda: engine.build(docs, work / args.engine))
    res: Result = {"build_s": build_s, "rss_input_mb": rss_input}
    res["rss_build_peak_mb"] = _proc_status_mb("VmHWM")
    res["rss_after_build_mb"] = _proc_status_mb("VmRSS")
    _, res["save_s"] = _timed(lambda: engine.save(index, work / args.engine))
    res["index_mb"] = _dir_mb(work / args.engine)
    if args.engine == "ours":
        _, res["add_one_doc_s"] = _timed(lambda: index.add_documents([queries["extra_doc"]]))
    return res


def stage_serve(args: argparse.Namespace, work: Path) -> Result:
    """Load a saved index in a fresh process, time the first and then all queries, RSS."""
    engine = ADAPTERS[args.engine]()
    stored = _read_queries(work)
    queries, extra_doc = _query_sample(args.engine, stored["tokens"], args), stored["extra_doc"]
    res: Result = {"rss_before_load_mb": _proc_status_mb("VmRSS")}
    _reset_peak_rss()
    index, res["load_s"] = _timed(lambda: engine.load(work / args.engine))
    _, res["first_query_s"] = _timed(lambda: engine.search(index, queries[0]))
    res["load_first_query_s"] = res["load_s"] + res["first_query_s"]
    res.update(_latencies(engine, index, queries))
    res["rss_serving_mb"] = _proc_status_mb("VmRSS")
    res["rss_serving_peak_mb"] = _proc_status_mb("VmHWM")
    if args.engine == "ours":
        _, res["add_one_doc_loaded_s"] = _timed(lambda: index.add_documents([extra_doc]))
        res["rss_after_add_mb"] = _proc_status_mb("VmRSS")
        res["rss_peak_incl_add_mb"] = _proc_status_mb("VmHWM")
    return res


# ----- the whole answering path through bot.core.Service (--service TREE ...) --------

SERVICE_FILE_PASSAGES = 500


def stage_service_corpus(args: argparse.Namespace, work: Path) -> Result:
    """The same generated passages as text files (paragraphs of 500-passage files) and the
    query texts, for Service.open to ingest, chunk, analyse and index as the bot does."""
    from bench.corpus import make_corpus

    corpus = make_corpus(args.passages, seed=args.seed)
    folder = work / "service-corpus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(0, len(corpus.passages), SERVICE_FILE_PASSAGES):
        body = "\n\n".join(corpus.passages[i : i + SERVICE_FILE_PASSAGES])
        name = f"doc_{i // SERVICE_FILE_PASSAGES:05d}.txt"
        (folder / name).write_text(f"Bulletin {i // SERVICE_FILE_PASSAGES}\n\n{body}\n")
    questions = [f"What about {q}?" for q in corpus.queries(args.queries)]
    (work / "service-questions.json").write_text(json.dumps(questions), encoding="utf-8")
    return {"files": len(list(folder.iterdir())), "questions": len(questions)}


def _service_config(args: argparse.Namespace, work: Path) -> Any:
    """The Service config of a tree's run: the text corpus, a data folder of its own."""
    from bot.config import parse_config

    data = work / f"service-data-{args.engine_label}"
    return parse_config({"corpus": {"dir": str(work / "service-corpus"),
                                    "max_file_bytes": 50_000_000},
                         "data": {"path": str(data / "db.sqlite3")},
                         "logging": {"salt_file": str(data / "salt"), "queries": False}},
                        data), data


def _import_tree(args: argparse.Namespace) -> Path:
    """Put --tree first on sys.path, so `bot` and `index` are imported from it."""
    tree = Path(args.tree).resolve()
    sys.path.insert(0, str(tree))
    return tree


async def _warmed(service: Any) -> None:
    """Wait for the background build of the vocabulary's fuzzy tables (trees that have it)."""
    import asyncio

    await asyncio.gather(*getattr(service, "_warming", ()), return_exceptions=True)


def stage_service(args: argparse.Namespace, work: Path) -> Result:
    """In a fresh interpreter whose `bot` and `index` come from --tree: Service.open over
    the text corpus (the build: ingest, chunk, analyse, index, save, publish), then every
    question through Service.ask (understanding, ranking, abstention, highlights): two
    wall-clock passes, then (--cpu-repeats R) the least CPU time of R asks per question.
    The data folder is kept for the instruction count (--instructions) when asked."""
    import asyncio

    from bench.work import cpu_min_of

    tree = _import_tree(args)
    from bot.core import Service

    config, data = _service_config(args, work)
    shutil.rmtree(data, ignore_errors=True)
    questions = json.loads((work / "service-questions.json").read_text(encoding="utf-8"))

    async def run() -> Result:
        service, build_s = await _atimed(Service.open(config))

        async def ask(question: str) -> Any:
            return await service.ask(question, log=False)

        try:
            res: Result = {"build_s": build_s, "passages": len(service._snapshot.chunks),
                           "tree": str(tree), "rss_after_build_mb": _proc_status_mb("VmRSS")}
            await _warmed(service)
            for name in ("warm", "steady"):
                ms, answered = [], 0
                for question in questions:
                    t0 = time.perf_counter()
                    answer = await ask(question)
                    ms.append((time.perf_counter() - t0) * 1000)
                    answered += not answer.abstained
                res[name] = {**_percentiles(np.array(ms)), "answered": answered}
            if args.cpu_repeats:
                res["cpu_min"] = await cpu_min_of(ask, questions, args.cpu_repeats)
            return res
        finally:
            await service.close()
            if not args.instructions:
                shutil.rmtree(data, ignore_errors=True)

    return asyncio.run(run())


def stage_service_count(args: argparse.Namespace, work: Path) -> Result:
    """Run by callgrind (bench/work.py): Service.open on the data folder the service stage
    left, the first --instructions questions asked once uncounted (warming every cache the
    steady state has), then once more with callgrind counting."""
    import asyncio

    from bench.work import Counting

    _import_tree(args)
    from bot.core import Service

    config, _ = _service_config(args, work)
    questions = json.loads((work / "service-questions.json").read_text(encoding="utf-8"))
    questions = questions[: args.instructions]
    counting = Counting(work / "callgrind-client.so")

    async def run() -> Result:
        service = await Service.open(config)
        try:
            await _warmed(service)
            for question in questions:
                await service.ask(question, log=False)
            answered = 0
            counting.start()
            for question in questions:
                answered += not (await service.ask(question, log=False)).abstained
            counting.stop()
            return {"questions": len(questions), "answered": answered}
        finally:
            await service.close()

    return asyncio.run(run())


async def _atimed(awaitable: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    value = await awaitable
    return value, time.perf_counter() - t0


STAGES: dict[str, Callable[[argparse.Namespace, Path], Result]] = {
    "prepare": stage_prepare,
    "build": stage_build,
    "serve": stage_serve,
    "service_corpus": stage_service_corpus,
    "service": stage_service,
    "service_count": stage_service_count,
}


# ----- orchestration ------------------------------------------------------------------


def _run_stage(args: argparse.Namespace, work: Path, stage: str, engine: str = "") -> Result:
    """Run one stage in a fresh interpreter and read back its JSON result (service_count:
    under callgrind, adding the instructions it counted)."""
    out = work / f"{stage}-{engine or 'corpus'}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", stage]
    cmd += ["--passages", str(args.passages), "--queries", str(args.queries)]
    cmd += ["--rank-bm25-sample", str(args.rank_bm25_sample), "--seed", str(args.seed)]
    cmd += ["--analysis-cores", args.analysis_cores, "--workdir", str(work), "--out", str(out)]
    cmd += ["--cpu-repeats", str(args.cpu_repeats), "--instructions", str(args.instructions)]
    if stage in ("service", "service_count"):
        cmd += ["--tree", engine, "--engine-label", _tree_label(engine)]
        out = work / f"{stage}-{_tree_label(engine)}.json"
        cmd[cmd.index("--out") + 1] = str(out)
    else:
        cmd += ["--engine", engine] if engine else []
    env = None
    counted = work / f"callgrind-{_tree_label(engine)}.out"
    if stage == "service_count":
        cmd, env = under_callgrind(cmd, counted)
    load_before = _loadavg()
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env,
                   stderr=subprocess.DEVNULL if stage == "service_count" else None)
    res: Result = json.loads(out.read_text(encoding="utf-8"))
    if stage == "service_count":
        res["instructions"] = counted_instructions(counted)
        res["instructions_per_question"] = res["instructions"] / res["questions"]
    res["stage_wall_s"] = time.perf_counter() - t0
    res["loadavg_before"], res["loadavg_after"] = load_before, _loadavg()
    _log(f"{stage} {engine}: {time.perf_counter() - t0:.1f} s, load {res['loadavg_after']}")
    return res


def _tree_label(tree: str) -> str:
    """A short name for a source tree: its folder name."""
    return Path(tree).resolve().name or "tree"


def _run_service(args: argparse.Namespace, work: Path, tree: str) -> Result:
    """One tree's service stage, then (--instructions N) its count under callgrind."""
    res = _run_stage(args, work, "service", tree)
    if args.instructions:
        try:
            res["count"] = _run_stage(args, work, "service_count", tree)
        finally:
            shutil.rmtree(work / f"service-data-{_tree_label(tree)}", ignore_errors=True)
    return res


def _service_line(label: str, res: Result, args: argparse.Namespace) -> str:
    """One tree's figures: build, wall-clock p50/p99, CPU min-of-R, instructions."""
    line = (f"service [{label}] {res['passages']} passages: build {res['build_s']:.1f} s, "
            f"ask p50 {res['steady']['p50_ms']:.2f} ms, p99 {res['steady']['p99_ms']:.2f} ms"
            f" ({res['steady']['answered']}/{args.queries} answered)")
    if "cpu_min" in res:
        cpu = res["cpu_min"]
        line += (f"; CPU min of {cpu['repeats']}: p50 {cpu['p50_us']:.0f} µs, "
                 f"mean {cpu['mean_us']:.0f} µs")
    if "count" in res:
        line += (f"; {res['count']['instructions_per_question'] / 1e6:.2f} M instructions"
                 f" per question ({res['count']['questions']} questions)")
    return line


def _run_services(args: argparse.Namespace, work: Path) -> dict[str, Result]:
    """Service build and ask timings for each --service tree, on the same text corpus."""
    if not args.service:
        return {}
    if args.instructions:
        missing = callgrind_missing()
        if missing:
            raise SystemExit(f"--instructions: {missing}")
        client_library(work)
    _run_stage(args, work, "service_corpus")
    results = {_tree_label(t): _run_service(args, work, t) for t in args.service}
    for label, res in results.items():
        print(_service_line(label, res, args))
    return results


def _log(msg: str) -> None:
    """Progress line on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _skip_reason(engine: str, args: argparse.Namespace) -> str | None:
    """Why an engine is not run at this size (None: run it)."""
    if engine == "rank_bm25" and args.passages > args.rank_bm25_max_passages:
        return (
            f"skipped: N > --rank-bm25-max-passages={args.rank_bm25_max_passages} "
            "(pure-Python build and pickle grow linearly; see the 100k run)"
        )
    if engine == "bm25s_numba":
        try:
            import numba  # noqa: F401
        except ImportError:
            return "skipped: numba not installed"
    return None


def _run_engine(args: argparse.Namespace, work: Path, engine: str) -> Result:
    """Build stage then serve stage for one engine, merged."""
    reason = _skip_reason(engine, args)
    if reason:
        _log(f"{engine}: {reason}")
        return {"skipped": reason}
    res = {"build": _run_stage(args, work, "build", engine)}
    res["serve"] = _run_stage(args, work, "serve", engine)
    if not args.keep:
        shutil.rmtree(work / engine, ignore_errors=True)
    return res


def _machine() -> Result:
    """Cores, CPU model, date, versions and the BLAS variables left as found."""
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sqlite": sqlite3.sqlite_version,
        "bm25s": _version("bm25s"),
        "rank_bm25": _version("rank-bm25"),
        "numba": _version("numba"),
        "openblas_env": env,
        "sources_sha256": {f: _sha256(ROOT / f) for f in ("index/engine.py", "index/analyze.py")},
        "loadavg_start": _loadavg(),
    }


def _sha256(path: Path) -> str:
    """First 12 hex digits of a file's sha256 (which engine/analyzer version was measured)."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _version(dist: str) -> str:
    """Installed version of a distribution, or 'absent'."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "absent"


def _overlap(a: list[list[int]], b: list[list[int]]) -> float:
    """Mean top-10 set overlap between two result lists (over their common prefix)."""
    pairs = list(zip(a, b, strict=False))
    if not pairs:
        return float("nan")
    return float(np.mean([len(set(x) & set(y)) / max(1, len(x)) for x, y in pairs]))


# ----- report -------------------------------------------------------------------------


def _row(name: str, res: Result, prep: Result) -> dict[str, Any]:
    """Flatten one engine's build/serve results into table cells."""
    if "skipped" in res:
        return {"engine": LABELS[name], "skipped": res["skipped"]}
    b, s = res["build"], res["serve"]
    analysis = prep.get("analysis_1core_s", prep.get("analysis_2core_s", float("nan")))
    return {
        "engine": LABELS[name],
        "build_pretok_s": b["build_s"],
        "build_incl_analysis_s": b["build_s"] + analysis,
        "p50_ms": s["p50_ms"],
        "p99_ms": s["p99_ms"],
        "queries": s["n"],
        "load_s": s["load_s"],
        "load_first_query_s": s["load_first_query_s"],
        "rss_serving_mb": s["rss_serving_mb"],
        "rss_serving_peak_mb": s["rss_serving_peak_mb"],
        "rss_build_peak_mb": b["rss_build_peak_mb"],
        "index_mb": b["index_mb"],
        "save_s": b["save_s"],
    }


def _ratios(rows: dict[str, dict[str, Any]], results: dict[str, Result]) -> dict[str, Any]:
    """Query p50 speed-up of ours over each anchor, and top-10 overlap with ours."""
    ours = rows["ours"]
    mine = results["ours"]["serve"]["results"]
    out: dict[str, Any] = {}
    for name, row in rows.items():
        if name == "ours" or "skipped" in row:
            continue
        out[name] = {
            "p50_speedup": row["p50_ms"] / ours["p50_ms"],
            "p99_speedup": row["p99_ms"] / ours["p99_ms"],
            "build_pretok_speedup": row["build_pretok_s"] / ours["build_pretok_s"],
            "top10_overlap_with_ours": _overlap(results[name]["serve"]["results"], mine),
        }
    return out


_COLUMNS = [
    ("build_pretok_s", "build s", "{:.2f}"),
    ("build_incl_analysis_s", "build+anal s", "{:.1f}"),
    ("p50_ms", "p50 ms", "{:.3f}"),
    ("p99_ms", "p99 ms", "{:.3f}"),
    ("queries", "n q", "{}"),
    ("load_s", "load s", "{:.3f}"),
    ("load_first_query_s", "load+1q s", "{:.3f}"),
    ("rss_serving_mb", "RSS serve MB", "{:.0f}"),
    ("rss_build_peak_mb", "RSS build MB", "{:.0f}"),
    ("index_mb", "disk MB", "{:.0f}"),
]


def _table(rows: dict[str, dict[str, Any]], ratios: dict[str, Any]) -> str:
    """Engines x metrics, plus ours' p50 speed-up over each."""
    head = ["engine", *[c[1] for c in _COLUMNS], "ours p50 x"]
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for name, row in rows.items():
        if "skipped" in row:
            lines.append(f"{row['engine']} | {row['skipped']}")
            continue
        cells = [row["engine"], *[fmt.format(row[key]) for key, _, fmt in _COLUMNS]]
        speed = ratios.get(name, {}).get("p50_speedup")
        cells.append("1" if name == "ours" else f"{speed:.1f}x")
        lines.append(" | ".join(cells))
    return "\n".join(f"| {ln} |" for ln in lines)


def _summary(prep: Result, results: dict[str, Result]) -> str:
    """Corpus and analysis figures, plus ours' add-one-document times."""
    lines = [
        f"corpus: {prep['tokens']:,} analysed tokens, {prep['terms']:,} terms "
        f"(generated in {prep['generate_s']:.1f} s)",
    ]
    for key in ("analysis_1core_s", "analysis_2core_s"):
        if key in prep:
            lines.append(f"{key}: {prep[key]:.1f} s")
    ours = results.get("ours", {})
    if "build" in ours:
        lines.append(f"ours add 1 doc (built index): {ours['build']['add_one_doc_s']:.3f} s")
        serve = ours["serve"]
        lines.append(
            f"ours add 1 doc (loaded mmap): {serve['add_one_doc_loaded_s']:.3f} s, RSS after"
            f" {serve['rss_after_add_mb']:.0f} MB, peak {serve['rss_peak_incl_add_mb']:.0f} MB"
        )
    return "\n".join(lines)


def _prepare(args: argparse.Namespace, work: Path) -> Result:
    """Run the prepare stage, or with --reuse-corpus read the one already in the workdir."""
    done = work / "prepare-corpus.json"
    if args.reuse_corpus and done.exists():
        prep: Result = json.loads(done.read_text(encoding="utf-8"))
        wanted = {"passages": args.passages, "seed": args.seed, "queries": args.queries}
        if all(prep.get(key) == value for key, value in wanted.items()):
            _log(f"reusing the corpus prepared in {work}")
            return prep
    return _run_stage(args, work, "prepare")


def orchestrate(args: argparse.Namespace) -> Result:
    """Prepare the corpus, then build and serve each engine in turn; print and save."""
    work = Path(args.workdir or ROOT / "bench" / "out" / f"n{args.passages}")
    work.mkdir(parents=True, exist_ok=True)
    report: Result = {"machine": _machine(), "args": vars(args)}
    prep = report["prepare"] = _prepare(args, work)
    results = {name: _run_engine(args, work, name) for name in args.engines}
    report["service"] = _run_services(args, work)
    rows = {name: _row(name, res, prep) for name, res in results.items()}
    ratios = _ratios(rows, results) if "ours" in rows and "build" in results["ours"] else {}
    report.update(engines=results, rows=rows, ratios=ratios)
    report["machine"]["loadavg_end"] = _loadavg()
    print(_table(rows, ratios))
    print(_summary(prep, results))
    print(json.dumps(ratios, indent=1))
    out = Path(args.out) if args.out else work / "report.json"
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    _log(f"report written to {out}")
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--passages", type=int, required=True, help="corpus size N")
    p.add_argument("--queries", type=int, default=1000, help="queries per engine")
    p.add_argument("--rank-bm25-sample", type=int, default=20, help="queries for rank_bm25")
    p.add_argument("--rank-bm25-max-passages", type=int, default=1_000_000)
    p.add_argument("--analysis-cores", choices=("1", "2", "both"), default="both")
    p.add_argument("--engines", nargs="*", choices=ENGINES, default=list(ENGINES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default="", help="default bench/out/n<N>")
    p.add_argument("--keep", action="store_true", help="keep the saved indexes")
    p.add_argument(
        "--reuse-corpus", action="store_true", help="reuse the workdir's prepared corpus"
    )
    p.add_argument("--out", default="", help="JSON report path (default <workdir>/report.json)")
    p.add_argument(
        "--service", nargs="*", default=[], metavar="TREE",
        help="also time Service.open (build) and Service.ask (the whole answering path) with "
        "the bot/ and index/ of each source tree, e.g. . and an export of main",
    )
    p.add_argument(
        "--cpu-repeats", type=int, default=0, metavar="R",
        help="with --service: also each question's least process CPU time of R asks in a row",
    )
    p.add_argument(
        "--instructions", type=int, default=0, metavar="N",
        help="with --service: also count the instructions of answering the first N questions "
        "(valgrind's callgrind; bench/work.py)",
    )
    p.add_argument("--stage", choices=tuple(STAGES), help=argparse.SUPPRESS)
    p.add_argument("--tree", help=argparse.SUPPRESS)
    p.add_argument("--engine-label", default="", help=argparse.SUPPRESS)
    p.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: orchestrate, or run one internal stage and write its JSON."""
    args = parse_args(argv)
    if args.stage is None:
        orchestrate(args)
        return
    res = STAGES[args.stage](args, Path(args.workdir))
    Path(args.out).write_text(json.dumps(res), encoding="utf-8")


if __name__ == "__main__":
    main()
