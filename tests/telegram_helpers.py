"""Shared set-up for the Telegram end-to-end tests: real core, real PTB app, fake server."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from telegram.ext import ApplicationBuilder, BaseRateLimiter

from bot import telegram_app
from bot.config import Config
from bot.core import Service
from bot.telegram_app import ALLOWED_UPDATES, App, build_application
from tests.conftest import make_config as shared_config
from tests.conftest import merged
from tests.fakes.fake_telegram import Call, FakeTelegram, html_problems, utf16_len

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TOKEN = "4242424242:AAFake-Token-Secret_q9W8e7R6t5Y4u3I2o1P0"
TOKEN_SECRET = TOKEN.split(":", 1)[1]
MODERATOR = 1001
STRANGER = 2002
ADMIN = 3003
GROUP = -1_001_234_567
MODERATOR_CHAT = -1_009_876_543
WAGNER_QUESTION = "Who did Wagner fight at Tinzaouatene?"
WAGNER_FILE = "004_0bd10977ca86cbfa.txt"
Builder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]
Tune = Callable[[Builder], Builder]  # extra builder settings, e.g. short timeouts

HOSTILE_DOC = """Zorglub <script>alert("x")</script> & Co <b>unclosed

Zorglub militia <script>alert(1)</script> attacked the town of Quxville & took <i>hostages; \
the "<b>" tag was never closed & neither was <a href="javascript:x">this</a> and Zorglub \
fighters & allies &amp; friends &lt;sic&gt; stayed.

Zorglub commanders said the <blockquote> nesting & </b> stray closing tags were deliberate.
"""


def long_doc(paragraphs: int = 6) -> str:
    """A document whose passages escape to far more than 4096 characters."""
    body = " ".join(["Blorptown", *["&<>" * 60] * 100]) + "."
    return "Blorptown report\n\n" + "\n\n".join(
        f"Paragraph {i} about Blorptown: {body}" for i in range(paragraphs))


@dataclass
class BotEnv:
    """A running bot: the fake server, the PTB application and the real core."""

    fake: FakeTelegram
    app: App
    service: Service
    config: Config
    corpus: Path

    def say(self, text: str | None, *, user_id: int, chat_id: int | None = None,
            **kwargs: Any) -> dict[str, Any]:
        """Inject a user's message."""
        return self.fake.message(text, user_id=user_id, chat_id=chat_id, **kwargs)

    async def replies(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until at least `count` messages were sent to `chat_id`; return them all."""
        return list(await self.fake.wait_for(
            lambda: (sent := self.fake.sent(chat_id)) and len(sent) >= count and sent,
            timeout, f"{count} message(s) to chat {chat_id}"))

    async def reply_to(self, message: dict[str, Any], timeout: float = 10.0) -> Call:
        """Wait for the bot's reply quoting `message` (group chats quote the question)."""
        chat_id, message_id = message["chat"]["id"], message["message_id"]

        def find() -> Call | None:
            for call in self.fake.sent(chat_id):
                quoted = (call.params.get("reply_parameters") or {}).get("message_id")
                if quoted == message_id:
                    return call
            return None

        call: Call = await self.fake.wait_for(find, timeout, f"reply to message {message_id}")
        return call

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until every injected update was fetched and fully handled."""
        processor = self.app.update_processor
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 5:
            busy = (self.fake.pending_updates() or not self.app.update_queue.empty()
                    or processor.current_concurrent_updates)
            quiet = 0 if busy else quiet + 1
            if time.monotonic() > deadline:
                raise AssertionError("bot did not become idle")
            await asyncio.sleep(0.01)


TELEGRAM_DEFAULTS = {
    "logging": {"level": "DEBUG"},
    "telegram": {"moderators": [MODERATOR], "moderator_chats": [MODERATOR_CHAT]},
    "flood": {"questions": 5, "seconds": 30},
}


def make_config(tmp_path: Path, fake: FakeTelegram, **sections: Mapping[str, Any]) -> Config:
    """The shared factory's config with Telegram at the fake and the usual moderators."""
    return shared_config(tmp_path, fake, **merged(TELEGRAM_DEFAULTS, sections))


def make_corpus(tmp_path: Path, extra: Mapping[str, str | bytes] | None = None) -> Path:
    """The seed documents plus `extra` files, in tmp_path/corpus."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    for name, content in (extra or {}).items():
        data = content.encode() if isinstance(content, str) else content
        (corpus / name).write_bytes(data)
    return corpus


def build_app(config: Config, service: Service, *,
              rate_limiter: BaseRateLimiter[Any] | None = None, tune: Tune | None = None,
              token: str = TOKEN) -> App:
    """`build_application`, with `tune` applied to its builder (e.g. short timeouts)."""
    if tune is None:
        return build_application(config, service, token, rate_limiter=rate_limiter)
    original = telegram_app._builder

    def tuned(*args: Any) -> Builder:
        return tune(original(*args))

    with mock.patch.object(telegram_app, "_builder", tuned):
        return build_application(config, service, token, rate_limiter=rate_limiter)


async def start_app(app: App, *, poll_timeout: int = 5) -> None:
    """Initialise, run post_init, start polling (no pause between polls) and start `app`."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=poll_timeout,
                                    allowed_updates=list(ALLOWED_UPDATES))
    await app.start()


async def stop_app(app: App) -> None:
    """As `run_polling` ends: stop the updater (confirms fetched updates), then the app
    (drains them), run post_stop, shut down."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
    await app.shutdown()


@asynccontextmanager
async def running_bot(tmp_path: Path, *, extra: Mapping[str, str | bytes] | None = None,
                      rate_limiter: BaseRateLimiter[Any] | None = None,
                      tune: Tune | None = None, poll_timeout: int = 5,
                      **sections: Mapping[str, Any]) -> AsyncIterator[BotEnv]:
    """Fake server + real Service + real Application polling it; torn down in order."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    corpus = make_corpus(tmp_path, extra)
    config = make_config(tmp_path, fake, **sections)
    service = await Service.open(config)
    app = build_app(config, service, rate_limiter=rate_limiter, tune=tune)
    try:
        await start_app(app, poll_timeout=poll_timeout)
        yield BotEnv(fake, app, service, config, corpus)
    finally:
        await stop_app(app)
        await service.close()
        await fake.stop()


def assert_valid_html(text: str) -> None:
    """Only Telegram's tags, balanced, entities escaped, and at most 4096 UTF-16 units."""
    assert html_problems(text) == [], text
    assert utf16_len(text) <= 4096
