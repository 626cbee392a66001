"""End-to-end: the real Application polling a fake Bot API server, over the real core."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from telegram.ext import AIORateLimiter, Application

import index.engine
from bot import telegram_app
from bot.config import Config, parse_config
from bot.core import Progress, Service
from bot.moderation import REFUSAL
from bot.render.telegram_html import EXAMPLE_QUESTIONS
from tests.fakes.fake_telegram import FakeTelegram
from tests.leaks import leaked
from tests.telegram_helpers import (
    ADMIN,
    GROUP,
    HOSTILE_DOC,
    MODERATOR,
    MODERATOR_CHAT,
    STRANGER,
    TOKEN,
    TOKEN_SECRET,
    WAGNER_FILE,
    WAGNER_QUESTION,
    BotEnv,
    assert_valid_html,
    build_app,
    long_doc,
    make_config,
    make_corpus,
    running_bot,
)

USER = 5005


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[BotEnv]:
    async with running_bot(tmp_path) as bot_env:
        yield bot_env


def buttons(call: Any) -> list[dict[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def button(call: Any, label_start: str) -> str:
    return next(b["callback_data"] for b in buttons(call) if b["text"].startswith(label_start))


async def audit_rows(env: BotEnv) -> list[tuple[str, str]]:
    """The audit log once every update was handled (the bot audits after replying)."""
    await env.idle()
    return [(command, outcome) for _ts, _user, command, outcome
            in await env.service.usage.audit_rows()]


# --- questions -----------------------------------------------------------------------


async def test_private_question_answered_with_cited_passage(env: BotEnv) -> None:
    env.say(WAGNER_QUESTION, user_id=USER)
    [reply] = await env.replies(USER)
    text = reply.params["text"]
    assert reply.params["parse_mode"] == "HTML"
    assert_valid_html(text)
    assert "<blockquote expandable>" in text
    assert text.startswith("“") and "[1] " in text and "¶" not in text
    assert "<b>Wagner</b>" in text or "<b>Tinzaouatene</b>" in text
    labels = [b["text"] for b in buttons(reply)]
    assert "📄 1" in labels and "👍" in labels and "👎" in labels
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(reply))
    assert WAGNER_QUESTION not in str(reply.params["reply_markup"])


async def test_nothing_found_offers_names_from_the_corpus_that_answer(env: BotEnv) -> None:
    """#12: "nothing found" is two lines and up to three buttons, each asking a name the
    corpus has; pressing one turns the message into that answer."""
    env.say("banana bread recipe", user_id=USER)
    env.say("the", user_id=USER + 1)
    [none] = await env.replies(USER)
    [empty] = await env.replies(USER + 1)
    assert "nothing in the corpus" in none.params["text"]
    assert none.params["text"].count("\n") <= 1
    offered = buttons(none)
    assert 1 <= len(offered) <= 3 and all(b["text"].startswith("🔎 ") for b in offered)
    assert "real question" in empty.params["text"] and "/sources" in empty.params["text"]
    assert not buttons(empty)
    await _press(env, none, offered[0]["text"], USER)
    edit = await env.fake.wait_for(lambda: env.fake.calls_to("editMessageText"))
    assert edit[0].params["message_id"] == none.result["message_id"]
    assert "<blockquote expandable>" in edit[0].params["text"]
    assert_valid_html(edit[0].params["text"])


async def test_group_only_answers_ask_mentions_and_replies(env: BotEnv) -> None:
    bot_name = env.fake.bot_user["username"]
    ignored = [
        env.say("Wagner fought at Tinzaouatene", user_id=USER, chat_id=GROUP),
        env.say("/ask@some_other_bot Wagner Tinzaouatene", user_id=USER, chat_id=GROUP),
    ]
    asked = env.say(f"/ask {WAGNER_QUESTION}", user_id=USER, chat_id=GROUP)
    mentioned = env.say(f"@{bot_name} who did Wagner fight at Tinzaouatene?", user_id=USER,
                        chat_id=GROUP)
    first = await env.reply_to(asked)
    replied = env.say("Coordination of Azawad Movements", user_id=USER + 1, chat_id=GROUP,
                      reply_to=first.result)
    ignored.append(env.say("Coordination of Azawad Movements", user_id=USER + 1,
                           chat_id=GROUP, reply_to=ignored[0]))
    for message in (mentioned, replied):
        reply = await env.reply_to(message)
        assert "<blockquote expandable>" in reply.params["text"]
    await env.idle()
    quoted = {(c.params.get("reply_parameters") or {}).get("message_id")
              for c in env.fake.sent(GROUP)}
    assert len(env.fake.sent(GROUP)) == 3
    assert not quoted & {m["message_id"] for m in ignored}


async def test_html_injection_in_question_and_corpus_stays_valid(tmp_path: Path) -> None:
    async with running_bot(tmp_path, extra={"zz_hostile.txt": HOSTILE_DOC}) as env:
        env.say('<script>alert("Zorglub")</script> & <b>Zorglub militia Quxville',
                user_id=USER)
        [reply] = await env.replies(USER)
        text = reply.params["text"]
        assert_valid_html(text)
        assert "&lt;<b>script</b>&gt;" in text and "[1] " in text
        assert "<script>" not in text and "&amp;" in text
        await _press(env, reply, "📄 1", USER)
        [_, full] = await env.replies(USER, 2)
        assert_valid_html(full.params["text"])
        assert "&lt;blockquote&gt;" in full.params["text"]


async def test_long_answers_stay_within_4096(tmp_path: Path) -> None:
    async with running_bot(tmp_path, extra={"zz_long.txt": long_doc()}) as env:
        env.say("Blorptown", user_id=USER)
        [reply] = await env.replies(USER)
        assert_valid_html(reply.params["text"])
        assert reply.params["text"].count("<blockquote expandable>") == 3
        await _press(env, reply, "📄 1", USER)
        parts = (await env.replies(USER, 3))[1:]
        for part in parts:
            assert_valid_html(part.params["text"])


async def _press(env: BotEnv, reply: Any, label: str, user_id: int) -> str:
    return env.fake.press(reply.result, button(reply, label), user_id=user_id)


async def test_more_full_text_and_feedback_buttons(tmp_path: Path) -> None:
    async with running_bot(tmp_path, search={"top_k": 1}) as env:
        env.say("Coordination of Azawad Movements", user_id=USER)
        [reply] = await env.replies(USER)
        assert "Passages 1–1 of " in reply.params["text"]
        message_id = reply.result["message_id"]

        await _press(env, reply, "More", USER)
        edit = await env.fake.wait_for(lambda: env.fake.calls_to("editMessageText"))
        assert edit[0].params["message_id"] == message_id
        assert "Passages 2–2 of " in edit[0].params["text"]
        assert_valid_html(edit[0].params["text"])

        await _press(env, reply, "📄 1", USER)
        [_, full] = await env.replies(USER, 2)
        assert "Coordination of Azawad Movements" in full.params["text"]
        assert_valid_html(full.params["text"])

        query_id = await _press(env, reply, "👍", USER)
        thanks = await env.fake.wait_for(lambda: [
            c for c in env.fake.calls_to("answerCallbackQuery")
            if c.params["callback_query_id"] == query_id])
        assert "Thanks" in thanks[0].params.get("text", "")
        stats = await env.service.stats()
        assert (stats.feedback_up, stats.feedback_down) == (1, 0)


async def test_inline_query_returns_articles(env: BotEnv) -> None:
    env.fake.inline(WAGNER_QUESTION, user_id=USER)
    env.fake.inline("   ", user_id=USER)
    calls = await env.fake.wait_for(lambda: len(env.fake.calls_to("answerInlineQuery")) == 2
                                    and env.fake.calls_to("answerInlineQuery"))
    [hint] = [c for c in calls if [r["id"] for r in c.params["results"]] == ["hint"]]
    assert "button" in hint.params  # an empty query gets a hint (#12), not an empty list
    [results] = [c.params["results"] for c in calls if c is not hint]
    for result in results:
        assert result["type"] == "article" and result["title"] and result["description"]
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        assert_valid_html(content["message_text"])
        assert "<blockquote>" in content["message_text"]


async def test_start_help_sources_and_command_menus(env: BotEnv) -> None:
    for text in ("/start", "/help", "/sources"):
        env.say(text, user_id=USER)
    sent = await env.replies(USER, 3)
    texts = [c.params["text"] for c in sent]
    assert any(EXAMPLE_QUESTIONS[0] == b["text"] for c in sent for b in buttons(c))
    assert any(WAGNER_FILE in t for t in texts)
    scopes = {(c.params["scope"]["type"], c.params["scope"].get("chat_id")):
              [cmd["command"] for cmd in c.params["commands"]]
              for c in env.fake.calls_to("setMyCommands")}
    assert "reindex" not in scopes[("default", None)] and "ask" in scopes[("default", None)]
    assert {"reindex", "add", "remove", "stats", "ask"} <= set(scopes[("chat", MODERATOR)])
    assert "reindex" in scopes[("chat_administrators", MODERATOR_CHAT)]


async def test_flood_control_replies_politely_once(env: BotEnv) -> None:
    for _ in range(8):
        env.say(WAGNER_QUESTION, user_id=USER)
    await env.replies(USER, 6)
    await env.idle()
    texts = [c.params["text"] for c in env.fake.sent(USER)]
    assert len(texts) == 6
    assert sum("faster than" in t for t in texts) == 1


# --- moderators ----------------------------------------------------------------------


async def test_reindex_by_moderator_while_questions_continue(env: BotEnv,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             ) -> None:
    started, release = threading.Event(), threading.Event()
    original = env.service.reindex

    async def gated(progress: Progress | None = None) -> Any:
        def slow_progress(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            started.set()
            release.wait(10)
        return await original(slow_progress)

    monkeypatch.setattr(env.service, "reindex", gated)
    env.say("/reindex", user_id=MODERATOR)
    await env.fake.wait_for(started.is_set, what="reindex to start")
    progress = await env.fake.wait_for(lambda: env.fake.calls_to("editMessageText"))
    assert "Reindexing" in progress[0].params["text"] and "/" in progress[0].params["text"]

    env.say(WAGNER_QUESTION, user_id=USER)
    [answer] = await env.replies(USER)
    assert "<blockquote expandable>" in answer.params["text"]
    env.say("/reindex", user_id=MODERATOR)
    busy = await env.replies(MODERATOR, 2)
    assert "already running" in busy[1].params["text"]
    env.say("/reindex", user_id=STRANGER)
    [refused] = await env.replies(STRANGER)
    assert refused.params["text"] == REFUSAL

    release.set()
    done = await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                            if "Reindexed" in c.params["text"]], timeout=20)
    assert done[0].params["message_id"] == progress[0].params["message_id"]
    rows = await audit_rows(env)
    assert ("reindex", "refused") in rows and ("reindex", "busy") in rows
    assert ("reindex", "ok") in rows


async def test_stranger_refused_and_chat_admin_allowed(env: BotEnv) -> None:
    env.fake.set_member(MODERATOR_CHAT, ADMIN, "administrator")
    for command in ("/stats", "/remove 000_3c97b537fcf85c00.txt", "/add"):
        env.say(command, user_id=STRANGER)
    env.say("/stats", user_id=ADMIN)
    refusals = await env.replies(STRANGER, 3)
    assert {c.params["text"] for c in refusals} == {REFUSAL}
    [stats] = await env.replies(ADMIN)
    assert "documents" in stats.params["text"] and "passages" in stats.params["text"]
    rows = await audit_rows(env)
    assert sorted(r for r in rows if r[1] == "refused") == [
        ("add", "refused"), ("remove", "refused"), ("stats", "refused")]
    assert ("stats", "ok") in rows
    assert all(str(STRANGER) not in user for _ts, user, _c, _o
               in await env.service.usage.audit_rows())


async def test_add_document_through_getfile(env: BotEnv) -> None:
    content = b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"
    other = env.fake.add_file(content, "zz_other.txt")
    env.say(None, user_id=MODERATOR, document=other, caption="/add@some_other_bot")
    document = env.fake.add_file(content, "zz_quuxfoo.txt")
    env.say(None, user_id=MODERATOR, document=document, caption="/add")
    replies = await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                               if "Added" in c.params["text"]], timeout=20)
    assert "zz_quuxfoo.txt" in replies[0].params["text"]
    assert env.fake.calls_to("getFile") and env.fake.calls_to("download")
    assert (env.corpus / "zz_quuxfoo.txt").read_bytes() == content
    env.say("Quuxfoo accord Gao", user_id=USER)
    [answer] = await env.replies(USER)
    assert "[1] <i>Quuxfoo Accord</i>" in answer.params["text"]
    assert ("add zz_quuxfoo.txt", "ok") in await audit_rows(env)
    await env.idle()
    assert len(env.fake.calls_to("getFile")) == 1  # "/add@some_other_bot" was not for us
    assert not (env.corpus / "zz_other.txt").exists()


async def test_add_rejects_hostile_name_and_oversized_file(tmp_path: Path) -> None:
    async with running_bot(tmp_path, corpus={"max_file_bytes": 5000}) as env:
        hostile = env.fake.add_file(b"Quuxfoo text about Gao.\n", "../../<b>evil</b>.txt")
        env.say(None, user_id=MODERATOR, document=hostile, caption="/add")
        rejected = await env.fake.wait_for(lambda: [
            c for c in env.fake.calls_to("editMessageText") if "❌" in c.params["text"]])
        assert_valid_html(rejected[0].params["text"])
        assert "<b>evil" not in rejected[0].params["text"]

        big = env.fake.add_file(b"x" * 6000, "zz_big.txt")
        downloads = len(env.fake.calls_to("download"))
        env.say(None, user_id=MODERATOR, document=big, caption="/add")
        too_large = await env.fake.wait_for(lambda: [
            c for c in env.fake.sent(MODERATOR) if "too large" in c.params["text"]])
        assert "6,000" in too_large[0].params["text"]
        assert len(env.fake.calls_to("download")) == downloads

        liar = env.fake.add_file(b"y " * 4000, "zz_liar.txt", declared_size=100)
        env.say(None, user_id=MODERATOR, document=liar, caption="/add")
        await env.fake.wait_for(lambda: len([c for c in env.fake.sent(MODERATOR)
                                             if "too large" in c.params["text"]]) == 2)
        assert len(env.fake.calls_to("download")) == downloads

        name_only = env.fake.add_file(b"Quuxfoo text about Gao.\n", "<b>evil</b>.exe")
        env.say(None, user_id=MODERATOR, document=name_only, caption="/add")
        await env.fake.wait_for(lambda: len([c for c in env.fake.calls_to("editMessageText")
                                             if "❌" in c.params["text"]]) == 2)
        assert sorted(p.name for p in env.corpus.iterdir()) == sorted(
            p.name for p in (Path(__file__).parent.parent / "seeds").glob("*.txt"))
        await env.fake.wait_for(lambda: len(audit_now(env)) >= 4, 10, "4 audit rows")
        outcomes = [outcome for command, outcome in await audit_rows(env)]
        assert outcomes.count("rejected") == 2 and outcomes.count("too_large") == 2


async def test_remove_document(env: BotEnv) -> None:
    env.say("/remove 000_3c97b537fcf85c00.txt", user_id=MODERATOR)
    done = await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                            if "Removed" in c.params["text"]], timeout=20)
    assert "000_3c97b537fcf85c00.txt" in done[0].params["text"]
    assert not (env.corpus / "000_3c97b537fcf85c00.txt").exists()
    env.say("/remove nope.txt", user_id=MODERATOR)
    await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                     if "not in the corpus" in c.params["text"]])


GROUP_ANONYMOUS_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                       "username": "GroupAnonymousBot"}


def anonymous_admin_says(env: BotEnv, text: str) -> None:
    """A group admin with "Remain anonymous" on: Telegram sends the message as the group."""
    command = text.split()[0]
    group = env.fake.chat(MODERATOR_CHAT)
    env.fake.inject({"message": {
        "message_id": 7001, "date": 1_700_000_000, "chat": group, "sender_chat": group,
        "from": GROUP_ANONYMOUS_BOT, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}})


async def test_anonymous_group_admin_gets_a_hint(env: BotEnv) -> None:
    anonymous_admin_says(env, "/remove 000_3c97b537fcf85c00.txt")
    [hint] = await env.replies(MODERATOR_CHAT)
    assert "Remain anonymous" in hint.params["text"] and "private chat" in hint.params["text"]
    assert_valid_html(hint.params["text"])
    assert (env.corpus / "000_3c97b537fcf85c00.txt").exists()
    assert await audit_rows(env) == [("remove", "refused")]
    assert not env.fake.calls_to("getChatMember")  # the placeholder user is never looked up


ODD_NAME = "Rapport (Gao) – été 2024.txt"  # listed by /sources, refused by the add pattern
ODD_TEXT = "Rapport de Gao\n\nLe rapport de Gao décrit les combats de l'été.\n"


async def test_remove_accepts_every_listed_name_and_refuses_paths(tmp_path: Path) -> None:
    async with running_bot(tmp_path, extra={ODD_NAME: ODD_TEXT}) as env:
        env.say("/sources", user_id=USER)
        assert any("Rapport (Gao)" in c.params["text"] for c in await env.replies(USER))
        for hostile in ("../corpus/000_3c97b537fcf85c00.txt", "..", ".x.txt"):
            env.say(f"/remove {hostile}", user_id=MODERATOR)
        await env.fake.wait_for(lambda: len([c for c in env.fake.calls_to("editMessageText")
                                             if "❌" in c.params["text"]]) == 3)
        env.say(f"/remove {ODD_NAME}", user_id=MODERATOR)
        await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                         if "Removed" in c.params["text"]], timeout=20)
        assert not (env.corpus / ODD_NAME).exists()
        assert (env.corpus / "000_3c97b537fcf85c00.txt").exists()
        await env.fake.wait_for(lambda: len(audit_now(env)) >= 4, 10, "4 audit rows")
        assert [o for _c, o in await audit_rows(env)] == ["rejected"] * 3 + ["ok"]


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving index arrays fails half-way with ENOSPC, as on a full disk."""
    def full(path: Path, array: np.ndarray[Any, Any], dtype: str) -> None:
        path.write_bytes(b"\x93NUMPY")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    monkeypatch.setattr(index.engine, "_save_array", full)


