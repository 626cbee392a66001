"""Network faults against the real discord.py client: it survives, backs off, answers once."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import shutil
import sqlite3
import traceback
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord.client
import discord.http
import discord.webhook.async_
import numpy as np
import pytest

import index.engine
from bot import discord_app, texts
from bot.config import Config
from bot.core import Service
from bot.frontend import REDACTED
from tests.conftest import make_config as shared_config
from tests.fakes.fake_discord import JSON, FakeDiscord
from tests.leaks import leaked

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMg.GfAkE2.f4ult-Discord_Token-Secret-9876543210zz"
TOKEN_SECRET = TOKEN.rsplit(".", 1)[1]
WARP = 0.02  # discord.py's own waits (5xx backoff, retry_after, reconnects) pass 50x faster
HEARTBEAT = 0.25  # seconds between heartbeats (from HELLO)
HEARTBEAT_TIMEOUT = 1.5  # seconds of gateway silence before discord.py gives a connection up
SETTLE = 0.5  # seconds to wait after the last reply for a duplicate that must not come
RETRY_AFTER = 2.5  # seconds a 429 asks for
SLOW = 30.0  # seconds a stalled response is held back at most (the test releases it)
FIRST_USER = 500_000_000_000_000_001
MODERATOR = 500_000_000_000_000_000
TOPICS = (
    "Who did Wagner fight at Tinzaouatene?",
    "Why did the Coordination of Azawad Movements announce a mobilization?",
    "What happened in northern Mali?",
    "Who are the separatist forces in the north?",
)
SORRY = texts.text("something_went_wrong")


class TimeWarp:
    """`asyncio` for a discord.py module: records each sleep, then sleeps `factor` of it."""

    # Backoff is asserted on what discord.py asked for, never on the clock.

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self.sleeps: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        """Record `delay`; sleep a fraction of it."""
        self.sleeps.append(delay)
        return await asyncio.sleep(delay * self.factor, result)

    def waits(self) -> list[float]:
        """The positive sleeps requested so far, in order."""
        return [s for s in self.sleeps if s > 0]


@dataclass
class Env:
    """A running bot against the fake, with discord.py's sleeps under a time warp."""

    fake: FakeDiscord
    client: discord_app.DiscordBot
    task: asyncio.Task[None]
    rest: TimeWarp
    gateway: TimeWarp
    loop_errors: list[dict[str, Any]] = field(default_factory=list)
    users: int = 0

    def user(self) -> int:
        """A fresh user id (each asks once, so flood control never interferes)."""
        self.users += 1
        return FIRST_USER + self.users

    def dm_path(self, user_id: int) -> str:
        """The path fragment of a user's DM channel, to aim a fault at the bot's reply."""
        return f"/channels/{self.fake.dm_channel(user_id)}/"

    async def ask(self, *, token: str | None = None, user_id: int | None = None) -> JSON:
        """/ask from a fresh user (or `user_id`); returns the interaction payload."""
        user_id = user_id or self.user()
        return await self.fake.slash("ask", {"question": TOPICS[user_id % len(TOPICS)]},
                                     user_id=user_id, token=token)

    async def mention(self, *, guild: bool = True, user_id: int | None = None) -> JSON:
        """A question from a fresh user (or `user_id`): a guild-channel mention, or a DM."""
        user_id = user_id or self.user()
        question = TOPICS[user_id % len(TOPICS)]
        text = f"<@{self.fake.app_id}> {question}" if guild else question
        return await self.fake.say(text, user_id=user_id, guild=guild)

    async def mixed(self, count: int) -> list[JSON]:
        """`count` events from fresh users, cycling /ask, guild mention and DM."""
        makers = (self.ask, self.mention, lambda: self.mention(guild=False))
        return [await makers[i % 3]() for i in range(count)]

    def replies(self, event: JSON) -> list[JSON]:
        """The bot's messages answering an interaction or a user message."""
        if "token" in event:
            return self.fake.responses(event)
        return self.fake.replies_to(event)

    async def answered(self, events: Sequence[JSON], timeout: float = 20) -> None:
        """Wait until every event has a reply, then a little longer for any duplicate."""
        await self.fake.wait_for(lambda: all(self.replies(e) for e in events), timeout,
                                 f"replies to {len(events)} events")
        await asyncio.sleep(SETTLE)

    def once(self, events: Sequence[JSON]) -> list[str]:
        """Each event has exactly one reply; returns their texts."""
        counts = [len(self.replies(e)) for e in events]
        assert counts == [1] * len(events), counts
        return [text_of(self.replies(e)[0]) for e in events]

    def answers(self, events: Sequence[JSON]) -> None:
        """Each event got exactly one reply, and it is an answer, not an apology."""
        assert not [t for t in self.once(events) if SORRY in t]

    def statuses(self, route: str, match: str) -> list[int]:
        """Every response status of `route` for paths containing `match` (0: reset)."""
        return [c.status for c in self.fake.calls_to(route) if match in c.path]

    def kinds(self) -> list[str]:
        """How each gateway connection attempt went."""
        return [c.kind for c in self.fake.connections]


