"""ThrottledProgress (bot/frontend.py): throttled edits of one progress message.

Runs on an event loop with a virtual clock that jumps to the next timer instead of waiting:
no test here sleeps for real, and every time checked is exact."""

from __future__ import annotations

import asyncio
import selectors
import threading
from collections.abc import Callable, Coroutine
from itertools import pairwise
from typing import Any, TypeVar

from bot.core import Service
from bot.frontend import ThrottledProgress
from bot.render.text import render_progress
from index.progress import BUILDING, PREPARING, STAGES

T = TypeVar("T")
START = 1000.0
INTERVAL = 2.0
STALL_SECONDS = 10.0  # real seconds a loop with nothing scheduled waits for a worker thread


class VirtualClock:
    def __init__(self) -> None:
        self.now = START


class JumpingSelector(selectors.SelectSelector):
    """Never blocks on a timer: advances the virtual clock to it instead. With nothing
    scheduled only a worker thread can wake the loop, so that wait is real (and bounded)."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            events = super().select(STALL_SECONDS)
            if not events:
                raise RuntimeError("event loop stalled: nothing scheduled, nobody woke it")
            return events
        events = super().select(0)
        if not events and timeout > 0:
            self.clock.now += timeout
        return events


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self.clock = VirtualClock()
        super().__init__(JumpingSelector(self.clock))

    def time(self) -> float:
        return self.clock.now


def run(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(scenario())
    finally:
        loop.close()


class RecordingProgress(ThrottledProgress):
    """Records each edit with its (virtual) time, and the threads that touched its state."""

    def __init__(self, shown: str = "Reindexing…", *, wait_first: bool = False,
                 render: Callable[[int, int, str], str] | None = None) -> None:
        super().__init__(shown, render or (lambda done, total, _stage: f"{done}/{total}"),
                         INTERVAL,
                         wait_first=wait_first)
        self.edits: list[tuple[float, str]] = []
        self.noted_in: set[int] = set()

    def _note(self, done: int, total: int, stage: str = "") -> None:
        self.noted_in.add(threading.get_ident())
        super()._note(done, total, stage)

    async def _send(self, text: str) -> None:
        self.edits.append((asyncio.get_running_loop().time(), text))


def _gaps(edits: list[tuple[float, str]]) -> list[float]:
    return [later[0] - earlier[0] for earlier, later in pairwise(edits)]


def test_first_update_is_shown_at_once_then_the_latest_after_the_interval() -> None:
    async def scenario() -> list[tuple[float, str]]:
        progress = RecordingProgress()
        progress(1, 100)
        await asyncio.sleep(0.1)
        for done in (2, 3, 4, 5):
            progress(done, 100)
            await asyncio.sleep(0.1)
        await asyncio.sleep(10)
        return progress.edits

    assert run(scenario) == [(START, "1/100"), (START + INTERVAL, "5/100")]


def test_at_most_one_edit_per_interval_and_the_last_value_always_shown() -> None:
    async def scenario() -> list[tuple[float, str]]:
        progress = RecordingProgress()
        for done in range(1, 201):
            progress(done, 200)
            await asyncio.sleep(0.07)
        await asyncio.sleep(3 * INTERVAL)
        return progress.edits

    edits = run(scenario)
    assert all(gap >= INTERVAL for gap in _gaps(edits))
    assert edits[-1][1] == "200/200"
    assert 200 * 0.07 / INTERVAL <= len(edits) <= 200 * 0.07 / INTERVAL + 2


def test_wait_first_holds_the_first_edit_for_one_interval() -> None:
    async def scenario() -> list[tuple[float, str]]:
        progress = RecordingProgress(wait_first=True)
        progress(1, 10)
        await asyncio.sleep(10)
        return progress.edits

    assert run(scenario) == [(START + INTERVAL, "1/10")]


def test_an_unchanged_text_is_not_sent_again() -> None:
    async def scenario() -> list[str]:
        progress = RecordingProgress("0%", render=lambda done, total, _s: f"{100 * done // total}%")
        for done in (1, 2, 3):  # still 0% of 1000: the message already says so
            progress(done, 1000)
        await asyncio.sleep(10)
        progress(500, 1000)
        await asyncio.sleep(10)
        progress(501, 1000)
        await asyncio.sleep(10)
        return [text for _, text in progress.edits]

    assert run(scenario) == ["50%"]


def test_finish_shows_the_final_text_once_and_stops_further_edits() -> None:
    async def scenario() -> list[tuple[float, str]]:
        progress = RecordingProgress()
        progress(1, 10)
        await asyncio.sleep(0.5)
        progress(2, 10)  # pending: due one interval after the first edit
        await progress.finish("Reindexed 10 documents.")
        progress(3, 10)  # a late callback from the worker thread
        await asyncio.sleep(10)
        return progress.edits

    assert run(scenario) == [(START, "1/10"), (START + 0.5, "Reindexed 10 documents.")]


def test_finish_with_the_text_already_shown_sends_nothing() -> None:
    async def scenario() -> list[str]:
        progress = RecordingProgress()
        progress(10, 10)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await progress.finish("10/10")
        return [text for _, text in progress.edits]

    assert run(scenario) == ["10/10"]


def test_finish_before_any_update_shows_the_final_text() -> None:
    async def scenario() -> list[str]:
        progress = RecordingProgress()
        await progress.finish("Nothing to do.")
        return [text for _, text in progress.edits]

    assert run(scenario) == ["Nothing to do."]


def test_callbacks_from_a_worker_thread_are_handled_on_the_loop() -> None:
    """As the core calls it: from a worker thread while the loop serves. Each update is
    handed to the loop's thread, and the last one is shown."""
    async def scenario() -> tuple[RecordingProgress, int]:
        progress = RecordingProgress()

        def reindex() -> None:
            for done in range(1, 501):
                progress(done, 500)

        await asyncio.to_thread(reindex)
        await asyncio.sleep(3 * INTERVAL)
        return progress, threading.get_ident()

    progress, loop_thread = run(scenario)
    assert progress.noted_in == {loop_thread}
    assert progress.edits[-1][1] == "500/500"
    assert all(gap >= INTERVAL for gap in _gaps(progress.edits))


