"""A question placed in a period: the period rule and the dates it reads. Pure functions.

A question placing what it asks in a period ("in November 2023") abstains when the kept
passages are about other times, by the years (and, for a period shorter than a year, the
months) they name: the best one is of another time, none is of the period, and the
runner-up is not one of unknown time speaking of the question's names (`of_another_time`).
A passage is about a period (`about_period`: the date boost) when its document is dated in
it or its text names it; `parse_date` reads a document date as written. The words of the
period a question names need not all be in a passage (`date_words`): the rule checks the time.
`index.rank` calls these.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from index.analyze import analyze, fold
from index.dates import MONTH_INTRODUCERS, MONTH_NUMBER, MONTHS, MONTHS_FR
from index.query import Concept, DateRange, Query

if TYPE_CHECKING:
    from index.rank import Hit, PassageView

__all__ = [
    "YEAR",
    "about_period",
    "date_words",
    "of_another_time",
    "parse_date",
]

# A word before a period that relates what the question asks to it rather than placing it
# there ("before the August 2020 coup", "since 2013", "après 2012").
_RELATED_TO = frozenset("before after since until till prior following avant apres depuis "
                        "jusqu jusqu'a jusqu'en".split())
_RELATION_WORDS = 3  # how far before the period such a word is looked for
_A_YEAR = 360  # days: a period this long or longer is a year or more, not months of one
# A passage's years that run on to its present: "since 2013", "(August 2022–present)".
_YEAR_DIGITS = r"(?:1[89]|2[01])\d\d"  # a year a passage may name: 1800 to 2199
_OPEN_ENDED = re.compile(rf"\b(?:since|depuis)\s+(?:\w+\s+)?{_YEAR_DIGITS}\b"
                         rf"|\b{_YEAR_DIGITS}\s*[-–—]\s*(?:present|today|now)\b")


def of_another_time(query: Query, hits: Sequence[Hit], passages: PassageView) -> bool:
    """The question places what it asks in a period ("in November 2024", "the 2022 Menaka
    offensive") and every passage that passes the rules rules out an answer for it
    (`_rules_out`): a temporal constraint no kept passage meets; the corpus covers the
    topic, not that time."""
    periods = _placed_in(query)
    strict = [h for h in hits if not h.companion]
    if not periods or not strict:
        return False
    names = frozenset(c.typed for c in query.concepts if c.is_name)
    return all(_rules_out(place, hit, periods, names, passages)
               for place, hit in enumerate(strict))


def _rules_out(place: int, hit: Hit, periods: Sequence[DateRange], names: frozenset[str],
               passages: PassageView) -> bool:
    """A kept passage (at `place` among them, best first) is about another time
    (`_time_of`), or its time is unknown and it is neither the best one nor the runner-up
    speaking of the question's names: further down, or holding only common words of the
    question, it may pass the rules by chance, the more so in a larger corpus."""
    time = _time_of(hit.index, periods, passages)
    if time == _UNKNOWN:
        return place > 1 or (place == 1 and not names & set(hit.matched))
    return time == _OTHER


def _placed_in(query: Query) -> tuple[DateRange, ...]:
    """The periods the question places what it asks in; none when one of them is only a
    reference point ("before the August 2020 coup", "since 2013"), or is not found."""
    text = fold(query.cleaned or query.question)
    for period in query.dates:
        at = text.find(period.text)
        before = {w.strip(",.;:!?()\"") for w in text[:at].split()[-_RELATION_WORDS:]}
        if at < 0 or before & _RELATED_TO:
            return ()
    return query.dates


_IN, _OTHER, _UNKNOWN = "in", "other", "unknown"  # a passage's time against a period


def _time_of(index: int, periods: Sequence[DateRange], passages: PassageView) -> str:
    """Whether the passage is about one of the periods (`_IN`: `about_period`, its
    document dated in it, or it names one's year), about another time (`_OTHER`), or may
    be about one (`_UNKNOWN`), by the years and months it names (`_time_against`). News
    copy speaks of its own time: a passage of a document dated within a year after a
    period may be about it whatever older years it names ("the junta that seized power in
    a 2020 coup" in a report of August 2024)."""
    if about_period(index, periods, passages):
        return _IN
    text = fold(f"{passages.heading_of(index)} {passages.text_of(index)}")
    found = {_time_against(text, period) for period in periods}
    if _IN in found:
        return _IN
    written = parse_date(passages.date_of(index))
    if _UNKNOWN in found or (written is not None and any(
            p.start <= written and (written - p.end).days <= _REPORTED_WITHIN_DAYS
            for p in periods)):
        return _UNKNOWN
    return _OTHER


def _time_against(text: str, period: DateRange) -> str:
    """The passage's time against one period, by the years it names (since 2021: to this
    day): `_IN` when it names one of the period's, `_OTHER` when their span misses the
    period, `_UNKNOWN` when their span holds it unnamed or it names none. For a period
    shorter than a year, the months it names as dates (in the period's years) tell more:
    `_OTHER` when they miss the period's, `_IN` when they meet them."""
    years = [int(y) for y in YEAR.findall(text)]
    if not years:
        meet = _months_meet(text, period)
        return _UNKNOWN if meet is None else _IN if meet else _OTHER
    first, last = min(years), dt.MAXYEAR if _OPEN_ENDED.search(text) else max(years)
    if not (first <= period.end.year and period.start.year <= last):
        return _OTHER
    if not any(period.start.year <= y <= period.end.year for y in years):
        return _UNKNOWN  # "since 2021", "2012-2023": the period is inside, not named
    if first < period.start.year or last > period.end.year:
        return _IN  # its months may be of its other years
    return _OTHER if _months_meet(text, period) is False else _IN


def _months_meet(text: str, period: DateRange) -> bool | None:
    """Whether the months the text names as dates meet a period shorter than a year: one
    of its months, or months around it ("between October and December"); None when the
    period is a year or more or the text names no month."""
    named = _months_named(text)
    if (period.end - period.start).days >= _A_YEAR or not named:
        return None
    wanted = _months_between(period.start, period.end)
    return bool(named & wanted) or (min(named) <= min(wanted) and max(wanted) <= max(named))


def date_words(query: Query, known: Sequence[Concept]) -> frozenset[str]:
    """The question's concepts (of those the corpus knows) that are words of a period it
    places what it asks in ("July", "2022" of "in July 2022"), when it has other concepts
    too."""
    words = {word for period in _placed_in(query) for word in period.text.split()}
    dated = frozenset(c.typed for c in known if fold(c.typed) in words)
    return dated if len(dated) < len(known) else frozenset()


_MONTH_TERMS = tuple(frozenset(analyze(f"{en} {fr}")) for en, fr in
                     zip(MONTHS, MONTHS_FR, strict=True))
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b")
YEAR = re.compile(rf"\b({_YEAR_DIGITS})\b")
_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er)?\b")


def parse_date(text: str) -> dt.date | None:
    """A document date as written ("05 August 2024", "2024-08-05", "August 2024"),
    to the first day of what it names; None when it holds no year."""
    folded = fold(text)
    if iso := _ISO_DATE.search(folded):
        return _safe_date(int(iso[1]), int(iso[2]), int(iso[3] or 1))
    year = YEAR.search(folded)
    if year is None:
        return None
    words = re.findall(r"[a-z]+", folded)
    month = next((MONTH_NUMBER[w] for w in words if w in MONTH_NUMBER), 1)
    day = _DAY.search(folded.replace(year[1], " "))
    return _safe_date(int(year[1]), month, int(day[1]) if day and month else 1)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        try:
            return dt.date(year, month, 1)
        except ValueError:
            return None


def about_period(index: int, ranges: Sequence[DateRange], passages: PassageView) -> bool:
    """The passage's document is dated in the period, or its text names a year of it (and
    its month, for periods shorter than a year), or names the period's month without a year
    in a document dated up to a year after it ("on July 25", reported in August 2024)."""
    date = parse_date(passages.date_of(index))
    if date is not None and any(r.start <= date <= r.end for r in ranges):
        return True
    terms = passages.terms_of(index)
    if any(_mentions(r, terms) or _mentions_day(r, terms) for r in ranges):
        return True
    return date is not None and any(_month_reported_after(r, terms, date) for r in ranges)


_REPORTED_WITHIN_DAYS = 366


def _mentions_day(period: DateRange, terms: frozenset[str]) -> bool:
    """A one-day period named by its day and month ("On 16 January, ...") in a passage
    that names no other year."""
    if period.start != period.end:
        return False
    other_years = {t for t in terms if YEAR.fullmatch(t)} - {str(period.start.year)}
    return (not other_years and str(period.start.day) in terms
            and bool(_MONTH_TERMS[period.start.month - 1] & terms))


def _month_reported_after(period: DateRange, terms: frozenset[str], reported: dt.date) -> bool:
    """A month of a period shorter than a year named in a passage reported soon after."""
    if (period.end - period.start).days >= _A_YEAR:
        return False
    if not 0 <= (reported - period.end).days <= _REPORTED_WITHIN_DAYS:
        return False
    return any(_MONTH_TERMS[m - 1] & terms for m in _months_between(period.start, period.end))


def _mentions(period: DateRange, terms: frozenset[str]) -> bool:
    years = {str(y) for y in range(period.start.year, period.end.year + 1)}
    if not years & terms:
        return False
    if (period.end - period.start).days >= _A_YEAR:
        return True
    months = _months_between(period.start, period.end)
    return any(_MONTH_TERMS[m - 1] & terms for m in months)


def _months_between(start: dt.date, end: dt.date) -> set[int]:
    count = (end.year - start.year) * 12 + end.month - start.month
    return {(start.month - 1 + i) % 12 + 1 for i in range(min(count, 11) + 1)}


_MONTH_WORDS = "|".join(MONTHS + MONTHS_FR)
# A month named as a date: "6 October", "October 6", "in October", "October 2023",
# "en octobre" (not "may" or "march" as words of their own), or "October to December".
_MONTH_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:of\s+)?(?P<a>{_MONTH_WORDS})\b"
    rf"|\b(?:{'|'.join(MONTH_INTRODUCERS)})\s+(?P<b>{_MONTH_WORDS})\b"
    rf"|\b(?P<c>{_MONTH_WORDS})\s+(?:\d{{1,2}}\b|{_YEAR_DIGITS}\b)")
_MONTH_SPAN = re.compile(rf"\b(?P<a>{_MONTH_WORDS})\s*(?:and|to|through|until|-|–|et|au|a)\s*"
                         rf"(?P<b>{_MONTH_WORDS})\b")


def _months_named(text: str) -> set[int]:
    """The months a folded text names as dates, as numbers."""
    return {MONTH_NUMBER[name] for pattern in (_MONTH_DATE, _MONTH_SPAN)
            for m in pattern.finditer(text) for name in m.groupdict().values() if name}
