"""Pieces every chat front end needs: token redaction in logs, and the question cache."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

REDACTED = "<redacted>"
QUESTION_CACHE_SIZE = 5000


class TokenRedactor(logging.Filter):
    """Replaces bot tokens in log records (message, arguments, traceback) with a marker,
    in any letter case: python-telegram-bot capitalises error text, which lower-cases a
    token echoed in it."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, token: str) -> None:
        """Redact this token from now on, and its secret part on its own (Telegram's after
        the colon, Discord's last dotted part), so URL-encoded or split forms are covered."""
        self.secrets.add(token)
        for part in (token.split(":", 1)[-1], token.rsplit(".", 1)[-1]):
            if len(part) >= 8:
                self.secrets.add(part)
        longest_first = sorted(self.secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE)

    def scrub(self, text: str) -> str:
        """`text` with every known token replaced, whatever its letter case."""
        return self._pattern.sub(REDACTED, text) if self._pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # malformed: not ours to fix, but logging prints msg and args
            record.msg, record.args = self._scrubbed(record.msg), self._scrubbed(record.args)
        else:
            if self.scrub(message) != message:
                record.msg, record.args = self.scrub(message), None
        if record.exc_info and record.exc_info[1] is not None:
            trace = record.exc_text or logging.Formatter().formatException(record.exc_info)
            if self.scrub(trace) != trace:
                record.exc_info, record.exc_text = None, self.scrub(trace)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True

    def _scrubbed(self, value: Any) -> Any:
        """`value` as it is if it holds no token, else its text with the token replaced."""
        if isinstance(value, tuple):
            return tuple(self._scrubbed(item) for item in value)
        if isinstance(value, dict):
            return {key: self._scrubbed(item) for key, item in value.items()}
        try:
            text = value if isinstance(value, str) else repr(value)
        except Exception:  # a broken __repr__: logging cannot print it either
            return value
        return value if self.scrub(text) == text else self.scrub(text)


REDACTOR = TokenRedactor()


def protect_token(token: str) -> None:
    """Silence per-request HTTP logs (httpx prints the token in URLs) and redact `token`
    from every log record of every logger, through the record factory."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    first = not REDACTOR.secrets
    REDACTOR.add(token)
    if first:
        make_record = logging.getLogRecordFactory()

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(redacting_factory)


class QuestionCache:
    """Bounded LRU from a short key (used in button data) to (question, query_id), so the
    question itself never travels in callback data; also the passages shown under each key,
    the only ones its 👍/👎 buttons may rate."""

    def __init__(self, size: int = QUESTION_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[str, int | None]] = OrderedDict()
        self._shown: dict[str, set[str]] = {}

    def put(self, question: str, query_id: int | None, shown: Iterable[str] = ()) -> str:
        """Remember a question and the passages shown; returns its key (8 URL-safe chars)."""
        key = secrets.token_urlsafe(6)
        self._items[key] = (question, query_id)
        self._shown[key] = set(shown)
        while len(self._items) > self._size:
            old, _ = self._items.popitem(last=False)
            self._shown.pop(old, None)
        return key

    def show(self, key: str, shown: Iterable[str]) -> None:
        """Note further passages shown under `key` (a "More" page)."""
        if key in self._shown:
            self._shown[key].update(shown)

    def shown(self, key: str) -> frozenset[str]:
        """Chunk ids of the passages shown under `key` so far."""
        return frozenset(self._shown.get(key, ()))

    def get(self, key: str) -> tuple[str, int | None] | None:
        """The question and query id for `key`, or None once evicted."""
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item


ProgressText = Callable[[int, int, str], str]  # (done, total, stage) -> message


class ThrottledProgress:
    """Throttled edits of one progress message while the index rebuilds. The instance is
    the core's progress callback, which runs in a worker thread; subclasses say how to edit."""

    def __init__(self, shown: str, render: ProgressText, interval: float, *,
                 wait_first: bool = False) -> None:
        self._loop = asyncio.get_running_loop()
        self._render = render
        self._interval = interval
        self._shown = shown
        self._latest: tuple[int, int, str] = (0, 0, "")
        self._last_edit = self._loop.time() if wait_first else 0.0
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        """The core's progress callback (runs in a worker thread), stage by stage
        (index/progress.py)."""
        with contextlib.suppress(RuntimeError):  # loop already closed: nobody to tell
            self._loop.call_soon_threadsafe(self._note, done, total, stage)

    def _note(self, done: int, total: int, stage: str = "") -> None:
        self._latest = (done, total, stage)
        if not self._closed and (self._task is None or self._task.done()):
            self._task = self._loop.create_task(self._flush())

    async def _flush(self) -> None:
        while not self._closed:
            wait = self._last_edit + self._interval - self._loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            text = self._render(*self._latest)
            if self._closed or text == self._shown:
                return
            await self._edit(text)

    async def _edit(self, text: str) -> None:
        self._shown, self._last_edit = text, self._loop.time()
        await self._send(text)

    async def _send(self, text: str) -> None:
        """Show `text` in the progress message (platform call; log, never raise)."""
        raise NotImplementedError

    def retitle(self, render: ProgressText) -> None:
        """Render later updates with `render` (e.g. adding, not reindexing)."""
        self._render = render

    async def finish(self, text: str) -> None:
        """Stop progress updates and show the final text."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if text != self._shown:
            await self._edit(text)
