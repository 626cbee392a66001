"""Network faults against the real Application: it survives, backs off, loses nothing."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from bot.config import Config
from bot.core import Service
from bot.render.telegram_html import escape
from bot.texts import text
from tests.fakes.fake_telegram import CLIENT_GONE, CONFLICT, PENDING, Call, FakeTelegram
from tests.telegram_helpers import (
    TOKEN,
    BotEnv,
    Builder,
    Tune,
    build_app,
    make_config,
    make_corpus,
    running_bot,
    start_app,
    stop_app,
)

POLL_TIMEOUT = 1  # long-poll seconds, so that a getUpdates read times out after 2 s
GET_UPDATES_READ_TIMEOUT = 1.0
STALL = 4.0  # seconds a stalled getUpdates is held back: beyond its read timeout
READ_TIMEOUT = 1.5  # sendMessage, in the one test that stalls it
SEND_STALL = 3.0
WINDOW = 2.5  # seconds from the first failed poll in which failed polls are counted
MAX_FAILED_POLLS = 3  # in WINDOW; PTB waits 1 s, 1.5 s, … (or retry_after + 0.5 s) between
MIN_GAP = 0.9  # seconds between two failed polls, at least (no hot loop)
FIRST_USER = 600_000
TOPICS = (
    "Who did Wagner fight at Tinzaouatene?",
    "Why did the Coordination of Azawad Movements announce a mobilization?",
    "What happened in northern Mali?",
    "Who are the separatist forces in the north?",
)
SORRY = escape(text("something_went_wrong"))  # what the error handler sends


def short_polls(builder: Builder) -> Builder:
    """A short getUpdates read timeout, so that a stalled poll times out within seconds."""
    return builder.get_updates_read_timeout(GET_UPDATES_READ_TIMEOUT)


def short_reads(builder: Builder) -> Builder:
    """Short read timeouts for every request, so that a stalled sendMessage times out."""
    return short_polls(builder).read_timeout(READ_TIMEOUT)


@asynccontextmanager
async def fault_bot(tmp_path: Path, tune: Tune = short_polls) -> AsyncIterator[BotEnv]:
    """`running_bot` with a 1 s long poll and short client timeouts."""
    async with running_bot(tmp_path, tune=tune, poll_timeout=POLL_TIMEOUT) as env:
        yield env


def user(n: int) -> int:
    """The n-th test user (each in its own private chat)."""
    return FIRST_USER + n


def ask(fake: FakeTelegram, numbers: Iterable[int]) -> list[int]:
    """Each of these users asks a distinct question; returns their ids (= chat ids)."""
    users = [user(n) for n in numbers]
    for user_id in users:
        fake.message(f"{TOPICS[user_id % len(TOPICS)]} (#{user_id})", user_id=user_id)
    return users


def replies(fake: FakeTelegram) -> Counter[int]:
    """Messages that reached each chat."""
    return Counter(c.params["chat_id"] for c in fake.sent())


def attempts(fake: FakeTelegram, chat_id: int) -> list[Call]:
    """Every sendMessage to `chat_id`, failed or not."""
    return [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


async def answered(fake: FakeTelegram, users: Iterable[int], timeout: float = 15) -> None:
    """Wait until every one of `users` got at least one message."""
    users = list(users)
    await fake.wait_for(lambda: all(replies(fake)[u] for u in users), timeout,
                        f"replies to {len(users)} users")


def assert_exactly_one_answer(fake: FakeTelegram, users: Iterable[int]) -> None:
    """Each user got exactly one message, an answer (not an apology), sent exactly once."""
    counts = replies(fake)
    for user_id in users:
        assert counts[user_id] == 1, (user_id, counts[user_id])
        [call] = attempts(fake, user_id)
        assert call.status == 200 and call.params["text"] != SORRY


async def assert_all_confirmed(fake: FakeTelegram) -> None:
    """Every update was handed out exactly once, and the poll now confirms the last one."""
    delivered = fake.delivered()
    assert sorted(delivered) == [u["update_id"] for u in fake.injected]
    offset = fake.injected[-1]["update_id"] + 1
    await fake.wait_for(lambda: fake.calls_to("getUpdates")[-1].params.get("offset") == offset,
                        what=f"getUpdates with offset={offset}")


def failed_polls(fake: FakeTelegram) -> list[Call]:
    """getUpdates calls that an injected fault hit."""
    return [c for c in fake.calls_to("getUpdates") if c.fault]


# kind -> (inject it until healed, what PTB's polling loop logs about the error it saw)
GET_UPDATES_FAULTS: dict[str, tuple[Callable[[FakeTelegram], None], str]] = {
    "429 retry_after=1": (lambda f: f.fail("getUpdates", retry_after=1, times=None),
                          "Flood control exceeded. Retry in 1 second"),
    "500": (lambda f: f.fail("getUpdates", error_code=500, retry_after=None, times=None),
            "telegram.error.NetworkError: Internal Server Error"),
    "502": (lambda f: f.fail("getUpdates", error_code=502, retry_after=None, times=None),
            "telegram.error.NetworkError: Bad Gateway"),
    "409 conflict": (lambda f: f.fail("getUpdates", error_code=409, retry_after=None,
                                      times=None),
                     f"telegram.error.Conflict: {CONFLICT}"),
    "read timeout": (lambda f: f.stall("getUpdates", STALL, times=None), "Timed out"),
    "connection reset": (lambda f: f.reset("getUpdates", times=None),
                         "telegram.error.NetworkError: httpx."),  # ReadError, in practice
}


# --- faults on getUpdates ---------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB-internal
@pytest.mark.parametrize("kind", list(GET_UPDATES_FAULTS))
async def test_polling_survives_get_updates_fault(tmp_path: Path, kind: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """getUpdates fails for 2.5 s: polling backs off, survives, answers everyone exactly once."""
    caplog.set_level(logging.DEBUG, logger="telegram.ext")
    inject, logged = GET_UPDATES_FAULTS[kind]
    async with fault_bot(tmp_path) as env:
        fake = env.fake
        before = ask(fake, range(0, 3))
        await answered(fake, before)
        inject(fake)
        around = ask(fake, range(3, 6))  # the long poll in flight may still hand these out
        first = (await fake.wait_for(lambda: failed_polls(fake), what="a failed poll"))[0]
        stuck = ask(fake, range(6, 9))  # only a poll after the faults can deliver these
        await fake.wait_for(lambda: len(failed_polls(fake)) >= 2, what="a retried poll")
        await asyncio.sleep(max(0.0, first.at + WINDOW - time.monotonic()))
        in_window = [c for c in failed_polls(fake) if c.at <= first.at + WINDOW]
        assert not any(replies(fake)[u] for u in stuck)  # the faults really blocked delivery
        fake.heal()
        failed = failed_polls(fake)
        after = ask(fake, range(9, 12))
        await answered(fake, before + around + stuck + after)
        await env.idle()

        assert env.app.running and env.app.updater is not None and env.app.updater.running
        assert_exactly_one_answer(fake, before + around + stuck + after)
        await assert_all_confirmed(fake)
        assert len(in_window) <= MAX_FAILED_POLLS, [c.at - first.at for c in failed]
        gaps = [b.at - a.at for a, b in itertools.pairwise(failed)]
        assert min(gaps) >= MIN_GAP, gaps
        assert {c.fault for c in failed} == {first.fault}
        if first.fault.startswith("http"):
            assert {c.status for c in failed} == {int(kind[:3])}
        else:  # no response reached the bot
            assert {c.status for c in failed} <= {CLIENT_GONE, PENDING}
        assert logged in caplog.text  # the bot saw the error the fault stands for


async def test_fake_get_updates_honours_offset_like_telegram() -> None:
    """The fake forgets updates below `offset` and re-sends unconfirmed ones, as Telegram does."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    try:
        for n in range(4):
            fake.message(f"question {n}", user_id=user(n))
        async with aiohttp.ClientSession() as http:

            async def get_updates(**params: int) -> list[int]:
                async with http.post(f"{fake.base_url}{TOKEN}/getUpdates", json=params) as r:
                    body = await r.json()
                assert body["ok"], body
                return [u["update_id"] for u in body["result"]]

            assert await get_updates() == [1, 2, 3, 4]
            assert await get_updates() == [1, 2, 3, 4]  # unconfirmed: handed out again
            assert await get_updates(offset=3) == [3, 4]  # confirms 1 and 2
            assert await get_updates() == [3, 4]  # 1 and 2 are gone for good
            assert await get_updates(offset=2) == [3, 4]  # a stale offset brings nothing back
            assert await get_updates(limit=1) == [3]
            assert await get_updates(offset=-1) == [4]  # negative: only the last; 3 forgotten
            assert await get_updates(offset=5, timeout=0) == []  # PTB's confirm-on-shutdown
            fake.message("question 5", user_id=user(5))
            assert await get_updates() == [5]

            fake.fail("getUpdates", error_code=409, retry_after=None)
            async with http.post(f"{fake.base_url}{TOKEN}/getUpdates", json={}) as r:
                assert (r.status, await r.json()) == (409, {
                    "ok": False, "error_code": 409, "description": CONFLICT})
            assert await get_updates() == [5]  # a failed call confirms nothing
    finally:
        await fake.stop()


