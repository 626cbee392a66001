"""The cheap cue scan in front of the event-date patterns (index/dates.py) only skips
patterns that could not have matched: with it or without it, the same dates are found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import dates
from index.dates import find_event_dates

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EVERY_CUE = frozenset({"year", "month", "weekday"})
PIECES = ["5", "25", "2nd", "1er", "2012", "2024", "1999", "2000", "-", "–", "to", "and", "au",
          "between", "from", "on", "in", "by", "may", "May", "July", "Jul.", "juillet", "août",
          "Sept", "Thursday", "jeudi", "next", "troops", "killed", ",", ".", "the", "army",
          "2024-08-05", "05/08/2024", "of", "early", "mid-", "Mayor", "separatists", "mars"]


def _without_cues(monkeypatch: pytest.MonkeyPatch, text: str,
                  reference: dt.date | None) -> tuple[dates.DateRange, ...]:
    with monkeypatch.context() as patched:
        patched.setattr(dates, "_cues", lambda _folded: EVERY_CUE)
        return find_event_dates(text, reference)


def _seed_paragraphs() -> list[str]:
    return [p for f in sorted(SEEDS.glob("*.txt"))
            for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]


def test_seed_paragraphs_give_the_same_dates_with_and_without_the_cue_scan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    paragraphs = _seed_paragraphs()
    found = 0
    for paragraph in paragraphs:
        for reference in (None, dt.date(2024, 8, 5)):
            fast = find_event_dates(paragraph, reference)
            assert fast == _without_cues(monkeypatch, paragraph, reference), paragraph[:80]
            found += len(fast)
    assert found > 50  # the seeds state many dates: the comparison is not vacuous


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.booleans())
def test_date_like_text_gives_the_same_dates_with_and_without_the_cue_scan(
        pieces: list[str], with_reference: bool) -> None:
    text = " ".join(pieces)
    reference = dt.date(2024, 8, 5) if with_reference else None
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(dates, "_cues", lambda _folded: EVERY_CUE)
        slow = find_event_dates(text, reference)
    assert find_event_dates(text, reference) == slow


def test_cues_name_what_the_text_holds() -> None:
    assert dates._cues("on thursday 25 july 2024") == EVERY_CUE
    assert dates._cues("separatists said the mayor") == frozenset()
    assert dates._cues("in mars") == frozenset({"month"})
