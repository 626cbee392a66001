"""Start-up failures end the process: one line on stderr, no traceback, exit status 2.

Every case runs the real `conflictbot` command in a subprocess with a timeout, because the
bug was a hang: an aiosqlite connection left open on a non-daemon thread kept the process
alive after the error.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import resource
import secrets
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import yaml

from bot.core import SALT_BYTES, DataDirLock, load_salt
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import TOKEN

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EVAL = ROOT / "tests" / "eval" / "questions.yaml"
TIMEOUT = 60.0  # generous for a loaded machine; a hang is what fails
DISK_LIMIT = 64 * 1024  # bytes any one file may grow to in the "full disk" child

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2

COMMANDS: dict[str, list[str]] = {
    "ask": ["ask", "Who did Wagner fight?"], "chat": ["chat"], "reindex": ["reindex"],
    "sources": ["sources"], "eval": ["eval", str(EVAL)], "telegram": ["telegram"],
    "discord": ["discord"],
}


def _write_config(tmp_path: Path, telegram_url: str, **overrides: dict[str, str]) -> Path:
    raw: dict[str, dict[str, str]] = {
        "corpus": {"dir": "corpus"}, "data": {"path": "data/bot.sqlite3"},
        "logging": {"salt_file": "data/salt"},
        "telegram": {"base_url": f"{telegram_url}/bot",
                     "base_file_url": f"{telegram_url}/file/bot"},
        "discord": {"api_base": "http://127.0.0.1:9/api/v10",
                    "gateway_url": "ws://127.0.0.1:9/"},
    }
    for section, values in overrides.items():
        raw[section] = {**raw.get(section, {}), **values}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def _corpus(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "corpus")
    (tmp_path / "data").mkdir(mode=0o700)


def _full_disk() -> None:
    """In the child: files cannot grow past DISK_LIMIT, and writing past it fails with
    EFBIG (as on a full disk) instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_LIMIT, DISK_LIMIT))


def _no_root_override() -> None:
    """In the child: even root obeys file permissions (drops CAP_DAC_* before exec)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


async def _run(config: Path, command: str, *, preexec: Callable[[], None] | None = None,
               ) -> tuple[int, str]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN,
           "DISCORD_BOT_TOKEN": "MTIz.fake.discord-token-for-start-up-tests"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), *COMMANDS[command],
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=ROOT, env=env, preexec_fn=preexec)
    try:
        _, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"`conflictbot {command}` still running after {TIMEOUT:.0f} s")
    assert process.returncode is not None
    return process.returncode, err.decode(errors="replace")


def _assert_one_line(code: int, err: str, *needles: str) -> str:
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert [line for line in err.splitlines() if line.strip()] == errors, err
    for needle in needles:
        assert needle in errors[0], errors[0]
    assert code == 2, err
    return errors[0]


@pytest.fixture
async def telegram_url() -> AsyncIterator[str]:
    fake = FakeTelegram(TOKEN)
    await fake.start()
    yield fake.base_url.removesuffix("/bot")
    await fake.stop()


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_corrupted_database(tmp_path: Path, telegram_url: str, command: str) -> None:
    _corpus(tmp_path)
    (tmp_path / "data" / "bot.sqlite3").write_bytes(os.urandom(8192))
    code, err = await _run(_write_config(tmp_path, telegram_url), command)
    _assert_one_line(code, err, "bot.sqlite3", "not a database")


@pytest.mark.parametrize("command", ["reindex", "telegram", "discord"])
async def test_full_disk(tmp_path: Path, telegram_url: str, command: str) -> None:
    _corpus(tmp_path)
    code, err = await _run(_write_config(tmp_path, telegram_url), command, preexec=_full_disk)
    _assert_one_line(code, err, str(tmp_path / "data"), "disk full")


@pytest.mark.parametrize("command", ["ask", "telegram", "discord"])
async def test_salt_file_is_a_folder(tmp_path: Path, telegram_url: str, command: str) -> None:
    _corpus(tmp_path)
    (tmp_path / "data" / "salt").mkdir()
    code, err = await _run(_write_config(tmp_path, telegram_url), command)
    _assert_one_line(code, err, "logging.salt_file", "folder")


@pytest.mark.parametrize("command", ["sources", "telegram", "discord"])
async def test_busy_data_folder(tmp_path: Path, telegram_url: str, command: str) -> None:
    """No index yet, and another process keeps building one (issue #11: only a process
    that must build waits for the writer lock, a bounded time)."""
    _corpus(tmp_path)
    lock = DataDirLock.acquire(tmp_path / "data", "reindexing")
    try:
        config = _write_config(tmp_path, telegram_url, data={"writer_wait_seconds": 0.5})
        code, err = await _run(config, command)
    finally:
        lock.close()
    _assert_one_line(code, err, f"another conflictbot process (pid {os.getpid()}) is "
                     "reindexing")


@pytest.mark.parametrize("command", ["eval", "telegram"])
async def test_unwritable_data_folder(tmp_path: Path, telegram_url: str, command: str) -> None:
    _corpus(tmp_path)
    (tmp_path / "data").chmod(0o500)
    try:
        code, err = await _run(_write_config(tmp_path, telegram_url), command,
                               preexec=_no_root_override)
    finally:
        (tmp_path / "data").chmod(0o700)
    _assert_one_line(code, err, str(tmp_path / "data"), "Permission denied", "data.path")


@pytest.mark.parametrize("command", ["chat", "telegram", "discord"])
async def test_config_not_utf8(tmp_path: Path, telegram_url: str, command: str) -> None:
    _corpus(tmp_path)
    config = _write_config(tmp_path, telegram_url)
    config.write_bytes(config.read_bytes() + "# café\n".encode("latin-1"))
    code, err = await _run(config, command)
    _assert_one_line(code, err, str(config), "UTF-8")


@pytest.mark.parametrize("command", ["ask", "telegram", "discord"])
async def test_corpus_dir_missing(tmp_path: Path, telegram_url: str, command: str) -> None:
    (tmp_path / "data").mkdir()
    code, err = await _run(_write_config(tmp_path, telegram_url), command)
    line = _assert_one_line(code, err, "corpus.dir", str(tmp_path / "corpus"))
    assert not (tmp_path / "data" / "bot.sqlite3").exists(), line  # refused before any work


# --- the salt (logging.salt_file) --------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"short salt"])
def test_short_salt_is_replaced_with_a_warning(tmp_path: Path, content: bytes,
                                               caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "salt"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        salt = load_salt(path)
    assert len(salt) == SALT_BYTES and path.read_bytes() == salt
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_salt(path) == salt  # kept from now on
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "logging.salt_file" in warning and "no longer match" in warning
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_long_enough_salt_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "salt"
    path.write_bytes(b"k" * SALT_BYTES)
    assert load_salt(path) == b"k" * SALT_BYTES


def test_two_processes_creating_the_salt_agree(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process creates the salt while this one is making its own: this one must
    take the other's (the file appears whole, at once, and is never overwritten)."""
    path = tmp_path / "data" / "salt"
    theirs = b"t" * SALT_BYTES
    real_token_bytes = secrets.token_bytes

    def racing_token_bytes(n: int) -> bytes:
        if not path.exists():
            path.write_bytes(theirs)  # the other process got there first
        return real_token_bytes(n)

    monkeypatch.setattr(secrets, "token_bytes", racing_token_bytes)
    assert load_salt(path) == theirs
    assert path.read_bytes() == theirs
    assert [p.name for p in path.parent.iterdir()] == ["salt"]
