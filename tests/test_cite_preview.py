"""After /add the reply previews how the document will be cited (#12), with ⚠ for what is
missing, on both platforms, measured on the messages the real libraries send."""

from __future__ import annotations

from pathlib import Path

from tests.telegram_helpers import MODERATOR as TG_MODERATOR
from tests.telegram_helpers import running_bot as telegram_bot
from tests.test_discord import MODERATOR as DC_MODERATOR
from tests.test_discord import running_bot as discord_bot

BARE = (b"---\ndate: 2024-08-05\n---\n\nMali breaks off ties with Quuxfoo\n\n"
        b"The Quuxfoo accord was signed in Gao by the militia leaders on 2 August.\n")
COMPLETE = (b"---\noutlet: Al Jazeera\ndate: 2024-08-05\nurl: https://example.org/q\n---\n\n"
            b"Mali breaks off ties with Quuxfoo\n\n"
            b"The Quuxfoo accord was denounced in Kidal by the rebel council on 3 August.\n")
WARNED = "Cited as: ⚠ outlet unknown · 5 Aug 2024 · Mali breaks off ties with Quuxfoo · ⚠ no URL"


async def test_telegram_add_previews_the_citation(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as env:
        env.say(None, user_id=TG_MODERATOR, caption="/add",
                document=env.fake.add_file(BARE, "zz_bare.txt"))
        [bare] = await env.fake.wait_for(lambda: [
            c for c in env.fake.calls_to("editMessageText") if "Added" in c.params["text"]],
            timeout=20)
        env.say(None, user_id=TG_MODERATOR, caption="/add",
                document=env.fake.add_file(COMPLETE, "zz_complete.txt"))
        complete = await env.fake.wait_for(lambda: [
            c for c in env.fake.calls_to("editMessageText")
            if "zz_complete" in c.params["text"] and "Added" in c.params["text"]], timeout=20)
    assert bare.params["text"].splitlines()[-1] == WARNED
    assert complete[0].params["text"].splitlines()[-1] == (
        "Cited as: Al Jazeera · 5 Aug 2024 · Mali breaks off ties with Quuxfoo")


async def test_discord_add_previews_the_citation(tmp_path: Path) -> None:
    async with discord_bot(tmp_path) as env:
        attachment = env.fake.add_attachment("zz_bare.txt", BARE)
        interaction = await env.fake.slash("add", user_id=DC_MODERATOR,
                                           attachments={"document": attachment})
        done = await env.edited(interaction, "Added")
    assert done.body["content"].splitlines()[-1] == WARNED
