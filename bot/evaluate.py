"""Retrieval quality on a question set: Success@1/3, MRR@5 and abstention, overall and per kind.

A question is answerable with `evidence` (phrases, any of which marks a right passage), or with
`evidence_all` (one list of phrases per side of a disagreement: it succeeds at k when every side
is found within the top k; its rank is the rank at which the last side turns up), or it is
unanswerable (`answerable: false`) and the bot should abstain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core import Service

UNLABELLED = "unlabelled"
# Questions that need several sides are judged at this depth (a side per slot, and room to spare).
ALL_SIDES_K = 3
TOP_K = 5
PREVIEW_WORDS = 8


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    evidence: tuple[str, ...] = ()
    answerable: bool = True
    kind: str = UNLABELLED
    evidence_all: tuple[tuple[str, ...], ...] = ()

    @property
    def needs_all_sides(self) -> bool:
        return bool(self.evidence_all)


@dataclass(frozen=True)
class EvalResult:
    question: EvalQuestion
    rank: int | None  # 1-based rank of the first passage holding the evidence (all sides)
    abstained: bool
    top: tuple[str, ...] = ()  # the first words of each passage returned, best first

    def success_at(self, k: int) -> bool:
        return self.rank is not None and self.rank <= k

    @property
    def hit(self) -> bool:
        """Did the bot do the right thing? Judged at rank 1, at ALL_SIDES_K for all-sides
        questions, and by abstaining for unanswerable ones."""
        if not self.question.answerable:
            return self.abstained
        return self.success_at(ALL_SIDES_K if self.question.needs_all_sides else 1)


@dataclass(frozen=True)
class KindRow:
    """One line of the per-kind table."""

    kind: str
    n: int
    success_1: float | None  # None where S@1 means nothing (unanswerable or all-sides kinds)
    success_3: float | None
    mrr_5: float | None
    abstained_when_should: tuple[int, int]  # (abstained, unanswerable questions)
    answered_when_should: tuple[int, int]  # (answered, answerable questions)


@dataclass(frozen=True)
class Report:
    results: tuple[EvalResult, ...]

    def _answerable(self) -> list[EvalResult]:
        """Answerable questions with one kind of evidence: the ones S@k and MRR count
        (all-sides questions are scored on their own, at ALL_SIDES_K)."""
        return [r for r in self.results
                if r.question.answerable and not r.question.needs_all_sides]

    def success_at(self, k: int) -> float:
        rows = self._answerable()
        return sum(1 for r in rows if r.success_at(k)) / max(1, len(rows))

    @property
    def mrr_at_5(self) -> float:
        rows = self._answerable()
        return sum(1 / r.rank for r in rows if r.rank and r.rank <= 5) / max(1, len(rows))

    @property
    def abstention_accuracy(self) -> float:
        """Share of questions where the bot abstained exactly when it should have."""
        right = sum(1 for r in self.results if r.abstained != r.question.answerable)
        return right / max(1, len(self.results))

    @property
    def out_of_corpus_abstained(self) -> tuple[int, int]:
        rows = [r for r in self.results if not r.question.answerable]
        return sum(1 for r in rows if r.abstained), len(rows)

    @property
    def all_sides_found(self) -> tuple[int, int]:
        """All-sides questions with every side in the top ALL_SIDES_K, and how many there are."""
        rows = [r for r in self.results if r.question.needs_all_sides]
        return sum(1 for r in rows if r.success_at(ALL_SIDES_K)), len(rows)

    def summary(self) -> str:
        abstained, unanswerable = self.out_of_corpus_abstained
        line = (f"questions {len(self.results)}  S@1 {self.success_at(1):.3f}  "
                f"S@3 {self.success_at(3):.3f}  MRR@5 {self.mrr_at_5:.3f}  "
                f"abstention accuracy {self.abstention_accuracy:.3f}  "
                f"out-of-corpus abstained {abstained}/{unanswerable}")
        found, sided = self.all_sides_found
        return line + (f"  all sides in top {ALL_SIDES_K} {found}/{sided}" if sided else "")

    def kinds(self) -> list[str]:
        """The kinds present, in order of first appearance."""
        return list(dict.fromkeys(r.question.kind for r in self.results))

    def of_kind(self, kind: str) -> Report:
        return Report(tuple(r for r in self.results if r.question.kind == kind))

    def kind_row(self, kind: str) -> KindRow:
        part = self.of_kind(kind)
        single = part._answerable()
        sided = [r for r in part.results if r.question.needs_all_sides]
        answerable = [r for r in part.results if r.question.answerable]
        abstained, unanswerable = part.out_of_corpus_abstained
        return KindRow(
            kind, len(part.results),
            success_1=part.success_at(1) if single else None,
            success_3=(_share(r.success_at(3) for r in single + sided)
                       if single or sided else None),
            mrr_5=part.mrr_at_5 if single else None,
            abstained_when_should=(abstained, unanswerable),
            answered_when_should=(sum(1 for r in answerable if not r.abstained),
                                  len(answerable)))

    def table(self) -> str:
        """The per-kind table: n, S@1, S@3, MRR@5, abstained- and answered-when-should."""
        head = (f"{'kind':<16}{'n':>5}{'S@1':>8}{'S@3':>8}{'MRR@5':>8}"
                f"{'abstained':>12}{'answered':>11}")
        lines = [head]
        for kind in self.kinds():
            row = self.kind_row(kind)
            lines.append(f"{row.kind:<16}{row.n:>5}{_figure(row.success_1):>8}"
                         f"{_figure(row.success_3):>8}{_figure(row.mrr_5):>8}"
                         f"{_ratio(row.abstained_when_should):>12}"
                         f"{_ratio(row.answered_when_should):>11}")
        return "\n".join(lines)

    def misses(self) -> list[EvalResult]:
        return [r for r in self.results if not r.hit]

    def to_json(self) -> dict[str, Any]:
        """Machine-readable figures: overall, per kind, and every result."""
        abstained, unanswerable = self.out_of_corpus_abstained
        found, sided = self.all_sides_found
        return {
            "questions": len(self.results),
            "success_at_1": self.success_at(1), "success_at_3": self.success_at(3),
            "mrr_at_5": self.mrr_at_5, "abstention_accuracy": self.abstention_accuracy,
            "out_of_corpus_abstained": [abstained, unanswerable],
            "all_sides_in_top_3": [found, sided],
            "kinds": {kind: _row_json(self.kind_row(kind)) for kind in self.kinds()},
            "results": [{"question": r.question.question, "kind": r.question.kind,
                         "rank": r.rank, "abstained": r.abstained, "hit": r.hit,
                         "top": list(r.top)} for r in self.results],
        }


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / max(1, len(values))


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ratio(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


def _row_json(row: KindRow) -> dict[str, Any]:
    return {"n": row.n, "success_at_1": row.success_1, "success_at_3": row.success_3,
            "mrr_at_5": row.mrr_5, "abstained_when_should": list(row.abstained_when_should),
            "answered_when_should": list(row.answered_when_should)}


def fold(text: str) -> str:
    """Case, whitespace and apostrophe folding used to match evidence against passages."""
    return re.sub(r"\s+", " ", text.replace("’", "'")).casefold().strip()



def _phrases(raw: Any) -> tuple[str, ...]:
    items = [raw] if isinstance(raw, str) else raw or []
    if not isinstance(items, list):
        raise ValueError("expected a phrase or a list of phrases")
    return tuple(str(e) for e in items)


def _sides(raw: Any) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        raise ValueError("'evidence_all' needs a list of at least two sides")
    sides = tuple(_phrases(side) for side in raw)
    if not all(sides):
        raise ValueError("every side of 'evidence_all' needs a phrase")
    return sides


def _question(item: Any, where: str) -> EvalQuestion:
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        raise ValueError(f"{where} needs a 'question' string")
    try:
        evidence, sides = _phrases(item.get("evidence")), _sides(item.get("evidence_all"))
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    answerable = bool(item.get("answerable", True))
    if answerable and not (evidence or sides):
        raise ValueError(f"{where} needs 'evidence', 'evidence_all' or answerable: false")
    return EvalQuestion(item["question"], evidence, answerable,
                        str(item.get("kind") or UNLABELLED), sides)


def load_questions(path: Path) -> list[EvalQuestion]:
    """Questions from YAML: a `questions` list of {question, kind, evidence | evidence_all |
    answerable: false, note}."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    items = raw.get("questions") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a 'questions' list")
    return [_question(item, f"{path}: questions[{i}]") for i, item in enumerate(items)]


def evidence_rank(question: EvalQuestion, texts: Sequence[str]) -> int | None:
    """1-based rank at which `texts` (passages, best first) first hold the evidence; for
    all-sides questions, the rank at which the last side is first found."""
    folded = [fold(t) for t in texts]

    def first(phrases: tuple[str, ...]) -> int | None:
        wanted = [fold(p) for p in phrases]
        return next((i for i, text in enumerate(folded, start=1)
                     if any(w in text for w in wanted)), None)

    if not question.needs_all_sides:
        return first(question.evidence)
    ranks = [first(side) for side in question.evidence_all]
    return None if None in ranks else max(r for r in ranks if r is not None)


def _preview(text: str) -> str:
    words = text.split()
    return " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")


async def evaluate(service: Service, questions: list[EvalQuestion]) -> Report:
    """Ask every question (top 5, unlogged) and find where its evidence ranks."""
    results = []
    for q in questions:
        answer = await service.ask(q.question, k=TOP_K, log=False)
        texts = [p.text for p in answer.passages]
        results.append(EvalResult(q, evidence_rank(q, texts), answer.abstained,
                                  tuple(_preview(t) for t in texts)))
    return Report(tuple(results))
