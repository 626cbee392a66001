"""/add by link, several attachments, an archive, duplicates and /remove FILE#2 in Discord
(#13): the real discord.py client against the fake Discord, the real core, and a local news
site on 127.0.0.1 (loopback allowed explicitly by the test config)."""

from __future__ import annotations

from pathlib import Path

from tests.article_site import ARTICLE_FILE, ARTICLE_TITLE, news_site, tar_gz
from tests.test_discord import MODERATOR, USER, embed_text, running_bot

FETCH = {"allow_private": True, "timeout_seconds": 5}
DOC = b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"
ZORBLAT = b"Zorblat Raid\n\nThe Zorblat raid hit Menaka at dawn, cutting the Ansongo road.\n"
TWO = "004_0bd10977ca86cbfa.txt"


async def test_add_link_and_attachments_in_one_command(tmp_path: Path) -> None:
    with news_site() as site:
        async with running_bot(tmp_path, fetch=FETCH) as env:
            plain = env.fake.add_attachment("quuxfoo.txt", DOC)
            archive = env.fake.add_attachment("more.tar.gz", tar_gz(
                {"zorblat.md": ZORBLAT, "/etc/cron.txt": DOC, "notes.pdf": b"%PDF"}))
            interaction = await env.fake.slash(
                "add", {"url": f"{site.url('/article')} {site.url('/listing')}"},
                user_id=MODERATOR, attachments={"document": plain, "document2": archive})
            done = await env.edited(interaction, "added,")
            text = done.body["content"]
            assert "quuxfoo.txt added" in text and "zorblat.md added" in text
            assert f"{ARTICLE_FILE} added" in text
            assert f"Sahel Ledger · 5 Aug 2024 · {ARTICLE_TITLE}" in text
            assert "a path that leads out of the archive" in text
            assert "not a .txt, .md, .html, .htm document" in text
            assert "list of articles" in text
            assert text.endswith("3 added, 3 skipped.")
            assert len(text) <= 2000
            assert (env.corpus / "zorblat.md").read_bytes() == ZORBLAT
            data = await env.ask("Zorblat raid Menaka", user_id=USER)
            assert "Zorblat Raid" in embed_text(data)
            rows = await env.audit(6)
            assert ("add zorblat.md", "ok") in rows and (f"add {ARTICLE_FILE}", "ok") in rows
            assert ("add more.tar.gz: notes.pdf", "skipped") in rows
            env.no_pings_anywhere()


async def test_near_duplicate_is_added_with_a_warning(tmp_path: Path) -> None:
    seed = (Path(__file__).parent.parent / "seeds" / "000_3c97b537fcf85c00.txt").read_text()
    paragraphs = [p for p in seed.split("\n") if len(p.split()) > 12]
    republished = "\n\n".join(["Sahel Daily republishes the wire story", *paragraphs[:5],
                               "Our correspondent in Gao adds that traders reopened the "
                               "cattle market on Friday and that schools stayed shut."])
    async with running_bot(tmp_path) as env:
        copy = env.fake.add_attachment("sahel-daily.txt", republished.encode())
        interaction = await env.fake.slash("add", user_id=MODERATOR,
                                           attachments={"document": copy})
        done = await env.edited(interaction, "Added")
        assert (r"⚠ sahel-daily.txt nearly repeats 000\_3c97b537fcf85c00.txt"
                in done.body["content"])
        assert (env.corpus / "sahel-daily.txt").exists()
        assert await env.audit(1) == [("add sahel-daily.txt", "ok")]


async def test_remove_one_article_of_a_file(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        before = await env.ask("Chibok Boko Haram kidnappings Nigeria")
        assert "Macron vows" in embed_text(before)
        interaction = await env.fake.slash("remove", {"file": f"{TWO}#2"}, user_id=MODERATOR)
        await env.edited(interaction, "Removed")
        after = await env.ask("Chibok Boko Haram kidnappings Nigeria", user_id=USER + 10)
        assert "Macron vows" not in embed_text(after)
        assert (env.corpus / TWO).exists()
        assert await env.audit(1) == [(f"remove {TWO}#2", "ok")]
