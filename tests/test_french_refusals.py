"""A French-speaking moderator hears why an /add was refused in French (#10), end to end:
the real Application polling the fake Bot API (and the real discord.py client against the
fake Discord), the real core and fetcher, and the local news site on 127.0.0.1 that the
/add tests use. The same refusals reach an English moderator in the English they always
had."""

from __future__ import annotations

from pathlib import Path

from tests.article_site import news_site, tar_gz
from tests.telegram_helpers import MODERATOR, BotEnv, assert_valid_html, running_bot
from tests.test_discord import MODERATOR as DC_MODERATOR
from tests.test_discord import running_bot as discord_bot

ALLOW_LOOPBACK = {"allow_private": True, "timeout_seconds": 5}
NNBSP = "\u202f"


async def add_summary(env: BotEnv, text: str, last_line: str) -> str:
    """The moderator's `/add` summary: the edit of the progress message ending `last_line`."""
    before = len(env.fake.calls_to("editMessageText"))
    env.say(text, user_id=MODERATOR)
    edits = await env.fake.wait_for(lambda: [
        c.params["text"] for c in env.fake.calls_to("editMessageText")[before:]
        if c.params["text"].endswith(last_line)], timeout=20)
    assert_valid_html(edits[0])
    return str(edits[0])


async def test_french_moderator_hears_a_refused_loopback_url_in_french(tmp_path: Path) -> None:
    with news_site() as site:
        url = site.url("/article")
        async with running_bot(tmp_path) as env:
            env.fake.language_codes[MODERATOR] = "fr-FR"
            french = await add_summary(env, f"/add {url} notalink",
                                       "0 ajouté(s), 2 ignoré(s).")
            env.fake.language_codes[MODERATOR] = "en"
            english = await add_summary(env, f"/add {url}", "0 added, 1 skipped.")
            audit = [row[2:] for row in await env.service.usage.audit_rows()]
    assert french.splitlines()[:2] == [
        f"⏭ {url} ignoré\u00a0: 127.0.0.1 est une adresse de bouclage\u202f; seuls les sites web "
        "publics peuvent être récupérés (fetch.allow_private est désactivé)",
        "⏭ notalink ignoré\u00a0: ni un lien (http:// ou https://) ni une pièce jointe"]
    for word in ("skipped", "loopback", "only public", "not a link"):
        assert word not in french
    assert english.splitlines()[0] == (
        f"⏭ {url} skipped: 127.0.0.1 is a loopback address; only public web sites can be "
        "fetched (fetch.allow_private is off)")
    assert (f"add {url}", "skipped") in audit and ("add notalink", "skipped") in audit


async def test_french_moderator_hears_why_pages_are_not_articles(tmp_path: Path) -> None:
    with news_site() as site:
        async with running_bot(tmp_path, fetch=ALLOW_LOOPBACK) as env:
            env.fake.language_codes[MODERATOR] = "fr"
            paywall, elsewhere, pdf = (site.url(p) for p in ("/paywall", "/elsewhere",
                                                             "/report.pdf"))
            summary = await add_summary(env, f"/add {paywall} {elsewhere} {pdf}",
                                        "0 ajouté(s), 3 ignoré(s).")
    port = site.server_address[1]
    lines = summary.splitlines()
    assert lines[0].startswith(f"⏭ {paywall} ignoré\u00a0: l'article est réservé aux "
                               "abonnés\u00a0: seul un court extrait (")
    assert lines[0].endswith(" mots) se lit sans abonnement")
    assert lines[1] == (f"⏭ {elsewhere} ignoré\u00a0: la page redirige vers un autre site "
                        f"(localhost)\u00a0: http://localhost:{port}/article\u202f; ajoutez plutôt "
                        "cette adresse si c'est celle de l'article")
    assert lines[2] == (f"⏭ {pdf} ignoré\u00a0: l'adresse renvoie du application/pdf, pas une "
                        "page web\u202f; seuls les articles HTML peuvent être récupérés")


