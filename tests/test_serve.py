"""`conflictbot serve`: Telegram and Discord in one process, on one Service (#11)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sqlite3
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot import cli, serve
from bot.config import Config
from tests.conftest import make_config
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import MODERATOR as TG_MODERATOR
from tests.telegram_helpers import TOKEN as TG_TOKEN
from tests.telegram_helpers import make_corpus

DC_TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.GfAkE1.s3cr3t-Discord_Token-Value-0123456789ab"
DC_USER = 400_000_000_000_000_001
QUUXFOO = b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"


def both_config(tmp_path: Path, telegram: FakeTelegram, discord: FakeDiscord) -> Config:
    return make_config(tmp_path, telegram, discord, telegram={"moderators": [TG_MODERATOR]})


@asynccontextmanager
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeDiscord]]:
    telegram, discord = FakeTelegram(TG_TOKEN), FakeDiscord(DC_TOKEN)
    await telegram.start()
    await discord.start()
    try:
        yield telegram, discord
    finally:
        await discord.stop()
        await telegram.stop()


def audit(config: Config) -> list[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(config.db_path)) as db:
        return list(db.execute("SELECT command, outcome FROM audit ORDER BY id"))


async def test_telegram_add_is_answered_on_discord(tmp_path: Path) -> None:
    make_corpus(tmp_path)
    async with fakes() as (telegram, discord):
        config = both_config(tmp_path, telegram, discord)
        stop = asyncio.Event()
        tokens = {"telegram": TG_TOKEN, "discord": DC_TOKEN}
        running = asyncio.create_task(serve.serve(config, tokens, stop,
                                                  guild_ready_timeout=0.05))
        try:
            await discord.wait_for(lambda: running.done() or discord.connected, 20,
                                   "Discord to connect")
            assert not running.done()
            document = telegram.add_file(QUUXFOO, "zz_quuxfoo.txt")
            telegram.message(None, user_id=TG_MODERATOR, document=document, caption="/add")
            await telegram.wait_for(lambda: [c for c in telegram.calls_to("editMessageText")
                                             if "Added" in c.params["text"]], 30, "Added")
            interaction = await discord.slash("ask", {"question": "Quuxfoo accord Gao"},
                                              user_id=DC_USER)
            [call] = await discord.wait_for(
                lambda: discord.for_interaction(interaction, "callback"), 20, "an answer")
            assert "[1] Quuxfoo Accord" in str(call.body["data"])
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
        assert audit(config) == [("add zz_quuxfoo.txt", "ok")]


async def test_stopping_before_discord_is_ready_leaves_nothing_running(tmp_path: Path) -> None:
    """A stop within discord.py's guild_ready_timeout of connecting: its pending "ready"
    wait used to fire after close() had dropped the client's loop, failing in a task and
    leaving an un-awaited `Client._run_event` coroutine (a RuntimeWarning at exit)."""
    make_corpus(tmp_path)
    loop, errors = asyncio.get_running_loop(), []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with fakes() as (telegram, discord):
            config = both_config(tmp_path, telegram, discord)
            stop = asyncio.Event()
            running = asyncio.create_task(serve.serve(config, {"discord": DC_TOKEN}, stop,
                                                      guild_ready_timeout=0.5))
            await discord.wait_for(lambda: running.done() or discord.connected, 20,
                                   "Discord to connect")
            stop.set()
            await asyncio.wait_for(running, 30)
        await asyncio.sleep(0.8)  # past the ready wait
        gc.collect()  # a failed task reports its exception when collected
        failures = [str(e.get("exception") or e["message"]) for e in errors]
        errors.clear()  # they hold the failed frames: let the coroutines in them go
        gc.collect()
    loop.set_exception_handler(None)
    assert failures == []
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []


async def test_a_rejected_token_stops_everything(tmp_path: Path) -> None:
    make_corpus(tmp_path)
    async with fakes() as (telegram, discord):
        config = both_config(tmp_path, telegram, discord)
        tokens = {"telegram": TG_TOKEN, "discord": "MTIz.WRONG.secret-token-value-wrong"}
        with pytest.raises(serve.FrontEndFailed, match="rejected DISCORD_BOT_TOKEN"):
            await asyncio.wait_for(serve.serve(config, tokens, asyncio.Event()), 30)
        assert telegram.calls_to("getMe")  # Telegram had started, and was stopped again
        polls = len(telegram.calls_to("getUpdates"))
        await asyncio.sleep(0.3)
        assert len(telegram.calls_to("getUpdates")) == polls


def test_serve_without_tokens_names_both_variables(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for variable in serve.TOKEN_VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "TELEGRAM_BOT_TOKEN" in err and "DISCORD_BOT_TOKEN" in err


def test_tokens_from_environment_ignores_blank_ones() -> None:
    env: dict[str, Any] = {"TELEGRAM_BOT_TOKEN": " ", "DISCORD_BOT_TOKEN": "abc"}
    assert serve.tokens_from_environment(env) == {"discord": "abc"}
