"""`conflictbot add URL|FILE…` and `conflictbot remove FILE[#N]…` (#13)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from tests.article_site import ARTICLE_FILE, ARTICLE_TITLE, news_site

DOC = "Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"


def _config(tmp_path: Path, *, allow_private: bool = True) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("corpus: {dir: corpus}\ndata: {path: data/db.sqlite3}\n"
                    "logging: {salt_file: data/salt}\n"
                    f"fetch: {{allow_private: {str(allow_private).lower()}, "
                    "timeout_seconds: 5}\n")
    return path


def test_add_url_and_files_reports_each_and_the_citation(
        tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "quuxfoo.txt").write_text(DOC)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../evil.txt", DOC)
        zipped.writestr("zorblat.md", "Zorblat raid\n\nThe Zorblat raid hit Menaka at dawn.\n")
    with news_site() as site:
        code = main(["--config", str(_config(tmp_path)), "add", site.url("/article"),
                     str(tmp_path / "quuxfoo.txt"), str(archive), site.url("/paywall")])
    out = capsys.readouterr().out
    assert code == 0
    assert f"✅ {ARTICLE_FILE} added (from {site.url('/article')})" in out
    assert f"  Cited as: Sahel Ledger · 5 Aug 2024 · {ARTICLE_TITLE}\n" in out
    assert "✅ quuxfoo.txt added" in out
    assert "✅ zorblat.md added (from batch.zip: zorblat.md)" in out
    assert "⏭ batch.zip: ../evil.txt skipped: a path that leads out of the archive" in out
    assert f"⏭ {site.url('/paywall')} skipped:" in out
    assert out.rstrip().endswith("3 added, 2 skipped.")
    saved = (corpus / ARTICLE_FILE).read_text("utf-8")
    assert saved.startswith("---\ntitle: " + ARTICLE_TITLE)
    assert "author: Mariam Keïta" in saved and "url: https://news.example.org/" in saved
    assert not (corpus / "evil.txt").exists()


def test_add_refuses_loopback_unless_allowed_and_exits_non_zero(
        tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with news_site() as site:
        code = main(["--config", str(_config(tmp_path, allow_private=False)), "add",
                     site.url("/article"), str(tmp_path / "missing.txt")])
    out = capsys.readouterr().out
    assert code == 1
    assert "loopback" in out or "private" in out
    assert "missing.txt skipped: not readable" in out and "0 added, 2 skipped." in out
    assert not (corpus / ARTICLE_FILE).exists()


def test_adding_the_same_article_twice_names_the_first(
        tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path))
    with news_site() as site:
        assert main(["--config", config, "add", site.url("/article")]) == 0
        capsys.readouterr()
        assert main(["--config", config, "add", site.url("/article")]) == 1
    out = capsys.readouterr().out
    assert f"same text as {ARTICLE_FILE}" in out
    assert not (corpus / ARTICLE_FILE.replace(".txt", "-2.txt")).exists()


def test_remove_one_article_of_a_file(tmp_path: Path, corpus: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path))
    assert main(["--config", config, "remove", "004_0bd10977ca86cbfa.txt#2"]) == 0
    assert "removed 004_0bd10977ca86cbfa.txt#2" in capsys.readouterr().out
    assert main(["--config", config, "remove", "004_0bd10977ca86cbfa.txt#2"]) == 1
    assert "no article #2" in capsys.readouterr().err
    assert (corpus / "004_0bd10977ca86cbfa.txt").exists()
    assert main(["--config", config, "ask", "--json", "Chibok Boko Haram kidnappings"]) == 0
    assert "004_0bd10977ca86cbfa.txt" not in capsys.readouterr().out


def test_two_sites_copies_of_one_story_in_one_add_are_both_added_under_two_names(
        tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reprint = ARTICLE_FILE.replace(".txt", "-2.txt")
    with news_site() as site:
        code = main(["--config", str(_config(tmp_path)), "add", site.url("/article"),
                     site.url("/reprint")])
    out = capsys.readouterr().out
    assert code == 0
    assert f"✅ {reprint} added (from {site.url('/reprint')})" in out
    assert out.rstrip().endswith("2 added, 0 skipped.")
    assert "GAO — Forty lorries" in (corpus / reprint).read_text("utf-8")
    assert "BAMAKO — A convoy" in (corpus / ARTICLE_FILE).read_text("utf-8")
