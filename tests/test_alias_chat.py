"""End-to-end /alias (#10) on both chat platforms: the real python-telegram-bot and
discord.py against the fakes, over the real core. Moderators add and list aliases; anyone
else is refused; every attempt is audited the same way on both platforms."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import core
from bot.moderation import REFUSAL
from tests import test_discord as discord_env
from tests.fakes.fake_discord import EPHEMERAL
from tests.fakes.fake_telegram import Call
from tests.telegram_helpers import (
    MODERATOR,
    STRANGER,
    BotEnv,
    assert_valid_html,
    running_bot,
)

EXPECTED_AUDIT = [("alias", "refused"), ("alias Nosrat = JNIM", "ok"),
                  ("alias GSIM = Ansar Dine", "rejected"), ("alias", "ok")]


async def _one_by_one(env: BotEnv, commands: list[str]) -> list[Call]:
    """Each command sent by the moderator once the previous one was answered."""
    for count, command in enumerate(commands, 1):
        env.say(command, user_id=MODERATOR)
        replies = await env.replies(MODERATOR, count)
    return replies


async def test_telegram_alias_added_listed_refused_and_audited(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        env.say("/alias Intruder = JNIM", user_id=STRANGER)
        [refused] = await env.replies(STRANGER)
        assert refused.params["text"] == REFUSAL
        added, rejected, listed = await _one_by_one(
            env, ["/alias Nosrat = JNIM", "/alias GSIM = Ansar Dine", "/alias"])
        for reply in (added, rejected, listed):
            assert_valid_html(reply.params["text"])
        assert "<b>Nosrat</b> = <b>JNIM</b>" in added.params["text"]
        assert "already stands for JNIM" in rejected.params["text"]
        assert "• Nosrat = JNIM" in listed.params["text"]
        jnim = env.service.aliases.lookup("nosrat")
        assert jnim is not None and jnim.id == "jnim"
        assert env.service.aliases.lookup("Intruder") is None
        await env.idle()  # the bot audits after replying
        rows = [(c, o) for _ts, _user, c, o in await env.service.usage.audit_rows()]
        assert rows == EXPECTED_AUDIT


async def test_telegram_alias_with_markup_in_the_names_stays_valid_html(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        added, listed = await _one_by_one(env, ["/alias <b>Nos & rat</i> = JNIM", "/alias"])
        for reply in (added, listed):
            assert_valid_html(reply.params["text"])
            assert "&lt;b&gt;Nos &amp; rat&lt;/i&gt;" in reply.params["text"]


async def test_discord_alias_added_listed_refused_and_audited(tmp_path: Path) -> None:
    async with discord_env.running_bot(tmp_path) as env:
        refused = await env.fake.slash("alias", {"alias": "Intruder = JNIM"},
                                       user_id=discord_env.STRANGER)
        [refusal] = await env.reply(refused)
        assert refusal.body["data"]["content"] == REFUSAL
        await env.audit(1)
        replies = []
        for options in ({"alias": "Nosrat = JNIM"}, {"alias": "GSIM = Ansar Dine"}, None):
            interaction = await env.fake.slash("alias", options,
                                               user_id=discord_env.MODERATOR)
            [reply] = await env.reply(interaction)
            assert reply.body["data"]["flags"] & EPHEMERAL
            replies.append(reply.body["data"]["content"])
            await env.audit(len(replies) + 1)  # one command at a time, as typed
        added, rejected, listed = replies
        assert "**Nosrat** = **JNIM**" in added
        assert "already stands for JNIM" in rejected
        assert "• Nosrat = JNIM" in listed
        jnim = env.service.aliases.lookup("NOSRAT")
        assert jnim is not None and jnim.id == "jnim"
        assert env.service.aliases.lookup("Intruder") is None
        assert await env.audit(4) == EXPECTED_AUDIT


async def test_discord_alias_never_pings(tmp_path: Path) -> None:
    async with discord_env.running_bot(tmp_path) as env:
        for options in ({"alias": "@everyone = JNIM"}, {"alias": "Nosrat <@123> = JNIM"},
                        None):
            interaction = await env.fake.slash("alias", options,
                                               user_id=discord_env.MODERATOR)
            await env.reply(interaction)
        await env.audit(3)
        env.no_pings_anywhere()


def _disk_full(target: Path, data: bytes) -> None:
    raise OSError(28, "No space left on device")


async def test_telegram_alias_not_saved_is_reported_and_audited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core, "_write_atomically", _disk_full)
    async with running_bot(tmp_path) as env:
        [reply] = await _one_by_one(env, ["/alias Nosrat = JNIM"])
        assert "not saved" in reply.params["text"]
        assert env.service.aliases.lookup("Nosrat") is None
        await env.idle()  # the bot audits after replying
        rows = [(c, o) for _ts, _user, c, o in await env.service.usage.audit_rows()]
        assert rows == [("alias Nosrat = JNIM", "error")]


async def test_discord_alias_not_saved_is_reported_and_audited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core, "_write_atomically", _disk_full)
    async with discord_env.running_bot(tmp_path) as env:
        interaction = await env.fake.slash("alias", {"alias": "Nosrat = JNIM"},
                                           user_id=discord_env.MODERATOR)
        [reply] = await env.reply(interaction)
        assert "not saved" in reply.body["data"]["content"]
        assert await env.audit(1) == [("alias Nosrat = JNIM", "error")]
        assert env.service.aliases.lookup("Nosrat") is None
