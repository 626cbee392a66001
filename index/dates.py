"""A small date grammar for questions, English and French: "2 June 2025", "June 2nd, 2025",
"2025-06-02", "juin 2025", "in 2012", "2012 coup" -> DateRanges; "latest", "now",
"récemment" -> wants recent. A grammar (not dateparser): it imports in microseconds and
never guesses a date out of a number of soldiers."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from index.analyze import fold
from index.query import DateRange

__all__ = ["MONTHS_EN_OF_FR", "DateFinding", "find_dates"]

_EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"]
_FR_MONTHS = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
              "septembre", "octobre", "novembre", "decembre"]
_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
                  "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12, "janv": 1,
                  "fev": 2, "avr": 4, "juil": 7}
MONTH_NUMBER: dict[str, int] = {
    **{m: i for i, m in enumerate(_EN_MONTHS, start=1)},
    **{m: i for i, m in enumerate(_FR_MONTHS, start=1)},
    **_ABBREVIATIONS,
}
MONTHS_EN_OF_FR = dict(zip(_FR_MONTHS, _EN_MONTHS, strict=True))

_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<dayword>(?P<day>[0-3]?\d)(?:st|nd|rd|th|er)?)"
# Most specific first; each match consumes its text so "2 June 2025" is not also "2025".
_SPAN = re.compile(
    rf"\b(?:between|from|du|entre)\s+(?P<day1word>(?P<day1>[0-3]?\d)(?:st|nd|rd|th|er)?)?\s*"
    rf"(?P<month1>{'|'.join(sorted(MONTH_NUMBER, key=len, reverse=True))})?\.?\s+"
    rf"(?:and|to|until|-|au|et)\s+(?:{_DAY}\s+)?{_MONTH},?\s+{_YEAR}\b")
_PATTERNS = [
    _SPAN,
    re.compile(rf"\b{_YEAR}-(?P<mnum>[01]?\d)-(?P<day>[0-3]?\d)\b"),
    re.compile(rf"\b(?P<day>[0-3]?\d)/(?P<mnum>[01]?\d)/{_YEAR}\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+(?:of\s+|de\s+|d')?{_YEAR}\b"),
    re.compile(rf"\b{_YEAR}\b"),
]
# A bare number of soldiers or dead is a count, not a year ("2000 troops").
_COUNT_NOUN = re.compile(
    r"\s+(?:soldiers?|troops?|fighters?|people|civilians?|men|women|children|dead|killed|"
    r"refugees?|personnes|soldats|morts|hommes|civils|combattants|militaires|tonnes|tons|"
    r"dollars?|euros?|francs?|km|kilometres?|kilometers?|miles?)\b")
_RECENT = re.compile(
    r"\b(?:latest|newest|recent|recently|lately|now|nowadays|currently|current|today|"
    r"these days|this week|this month|this year|last week|last few days|right now|"
    r"recemment|recent|recente|recents|recentes|actuellement|actuelle|aujourd'hui|"
    r"maintenant|en ce moment|dernieres nouvelles|derniere nouvelle|dernieres|derniers|"
    r"ces jours-ci|cette semaine)\b")


@dataclass(frozen=True, slots=True)
class DateFinding:
    """The dates and recency a question names, and where (in folded text) they were."""

    dates: tuple[DateRange, ...]
    wants_recent: bool
    recent_words: frozenset[str]
    day_words: frozenset[str] = frozenset()  # "06", "02" of "2025-06-02": not search terms


def find_dates(text: str) -> DateFinding:
    """DateRanges named in the text, most specific first, and whether it asks for news."""
    folded = fold(text)
    taken = [False] * len(folded)
    found: list[DateRange] = []
    days: set[str] = set()
    for pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            if any(taken[match.start():match.end()]) or _is_count(folded, match):
                continue
            span = _range(match)
            if span is not None:
                found.append(DateRange(span[0], span[1], text=match.group()))
                days.update(_day_words(match))
                taken[match.start():match.end()] = [True] * (match.end() - match.start())
    recent = [m.group() for m in _RECENT.finditer(folded)]
    words = frozenset(w for phrase in recent for w in phrase.split())
    return DateFinding(tuple(dict.fromkeys(found)), bool(recent), words, frozenset(days))


def _span(groups: dict[str, str | None]) -> tuple[dt.date, dt.date] | None:
    """"between 30 March and 1 April 2012": the first date takes the second's year (and
    month, when it names none)."""
    year = int(groups["year"] or 0)
    month = MONTH_NUMBER[groups["month"] or ""]
    first_month = MONTH_NUMBER.get(groups["month1"] or "", month)
    try:
        end = dt.date(year, month, int(groups["day"] or calendar.monthrange(year, month)[1]))
        first_day = int(groups["day1"] or 1)
        start = dt.date(year - (first_month > month), first_month, first_day)
    except ValueError:
        return None
    return (start, end) if start <= end else None


def _day_words(match: re.Match[str]) -> list[str]:
    """The words of a numeric date ("2025-06-02", "02/06/2025") that are no search terms:
    its day and month numbers. A written date's day stays searchable ("2 June 2025")."""
    groups = match.groupdict()
    if not groups.get("mnum"):
        return []
    return [w for w in (groups.get("day"), groups.get("mnum")) if w]


def _is_count(folded: str, match: re.Match[str]) -> bool:
    groups = match.groupdict()
    if groups.get("month") or groups.get("mnum"):
        return False
    return _COUNT_NOUN.match(folded, match.end()) is not None


def _range(match: re.Match[str]) -> tuple[dt.date, dt.date] | None:
    groups = match.groupdict()
    if groups.get("day1") or groups.get("month1"):
        return _span(groups)
    year = int(groups["year"])
    month = MONTH_NUMBER.get(groups.get("month") or "") or int(groups.get("mnum") or 0)
    day = int(groups.get("day") or 0)
    try:
        if month and day:
            date = dt.date(year, month, day)
            return date, date
        if month:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
    except ValueError:
        return None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
