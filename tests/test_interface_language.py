"""Interface language end to end (#12): the bot's own words follow the user's Telegram
`language_code` / Discord locale (fr, fr-FR, fr-CA -> French; anything else English)."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from bot.moderation import REFUSAL
from bot.texts_fr import FR
from tests.fakes.fake_discord import EPHEMERAL
from tests.fakes.fake_telegram import Call
from tests.telegram_helpers import MODERATOR as TG_MODERATOR
from tests.telegram_helpers import STRANGER as TG_STRANGER
from tests.telegram_helpers import BotEnv
from tests.telegram_helpers import running_bot as telegram_bot
from tests.test_discord import MODERATOR as DC_MODERATOR
from tests.test_discord import STRANGER as DC_STRANGER
from tests.test_discord import running_bot as discord_bot

FRENCH_USER = 3003
ARTICLE = b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"


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


async def telegram_stats_and_add(env: BotEnv, name: str, done_word: str) -> tuple[str, str]:
    """The moderator's /stats reply and the final text of their /add of a new article
    `name` (the edit that says `done_word`)."""
    before = len(env.fake.sent(TG_MODERATOR))
    env.say("/stats", user_id=TG_MODERATOR)
    stats = (await env.replies(TG_MODERATOR, before + 1))[before].params["text"]
    article = ARTICLE.replace(b"Quuxfoo", name.encode())
    env.say(None, user_id=TG_MODERATOR, document=env.fake.add_file(article, name),
            caption="/add")
    [done] = await env.fake.wait_for(
        lambda: [c.params["text"] for c in env.fake.calls_to("editMessageText")
                 if name in c.params["text"] and done_word in c.params["text"]], timeout=20)
    return stats, done


async def test_telegram_french_moderator_gets_stats_and_add_in_french(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        env.fake.language_codes[TG_MODERATOR] = "fr-FR"
        stats, added = await telegram_stats_and_add(env, "zz_quuxfoo.txt", "ajouté")
        progress = [c.params["text"] for c in env.fake.sent(TG_MODERATOR)][-1]
        env.fake.language_codes[TG_MODERATOR] = "en"
        english_stats, english_added = await telegram_stats_and_add(env, "zz_other.txt", "Added")
    assert "<b>Aujourd'hui</b>\u00a0: 0 questions, 0\u202f% sans rien trouvé" in stats
    assert "(génération 1)" in stats and "Today" not in stats
    assert progress == "⏳ Ajout de <code>zz_quuxfoo.txt</code>…"
    assert added.startswith("✅ <code>zz_quuxfoo.txt</code> ajouté. Le corpus compte "
                            "maintenant\u00a0: 7 documents, ")
    assert "\nCité ainsi\u00a0: " in added and "Cited as" not in added
    assert "<b>Today</b>: 0 questions, 0% answered with nothing found" in english_stats
    assert "(generation 2)" in english_stats
    assert english_added.startswith(
        "✅ Added <code>zz_other.txt</code>. Corpus now: 8 documents, ")
    assert "\nCited as: " in english_added


async def test_telegram_french_moderator_reindex_and_alias_replies(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        env.fake.language_codes[TG_MODERATOR] = "fr"
        env.say("/reindex", user_id=TG_MODERATOR)
        [started] = await env.replies(TG_MODERATOR)
        [reindexed] = await env.fake.wait_for(
            lambda: [c.params["text"] for c in env.fake.calls_to("editMessageText")
                     if c.params["text"].startswith("✅")], timeout=20)
        texts_sent = []
        for count, command in enumerate(["/alias Nosrat = JNIM", "/alias"], 2):
            env.say(command, user_id=TG_MODERATOR)
            texts_sent.append((await env.replies(TG_MODERATOR, count))[-1].params["text"])
    assert started.params["text"].startswith("⏳ Réindexation")
    assert reindexed.startswith("✅ Index reconstruit\u00a0: 6 documents, ")
    assert "(génération 2, " in reindexed
    added, listed = texts_sent
    assert added.startswith("✅ <b>Nosrat</b> = <b>JNIM</b>\u00a0: pris en compte dans les "
                            "recherches")
    assert listed.splitlines() == ["🔤 <b>Alias ajoutés avec /alias</b> (1)\u00a0:",
                                   "• Nosrat = JNIM"]


async def test_discord_french_moderator_gets_stats_and_add_in_french(tmp_path: Path) -> None:
    async with discord_bot(tmp_path) as env:
        env.fake.locales[DC_MODERATOR] = "fr"
        [french_stats] = await env.reply(await env.fake.slash("stats", user_id=DC_MODERATOR))
        attachment = env.fake.add_attachment("zz_quuxfoo.txt", ARTICLE)
        added = await env.edited(await env.fake.slash(
            "add", user_id=DC_MODERATOR, attachments={"document": attachment}), "ajouté")
        env.fake.locales[DC_MODERATOR] = "en-US"
        [english_stats] = await env.reply(await env.fake.slash("stats", user_id=DC_MODERATOR))
    [embed] = french_stats.body["data"]["embeds"]
    assert embed["title"] == "📊 Statistiques"
    assert [f["name"] for f in embed["fields"]] == ["Corpus", "Aujourd'hui", "Avis"]
    assert embed["fields"][0]["value"].endswith("(génération 1)")
    assert french_stats.body["data"]["flags"] & EPHEMERAL
    assert added.body["content"].startswith(
        "✅ `zz_quuxfoo.txt` ajouté. Le corpus compte maintenant\u00a0: 7 documents, ")
    assert "Cité ainsi\u00a0: " in added.body["content"]
    [english] = english_stats.body["data"]["embeds"]
    assert english["title"] == "📊 Statistics"
    assert [f["name"] for f in english["fields"]] == ["Corpus", "Today", "Feedback"]
    assert english["fields"][0]["value"].endswith("(generation 2)")


async def test_telegram_command_menus_in_french_for_french_apps(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        await env.fake.wait_for(lambda: len(env.fake.calls_to("setMyCommands")) >= 2)
        menus = {(c.params["scope"]["type"], c.params.get("language_code")):
                 {cmd["command"]: cmd["description"] for cmd in c.params["commands"]}
                 for c in env.fake.calls_to("setMyCommands")}
    assert menus[("default", None)]["ask"] == texts.EN["cmd_ask"]
    assert menus[("default", "fr")]["ask"] == FR["cmd_ask"]
    assert menus[("chat", "fr")]["add"] == FR["cmd_add_telegram"]
    assert set(menus[("chat", "fr")]) == set(menus[("chat", None)])


async def test_discord_slash_commands_carry_french_descriptions(tmp_path: Path) -> None:
    async with discord_bot(tmp_path) as env:
        commands = {c["name"]: c for c in env.fake.commands}
        assert await env.client.sync_commands() is False  # translated and unchanged
    assert commands["ask"]["description"] == texts.EN["cmd_ask"]
    assert commands["ask"]["description_localizations"] == {"fr": FR["cmd_ask"]}
    assert commands["add"]["description_localizations"] == {"fr": FR["cmd_add_discord"]}
    [question] = commands["ask"]["options"]
    assert question["description_localizations"] == {"fr": FR["param_question"]}


def _labels(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