async def test_french_moderator_gets_sizes_written_the_french_way(tmp_path: Path) -> None:
    """A file over corpus.max_file_bytes: refused before it is downloaded, the sizes
    grouped with narrow no-break spaces (1 234), never 1,234."""
    async with running_bot(tmp_path, corpus={"max_file_bytes": 5000}) as env:
        env.fake.language_codes[MODERATOR] = "fr"
        document = env.fake.add_file(b"Big report\n\n" + b"word " * 1300, "big.txt")
        env.say(None, user_id=MODERATOR, document=document, caption="/add")
        [french] = await env.replies(MODERATOR)
    assert french.params["text"] == (f"❌ Ce fichier est trop gros (6{NNBSP}512 octets\u202f; la "
                                     f"limite est de 5{NNBSP}000 octets).")


async def test_french_moderator_hears_alias_cite_and_remove_refusals_in_french(
        tmp_path: Path) -> None:
    """Refusals from index/ (an /alias line, a /cite value) and from the core (/remove of
    an unknown file), each in French."""
    async with running_bot(tmp_path) as env:
        env.fake.language_codes[MODERATOR] = "fr"
        said = []
        for count, command in enumerate(["/alias GSIM", "/cite 000_3c97b537fcf85c00.txt "
                                         "date=hier", "/remove nothing.txt"], 1):
            env.say(command, user_id=MODERATOR)
            said.append((await env.replies(MODERATOR, count))[-1].params["text"])
        removed = await env.fake.wait_for(lambda: [
            c.params["text"] for c in env.fake.calls_to("editMessageText")
            if c.params["text"].startswith("❌")], timeout=20)
    assert said[0] == ("❌ Écrivez-le ainsi\u00a0: NOUVEAU NOM = NOM CONNU, par exemple "
                       "«\u202fGSIM = JNIM\u202f».")
    assert said[1] == "❌ date\u00a0: 'hier' n'est pas une date (AAAA-MM-JJ)"
    assert removed[0] == "❌ nothing.txt n'est pas dans le corpus (voir /sources)."


async def test_french_moderator_hears_why_files_were_skipped_at_reindex(tmp_path: Path) -> None:
    extra = {"zz_binary.txt": b"Title\n\n\x00\x01\x02 binary", "zz_empty.txt": b""}
    async with running_bot(tmp_path, extra=extra) as env:
        env.fake.language_codes[MODERATOR] = "fr"
        env.say("/reindex", user_id=MODERATOR)
        [reindexed] = await env.fake.wait_for(lambda: [
            c.params["text"] for c in env.fake.calls_to("editMessageText")
            if c.params["text"].startswith("✅")], timeout=20)
    assert reindexed.endswith(
        "\nIgnorés\u00a0: <code>zz_binary.txt\u00a0: fichier binaire (octets NUL), pas un document "
        "texte</code>, <code>zz_empty.txt\u00a0: fichier vide</code>.")


async def test_discord_french_moderator_hears_archive_and_link_refusals_in_french(
        tmp_path: Path) -> None:
    """The same reasons on Discord (a French client locale): an archive's members and a
    link, with French sizes."""
    with news_site() as site:
        async with discord_bot(tmp_path, corpus={"max_file_bytes": 5000}) as env:
            env.fake.locales[DC_MODERATOR] = "fr"
            archive = env.fake.add_attachment("lot.tar.gz", tar_gz(
                {"/etc/cron.txt": b"x", "notes.pdf": b"%PDF", "big.txt": b"word " * 1300}))
            interaction = await env.fake.slash(
                "add", {"url": site.url("/article")}, user_id=DC_MODERATOR,
                attachments={"document": archive})
            done = await env.edited(interaction, "ignoré(s).")
    lines = done.body["content"].splitlines()
    assert lines == [
        "⏭ lot.tar.gz: /etc/cron.txt ignoré\u00a0: un chemin qui sort de l'archive",
        "⏭ lot.tar.gz: notes.pdf ignoré\u00a0: pas un document .txt, .md, .html, .htm",
        f"⏭ lot.tar.gz: big.txt ignoré\u00a0: 6{NNBSP}500 octets\u202f; la limite est de "
        f"5{NNBSP}000",
        f"⏭ {site.url('/article')} ignoré\u00a0: 127.0.0.1 est une adresse de "
        "bouclage\u202f; seuls les sites web publics peuvent être récupérés "
        "(fetch.allow\\_private est désactivé)",
        "0 ajouté(s), 4 ignoré(s)."]

