"""Risks left open by the last stop: a start-up error masked by a second one, disk I/O on the
event loop, a full disk during /add and reindex."""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
import simplemma

from bot import core
from bot.chat import TELEGRAM, Chat, Renderer, Upload, Who
from bot.config import Config
from bot.core import Service
from bot.frontend import ThrottledProgress
from bot.render import telegram_html
from index.store import PassageReader
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TIMEOUT = 120.0
DISK_LIMIT = 256 * 1024  # the database opens, the first index build cannot be written


# --- the event loop never reads passages from the database -----------------------------


class RecordingReader(PassageReader):
    """The real passage reader, noting which thread each database read ran on."""

    threads: ClassVar[list[int]] = []

    def passage(self, piece: int, ordinal: int) -> Sequence[Any] | None:
        self.threads.append(threading.get_ident())
        return super().passage(piece, ordinal)

    def piece_passages(self, piece: int) -> list[Sequence[Any]]:
        self.threads.append(threading.get_ident())
        return super().piece_passages(piece)


QUESTIONS = ("Who did Wagner fight at Tinzaouatene?", "MINUSMA withdrawal", "Kidal",
             "What happened in Gao?", "JNIM attacks")
ARTICLE = b"Menaka Convoy\n\nA supply convoy was ambushed near Menaka by the militants.\n"


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    threads: list[int] = []
    monkeypatch.setattr(RecordingReader, "threads", threads)
    monkeypatch.setattr(core, "PassageReader", RecordingReader)
    return threads


async def _ask_all(service: Service) -> None:
    for question in QUESTIONS:
        answer = await service.ask(question, user="cli")
        assert answer.passages and all(p.text for p in answer.passages), question
        assert await service.full_text(answer.passages[0].chunk_id) is not None


async def test_a_small_corpus_is_searched_from_memory(config: Config, recorded: list[int]
                                                      ) -> None:
    """Its passages are read once, off the loop, as the generation loads; the inline
    searches then read none, nor do they after an /add publishes a new generation."""
    loop_thread = threading.get_ident()
    service = await Service.open(config)
    try:
        assert recorded and loop_thread not in recorded  # held: read in a worker thread
        read_at_start = len(recorded)
        await _ask_all(service)
        assert len(recorded) == read_at_start
        await service.add_document("menaka.md", ARTICLE)
        read_after_add = len(recorded)
        assert read_after_add > read_at_start and loop_thread not in recorded
        assert (await service.ask("convoy ambushed near Menaka")).passages[0].citation.file \
            == "menaka.md"
        await _ask_all(service)
        assert len(recorded) == read_after_add
    finally:
        await service.close()


async def test_passages_not_in_memory_are_read_off_the_event_loop(
        config: Config, recorded: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A generation not held in memory (here: every one) is searched in a worker thread,
    although it is small: a passage read there may wait for the disk."""
    monkeypatch.setattr(core, "HELD_PASSAGES_MAX", 0)
    loop_thread = threading.get_ident()
    service = await Service.open(config)
    try:
        await _ask_all(service)
        assert recorded  # passages were read from the database, on demand
        assert loop_thread not in recorded
    finally:
        await service.close()


# --- a start-up error is not masked by a failing dictionary load ------------------------


def _broken_simplemma(site: Path) -> Path:
    """A copy of the installed simplemma whose English and French dictionary files are cut
    short (as in a damaged install): loading them raises EOFError."""
    installed = Path(simplemma.__file__).parent
    copy = site / "simplemma"
    shutil.copytree(installed, copy, ignore=shutil.ignore_patterns("__pycache__", "*.plzma"))
    data = installed / "strategies" / "dictionaries" / "data"
    for language in ("en", "fr"):
        whole = (data / f"{language}.plzma").read_bytes()
        (copy / "strategies" / "dictionaries" / "data" / f"{language}.plzma").write_bytes(
            whole[:len(whole) // 4])
    return site


def _ask_config(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "corpus")
    (tmp_path / "data").mkdir(mode=0o700)
    config = tmp_path / "config.yaml"
    config.write_text("corpus: {dir: corpus}\ndata: {path: data/bot.sqlite3}\n"
                      "logging: {salt_file: data/salt}\n", encoding="utf-8")
    return config


def _full_disk() -> None:
    """In the child: files cannot grow past DISK_LIMIT; writing past it fails with EFBIG
    (as on a full disk) instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_LIMIT, DISK_LIMIT))


async def _conflictbot_ask(config: Path, *, site: Path | None, full_disk: bool
                           ) -> tuple[int, str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site),
                                                          env.get("PYTHONPATH")]))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "ask", "Who did Wagner fight?",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=ROOT, env=env,
        preexec_fn=_full_disk if full_disk else None)
    try:
        _, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"`conflictbot ask` still running after {TIMEOUT:.0f} s")
    assert process.returncode is not None
    return process.returncode, err.decode(errors="replace")


