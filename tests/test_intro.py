"""/start and /help (#12): at most 8 lines saying what the corpus covers, three example
questions as buttons that ask them, in English and French; every example is answered
(not abstained) over the seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.core import Service
from tests.fakes.fake_discord import EPHEMERAL
from tests.telegram_helpers import running_bot as telegram_bot
from tests.test_discord import USER as DC_USER
from tests.test_discord import embed_text
from tests.test_discord import running_bot as discord_bot

TG_USER = 5005


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("index", [1, 2, 3])
async def test_every_example_question_is_answered(service: Service, language: str,
                                                  index: int) -> None:
    answer = await service.ask(texts.text(f"example_{index}", language))
    assert not answer.abstained and answer.passages


def _buttons(call: Any) -> list[dict[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def test_telegram_start_and_help_in_both_languages(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        env.fake.language_codes[TG_USER + 1] = "fr-CA"
        env.say("/start", user_id=TG_USER)
        env.say("/help", user_id=TG_USER + 1)
        [start] = await env.replies(TG_USER)
        [aide] = await env.replies(TG_USER + 1)
        env.fake.press(start.result, _buttons(start)[1]["callback_data"], user_id=TG_USER)
        answer = (await env.replies(TG_USER, 2))[1]
    lines = start.params["text"].splitlines()
    assert len(lines) <= 8 and "5 documents (5 Aug 2024 – 7 Dec 2025; EN)" in lines[0]
    assert [b["text"] for b in _buttons(start)] == [
        texts.text(f"example_{i}") for i in (1, 2, 3)]
    french = aide.params["text"]
    assert french.startswith("Je réponds") and len(french.splitlines()) <= 8
    assert [b["text"] for b in _buttons(aide)] == [
        texts.text(f"example_{i}", "fr") for i in (1, 2, 3)]
    assert "<blockquote" in answer.params["text"]  # a quoted passage, not an abstention


async def test_discord_help_in_french_with_example_buttons(tmp_path: Path) -> None:
    async with discord_bot(tmp_path) as env:
        env.fake.locales[DC_USER] = "fr"
        interaction = await env.fake.slash("help", user_id=DC_USER)
        [reply] = await env.reply(interaction)
        data = reply.body["data"]
        message = env.fake.original(interaction)
        assert message is not None
        custom_id = data["components"][2]["components"][0]["custom_id"]
        [answer] = await env.reply(await env.fake.press(message, custom_id, user_id=DC_USER))
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("Je réponds") and len(data["content"].splitlines()) <= 8
    labels = [c["label"] for row in data["components"] for c in row["components"]]
    assert labels == [texts.text(f"example_{i}", "fr") for i in (1, 2, 3)]
    assert answer.body["type"] == 4  # a new message, the help stays
    assert "Azawad" in embed_text(answer.body["data"])  # quoted passages: not an abstention
