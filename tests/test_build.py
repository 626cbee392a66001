"""Reindex (#13): one build, progress through every stage, the same index with a process pool."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from pathlib import Path

import pytest

from bench.news_corpus import check_free_of_seed_names, generate
from bot.cli import main
from bot.config import Config
from bot.core import Service
from bot.progress import LogProgress
from index import build, ingest
from index.analyze import analyze
from index.build import BM25Params, BuiltIndex, build_index, dated_chunks, document_row
from index.chunk import indexed_text, section_row
from index.ingest import load_corpus
from index.progress import BUILDING, PREPARING, PUBLISHING, READING, STAGES
from tests.conftest import SEEDS

CAP = 2_000_000


@pytest.fixture
def config_file(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("corpus: {dir: corpus}\ndata: {path: data/db.sqlite3}\n"
                    "logging: {salt_file: data/salt}\n")
    return path


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """The seeds, 40 generated news files, and a copy of one seed (skipped as a duplicate)."""
    folder = tmp_path / "news"
    shutil.copytree(SEEDS, folder)
    generate(folder, 40, seed=3)
    shutil.copy(SEEDS / "000_3c97b537fcf85c00.txt", folder / "zz_copy.txt")
    return folder


# ------------------------------------------------------------------ one build

def test_first_reindex_of_a_new_data_folder_builds_once(
        config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "reindex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("generation 1: 6 documents"), out  # opening built no generation 0


def test_reindex_of_a_published_index_still_rebuilds_once(
        config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "reindex"]) == 0
    assert main(["--config", str(config_file), "reindex"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("generation 2: 6 documents")


# ------------------------------------------------------------------ same output

def _reference_build(folder: Path) -> BuiltIndex:
    """The pipeline as it was before #13: load_corpus, then chunk and analyse in order."""
    documents, skipped = load_corpus(folder, CAP)
    chunks = [chunk for doc in documents for chunk in dated_chunks(doc)]
    tokens = [analyze(indexed_text(c)) for c in chunks]
    sections = [section_row(doc.key, i, s) for doc in documents for i, s in enumerate(doc.sections)]
    engine = build.BM25(tokens)
    return BuiltIndex("", [document_row(d) for d in documents], sections, chunks,
                      engine, skipped)


def _assert_same(built: BuiltIndex, reference: BuiltIndex) -> None:
    assert built.documents == reference.documents
    assert built.sections == reference.sections
    assert built.chunks == reference.chunks
    assert built.skipped == reference.skipped
    assert built.engine is not None and reference.engine is not None
    assert built.engine.n_docs == reference.engine.n_docs
    assert built.engine.occurrences() == reference.engine.occurrences()


def test_sequential_build_has_the_passages_of_the_old_pipeline(news: Path) -> None:
    built = build_index(news, CAP, BM25Params())
    reference = _reference_build(news)
    assert any("zz_copy.txt duplicates" in s for s in reference.skipped)
    assert len({c.doc_key for c in built.chunks}) > 40  # two-article files split
    _assert_same(built, reference)


