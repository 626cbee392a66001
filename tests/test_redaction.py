"""TokenRedactor and protect_token (bot/frontend.py): no bot token reaches a log line."""

from __future__ import annotations

import io
import logging
import sys
import urllib.parse
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import frontend
from bot.frontend import REDACTED, TokenRedactor, protect_token

# Made-up tokens in each platform's shape: Telegram "<bot id>:<secret>", Discord
# "<base64 user id>.<timestamp>.<hmac>".
TELEGRAM = "7312345678:AAHq3xZkT9vLwQeRbN4mYpUc8sDfGhJkL0o"
TELEGRAM_SECRET = TELEGRAM.split(":", 1)[1]
DISCORD = "MTA4NzY1NDMyMTA5ODc2NTQzMg.GhIjKl.Zx9-Qw8_ErTy7UiOp6AsDf5GhJk4LzXc3Vb"
DISCORD_SECRET = DISCORD.rsplit(".", 1)[1]


def _redactor(*tokens: str) -> TokenRedactor:
    redactor = TokenRedactor()
    for token in tokens:
        redactor.add(token)
    return redactor


def _leaks(text: str) -> bool:
    """True if any secret part shows, in any letter case."""
    folded = text.casefold()
    return any(s.casefold() in folded for s in (TELEGRAM_SECRET, DISCORD_SECRET))


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing formatted records (tracebacks and stacks included) to a buffer,
    through a redactor of both tokens."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(_redactor(TELEGRAM, DISCORD))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


@pytest.mark.parametrize("form", [str, str.lower, str.upper, str.swapcase, str.title],
                         ids=["exact", "lower", "upper", "mixed", "title"])
@pytest.mark.parametrize("token", [TELEGRAM, DISCORD], ids=["telegram", "discord"])
def test_token_in_any_letter_case_is_redacted(token: str, form: type[str]) -> None:
    """python-telegram-bot capitalises API error text, lower-casing an echoed token."""
    text = _redactor(TELEGRAM, DISCORD).scrub(f"Error: invalid token {form(token)} (401)")
    assert not _leaks(text)
    assert text.startswith("Error: invalid token ") and text.endswith(" (401)")
    assert REDACTED in text


@pytest.mark.parametrize("text", [
    f"POST https://api.telegram.org/bot{TELEGRAM}/getUpdates",
    f"POST https://api.telegram.org/bot{urllib.parse.quote(TELEGRAM, safe='')}/getMe",
    f"secret alone: {TELEGRAM_SECRET}",
    f"Authorization: Bot {DISCORD}",
    f"hmac alone: {DISCORD_SECRET}",
    f"token={urllib.parse.quote_plus(DISCORD)}&v=10",
], ids=["url", "url-encoded", "telegram-part", "header", "discord-part", "query-encoded"])
def test_split_and_url_encoded_forms_are_redacted(text: str) -> None:
    scrubbed = _redactor(TELEGRAM, DISCORD).scrub(text)
    assert not _leaks(scrubbed)
    assert REDACTED in scrubbed


def test_short_parts_are_not_treated_as_secrets() -> None:
    """The bot id and Discord's timestamp part are not secret and too short to redact
    safely on their own: doing so would blank ordinary numbers and words."""
    redactor = _redactor(TELEGRAM, DISCORD)
    text = "bot 7312345678 replied; GhIjKl is a word; update 42"
    assert redactor.scrub(text) == text


