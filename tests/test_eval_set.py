"""The evaluation sets of issue #10 are well formed: the dev/held-out halves (tests/eval/dev.yaml,
heldout.yaml: sizes per kind, a 50/50 split by the documented rule) and the blind sets
(tests/eval/blind.yaml, blind2.yaml, blind3.yaml: each written without seeing the others,
never tuned on).
In every set the evidence really occurs in the indexed passages and no question appears
twice."""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from bot.core import Service
from bot.evaluate import EvalQuestion, fold, load_questions

EVAL = Path(__file__).parent / "eval"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HALVES = {"dev": EVAL / "dev.yaml", "heldout": EVAL / "heldout.yaml"}
MINIMUMS = {"direct": 30, "paraphrase": 30, "keyword": 30, "variant": 25, "alias": 25,
            "french": 30, "date": 20, "conflicting": 15, "chat": 25, "out_of_corpus": 30,
            "out_of_domain": 15}
UNANSWERABLE_KINDS = {"out_of_corpus", "out_of_domain"}
BLINDS = {"blind": EVAL / "blind.yaml", "blind2": EVAL / "blind2.yaml",
          "blind3": EVAL / "blind3.yaml"}
BLIND_MINIMUMS = {"direct": 15, "paraphrase": 20, "keyword": 15, "variant": 15, "alias": 15,
                  "french": 20, "date": 12, "conflicting": 8, "chat": 15, "out_of_corpus": 20,
                  "out_of_domain": 10}
# A blind set shares no question with the halves, questions.yaml or another blind set.
OTHER_SETS = [*HALVES.values(), EVAL / "questions.yaml", *BLINDS.values()]


def _halves() -> dict[str, list[EvalQuestion]]:
    return {name: load_questions(path) for name, path in HALVES.items()}


def _dev_only_questions() -> set[str]:
    """The dev.yaml questions marked `split: dev-only`: written after the split to tune on."""
    items = _split_module().load_items(HALVES["dev"])
    return {str(i["question"]) for i in items if i.get("split") == "dev-only"}


def _split_halves() -> dict[str, list[EvalQuestion]]:
    """Each half without its dev-only questions: the questions the seeded split made."""
    dev_only = _dev_only_questions()
    return {name: [q for q in qs if q.question not in dev_only]
            for name, qs in _halves().items()}


def _everything() -> list[EvalQuestion]:
    return [q for questions in _halves().values() for q in questions]


def _blind() -> list[EvalQuestion]:
    return load_questions(BLINDS["blind"])


def _blind2() -> list[EvalQuestion]:
    return load_questions(BLINDS["blind2"])


def _blind3() -> list[EvalQuestion]:
    return load_questions(BLINDS["blind3"])


def _split_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_split", EVAL / "split.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_question_has_a_known_kind_and_the_right_sort_of_evidence() -> None:
    for q in _everything():
        assert q.kind in MINIMUMS, q
        assert q.answerable == (q.kind not in UNANSWERABLE_KINDS), q
        assert bool(q.evidence_all) == (q.kind == "conflicting"), q


def test_each_kind_meets_its_minimum_overall_and_in_each_half() -> None:
    halves = {name: Counter(q.kind for q in qs) for name, qs in _split_halves().items()}
    total = sum(halves.values(), Counter())
    assert sum(total.values()) >= 270
    for kind, minimum in MINIMUMS.items():
        assert total[kind] >= minimum, kind
        for name, counts in halves.items():
            assert counts[kind] >= minimum // 2, (name, kind)


def test_kinds_are_balanced_across_the_halves() -> None:
    dev, heldout = (Counter(q.kind for q in qs) for qs in _split_halves().values())
    for kind in MINIMUMS:
        assert abs(dev[kind] - heldout[kind]) <= 1, kind


def test_the_split_is_the_documented_seeded_shuffle() -> None:
    split = _split_module()
    dev_items, heldout_items = ([i for i in split.load_items(path) if not split.is_dev_only(i)]
                                for path in HALVES.values())
    expected_dev, expected_heldout = split.split(dev_items + heldout_items)
    assert [i["question"] for i in dev_items] == [i["question"] for i in expected_dev]
    assert [i["question"] for i in heldout_items] == [i["question"] for i in expected_heldout]


