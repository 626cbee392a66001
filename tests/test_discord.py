"""End-to-end: the real discord.py client against a fake Discord on 127.0.0.1, real core."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import shutil
import sqlite3
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import cli, discord_app
from bot.answer import ReindexResult
from bot.config import Config, DiscordConfig
from bot.core import Progress, Service
from bot.moderation import REFUSAL
from tests.conftest import make_config as shared_config
from tests.conftest import merged
from tests.fakes.fake_discord import EPHEMERAL, MANAGE_GUILD, Call, FakeDiscord
from tests.leaks import leaked

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.GfAkE1.s3cr3t-Discord_Token-Value-0123456789ab"
TOKEN_SECRET = TOKEN.rsplit(".", 1)[1]
USER = 400_000_000_000_000_001
MODERATOR = 400_000_000_000_000_002
STRANGER = 400_000_000_000_000_003
ADMIN = 400_000_000_000_000_004
CURATOR = 400_000_000_000_000_005
CURATOR_ROLE = 930_000_000_000_000_001
HOME_GUILD = 910_000_000_000_000_001  # the fake's first server, named in discord.guilds
FOREIGN_GUILD = 910_000_000_000_000_777  # another server that invited the bot
FOREIGN_ROLE = 930_000_000_000_000_777  # named "Curators" too, in the foreign server
WAGNER_QUESTION = "Who did Wagner fight at Tinzaouatene?"
WAGNER_FILE = "004_0bd10977ca86cbfa.txt"
REMOVABLE = "000_3c97b537fcf85c00.txt"
PINGS = re.compile(r"@(everyone|here)|<@[!&]?\d+>")


@dataclass
class BotEnv:
    """A running bot: the fake server, the client and the real core."""

    fake: FakeDiscord
    client: discord_app.DiscordBot
    service: Service
    config: Config
    corpus: Path

    async def reply(self, interaction: Mapping[str, Any], route: str = "callback",
                    count: int = 1) -> list[Call]:
        """Wait for `count` successful calls of `route` made for an interaction."""
        return list(await self.fake.wait_for(
            lambda: (calls := self.fake.for_interaction(interaction, route))
            and len(calls) >= count and calls, 15, f"{count} {route} call(s)"))

    async def ask(self, question: str, user_id: int = USER, **kwargs: Any) -> dict[str, Any]:
        """/ask as a user; returns the callback's message data."""
        interaction = await self.fake.slash("ask", {"question": question}, user_id=user_id,
                                            **kwargs)
        [call] = await self.reply(interaction)
        assert call.body["type"] == 4
        return dict(call.body["data"])

    async def edited(self, interaction: Mapping[str, Any], text: str) -> Call:
        """Wait for an edit of the original response containing `text`."""
        calls = await self.fake.wait_for(lambda: [
            c for c in self.fake.for_interaction(interaction, "edit_webhook_message")
            if text in (c.body.get("content") or "")], 20, f"an edit with {text!r}")
        return calls[0]  # type: ignore[no-any-return]

    def audit_now(self) -> list[tuple[str, str]]:
        with contextlib.closing(sqlite3.connect(self.config.db_path)) as db:
            return [(c, o) for c, o in db.execute("SELECT command, outcome FROM audit "
                                                  "ORDER BY id")]

    async def audit(self, count: int) -> list[tuple[str, str]]:
        """The audit log, once it holds `count` rows (the bot audits after replying)."""
        rows = await self.fake.wait_for(lambda: len(rows := self.audit_now()) >= count and rows,
                                        10, f"{count} audit rows")
        return list(rows)

    def no_pings_anywhere(self) -> None:
        """Every payload sent to Discord: no live mention, and mentions disabled."""
        for call in self.fake.calls:
            if call.body is None or call.route in ("put_commands", "unknown"):
                continue
            text = json.dumps(call.body, ensure_ascii=False)
            assert not PINGS.search(text), (call.route, text[:300])
            data = call.body.get("data", call.body) if isinstance(call.body, dict) else {}
            if isinstance(data, dict) and ("content" in data or "embeds" in data):
                assert data.get("allowed_mentions", {}).get("parse") == [], call.route


DISCORD_DEFAULTS = {
    "logging": {"level": "DEBUG"},
    "flood": {"questions": 5, "seconds": 30},
    "discord": {"moderators": [MODERATOR], "moderator_roles": [str(CURATOR_ROLE)],
                "guilds": [HOME_GUILD]},
}


