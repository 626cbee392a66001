"""Progress of an index build, stage by stage (#13).

A progress callback is called from a worker thread with `(done, total)`. One that also
takes a `stage` keyword (`def __call__(self, done, total, stage="")`) hears which stage
`done` counts, in this order: READING (files hashed), PREPARING (files read, cleaned,
chunked and analysed: one pass per file, in worker processes on a large corpus), BUILDING
(the BM25 arrays), PUBLISHING (saved and published). Each stage starts at (0, total) and
ends at (total, total).

A callback without `stage` (the older two-argument kind) hears files: (done, files)
through PREPARING, then (files - 1, files) while the index is built and published, and
(files, files) only once it is: its bar no longer sits full while half the work remains.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

Progress = Callable[[int, int], None]  # (done, total); may also accept stage= (see above)

READING = "reading"
PREPARING = "cleaning, chunking and analysing"
BUILDING = "building"
PUBLISHING = "publishing"
STAGES = (READING, PREPARING, BUILDING, PUBLISHING)


def takes_stage(callback: Progress) -> bool:
    """True if the callback accepts the `stage` keyword."""
    try:
        parameters = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "stage" or p.kind is p.VAR_KEYWORD for p in parameters)


class Reporter:
    """Tells one callback about every stage of one build (or nobody, given None)."""

    def __init__(self, callback: Progress | None) -> None:
        self._callback = callback
        self._staged = callback is not None and takes_stage(callback)
        self._files = 0

    def stage(self, name: str, total: int) -> Progress:
        """The (done, total) callback of one stage; announces the stage at (0, total)."""
        if name == PREPARING:
            self._files = total

        def update(done: int, of: int) -> None:
            self._tell(name, done, of)

        self._tell(name, 0, total)
        return update

    def finished(self) -> None:
        """The index is published: a two-argument callback's bar may now be full."""
        if self._callback is not None and not self._staged:
            self._callback(self._files, self._files)

    def _tell(self, name: str, done: int, total: int) -> None:
        callback = self._callback
        if callback is None:
            return
        if self._staged:
            callback(done, total, stage=name)  # type: ignore[call-arg]
        elif name == PREPARING and done < total:
            callback(done, total)
        elif name in (PREPARING, BUILDING, PUBLISHING) and self._files:
            callback(self._files - 1, self._files)
