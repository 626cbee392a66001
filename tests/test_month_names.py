"""One table of month names (index.dates): the period rule's document dates
(index.period.parse_date) and the questions' dates (index.dates.find_dates) read a date
written in any format both accept as the same day."""

from __future__ import annotations

import datetime as dt

import pytest

from index.dates import MONTH_NUMBER, MONTHS, MONTHS_FR, find_dates, find_event_dates
from index.period import _months_named, parse_date
from index.rank import _gives_a_count


@pytest.mark.parametrize(("written", "day"), [
    ("05 August 2024", dt.date(2024, 8, 5)),
    ("August 5, 2024", dt.date(2024, 8, 5)),
    ("Aug 5, 2024", dt.date(2024, 8, 5)),
    ("Sept. 5, 2024", dt.date(2024, 9, 5)),
    ("5 Sep 2024", dt.date(2024, 9, 5)),
    ("June 2nd, 2025", dt.date(2025, 6, 2)),
    ("5 août 2024", dt.date(2024, 8, 5)),
    ("1er juillet 2024", dt.date(2024, 7, 1)),
    ("5 juil. 2024", dt.date(2024, 7, 5)),
    ("12 fev 2024", dt.date(2024, 2, 12)),
    ("3 janv. 2024", dt.date(2024, 1, 3)),
    ("3 avr 2024", dt.date(2024, 4, 3)),
    ("2024-08-05", dt.date(2024, 8, 5)),
    ("2024-02-20", dt.date(2024, 2, 20)),
    ("August 2024", dt.date(2024, 8, 1)),
    ("juin 2025", dt.date(2025, 6, 1)),
    ("2024", dt.date(2024, 1, 1)),
])
def test_a_date_both_modules_read_is_the_same_day(written: str, day: dt.date) -> None:
    assert parse_date(written) == day
    assert find_dates(written).dates[0].start == day


@pytest.mark.parametrize("written", ["no date", "", "juin", "5 August"])
def test_a_document_date_without_a_year_is_none(written: str) -> None:
    assert parse_date(written) is None


def test_every_month_is_named_in_english_and_in_french() -> None:
    for number, (english, french) in enumerate(zip(MONTHS, MONTHS_FR, strict=True), start=1):
        assert MONTH_NUMBER[english] == MONTH_NUMBER[french] == number
    assert len(MONTHS) == len(set(MONTHS)) == 12


@pytest.mark.parametrize(("text", "counts"), [
    ("le 25 juillet 2024 au camp", False),  # French month names are dates too
    ("on Sept 5 at the camp", False),       # and short forms longer than three letters
    ("le 25 juillet 2024, 84 combattants", True),
])
def test_a_day_of_any_month_name_is_no_count(text: str, counts: bool) -> None:
    assert _gives_a_count(text) is counts


@pytest.mark.parametrize("text", [
    "the fighting resumed during july", "the army held the town from july",
    "they had left by july", "the talks stalled in july", "fin juillet, l'armee est partie",
])
def test_a_month_named_alone_is_a_date_to_both_modules(text: str) -> None:
    reported = dt.date(2024, 8, 10)
    (july,) = find_event_dates(text, reported)
    assert (july.start, july.end) == (dt.date(2024, 7, 1), dt.date(2024, 7, 31))
    assert _months_named(text) == {7}
