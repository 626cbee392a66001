"""Dates as people type them in chat (issue #10): numeric and abbreviated dates are searched
as news copy writes them; a span of years is one period."""

from __future__ import annotations

import datetime as dt

import pytest

from index.dates import find_dates, written_dates
from index.lexicon import load_aliases
from index.understand import understand
from index.vocabulary import Vocabulary


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


TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(("typed", "start", "end"), [
    ("what happened last year in Kidal", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("l'an dernier à Tombouctou", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("Wagner two years ago", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("il y a deux ans", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("fighting last summer", dt.date(2026, 6, 1), dt.date(2026, 8, 31)),
    ("le mois dernier", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
])
def test_periods_named_relative_to_today(typed: str, start: dt.date, end: dt.date) -> None:
    finding = find_dates(typed, TODAY)
    assert [(d.start, d.end) for d in finding.dates] == [(start, end)]
    assert "year" not in finding.day_words or "last" in finding.day_words


def test_without_today_a_relative_period_names_nothing() -> None:
    assert find_dates("what happened last year", None).dates == ()


def test_last_summer_asked_in_spring_is_the_previous_year_s() -> None:
    (summer,) = find_dates("last summer", dt.date(2026, 4, 1)).dates
    assert summer.start == dt.date(2025, 6, 1)


def test_the_words_of_a_relative_period_are_no_search_terms() -> None:
    vocabulary = Vocabulary.from_passages(["Last year the year ended at Kidal."])
    query = understand("what happened last year in Kidal", vocabulary, load_aliases(),
                       today=TODAY)
    assert [c.typed for c in query.concepts] == ["Kidal"]
    assert query.dates[0].start == dt.date(2025, 1, 1)
