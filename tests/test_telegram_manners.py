"""End-to-end group manners (#12): the real Application against the fake Bot API server."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.chat import is_chatter
from tests.fakes.fake_telegram import Call
from tests.telegram_helpers import GROUP, STRANGER, WAGNER_QUESTION, BotEnv, running_bot

ASKER, READER = 5005, 6006


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[BotEnv]:
    async with running_bot(tmp_path, search={"top_k": 1}) as bot_env:
        yield bot_env


def button(call: Call, label_start: str) -> str:
    markup = call.params.get("reply_markup") or {}
    return next(b["callback_data"] for row in markup["inline_keyboard"] for b in row
                if b["text"].startswith(label_start))


async def callback_answer(env: BotEnv, query_id: str) -> dict[str, Any]:
    [call] = await env.fake.wait_for(lambda: [
        c for c in env.fake.calls_to("answerCallbackQuery")
        if c.params["callback_query_id"] == query_id])
    return call.params


async def group_answer(env: BotEnv) -> Call:
    return await env.reply_to(env.say(f"/ask {WAGNER_QUESTION}", user_id=ASKER, chat_id=GROUP))


async def test_full_text_goes_privately_to_whoever_pressed_it(env: BotEnv) -> None:
    answer = await group_answer(env)
    query = env.fake.press(answer.result, button(answer, "📄 1"), user_id=READER)
    [full] = await env.replies(READER)
    assert "Tinzaouatene" in full.params["text"]
    assert "private" in (await callback_answer(env, query)).get("text", "")
    await env.idle()
    assert env.fake.sent(GROUP) == [answer]


async def test_full_text_for_a_stranger_opens_the_private_chat_and_arrives_on_start(
        env: BotEnv) -> None:
    env.fake.strangers.add(READER)
    answer = await group_answer(env)
    query = env.fake.press(answer.result, button(answer, "📄 1"), user_id=READER)
    url = (await callback_answer(env, query))["url"]
    username = env.fake.bot_user["username"]
    assert url.startswith(f"https://t.me/{username}?start=")
    await env.idle()
    assert env.fake.sent(GROUP) == [answer]
    env.say(f"/start {url.partition('?start=')[2]}", user_id=READER)
    [full] = await env.replies(READER)
    assert "Tinzaouatene" in full.params["text"]


async def test_only_the_asker_pages_an_answer(env: BotEnv) -> None:
    answer = await group_answer(env)
    more = button(answer, "More")
    notice = await callback_answer(env, env.fake.press(answer.result, more, user_id=READER))
    assert "asked" in notice.get("text", "")
    await env.idle()
    assert not env.fake.calls_to("editMessageText")
    env.fake.press(answer.result, more, user_id=ASKER)
    [edit] = await env.fake.wait_for(lambda: env.fake.calls_to("editMessageText"))
    assert edit.params["message_id"] == answer.result["message_id"]


async def test_only_the_asker_turns_nothing_found_into_a_suggested_answer(env: BotEnv) -> None:
    """#12: a 🔎 suggestion edits the asker's message in place, so it pages like More."""
    none = await env.reply_to(env.say("/ask banana bread recipe", user_id=ASKER, chat_id=GROUP))
    suggestion = button(none, "🔎")
    notice = await callback_answer(env, env.fake.press(none.result, suggestion, user_id=READER))
    assert "asked" in notice.get("text", "")
    await env.idle()
    assert not env.fake.calls_to("editMessageText")
    env.fake.press(none.result, suggestion, user_id=ASKER)
    [edit] = await env.fake.wait_for(lambda: env.fake.calls_to("editMessageText"))
    assert edit.params["message_id"] == none.result["message_id"]


@pytest.mark.parametrize("chatter", ["thanks, that's useful 🙏", "👍", "ok", "merci", "lol"])
async def test_a_reply_to_the_bot_that_is_not_a_question_gets_no_answer(
        env: BotEnv, chatter: str) -> None:
    answer = await group_answer(env)
    env.say(chatter, user_id=READER, chat_id=GROUP, reply_to=answer.result)
    question = env.say("Coordination of Azawad Movements", user_id=READER, chat_id=GROUP,
                       reply_to=answer.result)
    await env.reply_to(question)
    await env.idle()
    assert len(env.fake.sent(GROUP)) == 2


async def test_refusals_to_a_stranger_count_against_the_flood_limit(env: BotEnv) -> None:
    for _ in range(9):
        env.say("/reindex", user_id=STRANGER)
    await env.idle()
    sent = [c.params["text"] for c in env.fake.sent(STRANGER)]
    assert len(sent) == 6  # five refusals (flood.questions), then one notice
    assert "faster" in sent[-1]


@pytest.mark.parametrize(("text", "chatter"), [
    ("thanks, that's useful 🙏", True), ("👍👍", True), ("merci beaucoup !", True),
    ("ok so who attacked Bamako", False), ("Kidal", False), ("thanks, and Menaka?", False),
])
def test_acknowledgements_are_told_from_questions(text: str, chatter: bool) -> None:
    assert is_chatter(text) is chatter


