"""Subprocess for the crash tests: reindexes, adds and removes documents until killed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.config import load_config
from bot.core import DocumentRejected, Service


def added_content(name: str) -> bytes:
    """What the worker writes for an added document (the test checks it byte for byte)."""
    return (f"# Report {name}\n\n" + "Militants attacked the convoy near Gao at dawn. " * 400
            ).encode()


async def main(config_path: str) -> None:
    service = await Service.open(load_config(config_path))
    print("ready", flush=True)
    step = 0
    while True:
        name = f"added-{step % 3}.md"
        try:
            await service.add_document(name, added_content(name))
        except DocumentRejected:
            await service.remove_document(name)
        await service.reindex()
        step += 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    asyncio.run(main(sys.argv[1]))
