"""Secrets and privacy at rest: after a busy session, no file holds a token or a raw user id."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from telegram.error import BadRequest

from bot.frontend import REDACTED, TokenRedactor
from tests.leaks import leaked
from tests.telegram_helpers import (
    MODERATOR,
    TOKEN,
    TOKEN_SECRET,
    WAGNER_QUESTION,
    running_bot,
)

USER = 987654321
QUESTION = f"{WAGNER_QUESTION} Qwertyville"  # a marker word found in no corpus document


def _files_holding_id(root: Path, user_id: int) -> list[str]:
    """Files holding `user_id` as a number of its own ("tg:1001", "1001,"), not as a run of
    digits inside a longer number or hash (a nanosecond mtime may hold "1001" by chance)."""
    alone = re.compile(rb"(?<![0-9A-Za-z])" + str(user_id).encode() + rb"(?![0-9A-Za-z])")
    return [str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and alone.search(p.read_bytes())]


def _files_containing(root: Path, needle: bytes) -> list[str]:
    """Files holding `needle` in any letter case."""
    return [str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and leaked(p.read_bytes(), needle.decode())]


async def test_no_token_or_raw_user_id_at_rest(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        env.say(QUESTION, user_id=USER)
        await env.replies(USER)
        env.say("/reindex", user_id=MODERATOR)
        await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                         if "Reindexed" in c.params["text"]], timeout=20)
        env.say("/stats", user_id=USER)  # refused: audited with a hash
        await env.replies(USER, count=2)
        await env.idle()
    data = tmp_path / "data"
    assert data.is_dir()
    assert _files_containing(tmp_path, TOKEN_SECRET.encode()) == []
    assert _files_containing(tmp_path, TOKEN.encode()) == []
    assert _files_holding_id(data, USER) == []
    assert _files_holding_id(data, MODERATOR) == []
    logged = set(_files_containing(data, b"Qwertyville"))
    assert logged and logged <= {"bot.sqlite3", "bot.sqlite3-wal"}  # the query log, only


async def test_query_logs_off_keeps_no_question_text(tmp_path: Path) -> None:
    async with running_bot(tmp_path, logging={"queries": False}) as env:
        env.say(QUESTION, user_id=USER)
        await env.replies(USER)
        await env.idle()
    assert _files_containing(tmp_path / "data", b"Qwertyville") == []


def test_redaction_ignores_letter_case() -> None:
    redactor = TokenRedactor()
    redactor.add(TOKEN)
    capitalised = str(BadRequest(f"Bad Request: chat not found for {TOKEN}"))
    assert leaked(capitalised, TOKEN_SECRET)  # PTB lower-cased the token in its message
    for text in (capitalised, TOKEN.upper(), f"x{TOKEN_SECRET.swapcase()}y", TOKEN):
        scrubbed = redactor.scrub(text)
        assert not leaked(scrubbed, TOKEN_SECRET) and REDACTED in scrubbed, scrubbed


def test_capitalised_error_text_is_redacted_in_log_records() -> None:
    redactor = TokenRedactor()
    redactor.add(TOKEN)
    try:
        raise BadRequest(f"Bad Request: echo {TOKEN}")
    except BadRequest as error:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed: %s", (error,),
                                   exc_info=(type(error), error, error.__traceback__))
    redactor.filter(record)
    assert not leaked(record.getMessage(), TOKEN_SECRET)
    assert not leaked(record.exc_text or "", TOKEN_SECRET)
