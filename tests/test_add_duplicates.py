"""Duplicates at add time and removing one article of a file (#13), through the service."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config
from bot.core import DocumentRejected, Service

SEEDS = Path(__file__).parent.parent / "seeds"
TWO_ARTICLES = "004_0bd10977ca86cbfa.txt"
NIGERIA_QUESTION = "Chibok school girls abduction Boko Haram Nigeria kidnappings"


def _article_two_text() -> str:
    """The second article of 004 (about Nigeria), as its own file would hold it."""
    lines = (SEEDS / TWO_ARTICLES).read_text("utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if "Nigeria" in line)
    return "\n".join(lines[start - 1:])


async def test_exact_duplicate_of_one_article_is_refused_naming_it(service: Service,
                                                                   config: Config) -> None:
    keys = sorted(d.doc_key for d in service._snapshot.documents if d.file == TWO_ARTICLES)
    assert keys == [TWO_ARTICLES, f"{TWO_ARTICLES}#2"]
    with pytest.raises(DocumentRejected, match=rf"same text as {TWO_ARTICLES}#2"):
        await service.add_document("nigeria-copy.txt", _article_two_text().encode())
    assert not (config.corpus_dir / "nigeria-copy.txt").exists()


async def test_near_duplicate_is_added_with_a_warning_naming_the_original(
        service: Service) -> None:
    seed = (SEEDS / "000_3c97b537fcf85c00.txt").read_text("utf-8")
    paragraphs = [p for p in seed.split("\n") if len(p.split()) > 12]
    republished = "\n\n".join(["Sahel Daily republishes the wire story",
                               "By Staff | Sahel Daily", *paragraphs[:5],
                               "Our correspondent in Gao adds that traders reopened the "
                               "cattle market on Friday and that schools stayed shut."])
    result = await service.add_document("sahel-daily.txt", republished.encode())
    [near] = result.near_duplicates
    assert (near.key, near.of, near.exact) == ("sahel-daily.txt", "000_3c97b537fcf85c00.txt",
                                               False)
    assert 0.5 <= near.similarity < 1.0


async def test_unrelated_article_has_no_duplicate(service: Service) -> None:
    text = ("# Menaka siege\n\nIslamic State fighters besieged Menaka for three weeks in "
            "March, cutting the road to Ansongo.\n\nAid convoys turned back at Tidermene.\n")
    result = await service.add_document("menaka.md", text.encode())
    assert result.near_duplicates == ()


async def test_remove_second_article_keeps_the_first_across_a_reindex(
        service: Service, config: Config) -> None:
    assert TWO_ARTICLES in {p.citation.file for p in
                            (await service.ask(NIGERIA_QUESTION, log=False)).passages}
    await service.remove_document(f"{TWO_ARTICLES}#2")
    keys = {d.doc_key for d in service._snapshot.documents if d.file == TWO_ARTICLES}
    assert keys == {TWO_ARTICLES}
    assert TWO_ARTICLES not in {p.citation.file for p in
                                (await service.ask(NIGERIA_QUESTION, log=False)).passages}
    assert (config.corpus_dir / TWO_ARTICLES).exists()
    await service.reindex()
    keys = {d.doc_key for d in service._snapshot.documents if d.file == TWO_ARTICLES}
    assert keys == {TWO_ARTICLES}
    live = {c.doc_key for c in service._snapshot.live_chunks()}
    assert TWO_ARTICLES in live and f"{TWO_ARTICLES}#2" not in live
    sidecar = (config.corpus_dir / f"{TWO_ARTICLES}.cite.yaml").read_text("utf-8")
    assert "removed_articles: '2'" in sidecar


async def test_remove_of_a_missing_or_only_article_is_refused(service: Service) -> None:
    with pytest.raises(DocumentRejected, match="no article #3"):
        await service.remove_document(f"{TWO_ARTICLES}#3")
    with pytest.raises(DocumentRejected, match="only article"):
        await service.remove_document("000_3c97b537fcf85c00.txt#1")


async def test_signature_table_is_saved_with_each_generation(config: Config) -> None:
    """Built with the index, saved per generation, updated by an add, read after a restart:
    the first add of a new process does not re-read the corpus."""
    folder = config.db_path.parent / "signatures"
    service = await Service.open(config)
    try:
        first = service.generation
        assert (folder / f"gen-{first}.npz").is_file()
        text = b"# Menaka siege\n\nIslamic State fighters besieged Menaka for three weeks.\n"
        await service.add_document("menaka.md", text)
        saved = folder / f"gen-{service.generation}.npz"
        stamp = saved.stat().st_mtime_ns
    finally:
        await service.close()
    reopened = await Service.open(config)
    try:
        with pytest.raises(DocumentRejected, match=r"same text as 000_3c97b537fcf85c00\.txt"):
            await reopened.add_document(
                "copy.txt", (SEEDS / "000_3c97b537fcf85c00.txt").read_bytes())
        with pytest.raises(DocumentRejected, match=r"same text as menaka\.md"):
            await reopened.add_document("copy.md", text)
        assert saved.stat().st_mtime_ns == stamp  # read, not computed again and rewritten
    finally:
        await reopened.close()


async def test_cite_after_removing_an_article_keeps_it_removed(service: Service,
                                                               config: Config) -> None:
    await service.remove_document(f"{TWO_ARTICLES}#2")
    [cited] = await service.cite(TWO_ARTICLES, {"outlet": "Sahel Wire"})
    assert cited.outlet == "Sahel Wire"
    sidecar = (config.corpus_dir / f"{TWO_ARTICLES}.cite.yaml").read_text("utf-8")
    assert "removed_articles: '2'" in sidecar and "outlet: Sahel Wire" in sidecar
    await service.reindex()
    assert [c.outlet for c in service.document_citations(TWO_ARTICLES)] == ["Sahel Wire"]


async def test_remove_with_a_number_that_is_no_decimal_is_refused_as_an_unknown_file(
        service: Service) -> None:
    """"²" passes str.isdigit() but is no number int() reads: a rejection, not a failure."""
    with pytest.raises(DocumentRejected, match="not in the corpus"):
        await service.remove_document(f"{TWO_ARTICLES}#²")


async def test_sidecar_removed_articles_ignores_what_is_no_decimal_number(
        service: Service, config: Config) -> None:
    (config.corpus_dir / f"{TWO_ARTICLES}.cite.yaml").write_text(
        "removed_articles: ², 2\n", encoding="utf-8")
    await service.reindex()
    keys = {d.doc_key for d in service._snapshot.documents if d.file == TWO_ARTICLES}
    assert keys == {TWO_ARTICLES}
