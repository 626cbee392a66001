"""Questions through the real Telegram stack against the fake Bot API on loopback.

Measures update-to-sendMessage latency (one question at a time) and answers per second
(a burst from many users), with the real core over the seed corpus.

    python bench/bot.py [--latency 300] [--burst 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.ext import AIORateLimiter

from tests.telegram_helpers import running_bot

QUESTIONS = (
    "Who did Wagner fight at Tinzaouatene?",
    "How many peacekeepers did MINUSMA lose?",
    "What was Operation Eclipse?",
    "Why did Mali break off diplomatic relations with Ukraine?",
    "What is the recipe for jollof rice?",  # an abstention costs a search too
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _latency(rounds: int, workdir: Path) -> list[float]:
    """Milliseconds from injecting an update to the fake receiving its sendMessage."""
    latencies = []
    async with running_bot(workdir, flood={"questions": 10**6}) as env:
        for i in range(rounds):
            user = 10_000 + i
            env.say(QUESTIONS[i % len(QUESTIONS)], user_id=user)
            injected = time.monotonic()
            [reply] = await env.replies(user, timeout=30)
            latencies.append((reply.at - injected) * 1000)
    return latencies


async def _throughput(count: int, workdir: Path) -> float:
    """Answers per second for `count` questions from `count` users injected at once
    (Telegram's own 30 messages/s limit is switched off: it is the far side's limit)."""
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    async with running_bot(workdir, rate_limiter=limiter) as env:
        started = time.monotonic()
        for i in range(count):
            env.say(QUESTIONS[i % len(QUESTIONS)], user_id=500_000 + i)
        await env.fake.wait_for(
            lambda: len(env.fake.sent()) >= count, timeout=600, what=f"{count} replies"
        )
        elapsed = max(c.at for c in env.fake.sent()) - started
    return count / elapsed


def main() -> None:
    """Run both measurements and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=int, default=300, help="sequential questions")
    parser.add_argument("--burst", type=int, default=2000, help="questions in the burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        latencies = asyncio.run(_latency(args.latency, Path(one)))
        rate = asyncio.run(_throughput(args.burst, Path(two)))
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print("| measure | value |\n| --- | --- |")
    print(f"| update -> sendMessage p50 | {statistics.median(latencies):.1f} ms |")
    print(f"| update -> sendMessage p99 | {_percentile(latencies, 0.99):.1f} ms |")
    print(f"| answers per second (burst of {args.burst} users) | {rate:.0f} |")


if __name__ == "__main__":
    main()
