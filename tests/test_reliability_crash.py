"""Crashes, corruption, concurrency and locking: nothing is lost, nobody steps on anybody."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import Config
from bot.core import Service
from tests.conftest import ROOT, SEEDS
from tests.crash_worker import added_content

QUESTION = "Who did Wagner fight at Tinzaouatene?"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start_worker(config_file: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "crash_worker.py"),
                             str(config_file)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


async def _check_recovered(config: Config, corpus: Path) -> int:
    service = await Service.open(config)
    try:
        answer = await service.ask(QUESTION)
        assert "Tuareg-led separatists" in answer.passages[0].text
        assert await service.store.integrity_ok()
        current = await service.store.current_generation()
        assert current is not None and current.id == service.generation
        assert await service.store.unpublished_generation_ids() == []
        kept = await service.store.generation_ids()  # the current, perhaps the previous
        assert current.id in kept and len(kept) <= 2
        folders = {p.name for p in (config.db_path.parent / "index").glob("gen-*")}
        assert folders == {f"gen-{g}" for g in kept if current.passages}
        return service.generation
    finally:
        await service.close()


async def test_sigkill_during_reindex_and_add_loses_nothing(
        tmp_path: Path, config: Config, corpus: Path) -> None:
    config_file = tmp_path / "config.yaml"
    config_file.write_text("corpus: {dir: corpus}\ndata: {path: data/bot.sqlite3}\n"
                           "logging: {salt_file: data/salt}\n")
    seeds = {p.name: _digest(p) for p in SEEDS.iterdir()}
    rng = random.Random(20261122)
    for _ in range(20):
        worker = _start_worker(config_file)
        time.sleep(rng.uniform(0.0, 0.6))
        worker.kill()
        worker.wait()
        await _check_recovered(config, corpus)
        assert {p.name: _digest(p) for p in corpus.iterdir() if p.name in seeds} == seeds
        for path in corpus.iterdir():
            assert not path.name.startswith("."), path.name  # no parked or temporary files
            if path.name.startswith("added-"):
                assert path.read_bytes() == added_content(path.name)


@pytest.mark.parametrize("damage", ["truncate", "delete", "garble-params", "delete-folder"])
async def test_damaged_index_files_are_rebuilt_with_one_warning(
        config: Config, damage: str, caplog: pytest.LogCaptureFixture) -> None:
    first = await Service.open(config)
    generation = first.generation
    await first.close()
    folder = config.db_path.parent / "index" / f"gen-{generation}"
    if damage == "truncate":
        data = (folder / "impacts.npy").read_bytes()
        (folder / "impacts.npy").write_bytes(data[: len(data) // 2])
    elif damage == "delete":
        (folder / "vocab.json").unlink()
    elif damage == "garble-params":
        (folder / "params.json").write_text('{"version": 999')
    else:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    with caplog.at_level(logging.WARNING):
        second = await Service.open(config)
    try:
        assert second.generation > generation
        assert "Tuareg-led separatists" in (await second.ask(QUESTION)).passages[0].text
    finally:
        await second.close()
    warnings = [r for r in caplog.records if "unusable" in r.getMessage()]
    assert len(warnings) == 1


async def test_questions_during_reindex_and_add_are_all_answered(service: Service) -> None:
    async def asker() -> list[tuple[int, str]]:
        out = []
        for _ in range(200):
            answer = await service.ask(QUESTION, user="tg:1")
            out.append((answer.generation, answer.passages[0].text))
            await asyncio.sleep(0)
        return out

    answers, _, _ = await asyncio.gather(
        asker(), service.reindex(),
        service.add_document("extra.md", b"# Extra\n\nA convoy was attacked near Gao."))
    assert len(answers) == 200
    assert all("Tuareg-led separatists" in text for _, text in answers)
    generations = [g for g, _ in answers]
    assert generations == sorted(generations)  # each answer from one generation, never older


async def test_second_process_on_the_same_data_shares_it(service: Service, tmp_path: Path
                                                         ) -> None:
    second = await Service.open(service.config)  # issue #11: readers are never refused
    try:
        assert second.generation == service.generation
        assert "Tuareg-led separatists" in (await second.ask(QUESTION)).passages[0].text
    finally:
        await second.close()
    config_file = tmp_path / "config.yaml"
    config_file.write_text("corpus: {dir: corpus}\ndata: {path: data/bot.sqlite3}\n"
                           "logging: {salt_file: data/salt}\n")
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config_file), "sources"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "004_0bd10977ca86cbfa.txt" in result.stdout


async def test_data_files_are_owner_only(service: Service, config: Config) -> None:
    data = config.db_path.parent
    assert data.stat().st_mode & 0o777 == 0o700
    assert config.db_path.stat().st_mode & 0o777 == 0o600
    assert config.salt_path.stat().st_mode & 0o777 == 0o600
    assert (data / "index").stat().st_mode & 0o777 == 0o700


async def test_old_query_rows_are_pruned(config: Config) -> None:
    service = await Service.open(config)
    await service.ask(QUESTION, user="tg:1")
    await service.close()
    with sqlite3.connect(config.db_path) as db:
        db.execute("UPDATE queries SET ts = ts - 40 * 86400")
    service = await Service.open(config)
    await service.ask("Who is Andriy Yusov?", user="tg:1")
    await service.close()
    with sqlite3.connect(config.db_path) as db:
        questions = [r[0] for r in db.execute("SELECT question FROM queries")]
    assert questions == ["Who is Andriy Yusov?"]
