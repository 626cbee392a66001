"""Dates as people type them in chat (issue #10): numeric and abbreviated dates are searched
as news copy writes them; a span of years is one period."""

from __future__ import annotations

import datetime as dt

import pytest

from index.dates import find_dates, written_dates


@pytest.mark.parametrize(("typed", "written"), [
    ("2013-01-16 Diabaly", "16 January 2013 Diabaly"),
    ("on 16/01/2013", "on 16 January 2013"),
    ("Sept 2021 junta", "September 2021 junta"),
    ("Jan 17 2012 attacks", "January 17 2012 attacks"),
    ("17 jan 2012", "17 January 2012"),
    ("2025-13-01", "2025-13-01"),          # no month 13: left as typed
    ("I dec to go", "I dec to go"),        # no day or year next to it: not a month
    ("2,000 troops in 2012", "2,000 troops in 2012"),
])
def test_numeric_and_abbreviated_dates_are_written_out(typed: str, written: str) -> None:
    assert written_dates(typed) == written


def test_a_written_out_date_names_the_same_day() -> None:
    assert find_dates(written_dates("2025-06-02")).dates[0].start == dt.date(2025, 6, 2)


@pytest.mark.parametrize("typed", ["entre 2012 et 2023", "between 2012 and 2023",
                                   "from 2012 to 2023", "2012-2023", "de 2012 à 2023"])
def test_a_span_of_years_is_one_period(typed: str) -> None:
    spans = [(d.start, d.end) for d in find_dates(typed).dates]
    assert spans == [(dt.date(2012, 1, 1), dt.date(2023, 12, 31))]


@pytest.mark.parametrize("typed", ["in 2012 and 2023", "2023 to 2012"])
def test_two_years_that_are_no_span_stay_two_years(typed: str) -> None:
    assert len(find_dates(typed).dates) == 2
