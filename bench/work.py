"""Work per question that machine load does not move (used by bench/search.py --service).

Wall-clock latency on a shared machine swings with what else runs; two measures that do not:

- CPU time, min of R: each question asked R times in a row, the least process CPU time
  (`time.process_time_ns`, every thread: a large index searches in a worker thread) of the R
  kept. Another process taking the core delays a question but does not add CPU time to it;
  the minimum drops the runs a cache eviction or a context switch did slow.
- Instructions (callgrind): the answering of N questions counted by valgrind's callgrind,
  instrumentation switched on only around the questions (a 10-line client library, compiled
  here with the system C compiler, toggles it), with PYTHONHASHSEED fixed: the same tree
  and questions give the same count whatever else the machine does. Needs valgrind, its
  headers (valgrind/callgrind.h) and cc; costs ~50x the questions' time plus a slow start.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

Result = dict[str, Any]

CLIENT_SOURCE = """#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""
HASH_SEED = "0"


async def cpu_min_of(ask: Callable[[str], Awaitable[Any]], questions: Sequence[str],
                     repeats: int) -> Result:
    """Per question, the least process CPU time of `repeats` asks in a row (µs): percentiles
    and the mean over the questions."""
    best = []
    for question in questions:
        runs = []
        for _ in range(repeats):
            t0 = time.process_time_ns()
            await ask(question)
            runs.append(time.process_time_ns() - t0)
        best.append(min(runs) / 1000)
    us = np.array(best)
    return {"repeats": repeats, "questions": len(questions),
            "p50_us": float(np.percentile(us, 50)), "p90_us": float(np.percentile(us, 90)),
            "mean_us": float(us.mean())}


def callgrind_missing() -> str | None:
    """Why instructions cannot be counted here (None: they can)."""
    for tool in ("valgrind", "cc"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    if not Path("/usr/include/valgrind/callgrind.h").is_file():
        return "valgrind/callgrind.h not found (install valgrind's headers)"
    return None


def client_library(work: Path) -> Path:
    """Compile (once per workdir) the library whose calls switch callgrind's counting."""
    library = work / "callgrind-client.so"
    if not library.is_file():
        source = work / "callgrind-client.c"
        source.write_text(CLIENT_SOURCE, encoding="utf-8")
        subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(library), str(source)],
                       check=True)
    return library


class Counting:
    """Switches callgrind's instrumentation on and off from inside the measured process
    (no-ops outside valgrind: the client requests are then plain instructions)."""

    def __init__(self, library: Path) -> None:
        self._lib = ctypes.CDLL(str(library))

    def start(self) -> None:
        self._lib.cg_start()

    def stop(self) -> None:
        self._lib.cg_stop()


def under_callgrind(command: list[str], out_file: Path) -> tuple[list[str], dict[str, str]]:
    """The command run by callgrind, counting nothing until the process asks, and its
    environment (a fixed hash seed: set iteration order is part of the work)."""
    wrapped = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-line=no",
               f"--callgrind-out-file={out_file}", *command]
    return wrapped, {**os.environ, "PYTHONHASHSEED": HASH_SEED}


def counted_instructions(out_file: Path) -> int:
    """The instructions (event Ir) callgrind counted, from its output file's `totals:` line
    (its `summary:` line stays 0 when counting starts from inside the process)."""
    text = out_file.read_text(encoding="utf-8", errors="replace")
    found = re.search(r"^totals:\s+(\d+)", text, re.MULTILINE)
    if found is None:
        raise ValueError(f"{out_file}: no totals line")
    return int(found.group(1))