def text_of(message: Mapping[str, Any]) -> str:
    """Content and embed text of a message."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def make_config(tmp_path: Path, fake: FakeDiscord) -> Config:
    """A config for the fake: a private corpus and data folder, DEBUG logging."""
    shutil.copytree(SEEDS, tmp_path / "corpus")
    return shared_config(tmp_path, fake, logging={"level": "DEBUG"},
                         discord={"moderators": [MODERATOR]})


def describe(context: Mapping[str, Any]) -> str:
    """An asyncio exception-handler context as text, traceback included."""
    error = context.get("exception")
    trace = "".join(traceback.format_exception(error)) if error is not None else ""
    return f"{context.get('message')}\n{trace}"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record from DEBUG up, discord.py's included."""
    caplog.set_level(logging.DEBUG)
    for chatty in ("discord.gateway", "discord.http", "discord.client", "discord.webhook"):
        caplog.set_level(logging.DEBUG, logger=chatty)
    return caplog


@pytest.fixture
async def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              logs: pytest.LogCaptureFixture) -> AsyncIterator[Env]:
    """Fake Discord, real core and client; then: still running, no stray error, no token."""
    rest, gateway = TimeWarp(WARP), TimeWarp(WARP)
    monkeypatch.setattr(discord.http, "asyncio", rest)
    monkeypatch.setattr(discord.webhook.async_, "asyncio", rest)
    monkeypatch.setattr(discord.client, "asyncio", gateway)  # reconnect backoff, re-IDENTIFY
    fake = FakeDiscord(TOKEN, heartbeat_interval=HEARTBEAT)
    await fake.start()
    service = await Service.open(make_config(tmp_path, fake))
    discord_app.protect_token(TOKEN)
    loop = asyncio.get_running_loop()
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        with discord_app.endpoints(service.config.discord):
            client = discord_app.DiscordBot(service.config, service, guild_ready_timeout=0.05,
                                            heartbeat_timeout=HEARTBEAT_TIMEOUT)
            task = asyncio.create_task(client.start(TOKEN))
            try:
                await fake.wait_for(lambda: task.done() or (client.is_ready() and fake.connected),
                                    15, "the client to be ready")
                yield Env(fake, client, task, rest, gateway, errors)
                assert not task.done(), "the client stopped"
                assert not client.is_closed()
            finally:
                await client.close()
                with suppress(Exception):
                    await task
        gc.collect()  # an unretrieved task exception is reported when the task is collected
        await asyncio.sleep(0)
        assert not errors, [describe(e) for e in errors]
    finally:
        loop.set_exception_handler(None)
        await service.close()
        await fake.stop()
    assert not leaked(logs.text, TOKEN_SECRET)
    for record in logs.records:
        assert not leaked(record.getMessage(), TOKEN_SECRET)
        assert not leaked(record.exc_text or "", TOKEN_SECRET)


# --- REST faults -------------------------------------------------------------------------


@pytest.mark.parametrize("is_global", [False, True], ids=["bucket", "global"])
async def test_429_is_retried_after_retry_after(env: Env, logs: pytest.LogCaptureFixture,
                                                is_global: bool) -> None:
    """429 with retry_after: one wait of what Discord asked per 429, then the one reply."""
    limited = env.user()
    env.fake.rate_limit("callback", retry_after=RETRY_AFTER, times=2, match="/itok-limited/")
    env.fake.rate_limit("channel_message", retry_after=RETRY_AFTER, times=2,
                        is_global=is_global, match=env.dm_path(limited))
    events = [await env.ask(token="itok-limited"),
              await env.mention(guild=False, user_id=limited), *await env.mixed(6)]
    await env.answered(events)
    env.answers(events)
    assert env.statuses("callback", "/itok-limited/") == [429, 429, 200]
    assert env.statuses("channel_message", env.dm_path(limited)) == [429, 429, 200]
    assert len(env.fake.calls_to("callback")) == 3 + 2  # nothing else was retried
    assert env.rest.waits() == [RETRY_AFTER] * 4
    assert "rate limited" in logs.text
    assert ("Global rate limit has been hit" in logs.text) is is_global