async def disk_full_audit(**_row: Any) -> None:
    raise sqlite3.OperationalError("database or disk is full")


async def failure_shown(env: BotEnv, number: int) -> str:
    """The current text of the `number`-th message to the moderator, once it shows "❌"."""
    def final() -> str:
        sent = env.fake.sent(MODERATOR)
        if len(sent) < number:
            return ""
        text = str(env.fake.bot_message(MODERATOR, sent[number - 1].result["message_id"])
                   ["text"])
        return text if "❌" in text else ""
    return str(await env.fake.wait_for(final, 20, "the failure to be shown"))


async def test_full_disk_fails_reindex_and_add_plainly(env: BotEnv,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    generation = env.service.generation
    fill_the_disk(monkeypatch)
    env.say("/reindex", user_id=MODERATOR)
    texts = [await failure_shown(env, 1)]
    document = env.fake.add_file(b"Quuxfoo accord signed in Gao.\n", "zz_new.txt")
    env.say(None, user_id=MODERATOR, document=document, caption="/add")
    texts.append(await failure_shown(env, 2))
    while len(await audit_rows(env)) < 2:  # the bot audits after editing the message
        await asyncio.sleep(0.01)
    monkeypatch.setattr(env.service.usage, "log_audit", disk_full_audit)  # the database too
    env.say("/reindex", user_id=MODERATOR)
    texts.append(await failure_shown(env, 3))
    for text in texts:
        assert "the disk is full" in text and "previous index keeps answering" in text
    env.say(WAGNER_QUESTION, user_id=USER)
    [answer] = await env.replies(USER)
    assert "<blockquote expandable>" in answer.params["text"]  # the previous generation answers
    await env.idle()
    assert len(env.fake.sent(MODERATOR)) == 3  # no generic apology on top of the plain one
    assert env.service.generation == generation and not (env.corpus / "zz_new.txt").exists()
    assert await audit_rows(env) == [("reindex", "failed: the disk is full"),
                                     ("add zz_new.txt", "failed: the disk is full")]


# --- transport -------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB-internal
async def test_429_retry_after_is_honoured(env: BotEnv) -> None:
    env.fake.fail("sendMessage", retry_after=1)
    env.say(WAGNER_QUESTION, user_id=USER)
    [reply] = await env.replies(USER, timeout=15)
    attempts = [c for c in env.fake.calls_to("sendMessage") if c.params["chat_id"] == USER]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert "<blockquote expandable>" in reply.params["text"]


async def test_burst_of_500_users_answered_exactly_once(tmp_path: Path) -> None:
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    async with running_bot(tmp_path, rate_limiter=limiter) as env:
        users = range(100_000, 100_500)
        for user_id in users:
            env.say(WAGNER_QUESTION if user_id % 2 else "banana bread", user_id=user_id)
        await env.fake.wait_for(lambda: len(env.fake.sent()) >= 500, timeout=40,
                                what="500 replies")
        await env.idle()
        counts: dict[int, int] = {}
        for call in env.fake.sent():
            counts[call.params["chat_id"]] = counts.get(call.params["chat_id"], 0) + 1
        assert counts == dict.fromkeys(users, 1)


async def test_token_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(tmp_path) as env:
        logging.getLogger("httpx").setLevel(logging.DEBUG)  # even if someone turns it on
        env.fake.fail("sendMessage", error_code=400, retry_after=None,
                      description=f"Bad Request: echo {TOKEN}")
        env.say(WAGNER_QUESTION, user_id=USER)
        [sorry] = await env.replies(USER)
        assert "something went wrong" in sorry.params["text"]
        env.say("/reindex", user_id=MODERATOR)
        await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                         if "Reindexed" in c.params["text"]], timeout=20)
        logging.getLogger("test").info("url was %s/bot%s/getMe", "http://x", TOKEN)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    assert "Error while handling an update" in caplog.text
    assert "HTTP Request" in caplog.text  # httpx did log URLs, redacted
    for record in caplog.records:
        assert not leaked(record.getMessage(), TOKEN_SECRET)
    assert not leaked(caplog.text, TOKEN_SECRET)


