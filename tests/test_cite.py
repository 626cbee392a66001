"""/cite in the core (#12): validated, written as the sidecar, applied to the live index
without a reindex, kept by the next start, and picked up by other processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config
from bot.core import DocumentRejected, Service
from index.build import corpus_fingerprint

FILE = "004_0bd10977ca86cbfa.txt"
QUESTION = "Who did Wagner fight at Tinzaouatene?"


async def test_cite_applies_to_answers_without_a_reindex(service: Service,
                                                         corpus: Path) -> None:
    generation = service.generation
    changes = {"outlet": "Al Jazeera", "date": "5 August 2024",
               "url": "https://www.aljazeera.com/news/x"}
    cited, *_later_articles = await service.cite(FILE, changes)
    assert (cited.outlet, cited.published) == ("Al Jazeera", "2024-08-05")
    top = (await service.ask(QUESTION)).passages[0].citation
    assert top.file == FILE and top.outlet == "Al Jazeera" and top.published == "2024-08-05"
    assert top.url == "https://www.aljazeera.com/news/x"
    assert service.generation == generation  # no reindex
    sidecar = (corpus / f"{FILE}.cite.yaml").read_text(encoding="utf-8")
    assert "outlet: Al Jazeera" in sidecar and "2024-08-05" in sidecar


async def test_next_start_keeps_the_generation_and_the_citation(config: Config) -> None:
    first = await Service.open(config)
    generation = first.generation
    await first.cite(FILE, {"outlet": "Al Jazeera"})
    current = await first.store.current_generation()
    assert current is not None and current.corpus_hash == corpus_fingerprint(
        config.corpus_dir, config.corpus.max_file_bytes)
    await first.close()
    again = await Service.open(config)
    try:
        assert again.generation == generation  # not rebuilt
        assert (await again.ask(QUESTION)).passages[0].citation.outlet == "Al Jazeera"
    finally:
        await again.close()


async def test_other_processes_pick_up_a_cite_on_refresh(config: Config) -> None:
    first, second = await Service.open(config), await Service.open(config)
    try:
        await first.cite(FILE, {"author": "Jane Doe"})
        assert (await second.ask(QUESTION)).passages[0].citation.author == ""
        await second.refresh()
        assert (await second.ask(QUESTION)).passages[0].citation.author == "Jane Doe"
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize(("changes", "says"), [
    ({"outlet": "X", "colour": "red"}, "colour"),
    ({"date": "last Tuesday"}, "not a date"),
    ({"url": "ftp://example.org/a"}, "http"),
    ({"language": "French!"}, "language"),
    ({"title": "Another title"}, "title"),
])
async def test_bad_values_are_refused_and_nothing_is_written(
        service: Service, corpus: Path, changes: dict[str, str], says: str) -> None:
    with pytest.raises(DocumentRejected, match=says):
        await service.cite(FILE, changes)
    assert not (corpus / f"{FILE}.cite.yaml").exists()
    assert (await service.ask(QUESTION)).passages[0].citation.outlet == ""


async def test_unknown_file_is_refused(service: Service) -> None:
    with pytest.raises(DocumentRejected, match="not in the corpus"):
        await service.cite("nope.txt", {"outlet": "X"})
