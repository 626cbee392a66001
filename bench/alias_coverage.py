"""Alias coverage: does every name of every alias-table entry find the entry's passages?

    python bench/alias_coverage.py [--corpus seeds] [--json OUT] [--failures]

For every entry of the alias table (index/data/aliases.yaml, as the bot loads it) that the
corpus names (one of its names in some passage, compared folded: case, accents and
punctuation), and for every name of that entry (English, French, acronym, former name, held
by the corpus or not), the bot is asked in several forms (FORMS): the bare name, "What is
NAME?" ("Who is NAME?" for a person), "NAME attack" ("NAME Mali" for places, people,
institutions, events and missions), the name lower-cased, "qui est NAME ?" for a person
("c'est quoi NAME" otherwise), and the name without its accents. A form that would ask the
same text as the bare name (a name already in small letters, or without accents) is not
asked.

A question succeeds when the bot answers (does not abstain) and its rank-1 passage holds one
of the entry's names, or one of its predecessors' or successors' names, as the corpus writes
it. Every question goes through bot.core.Service as `conflictbot eval` asks it. The report
gives, per form, the successes out of the questions asked (split by names the corpus writes
and names it does not), and lists the failing (entry, name, form) triples with why: refused,
or the first words of the rank-1 passage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config import parse_config  # noqa: E402
from bot.core import Service  # noqa: E402
from index.lexicon import AliasEntry, AliasTable, fold_name  # noqa: E402

PREVIEW_WORDS = 10
# Kinds asked about as actors ("NAME attack"); the others are asked with the country.
ACTOR_KINDS = frozenset({"group", "state_force", "foreign_force", "operation"})
PERSON = "person"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _bare(name: str, entry: AliasEntry) -> str | None:
    return name


def _what_is(name: str, entry: AliasEntry) -> str | None:
    return f"Who is {name}?" if entry.kind == PERSON else f"What is {name}?"


def _in_context(name: str, entry: AliasEntry) -> str | None:
    if entry.kind in ACTOR_KINDS or "mali" in fold_name(name).split():
        return f"{name} attack"
    return f"{name} Mali"


def _lower(name: str, entry: AliasEntry) -> str | None:
    return name.lower() if name.lower() != name else None


def _french(name: str, entry: AliasEntry) -> str | None:
    return f"qui est {name} ?" if entry.kind == PERSON else f"c'est quoi {name}"


def _no_accents(name: str, entry: AliasEntry) -> str | None:
    plain = _strip_accents(name)
    return plain if plain != name else None


FORMS: dict[str, Callable[[str, AliasEntry], str | None]] = {
    "bare": _bare, "what_is": _what_is, "in_context": _in_context, "lower": _lower,
    "french": _french, "no_accents": _no_accents,
}


@dataclass(frozen=True)
class Outcome:
    entry: str
    name: str
    form: str
    question: str
    held: bool       # the corpus writes this name
    ok: bool
    refused: bool
    top: str         # the first words of the rank-1 passage ("" when refused)


def _padded(text: str) -> str:
    return f" {fold_name(text)} "


def holds(text: str, names: Iterable[str]) -> bool:
    """One of `names` is in `text` as whole words (folded: case, accents, punctuation)."""
    padded = _padded(text)
    return any(f" {folded} " in padded for folded in map(fold_name, names) if folded)


def expected_names(entry: AliasEntry, table: AliasTable) -> tuple[str, ...]:
    """The entry's names and its predecessors' and successors' names."""
    linked = [table.entry(i) for i in (*entry.predecessors, *entry.successors)]
    return (*entry.names, *(n for e in linked if e is not None for n in e.names))


def named_entries(table: AliasTable, passages: Sequence[str]) -> list[AliasEntry]:
    """The entries one of whose names some passage holds."""
    padded = [_padded(p) for p in passages]
    return [e for e in table.entries()
            if any(f" {fold_name(n)} " in p for n in e.names if fold_name(n) for p in padded)]


def questions(entry: AliasEntry) -> list[tuple[str, str, str]]:
    """(name, form, question) for every name of the entry and every form that applies."""
    asked = []
    for name in entry.names:
        for form, make in FORMS.items():
            question = make(name, entry)
            if question is not None:
                asked.append((name, form, question))
    return asked


def _preview(text: str) -> str:
    words = text.split()
    return " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")


async def measure(service: Service) -> list[Outcome]:
    table = service.aliases
    passages = [c.text for c in service._snapshot.chunks]
    padded = [_padded(p) for p in passages]
    outcomes = []
    for entry in named_entries(table, passages):
        wanted = expected_names(entry, table)
        for name, form, question in questions(entry):
            answer = await service.ask(question, k=1, log=False)
            top = answer.passages[0].text if answer.passages else ""
            refused = answer.abstained or not top
            held = any(f" {fold_name(name)} " in p for p in padded)
            outcomes.append(Outcome(entry.id, name, form, question, held,
                                    not refused and holds(top, wanted), refused,
                                    "" if refused else _preview(top)))
    return outcomes


def _share(items: Sequence[Outcome]) -> str:
    ok = sum(o.ok for o in items)
    return f"{ok}/{len(items)} ({ok / len(items):.3f})" if items else "-"


def summary(outcomes: Sequence[Outcome]) -> str:
    """Per form: successes out of asked, all names, names the corpus writes, the others."""
    entries = len({o.entry for o in outcomes})
    names = len({(o.entry, o.name) for o in outcomes})
    lines = [f"{entries} entries named by the corpus, {names} names, "
             f"{len(outcomes)} questions",
             f"{'form':<12}{'all':>22}{'names written':>22}{'other names':>22}{'refused':>9}"]
    for form in [*FORMS, "all"]:
        rows = [o for o in outcomes if form in ("all", o.form)]
        lines.append(f"{form:<12}{_share(rows):>22}{_share([o for o in rows if o.held]):>22}"
                     f"{_share([o for o in rows if not o.held]):>22}"
                     f"{sum(o.refused for o in rows):>9}")
    return "\n".join(lines)


def failures(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for o in outcomes:
        if not o.ok:
            why = "refused" if o.refused else f"rank 1: {o.top}"
            lines.append(f"{o.entry} | {o.name} | {o.form} | {o.question!r} | {why}")
    return "\n".join(lines)


async def run(corpus: Path) -> list[Outcome]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = parse_config({"corpus": {"dir": str(corpus)},
                               "data": {"path": str(work / "data" / "db.sqlite3")},
                               "logging": {"salt_file": str(work / "data" / "salt"),
                                           "queries": False}}, work)
        service = await Service.open(config)
        try:
            return await measure(service)
        finally:
            await service.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--json", type=Path, help="write every outcome here")
    parser.add_argument("--failures", action="store_true",
                        help="list the failing (entry, name, form) triples")
    args = parser.parse_args(argv)
    outcomes = asyncio.run(run(args.corpus.resolve()))
    print(summary(outcomes))
    if args.failures:
        print("\nfailing (entry | name | form | question | why):")
        print(failures(outcomes))
    if args.json:
        data: dict[str, Any] = {"outcomes": [asdict(o) for o in outcomes]}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
