"""👍/👎 for one passage, under its full text (#12: "stored per answer and, where pressed on
a source, per passage"): end to end on the fake Telegram and the fake Discord, as the real
libraries send it, and what the usage log stores (salted user hashes only)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.core import Service
from tests import test_discord as dc
from tests.fakes.fake_discord import EPHEMERAL
from tests.fakes.fake_telegram import Call
from tests.telegram_helpers import GROUP, WAGNER_QUESTION, BotEnv, running_bot

USER, READER = 5005, 6006
FLOOD = {"buttons": 100}


def tg_button(call: Call, label_start: str) -> str:
    markup = call.params.get("reply_markup") or {}
    return next(b["callback_data"] for row in markup["inline_keyboard"] for b in row
                if b["text"].startswith(label_start))


def tg_labels(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def tg_press(env: BotEnv, message: Call, data: str, user_id: int) -> dict[str, Any]:
    """Press `data` on `message`; the press's answerCallbackQuery parameters."""
    query = env.fake.press(message.result, data, user_id=user_id)
    [answer] = await env.fake.wait_for(lambda: [
        c for c in env.fake.calls_to("answerCallbackQuery")
        if c.params["callback_query_id"] == query])
    return dict(answer.params)


async def feedback(service: Service, config: Config) -> list[tuple[str, int, str, int]]:
    """Every stored vote: (user hash, query id, chunk id, value)."""
    await service.usage.flush_queries()  # query rows are written in batches
    with contextlib.closing(sqlite3.connect(config.db_path)) as db:
        return [(str(h), int(q), str(c), int(v)) for h, q, c, v in db.execute(
            "SELECT user_hash, query_id, chunk_id, value FROM feedback ORDER BY id")]


def logged_query_id(config: Config) -> int:
    with contextlib.closing(sqlite3.connect(config.db_path)) as db:
        [(query_id,)] = db.execute("SELECT id FROM queries").fetchall()
    return int(query_id)


# --- Telegram ------------------------------------------------------------------------


@dataclass
class Opened:
    """An answer, the full text its 📄 1 opened, the answer's key and that passage's id."""

    answer: Any
    full: Any
    key: str
    chunk: str


async def tg_open_full_text(env: BotEnv) -> Opened:
    """USER asks the headline question privately and presses 📄 1."""
    env.say(WAGNER_QUESTION, user_id=USER)
    [answer] = await env.replies(USER)
    await tg_press(env, answer, tg_button(answer, "📄 1"), USER)
    [_, full] = await env.replies(USER, 2)
    return Opened(answer, full, tg_button(answer, "👍").split("|")[2],
                  tg_button(answer, "📄 1").split("|")[2])


async def test_telegram_full_text_offers_a_vote_for_its_passage_stored_per_passage(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path, search={"top_k": 2}, flood=FLOOD) as env:
        opened = await tg_open_full_text(env)
        full, key, chunk = opened.full, opened.key, opened.chunk
        assert tg_labels(full) == ["👍", "👎"]
        assert tg_button(full, "👍") == f"v1|v|{key}|{chunk}|+"
        assert tg_button(full, "👎") == f"v1|v|{key}|{chunk}|-"
        told = [await tg_press(env, full, tg_button(full, label), USER) for label in "👍👎"]
        rows = await feedback(env.service, env.config)
        query_id = logged_query_id(env.config)
    assert all("Thanks" in t.get("text", "") for t in told)
    # one row for this user, answer and passage; the second press replaced the first
    assert rows == [(env.service.private_digest(f"tg:{USER}"), query_id, chunk, -1)]
    # the raw id is not stored (a digest may hold its digits by chance, so not "not in")
    assert rows[0][0] not in {str(USER), f"tg:{USER}"} and "tg:" not in rows[0][0]


async def test_telegram_forged_or_expired_passage_votes_are_refused_and_store_nothing(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path, search={"top_k": 1}, flood=FLOOD) as env:
        opened = await tg_open_full_text(env)
        answer, full, key, chunk = opened.answer, opened.full, opened.key, opened.chunk
        other = next(c.chunk_id for c in env.service._snapshot.chunks if c.chunk_id != chunk)
        forged = [f"v1|v|{key}|{other}|+", f"v1|v|nosuchkey|{chunk}|+", f"v1|v|{key}|{chunk}|0",
                  f"v1|v|{key}|{chunk}|+|x"]
        refused = [await tg_press(env, full, data, USER) for data in forged]
        # a full text opened under a key the bot never gave, or for a passage that answer
        # did not show, offers no vote
        for data in (f"v1|f|{chunk}|nosuchkey", f"v1|f|{other}|{key}"):
            await tg_press(env, answer, data, USER)
        *_, unknown_key, unshown = await env.replies(USER, 4)
        rows = await feedback(env.service, env.config)
    assert all(r.get("text") and "Thanks" not in r["text"] for r in refused), refused
    assert "expired" in refused[1]["text"]
    assert rows == []
    assert tg_labels(unknown_key) == [] and tg_labels(unshown) == []


