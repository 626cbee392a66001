"""/cite end to end (#12): a moderator sets or shows how a document is cited, on Telegram
and Discord, with the same audit rows; strangers are refused; bad values change nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.moderation import REFUSAL
from tests.telegram_helpers import MODERATOR as TG_MODERATOR
from tests.telegram_helpers import STRANGER as TG_STRANGER
from tests.telegram_helpers import running_bot as telegram_bot
from tests.test_discord import MODERATOR as DC_MODERATOR
from tests.test_discord import STRANGER as DC_STRANGER
from tests.test_discord import running_bot as discord_bot

FILE = "004_0bd10977ca86cbfa.txt"
CITED = "Cited as: Al Jazeera · 5 Aug 2024 · Mali breaks off diplomatic relations with Ukraine"
SET = 'outlet="Al Jazeera" date=2024-08-05 url=https://www.aljazeera.com/news/x'
EXPECTED_AUDIT = [("cite", "refused"), (f"cite {FILE} outlet date url", "ok"),
                  (f"cite {FILE}", "shown"), (f"cite {FILE} colour", "rejected")]


def _audit(db_path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(db_path)) as db:
        return list(db.execute("SELECT command, outcome FROM audit ORDER BY id"))


async def test_telegram_cite(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        env.say(f"/cite {FILE} outlet=X", user_id=TG_STRANGER)
        [refused] = await env.replies(TG_STRANGER)
        for count, text in enumerate((f"/cite {FILE} {SET}", f"/cite {FILE}",
                                      f"/cite {FILE} colour=red"), start=1):
            env.say(text, user_id=TG_MODERATOR)
            await env.replies(TG_MODERATOR, count, timeout=20)
        saved, shown, bad = await env.replies(TG_MODERATOR, 3)
        await env.idle()
        top = (await env.service.ask("Who did Wagner fight at Tinzaouatene?")).passages[0]
        rows = _audit(env.config.db_path)
    assert refused.params["text"] == REFUSAL
    assert saved.params["text"].splitlines()[0].startswith("✅ Citation of")
    assert saved.params["text"].splitlines()[1].startswith(CITED)
    assert shown.params["text"].splitlines()[1:2] == saved.params["text"].splitlines()[1:2]
    assert "colour" in bad.params["text"] and bad.params["text"].startswith("❌")
    assert top.citation.outlet == "Al Jazeera" and top.citation.url.endswith("/news/x")
    assert rows == EXPECTED_AUDIT


async def test_discord_cite(tmp_path: Path) -> None:
    async with discord_bot(tmp_path) as env:
        refused = await env.fake.slash("cite", {"file": FILE, "citation": "outlet=X"},
                                       user_id=DC_STRANGER)
        [refusal] = await env.reply(refused)
        replies = []
        for options in ({"file": FILE, "citation": SET}, {"file": FILE},
                        {"file": FILE, "citation": "colour=red"}):
            interaction = await env.fake.slash("cite", options, user_id=DC_MODERATOR)
            [reply] = await env.reply(interaction)
            replies.append(reply.body["data"]["content"])
        rows = await env.audit(4)
    assert refusal.body["data"]["content"] == REFUSAL
    saved, shown, bad = replies
    assert saved.splitlines()[1].startswith(CITED)
    assert shown.splitlines()[1] == saved.splitlines()[1]
    assert "colour" in bad
    assert rows == EXPECTED_AUDIT