def test_run_without_token_fails_clearly(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert telegram_app.run(Config()) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and err.count("\n") == 1


def test_run_with_rejected_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeTelegram(TOKEN)
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(5)
    try:
        make_corpus(tmp_path)
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999:WRONG-secret-token-value")
        assert telegram_app.run(make_config(tmp_path, fake)) == 2
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
    err = capsys.readouterr().err
    assert "rejected" in err and not leaked(err, "WRONG-secret")


def test_run_picks_polling_or_webhook(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, dict[str, Any]] = {}
    monkeypatch.setattr(Application, "run_polling",
                        lambda self, **kwargs: calls.setdefault("polling", kwargs))
    monkeypatch.setattr(Application, "run_webhook",
                        lambda self, **kwargs: calls.setdefault("webhook", kwargs))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-value")
    assert telegram_app.run(Config()) == 0
    assert "webhook" not in calls and "message" in calls["polling"]["allowed_updates"]
    hooked = parse_config({"telegram": {"webhook_url": "https://bot.example.org/tg/hook",
                                        "webhook_port": 8444}})
    assert telegram_app.run(hooked) == 0
    webhook = calls["webhook"]
    assert (webhook["listen"], webhook["port"], webhook["url_path"]) == ("127.0.0.1", 8444,
                                                                          "tg/hook")
    assert webhook["webhook_url"] == "https://bot.example.org/tg/hook"
    assert webhook["secret_token"] == "s3cret-value"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("operator_secret", ["", "operator-chosen_Secret-123"])
async def test_webhook_refuses_forged_updates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              operator_secret: str) -> None:
    """Webhook mode always checks a secret (the operator's, or one made at start and given
    to setWebhook): a forged /remove "from" a moderator, without or with a wrong secret, is
    refused and removes nothing; a real update (right secret) is answered."""
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", operator_secret)
    fake = FakeTelegram(TOKEN)
    await fake.start()
    corpus = make_corpus(tmp_path)
    port = _free_port()
    config = make_config(tmp_path, fake, telegram={
        "webhook_url": f"http://127.0.0.1:{port}/tg-hook", "webhook_port": port})
    service = await Service.open(config)
    app = build_app(config, service)
    try:
        await app.initialize()
        assert app.post_init is not None and app.updater is not None
        await app.post_init(app)
        await app.updater.start_webhook(**telegram_app.webhook_settings(config))
        await app.start()
        secret = fake.webhook.get("secret_token") or ""
        fake.message(f"/remove {WAGNER_FILE}", user_id=MODERATOR, queued=False)
        forged = fake.injected[-1]
        statuses = [await fake.post_webhook(forged, secret=None),
                    await fake.post_webhook(forged, secret="guessed-" + secret[:8])]
        fake.message(WAGNER_QUESTION, user_id=USER, queued=False)
        assert await fake.post_webhook(fake.injected[-1]) == 200
        await BotEnv(fake, app, service, config, corpus).replies(USER)
        await asyncio.sleep(0.3)  # a forged /remove, had it passed, would be running by now
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await service.close()
        await fake.stop()
    assert statuses == [403, 403]
    assert (corpus / WAGNER_FILE).exists()
    assert not fake.sent(MODERATOR) and not fake.calls_to("editMessageText")
    assert secret == operator_secret if operator_secret else len(secret) >= 32