def _only_line(code: int, err: str) -> str:
    """The one `error:` line a failed start prints, and nothing else (no traceback)."""
    lines = [line for line in err.splitlines()
             if line.strip() and not line.startswith("INFO conflictbot.progress")]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert code == 2, err
    return lines[0]


async def test_a_full_disk_at_start_is_named_even_when_the_dictionaries_are_broken(
        tmp_path: Path) -> None:
    config = _ask_config(tmp_path)
    site = _broken_simplemma(tmp_path / "site")
    code, err = await _conflictbot_ask(config, site=site, full_disk=True)
    line = _only_line(code, err)
    assert f"cannot prepare the index in {tmp_path / 'data'}" in line, line
    assert "is the disk full?" in line, line
    assert "dictionar" not in line and "Compressed file" not in line, line


async def test_broken_dictionaries_alone_are_named_on_one_line(tmp_path: Path) -> None:
    config = _ask_config(tmp_path)
    site = _broken_simplemma(tmp_path / "site")
    code, err = await _conflictbot_ask(config, site=site, full_disk=False)
    line = _only_line(code, err)
    assert "dictionaries" in line and "Compressed file ended" in line, line


# --- a full disk during /add and /reindex: the old generation keeps answering -------------


MODERATOR = 1001
WAGNER = "Who did Wagner fight at Tinzaouatene?"


@dataclass
class Moderator:
    """A chat with a moderator for the platform-free chat layer: what it was told."""

    who: Who = field(default_factory=lambda: Who(f"tg:{MODERATOR}", MODERATOR, TELEGRAM))
    render: Renderer = field(default_factory=lambda: telegram_html)
    log: list[str] = field(default_factory=list)

    async def say(self, text: str) -> None:
        self.log.append(text)

    async def progress(self, text: str) -> ThrottledProgress | None:
        log = self.log

        class Shown(ThrottledProgress):
            async def _send(self, text: str) -> None:
                log.append(text)

        return Shown(text, telegram_html.render_progress, 0.0)


def _upload(name: str, data: bytes) -> Upload:
    async def size() -> int:
        return len(data)

    async def read() -> bytes:
        return data

    return Upload(name, size, read)


async def _fill_the_database(service: Service) -> None:
    """SQLite's own full-disk error (SQLITE_FULL, "database or disk is full") on any write
    that grows the database file: its page count is capped at what it holds now."""
    async with service.store.db.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    await service.store.db.execute(f"PRAGMA max_page_count={int(row[0])}")


async def _still_answers(service: Service, generation: int) -> None:
    answer = await service.ask(WAGNER, user="tg:7")
    assert answer.generation == generation and answer.passages
    assert "Tinzaouat" in answer.passages[0].text


@pytest.mark.parametrize("command", ["reindex", "add"])
async def test_a_full_database_fails_the_command_and_the_old_index_answers(
        tmp_path: Path, corpus: Path, command: str) -> None:
    config = make_config(tmp_path, telegram={"moderators": [MODERATOR]})
    service = await Service.open(config)
    try:
        chat, moderator, generation = Chat(config, service), Moderator(), service.generation
        before = sorted(p.name for p in corpus.iterdir())
        await _fill_the_database(service)
        (corpus / "zz_extra.txt").write_bytes(ARTICLE)  # a reindex has work to publish
        asking = asyncio.create_task(_ask_meanwhile(service, generation))
        if command == "reindex":
            await chat.reindex(moderator)
        else:
            await chat.add(moderator, _upload("menaka.txt", ARTICLE))
        assert await asking >= 1  # answered while the command ran
        told = moderator.log[-1]
        assert "the disk is full" in told and "previous index keeps answering" in told, told
        assert service.generation == generation
        await _still_answers(service, generation)
        assert sorted(p.name for p in corpus.iterdir()) == sorted([*before, "zz_extra.txt"])
        await service.store.db.execute("PRAGMA max_page_count=1073741823")  # space again
        await chat.add(moderator, _upload("menaka.txt", ARTICLE))
        assert service.generation > generation, moderator.log[-1]
        assert (await service.ask("convoy ambushed near Menaka")).passages[0].citation.file \
            == "menaka.txt"
    finally:
        await service.close()


async def _ask_meanwhile(service: Service, generation: int) -> int:
    """Ask over and over until the command is through; how many answers came."""
    answered = 0
    while service.reindexing or answered == 0:
        await _still_answers(service, generation)
        answered += 1
        await asyncio.sleep(0.01)
    return answered