async def test_rate_limit_headers_are_obeyed_before_any_429(
        env: Env, logs: pytest.LogCaptureFixture) -> None:
    """A real bucket (1 per 0.3 s): discord.py paces a burst by X-RateLimit headers, no 429."""
    # With 2 or more per window discord.py can overshoot by one: if the response saying
    # "0 remaining" is processed before the one saying "1", it believes 1 is left (a 429 it
    # then retries). One per window keeps its requests in order, so this can be strict.
    env.rest.factor = 1.0  # the fake's window runs on the real clock
    env.fake.limit("channel_message", 1, 0.3)
    events = [await env.mention() for _ in range(5)]
    await env.answered(events)
    env.answers(events)
    assert env.statuses("channel_message", "") == [200] * 5
    assert len(env.rest.waits()) >= 4, "discord.py did not wait for the bucket to refill"
    assert "Pre-emptively rate limiting" in logs.text


@pytest.mark.parametrize("status", [500, 502])
async def test_5xx_is_retried_with_backoff(env: Env, status: int) -> None:
    """Two 5xx in a row: discord.py waits 1 s, then 3 s, and the third attempt answers."""
    flaky = env.user()
    env.fake.fail("callback", status=status, times=2, match="/itok-flaky/")
    env.fake.fail("channel_message", status=status, times=2, match=env.dm_path(flaky))
    events = [await env.ask(token="itok-flaky"), await env.mention(guild=False, user_id=flaky),
              *await env.mixed(6)]
    await env.answered(events)
    env.answers(events)
    assert env.statuses("callback", "/itok-flaky/") == [status, status, 200]
    assert env.statuses("channel_message", env.dm_path(flaky)) == [status, status, 200]
    assert sorted(env.rest.waits()) == [1, 1, 3, 3]


async def test_5xx_outage_gives_up_logs_and_carries_on(
        env: Env, logs: pytest.LogCaptureFixture) -> None:
    """A 5xx outage: 5 attempts per request, then a logged give-up; others are answered."""
    doomed = env.user()
    leaky = f"upstream failed for Bot {TOKEN}"  # even if Discord echoed the token
    env.fake.fail("callback", status=500, times=10, message=leaky, match="/itok-doomed/")
    env.fake.fail("channel_message", status=500, times=5, message=leaky,
                  match=env.dm_path(doomed))
    lost = [await env.ask(token="itok-doomed", user_id=doomed),
            await env.mention(guild=False, user_id=doomed)]
    others = await env.mixed(6)
    await env.answered(others)
    await env.fake.wait_for(lambda: "Apology not sent" in logs.text
                            and "Reply not sent" in logs.text, what="both give-ups")
    await asyncio.sleep(SETTLE)
    env.answers(others)
    assert [env.replies(e) for e in lost] == [[], []]
    # the answer and then the apology, 5 attempts each; the DM reply, 5 attempts
    assert env.statuses("callback", "/itok-doomed/") == [500] * 10
    assert env.statuses("channel_message", env.dm_path(doomed)) == [500] * 5
    assert sorted(env.rest.waits()) == sorted([1, 3, 5, 7, 9] * 3)
    assert "Error in a slash command" in logs.text
    assert f"for Bot {REDACTED}" in logs.text  # the echoed token was scrubbed
    again = [await env.ask(user_id=doomed), await env.mention(guild=False, user_id=doomed)]
    await env.answered(again)
    env.answers(again)


@pytest.mark.parametrize("after", [False, True], ids=["before_handling", "after_handling"])
async def test_connection_reset_mid_request(env: Env, logs: pytest.LogCaptureFixture,
                                            after: bool) -> None:
    """A TCP reset mid-request: one repeat; Discord's deduplication keeps it to one reply."""
    # Deduplication: only an interaction's first response counts; a message nonce is kept.
    victim = env.user()
    env.fake.reset("callback", after=after, match="/itok-reset/")
    env.fake.reset("channel_message", after=after, match=env.dm_path(victim))
    events = [await env.ask(token="itok-reset"), await env.mention(guild=False, user_id=victim),
              *await env.mixed(6)]
    await env.answered(events)
    env.answers(events)
    assert "trying once more" in logs.text
    dm_attempts = env.statuses("channel_message", env.dm_path(victim))
    assert dm_attempts == [0, 200]  # a repeat with the same nonce: no second message
    if after:  # the answer had landed: the repeat and the apology are both refused
        assert env.statuses("callback", "/itok-reset/") == [0, 400, 400]
        assert "already been acknowledged" in logs.text
    else:
        assert env.statuses("callback", "/itok-reset/") == [0, 200]


