"""The `conflictbot` command: ask, chat, reindex, sources, add, remove, eval, serve, telegram,
discord."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from bot.answer import Answer, citation_line
from bot.config import Config, ConfigError, load_config
from bot.core import DocumentRejected, Progress, Service, StartupError, WriterBusy
from bot.progress import LogProgress, TerminalProgress
from bot.render.plain import ansi_bold, render_answer, render_sources, star

if TYPE_CHECKING:
    from bot.evaluate import Report

log = logging.getLogger("conflictbot")
progress_log = logging.getLogger("conflictbot.progress")


def _progress() -> Progress:
    """Build progress: a bar per stage on a terminal, log lines otherwise."""
    if sys.stderr.isatty():
        return TerminalProgress()
    return LogProgress(progress_log)


async def _with_service(config: Config, work: Callable[[Service], Awaitable[int]], *,
                        build: bool = True) -> int:
    service = await Service.open(config, progress=_progress(), build=build)
    try:
        return await work(service)
    finally:
        await service.close()


def answer_json(answer: Answer) -> str:
    """The --json contract: one line per question."""
    return json.dumps({
        "question": answer.question,
        "abstained": answer.abstained,
        "passages": [{"rank": p.rank, "score": round(p.score, 6), "text": p.text,
                      "title": p.citation.title, "file": p.citation.file,
                      "paragraph": p.citation.passage, "passage": p.citation.passage,
                      "section": p.citation.section,
                      "outlet": p.citation.outlet, "published": p.citation.published,
                      "updated": p.citation.updated, "url": p.citation.url,
                      "event_dates": [list(span) for span in p.citation.event_dates],
                      "chunk_id": p.chunk_id} for p in answer.passages],
        "rewrites": [{"kind": r.kind, "typed": r.typed, "searched": r.searched}
                     for r in answer.rewrites],
        "language": answer.language,
        "unknown_names": list(answer.unknown_names),
    }, ensure_ascii=False)


async def _ask(service: Service, args: argparse.Namespace) -> int:
    questions = args.question or [line.strip() for line in sys.stdin if line.strip()]
    mark = ansi_bold if sys.stdout.isatty() else star
    for i, question in enumerate(questions):
        answer = await service.ask(question, user="cli", k=args.top)
        if args.json:
            print(answer_json(answer), flush=True)
        else:
            print(("\n" if i else "") + f"Q: {question}\n\n{render_answer(answer, mark)}")
    return 0


async def _reindex(service: Service, args: argparse.Namespace) -> int:
    def waiting(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        result = await service.reindex(_progress(), waiting)
    except (DocumentRejected, WriterBusy) as exc:  # e.g. a vanished corpus folder, or
        print(f"error: {exc}", file=sys.stderr)     # another process's build: the old index
        return 1                                    # stays
    print(f"generation {result.generation}: {result.documents} documents, "
          f"{result.passages} passages in {result.seconds:.2f} s")
    for reason in result.skipped:
        print(f"skipped {reason}", file=sys.stderr)
    return 0


async def _add(service: Service, args: argparse.Namespace) -> int:
    """Add files, archives and articles by URL; one report per item, then a summary."""
    from bot import adding

    items = await adding.collect(args.item, service.config)
    outcomes = []
    for item in items:
        outcome = await adding.add_one(service, item)
        outcomes.append(outcome)
        print("\n".join(adding.outcome_lines(outcome, "en")), flush=True)
        if isinstance(outcome, adding.Added):
            for cited in service.document_citations(outcome.name)[:3]:
                print("  " + texts.text("cited_as", "en", line=citation_line(cited, warn=True)))
        command, audited = adding.audit_outcome(outcome)
        await service.audit(user="cli", command=command, outcome=audited)
    print(adding.summary_line(outcomes, "en"))
    return 0 if any(isinstance(o, adding.Added) for o in outcomes) else 1


async def _remove(service: Service, args: argparse.Namespace) -> int:
    """Remove documents, or one article of a file (FILE#2); audited like /remove."""
    removed = 0
    for name in args.file:
        try:
            result = await service.remove_document(name)
        except DocumentRejected as exc:
            print(f"skipped {name}: {exc}", file=sys.stderr)
            await service.audit(user="cli", command=f"remove {name}", outcome="rejected")
            continue
        removed += 1
        print(f"removed {name}: {result.documents} documents, {result.passages} passages")
        await service.audit(user="cli", command=f"remove {name}", outcome="ok")
    return 0 if removed else 1


async def _sources(service: Service, args: argparse.Namespace) -> int:
    print(render_sources(await service.sources()))
    return 0


async def _eval(service: Service, args: argparse.Namespace) -> int:
    from bot.evaluate import Report, evaluate, load_questions

    try:
        sets = [(name, load_questions(Path(name))) for name in args.file]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    reports = [(name, await evaluate(service, questions)) for name, questions in sets]
    if len(reports) > 1:
        reports.append(("all", Report(tuple(r for _, rep in reports for r in rep.results))))
    if args.json:
        print(json.dumps({name: report.to_json() for name, report in reports},
                         ensure_ascii=False))
        return 0
    for name, report in reports:
        if len(reports) > 1:
            print(f"== {name}")
        if args.verbose or args.eval_verbose:
            _print_results(report)
        print(report.summary())
        print(report.table())
    return 0


def _print_results(report: Report) -> None:
    """Every question, ok or --; under each miss, the first words of the passages returned."""
    for r in report.results:
        print(f"{'ok' if r.hit else '--'} [{r.question.kind}] rank={r.rank} "
              f"abstained={r.abstained} {r.question.question}")
        if not r.hit:
            for rank, preview in enumerate(r.top, start=1):
                print(f"     {rank}. {preview}")


async def _chat(service: Service, args: argparse.Namespace) -> int:
    from bot.console import chat

    return await chat(service)


def _run_front_end(name: str, config: Config) -> int:
    if name == "telegram":
        from bot import telegram_app

        return telegram_app.run(config)
    from bot import discord_app

    return int(discord_app.run(config))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the test that every command is documented)."""
    parser = argparse.ArgumentParser(prog="conflictbot", description=__doc__)
    parser.add_argument("--config", help="config file (default: ./config.yaml if present)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ask = sub.add_parser("ask", help="answer questions with cited passages")
    ask.add_argument("question", nargs="*", help="questions (each argument is one; "
                                                 "none: one per line on stdin)")
    ask.add_argument("--json", action="store_true", help="one JSON line per question")
    ask.add_argument("--top", type=int, default=None, metavar="K", help="passages per answer")
    sub.add_parser("chat", help="interactive console")
    sub.add_parser("reindex", help="rebuild the index from the corpus folder")
    sub.add_parser("sources", help="list the corpus documents and their passage counts")
    add = sub.add_parser("add", help="add documents, archives (.zip, .tar.gz) of documents "
                                     "and articles by URL to the corpus")
    add.add_argument("item", nargs="+", help="a file, an archive, or an http(s):// URL")
    remove = sub.add_parser("remove", help="remove documents, or one article of a file "
                                           "(FILE#2)")
    remove.add_argument("file", nargs="+", help="a file name as `sources` lists it, or FILE#N")
    ev = sub.add_parser("eval", help="Success@1/3, MRR@5 and abstention on a question set")
    ev.add_argument("file", nargs="+",
                    help="questions YAML files, e.g. tests/eval/dev.yaml tests/eval/heldout.yaml")
    ev.add_argument("--json", action="store_true", help="figures and results as one JSON object")
    ev.add_argument("-v", "--verbose", dest="eval_verbose", action="store_true",
                    help="list every question; under each miss, its top passages' first words")
    sub.add_parser("serve", help="run every bot whose token is set (TELEGRAM_BOT_TOKEN, "
                                 "DISCORD_BOT_TOKEN) in one process, on one corpus")
    sub.add_parser("telegram", help="run the Telegram bot (TELEGRAM_BOT_TOKEN)")
    sub.add_parser("discord", help="run the Discord bot (DISCORD_BOT_TOKEN)")
    for name, child in sub.choices.items():
        if name not in ("ask", "chat", "reindex", "sources", "add", "remove", "eval", "serve",
                        "telegram", "discord"):
            continue
        if "--config" not in child._option_string_actions:
            child.add_argument("--config", dest="sub_config", help=argparse.SUPPRESS)
    return parser


COMMANDS: dict[str, Callable[[Service, argparse.Namespace], Awaitable[int]]] = {
    "ask": _ask, "chat": _chat, "reindex": _reindex, "sources": _sources, "eval": _eval,
    "add": _add, "remove": _remove,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `conflictbot` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    progress_log.setLevel(logging.INFO)  # build progress shows even without --verbose
    if getattr(args, "top", None) is not None and args.top < 1:
        print("error: --top must be at least 1", file=sys.stderr)
        return 2
    try:
        config = load_config(getattr(args, "sub_config", None) or args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        from bot import serve

        return serve.run(config)
    if args.command in ("telegram", "discord"):
        return _run_front_end(args.command, config)
    command = COMMANDS[args.command]
    try:
        # reindex builds anyway: opening must not build first (#13)
        return asyncio.run(_with_service(config, lambda s: command(s, args),
                                         build=args.command != "reindex"))
    except (StartupError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """`conflictbot eval ... | head`: the reader closed the pipe. Exit quietly with the
    status of a process killed by SIGPIPE; stdout points at /dev/null so that the
    interpreter's last flush at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 128 + 13


if __name__ == "__main__":
    sys.exit(main())