async def inline_results(env: BotEnv, query: str) -> list[dict[str, Any]]:
    query_id = env.fake.inline(query, user_id=READER)
    [call] = await env.fake.wait_for(lambda: [
        c for c in env.fake.calls_to("answerInlineQuery")
        if c.params["inline_query_id"] == query_id])
    return list(call.params["results"])


def plain(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


async def test_inline_preview_is_the_matching_sentence_and_its_source(env: BotEnv) -> None:
    results = await inline_results(env, WAGNER_QUESTION)
    assert results
    call = env.fake.calls_to("answerInlineQuery")[-1]
    assert call.params["is_personal"] is True  # worded in the user's language: not shared
    for result in results:
        quoted, _, source = result["description"].partition("” — ")
        sentence = quoted.removeprefix("“").removesuffix("…")
        assert quoted.startswith("“") and source
        assert {"Wagner", "Tinzaouatene", "fight"} & set(re.findall(r"\w+", sentence))
        assert re.fullmatch(r"[A-Z].*[.!?…”\"]", quoted.removeprefix("“"))  # a whole sentence
        sent = plain(result["input_message_content"]["message_text"])
        # the message's source line cuts a long headline (SOURCE_TITLE_CHARS): its start
        assert sentence in " ".join(sent.split()) and source[:40] in sent
        assert re.search(r"^\[1\] .+", sent, re.MULTILINE) and ".txt" not in sent


async def test_inline_empty_query_shows_a_hint_result(env: BotEnv) -> None:
    [hint] = await inline_results(env, "  ")
    assert hint["title"] == texts.text("inline_hint")
    assert "Wagner" in hint["input_message_content"]["message_text"]  # an example question


async def test_inline_unanswerable_query_says_so_in_one_harmless_result(env: BotEnv) -> None:
    [nothing] = await inline_results(env, '<a href="https://evil.example">banana</a> bread')
    assert nothing["title"].startswith("Nothing in the corpus on")
    sent = nothing["input_message_content"]["message_text"]
    assert "<a" not in sent and "&lt;a" in sent
    assert not nothing.get("reply_markup") and "url" not in nothing


FOREIGN_GROUP = -1_005_555_555  # a group the bot is not a member of


async def guest_answer(env: BotEnv, text: str) -> dict[str, Any]:
    message = env.fake.guest(text, user_id=READER, chat_id=FOREIGN_GROUP)
    [call] = await env.fake.wait_for(lambda: [
        c for c in env.fake.calls_to("answerGuestQuery")
        if c.params["guest_query_id"] == message["guest_query_id"]])
    return dict(call.params["result"])


async def test_guest_mention_gets_the_lead_quote_with_a_link_to_the_full_answer(
        env: BotEnv) -> None:
    username = env.fake.bot_user["username"]
    result = await guest_answer(env, f"@{username} {WAGNER_QUESTION}")
    text = result["input_message_content"]["message_text"]
    quote = re.search(r"“(.+?)”", plain(text))
    assert quote and {"Wagner", "Tinzaouatene"} & set(re.findall(r"\w+", quote.group(1)))
    source = re.search(r"^\[\d+\] (.+)$", plain(text), re.MULTILINE)  # its citation (#12):
    assert source and "Mali breaks off diplomatic relations" in source.group(1)  # headline
    assert "5 Aug 2024" in source.group(1) and ".txt" not in text  # date, no file name
    link = re.search(rf'href="(https://t\.me/{username}\?start=([\w-]+))"', text)
    assert link is not None
    await env.idle()
    assert not env.fake.sent(FOREIGN_GROUP)  # nothing but the guest answer reaches that chat
    env.say(f"/start {link.group(2)}", user_id=READER)
    [full] = await env.replies(READER)
    assert "<blockquote" in full.params["text"] and "Tinzaouatene" in full.params["text"]


async def test_guest_mention_without_an_answer_says_so(env: BotEnv) -> None:
    result = await guest_answer(env, f"@{env.fake.bot_user['username']} banana bread")
    assert "nothing in the corpus on “banana bread”" in (
        result["input_message_content"]["message_text"])


async def test_inline_flood_gets_one_notice_per_window(env: BotEnv) -> None:
    limit = env.config.flood.questions * 4  # inline queries are typed live: a wider limit
    ids = [env.fake.inline(" ", user_id=READER) for _ in range(limit + 3)]
    calls = await env.fake.wait_for(lambda: len(
        answered := env.fake.calls_to("answerInlineQuery")) == len(ids) and answered)
    hints = [c for c in calls if c.params["results"]]
    notices = [c for c in calls if not c.params["results"] and "button" in c.params]
    assert len(hints) == limit and len(notices) == 1
    assert "faster" in notices[0].params["button"]["text"]


async def test_deep_link_parameters_typed_in_a_group_send_nothing_there(env: BotEnv) -> None:
    answer = await group_answer(env)
    chunk = button(answer, "📄 1").rsplit("|", 1)[1]
    typed = env.say(f"/start full-{chunk}", user_id=READER, chat_id=GROUP)
    welcome = await env.reply_to(typed)  # the plain welcome
    await env.idle()
    assert env.fake.sent(GROUP) == [answer, welcome] and not env.fake.sent(READER)