# --- abuse of buttons (#9) -----------------------------------------------------------


async def callback_answer(env: BotEnv, query_id: str) -> dict[str, Any]:
    """The answerCallbackQuery for a press (Telegram keeps a spinner until it comes)."""
    calls = await env.fake.wait_for(lambda: [
        c for c in env.fake.calls_to("answerCallbackQuery")
        if c.params["callback_query_id"] == query_id], what=f"an answer to {query_id}")
    return dict(calls[0].params)


async def test_votes_count_once_and_forged_votes_change_nothing(tmp_path: Path) -> None:
    """One 👍/👎 per user per answer (#12: one pair for the whole answer); a vote under an
    unknown key, or a passage vote for a passage the answer did not show, is refused and
    records nothing."""
    async with running_bot(tmp_path, search={"top_k": 2}, flood={"buttons": 100}) as env:
        env.say(WAGNER_QUESTION, user_id=USER)
        [reply] = await env.replies(USER)
        up = button(reply, "👍")
        key = up.split("|")[2]
        assert up == f"v1|a|{key}|+" and button(reply, "👎") == f"v1|a|{key}|-"
        shown = button(reply, "📄 1").split("|")[2]
        other = next(c.chunk_id for c in env.service._snapshot.chunks
                     if c.chunk_id not in reply.params["reply_markup"].__repr__())
        answers = []
        for _ in range(20):
            answers.append(await callback_answer(env, env.fake.press(reply.result, up,
                                                                     user_id=USER)))
        forged = [f"v1|v|{key}|{other}|+", f"v1|v|{key}|{shown}x|+", f"v1|v|nosuchkey|{shown}|+",
                  "v1|a|nosuchkey|+", f"v1|a|{key}|0"]
        refused = [await callback_answer(env, env.fake.press(reply.result, data, user_id=USER))
                   for data in forged]
        stats = await env.service.stats()
        rows = await env.service.usage.feedback_rows()
    assert all("Thanks" in a.get("text", "") for a in answers)
    assert (stats.feedback_up, stats.feedback_down) == (1, 0)
    assert [(chunk_id, value) for chunk_id, value in rows] == [("", 1)]  # the whole answer
    assert all(r.get("text") and "Thanks" not in r["text"] for r in refused)


