"""Index generations: first-use build, restart without rebuild, atomic and failing reindex."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

from bot.config import Config
from bot.core import CorpusUnavailable, DocumentRejected, ReindexBusy, Service, StartupError
from tests.conftest import make_config

QUESTION = "Who did Wagner fight at Tinzaouatene?"


async def test_restart_reuses_the_saved_generation(config: Config) -> None:
    first = await Service.open(config)
    generation = first.generation
    await first.close()
    second = await Service.open(config)
    try:
        assert second.generation == generation
        assert not (await second.ask(QUESTION)).abstained
    finally:
        await second.close()


async def test_corpus_change_triggers_a_rebuild(config: Config, corpus: Path) -> None:
    first = await Service.open(config)
    generation = first.generation
    await first.close()
    (corpus / "new.md").write_text("# Menaka siege\n\nIslamic State fighters besieged Menaka.\n")
    second = await Service.open(config)
    try:
        assert second.generation > generation
        answer = await second.ask("Who besieged Menaka?")
        assert answer.passages[0].citation.file == "new.md"
    finally:
        await second.close()


async def test_failed_reindex_keeps_the_previous_generation(
        service: Service, config: Config, corpus: Path) -> None:
    before = await service.ask(QUESTION)
    (corpus / "004_0bd10977ca86cbfa.txt").unlink()
    blocker = config.db_path.parent / "index" / f"gen-{service.generation + 1}"
    blocker.write_text("a file where the new generation's folder must go")
    with pytest.raises(OSError):
        await service.reindex()
    after = await service.ask(QUESTION)
    assert after.generation == before.generation
    assert after.passages[0].chunk_id == before.passages[0].chunk_id
    blocker.unlink()
    await service.close()
    restarted = await Service.open(config)
    try:
        assert restarted.generation > before.generation  # corpus changed: rebuilt cleanly
    finally:
        await restarted.close()


async def test_answers_flow_during_a_reindex(service: Service) -> None:
    reindex = asyncio.create_task(service.reindex())
    await asyncio.sleep(0)
    assert service.reindexing
    with pytest.raises(ReindexBusy):
        await service.reindex()
    answers = [await service.ask(QUESTION) for _ in range(5)]
    result = await reindex
    assert all(not a.abstained for a in answers)
    assert result.generation == service.generation


async def test_add_and_remove_documents(service: Service, corpus: Path) -> None:
    result = await service.add_document("menaka.md", b"# Menaka\n\nISGS fighters besieged Menaka.")
    assert (corpus / "menaka.md").exists() and result.documents == 7
    assert (await service.ask("Who besieged Menaka?")).passages[0].citation.file == "menaka.md"
    with pytest.raises(DocumentRejected):
        await service.add_document("menaka.md", b"# again\n\nSame name twice.")
    await service.remove_document("menaka.md")
    assert not (corpus / "menaka.md").exists()
    with pytest.raises(DocumentRejected):
        await service.remove_document("menaka.md")


@pytest.mark.parametrize("name", ["../../x.txt", "/etc/passwd", "a\x00.txt", ".hidden.txt",
                                  "CON.txt", "evil.exe", "sub/dir.txt", ""])
async def test_hostile_file_names_are_refused(service: Service, corpus: Path, name: str) -> None:
    before = sorted(p.name for p in corpus.iterdir())
    with pytest.raises(DocumentRejected):
        await service.add_document(name, b"# Title\n\nSome text about Gao.")
    assert sorted(p.name for p in corpus.iterdir()) == before


async def test_bad_content_is_refused(service: Service, corpus: Path) -> None:
    with pytest.raises(DocumentRejected, match="binary"):
        await service.add_document("bin.txt", b"\x00\x01\x02" * 100)
    with pytest.raises(DocumentRejected, match="limit"):
        await service.add_document("big.txt", b"x " * (service.config.corpus.max_file_bytes))
    assert not (corpus / "bin.txt").exists() and not (corpus / "big.txt").exists()


@pytest.mark.parametrize("name", ["indptr", "doc_ids", "tf", "impacts", "doc_len"])
async def test_damaged_array_is_rebuilt_at_start(
        config: Config, name: str, caplog: pytest.LogCaptureFixture) -> None:
    first = await Service.open(config)
    before = await first.ask(QUESTION)
    await first.close()
    array = config.db_path.parent / "index" / f"gen-{before.generation}" / f"{name}.npy"
    data = bytearray(array.read_bytes())
    header_end = data.index(b"\n") + 1
    data[header_end + (len(data) - header_end) // 2] ^= 0x01  # same size, wrong content
    array.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        second = await Service.open(config)
    try:
        after = await second.ask(QUESTION)
        assert second.generation > before.generation
        assert [p.chunk_id for p in after.passages] == [p.chunk_id for p in before.passages]
        assert [p.score for p in after.passages] == [p.score for p in before.passages]
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "checksum mismatch" in warnings[0]
    finally:
        await second.close()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _empty_corpus(corpus: Path, how: str) -> None:
    """Make the corpus folder vanish, or leave it with nothing usable in it (#9)."""
    if how == "vanished":
        shutil.rmtree(corpus)
        return
    for path in corpus.iterdir():
        path.unlink()
    if how == "unusable":
        (corpus / "binary.txt").write_bytes(b"\x00\x01" * 100)


@pytest.mark.parametrize("how", ["vanished", "empty", "unusable"])
async def test_reindex_refuses_to_publish_an_empty_corpus(
        service: Service, corpus: Path, how: str, caplog: pytest.LogCaptureFixture) -> None:
    before = await service.ask(QUESTION)
    _empty_corpus(corpus, how)
    with caplog.at_level(logging.WARNING), pytest.raises(CorpusUnavailable) as refused:
        await service.reindex()
    assert isinstance(refused.value, DocumentRejected)
    assert "keeps answering" in str(refused.value)
    assert ("missing" if how == "vanished" else "no usable document") in str(refused.value)
    assert any("keeps answering" in w for w in _warnings(caplog))
    after = await service.ask(QUESTION)
    assert after.generation == before.generation
    assert after.passages[0].chunk_id == before.passages[0].chunk_id
    assert len(await service.sources()) == 6


async def test_removing_the_last_document_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "only.md").write_text("# Gao\n\nMilitants attacked Gao on Monday.\n")
    service = await Service.open(make_config(tmp_path))
    try:
        generation = service.generation
        with pytest.raises(CorpusUnavailable, match="no usable document"):
            await service.remove_document("only.md")
        assert (corpus / "only.md").exists() and service.generation == generation
        assert [s.file for s in await service.sources()] == ["only.md"]
    finally:
        await service.close()