def test_a_callback_after_the_loop_closed_is_ignored() -> None:
    async def scenario() -> RecordingProgress:
        return RecordingProgress()

    progress = run(scenario)
    progress(1, 2)  # the reindex thread outlived the bot: nothing to tell, nothing raised
    assert progress.edits == []


class StageRecorder(ThrottledProgress):
    """The chat's progress message as a build reports to it: every (done, total, stage)
    noted, and each text the message would show."""

    def __init__(self) -> None:
        super().__init__("⏳ Reindexing…", render_progress, 0.0)
        self.noted: list[tuple[int, int, str]] = []
        self.texts: list[str] = []

    def _note(self, done: int, total: int, stage: str = "") -> None:
        self.noted.append((done, total, stage))
        self.texts.append(render_progress(done, total, stage))
        super()._note(done, total, stage)

    async def _send(self, text: str) -> None:
        pass


async def test_the_chat_progress_message_names_every_stage_of_a_real_reindex(
        service: Service) -> None:
    progress = StageRecorder()
    await service.reindex(progress)
    await asyncio.sleep(0)  # the worker thread's last calls reach the loop
    stages = list(dict.fromkeys(stage for _, _, stage in progress.noted))
    assert stages == list(STAGES)
    for stage in STAGES:
        assert any(stage in text for text in progress.texts), stage
    bars = [text.split("\n")[1].count("▓") for text in progress.texts]
    assert bars == sorted(bars) and bars[-1] == 10  # one bar, never back to empty


def test_progress_text_counts_files_for_file_stages_and_names_one_step_stages() -> None:
    assert render_progress(2, 5, PREPARING).startswith(
        "⏳ Reindexing: cleaning, chunking and analysing 2/5 files")
    assert render_progress(0, 1, BUILDING).startswith("⏳ Reindexing: building…")
    assert render_progress(3, 6).startswith("⏳ Reindexing… 3/6 documents")  # no stage given
    assert render_progress(0, 0) == "⏳ Reindexing…"
