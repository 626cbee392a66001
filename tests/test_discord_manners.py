"""End-to-end group manners on Discord (#12): the real client against the fake gateway/API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.answer import Answer
from tests.fakes.fake_discord import EPHEMERAL
from tests.test_discord import USER, WAGNER_QUESTION, button, embed_text, running_bot

READER = USER + 10
SLOW_SEARCH = 3.3  # seconds: longer than Discord's 3-second window for a first response


async def test_slow_ask_is_deferred_within_three_seconds_then_edited(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        ask = env.service.ask

        async def slow_ask(*args: Any, **kwargs: Any) -> Answer:
            await asyncio.sleep(SLOW_SEARCH)
            return await ask(*args, **kwargs)

        env.service.ask = slow_ask  # type: ignore[method-assign]
        interaction = await env.fake.slash("ask", {"question": WAGNER_QUESTION}, user_id=USER)
        [deferred] = await env.reply(interaction)
        assert deferred.body["type"] == 5
        [edit] = await env.reply(interaction, "edit_webhook_message")
        assert "Tinzaouatene" in embed_text(edit.body)
        assert env.fake.late_responses == 0


async def test_abstention_is_ephemeral(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        data = await env.ask("banana bread recipe")
        assert "nothing in the corpus" in embed_text(data)
        assert int(data.get("flags") or 0) & EPHEMERAL


async def test_only_the_asker_pages_an_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path, search={"top_k": 1}) as env:
        interaction = await env.fake.slash("ask", {"question": WAGNER_QUESTION}, user_id=USER)
        [call] = await env.reply(interaction)
        message = env.fake.original(interaction)
        assert message is not None
        more = button(call.body["data"], "More")
        other = await env.fake.press(message, more, user_id=READER)
        [notice] = await env.reply(other)
        assert notice.body["type"] == 4 and notice.body["data"]["flags"] & EPHEMERAL
        assert "asked" in notice.body["data"]["content"]
        assert "Passages 1 to 1" in embed_text(env.fake.message(message["id"]))
        mine = await env.fake.press(message, more, user_id=USER)
        [edit] = await env.reply(mine)
        assert edit.body["type"] == 7 and "Passages 2 to 2" in embed_text(edit.body["data"])