async def test_repeated_resets_lose_only_that_reply(env: Env,
                                                    logs: pytest.LogCaptureFixture) -> None:
    """Resets on every attempt: bounded attempts, a logged give-up, no stray exception."""
    cursed = env.user()
    env.fake.reset("callback", times=4, match="/itok-cursed/")  # answer x2, apology x2
    env.fake.reset("channel_message", times=2, match=env.dm_path(cursed))
    lost = [await env.ask(token="itok-cursed", user_id=cursed),
            await env.mention(guild=False, user_id=cursed)]
    others = await env.mixed(3)
    await env.answered(others)
    await env.fake.wait_for(lambda: "Apology not sent" in logs.text
                            and "Reply not sent" in logs.text, what="both give-ups")
    await asyncio.sleep(SETTLE)
    env.answers(others)
    assert [env.replies(e) for e in lost] == [[], []]
    assert env.statuses("callback", "/itok-cursed/") == [0] * 4
    assert env.statuses("channel_message", env.dm_path(cursed)) == [0] * 2
    again = [await env.ask(user_id=cursed), await env.mention(guild=False, user_id=cursed)]
    await env.answered(again)
    env.answers(again)


async def test_slow_response_holds_back_only_its_own_reply(env: Env) -> None:
    """Hanging responses: others are answered meanwhile; no timeout, no retry, one reply."""
    # discord.py sets no request timeout of its own; aiohttp's default is 5 minutes.
    slow_user = env.user()
    env.fake.stall("callback", SLOW, match="/itok-slow/")
    env.fake.stall("channel_message", SLOW, match=env.dm_path(slow_user))
    slow = [await env.ask(token="itok-slow"), await env.mention(guild=False, user_id=slow_user)]
    await env.fake.wait_for(lambda: env.fake.stalled() == 2, what="both requests to hang")
    others = await env.mixed(6)
    await env.answered(others)
    assert env.fake.stalled() == 2 and [env.replies(e) for e in slow] == [[], []]
    env.fake.release()
    await env.answered(slow)
    env.answers(slow + others)
    assert env.statuses("callback", "/itok-slow/") == [200]
    assert env.statuses("channel_message", env.dm_path(slow_user)) == [200]


# --- gateway faults ----------------------------------------------------------------------


def assert_replayed(env: Env, events: Sequence[JSON]) -> None:
    """The RESUME continued after the client's last sequence and replayed these events."""
    resumed = env.fake.connections[-1]
    seqs = [f["s"] for f in env.fake.history
            if f["t"] in ("INTERACTION_CREATE", "MESSAGE_CREATE")
            and any(f["d"]["id"] == e["id"] for e in events)]
    assert resumed.kind == "resume" and resumed.resumed_from is not None
    assert set(seqs) <= set(resumed.replayed)
    assert all(s > resumed.resumed_from for s in resumed.replayed)


def identifies(env: Env) -> int:
    """How many IDENTIFY frames the client sent."""
    return sum(1 for f in env.fake.frames if f.get("op") == 2)


@pytest.mark.parametrize("code", [4000, None], ids=["close_4000", "tcp_abort"])
async def test_gateway_drop_is_resumed_and_missed_events_replayed(env: Env,
                                                                  code: int | None) -> None:
    """A dropped gateway is RESUMEd; events before, lost, during and after: one reply each."""
    before = await env.mixed(3)
    await env.fake.wait_for(lambda: all(env.replies(e) for e in before), what="3 replies")
    env.fake.zombie()  # the connection is already broken: these never arrive
    lost = await env.mixed(3)
    await env.fake.drop(code)
    during = await env.mixed(6)  # queued in the session while disconnected
    await env.fake.wait_for(lambda: env.fake.connected, 10, "the RESUME")
    after = await env.mixed(3)
    events = before + lost + during + after
    await env.answered(events)
    env.answers(events)
    assert env.kinds() == ["identify", "resume"]
    assert env.fake.connections[1].resumed_from == 2 + len(before)
    assert_replayed(env, lost + during)
    assert identifies(env) == 1 and len(env.fake.calls_to("put_commands")) == 1
    assert not env.gateway.waits()  # a resumable close is retried at once


