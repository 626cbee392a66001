"""Retrieval quality on tests/eval/questions.yaml meets the issue's bar; the report logic
(per kind, all-sides questions) and the `eval` command on tiny synthetic sets."""

import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.core import Service
from bot.evaluate import EvalQuestion, EvalResult, Report, evaluate, evidence_rank, load_questions

QUESTIONS = Path(__file__).parent / "eval" / "questions.yaml"


def test_question_set_shape() -> None:
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 40
    assert sum(not q.answerable for q in questions) >= 5


async def test_quality_targets(service: Service) -> None:
    report = await evaluate(service, load_questions(QUESTIONS))
    assert report.success_at(1) >= 0.89, report.summary()
    assert report.success_at(3) >= 0.97, report.summary()
    abstained, unanswerable = report.out_of_corpus_abstained
    assert abstained == unanswerable, report.summary()


# ---------------------------------------------------------------- report logic on a tiny set


def _q(kind: str, evidence: tuple[str, ...] = ("x",), answerable: bool = True,
       sides: tuple[tuple[str, ...], ...] = ()) -> EvalQuestion:
    return EvalQuestion(f"{kind} {evidence} {sides}", () if sides else evidence, answerable,
                        kind, sides)


def _r(question: EvalQuestion, rank: int | None, abstained: bool = False) -> EvalResult:
    return EvalResult(question, rank, abstained)


def test_evidence_rank_finds_the_first_passage_after_folding() -> None:
    q = EvalQuestion("q", ("Mali’s  ARMY", "never there"))
    assert evidence_rank(q, ["nothing", "the mali's army\nretreated", "Mali's army"]) == 2
    assert evidence_rank(q, ["nothing"]) is None


def test_evidence_all_ranks_where_the_last_side_turns_up() -> None:
    q = EvalQuestion("q", (), True, "conflicting", (("rebels say",), ("army says", "admits")))
    assert evidence_rank(q, ["army says", "filler", "rebels say"]) == 3
    assert evidence_rank(q, ["rebels say", "admits"]) == 2
    assert evidence_rank(q, ["rebels say", "rebels say again"]) is None


def test_report_per_kind_rows() -> None:
    direct = [_r(_q("direct"), 1), _r(_q("direct", ("y",)), 2), _r(_q("direct", ("z",)), None)]
    sided = _q("conflicting", sides=(("a",), ("b",)))
    refused = _r(_q("out_of_corpus", (), answerable=False), None, abstained=True)
    answered = _r(_q("out_of_corpus", ("w",), answerable=False), None, abstained=False)
    abstained_wrongly = _r(_q("direct", ("v",)), None, abstained=True)
    report = Report((*direct, _r(sided, 3), refused, answered, abstained_wrongly))
    row = report.kind_row("direct")
    assert (row.n, row.success_1, row.success_3) == (4, 0.25, 0.5)
    assert row.mrr_5 == (1 + 1 / 2) / 4
    assert row.answered_when_should == (3, 4) and row.abstained_when_should == (0, 0)
    conflicting = report.kind_row("conflicting")
    assert conflicting.success_1 is None and conflicting.success_3 == 1.0
    unanswerable = report.kind_row("out_of_corpus")
    assert unanswerable.abstained_when_should == (1, 2) and unanswerable.success_3 is None
    assert report.kinds() == ["direct", "conflicting", "out_of_corpus"]
    table = report.table().splitlines()
    assert table[0].split() == ["kind", "n", "S@1", "S@3", "MRR@5", "abstained", "answered"]
    assert table[1].split() == ["direct", "4", "0.250", "0.500", "0.375", "-", "3/4"]
    assert table[2].split() == ["conflicting", "1", "-", "1.000", "-", "-", "1/1"]
    assert table[3].split() == ["out_of_corpus", "2", "-", "-", "-", "1/2", "-"]


def test_all_sides_questions_count_at_3_and_stay_out_of_the_overall_s_at_1() -> None:
    sided = _q("conflicting", sides=(("a",), ("b",)))
    report = Report((_r(_q("direct"), 1), _r(sided, 3), _r(sided, 4)))
    assert report.success_at(1) == 1.0 and report.mrr_at_5 == 1.0
    assert report.all_sides_found == (1, 2)
    assert report.summary().endswith("all sides in top 3 1/2")
    assert [r.rank for r in report.misses()] == [4]


def test_summary_keeps_its_old_shape_without_all_sides_questions() -> None:
    report = Report((_r(_q("direct"), 1), _r(_q("x", (), answerable=False), None, True)))
    assert report.summary() == ("questions 2  S@1 1.000  S@3 1.000  MRR@5 1.000  "
                                "abstention accuracy 1.000  out-of-corpus abstained 1/1")