# --- restart --------------------------------------------------------------------------------


async def test_restart_mid_burst_answers_every_update_once(tmp_path: Path) -> None:
    """Stop the bot mid-burst of 101 and start a fresh one: every update answered exactly once."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    corpus = make_corpus(tmp_path)
    config = make_config(tmp_path, fake)
    service: Service | None = None
    app = None
    try:
        service = await Service.open(config)
        app = build_app(config, service)  # production settings: AIORateLimiter, 30 msg/s
        await start_app(app, poll_timeout=POLL_TIMEOUT)

        async def trickle() -> list[int]:
            users: list[int] = []
            for n in range(60):
                users += ask(fake, [1000 + n])
                await asyncio.sleep(0.01)
            return users

        first_wave = asyncio.create_task(trickle())
        await fake.wait_for(lambda: len(fake.sent()) >= 20, what="20 replies")
        fake.stall("getUpdates", 60)  # the next poll hangs before its offset confirms anything
        straw = ask(fake, [1999])  # wakes the poll in flight: its batch is left unconfirmed
        stalled = (await fake.wait_for(lambda: failed_polls(fake), what="a stalled poll"))[0]
        await stop_app(app)  # updater.stop() (confirms), app.stop() (drains), shutdown()
        await service.close()
        service = None
        by_first = [c.params["chat_id"] for c in fake.sent()]
        confirm = fake.calls_to("getUpdates")[-1]
        calls_before_restart = len(fake.calls)
        users = (await first_wave) + straw + ask(fake, range(1060, 1100))  # rest: while down

        service = await Service.open(config)
        app = build_app(config, service)
        await start_app(app, poll_timeout=POLL_TIMEOUT)
        env = BotEnv(fake, app, service, config, corpus)
        await answered(fake, users, timeout=30)
        await env.idle()
        by_second = [c.params["chat_id"] for c in fake.sent()][len(by_first):]
    finally:
        if app is not None:
            await stop_app(app)
        if service is not None:
            await service.close()
        await fake.stop()

    chat_of = {u["update_id"]: u["message"]["chat"]["id"] for u in fake.injected}
    offset = confirm.params["offset"]
    assert confirm.params.get("timeout") == 0  # PTB's confirming call on updater.stop()
    earlier = [c.params.get("offset", 0) for c in fake.calls_to("getUpdates")
               if c.at < stalled.at and not c.fault]
    assert offset == stalled.params["offset"] > max(earlier)  # only that call confirmed them
    assert 20 <= len(by_first) < 100 and len(by_second) >= 40
    assert sorted(by_first) == sorted(c for i, c in chat_of.items() if i < offset)
    assert sorted(by_second) == sorted(c for i, c in chat_of.items() if i >= offset)
    assert Counter(by_first + by_second) == Counter(users) == dict.fromkeys(users, 1)
    again = [u["update_id"] for c in fake.calls[calls_before_restart:]
             if c.method == "getUpdates" and c.result for u in c.result]
    assert again and min(again) >= offset  # the restarted bot never saw a confirmed update


# --- faults on sendMessage ------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB-internal
async def test_send_message_429_is_retried_after_retry_after(tmp_path: Path) -> None:
    """Three 429s on sendMessage: AIORateLimiter waits retry_after and each user gets one reply."""
    async with fault_bot(tmp_path) as env:
        env.fake.fail("sendMessage", retry_after=1, times=3)
        users = ask(env.fake, range(20, 26))
        await answered(env.fake, users)
        await env.idle()
        limited = [c for c in env.fake.calls_to("sendMessage") if c.status == 429]
        assert len(limited) == 3
        assert len(env.fake.calls_to("sendMessage")) == len(users) + 3
        assert replies(env.fake) == dict.fromkeys(users, 1)
        for call in limited:
            [ok] = [c for c in attempts(env.fake, call.params["chat_id"]) if c.status == 200]
            assert ok.at - call.at >= 1.0 and ok.params["text"] == call.params["text"] != SORRY


async def test_send_message_500_gets_one_apology(tmp_path: Path) -> None:
    """A 500 on an answer is not retried; the error handler apologises once; others unaffected."""
    async with fault_bot(tmp_path) as env:
        env.fake.fail("sendMessage", error_code=500, retry_after=None)
        [victim] = ask(env.fake, [40])
        [sorry] = await env.replies(victim)
        others = ask(env.fake, range(41, 44))
        await answered(env.fake, others)
        await env.idle()
        answer, apology = attempts(env.fake, victim)
        assert (answer.status, apology.status) == (500, 200) and apology is sorry
        assert answer.params["text"] != SORRY and apology.params["text"] == SORRY
        assert_exactly_one_answer(env.fake, others)

        env.fake.message("Who did Wagner fight at Tinzaouatene?", user_id=victim)
        await env.replies(victim, 2)  # asking again works
        await env.idle()
        assert [c.params["text"] == SORRY for c in env.fake.sent(victim)] == [True, False]


async def test_send_message_500_twice_loses_only_that_reply(tmp_path: Path,
                                                            caplog: pytest.LogCaptureFixture,
                                                            ) -> None:
    """500 on the answer and on the apology: that user gets nothing, it is logged, bot goes on."""
    caplog.set_level(logging.ERROR, logger="bot.telegram_app")
    async with fault_bot(tmp_path) as env:
        env.fake.fail("sendMessage", error_code=500, retry_after=None, times=2)
        [victim] = ask(env.fake, [50])
        await env.fake.wait_for(lambda: len(attempts(env.fake, victim)) == 2)
        await env.idle()
        answer, apology = attempts(env.fake, victim)
        assert (answer.status, apology.status) == (500, 500)
        assert apology.params["text"] == SORRY and not env.fake.sent(victim)
        assert "Error while handling an update" in caplog.text

        others = ask(env.fake, range(51, 54))
        env.fake.message("Who did Wagner fight at Tinzaouatene?", user_id=victim)
        await answered(env.fake, [*others, victim])
        await env.idle()
        assert_exactly_one_answer(env.fake, others)
        assert len(attempts(env.fake, victim)) == 3 and len(env.fake.sent(victim)) == 1


async def test_send_message_timeout_delivers_answer_and_apology(tmp_path: Path) -> None:
    """sendMessage outlives the read timeout but Telegram delivers it: never re-sent, +1 apology."""
    async with fault_bot(tmp_path, short_reads) as env:
        env.fake.stall("sendMessage", SEND_STALL)
        [victim] = ask(env.fake, [60])
        answer, apology = await env.replies(victim, 2, timeout=SEND_STALL + 10)
        await env.idle()
        assert answer.fault == "stall" and not answer.heard  # the bot timed out waiting
        assert answer.params["text"] != SORRY and apology.params["text"] == SORRY
        assert apology.at - answer.at >= READ_TIMEOUT * 0.9
        assert len(attempts(env.fake, victim)) == 2  # the answer itself was sent only once


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB-internal
async def test_failed_confirmation_at_shutdown_answers_nothing_twice(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The confirming getUpdates at shutdown fails (Telegram unreachable), so Telegram hands
    the last batch out again: the restarted bot skips what it answered (saved checkpoint)."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    corpus = make_corpus(tmp_path)
    config = make_config(tmp_path, fake)
    service: Service | None = None
    app = None
    try:
        service = await Service.open(config)
        app = build_app(config, service)
        await start_app(app, poll_timeout=POLL_TIMEOUT)
        first = ask(fake, range(3000, 3030))
        await answered(fake, first)
        fake.stall("getUpdates", 60)  # the next poll hangs before its offset confirms anything
        first += ask(fake, [3999])  # wakes the poll in flight: its batch stays unconfirmed
        await fake.wait_for(lambda: failed_polls(fake), what="a stalled poll")
        await answered(fake, first)
        fake.fail("getUpdates", error_code=502, times=None)  # the confirming call fails
        await stop_app(app)
        await service.close()
        service = None
        fake.heal("getUpdates")
        redelivered = fake.unconfirmed_updates()  # Telegram hands these out again
        later = ask(fake, range(3100, 3110))
        service = await Service.open(config)
        app = build_app(config, service)
        await start_app(app, poll_timeout=POLL_TIMEOUT)
        await answered(fake, later)
        await BotEnv(fake, app, service, config, corpus).idle()
    finally:
        if app is not None:
            await stop_app(app)
        if service is not None:
            await service.close()
        await fake.stop()
    assert redelivered > 0  # the failure mode is real
    counts = Counter(c.params["chat_id"] for c in fake.sent())
    assert counts == dict.fromkeys(first + later, 1)
    skipped = [r for r in caplog.records if r.getMessage().startswith("Skipping update")]
    assert skipped and all(r.levelno == logging.WARNING for r in skipped)


async def _run_and_stop(fake: FakeTelegram, config: Config, users: Iterable[int]) -> None:
    """Start a bot over `config`, let `users` be answered, stop it cleanly (checkpoint saved)."""
    service = await Service.open(config)
    app = build_app(config, service, token=fake.token)
    try:
        await start_app(app, poll_timeout=POLL_TIMEOUT)
        await answered(fake, users)
    finally:
        await stop_app(app)
        await service.close()


async def test_update_ids_restarting_low_lose_nobody(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Telegram restarts update ids at a low random number (after a week without updates):
    every one of 10 users is still answered; nothing is skipped."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    make_corpus(tmp_path)
    config = make_config(tmp_path, fake)
    try:
        await _run_and_stop(fake, config, ask(fake, range(4000, 4030)))
        fake.restart_update_ids(random.randint(2, 20))  # below the checkpoint, among its ids
        users = ask(fake, range(4100, 4110))
        await _run_and_stop(fake, config, users)
    finally:
        await fake.stop()
    assert all(replies(fake)[u] == 1 for u in users)
    assert "Skipping update" not in caplog.text


async def test_another_bot_token_on_the_same_data_folder_answers_all(tmp_path: Path) -> None:
    """The data folder served bot A; now it serves bot B (another token, its own update ids):
    all of B's 10 users are answered."""
    first = FakeTelegram(TOKEN)
    await first.start()
    make_corpus(tmp_path)
    try:
        await _run_and_stop(first, make_config(tmp_path, first), ask(first, range(5000, 5030)))
    finally:
        await first.stop()
    other = FakeTelegram("5151515151:AAOther-Token-Secret_z1X2c3V4b5N6m7", bot_id=5151515151,
                         username="other_test_bot")
    await other.start()
    try:
        users = ask(other, range(5100, 5110))
        await _run_and_stop(other, make_config(tmp_path, other), users)
    finally:
        await other.stop()
    assert all(replies(other)[u] == 1 for u in users)
