"""One Service over a copy of the seeds, asked synchronously on its own event loop: for
module-scoped fixtures of tests that ask many questions (tables of chat forms)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from bot.answer import Answer
from bot.core import Service
from tests.conftest import SEEDS, make_config


class SeedsAsker:
    def __init__(self, root: Path, bot_name: str) -> None:
        self.loop = asyncio.new_event_loop()
        shutil.copytree(SEEDS, root / "corpus")
        self.service = self.loop.run_until_complete(Service.open(make_config(root)))
        self.service.bot_names = (bot_name,)

    def ask(self, question: str) -> Answer:
        return self.loop.run_until_complete(self.service.ask(question, k=1, log=False))

    def top_passage(self, question: str) -> str:
        answer = self.ask(question)
        assert not answer.abstained, f"abstained on {question!r} ({answer.reason})"
        return answer.passages[0].chunk_id

    def close(self) -> None:
        self.loop.run_until_complete(self.service.close())
        self.loop.close()
