"""Interface language end to end (#12): the bot's own words follow the user's Telegram
`language_code` / Discord locale (fr, fr-FR, fr-CA -> French; anything else English)."""

from __future__ import annotations

from pathlib import Path

from bot.moderation import REFUSAL
from bot.texts_fr import FR
from tests.fakes.fake_discord import EPHEMERAL
from tests.fakes.fake_telegram import Call
from tests.telegram_helpers import STRANGER as TG_STRANGER
from tests.telegram_helpers import BotEnv
from tests.telegram_helpers import running_bot as telegram_bot
from tests.test_discord import STRANGER as DC_STRANGER
from tests.test_discord import running_bot as discord_bot

FRENCH_USER = 3003


async def french_and_english(env: BotEnv, text: str) -> tuple[Call, Call]:
    """`text` sent by the French user and by an English one; each one's first reply."""
    env.say(text, user_id=FRENCH_USER)
    env.say(text, user_id=TG_STRANGER)
    [french] = await env.replies(FRENCH_USER)
    [english] = await env.replies(TG_STRANGER)
    return french, english


async def test_telegram_french_user_gets_french_words(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        env.fake.language_codes[FRENCH_USER] = "fr"
        refused, english = await french_and_english(env, "/reindex")
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


async def test_telegram_answers_frame_quotes_in_the_users_language(tmp_path: Path) -> None:
    """The bot's own words around the quotes (page line, More, nothing found) follow the
    user's language; the quotes stay as the corpus has them."""
    async with telegram_bot(tmp_path, search={"top_k": 1}) as env:
        env.fake.language_codes[FRENCH_USER] = "fr-FR"
        french, english = await french_and_english(env, "Coordination of Azawad Movements")
        env.say("Who won the 2022 World Cup?", user_id=FRENCH_USER)
        nothing = (await env.replies(FRENCH_USER, 2))[1]
    assert "<i>Passages 1 à 1 sur " in french.params["text"]
    assert "the threat posed by the" in french.params["text"]  # quoted as written
    assert _labels(french)[-3:] == ["Suite ▸", "👍", "👎"]
    assert "<i>Passages 1–1 of " in english.params["text"]
    assert _labels(english)[-3:] == ["More ▸", "👍", "👎"]
    assert nothing.params["text"].startswith("Rien dans le corpus ne mentionne <i>")
    assert FR["covered_instead"] in nothing.params["text"]


async def test_discord_answers_frame_quotes_in_the_users_locale(tmp_path: Path) -> None:
    async with discord_bot(tmp_path, search={"top_k": 1}) as env:
        env.fake.locales[DC_STRANGER] = "fr"
        french = await env.ask("Coordination of Azawad Movements", user_id=DC_STRANGER)
        nothing = await env.ask("Who won the 2022 World Cup?", user_id=DC_STRANGER)
    [embed] = french["embeds"]
    assert embed["footer"]["text"].startswith("Passages 1 à 1 sur ")
    labels = [c["label"] for row in french["components"] for c in row["components"]]
    assert labels[-3:] == ["Suite ▸", "👍", "👎"]
    assert nothing["embeds"][0]["title"] == FR["nothing_title"]
    assert nothing["embeds"][0]["description"].startswith("Rien dans le corpus ne mentionne")
    assert nothing["flags"] & EPHEMERAL


def _labels(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