def test_load_questions_reads_kinds_and_sides(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("questions:\n"
                    "  - {question: 'a?', kind: direct, evidence: one}\n"
                    "  - {question: 'b?', kind: conflicting, evidence_all: [[x, y], z]}\n"
                    "  - {question: 'c?', answerable: false}\n")
    a, b, c = load_questions(path)
    assert (a.kind, a.evidence) == ("direct", ("one",))
    assert b.evidence_all == (("x", "y"), ("z",)) and b.needs_all_sides
    assert not c.answerable and c.kind == "unlabelled"


@pytest.mark.parametrize("item", [
    "{question: 'a?', kind: conflicting, evidence_all: [[x]]}",
    "{question: 'a?', kind: conflicting, evidence_all: [[x], []]}",
    "{question: 'a?', kind: direct}",
    "{kind: direct, evidence: x}",
])
def test_load_questions_rejects_malformed_items(tmp_path: Path, item: str) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(f"questions:\n  - {item}\n")
    with pytest.raises(ValueError, match=r"questions\[0\]"):
        load_questions(path)


# ---------------------------------------------------------------- the `eval` command


@pytest.fixture
def config_file(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("corpus: {dir: corpus}\ndata: {path: data/db.sqlite3}\n"
                    "logging: {salt_file: data/salt}\n")
    return path


@pytest.fixture
def question_files(tmp_path: Path) -> list[Path]:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(
        "questions:\n"
        "  - {question: 'How many peacekeepers did MINUSMA lose?', kind: direct,\n"
        "     evidence: MINUSMA lost 311 peacekeepers}\n"
        "  - {question: 'How many soldiers died in Dioura?', kind: direct,\n"
        "     evidence: a phrase that no passage holds}\n")
    second.write_text(
        "questions:\n"
        "  - {question: 'What is the recipe for jollof rice?', kind: out_of_domain,\n"
        "     answerable: false}\n")
    return [first, second]


def test_eval_command_prints_overall_and_per_kind_for_each_file(
        config_file: Path, question_files: list[Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--config", str(config_file), "eval", *map(str, question_files)]
    assert main(args) == 0
    out = capsys.readouterr().out
    sections = out.split("== ")[1:]
    assert [s.splitlines()[0] for s in sections] == [*map(str, question_files), "all"]
    assert "questions 2  S@1 0.500" in sections[0]
    assert re.search(r"^direct\s+2\s+0\.500\s+0\.500\s+0\.500\s+-\s+2/2$", sections[0], re.M)
    assert re.search(r"^out_of_domain\s+1\s+-\s+-\s+-\s+1/1\s+-$", sections[1], re.M)
    assert "questions 3 " in sections[2]


def test_eval_verbose_shows_the_top_passages_of_each_miss(
        config_file: Path, question_files: list[Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "eval", "-v", str(question_files[0])]) == 0
    lines = capsys.readouterr().out.splitlines()
    miss = next(i for i, line in enumerate(lines) if line.startswith("-- [direct]"))
    assert "Dioura" in lines[miss]
    assert lines[miss + 1].lstrip().startswith("1. On 23 May 2025, an attack by JNIM")
    hit = next(line for line in lines if line.startswith("ok [direct]"))
    assert "MINUSMA" in hit


def test_eval_json_is_machine_readable(config_file: Path, question_files: list[Path],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "eval", "--json", str(question_files[0])]) == 0
    data = json.loads(capsys.readouterr().out)
    figures = data[str(question_files[0])]
    assert figures["questions"] == 2 and figures["success_at_1"] == 0.5
    assert figures["kinds"]["direct"]["answered_when_should"] == [2, 2]
    assert [r["hit"] for r in figures["results"]] == [True, False]


def test_eval_reports_a_bad_file_clearly(config_file: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - {question: 'a?', kind: direct}\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("questions: [\n")
    assert main(["--config", str(config_file), "eval", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "evidence" in err
    assert main(["--config", str(config_file), "eval", str(tmp_path / "absent.yaml")]) == 2
    assert "absent.yaml" in capsys.readouterr().err
    assert main(["--config", str(config_file), "eval", str(broken)]) == 2
    assert "broken.yaml" in capsys.readouterr().err


def test_the_evaluation_set_files_load_through_the_command(
        config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(Path(__file__).parent / "eval" / n) for n in ("dev.yaml", "heldout.yaml")]
    assert main(["--config", str(config_file), "eval", *files]) == 0
    out = capsys.readouterr().out
    for kind in ("conflicting", "french", "out_of_corpus"):
        assert re.search(rf"^{kind}\s", out, re.M), kind


async def test_development_half_keeps_its_tuned_figures(service: Service) -> None:
    """A regression floor on tests/eval/dev.yaml, where the ranking thresholds were tuned
    (S@1 0.907, out-of-corpus 23/24 when set; 24/24 after the off-topic rule of the second
    round; the fourth round's 12 new out-of-corpus questions, in-domain topics the seeds never
    cover, brought it to 52/55; the sixth round's 160 blind-written questions, added before any
    tuning on them, took the file to S@1 0.86, S@3 0.92, out-of-corpus 66/85; after that
    round's changes and 120 more blind-written questions, 797 questions: S@1 0.899, S@3 0.947,
    87/105; the eighth round's 222 blind-written questions, added before any tuning on them,
    took the file to 1,019 questions: S@1 0.878, S@3 0.935, 106/147; after the round's changes
    S@1 0.890, S@3 0.945, 112/147; the ninth round's changes took it to S@1 0.915, S@3 0.966,
    then its 217 validation questions, written blind and never tuned on, to 1,236 questions:
    S@1 0.906, S@3 0.962, out-of-corpus 142/192 - their 35 near misses abstain 20 times; with
    round 10's 104 validation questions, 1,340: S@1 0.900, S@3 0.958, 151/211);
    heldout.yaml and the blind sets are reported, never asserted on."""
    report = await evaluate(service, load_questions(QUESTIONS.parent / "dev.yaml"))
    assert report.success_at(1) >= 0.89, report.summary()
    assert report.success_at(3) >= 0.95, report.summary()
    abstained, unanswerable = report.out_of_corpus_abstained
    assert abstained >= 0.70 * unanswerable, report.summary()


@pytest.mark.parametrize(("question", "evidence"), [
    ("When did French troops leave Mali?", "The French military, once a stabilizing force, "
     "withdrew in 2022"),
    ("Who did Wagner fight at Tinzaouatene?", "Tinzaouatene"),
])
async def test_the_issues_named_questions_are_answered_at_rank_1(
        service: Service, question: str, evidence: str) -> None:
    answer = await service.ask(question, log=False)
    assert not answer.abstained
    assert evidence in answer.passages[0].text
