"""`conflictbot serve`: every front end whose token is set, in one process and one event
loop, over one Service (one corpus, index, database, moderation and audit log)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from bot import texts
from bot.chat import Chat
from bot.config import Config
from bot.core import Service, StartupError
from bot.frontend import REDACTOR, protect_token

log = logging.getLogger(__name__)

TOKEN_VARIABLES = {"telegram": "TELEGRAM_BOT_TOKEN", "discord": "DISCORD_BOT_TOKEN"}


class FrontEndFailed(Exception):
    """A front end could not start (its token was rejected, its server unreachable)."""


def tokens_from_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Front end name -> token, for every token variable set (and not blank)."""
    env = os.environ if env is None else env
    found = {name: env.get(variable, "").strip() for name, variable in TOKEN_VARIABLES.items()}
    return {name: token for name, token in found.items() if token}


@asynccontextmanager
async def _telegram(chat: Chat, token: str) -> AsyncIterator[None]:
    from telegram.error import InvalidToken, TelegramError

    from bot import telegram_app

    config = chat.config
    application = telegram_app.build_application(config, chat.service, token, chat=chat)
    try:
        await application.initialize()
    except InvalidToken as exc:
        raise FrontEndFailed(texts.text("telegram_rejected_token")) from exc
    except TelegramError as exc:
        raise FrontEndFailed(f"Telegram: {REDACTOR.scrub(str(exc))}") from exc
    try:
        await telegram_app.start_up(application)
        await telegram_app.start_updater(application, config)
        await application.start()
        yield
    finally:
        await telegram_app.stop_application(application)


@asynccontextmanager
async def _discord(chat: Chat, token: str, failed: asyncio.Event,
                   **options: Any) -> AsyncIterator[None]:
    import discord

    from bot import discord_app

    with discord_app.endpoints(chat.config.discord):
        client = discord_app.DiscordBot(chat.config, chat.service, chat=chat, **options)
        async with client:
            try:
                await client.login(token)
            except discord.LoginFailure as exc:
                raise FrontEndFailed(texts.text("discord_rejected_token")) from exc
            except Exception as exc:
                raise FrontEndFailed(f"Discord: {REDACTOR.scrub(str(exc))}") from exc
            task = asyncio.create_task(client.connect())
            task.add_done_callback(lambda _t: failed.set())
            try:
                yield
            finally:
                await client.close()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await task
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise FrontEndFailed(f"Discord: {REDACTOR.scrub(str(task.exception()))}")


async def serve(config: Config, tokens: Mapping[str, str], stop: asyncio.Event,
                **discord_options: Any) -> None:
    """Open the service, start each front end in `tokens`, run until `stop` is set or a
    front end stops by itself; raises FrontEndFailed or StartupError."""
    for token in tokens.values():
        protect_token(token)
    service = await Service.open(config)
    chat, failed = Chat(config, service), asyncio.Event()
    try:
        async with AsyncExitStack() as stack:
            if "telegram" in tokens:
                await stack.enter_async_context(_telegram(chat, tokens["telegram"]))
            if "discord" in tokens:
                await stack.enter_async_context(
                    _discord(chat, tokens["discord"], failed, **discord_options))
            log.info("Serving %s", " and ".join(sorted(tokens)))
            waits = [asyncio.create_task(stop.wait()), asyncio.create_task(failed.wait())]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for wait in waits:
                    wait.cancel()
    finally:
        await service.close()


async def _serve_until_signal(config: Config, tokens: Mapping[str, str]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    await serve(config, tokens, stop)


def run(config: Config, only: str | None = None) -> int:
    """`conflictbot serve`: an exit status; 2 with one line on stderr when no token is set,
    the service cannot start or a front end is refused."""
    tokens = tokens_from_environment()
    if only is not None:
        tokens = {name: token for name, token in tokens.items() if name == only}
    if not tokens:
        print(f"error: {texts.text('no_token')}", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.logging.level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("discord.gateway", "discord.http"):  # their DEBUG logs every payload
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLogger().level))
    try:
        asyncio.run(_serve_until_signal(config, tokens))
    except (StartupError, FrontEndFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
