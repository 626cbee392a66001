"""Risks left open by the last stop: a start-up error masked by a second one, disk I/O on the
event loop, a full disk during /add and reindex."""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import signal
import sys
from pathlib import Path

import pytest
import simplemma

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TIMEOUT = 120.0
DISK_LIMIT = 256 * 1024  # the database opens, the first index build cannot be written


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