def make_config(tmp_path: Path, fake: FakeDiscord, **sections: Mapping[str, Any]) -> Config:
    """The shared factory's config with Discord at the fake and the usual moderators."""
    return shared_config(tmp_path, fake, **merged(DISCORD_DEFAULTS, sections))


@asynccontextmanager
async def running_bot(tmp_path: Path, *, extra: Mapping[str, str] | None = None,
                      **sections: Mapping[str, Any]) -> AsyncIterator[BotEnv]:
    """Fake Discord + real Service + real client connected to it; torn down in order."""
    fake = FakeDiscord(TOKEN, roles={CURATOR_ROLE: "Curators"},
                       other_guilds={FOREIGN_GUILD: {FOREIGN_ROLE: "Curators"}})
    await fake.start()
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    for name, text in (extra or {}).items():
        (corpus / name).write_text(text, encoding="utf-8")
    config = make_config(tmp_path, fake, **sections)
    service = await Service.open(config)
    discord_app.protect_token(TOKEN)
    try:
        with discord_app.endpoints(config.discord):
            client = discord_app.DiscordBot(config, service, guild_ready_timeout=0.05)
            task = asyncio.create_task(client.start(TOKEN))
            try:
                await fake.wait_for(lambda: task.done() or (client.is_ready() and fake.connected),
                                    15, "the client to be ready")
                if task.done():
                    task.result()
                yield BotEnv(fake, client, service, config, corpus)
            finally:
                await client.close()
                with contextlib.suppress(Exception):
                    await task
    finally:
        await service.close()
        await fake.stop()


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[BotEnv]:
    async with running_bot(tmp_path) as bot_env:
        yield bot_env