async def test_add_into_a_vanished_corpus_is_refused(service: Service, corpus: Path) -> None:
    before = service.generation
    shutil.rmtree(corpus)
    with pytest.raises(CorpusUnavailable, match="missing"):
        await service.add_document("menaka.md", b"# Menaka\n\nISGS fighters besieged Menaka.")
    assert not corpus.exists() and service.generation == before
    assert not (await service.ask(QUESTION)).abstained


async def test_start_with_a_vanished_corpus_is_a_config_error(
        config: Config, corpus: Path) -> None:
    first = await Service.open(config)
    await first.close()
    shutil.rmtree(corpus)
    with pytest.raises(StartupError, match=r"^corpus\.dir: .* is not a folder"):
        await Service.open(config)


@pytest.mark.parametrize("how", ["empty", "unusable"])
async def test_start_keeps_serving_when_the_corpus_is_gone(
        config: Config, corpus: Path, how: str, caplog: pytest.LogCaptureFixture) -> None:
    first = await Service.open(config)
    before = await first.ask(QUESTION)
    await first.close()
    _empty_corpus(corpus, how)
    with caplog.at_level(logging.WARNING):
        second = await Service.open(config)
    try:
        after = await second.ask(QUESTION)
        assert second.generation == before.generation
        assert after.passages[0].chunk_id == before.passages[0].chunk_id
        assert any("keeps answering" in w for w in _warnings(caplog))
    finally:
        await second.close()
    corpus.mkdir(exist_ok=True)
    (corpus / "new.md").write_text("# Menaka siege\n\nIslamic State fighters besieged Menaka.\n")
    third = await Service.open(config)
    try:  # the corpus is back: the next start rebuilds from it
        assert third.generation > before.generation and len(await third.sources()) == 1
    finally:
        await third.close()


async def test_a_secret_behind_a_link_is_never_quoted(
        service: Service, corpus: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("# Vault\n\nThe vault combination is tangerine seven walrus.\n"
                      "\nThe vault combination opens the tangerine walrus vault.\n")
    (corpus / "vault.txt").symlink_to(secret)
    result = await service.reindex()
    assert any(s.startswith("vault.txt: a link that leads outside") for s in result.skipped)
    answer = await service.ask("What is the vault combination tangerine walrus?")
    assert answer.abstained
    assert "vault.txt" not in [s.file for s in await service.sources()]


async def test_duplicate_document_is_listed_as_skipped(service: Service, corpus: Path) -> None:
    (corpus / "zz_copy.txt").write_bytes((corpus / "003_cc1f5f790d2f55b7.txt").read_bytes())
    result = await service.reindex()
    assert "zz_copy.txt duplicates 003_cc1f5f790d2f55b7.txt" in " ".join(result.skipped)
    answer = await service.ask(QUESTION, k=10)
    assert all(p.citation.file != "zz_copy.txt" for p in answer.passages)


async def test_index_folders_and_files_are_owner_only(config: Config) -> None:
    root = config.db_path.parent / "index"
    root.mkdir(parents=True, mode=0o755)
    root.chmod(0o755)  # as an older version left it
    service = await Service.open(config)
    await service.close()
    generation = root / f"gen-{service.generation}"
    assert (root.stat().st_mode & 0o777) == 0o700
    assert (generation.stat().st_mode & 0o777) == 0o700
    files = list(generation.iterdir())
    assert files and all((f.stat().st_mode & 0o777) == 0o600 for f in files), [
        (f.name, oct(f.stat().st_mode)) for f in files]


async def test_start_with_a_damaged_index_and_an_empty_corpus_stays_up(
        config: Config, corpus: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = await Service.open(config)
    generation = first.generation
    await first.close()
    array = config.db_path.parent / "index" / f"gen-{generation}" / "impacts.npy"
    array.write_bytes(array.read_bytes()[:-8] + b"\xff" * 8)
    _empty_corpus(corpus, "empty")
    with caplog.at_level(logging.WARNING):
        second = await Service.open(config)
    try:
        assert second.generation == 0 and (await second.ask(QUESTION)).abstained
        assert any("until the corpus folder is back" in w for w in _warnings(caplog))
    finally:
        await second.close()
