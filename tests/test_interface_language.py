"""Interface language end to end (#12): the bot's own words follow the user's Telegram
`language_code` / Discord locale (fr, fr-FR, fr-CA -> French; anything else English)."""

from __future__ import annotations

from pathlib import Path

from bot.moderation import REFUSAL
from bot.texts_fr import FR
from tests.fakes.fake_discord import EPHEMERAL
from tests.telegram_helpers import STRANGER as TG_STRANGER
from tests.telegram_helpers import running_bot as telegram_bot
from tests.test_discord import STRANGER as DC_STRANGER
from tests.test_discord import running_bot as discord_bot

FRENCH_USER = 3003


async def test_telegram_french_user_gets_french_words(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        env.fake.language_codes[FRENCH_USER] = "fr"
        env.say("/reindex", user_id=FRENCH_USER)
        env.say("/reindex", user_id=TG_STRANGER)
        [refused] = await env.replies(FRENCH_USER)
        [english] = await env.replies(TG_STRANGER)
        env.say("/nosuchcommand", user_id=FRENCH_USER)
        unknown = await env.replies(FRENCH_USER, 2)
    assert refused.params["text"] == FR["refused"]
    assert english.params["text"] == REFUSAL
    assert unknown[1].params["text"] == FR["unknown_command"]


async def test_discord_french_locale_gets_french_words(tmp_path: Path) -> None:
    async with discord_bot(tmp_path) as env:
        env.fake.locales[DC_STRANGER] = "fr"
        [refused] = await env.reply(await env.fake.slash("stats", user_id=DC_STRANGER))
        env.fake.locales[DC_STRANGER] = "en-GB"
        [english] = await env.reply(await env.fake.slash("stats", user_id=DC_STRANGER))
    assert refused.body["data"]["content"] == FR["refused"]
    assert refused.body["data"]["flags"] & EPHEMERAL
    assert english.body["data"]["content"] == REFUSAL
