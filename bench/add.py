"""/add, /remove and start at scale through bot.core.Service (#13), for one or more code
trees (ours and main's, measured in the same run).

    python -m bench.add --passages 100000 --tree . --tree /work/main

Per tree, in fresh interpreters: (1) Service.open builds the generated corpus (500-passage
text files, as bench/search.py --service); (2) a new process opens the saved generation
and times the first answer (start), its RSS, then adds one ~3 KB article through
Service.add_document while another task keeps asking questions (their latencies), then
removes it; peak RSS covers start, add and remove. Prints and writes JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ("# Convoy ambushed near Tessit\n\nGAO, 4 March (Wire) - Gunmen ambushed a supply "
           "convoy near Tessit on Monday, killing 12 soldiers, the army said. ")
FILE_PASSAGES = 500


def stage_corpus(passages: int, seed: int, work: Path) -> None:
    """The generated passages as text files, and questions, under `work`."""
    from bench.corpus import make_corpus

    corpus = make_corpus(passages, seed=seed)
    folder = work / "corpus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(0, len(corpus.passages), FILE_PASSAGES):
        body = "\n\n".join(corpus.passages[i : i + FILE_PASSAGES])
        (folder / f"doc_{i // FILE_PASSAGES:05d}.txt").write_text(
            f"Bulletin {i // FILE_PASSAGES}\n\n{body}\n")
    questions = [f"What about {q}?" for q in corpus.queries(200)]
    (work / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    words = corpus.words[:400]
    paragraphs = [" ".join(words[(p * 37 + i * 11) % 400] for i in range(60)) + "."
                  for p in range(7)]
    (work / "article.md").write_text(ARTICLE + "\n\n".join(paragraphs) + "\n")


def _config(work: Path, label: str) -> Any:
    from bot.config import parse_config

    data = work / f"data-{label}"
    return parse_config({"corpus": {"dir": str(work / "corpus"), "max_file_bytes": 50_000_000},
                         "data": {"path": str(data / "db.sqlite3")},
                         "logging": {"salt_file": str(data / "salt"), "queries": False}}, data)


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentiles(ms: list[float]) -> dict[str, float]:
    arr = np.asarray(ms) if ms else np.zeros(1)
    return {"n": len(ms), "p50_ms": float(np.percentile(arr, 50)),
            "p99_ms": float(np.percentile(arr, 99)), "max_ms": float(arr.max())}


async def _build(work: Path, label: str) -> dict[str, Any]:
    from bot.core import Service

    t0 = time.perf_counter()
    service = await Service.open(_config(work, label))
    build_s = time.perf_counter() - t0
    await service.close()
    return {"build_s": build_s}


async def _asking(service: Any, questions: list[str], stop: asyncio.Event) -> list[float]:
    """Latencies of questions asked back to back until `stop`."""
    ms: list[float] = []
    i = 0
    while not stop.is_set():
        t0 = time.perf_counter()
        await service.ask(questions[i % len(questions)], log=False)
        ms.append((time.perf_counter() - t0) * 1000)
        i += 1
        await asyncio.sleep(0)
    return ms


async def _timed_with_questions(service: Any, questions: list[str], action: Any
                                ) -> tuple[float, dict[str, float]]:
    stop = asyncio.Event()
    asker = asyncio.create_task(_asking(service, questions, stop))
    t0 = time.perf_counter()
    await action
    seconds = time.perf_counter() - t0
    stop.set()
    return seconds, _percentiles(await asker)


async def _serve(work: Path, label: str) -> dict[str, Any]:
    from bot.core import Service

    questions = json.loads((work / "questions.json").read_text(encoding="utf-8"))
    article = (work / "article.md").read_bytes()
    t0 = time.perf_counter()
    service = await Service.open(_config(work, label))
    open_s = time.perf_counter() - t0
    await service.ask(questions[0], log=False)
    res: dict[str, Any] = {"open_s": open_s, "start_to_first_answer_s": time.perf_counter() - t0,
                           "rss_serving_mb": _rss_mb("VmRSS")}
    try:
        idle = []
        for question in questions:
            q0 = time.perf_counter()
            await service.ask(question, log=False)
            idle.append((time.perf_counter() - q0) * 1000)
        res["answers_idle"] = _percentiles(idle)
        res["add_s"], res["answers_during_add"] = await _timed_with_questions(
            service, questions, service.add_document("added-article.md", article))
        after = []
        for question in questions:
            q0 = time.perf_counter()
            await service.ask(question, log=False)
            after.append((time.perf_counter() - q0) * 1000)
        res["answers_after_add"] = _percentiles(after)
        res["remove_s"], res["answers_during_remove"] = await _timed_with_questions(
            service, questions, service.remove_document("added-article.md"))
        res["rss_after_mb"] = _rss_mb("VmRSS")
        res["peak_rss_mb"] = _rss_mb("VmHWM")
    finally:
        await service.close()
    return res


def _stage(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(args.tree[0]).resolve()))
    work, label = Path(args.workdir), args.label
    run = _build if args.stage == "build" else _serve
    print(json.dumps(asyncio.run(run(work, label))))


def _run_stage(stage: str, tree: str, work: Path, label: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.add", "--stage", stage, "--tree", tree,
           "--workdir", str(work), "--label", label]
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--passages", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tree", action="append", default=[], help="code tree (repeatable)")
    p.add_argument("--workdir", default="")
    p.add_argument("--out", default="")
    p.add_argument("--stage", choices=("build", "serve"), help=argparse.SUPPRESS)
    p.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.stage:
        _stage(args)
        return
    work = Path(args.workdir or ROOT / "bench" / "out" / f"add-n{args.passages}")
    work.mkdir(parents=True, exist_ok=True)
    stage_corpus(args.passages, args.seed, work)
    report: dict[str, Any] = {"passages": args.passages, "date": time.strftime("%Y-%m-%d"),
                              "trees": {}}
    for i, tree in enumerate(args.tree or [str(ROOT)]):
        label = f"t{i}"
        result = _run_stage("build", tree, work, label)
        result.update(_run_stage("serve", tree, work, label))
        report["trees"][tree] = result
        print(json.dumps({tree: result}, indent=1), flush=True)
        shutil.rmtree(work / f"data-{label}", ignore_errors=True)
    out = Path(args.out or work / "report.json")
    out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
