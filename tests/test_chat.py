"""The platform-free chat layer (#11): its tests import neither telegram nor discord."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot import payload, texts
from bot.chat import (
    DISCORD,
    TELEGRAM,
    Asked,
    Chat,
    DownloadFailed,
    Notice,
    Renderer,
    ShowFullText,
    ShowSources,
    Slowed,
    Upload,
    Who,
)
from bot.config import Config
from bot.core import Service
from bot.frontend import ThrottledProgress
from bot.render import telegram_html as plain_chat  # pure formatting, no platform library
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parent.parent
MODERATOR, STRANGER = 1001, 2002


async def yes() -> bool:
    return True


def person(user_id: int = STRANGER, platform: str = TELEGRAM, *, place: int | None = None,
           anonymous: bool = False, admin: Callable[[], Awaitable[bool]] | None = None) -> Who:
    prefix = "tg" if platform == TELEGRAM else "dc"
    who = Who(f"{prefix}:{user_id}", user_id, platform, place=place, anonymous=anonymous)
    return who if admin is None else dataclasses.replace(who, admin=admin)


class Progress(ThrottledProgress):
    def __init__(self, log: list[str], shown: str) -> None:
        super().__init__(shown, plain_chat.render_progress, 0.0)
        self.log = log

    async def _send(self, text: str) -> None:
        self.log.append(f"edit {text}")


@dataclass
class Conversation:
    """A chat for the chat layer: records what it was told, in order."""

    who: Who
    service: Service | None = None
    render: Renderer = field(default_factory=lambda: plain_chat)
    log: list[str] = field(default_factory=list)

    async def say(self, text: str) -> None:
        self.log.append(f"say {text}")

    async def progress(self, text: str) -> ThrottledProgress | None:
        self.log.append(f"progress {text}")
        return Progress(self.log, text)


@pytest.fixture
def chat_config(tmp_path: Path, corpus: Path) -> Config:
    return make_config(tmp_path, telegram={"moderators": [MODERATOR]},
                       discord={"moderators": [MODERATOR], "guilds": [77]},
                       flood={"questions": 2, "seconds": 60, "buttons": 2,
                              "button_seconds": 60})


@pytest.fixture
async def chat(chat_config: Config) -> AsyncIterator[Chat]:
    service = await Service.open(chat_config)
    yield Chat(chat_config, service)
    await service.close()


async def audit(chat: Chat) -> list[tuple[str, str]]:
    return [(c, o) for _t, _u, c, o in await chat.service.usage.audit_rows()]


def test_imports_no_chat_platform() -> None:
    code = ("import sys, bot.chat, bot.payload, bot.texts; "
            "assert not {'telegram', 'discord'} & set(sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


async def test_flood_notice_once_per_window_unless_the_platform_needs_a_reply(
        chat: Chat) -> None:
    who = person()
    assert isinstance(await chat.ask(who, "Wagner Tinzaouatene"), Asked)
    assert chat.over_limit(who) is None
    first, second = chat.over_limit(who), chat.over_limit(who)
    assert first == Slowed(Notice("flood", {"seconds": 60}))
    assert second == Slowed(None)
    assert chat.over_limit(who, always_notify=True) == Slowed(Notice("flood", {"seconds": 60}))
    assert chat.over_limit(person(platform=DISCORD)) is None  # per person per platform


async def test_buttons_decode_once_and_forgeries_change_nothing(chat: Chat) -> None:
    who = person()
    asked = await chat.ask(who, "Who did Wagner fight at Tinzaouatene?")
    assert isinstance(asked, Asked) and asked.key
    shown = asked.answer.passages[0].chunk_id
    vote = payload.encode(payload.Vote(asked.key, shown, 1))
    assert await chat.press(who, vote, plain_chat) == Notice("thanks")
    other = next(c.chunk_id for c in chat.service._snapshot.chunks if c.chunk_id != shown)
    forged = payload.encode(payload.Vote(asked.key, other, 1))
    assert await chat.press(who, forged, plain_chat) == Notice("not_counted")
    assert await chat.press(who, vote, plain_chat) == Slowed(
        Notice("button_flood", {"seconds": 60}))
    for junk in ("garbage", "m|x|1", "v1|m|x"):
        assert await chat.press(who, junk, plain_chat) == Notice("button_expired", alert=True)
    stats = await chat.service.stats()
    assert (stats.feedback_up, stats.feedback_down) == (1, 0)


async def test_stale_keys_and_pages_are_refused_before_the_budget(chat: Chat) -> None:
    who = person()
    more = payload.encode(payload.More("nosuchkey", 3))
    for _ in range(5):
        assert await chat.press(who, more, plain_chat) == Notice("expired", alert=True)
    page = payload.encode(payload.SourcesPage(999))
    assert await chat.press(who, page, plain_chat) == Notice("no_such_page", alert=True)
    first = await chat.press(who, payload.encode(payload.SourcesPage(0)), plain_chat)
    assert isinstance(first, ShowSources) and first.page == 0
    chunk = chat.service._snapshot.chunks[0].chunk_id
    full = await chat.press(who, payload.encode(payload.FullText(chunk)), plain_chat)
    assert isinstance(full, ShowFullText) and full.full is not None


async def test_refusals_are_audited_and_worded_for_anonymous_senders(chat: Chat) -> None:
    stranger, anonymous = Conversation(person()), Conversation(person(anonymous=True))
    await chat.reindex(stranger)
    await chat.remove(anonymous, "x.txt")
    assert stranger.log == [f"say {texts.text('refused')}"]
    assert anonymous.log == [f"say {texts.text('anonymous_refused')}"]
    assert await audit(chat) == [("reindex", "refused"), ("remove", "refused")]


async def test_discord_rights_count_only_in_listed_servers(chat: Chat) -> None:
    assert await chat.is_moderator(person(MODERATOR, DISCORD))  # listed: anywhere
    assert await chat.is_moderator(person(5, DISCORD, place=77, admin=yes))
    assert not await chat.is_moderator(person(5, DISCORD, place=78, admin=yes))
    assert not await chat.is_moderator(person(5, DISCORD, admin=yes))  # a direct message
    assert await chat.is_moderator(person(5, TELEGRAM, admin=yes))  # moderator-chat admin
    assert not await chat.is_moderator(person(MODERATOR, TELEGRAM, anonymous=True))


def upload(data: bytes, *, size: int | None = None,
           fails: bool = False) -> Callable[[], Upload]:
    async def measure() -> int:
        return len(data) if size is None else size

    async def read() -> bytes:
        if fails:
            raise DownloadFailed("404")
        return data

    return lambda: Upload("zz_new.txt", measure, read)


async def test_add_outcomes_are_shown_then_audited(chat: Chat) -> None:
    conv = Conversation(person(MODERATOR))
    await chat.add(conv, upload(b"Quuxfoo text", fails=True)())
    assert conv.log == ["progress ⏳ Adding <code>zz_new.txt</code>…",
                        f"edit {texts.text('download_failed')}"]
    await chat.add(conv, upload(b"x" * 10, size=10**9)())
    await chat.add(conv, upload(b"x" * (chat.config.corpus.max_file_bytes + 1), size=1)())
    await chat.add(conv, None)
    await chat.add(conv, upload(b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao.\n")())
    assert conv.log[-1].startswith("edit ✅ Added <code>zz_new.txt</code>")
    assert await audit(chat) == [("add zz_new.txt", "download_failed"),
                                 ("add zz_new.txt", "too_large"),
                                 ("add zz_new.txt", "too_large"), ("add", "usage"),
                                 ("add zz_new.txt", "ok")]


async def test_a_failing_audit_write_does_not_hide_the_outcome(
        chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    async def full_disk(**_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    conv = Conversation(person(MODERATOR))
    monkeypatch.setattr(chat.service, "audit", full_disk)
    await chat.reindex(conv)
    assert conv.log[-1].startswith("edit ✅ Reindexed")


async def test_alias_is_told_then_audited(chat: Chat) -> None:
    conv = Conversation(person(MODERATOR))
    await chat.alias(conv, "  ")
    await chat.alias(conv, "Quuxistan = Mali")
    assert len(conv.log) == 2
    assert await audit(chat) == [("alias", "ok"), ("alias Quuxistan = Mali", "ok")]


async def test_full_text_link_keeps_a_key_with_dashes(chat: Chat,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`/start full-CHUNK-KEY`: a key may hold "-" itself (URL-safe base64); it still
    reaches the full text, which then offers that passage's vote."""
    monkeypatch.setattr("bot.frontend.secrets.token_urlsafe", lambda _n: "a-b_c-d1")
    asked = await chat.ask(person(), "Who did Wagner fight at Tinzaouatene?")
    assert isinstance(asked, Asked) and asked.key == "a-b_c-d1"
    chunk = asked.answer.passages[0].chunk_id
    link = Chat.full_text_start(ShowFullText(None, chunk, asked.key))
    assert link == f"full-{chunk}-a-b_c-d1"
    shown = await chat.full_text_on_start(person(), link, plain_chat)
    assert isinstance(shown, ShowFullText) and shown.full is not None
    assert (shown.chunk_id, shown.key) == (chunk, "a-b_c-d1")
    old = await chat.full_text_on_start(person(), f"full-{chunk}", plain_chat)
    assert isinstance(old, ShowFullText) and old.full is not None and old.key == ""