def test_dev_only_questions_cover_every_kind_and_stay_out_of_the_held_out_half() -> None:
    split = _split_module()
    dev_only = [i for i in split.load_items(HALVES["dev"]) if split.is_dev_only(i)]
    assert {str(i["kind"]) for i in dev_only} == set(MINIMUMS)
    assert not any(split.is_dev_only(i) for i in split.load_items(HALVES["heldout"]))
    header = HALVES["dev"].read_text(encoding="utf-8").split("questions:")[0]
    total = len(split.load_items(HALVES["dev"]))
    assert f"({total} questions)" in header and f"then {len(dev_only)} marked" in header


def test_no_question_appears_twice() -> None:
    seen = Counter(fold(q.question) for q in _everything())
    assert [q for q, n in seen.items() if n > 1] == []


def test_conflicting_questions_have_two_sides_each_with_phrases() -> None:
    for q in _everything():
        if q.kind == "conflicting":
            assert len(q.evidence_all) >= 2 and all(q.evidence_all), q


@pytest.mark.parametrize("questions", [_everything, _blind, _blind2, _blind3],
                         ids=["halves", "blind", "blind2", "blind3"])
async def test_every_evidence_phrase_occurs_in_an_indexed_passage(
        service: Service, questions: Callable[[], list[EvalQuestion]]) -> None:
    passages = [fold(c.text) for c in await service.store.chunks(service.generation)]
    assert passages
    missing = []
    for q in questions():
        phrases = list(q.evidence) + [p for side in q.evidence_all for p in side]
        missing += [(q.question, p) for p in phrases
                    if not any(fold(p) in text for text in passages)]
    assert missing == []


@pytest.mark.parametrize("paths", [list(HALVES.values()), *([p] for p in BLINDS.values())],
                         ids=["halves", *BLINDS])
def test_out_of_corpus_questions_name_words_the_seeds_never_mention(paths: list[Path]) -> None:
    """Each out-of-corpus question notes the names it hinges on; none occurs in any seed."""
    seeds = fold(" ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")))
    prefix = "absent from the seeds: "
    for path in paths:
        name = path.stem
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if item["kind"] != "out_of_corpus":
                continue
            note = str(item.get("note", ""))
            assert note.startswith(prefix), (name, item["question"])
            for word in note.removeprefix(prefix).split(", "):
                assert fold(word) not in seeds, (item["question"], word)


@pytest.mark.parametrize("path", list(HALVES.values()), ids=list(HALVES))
def test_each_file_documents_its_split_rule(path: Path) -> None:
    header = path.read_text(encoding="utf-8").split("questions:")[0]
    assert "split.py" in header and "random.Random" in header
    assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"], list)


@pytest.mark.parametrize("path", list(BLINDS.values()), ids=list(BLINDS))
def test_blind_questions_have_a_known_kind_and_the_right_sort_of_evidence(path: Path) -> None:
    for q in load_questions(path):
        assert q.kind in BLIND_MINIMUMS, q
        assert q.answerable == (q.kind not in UNANSWERABLE_KINDS), q
        assert bool(q.evidence_all) == (q.kind == "conflicting"), q
        if q.kind == "conflicting":
            assert len(q.evidence_all) >= 2 and all(q.evidence_all), q


@pytest.mark.parametrize("path", list(BLINDS.values()), ids=list(BLINDS))
def test_blind_set_meets_every_minimum(path: Path) -> None:
    counts = Counter(q.kind for q in load_questions(path))
    assert sum(counts.values()) >= 160
    assert {kind: n for kind, n in BLIND_MINIMUMS.items() if counts[kind] < n} == {}


@pytest.mark.parametrize("path", list(BLINDS.values()), ids=list(BLINDS))
def test_blind_set_has_no_question_twice(path: Path) -> None:
    seen = Counter(fold(q.question) for q in load_questions(path))
    assert [q for q, n in seen.items() if n > 1] == []


@pytest.mark.parametrize("path", list(BLINDS.values()), ids=list(BLINDS))
def test_blind_set_shares_no_question_with_any_other_set(path: Path) -> None:
    others = {fold(q.question) for other in OTHER_SETS if other != path
              for q in load_questions(other)}
    assert others
    assert [q.question for q in load_questions(path) if fold(q.question) in others] == []


@pytest.mark.parametrize("path", list(BLINDS.values()), ids=list(BLINDS))
def test_blind_file_says_it_is_not_to_be_tuned_on(path: Path) -> None:
    header = path.read_text(encoding="utf-8").split("questions:")[0]
    assert "written blind" in header.casefold() and "do not tune" in header.casefold()