async def test_forged_more_pages_and_garbage_buttons_change_nothing(tmp_path: Path) -> None:
    """A "More" beyond the answer's results, negative or not a number, and button data the
    bot never made: each press gets a polite answer, and no message is edited."""
    async with running_bot(tmp_path, search={"top_k": 1}) as env:
        env.say("Coordination of Azawad Movements", user_id=USER)
        [reply] = await env.replies(USER)
        key = button(reply, "More").split("|")[2]
        forged = [f"v1|m|{key}|999", f"v1|m|{key}|-1", f"v1|m|{key}|abc", f"v1|m|{key}|1|x",
                  "garbage", "v1|f|", "v1|v|x", "v1|m|", "v1|s|-3", "v1|s|999", f"m|{key}|1",
                  f"v2|m|{key}|1"]
        answers = [await callback_answer(env, env.fake.press(reply.result, data, user_id=USER))
                   for data in forged]
        await env.idle()
    assert all(a.get("text") for a in answers), answers
    assert any("expired" in a["text"] for a in answers)
    assert not env.fake.calls_to("editMessageText")
    assert len(env.fake.sent(USER)) == 1


async def test_button_flood_in_a_group_does_not_delay_other_members(tmp_path: Path) -> None:
    """40 Full-text presses by one member: at most the button budget is sent, the presser is
    told once, and another member's question is answered promptly."""
    async with running_bot(tmp_path) as env:
        asked = env.say(f"/ask {WAGNER_QUESTION}", user_id=USER, chat_id=GROUP)
        answer = await env.reply_to(asked)
        full = button(answer, "📄 1")
        presses = [env.fake.press(answer.result, full, user_id=USER) for _ in range(40)]
        await env.fake.wait_for(lambda: len(env.fake.calls_to("answerCallbackQuery")) >= 40,
                                what="40 press answers")
        started = asyncio.get_running_loop().time()
        other = env.say(f"/ask {WAGNER_QUESTION}", user_id=STRANGER, chat_id=GROUP)
        await env.reply_to(other, timeout=30)
        waited = asyncio.get_running_loop().time() - started
        await env.idle()
        answers = [await callback_answer(env, p) for p in presses]
    budget = env.config.flood.buttons
    assert waited < 3.0, waited
    assert len(env.fake.sent(GROUP)) <= 2 + budget
    assert sum("faster" in (a.get("text") or "") for a in answers) == 1


