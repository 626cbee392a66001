"""Retrieval quality on a question set: Success@1/3, MRR@5 and abstention accuracy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core import Service


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    evidence: tuple[str, ...] = ()
    answerable: bool = True


@dataclass(frozen=True)
class EvalResult:
    question: EvalQuestion
    rank: int | None  # 1-based rank of the first passage holding the evidence
    abstained: bool


@dataclass(frozen=True)
class Report:
    results: tuple[EvalResult, ...]

    def _answerable(self) -> list[EvalResult]:
        return [r for r in self.results if r.question.answerable]

    def success_at(self, k: int) -> float:
        rows = self._answerable()
        return sum(1 for r in rows if r.rank is not None and r.rank <= k) / max(1, len(rows))

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

    def summary(self) -> str:
        abstained, unanswerable = self.out_of_corpus_abstained
        return (f"questions {len(self.results)}  S@1 {self.success_at(1):.3f}  "
                f"S@3 {self.success_at(3):.3f}  MRR@5 {self.mrr_at_5:.3f}  "
                f"abstention accuracy {self.abstention_accuracy:.3f}  "
                f"out-of-corpus abstained {abstained}/{unanswerable}")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).casefold().strip()


def load_questions(path: Path) -> list[EvalQuestion]:
    """Questions from YAML: a `questions` list of {question, evidence, answerable}."""
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = raw.get("questions") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a 'questions' list")
    questions = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise ValueError(f"{path}: questions[{i}] needs a 'question' string")
        answerable = bool(item.get("answerable", True))
        raw_evidence = item.get("evidence", [])
        evidence = tuple(str(e) for e in ([raw_evidence] if isinstance(raw_evidence, str)
                                          else raw_evidence or []))
        if answerable and not evidence:
            raise ValueError(f"{path}: questions[{i}] needs 'evidence' or answerable: false")
        questions.append(EvalQuestion(item["question"], evidence, answerable))
    return questions


async def evaluate(service: Service, questions: list[EvalQuestion]) -> Report:
    """Ask every question (top 5, unlogged) and find where its evidence ranks."""
    results = []
    for q in questions:
        answer = await service.ask(q.question, k=5, log=False)
        rank = next((p.rank for p in answer.passages
                     if any(_norm(e) in _norm(p.text) for e in q.evidence)), None)
        results.append(EvalResult(q, rank, answer.abstained))
    return Report(tuple(results))