def embed_text(data: Mapping[str, Any]) -> str:
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", ""),
                  (embed.get("footer") or {}).get("text", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def buttons(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [b for row in data.get("components") or [] for b in row["components"]]


def button(data: Mapping[str, Any], label_start: str) -> str:
    return next(str(b["custom_id"]) for b in buttons(data) if b["label"].startswith(label_start))


# --- connecting ------------------------------------------------------------------------


async def test_connects_with_intents_and_syncs_commands_once(env: BotEnv) -> None:
    assert env.fake.identify is not None
    intents = env.fake.identify["intents"]
    assert intents & (1 << 15) and intents & (1 << 12) and intents & (1 << 9)  # content, DMs
    assert {c["name"] for c in env.fake.commands} == {
        "ask", "sources", "help", "reindex", "add", "remove", "stats", "alias", "cite"}
    ask = next(c for c in env.fake.commands if c["name"] == "ask")
    assert ask["options"][0]["autocomplete"] is True
    assert len(env.fake.calls_to("put_commands")) == 1
    assert await env.client.sync_commands() is False  # unchanged: no second upload
    assert len(env.fake.calls_to("put_commands")) == 1
    assert env.fake.calls_to("me") and env.fake.calls_to("gateway")
    assert all(c.status < 300 for c in env.fake.calls)


def test_endpoints_are_restored() -> None:
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    settings = DiscordConfig(api_base="http://127.0.0.1:9/api/v10",
                             gateway_url="ws://127.0.0.1:9/gw")
    with discord_app.endpoints(settings):
        assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gw"
    assert (base, gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


# --- questions -------------------------------------------------------------------------


async def test_slash_ask_answers_with_quoted_cited_passages(env: BotEnv) -> None:
    data = await env.ask(WAGNER_QUESTION)
    [embed] = data["embeds"]
    assert data["allowed_mentions"]["parse"] == []
    assert not int(data.get("flags") or 0) & EPHEMERAL
    assert embed["description"].startswith("> “")  # the lead quote first (#12)
    assert all(f["name"].startswith("[") and WAGNER_FILE not in f["name"]
               for f in embed["fields"])
    assert all(f["value"].startswith("> ") for f in embed["fields"])
    assert "**Wagner**" in embed_text(data) and "**Tinzaouatene**" in embed_text(data)
    ids = [b["custom_id"] for b in buttons(data)]
    assert ids and all(len(i) <= 100 for i in ids)
    assert "Wagner" not in " ".join(ids)  # the question stays on the server


async def test_abstains_and_asks_for_keywords(env: BotEnv) -> None:
    none = await env.ask("banana bread recipe")
    empty = await env.ask("the", user_id=USER + 1)
    assert "nothing in the corpus" in embed_text(none)
    assert "real question" in embed_text(empty) and "/sources" in embed_text(empty)
    offered = buttons(none)
    assert 1 <= len(offered) <= 3 and all(b["label"].startswith("🔎 ") for b in offered)
    assert not buttons(empty)


async def test_a_suggestion_button_asks_it_in_place(env: BotEnv) -> None:
    """#12: pressing a name offered by "nothing found" edits the message into its answer."""
    data = await env.ask("banana bread recipe")
    message = next(m for m in env.fake.messages.values() if m["embeds"] == data["embeds"])
    press = await env.fake.press(message, buttons(data)[0]["custom_id"], user_id=USER)
    [edit] = await env.reply(press)
    assert edit.body["type"] == 7
    answer = edit.body["data"]["embeds"][0]
    assert answer["description"].startswith("> “") and answer["fields"]
    assert [b["label"] for b in buttons(edit.body["data"])][-2:] == ["👍", "👎"]


APPROVED = "Who did Wagner fight at Tinzaouatene?"
SPAM = "Wagner Tinzaouatene fighting, visit spam.example"  # answered: it quotes the corpus


async def suggestions(env: BotEnv, typed: str) -> list[str]:
    interaction = await env.fake.autocomplete("ask", "question", typed, user_id=STRANGER)
    [call] = await env.reply(interaction)
    assert call.body["type"] == 8
    return [c["value"] for c in call.body["data"]["choices"]]


async def test_autocomplete_suggests_only_approved_questions_and_titles(tmp_path: Path) -> None:
    async with running_bot(tmp_path, discord={"suggestions": [APPROVED]}) as env:
        for user_id in (USER, USER + 1, USER + 2):  # several accounts push the same text
            assert (await env.ask(SPAM, user_id=user_id))["embeds"][0]["fields"]
        choices = await suggestions(env, "wag")
        assert all("spam" not in v for v in choices + await suggestions(env, "spam"))
        assert choices[0] == APPROVED
        assert any(v.startswith("Wagner Group Announces") for v in choices)
        assert len(choices) <= 25 and all(len(v) <= 100 for v in choices)


async def test_mention_in_channel_and_direct_message(env: BotEnv) -> None:
    await env.fake.say("Wagner fought at Tinzaouatene", user_id=USER)  # not addressed: ignored
    mention = await env.fake.say(f"<@{env.fake.app_id}> {WAGNER_QUESTION}", user_id=USER)
    [reply] = await env.fake.wait_for(lambda: env.fake.sent(env.fake.channel_id), what="reply")
    assert str(reply.body["message_reference"]["message_id"]) == mention["id"]
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert "Tinzaouatene" in embed_text(reply.body)
    await env.fake.say("Coordination of Azawad Movements", user_id=USER, guild=False)
    [dm] = await env.fake.wait_for(lambda: env.fake.sent(env.fake.dm_channel(USER)), what="DM")
    assert "Azawad" in embed_text(dm.body) and "message_reference" not in dm.body
    assert len(env.fake.sent()) == 2


async def test_mention_injection_is_neutralised(env: BotEnv) -> None:
    hostile = ("@everyone <@&1> <@123456789012345678> **Wagner** `x` [click](http://evil.test) "
               "@here Tinzaouatene")
    data = await env.ask(hostile)
    await env.ask("@everyone <@&1> zzqqxx nothing", user_id=USER + 1)
    await env.fake.say(f"<@{env.fake.app_id}> {hostile}", user_id=USER + 2)
    await env.fake.wait_for(lambda: env.fake.sent(env.fake.channel_id), what="reply")
    assert "[click](http://evil.test)" not in embed_text(data)  # the question is not echoed
    env.no_pings_anywhere()


async def test_flood_control(env: BotEnv) -> None:
    answers = [await env.ask(WAGNER_QUESTION) for _ in range(6)]
    assert all(a["embeds"] for a in answers[:5])
    assert "faster than" in answers[5]["content"] and answers[5]["flags"] & EPHEMERAL
    for _ in range(7):
        await env.fake.say(f"<@{env.fake.app_id}> Wagner", user_id=USER + 1)
    await env.fake.wait_for(lambda: len(env.fake.sent()) >= 6, what="6 channel replies")
    await env.ask("Mali", user_id=USER + 2)  # handled after the 7 mentions: they are done
    texts = [c.body.get("content") or "" for c in env.fake.sent()]
    assert len(texts) == 6 and sum("faster than" in t for t in texts) == 1


# --- buttons ---------------------------------------------------------------------------


async def test_more_full_text_and_feedback_buttons(tmp_path: Path) -> None:
    async with running_bot(tmp_path, search={"top_k": 1}) as env:
        interaction = await env.fake.slash("ask", {"question": "Coordination of Azawad "
                                                               "Movements"}, user_id=USER)
        [call] = await env.reply(interaction)
        data = call.body["data"]
        assert "Passages 1–1 of " in embed_text(data)
        message = env.fake.original(interaction)
        assert message is not None

        more = await env.fake.press(message, button(data, "More"), user_id=USER)
        [edit] = await env.reply(more)
        assert edit.body["type"] == 7
        assert "Passages 2–2 of " in embed_text(edit.body["data"])
        assert "Passages 2–2" in embed_text(env.fake.message(message["id"]))

        full = await env.fake.press(message, button(edit.body["data"], "📄"), user_id=USER)
        [text] = await env.reply(full)
        assert text.body["data"]["flags"] & EPHEMERAL
        assert "Coordination of Azawad Movements" in embed_text(text.body["data"])

        for label in ("👍", "👎"):  # the same user changes their mind: one row, last value
            vote = await env.fake.press(message, button(edit.body["data"], label), user_id=USER)
            [thanks] = await env.reply(vote)
            assert "Thanks" in thanks.body["data"]["content"]
        await env.service.usage.flush_queries()  # query rows are written in batches
        with contextlib.closing(sqlite3.connect(env.config.db_path)) as db:
            rows = db.execute("SELECT user_hash, query_id, chunk_id, value "
                              "FROM feedback").fetchall()
            [query_id] = db.execute("SELECT id FROM queries").fetchone()
        assert len(rows) == 1 and rows[0][1] == query_id and rows[0][3] == -1
        assert str(USER) not in rows[0][0]
        assert rows[0][2] == ""  # one vote for the whole answer (#12)


async def test_long_full_text_arrives_as_ephemeral_followups(tmp_path: Path) -> None:
    paragraphs = [f"Blorptown paragraph {i}: " + "the siege of the old market went on. " * 30
                  for i in range(12)]
    extra = {"zz_long.txt": "Blorptown report\n\n" + "\n\n".join(paragraphs)}
    async with running_bot(tmp_path, extra=extra) as env:
        interaction = await env.fake.slash("ask", {"question": "Blorptown siege"}, user_id=USER)
        [call] = await env.reply(interaction)
        message = env.fake.original(interaction)
        assert message is not None
        full = await env.fake.press(message, button(call.body["data"], "📄"), user_id=USER)
        await env.fake.wait_for(lambda: any(  # parts are sent in order: wait for the last
            "paragraph 11" in embed_text(c.body) for c in env.fake.for_interaction(full)[1:]))
        [first, *followups] = env.fake.for_interaction(full)
        assert len(followups) >= 2 and {c.route for c in followups} == {"followup"}
        parts = [first.body["data"], *(c.body for c in followups)]
        assert all(p["flags"] & EPHEMERAL for p in parts)
        text = "".join(p["embeds"][0]["description"] for p in parts)
        assert "Blorptown paragraph 0" in text and "Blorptown paragraph 11" in text
        assert all(len(p["embeds"][0]["description"]) <= 4096 for p in parts)


async def test_buttons_survive_an_unknown_key(env: BotEnv) -> None:
    data = await env.ask(WAGNER_QUESTION)
    [message] = [m for m in env.fake.messages.values() if m["embeds"] == data["embeds"]]
    message["components"][0]["components"].append(
        {"type": 2, "style": 1, "label": "More", "custom_id": "v1|m|unknownk|3"})
    press = await env.fake.press(message, "v1|m|unknownk|3", user_id=USER)
    [expired] = await env.reply(press)
    assert "expired" in expired.body["data"]["content"]
    assert expired.body["data"]["flags"] & EPHEMERAL


# --- moderators ------------------------------------------------------------------------


async def test_strangers_are_refused_ephemerally_and_audited(env: BotEnv) -> None:
    attachment = env.fake.add_attachment("zz_new.txt", b"Quuxfoo text about Gao.\n")
    interactions = [
        await env.fake.slash("reindex", user_id=STRANGER),
        await env.fake.slash("stats", user_id=STRANGER),
        await env.fake.slash("remove", {"file": REMOVABLE}, user_id=STRANGER),
        await env.fake.slash("add", user_id=STRANGER, attachments={"document": attachment}),
        await env.fake.slash("stats", user_id=MODERATOR, guild=False),  # listed: DMs work
    ]
    for interaction in interactions[:4]:
        [refusal] = await env.reply(interaction)
        assert refusal.body["data"]["content"] == REFUSAL
        assert refusal.body["data"]["flags"] & EPHEMERAL
    [stats] = await env.reply(interactions[4])
    assert "documents" in embed_text(stats.body["data"])
    assert not env.fake.calls_to("download") and (env.corpus / REMOVABLE).exists()
    assert sorted(a for a in await env.audit(5) if a[1] == "refused") == [
        ("add", "refused"), ("reindex", "refused"), ("remove", "refused"), ("stats", "refused")]
    with contextlib.closing(sqlite3.connect(env.config.db_path)) as db:
        hashes = [h for (h,) in db.execute("SELECT user_hash FROM audit")]
    assert all(str(STRANGER) not in h and str(MODERATOR) not in h for h in hashes)


async def test_reindex_and_stats_by_each_kind_of_moderator(env: BotEnv) -> None:
    reindex = await env.fake.slash("reindex", user_id=MODERATOR)
    [started] = await env.reply(reindex)
    assert started.body["data"]["flags"] & EPHEMERAL
    done = await env.edited(reindex, "Reindexed")
    assert "6 documents" in done.body["content"]
    admin = await env.fake.slash("stats", user_id=ADMIN, permissions=MANAGE_GUILD)
    curator = await env.fake.slash("stats", user_id=CURATOR, roles=[CURATOR_ROLE])
    for interaction in (admin, curator):
        [stats] = await env.reply(interaction)
        assert stats.body["data"]["flags"] & EPHEMERAL
        assert "generation 2" in embed_text(stats.body["data"])
    assert sorted(await env.audit(3)) == [("reindex", "ok"), ("stats", "ok"), ("stats", "ok")]


async def test_rights_from_another_server_do_not_count(env: BotEnv) -> None:
    assert env.client.get_guild(FOREIGN_GUILD) is not None  # the bot is in both servers
    refused = [
        await env.fake.slash("remove", {"file": REMOVABLE}, user_id=ADMIN,
                             permissions=MANAGE_GUILD, guild_id=FOREIGN_GUILD),
        await env.fake.slash("remove", {"file": REMOVABLE}, user_id=CURATOR,
                             roles=[FOREIGN_ROLE], guild_id=FOREIGN_GUILD),
        await env.fake.slash("remove", {"file": REMOVABLE}, user_id=CURATOR, roles=[],
                             guild_id=HOME_GUILD),
    ]
    for interaction in refused:
        [refusal] = await env.reply(interaction)
        assert refusal.body["data"]["content"] == REFUSAL
    assert (env.corpus / REMOVABLE).exists()
    assert await env.audit(3) == [("remove", "refused")] * 3
    allowed = await env.fake.slash("remove", {"file": REMOVABLE}, user_id=CURATOR,
                                   roles=[CURATOR_ROLE], guild_id=HOME_GUILD)
    await env.edited(allowed, "Removed")
    assert not (env.corpus / REMOVABLE).exists()
    assert (await env.audit(4))[3] == (f"remove {REMOVABLE}", "ok")


async def test_without_configured_servers_only_listed_users_moderate(tmp_path: Path) -> None:
    async with running_bot(tmp_path, discord={"guilds": []}) as env:
        admin = await env.fake.slash("stats", user_id=ADMIN, permissions=MANAGE_GUILD)
        curator = await env.fake.slash("stats", user_id=CURATOR, roles=[CURATOR_ROLE])
        listed = await env.fake.slash("stats", user_id=MODERATOR)
        for interaction in (admin, curator):
            [refusal] = await env.reply(interaction)
            assert refusal.body["data"]["content"] == REFUSAL
        [stats] = await env.reply(listed)
        assert "documents" in embed_text(stats.body["data"])
        assert sorted(await env.audit(3)) == [("stats", "ok"), ("stats", "refused"),
                                              ("stats", "refused")]


async def test_questions_are_answered_while_reindexing(env: BotEnv,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord_app, "PROGRESS_INTERVAL", 0.05)
    started, release = threading.Event(), threading.Event()
    original = env.service.reindex

    async def gated(progress: Progress | None = None) -> ReindexResult:
        def slow(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            started.set()
            release.wait(10)
        return await original(slow)

    monkeypatch.setattr(env.service, "reindex", gated)
    reindex = await env.fake.slash("reindex", user_id=MODERATOR)
    try:
        await env.fake.wait_for(started.is_set, what="the reindex to start")
        await env.edited(reindex, "documents\n")  # a progress bar while it runs
        assert (await env.ask(WAGNER_QUESTION))["embeds"]
        busy = await env.fake.slash("reindex", user_id=MODERATOR)
        [refused] = await env.reply(busy)
        assert "already running" in refused.body["data"]["content"]
    finally:
        release.set()
    await env.edited(reindex, "Reindexed")
    assert sorted(await env.audit(2)) == [("reindex", "busy"), ("reindex", "ok")]


async def test_add_attachment_then_ask_about_it(env: BotEnv) -> None:
    content = b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"
    attachment = env.fake.add_attachment("zz_quuxfoo.txt", content)
    interaction = await env.fake.slash("add", user_id=MODERATOR,
                                       attachments={"document": attachment})
    done = await env.edited(interaction, "Added")
    assert "`zz_quuxfoo.txt`" in done.body["content"]
    assert env.fake.calls_to("download")
    assert (env.corpus / "zz_quuxfoo.txt").read_bytes() == content
    data = await env.ask("Quuxfoo accord Gao")
    assert "[1] Quuxfoo Accord" in embed_text(data)
    assert await env.audit(1) == [("add zz_quuxfoo.txt", "ok")]


async def test_add_rejects_hostile_names_and_oversized_files(tmp_path: Path) -> None:
    async with running_bot(tmp_path, corpus={"max_file_bytes": 5000}) as env:
        seeds = sorted(p.name for p in env.corpus.iterdir())
        hostile = env.fake.add_attachment("../@everyone <@&1> **x**.txt", b"Quuxfoo in Gao.\n")
        interaction = await env.fake.slash("add", user_id=MODERATOR,
                                           attachments={"document": hostile})
        rejected = await env.edited(interaction, "❌")
        assert "folders" in rejected.body["content"]

        big = env.fake.add_attachment("zz_big.txt", b"x" * 6000)
        liar = env.fake.add_attachment("zz_liar.txt", b"y " * 4000, declared_size=100)
        too_big = await env.fake.slash("add", user_id=MODERATOR, attachments={"document": big})
        [refused] = await env.reply(too_big)
        assert "6,000" in refused.body["data"]["content"]
        downloads = len(env.fake.calls_to("download"))
        lying = await env.fake.slash("add", user_id=MODERATOR, attachments={"document": liar})
        await env.edited(lying, "too large")
        assert len(env.fake.calls_to("download")) == downloads + 1

        assert sorted(p.name for p in env.corpus.iterdir()) == seeds
        outcomes = sorted(outcome for _command, outcome in await env.audit(3))
        assert outcomes == ["rejected", "too_large", "too_large"]
        env.no_pings_anywhere()


async def test_remove_document(env: BotEnv) -> None:
    interaction = await env.fake.slash("remove", {"file": REMOVABLE}, user_id=MODERATOR)
    done = await env.edited(interaction, "Removed")
    assert REMOVABLE in done.body["content"]
    assert not (env.corpus / REMOVABLE).exists()
    missing = await env.fake.slash("remove", {"file": "nope.txt"}, user_id=MODERATOR)
    await env.edited(missing, "not in the corpus")
    completion = await env.fake.autocomplete("remove", "file", "00", user_id=MODERATOR)
    [choices] = await env.reply(completion)
    assert REMOVABLE not in [c["value"] for c in choices.body["data"]["choices"]]
    assert sorted(await env.audit(2)) == [(f"remove {REMOVABLE}", "ok"),
                                          ("remove nope.txt", "rejected")]


ODD_NAME = "Rapport (Gao) – été 2024.txt"  # listed by /sources, refused by the add pattern
ODD_TEXT = "Rapport de Gao\n\nLe rapport de Gao décrit les combats de l'été.\n"


async def test_remove_accepts_every_listed_name_and_refuses_paths(tmp_path: Path) -> None:
    async with running_bot(tmp_path, extra={ODD_NAME: ODD_TEXT, ".hidden.txt": ODD_TEXT}
                           ) as env:
        sources = await env.fake.slash("sources", user_id=USER)
        [listing] = await env.reply(sources)
        assert "Rapport (Gao)" in embed_text(listing.body["data"])
        for hostile in ("../corpus/" + REMOVABLE, ".hidden.txt", "..", f"./{REMOVABLE}"):
            refused = await env.fake.slash("remove", {"file": hostile}, user_id=MODERATOR)
            await env.edited(refused, "❌")
        removed = await env.fake.slash("remove", {"file": ODD_NAME}, user_id=MODERATOR)
        await env.edited(removed, "Removed")
        assert not (env.corpus / ODD_NAME).exists()
        assert (env.corpus / REMOVABLE).exists() and (env.corpus / ".hidden.txt").exists()
        assert [o for _c, o in await env.audit(5)] == ["rejected"] * 4 + ["ok"]


# --- everyone else -------------------------------------------------------------------


async def test_sources_and_help(env: BotEnv) -> None:
    sources = await env.fake.slash("sources", user_id=USER)
    help_ = await env.fake.slash("help", user_id=USER, guild=False)
    [listing] = await env.reply(sources)
    [how] = await env.reply(help_)
    assert WAGNER_FILE in embed_text(listing.body["data"])
    assert "/ask" in embed_text(how.body["data"]) and how.body["data"]["flags"] & EPHEMERAL


# --- token hygiene and running -------------------------------------------------------


async def test_token_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for chatty in ("discord.gateway", "discord.http"):  # even if someone turns them up
        caplog.set_level(logging.DEBUG, logger=chatty)
    async with running_bot(tmp_path) as env:
        env.fake.fail("callback", message=f"Invalid token {TOKEN}")
        interaction = await env.fake.slash("ask", {"question": WAGNER_QUESTION}, user_id=USER)
        [apology] = await env.reply(interaction)  # the answer failed; the apology did not
        assert "something went wrong" in apology.body["data"]["content"]
        assert [c.status for c in env.fake.calls_to("callback")] == [400, 200]
        logging.getLogger("test").warning("token was %s", TOKEN)
    assert "Error in a slash command" in caplog.text and "Invalid token" in caplog.text
    for record in caplog.records:
        assert not leaked(record.getMessage(), TOKEN_SECRET)
    assert not leaked(caplog.text, TOKEN_SECRET, TOKEN)


def test_run_without_token_fails_clearly(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    assert cli.main(["discord"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_BOT_TOKEN" in err and err.count("\n") == 1


def test_run_with_rejected_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeDiscord(TOKEN)
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(5)
    try:
        shutil.copytree(SEEDS, tmp_path / "corpus")
        wrong = "MTIz.WRONG.secret-token-value-that-is-wrong"
        monkeypatch.setenv("DISCORD_BOT_TOKEN", wrong)
        assert discord_app.run(make_config(tmp_path, fake)) == 2
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
    err = capsys.readouterr().err
    assert "rejected" in err and not leaked(err, "secret-token-value")
    assert [c.status for c in fake.calls_to("me")] == [401]
    assert not fake.calls_to("gateway")


# --- abuse of buttons (#9) ---------------------------------------------------------------


async def forge(env: BotEnv, message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """Press a button with a forged custom id on `message`; the bot's response data."""
    real = message["components"]
    message["components"] = [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Forged", "custom_id": custom_id}]}]
    try:
        press = await env.fake.press(message, custom_id, user_id=USER)
        [response] = await env.reply(press)
    finally:
        message["components"] = real
    return dict(response.body)


async def test_forged_votes_pages_and_ids_are_refused_and_change_nothing(
        tmp_path: Path) -> None:
    """Repeated 👍 counts once; a vote for a passage the answer did not show, a page beyond
    the results and ids the bot never made each get an ephemeral refusal; nothing changes."""
    async with running_bot(tmp_path, search={"top_k": 1}, flood={"buttons": 100}) as env:
        data = await env.ask("Coordination of Azawad Movements")
        message = next(m for m in env.fake.messages.values() if m["embeds"] == data["embeds"])
        up = button(data, "👍")
        key, shown = up.split("|")[2], button(data, "📄").split("|")[2]
        for _ in range(5):
            press = await env.fake.press(message, up, user_id=USER)
            [thanks] = await env.reply(press)
            assert "Thanks" in thanks.body["data"]["content"]
        before = json.dumps(env.fake.message(message["id"]), sort_keys=True)
        other = next(c.chunk_id for c in env.service._snapshot.chunks if c.chunk_id != shown)
        refused = [await forge(env, message, custom_id) for custom_id in (
            f"v1|v|{key}|{other}|+", f"v1|m|{key}|999", f"v1|m|{key}|abc", "v1|s|999",
            f"cb:m:{key}:1", "garbage", "v1|x|1")]
        stats = await env.service.stats()
    assert (stats.feedback_up, stats.feedback_down) == (1, 0)
    for body in refused:
        assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL, body
        assert "Thanks" not in body["data"]["content"]
    assert "expired" in refused[-1]["data"]["content"] and "expired" in refused[-2]["data"][
        "content"]
    assert json.dumps(env.fake.message(message["id"]), sort_keys=True) == before


async def test_full_text_presses_are_limited_with_one_notice(tmp_path: Path) -> None:
    """40 Full-text presses: at most the button budget is sent, one ephemeral notice, and
    every press is acknowledged (none left to fail)."""
    async with running_bot(tmp_path) as env:
        data = await env.ask(WAGNER_QUESTION)
        message = next(m for m in env.fake.messages.values() if m["embeds"] == data["embeds"])
        full = button(data, "📄")
        presses = [await env.fake.press(message, full, user_id=USER) for _ in range(40)]
        bodies = [(await env.reply(p))[0].body for p in presses]
    texts = [b for b in bodies if b["type"] == 4 and b["data"].get("embeds")]
    notices = [b for b in bodies if "faster" in ((b.get("data") or {}).get("content") or "")]
    assert 1 <= len(texts) <= env.config.flood.buttons
    assert len(notices) == 1
    assert len(texts) + len(notices) + sum(b["type"] == 6 for b in bodies) == 40


async def test_sources_of_4000_documents_is_one_message_with_pages(tmp_path: Path) -> None:
    extra = {f"doc{n:04d}.txt": f"Report {n} on Blorptown\n\nBlorptown item {n} was seen."
             for n in range(4000)}
    async with running_bot(tmp_path, extra=extra) as env:
        interaction = await env.fake.slash("sources", user_id=USER)
        [listing] = await env.reply(interaction)
        await asyncio.sleep(0.2)
        assert len(env.fake.responses(interaction)) == 1
        data = listing.body["data"]
        message = env.fake.original(interaction)
        assert message is not None
        press = await env.fake.press(message, button(data, "More"), user_id=USER)
        [edit] = await env.reply(press)
    assert edit.body["type"] == 7
    assert embed_text(edit.body["data"]) != embed_text(data)
    assert "Page 2 of" in json.dumps(edit.body["data"])
    assert len(env.fake.responses(interaction)) == 1


# --- the same moderator semantics as Telegram (#11) --------------------------------------


async def test_failed_add_download_is_reported_and_audited(env: BotEnv) -> None:
    attachment = env.fake.add_attachment("zz_gone.txt", b"Quuxfoo text about Gao.\n")
    del env.fake.attachments[int(attachment["id"])]
    interaction = await env.fake.slash("add", user_id=MODERATOR,
                                       attachments={"document": attachment})
    await env.edited(interaction, "could not be downloaded")
    assert await env.audit(1) == [("add zz_gone.txt", "download_failed")]
    assert not (env.corpus / "zz_gone.txt").exists()


async def test_progress_shows_the_outcome_before_the_audit_row(env: BotEnv) -> None:
    interaction = await env.fake.slash("reindex", user_id=MODERATOR)
    assert await env.audit(1) == [("reindex", "ok")]
    assert [c for c in env.fake.for_interaction(interaction, "edit_webhook_message")
            if "Reindexed" in (c.body.get("content") or "")]


async def test_rewrite_line_and_unknown_name_reach_the_channel(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        changed = embed_text(await env.ask("Who did Wagner fight at Tinzawatene?"))
        assert "Showing results for *Tinzaouaten" in changed
        assert "(you wrote *Tinzawatene*)" in changed
        vetoed = embed_text(await env.ask("Wagner in Sudan", user_id=USER + 1))
        assert "Nothing in the corpus mentions *Sudan*." in vetoed
