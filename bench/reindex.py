"""`conflictbot reindex` wall time per source tree, on the same corpus folder (#13).

For each tree (e.g. `.` and an export of main: `git archive main | tar -x -C DIR`), in
turn, never at once: a fresh data folder, then

- first: `conflictbot reindex` on the fresh folder (the first reindex; today's code builds
  twice here, once opening the service and once reindexing),
- again: `conflictbot reindex` once more (one build in any version),

each a subprocess running the tree's own code (PYTHONPATH=tree), with its peak RSS
(children included: the worker processes). Prints one JSON line per tree and a table.

    python bench/news_corpus.py /tmp/news --documents 2000
    python bench/reindex.py /tmp/news --tree . --tree /tmp/main-export
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_reindex(tree: Path, config: Path, out: Path) -> tuple[float, str, int]:
    """Seconds one `conflictbot reindex` took with the tree's code, its summary line, and
    the main process's peak RSS in MB (worker processes not included)."""
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    started = time.perf_counter()
    with (out / "stdout").open("w") as stdout, (out / "stderr").open("w") as stderr:
        child = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config),
                                  "reindex"], env=env, cwd=tree, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{tree}: reindex failed ({child.returncode}): "
                         f"{(out / 'stderr').read_text()[-2000:]}")
    line = (out / "stdout").read_text().strip().splitlines()[-1]
    return seconds, line, usage.ru_maxrss // 1024


def measure(tree: Path, corpus: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="reindex-bench-") as data:
        config = Path(data) / "config.yaml"
        config.write_text(f"corpus: {{dir: {corpus.resolve()}}}\n"
                          f"data: {{path: {data}/db.sqlite3}}\n"
                          f"logging: {{salt_file: {data}/salt}}\n")
        first, first_line, first_mb = run_reindex(tree, config, Path(data))
        again, again_line, again_mb = run_reindex(tree, config, Path(data))
    return {"tree": str(tree), "first_s": round(first, 2), "again_s": round(again, 2),
            "first": first_line, "again": again_line,
            "peak_rss_mb": max(first_mb, again_mb)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="corpus folder (bench/news_corpus.py)")
    parser.add_argument("--tree", type=Path, action="append", required=True,
                        help="source tree to measure (repeat; the first is the baseline)")
    args = parser.parse_args(argv)
    rows = []
    for tree in args.tree:
        row = measure(tree, args.corpus)
        print(json.dumps(row), flush=True)
        rows.append(row)
    base = rows[0]
    print(f"\n{'tree':40} {'first reindex':>14} {'reindex again':>14} {'ratio':>12}")
    for row in rows:
        ratio = (f"{float(str(base['first_s'])) / float(str(row['first_s'])):.2f}x/"
                 f"{float(str(base['again_s'])) / float(str(row['again_s'])):.2f}x")
        print(f"{str(row['tree'])[-40:]:40} {row['first_s']:>13}s {row['again_s']:>13}s "
              f"{ratio:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