def test_message_arguments_are_redacted(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.warning("calling %s with %r", f"https://x/bot{TELEGRAM}/getMe", {"t": DISCORD})
    logger.error("%(token)s failed", {"token": TELEGRAM.upper()})
    output = stream.getvalue()
    assert not _leaks(output)
    assert output.count(REDACTED) == 3
    assert "calling https://x/bot" in output and "failed" in output


def test_exception_text_is_redacted_and_the_traceback_kept(
        log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    try:
        raise RuntimeError(f"Unauthorized: {TELEGRAM.lower()}")
    except RuntimeError:
        logger.exception("start failed")
    output = stream.getvalue()
    assert not _leaks(output)
    assert "start failed" in output
    assert "Traceback (most recent call last)" in output and "RuntimeError" in output


def test_stack_info_is_redacted(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, _ = log
    record = logger.makeRecord(logger.name, logging.INFO, __file__, 1, "where", (), None,
                               sinfo=f"Stack (most recent call last):\n  connect({DISCORD!r})")
    handler = logger.handlers[0]
    assert handler.filter(record)
    assert record.stack_info is not None and not _leaks(record.stack_info)
    assert record.stack_info.startswith("Stack (most recent call last):")


def test_records_are_never_dropped() -> None:
    redactor = _redactor(TELEGRAM)
    clean = logging.LogRecord("x", logging.INFO, __file__, 1, "nothing secret %s", ("here",),
                              None)
    broken = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)
    secret = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (TELEGRAM,), None)
    assert redactor.filter(clean) and clean.getMessage() == "nothing secret here"
    assert redactor.filter(broken)  # a malformed record is kept as it is
    assert (broken.msg, broken.args) == ("%d items", ("many",))
    assert redactor.filter(secret) and secret.getMessage() == REDACTED
    assert TokenRedactor().filter(secret)  # no token known yet


@pytest.mark.parametrize(("msg", "args"), [
    ("GET %s returned %d", (f"/bot{TELEGRAM}/getMe", "not a number")),
    (f"GET /bot{DISCORD}/x %d", ("not a number",)),
    ("%(url)s %(code)d", ({"url": TELEGRAM_SECRET, "code": "not a number"},)),
], ids=["in-args", "in-msg", "in-mapping"])
def test_a_malformed_record_holding_a_token_is_reported_without_it(
        msg: str, args: tuple[object, ...], capsys: pytest.CaptureFixture[str]) -> None:
    """logging reports a record it cannot format by printing its msg and args to stderr."""
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(_redactor(TELEGRAM, DISCORD))
    record = logging.LogRecord("lib", logging.ERROR, __file__, 1, msg, args, None)
    handler.handle(record)
    reported = capsys.readouterr().err
    assert "--- Logging error ---" in reported  # still reported, never dropped
    assert "not a number" in reported
    assert not _leaks(reported)


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=40), after=st.text(max_size=40),
       flips=st.lists(st.booleans(), min_size=len(TELEGRAM), max_size=len(TELEGRAM)))
def test_no_case_variant_survives_in_any_text(before: str, after: str,
                                              flips: list[bool]) -> None:
    variant = "".join(c.swapcase() if flip else c
                      for c, flip in zip(TELEGRAM, flips, strict=True))
    scrubbed = _redactor(TELEGRAM, DISCORD).scrub(before + variant + after)
    assert not _leaks(scrubbed)


@pytest.fixture
def fresh_protection(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """protect_token on a fresh global redactor; the record factory and library log levels
    are put back afterwards."""
    monkeypatch.setattr(frontend, "REDACTOR", TokenRedactor())
    factory = logging.getLogRecordFactory()
    levels = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    yield
    logging.setLogRecordFactory(factory)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("fresh_protection")
def test_protect_token_redacts_every_logger_and_quiets_http_logs() -> None:
    protect_token(TELEGRAM)
    protect_token(DISCORD)  # a second token joins the same redactor
    stream = io.StringIO()
    logger = logging.getLogger("some.library.we.do.not.own")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        logger.error("GET /bot%s/getMe", TELEGRAM.swapcase())
        logger.error("Bot %s", DISCORD)
        try:
            raise ConnectionError(TELEGRAM_SECRET)
        except ConnectionError:
            logger.error("lost", exc_info=sys.exc_info())
    finally:
        logger.removeHandler(handler)
    assert not _leaks(stream.getvalue())
    assert stream.getvalue().count(REDACTED) == 3
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING
