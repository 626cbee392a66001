"""/add by URL, several at once, duplicates and /remove FILE#2 in Telegram (#13): the real
Application polling the fake Bot API, the real core, and a local news site on 127.0.0.1
(loopback allowed explicitly by the test config)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.article_site import ARTICLE_FILE, ARTICLE_TITLE, news_site
from tests.telegram_helpers import MODERATOR, STRANGER, BotEnv, assert_valid_html, running_bot

FETCH = {"allow_private": True, "timeout_seconds": 5}
DOC = b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"
TWO = "004_0bd10977ca86cbfa.txt"
SECOND_TITLE = "Macron vows stronger cooperation with Nigeria"
NIGERIA = "Chibok Boko Haram kidnappings Nigeria"


async def final_edit(env: BotEnv, marker: str, timeout: float = 20) -> str:
    """The text of the first edit of the moderator's progress message containing `marker`."""
    edits = await env.fake.wait_for(lambda: [c for c in env.fake.calls_to("editMessageText")
                                             if marker in c.params["text"]], timeout=timeout)
    text: str = edits[0].params["text"]
    assert_valid_html(text)
    return text


async def audit_rows(env: BotEnv) -> list[tuple[str, str]]:
    await env.idle()
    return [(command, outcome) for _ts, _user, command, outcome
            in await env.service.usage.audit_rows()]


async def test_add_url_fetches_previews_citation_and_answers_from_it(tmp_path: Path) -> None:
    with news_site() as site:
        async with running_bot(tmp_path, fetch=FETCH) as env:
            env.say(f"/add {site.url('/article')} {site.url('/paywall')} "
                    f"{site.url('/elsewhere')} {site.url('/report.pdf')} notalink",
                    user_id=MODERATOR)
            text = await final_edit(env, "added,")
            assert f"✅ {ARTICLE_FILE} added (from {site.url('/article')})" in text
            assert f"Cited as: Sahel Ledger · 5 Aug 2024 · {ARTICLE_TITLE}" in text
            assert "paywall" in text.split(site.url("/paywall"))[1].split("\n")[0].lower()
            assert "redirects to another site (localhost)" in text
            assert "not a web page" in text
            assert "⏭ notalink skipped: not a link" in text
            assert text.endswith("1 added, 4 skipped.")
            assert (env.corpus / ARTICLE_FILE).read_text("utf-8").startswith("---\ntitle:")
            env.say("aid convoy Kidal lorries Anéfis checkpoint", user_id=STRANGER)
            [answer] = await env.replies(STRANGER)
            assert ARTICLE_TITLE in answer.params["text"]
            rows = await audit_rows(env)
            assert (f"add {ARTICLE_FILE}", "ok") in rows
            assert (f"add {site.url('/paywall')}", "skipped") in rows
            assert ("add notalink", "skipped") in rows


async def test_add_url_refuses_a_loopback_address_by_default(tmp_path: Path) -> None:
    with news_site() as site:
        async with running_bot(tmp_path) as env:
            env.say(f"/add {site.url('/article')}", user_id=MODERATOR)
            text = await final_edit(env, "skipped.")
            assert "0 added, 1 skipped." in text and "loopback" in text
            assert not (env.corpus / ARTICLE_FILE).exists()


async def test_add_archive_one_progress_message_and_one_summary(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("quuxfoo.txt", DOC)
        archive.writestr("../../escape.txt", DOC)
        archive.writestr("inner.tar.gz", b"\x1f\x8b")
        archive.writestr("copy.txt", (Path("seeds") / "000_3c97b537fcf85c00.txt").read_bytes())
    async with running_bot(tmp_path) as env:
        document = env.fake.add_file(buffer.getvalue(), "batch.zip")
        env.say(None, user_id=MODERATOR, document=document, caption="/add")
        text = await final_edit(env, "added,")
        assert "✅ quuxfoo.txt added (from batch.zip: quuxfoo.txt)" in text
        assert "batch.zip: ../../escape.txt skipped: a path that leads out" in text
        assert "batch.zip: inner.tar.gz skipped: an archive inside the archive" in text
        assert "same text as 000_3c97b537fcf85c00.txt" in text
        assert text.endswith("1 added, 3 skipped.")
        assert len([c for c in env.fake.sent(MODERATOR) if "⏳" in c.params["text"]]) == 1
        assert (env.corpus / "quuxfoo.txt").read_bytes() == DOC
        assert not (env.corpus / "escape.txt").exists() and not (env.corpus / "copy.txt").exists()
        rows = await audit_rows(env)
        assert ("add quuxfoo.txt", "ok") in rows and ("add batch.zip: copy.txt", "skipped") in rows


async def test_remove_one_article_of_a_file(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        env.say(NIGERIA, user_id=STRANGER)
        [before] = await env.replies(STRANGER)
        assert SECOND_TITLE in before.params["text"]
        env.say(f"/remove {TWO}#2", user_id=MODERATOR)
        text = await final_edit(env, "Removed")
        assert f"{TWO}#2" in text
        env.say(NIGERIA, user_id=STRANGER + 1)
        [after] = await env.replies(STRANGER + 1)
        assert SECOND_TITLE not in after.params["text"]
        assert (env.corpus / TWO).exists()
        assert (f"remove {TWO}#2", "ok") in await audit_rows(env)


async def test_summary_of_a_large_archive_stays_one_message(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(30):
            archive.writestr(f"report-{i:02}.txt", f"Report {i} on Gao\n\nThe market of "
                             f"district {i} reopened after {i + 2} days, traders said of "
                             f"convoy number {i * 7} on the Bourem road.\n")
    async with running_bot(tmp_path) as env:
        document = env.fake.add_file(buffer.getvalue(), "reports.zip")
        env.say(None, user_id=MODERATOR, document=document, caption="/add")
        text = await final_edit(env, "added,", timeout=60)
        assert text.endswith("30 added, 0 skipped.")
        assert "… and " in text and "more (see the audit log)" in text
        assert len(text) <= 2000
        assert len([r for r in await audit_rows(env) if r[1] == "ok"]) == 30


async def test_archive_that_cannot_be_downloaded_is_skipped_with_the_link_still_added(
        tmp_path: Path) -> None:
    with news_site() as site:
        async with running_bot(tmp_path, fetch=FETCH) as env:
            document = env.fake.add_file(b"PK", "gone.zip")
            env.fake.expired_files.add(document["file_id"])
            env.say(None, user_id=MODERATOR, document=document,
                    caption=f"/add {site.url('/article')}")
            text = await final_edit(env, "added,")
            assert "gone.zip skipped: The attachment could not be downloaded" in text
            assert text.endswith("1 added, 1 skipped.")
            assert ("add gone.zip", "skipped") in await audit_rows(env)


async def test_add_url_refuses_huge_and_slow_pages_within_the_config_limits(
        tmp_path: Path) -> None:
    with news_site() as site:
        async with running_bot(tmp_path, fetch={**FETCH, "timeout_seconds": 1,
                                                "max_bytes": 2000}) as env:
            env.say(f"/add {site.url('/article')} {site.url('/slow')}", user_id=MODERATOR)
            env.say("Who did Wagner fight at Tinzaouatene?", user_id=STRANGER)
            [answer] = await env.replies(STRANGER)  # answered while the fetch waits (below)
            assert "Wagner" in answer.params["text"]
            text = await final_edit(env, "skipped.")
            summary = next(c for c in env.fake.calls_to("editMessageText")
                           if "skipped." in c.params["text"])
            assert env.fake.calls.index(answer) < env.fake.calls.index(summary)
            article, slow = (text.split(site.url(path))[1].split("\n")[0]
                             for path in ("/article", "/slow"))
            assert article == " skipped: the page is larger than 2,000 bytes (fetch.max_bytes); " \
                              "it was not downloaded"
            assert slow == " skipped: the site took longer than 1 s to send the page " \
                           "(fetch.timeout_seconds)"
            assert text.endswith("0 added, 2 skipped.")