def test_process_pool_build_is_identical_to_sequential(
        news: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sequential = build_index(news, CAP, BM25Params())
    monkeypatch.setattr(build, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(build, "POOL_MIN_BYTES", 0)
    used: list[int] = []
    real_count = build._worker_count

    def counted(files: list[Path]) -> int:
        used.append(max(2, real_count(files)))  # two workers even on a one-core machine
        return used[-1]

    monkeypatch.setattr(build, "_worker_count", counted)
    pooled = build_index(news, CAP, BM25Params())
    assert used and used[0] >= 2
    assert pooled.corpus_hash == sequential.corpus_hash
    assert pooled.surface == sequential.surface
    _assert_same(pooled, _reference_build(news))


PARENT = os.getpid()
REAL_PREPARE = build.prepare_file


def _dies_in_a_worker(path: Path, max_bytes: int) -> build.PreparedFile:
    """prepare_file, except in a worker process, which it kills (as an OOM killer would)."""
    if os.getpid() != PARENT:
        os._exit(9)
    return REAL_PREPARE(path, max_bytes)


def test_a_worker_that_dies_leaves_the_build_to_the_main_process(
        news: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(build, "_worker_count", lambda files: 2)
    monkeypatch.setattr(build, "prepare_file", _dies_in_a_worker)
    built = build_index(news, CAP, BM25Params())
    assert "a build worker process died" in caplog.text
    _assert_same(built, _reference_build(news))


def test_small_corpus_starts_no_pool(corpus: Path) -> None:
    assert build._worker_count(ingest.corpus_files(corpus)) == 1


def test_clean_inline_matches_the_character_filter_it_replaced() -> None:
    samples = ["a\x00b\tc\x1f d\u00a0e\x7f  f", "\x0b\x0c tab\t\tsplit \x08", "plain text"]
    for text in samples:
        old = "".join(ch for ch in text if ch >= " " or ch == "\t").replace("\u00a0", " ")
        assert ingest._clean_inline(text) == re.sub(r"[ \t]+", " ", old).strip()


# ------------------------------------------------------------------ progress

class StageRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        self.calls.append((stage, done, total))


async def test_reindex_reports_every_stage_in_order(config: Config) -> None:
    service = await Service.open(config)
    try:
        recorder = StageRecorder()
        await service.reindex(recorder)
    finally:
        await service.close()
    stages = list(dict.fromkeys(stage for stage, _, _ in recorder.calls))
    assert stages == list(STAGES) == [READING, PREPARING, BUILDING, PUBLISHING]
    for stage in STAGES:
        seen = [(done, total) for name, done, total in recorder.calls if name == stage]
        assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]  # starts at 0, ends full
    assert ("cleaning, chunking and analysing", 5, 5) in recorder.calls


async def test_two_argument_progress_is_full_only_once_published(config: Config) -> None:
    calls: list[tuple[int, int]] = []
    service = await Service.open(config)
    try:
        await service.reindex(lambda done, total: calls.append((done, total)))
    finally:
        await service.close()
    assert calls[-1] == (5, 5)  # five files (one with a sidecar)
    assert all(done < total for done, total in calls[:-1])
    assert calls.count((4, 5)) >= 2  # counts files, then holds short of full while
    # the index is built and published


def test_reindex_not_on_a_terminal_logs_each_stage(
        config_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="conflictbot.progress")
    assert main(["--config", str(config_file), "reindex"]) == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "conflictbot.progress"]
    for stage in STAGES:
        assert f"{stage}: started" in "\n".join(lines)
        assert any(line.startswith(f"{stage}: done") for line in lines)


def test_log_progress_every_tenth_or_five_seconds() -> None:
    now = [0.0]
    logger = logging.getLogger("test.progress")
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger.addHandler(Keep())
    logger.setLevel(logging.INFO)
    progress = LogProgress(logger, clock=lambda: now[0])
    for done in range(101):
        progress(done, 1000, stage="reading")  # 10%: every 100 files
    assert lines == ["reading: started (1000 to do)", "reading: 100/1000 (10%)"]
    now[0] = 5.0
    progress(101, 1000, stage="reading")
    assert lines[-1] == "reading: 101/1000 (10%)"
    progress(1000, 1000, stage="reading")
    assert lines[-1] == "reading: done (1000/1000)"


# ------------------------------------------------------------------ bench corpus

def test_news_corpus_is_deterministic_and_free_of_seed_names(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 25, seed=7)
    second = generate(tmp_path / "b", 25, seed=7)
    assert [p.read_text() for p in first] == [p.read_text() for p in second]
    assert check_free_of_seed_names(first) == set()
    text = first[0].read_text()
    assert "\nPublished " in text and " - " in text.split("\n\n")[2]
    assert check_free_of_seed_names([SEEDS / "000_3c97b537fcf85c00.txt"])  # the check bites


# The seeds' index (the engine's checksum - vocabulary, arrays, BM25 parameters - and what
# each passage stores beside its text: its event dates) for each PIPELINE_VERSION. A saved
# generation is rebuilt at start only when the corpus fingerprint, which holds the version,
# changes: an index built by older code would otherwise keep serving.
SEEDS_INDEX_DIGEST = {6: "5e15d266e5e0c9c8d2c71993a2672ba7c0df552baf0b9cf7a12376b9e073429d"}


def _seeds_index_digest(service: Service, params: Path) -> str:
    checksum = json.loads(params.read_text(encoding="utf-8"))["checksum"]
    snapshot = service._snapshot
    stored = [(chunk.text, chunk.event_dates)
              for chunk in (snapshot.chunks[i] for i in range(len(snapshot.chunks)))]
    return hashlib.sha256(json.dumps([checksum, stored]).encode()).hexdigest()


async def test_what_is_indexed_changes_only_with_the_pipeline_version(
        service: Service, tmp_path: Path) -> None:
    params = tmp_path / "data" / "index" / f"gen-{service.generation}" / "params.json"
    digest = _seeds_index_digest(service, params)
    assert SEEDS_INDEX_DIGEST.get(build.PIPELINE_VERSION) == digest, (
        "the seeds' index changed: bump index.build.PIPELINE_VERSION (saved generations are "
        f"then rebuilt at start) and record {digest!r} for it here")


async def test_an_index_saved_by_an_older_pipeline_is_rebuilt_at_start(
        config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    first = await Service.open(config)
    built = first.generation
    await first.close()
    again = await Service.open(config)  # same code, same corpus: the saved index serves
    assert again.generation == built
    await again.close()
    monkeypatch.setattr(build, "PIPELINE_VERSION", build.PIPELINE_VERSION + 1)
    upgraded = await Service.open(config)
    try:
        assert upgraded.generation > built
    finally:
        await upgraded.close()
