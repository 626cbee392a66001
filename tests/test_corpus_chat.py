"""End to end: a moderator's /reindex over a vanished corpus folder is refused with the
reason, and the bot keeps answering from the previous index (#9)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests import test_discord
from tests.telegram_helpers import MODERATOR, WAGNER_QUESTION, running_bot

USER = 5005


async def test_telegram_reindex_of_a_vanished_corpus_is_refused(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        generation = env.service.generation
        shutil.rmtree(env.corpus)
        env.say("/reindex", user_id=MODERATOR)
        [refused] = await env.fake.wait_for(
            lambda: [c for c in env.fake.calls_to("editMessageText")
                     if "keeps answering" in c.params["text"]], timeout=20)
        assert "corpus folder is missing" in refused.params["text"]
        assert str(tmp_path) not in refused.params["text"]
        assert env.service.generation == generation
        await env.idle()  # the bot audits after replying
        rows = [(c, o) for _ts, _u, c, o in await env.service.usage.audit_rows()]
        assert ("reindex", "rejected") in rows
        env.say(WAGNER_QUESTION, user_id=USER)
        [answer] = await env.replies(USER)
        assert "<blockquote expandable>" in answer.params["text"]


async def test_discord_reindex_of_a_vanished_corpus_is_refused(tmp_path: Path) -> None:
    async with test_discord.running_bot(tmp_path) as env:
        generation = env.service.generation
        shutil.rmtree(env.corpus)
        reindex = await env.fake.slash("reindex", user_id=test_discord.MODERATOR)
        refused = await env.edited(reindex, "keeps answering")
        assert "corpus folder is missing" in refused.body["content"]
        assert env.service.generation == generation
        assert ("reindex", "rejected") in await env.audit(1)
        answer = await env.ask(WAGNER_QUESTION)
        assert answer["embeds"] and "Tinzaouatene" in json.dumps(answer)  # still answers
