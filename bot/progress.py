"""Index build progress for the command line: a bar per stage on a terminal, log lines
otherwise (#13). Both are the core's stage-aware progress callback (index/progress.py)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tqdm import tqdm

LOG_EVERY_SECONDS = 5.0
LOG_EVERY_FRACTION = 0.10


class TerminalProgress:
    """One tqdm bar per stage on stderr, closed when the stage ends or the next begins."""

    def __init__(self) -> None:
        self._bar: tqdm[None] | None = None
        self._stage = ""

    def __call__(self, done: int, total: int, stage: str = "indexing") -> None:
        if stage != self._stage or self._bar is None:
            self._close()
            from tqdm import tqdm

            self._stage = stage
            self._bar = tqdm(total=total, desc=stage, unit="file" if total > 1 else "step",
                             file=sys.stderr, leave=False)
        self._bar.n = done
        self._bar.refresh()
        if done >= total:
            self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class LogProgress:
    """An INFO line when a stage starts and ends, and in between every 10% or 5 s."""

    def __init__(self, log: logging.Logger, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self._log, self._clock = log, clock
        self._stage = ""
        self._last_time = 0.0
        self._last_done = 0

    def __call__(self, done: int, total: int, stage: str = "indexing") -> None:
        now = self._clock()
        if stage != self._stage:
            self._stage, self._last_time, self._last_done = stage, now, done
            self._log.info("%s: started (%d to do)", stage, total)
        elif done >= total:
            self._log.info("%s: done (%d/%d)", stage, done, total)
        elif self._due(done, total, now):
            self._log.info("%s: %d/%d (%d%%)", stage, done, total, 100 * done // total)
        else:
            return
        self._last_time, self._last_done = now, done

    def _due(self, done: int, total: int, now: float) -> bool:
        step = max(1, int(total * LOG_EVERY_FRACTION))
        return done - self._last_done >= step or now - self._last_time >= LOG_EVERY_SECONDS