async def test_sources_of_4000_documents_is_one_message_with_pages(tmp_path: Path) -> None:
    """/sources over 4,000 documents sends one message; its page buttons edit it in place."""
    extra = {f"doc{n:04d}.txt": f"Report {n} on Blorptown\n\nBlorptown item {n} was seen."
             for n in range(4000)}
    async with running_bot(tmp_path, extra=extra) as env:
        env.say("/sources", user_id=USER)
        [listing] = await env.replies(USER)
        await env.idle()
        assert len(env.fake.sent(USER)) == 1
        assert int(listing.params["text"].split(" documents")[0].split()[-1]) > 4000
        assert_valid_html(listing.params["text"])
        env.fake.press(listing.result, button(listing, "More"), user_id=USER)
        [edit] = await env.fake.wait_for(lambda: env.fake.calls_to("editMessageText"))
    assert edit.params["text"] != listing.params["text"] and "doc" in edit.params["text"]
    assert "Page 2 of" in edit.params["text"]
    assert len(env.fake.sent(USER)) == 1


# --- the same moderator semantics as Discord (#11) ---------------------------------------


async def test_failed_add_download_is_reported_and_audited(env: BotEnv) -> None:
    document = env.fake.add_file(b"Quuxfoo text about Gao.\n", "zz_gone.txt")
    env.fake.expired_files.add(document["file_id"])
    env.say(None, user_id=MODERATOR, document=document, caption="/add")
    await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                     if "could not be downloaded" in c.params["text"]])
    await env.fake.wait_for(lambda: audit_now(env), 10, "the audit row")  # shown, then audited
    assert await audit_rows(env) == [("add zz_gone.txt", "download_failed")]
    assert not (env.corpus / "zz_gone.txt").exists()


