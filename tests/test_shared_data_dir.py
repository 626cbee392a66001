"""Issue #11: several processes on one data directory.

The bot is the real `conflictbot telegram` process against tests/fake_telegram.py; the shell
commands are real `conflictbot ask` / `conflictbot reindex` processes on the same data folder.
Every wait polls with a deadline; no fixed sleep decides an outcome.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import re
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Config
from bot.core import DataDirBusy, DataDirLock, Service, WriterBusy
from tests.conftest import ROOT, SEEDS, make_config
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import TOKEN, WAGNER_QUESTION

DEADLINE = 60.0  # generous for a loaded machine: only a hang reaches it
USER = 5005
NEW_DOC = ("# Zorbatrax strike near Kidal\n\n"
           "A Zorbatrax drone strike destroyed a fuel depot near Kidal on 3 March, local "
           "officials said. The Zorbatrax strike was the third on the depot this year.\n")
NEW_QUESTION = "What did the Zorbatrax drone strike destroy near Kidal?"
NEW_ANSWER = "fuel depot"
WAGNER_ANSWER = "Tuareg-led separatists"


# ---------------------------------------------------------------- helpers


def _write_config(tmp_path: Path, fake: FakeTelegram | None = None, **data: Any) -> Path:
    raw: dict[str, Any] = {
        "corpus": {"dir": "corpus"},
        "data": {"path": "data/bot.sqlite3", "refresh_seconds": 0.2, **data},
        "logging": {"salt_file": "data/salt"},
        "flood": {"questions": 10_000},  # the tests ask again and again while polling
    }
    if fake is not None:
        raw["telegram"] = {"base_url": fake.base_url, "base_file_url": fake.base_file_url}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}


# `conflictbot` whose first publishing stalls (after the generation's row and folder exist):
# a SIGKILL then lands midway through a build, every time.
STALLED_PUBLISH = """
import sys, time
from index.store import Store
async def stalled(self, *args):
    print("publishing", flush=True)
    time.sleep(3600)
Store.publish_generation = stalled
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


async def _spawn(config: Path, *args: str, stall: bool = False) -> asyncio.subprocess.Process:
    command = ["-c", STALLED_PUBLISH] if stall else ["-m", "bot"]
    return await asyncio.create_subprocess_exec(
        sys.executable, *command, "--config", str(config), *args,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=ROOT, env=_env())


async def _finish(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    try:
        out, err = await asyncio.wait_for(process.communicate(), DEADLINE)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"a conflictbot command still ran after {DEADLINE:.0f} s")
    assert process.returncode is not None
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace")


async def _cli(config: Path, *args: str) -> tuple[int, str, str]:
    return await _finish(await _spawn(config, *args))


