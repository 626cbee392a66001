"""Interactive console front end: the same core as the chat bots, in a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core import Service
from bot.render.plain import ansi_bold, render_answer, render_sources, star

HELP = """Ask a question in plain words, e.g. "Who did Wagner fight at Tinzaouatene?".
Commands: :more (next passages), :sources, :help, :quit"""


async def chat(service: Service, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Read questions line by line and print cited passages until end of input or :quit."""
    mark = ansi_bold if stdout.isatty() else star
    interactive = stdin.isatty()
    last_question, offset = "", 0
    print(HELP, file=stdout)
    while True:
        if interactive:
            print("\n? ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip() in (":quit", ":q", "exit"):
            return 0
        text = line.strip()
        if not text:
            continue
        if text == ":help":
            print(HELP, file=stdout)
            continue
        if text == ":sources":
            print(render_sources(await service.sources()), file=stdout)
            continue
        if text == ":more" and last_question:
            offset += service.config.search.top_k
        else:
            last_question, offset = text, 0
        answer = await service.ask(last_question, user="console", offset=offset,
                                   log=offset == 0)
        if offset and not answer.passages:
            print("No more passages.", file=stdout)
            continue
        print(render_answer(answer, mark), file=stdout, flush=True)
