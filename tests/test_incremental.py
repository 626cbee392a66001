"""Incremental /add and /remove (#13): a new generation shares the previous one's index
files, answers exactly as a full reindex would, and survives a restart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.config import Config
from bot.core import DocumentRejected, Service

ARTICLE = (b"# Menaka siege\n\nIslamic State fighters besieged Menaka for three weeks in "
           b"March, cutting the road to Ansongo.\n\nAid convoys turned back at Tidermene.\n")
QUESTIONS = ["Who besieged Menaka?", "Who did Wagner fight at Tinzaouatene?",
             "What happened at Ansongo?"]
MAIN_FILES = ("indptr.npy", "doc_ids.npy", "tf.npy", "impacts.npy", "vocab.json")


def index_folder(config: Config, generation: int) -> Path:
    return config.db_path.parent / "index" / f"gen-{generation}"


async def answers(service: Service) -> list[list[tuple[str, str, float]]]:
    """Per question: (file, text, score) of every passage shown."""
    out = []
    for question in QUESTIONS:
        answer = await service.ask(question, log=False)
        out.append([(p.citation.file, p.text, p.score) for p in answer.passages])
    return out


def assert_same_answers(got: list[list[tuple[str, str, float]]],
                        want: list[list[tuple[str, str, float]]]) -> None:
    assert [[(f, t) for f, t, _ in a] for a in got] == [[(f, t) for f, t, _ in a] for a in want]
    for a, b in zip(got, want, strict=True):
        assert [s for *_, s in a] == pytest.approx([s for *_, s in b], abs=1e-9)


async def test_add_links_the_previous_index_files_and_answers_as_a_reindex(
        service: Service, config: Config) -> None:
    before = service.generation
    result = await service.add_document("menaka.md", ARTICLE)
    assert result.generation == service.generation > before
    new, old = index_folder(config, service.generation), index_folder(config, before)
    for name in MAIN_FILES:
        assert (new / name).stat().st_ino == (old / name).stat().st_ino, name
    added = await answers(service)
    assert added[0][0][0] == "menaka.md"
    await service.reindex()
    assert_same_answers(added, await answers(service))


async def test_remove_masks_the_document_everywhere(service: Service, config: Config) -> None:
    passages = (await service.stats()).passages
    await service.add_document("menaka.md", ARTICLE)
    assert (await service.stats()).passages == passages + 2
    added = await service.ask(QUESTIONS[0], log=False)
    before = service.generation
    await service.remove_document("menaka.md")
    new, old = index_folder(config, service.generation), index_folder(config, before)
    assert (new / "impacts.npy").stat().st_ino == (old / "impacts.npy").stat().st_ino
    assert all(s.file != "menaka.md" for s in await service.sources())
    assert (await service.stats()).passages == passages
    assert await service.full_text(added.passages[0].chunk_id) is None
    removed = await answers(service)
    assert all(f != "menaka.md" for a in removed for f, _, _ in a)
    await service.reindex()
    assert_same_answers(removed, await answers(service))


async def test_restart_serves_the_incremental_generation(config: Config) -> None:
    first = await Service.open(config)
    await first.add_document("menaka.md", ARTICLE)
    await first.remove_document("004_0bd10977ca86cbfa.txt")
    generation, expected = first.generation, await answers(first)
    sources = await first.sources()
    await first.close()
    second = await Service.open(config)
    try:
        assert second.generation == generation  # no rebuild: the corpus hash matches
        assert_same_answers(await answers(second), expected)
        assert await second.sources() == sources
    finally:
        await second.close()


async def test_readd_after_remove_and_duplicate_refused(service: Service) -> None:
    await service.add_document("menaka.md", ARTICLE)
    with pytest.raises(DocumentRejected, match=r"same text as menaka\.md"):
        await service.add_document("copy.md", ARTICLE)
    await service.remove_document("menaka.md")
    await service.add_document("menaka.md", ARTICLE)
    answer = await service.ask(QUESTIONS[0], log=False)
    assert answer.passages[0].citation.file == "menaka.md"
    assert [s.file for s in await service.sources()].count("menaka.md") == 1


def _fail_after_publishing(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database fails right after a generation is committed, as the service reads it
    back (a disk error, or a task cancelled at that point)."""
    async def disk_error(generation: int) -> list[object]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(service.store, "pieces", disk_error)


async def _published_files(service: Service) -> set[str]:
    current = await service.store.current_generation()
    assert current is not None
    return {d.file for d in await service.store.documents(current.id)}


async def test_add_failing_after_publishing_keeps_the_file_the_index_holds(
        service: Service, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_after_publishing(service, monkeypatch)
    with pytest.raises(sqlite3.OperationalError):
        await service.add_document("menaka.md", ARTICLE)
    assert "menaka.md" in await _published_files(service)
    assert (config.corpus_dir / "menaka.md").read_bytes() == ARTICLE


async def test_remove_failing_after_publishing_leaves_the_file_removed(
        service: Service, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    await service.add_document("menaka.md", ARTICLE)
    _fail_after_publishing(service, monkeypatch)
    with pytest.raises(sqlite3.OperationalError):
        await service.remove_document("menaka.md")
    assert "menaka.md" not in await _published_files(service)
    assert not (config.corpus_dir / "menaka.md").exists()
    assert not (config.corpus_dir / ".removed-menaka.md").exists()


async def test_add_failing_before_publishing_still_takes_the_file_back(
        service: Service, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    async def disk_error(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(service.store, "publish_incremental", disk_error)
    with pytest.raises(sqlite3.OperationalError):
        await service.add_document("menaka.md", ARTICLE)
    assert "menaka.md" not in await _published_files(service)
    assert not (config.corpus_dir / "menaka.md").exists()