async def test_progress_shows_the_outcome_before_the_audit_row(env: BotEnv) -> None:
    env.say("/reindex", user_id=MODERATOR)
    await env.fake.wait_for(lambda: len(audit_now(env)) == 1, 20)
    assert [c for c in env.fake.calls_to("editMessageText") if "Reindexed" in c.params["text"]]
    assert audit_now(env) == [("reindex", "ok")]


def audit_now(env: BotEnv) -> list[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(env.config.db_path)) as db:
        return list(db.execute("SELECT command, outcome FROM audit ORDER BY id"))


async def test_rewrite_line_and_unknown_name_reach_the_chat(env: BotEnv) -> None:
    env.say("Who did Wagner fight at Tinzawatene?", user_id=USER)
    env.say("Wagner in Sudan", user_id=USER + 1)
    [changed] = await env.replies(USER)
    [vetoed] = await env.replies(USER + 1)
    text = changed.params["text"]
    assert_valid_html(text)
    assert "Showing results for <i>Tinzaouaten" in text and "(you wrote <i>Tinzawatene</i>)" in text
    assert text.index("Showing results") < text.index("<blockquote expandable>")
    assert vetoed.params["text"].startswith("Nothing in the corpus mentions <i>Sudan</i>.")
    assert_valid_html(vetoed.params["text"])
