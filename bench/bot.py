"""Questions through the real Telegram stack against the fake Bot API on loopback.

The fake runs in its own process (bench/fake_process.py), as Telegram is remote; the bot runs
here: the real python-telegram-bot Application, polling, over the real core and the seeds.
Measures update-to-sendMessage latency (one question at a time) and answers per second (a
burst from many users, Telegram's own 30 messages/s cap switched off: it is the far side's).

    python bench/bot.py [--latency 300] [--burst 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from telegram.ext import AIORateLimiter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import parse_config  # noqa: E402 (after the path set-up)
from bot.core import Service  # noqa: E402
from tests.telegram_helpers import TOKEN, build_app, make_corpus, start_app, stop_app  # noqa: E402

QUESTIONS = (
    "Who did Wagner fight at Tinzaouatene?",
    "How many peacekeepers did MINUSMA lose?",
    "What was Operation Eclipse?",
    "Why did Mali break off diplomatic relations with Ukraine?",
    "What is the recipe for jollof rice?",  # an abstention costs a search too
)


@asynccontextmanager
async def fake_telegram() -> AsyncIterator[tuple[int, httpx.AsyncClient]]:
    """The fake in a child process; yields its API port and a client for its control port."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "fake_process.py"), TOKEN],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    port, control = (int(p) for p in proc.stdout.readline().split())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{control}") as client:
            yield port, client
    finally:
        proc.stdin.close()
        proc.wait(10)


@asynccontextmanager
async def running_bot(workdir: Path, port: int) -> AsyncIterator[None]:
    """The real Service and Application, polling the fake on `port`."""
    make_corpus(workdir)
    raw: dict[str, Any] = {
        "corpus": {"dir": "corpus"}, "data": {"path": "data/bot.sqlite3"},
        "logging": {"salt_file": "data/salt", "level": "WARNING"},
        "telegram": {"base_url": f"http://127.0.0.1:{port}/bot",
                     "base_file_url": f"http://127.0.0.1:{port}/file/bot"},
        "flood": {"questions": 10**6}}
    config = parse_config(raw, base_dir=workdir)
    service = await Service.open(config)
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    app = build_app(config, service, rate_limiter=limiter)
    await start_app(app)
    try:
        yield
    finally:
        await stop_app(app)
        await service.close()


async def _inject(client: httpx.AsyncClient, items: list[dict[str, Any]]) -> float:
    response = await client.post("/control/inject", json=items)
    return float(response.json()["at"])


async def _wait_count(client: httpx.AsyncClient, count: int) -> list[float]:
    """Send times of the first `count` messages, once there are that many."""
    response = await client.get("/control/wait", params={"count": count}, timeout=600)
    times: list[float] = response.json()
    return times


async def measure(rounds: int, burst: int, workdir: Path) -> tuple[list[float], float]:
    """Sequential latencies (ms), then answers per second for a burst of `burst` users."""
    async with fake_telegram() as (port, client), running_bot(workdir, port):
        latencies = []
        for i in range(rounds):
            injected = await _inject(client, [{"text": QUESTIONS[i % len(QUESTIONS)],
                                               "user_id": 10_000 + i}])
            sent = await _wait_count(client, i + 1)
            latencies.append((sent[-1] - injected) * 1000)
        items = [{"text": QUESTIONS[i % len(QUESTIONS)], "user_id": 500_000 + i}
                 for i in range(burst)]
        started = await _inject(client, items)
        sent = await _wait_count(client, rounds + burst)
        rate = burst / (max(sent) - started)
    return latencies, rate


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Run both measurements and print a Markdown table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--latency", type=int, default=300, help="sequential questions")
    parser.add_argument("--burst", type=int, default=2000, help="questions in the burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        latencies, rate = asyncio.run(measure(args.latency, args.burst, Path(workdir)))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; fake Bot API in a separate process")
    print("| measure | value |\n| --- | --- |")
    print(f"| update -> sendMessage p50 ({args.latency} questions) | "
          f"{statistics.median(latencies):.1f} ms |")
    print(f"| update -> sendMessage p99 | {_percentile(latencies, 0.99):.1f} ms |")
    print(f"| answers per second (burst of {args.burst} users) | {rate:.0f} |")


if __name__ == "__main__":
    main()
