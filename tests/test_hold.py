"""A generation held in memory takes the pieces it shares with the one it replaces from
there: publishing an /add reads only the added piece from the store, and the passages and
answers are those a full read gives (#10)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

import bot.core
from bot.config import Config
from bot.core import Service
from index.store import GenerationPassages, PassageReader
from tests.conftest import make_config

ARTICLE = (b"# Menaka siege\n\nIslamic State fighters besieged Menaka for three weeks in "
           b"March, cutting the road to Ansongo.\n\nAid convoys turned back at Tidermene.\n")
QUESTION = "Who besieged Menaka?"


class CountingReader(PassageReader):
    """The real passage reader, recording each piece it reads whole and each single read."""

    pieces_read: ClassVar[list[int]] = []
    passages_read: ClassVar[list[tuple[int, int]]] = []

    def piece_passages(self, piece: int) -> list[Sequence[Any]]:
        CountingReader.pieces_read.append(piece)
        return super().piece_passages(piece)

    def passage(self, piece: int, ordinal: int) -> Sequence[Any] | None:
        CountingReader.passages_read.append((piece, ordinal))
        return super().passage(piece, ordinal)

    @classmethod
    def forget(cls) -> None:
        cls.pieces_read, cls.passages_read = [], []


@pytest.fixture
async def counted(config: Config, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A service whose every passage read goes through CountingReader."""
    monkeypatch.setattr(bot.core, "PassageReader", CountingReader)
    CountingReader.forget()
    service = await Service.open(config)
    yield service
    await service.close()


def held(service: Service) -> GenerationPassages:
    chunks = service._snapshot.chunks
    assert isinstance(chunks, GenerationPassages) and chunks.held
    return chunks


def fully_read(config: Config, passages: GenerationPassages) -> GenerationPassages:
    """The same generation held by reading every piece from the store."""
    fresh = GenerationPassages(CountingReader(config.db_path), passages.generation,
                               passages.pieces, passages.documents)
    assert fresh.hold()
    return fresh


async def test_publishing_an_add_reads_only_the_added_piece(counted: Service) -> None:
    before = {p.piece for p in held(counted).pieces}
    assert set(CountingReader.pieces_read) == before  # the start read every piece once
    CountingReader.forget()
    await counted.add_document("menaka.md", ARTICLE)
    after = held(counted)
    added = [p.piece for p in after.pieces if p.piece not in before]
    assert len(added) == 1 and before < {p.piece for p in after.pieces}
    assert CountingReader.pieces_read == added
    assert CountingReader.passages_read == []


async def test_a_full_read_reads_every_piece(counted: Service, config: Config) -> None:
    await counted.add_document("menaka.md", ARTICLE)
    passages = held(counted)
    CountingReader.forget()
    fully_read(config, passages)
    assert sorted(CountingReader.pieces_read) == sorted(p.piece for p in passages.pieces)
    assert len(CountingReader.pieces_read) >= 2


async def test_passages_held_after_an_add_are_those_a_full_read_gives(
        counted: Service, config: Config) -> None:
    await counted.add_document("menaka.md", ARTICLE)
    await counted.add_document("menaka2.md", ARTICLE.replace(b"three", b"four"))
    passages = held(counted)
    fresh = fully_read(config, passages)
    assert list(passages) == list(fresh)
    assert any(chunk.file == "menaka2.md" for chunk in passages)


async def test_answers_after_an_add_equal_those_of_a_fresh_start(
        counted: Service, config: Config) -> None:
    await counted.add_document("menaka.md", ARTICLE)
    after_add = await counted.ask(QUESTION, log=False)
    await counted.close()
    reopened = await Service.open(config)
    try:
        fresh = await reopened.ask(QUESTION, log=False)
    finally:
        await reopened.close()
    assert after_add.passages and after_add.passages[0].citation.file == "menaka.md"
    assert after_add.passages == fresh.passages


async def test_a_removal_reads_no_passage_and_tombstones_the_removed(
        counted: Service, config: Config) -> None:
    await counted.add_document("menaka.md", ARTICLE)
    CountingReader.forget()
    await counted.remove_document("menaka.md")
    passages = held(counted)
    assert CountingReader.pieces_read == [] and CountingReader.passages_read == []
    assert list(passages) == list(fully_read(config, passages))
    assert not any(chunk.file == "menaka.md" for chunk in passages)
    answer = await counted.ask(QUESTION, log=False)
    assert all(p.citation.file != "menaka.md" for p in answer.passages)


async def test_a_generation_another_process_published_is_held_reading_only_its_new_piece(
        tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.core, "PassageReader", CountingReader)
    reader = await Service.open(make_config(tmp_path, data={"refresh_seconds": 3600}))
    writer = await Service.open(make_config(tmp_path))
    try:
        before = {p.piece for p in held(reader).pieces}
        await writer.add_document("menaka.md", ARTICLE)
        CountingReader.forget()
        assert await reader.refresh()
        passages = held(reader)
        assert CountingReader.pieces_read == [p.piece for p in passages.pieces
                                              if p.piece not in before]
        assert len(CountingReader.pieces_read) == 1
        assert list(passages) == list(held(writer))
    finally:
        await reader.close()
        await writer.close()