async def test_telegram_group_reader_votes_privately_and_counts_as_themselves(
        tmp_path: Path) -> None:
    """Full text pressed in a group goes to the presser's private chat with the passage's
    votes; their vote is stored under their own salted hash, the group sees nothing new."""
    async with running_bot(tmp_path, search={"top_k": 1}, flood=FLOOD) as env:
        answer = await env.reply_to(env.say(f"/ask {WAGNER_QUESTION}", user_id=USER,
                                            chat_id=GROUP))
        chunk = tg_button(answer, "📄 1").split("|")[2]
        await tg_press(env, answer, tg_button(answer, "📄 1"), READER)
        [full] = await env.replies(READER)
        told = await tg_press(env, full, tg_button(full, "👍"), READER)
        await env.idle()
        rows = await feedback(env.service, env.config)
    assert "Thanks" in told.get("text", "")
    assert rows == [(env.service.private_digest(f"tg:{READER}"), rows[0][1], chunk, 1)]
    assert env.fake.sent(GROUP) == [answer]


async def test_telegram_stranger_link_carries_the_answer_so_the_vote_is_offered(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path, search={"top_k": 1}, flood=FLOOD) as env:
        env.fake.strangers.add(READER)
        answer = await env.reply_to(env.say(f"/ask {WAGNER_QUESTION}", user_id=USER,
                                            chat_id=GROUP))
        key = tg_button(answer, "👍").split("|")[2]
        chunk = tg_button(answer, "📄 1").split("|")[2]
        url = (await tg_press(env, answer, tg_button(answer, "📄 1"), READER))["url"]
        assert url.endswith(f"?start=full-{chunk}-{key}")
        env.fake.strangers.discard(READER)
        env.say(f"/start {url.partition('?start=')[2]}", user_id=READER)
        [full] = await env.replies(READER)
        assert "Tinzaouatene" in full.params["text"]
        assert tg_button(full, "👎") == f"v1|v|{key}|{chunk}|-"
        env.say(f"/start full-{chunk}", user_id=READER)  # a link from before: still works
        [_, old] = await env.replies(READER, 2)
    assert "Tinzaouatene" in old.params["text"] and tg_labels(old) == []


# --- Discord -------------------------------------------------------------------------


def dc_button(data: Mapping[str, Any], label_start: str) -> str:
    return dc.button(data, label_start)


async def dc_open_full_text(env: dc.BotEnv) -> tuple[Opened, dict[str, Any], Any]:
    """/ask the headline question and press 📄: the answer's message, the full text's
    response data, the key and the passage (as `Opened`); the full text's own message;
    the response call."""
    data = await env.ask(WAGNER_QUESTION)
    message = next(m for m in env.fake.messages.values() if m["embeds"] == data["embeds"])
    press = await env.fake.press(message, dc_button(data, "📄"), user_id=dc.USER)
    [response] = await env.reply(press)
    [shown] = env.fake.responses(press)  # the ephemeral message, as the user sees it
    opened = Opened(message, response.body["data"], dc_button(data, "👍").split("|")[2],
                    dc_button(data, "📄").split("|")[2])
    return opened, shown, response


async def test_discord_full_text_offers_a_vote_for_its_passage_stored_per_passage(
        tmp_path: Path) -> None:
    async with dc.running_bot(tmp_path, search={"top_k": 1}, flood=FLOOD) as env:
        opened, shown, _ = await dc_open_full_text(env)
        full, key, chunk = opened.full, opened.key, opened.chunk
        assert full["flags"] & EPHEMERAL and "Tinzaouatene" in dc.embed_text(full)
        assert [b["label"] for b in dc.buttons(full)] == ["👍", "👎"]
        assert dc_button(full, "👍") == f"v1|v|{key}|{chunk}|+"
        told = []
        for label in ("👎", "👍"):
            vote = await env.fake.press(shown, dc_button(full, label), user_id=dc.USER)
            [thanks] = await env.reply(vote)
            told.append(thanks.body["data"])
        rows = await feedback(env.service, env.config)
        query_id = logged_query_id(env.config)
    assert all("Thanks" in t["content"] and t["flags"] & EPHEMERAL for t in told)
    assert rows == [(env.service.private_digest(f"dc:{dc.USER}"), query_id, chunk, 1)]
    assert str(dc.USER) not in rows[0][0]


async def test_discord_forged_or_expired_passage_votes_are_refused_and_store_nothing(
        tmp_path: Path) -> None:
    async with dc.running_bot(tmp_path, search={"top_k": 1}, flood=FLOOD) as env:
        opened, shown, response = await dc_open_full_text(env)
        message, key, chunk = opened.answer, opened.key, opened.chunk
        other = next(c.chunk_id for c in env.service._snapshot.chunks if c.chunk_id != chunk)
        refused = [(await dc.forge(env, shown, custom_id))["data"] for custom_id in (
            f"v1|v|{key}|{other}|+", f"v1|v|nosuchkey|{chunk}|+", f"v1|v|{key}|{chunk}|0")]
        plain_full = (await dc.forge(env, message, f"v1|f|{chunk}|nosuchkey"))["data"]
        rows = await feedback(env.service, env.config)
    assert response.body["data"]["components"]  # the real full text did offer votes
    assert all(r["flags"] & EPHEMERAL and "Thanks" not in r["content"] for r in refused)
    assert "expired" in refused[1]["content"] and "expired" in refused[2]["content"]
    assert rows == []
    assert "Tinzaouatene" in dc.embed_text(plain_full)
    assert dc.buttons(plain_full) == []