async def test_zombie_connection_is_replaced_and_resumed(env: Env,
                                                         logs: pytest.LogCaptureFixture) -> None:
    """No HEARTBEAT_ACK: discord.py gives the connection up, RESUMEs, gets the held events."""
    env.fake.zombie()
    during = await env.mixed(6)
    await env.answered(during, timeout=HEARTBEAT_TIMEOUT + 15)
    env.answers(during)
    assert env.kinds() == ["identify", "resume"]
    zombie = env.fake.connections[0]
    assert zombie.heartbeats > zombie.acks  # heartbeats went unanswered
    assert_replayed(env, during)
    assert ("stopped responding to the gateway" in logs.text
            or "Timed out receiving packet" in logs.text)


async def test_refused_reconnects_back_off_exponentially(
        env: Env, logs: pytest.LogCaptureFixture) -> None:
    """3 refused reconnects (HTTP 502): exponential backoff, then a RESUME that replays."""
    env.fake.refuse(3)
    await env.fake.drop(4000)
    during = await env.mixed(6)
    await env.answered(during)
    env.answers(during)
    assert env.kinds() == ["identify", "refused", "refused", "refused", "resume"]
    assert_replayed(env, during)
    waits = env.gateway.sleeps
    assert len(waits) == 3  # one after each refusal, none before the first attempt
    assert all(0 <= w <= 2 ** (i + 1) for i, w in enumerate(waits)), waits
    assert logs.text.count("Attempting a reconnect in") == 3


async def test_invalid_session_falls_back_to_identify(env: Env) -> None:
    """A lost session (close 4009, RESUME refused) ends in a new IDENTIFY after 5 s."""
    # As on Discord, events of the lost session are never delivered; later ones are.
    seen = await env.mixed(3)
    await env.answered(seen)
    env.fake.invalidate()
    await env.fake.drop(4009)
    gap = await env.mixed(3)  # sent to a session nobody will resume
    await env.fake.wait_for(lambda: identifies(env) == 2 and env.fake.connected, 10,
                            "a new session")
    after = await env.mixed(6)
    await env.answered(after)
    env.answers(seen + after)
    assert [env.replies(e) for e in gap] == [[]] * 3
    assert env.kinds() == ["identify", "invalid", "identify"]
    assert env.gateway.sleeps == [5.0]  # discord.py's pause before a repeated IDENTIFY
    assert len(env.fake.calls_to("put_commands")) == 1  # setup ran once


# --- a full disk while the index is rebuilt ---------------------------------------------


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving index arrays fails half-way with ENOSPC, as on a full disk."""
    def full(path: Path, array: np.ndarray[Any, Any], dtype: str) -> None:
        path.write_bytes(b"\x93NUMPY")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    monkeypatch.setattr(index.engine, "_save_array", full)


async def test_full_disk_fails_reindex_and_add_plainly(env: Env,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    service = env.client.state.service
    generation, corpus = service.generation, service.config.corpus_dir
    fill_the_disk(monkeypatch)
    attachment = env.fake.add_attachment("zz_new.txt", b"Quuxfoo accord signed in Gao.\n")
    reindex = await env.fake.slash("reindex", user_id=MODERATOR)
    texts = [await failure_shown(env, reindex)]
    add = await env.fake.slash("add", user_id=MODERATOR, attachments={"document": attachment})
    texts.append(await failure_shown(env, add))
    await audit_rows(service, 2)
    monkeypatch.setattr(service.usage, "log_audit", disk_full_audit)  # the database too
    unaudited = await env.fake.slash("reindex", user_id=MODERATOR)
    texts.append(await failure_shown(env, unaudited))
    for text in texts:
        assert "the disk is full" in text and "previous index keeps answering" in text
    question = await env.ask()
    await env.answered([question])
    env.answers([question])  # the previous generation answers
    assert service.generation == generation and not (corpus / "zz_new.txt").exists()
    assert not [m for e in (reindex, add, unaudited) for m in env.fake.responses(e)
                if SORRY in text_of(m)]  # no generic apology on top of the plain one
    assert await audit_rows(service, 2) == [("reindex", "failed: the disk is full"),
                                            ("add zz_new.txt", "failed: the disk is full")]


async def audit_rows(service: Service, count: int) -> list[tuple[str, str]]:
    """The audit log's (command, outcome) rows, once there are at least `count`."""
    for _ in range(1000):
        rows = [(c, o) for _ts, _u, c, o in await service.usage.audit_rows()]
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} audit rows")


async def disk_full_audit(**_row: Any) -> None:
    raise sqlite3.OperationalError("database or disk is full")


async def failure_shown(env: Env, interaction: JSON) -> str:
    """The final text of the command's original response, once it reports the failure."""
    def final() -> str:
        message = env.fake.original(interaction)
        return str(message["content"]) if message and "❌" in message["content"] else ""
    return str(await env.fake.wait_for(final, 20, "the failure to be shown"))
