"""Abstention at any corpus size: do the same questions get the same answer-or-abstain
decision when the corpus is 10x and 100x larger?

    python bench/abstention_scale.py [--questions tests/eval/dev.yaml] [--scales 1 10 100]

Each scale is the seeds plus generated news-like documents (bench/corpus.py `make_news`: the
seeds' ordinary words at their own frequencies, generated words and generated names, and
none of the seeds' specific names, which is checked) so that the corpus holds about
scale x the seeds' passages. Every question is asked through bot.core.Service as the bot
would; the report gives, per scale, the share of questions whose decision (answer or abstain)
equals the one at scale 1, and the evaluation figures at that scale.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import make_news, seed_name_terms  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.core import Service  # noqa: E402
from bot.evaluate import Report, evaluate, load_questions  # noqa: E402
from index.analyze import analyze  # noqa: E402

PASSAGES_PER_FILE = 200


def write_corpus(folder: Path, seeds: Path, extra: list[str]) -> None:
    """The seeds, plus the generated passages as plain-text files of 200 paragraphs."""
    shutil.copytree(seeds, folder)
    for i in range(0, len(extra), PASSAGES_PER_FILE):
        body = "\n\n".join(extra[i:i + PASSAGES_PER_FILE])
        title = f"Regional bulletin {i // PASSAGES_PER_FILE + 1}"
        (folder / f"news_{i // PASSAGES_PER_FILE:05d}.txt").write_text(f"{title}\n\n{body}\n")


def names_in(passages: list[str], names: set[str]) -> int:
    """How many generated passages hold a term of one of the seeds' names (must be 0)."""
    return sum(1 for p in passages if names.intersection(analyze(p)))


async def run_scale(work: Path, seeds: Path, extra: list[str], questions: Any
                    ) -> tuple[Report, int, float]:
    corpus = work / "corpus"
    write_corpus(corpus, seeds, extra)
    config = parse_config({"corpus": {"dir": str(corpus)},
                           "data": {"path": str(work / "data" / "db.sqlite3")},
                           "logging": {"salt_file": str(work / "data" / "salt"),
                                       "queries": False}}, work)
    started = time.perf_counter()
    service = await Service.open(config)
    built = time.perf_counter() - started
    try:
        passages = len(service._snapshot.chunks)
        return await evaluate(service, questions), passages, built
    finally:
        await service.close()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    seeds = ROOT / "seeds"
    seed_texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    questions = load_questions(Path(args.questions))
    names = seed_name_terms(seed_texts)
    reports: dict[int, Report] = {}
    out: dict[str, Any] = {"questions": args.questions, "scales": {}}
    base_passages = 0
    for scale in args.scales:
        extra = make_news(max(0, (scale - 1) * base_passages), seed_texts, seed=args.seed)
        leaked = names_in(extra, names)
        with tempfile.TemporaryDirectory() as tmp:
            report, passages, built = await run_scale(Path(tmp), seeds, extra, questions)
        base_passages = base_passages or passages
        reports[scale] = report
        base = reports[args.scales[0]]
        same = sum(a.abstained == b.abstained
                   for a, b in zip(base.results, report.results, strict=True))
        abstained, unanswerable = report.out_of_corpus_abstained
        row = {"passages": passages, "generated": len(extra), "names_leaked": leaked,
               "build_s": round(built, 2), "agreement": round(same / len(report.results), 4),
               "same": same, "of": len(report.results),
               "success_1": round(report.success_at(1), 3),
               "success_3": round(report.success_at(3), 3),
               "out_of_corpus_abstained": f"{abstained}/{unanswerable}",
               "flipped": [r.question.question for a, r in
                           zip(base.results, report.results, strict=True)
                           if a.abstained != r.abstained]}
        out["scales"][str(scale)] = row
        print(f"scale {scale:>4}: {passages:>6} passages, {leaked} generated passages with a "
              f"seed name, decisions equal to 1x {same}/{len(report.results)} "
              f"({row['agreement']:.1%}), S@1 {row['success_1']}, S@3 {row['success_3']}, "
              f"out-of-corpus abstained {abstained}/{unanswerable}", flush=True)
    return out


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--questions", default=str(ROOT / "tests" / "eval" / "dev.yaml"))
    p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="", help="JSON report path")
    return p.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    result = asyncio.run(main(arguments))
    if arguments.out:
        Path(arguments.out).write_text(json.dumps(result, indent=2))