async def _until(check: Callable[[], Awaitable[Any]], what: str,
                 timeout: float = DEADLINE) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def _telegram_bot(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, Path]]:
    """The real `conflictbot telegram` process, polling the fake server."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    config = _write_config(tmp_path, fake)
    bot = await _spawn(config, "telegram")
    try:
        await fake.wait_for(lambda: fake.calls_to("getUpdates"), DEADLINE, "the bot to poll")
        yield fake, config
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(bot.communicate(), DEADLINE)
            except TimeoutError:
                bot.kill()
                await bot.wait()
        await fake.stop()


async def _bot_answer(fake: FakeTelegram, question: str) -> str:
    """Ask the running bot; the text of its reply."""
    before = len(fake.sent(USER))
    fake.inject(fake.message(question, user_id=USER))
    replies = await fake.wait_for(lambda: fake.sent(USER)[before:], DEADLINE, "a reply")
    return str(replies[0].params["text"])


async def _bot_answers_with(fake: FakeTelegram, question: str, needle: str) -> str:
    async def check() -> str | None:
        text = await _bot_answer(fake, question)
        return text if needle in text else None
    return str(await _until(check, f"the bot to answer {question!r} with {needle!r}"))


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db, timeout=30) as connection:
        return list(connection.execute(sql))


def _leftovers(tmp_path: Path) -> tuple[list[tuple[Any, ...]], list[str]]:
    """Unpublished generation rows, and generation folders of no published generation."""
    db = tmp_path / "data" / "bot.sqlite3"
    building = _rows(db, "SELECT id FROM generations WHERE status != 'ready'")
    ready = {f"gen-{row[0]}" for row in _rows(db, "SELECT id FROM generations")}
    folders = [p.name for p in (tmp_path / "data" / "index").glob("gen-*")
               if p.name not in ready]
    return building, folders


def _bulk_corpus(folder: Path, documents: int) -> None:
    """Distinct synthetic reports, so that a reindex takes long enough to be caught."""
    rng = random.Random(11)
    words = [f"w{n}" for n in range(4000)]
    for i in range(documents):
        paragraphs = ["Report {i}: " + " ".join(rng.choices(words, k=90)) + "."
                      for _ in range(8)]
        (folder / f"bulk-{i:04d}.md").write_text(f"# Bulk {i}\n\n" + "\n\n".join(paragraphs))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


# ---------------------------------------------------------------- (a) shell beside the bot


async def test_shell_ask_and_reindex_beside_a_running_bot(tmp_path: Path, corpus: Path) -> None:
    async with _telegram_bot(tmp_path) as (fake, config):
        assert WAGNER_ANSWER in await _bot_answer(fake, WAGNER_QUESTION)
        code, out, err = await _cli(config, "ask", "--json", WAGNER_QUESTION)
        assert code == 0, err
        assert WAGNER_ANSWER in out
        (corpus / "zorbatrax.md").write_text(NEW_DOC)
        code, out, err = await _cli(config, "reindex")
        assert code == 0, err
        assert "another conflictbot process" not in err
        assert NEW_ANSWER in await _bot_answers_with(fake, NEW_QUESTION, NEW_ANSWER)
        code, out, err = await _cli(config, "ask", "--json", NEW_QUESTION)
        assert code == 0 and NEW_ANSWER in out, err


# ---------------------------------------------------------------- (b) SIGKILL of the shell


async def test_sigkill_of_shell_reindex_leaves_the_bot_on_the_old_generation(
        tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    async with _telegram_bot(tmp_path) as (fake, config):
        assert WAGNER_ANSWER in await _bot_answer(fake, WAGNER_QUESTION)
        published = _rows(db, "SELECT value FROM meta WHERE key='current_generation'")
        (corpus / "zorbatrax.md").write_text(NEW_DOC)
        shell = await _spawn(config, "reindex", stall=True)
        assert shell.stdout is not None
        line = await asyncio.wait_for(shell.stdout.readline(), DEADLINE)
        assert line.strip() == b"publishing"
        shell.kill()  # SIGKILL between saving a generation and publishing it
        await shell.wait()
        assert _rows(db, "SELECT value FROM meta WHERE key='current_generation'") == published
        assert WAGNER_ANSWER in await _bot_answer(fake, WAGNER_QUESTION)
        assert NEW_ANSWER not in await _bot_answer(fake, NEW_QUESTION)
        assert _leftovers(tmp_path)[0], "the killed build left nothing to clean up"

        code, _, err = await _cli(config, "reindex")  # the next writer cleans up
        assert code == 0, err
        assert _leftovers(tmp_path) == ([], [])
        assert NEW_ANSWER in await _bot_answers_with(fake, NEW_QUESTION, NEW_ANSWER)
    assert not list(corpus.glob(".*"))


# ---------------------------------------------------------------- (c) two writers


async def test_two_shell_reindexes_do_not_interleave(tmp_path: Path, corpus: Path) -> None:
    config = _write_config(tmp_path)
    code, _, err = await _cli(config, "sources")  # the first build, at first use
    assert code == 0, err
    _bulk_corpus(corpus, 300)
    first, second = await _spawn(config, "reindex"), await _spawn(config, "reindex")
    (code1, out1, err1), (code2, out2, err2) = await asyncio.gather(
        _finish(first), _finish(second))
    assert (code1, code2) == (0, 0), err1 + err2
    waited = [err for err in (err1, err2) if "waiting up to" in err]
    assert len(waited) >= 1, err1 + err2
    holder = re.compile(rf"another conflictbot process \(pid ({first.pid}|{second.pid})\) is "
                        "(reindexing|preparing the index in)")
    assert all(holder.search(err) for err in waited), waited
    assert _leftovers(tmp_path) == ([], [])
    generations = [int(line.split()[1].rstrip(":")) for line in (out1 + out2).splitlines()
                   if line.startswith("generation ")]
    assert len(set(generations)) == 2


async def test_builds_of_two_services_never_overlap(
        config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.core

    spans: list[tuple[float, float]] = []
    real_build = bot.core.build_index

    def timed_build(*args: Any) -> Any:
        started = time.monotonic()
        time.sleep(0.2)  # widen the window two interleaved builds would share
        try:
            return real_build(*args)
        finally:
            spans.append((started, time.monotonic()))

    first, second = await Service.open(config), await Service.open(config)
    monkeypatch.setattr(bot.core, "build_index", timed_build)
    try:
        results = await asyncio.gather(first.reindex(), second.reindex(),
                                       second.add_document("zorbatrax.md", NEW_DOC.encode()))
    finally:
        await first.close()
        await second.close()
    assert len({r.generation for r in results}) == 3
    spans.sort()
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans))


async def test_a_writer_waits_a_bounded_time_then_names_the_holder(tmp_path: Path,
                                                                   corpus: Path) -> None:
    config = make_config(tmp_path, data={"writer_wait_seconds": 0.3})
    service = await Service.open(config)
    holder = DataDirLock.acquire(config.db_path.parent, "reindexing")
    told: list[str] = []
    try:
        started = time.monotonic()
        with pytest.raises(WriterBusy, match=rf"\(pid {os.getpid()}\) is reindexing"):
            await service.reindex(waiting=told.append)
        assert time.monotonic() - started >= 0.3
        assert len(told) == 1 and f"pid {os.getpid()}" in told[0]
        assert WAGNER_ANSWER in (await service.ask(WAGNER_QUESTION)).passages[0].text
    finally:
        holder.close()
        await service.close()


async def test_shell_reindex_says_it_waits_for_the_other_writer(tmp_path: Path,
                                                                corpus: Path) -> None:
    config = _write_config(tmp_path, writer_wait_seconds=0.5)
    assert (await _cli(config, "sources"))[0] == 0
    holder = DataDirLock.acquire(tmp_path / "data", "reindexing")
    try:
        code, _, err = await _cli(config, "reindex")
        ask_code, ask_out, ask_err = await _cli(config, "ask", "--json", WAGNER_QUESTION)
    finally:
        holder.close()
    assert code == 1 and "Traceback" not in err
    assert f"another conflictbot process (pid {os.getpid()}) is reindexing" in err
    assert "waiting up to 0.5 s" in err and "gave up" in err
    assert ask_code == 0 and WAGNER_ANSWER in ask_out, ask_err  # readers are never refused


async def test_first_start_without_an_index_waits_for_the_writer(tmp_path: Path,
                                                                 corpus: Path) -> None:
    config = make_config(tmp_path, data={"writer_wait_seconds": 0.2})
    holder = DataDirLock.acquire(config.db_path.parent, "reindexing")
    try:
        with pytest.raises(DataDirBusy, match=rf"\(pid {os.getpid()}\) is reindexing"):
            await Service.open(config)
    finally:
        holder.close()
    service = await Service.open(config)  # the writer gone, the first build runs
    try:
        assert WAGNER_ANSWER in (await service.ask(WAGNER_QUESTION)).passages[0].text
    finally:
        await service.close()


# ---------------------------------------------------------------- (d) two bot services


async def test_two_services_both_answer_and_both_see_a_new_generation(
        tmp_path: Path, corpus: Path) -> None:
    config = make_config(tmp_path, data={"refresh_seconds": 0.1})
    first, second = await Service.open(config), await Service.open(config)
    try:
        for service in (first, second):
            assert WAGNER_ANSWER in (await service.ask(WAGNER_QUESTION)).passages[0].text
        result = await first.add_document("zorbatrax.md", NEW_DOC.encode())
        assert NEW_ANSWER in (await first.ask(NEW_QUESTION)).passages[0].text

        async def second_sees_it() -> bool:
            return second.generation == result.generation
        await _until(second_sees_it, "the second service to swap in the new generation", 10)
        assert NEW_ANSWER in (await second.ask(NEW_QUESTION)).passages[0].text
        removed = await second.remove_document("zorbatrax.md")  # curation composes

        async def first_sees_it() -> bool:
            return first.generation == removed.generation
        await _until(first_sees_it, "the first service to swap in the removal", 10)
        assert (await first.ask(NEW_QUESTION)).abstained
    finally:
        await first.close()
        await second.close()


async def test_query_ids_are_unique_across_processes_and_feedback_works(
        tmp_path: Path, corpus: Path) -> None:
    config = make_config(tmp_path)
    first, second = await Service.open(config), await Service.open(config)
    try:
        answers = [await s.ask(WAGNER_QUESTION, user="tg:1") for s in (first, second) * 3]
        ids = [a.query_id for a in answers]
        assert None not in ids and len(set(ids)) == len(ids)
        await first.usage.flush_queries()
        await second.usage.flush_queries()
        logged = _rows(config.db_path, "SELECT id FROM queries")
        assert sorted(int(r[0]) for r in logged) == sorted(i for i in ids if i is not None)
        theirs = answers[0]  # asked through `first`, voted on through `second`
        assert await second.feedback(user="tg:2", chunk_id=theirs.passages[0].chunk_id,
                                     value=1, query_id=theirs.query_id)
        assert (await first.stats()).feedback_up == 1
    finally:
        await first.close()
        await second.close()


async def test_aliases_added_in_one_process_reach_the_other(tmp_path: Path,
                                                            corpus: Path) -> None:
    config = make_config(tmp_path, data={"refresh_seconds": 0.1})
    first, second = await Service.open(config), await Service.open(config)
    try:
        await first.add_alias("Zorbatrax = JNIM")

        async def second_knows_it() -> bool:
            return second.aliases.lookup("Zorbatrax") is not None
        await _until(second_knows_it, "the second service to reload the alias file", 10)
        await second.add_alias("Blorpistan = Mali")

        async def first_knows_it() -> bool:
            return "Blorpistan" in {name for name, _ in first.added_aliases()}
        await _until(first_knows_it, "the first service to reload the alias file", 10)
        assert "Zorbatrax" in {name for name, _ in first.added_aliases()}
        saved = (config.db_path.parent / "aliases.yaml").read_text()
        assert "Zorbatrax" in saved and "Blorpistan" in saved  # neither lost the other's
    finally:
        await first.close()
        await second.close()


async def test_a_reader_on_a_retired_generation_still_answers(tmp_path: Path,
                                                              corpus: Path) -> None:
    reader_config = make_config(tmp_path, data={"refresh_seconds": 3600})
    reader = await Service.open(reader_config)
    writer = await Service.open(make_config(tmp_path))
    try:
        old = reader.generation
        chunk_id = (await reader.ask(WAGNER_QUESTION)).passages[0].chunk_id
        await writer.reindex()
        await writer.reindex()  # retires `old`: only the current and the previous stay
        assert old not in await writer.store.generation_ids()
        assert reader.generation == old
        answer = await reader.ask(WAGNER_QUESTION)
        assert WAGNER_ANSWER in answer.passages[0].text
        full = await reader.full_text(chunk_id)
        assert full is not None and WAGNER_ANSWER in full.text  # from the passage itself
        assert await reader.refresh()
        assert reader.generation == writer.generation
    finally:
        await reader.close()
        await writer.close()


async def test_query_ids_stay_unique_when_the_database_refuses_a_reservation(
        tmp_path: Path, corpus: Path, caplog: pytest.LogCaptureFixture) -> None:
    service = await Service.open(make_config(tmp_path))
    try:
        await service.store._db.execute("PRAGMA query_only = 1")  # every write now fails
        ids = [(await service.ask(WAGNER_QUESTION, user="tg:1")).query_id for _ in range(5)]
        assert None not in ids and len(set(ids)) == 5
        assert all(2**52 <= i < 2**53 for i in ids if i is not None)  # exact in JSON
        assert any("random ids" in r.getMessage() for r in caplog.records)
    finally:
        await service.store._db.execute("PRAGMA query_only = 0")
        await service.close()
