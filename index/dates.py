"""A small date grammar for questions, English and French: "2 June 2025", "June 2nd, 2025",
"2025-06-02", "juin 2025", "in 2012", "2012 coup" -> DateRanges; "latest", "now",
"récemment" -> wants recent. A grammar (not dateparser): it imports in microseconds and
never guesses a date out of a number of soldiers."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from index.analyze import fold
from index.query import DateRange

__all__ = ["MONTHS", "MONTHS_EN_OF_FR", "MONTHS_FR", "MONTH_INTRODUCERS", "MONTH_NAMES",
           "MONTH_NUMBER", "YEAR_DIGITS", "DateFinding", "find_dates", "find_event_dates",
           "parse_day", "written_dates"]

# The month names, in English and in French (folded): the one table of them (index.period
# and index.rank read them here).
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
MONTHS_FR = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
             "septembre", "octobre", "novembre", "decembre"]
_SHORT_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
                 "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}  # English
_ABBREVIATIONS = {**_SHORT_MONTHS, "janv": 1, "fev": 2, "avr": 4, "juil": 7}
MONTH_NUMBER: dict[str, int] = {
    **{m: i for i, m in enumerate(MONTHS, start=1)},
    **{m: i for i, m in enumerate(MONTHS_FR, start=1)},
    **_ABBREVIATIONS,
}
MONTHS_EN_OF_FR = dict(zip(MONTHS_FR, MONTHS, strict=True))
# Every name of a month, as a regex alternation (longest first).
MONTH_NAMES = "|".join(sorted(MONTH_NUMBER, key=len, reverse=True))

_MONTH = rf"(?P<month>{MONTH_NAMES})\.?"
# The digits of a year a question or a date names: 1900 to 2099.
YEAR_DIGITS = r"(?:19|20)\d\d"
_YEAR = rf"(?P<year>{YEAR_DIGITS})"
_DAY = r"(?P<dayword>(?P<day>[0-3]?\d)(?:st|nd|rd|th|er)?)"
# Most specific first; each match consumes its text so "2 June 2025" is not also "2025".
_SPAN = re.compile(
    rf"\b(?:between|from|du|entre)\s+(?P<day1word>(?P<day1>[0-3]?\d)(?:st|nd|rd|th|er)?)?\s*"
    rf"(?P<month1>{MONTH_NAMES})?\.?\s+"
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
# "between 2012 and 2023", "entre 2012 et 2023", "2012-2023": one period (questions only;
# passages keep reading each year as its own).
_YEAR_SPAN = re.compile(
    rf"\b(?:(?P<since>between|from|entre|de|du)\s+)?(?P<year1>{YEAR_DIGITS})\s*"
    rf"(?P<upto>and|to|until|through|-|–|et|a|au|jusqu'a|jusqu'en)\s*{_YEAR}\b")
_SPAN_WORDS = frozenset({"-", "–"})  # "2012-2023"; "2012 and 2023" is two years
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


# Periods named relative to today: "last year", "l'an dernier", "two years ago", "last summer".
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "un": 1, "une": 1,
                 "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}
_RELATIVE = re.compile(
    r"\b(?:(?P<last_year>last year|past year|l'an dernier|l'annee derniere|l'an passe"
    r"|l'annee passee)|(?P<last_summer>last summer|l'ete dernier)"
    r"|(?P<last_month>last month|le mois dernier)"
    r"|(?P<ago>\d|one|two|three|four|five) years? ago"
    r"|il y a (?P<il_y_a>\d|un|une|deux|trois|quatre|cinq) ans?)\b")


def _relative(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date]:
    """The period a relative phrase names, counted from today."""
    groups = match.groupdict()
    if groups["last_month"]:
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if groups["last_summer"]:
        year = today.year if today.month > 8 else today.year - 1
        return dt.date(year, 6, 1), dt.date(year, 8, 31)
    count = groups["ago"] or groups["il_y_a"]
    back = 1 if groups["last_year"] else int(_NUMBER_WORDS.get(count or "", count or 1))
    return dt.date(today.year - back, 1, 1), dt.date(today.year - back, 12, 31)


def find_dates(text: str, today: dt.date | None = None) -> DateFinding:
    """DateRanges named in the text, most specific first, and whether it asks for news.
    With `today`, periods named relative to it ("last year", "il y a deux ans") too; their
    words are then no search terms."""
    folded = fold(text)
    taken = [False] * len(folded)
    found: list[DateRange] = []
    days: set[str] = set()
    if today is not None and today.year > dt.MINYEAR + 5:
        for match in _RELATIVE.finditer(folded):
            start, end = _relative(match, today)
            found.append(DateRange(start, end, text=match.group()))
            days.update(match.group().replace("'", " ").split())
            taken[match.start():match.end()] = [True] * (match.end() - match.start())
    for pattern in (*_PATTERNS[:-1], _YEAR_SPAN, _PATTERNS[-1]):
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


_NUMERIC_DATES = (_PATTERNS[1], _PATTERNS[2])  # "2013-01-16", "16/01/2013"
_SHORT = "|".join(_SHORT_MONTHS)
_SHORT_MONTH = re.compile(
    rf"(?<![\w-])(?P<month>{_SHORT})\.?(?=\s+(?:[0-3]?\d(?:st|nd|rd|th)?\b|{YEAR_DIGITS}\b))"
    rf"|(?<=\b\d\s)(?P<month2>{_SHORT})\.?(?!\w)|(?<=\b\d\d\s)(?P<month3>{_SHORT})\.?(?!\w)",
    re.IGNORECASE)


def written_dates(text: str) -> str:
    """Dates written as news copy writes them, so their words are searched as such:
    "2013-01-16" and "16/01/2013" -> "16 January 2013", "Sept 2021" -> "September 2021"."""
    def numeric(match: re.Match[str]) -> str:
        month, day = int(match["mnum"]), int(match["day"])
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return match.group()
        return f"{day} {MONTHS[month - 1].capitalize()} {match['year']}"

    def spelt_out(match: re.Match[str]) -> str:
        short = next(g for g in match.groups() if g).lower()
        return MONTHS[MONTH_NUMBER[short] - 1].capitalize()

    if not any(c.isdigit() for c in text):
        return text
    for pattern in _NUMERIC_DATES:
        text = pattern.sub(numeric, text)
    return _SHORT_MONTH.sub(spelt_out, text)


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
    if groups.get("year1"):
        first, last = int(groups["year1"]), int(groups["year"])
        if first >= last or not (groups["since"] or groups["upto"] in _SPAN_WORDS):
            return None
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
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



# --- dates stated in article text (#12) ----------------------------------------------------
# Passages state their events' dates without a year ("on July 25", "25-27 July") or as a
# weekday ("said on Thursday"); those resolve against the article's own date, else stay out.

_DASH = r"\s*(?:-|–|—|to|au|a)\s*"
_DAY_RANGE_YEAR = re.compile(
    rf"\b(?P<day1>[0-3]?\d)(?:st|nd|rd|th|er)?{_DASH}{_DAY}\s+{_MONTH},?\s+{_YEAR}\b")
_DAY_RANGE = re.compile(
    rf"\b(?P<day1>[0-3]?\d)(?:st|nd|rd|th|er)?{_DASH}{_DAY}\s+{_MONTH}(?!\w)")
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:-|–|,?\s*{YEAR_DIGITS}))")
# Words before a month named as a date without its day ("in July", "by March", "fin
# juin"): a month is read alone only after one of these (index.period reads them too).
MONTH_INTRODUCERS = ("in", "early", "late", "mid", "by", "since", "until", "from", "between",
                     "during", "on", "en", "debut", "fin", "mi", "depuis")
_INTRODUCING = frozenset(MONTH_INTRODUCERS)
_MONTH_ALONE = re.compile(
    rf"\b(?:{'|'.join(MONTH_INTRODUCERS)})[\s-]+"
    rf"(?:(?:early|late|mid)[\s-]+)?(?P<month>{MONTH_NAMES})\b")
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6, "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3,
             "vendredi": 4, "samedi": 5, "dimanche": 6}
_WEEKDAY = re.compile(r"\b(?P<next>next\s+|prochain\s+)?(?P<weekday>"
                      + "|".join(_WEEKDAYS) + r")\b")
_ISO_DAY = re.compile(rf"^\s*({YEAR_DIGITS})-([01]\d)-([0-3]\d)(?:$|[T\s])")
_NEAREST_YEAR_DAYS = 183  # a year-less date is taken within half a year of the article's


def parse_day(text: str) -> dt.date | None:
    """The one calendar day a date string names ("05 August 2024", "2024-08-05T10:00Z",
    "Aug 5, 2024"), or None when it names no single day (no year, a month, a range)."""
    if iso := _ISO_DAY.match(text):
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    days = [d for d in find_dates(text).dates if d.start == d.end]
    return days[0].start if days else None


def find_event_dates(text: str, reference: dt.date | None) -> tuple[DateRange, ...]:
    """The dates a passage states, in text order: full dates as `find_dates` reads them,
    and, when `reference` (the article's date) is known, dates without a year resolved to
    the nearest such day and weekdays to the last one on or before `reference`."""
    if reference is not None and not dt.MINYEAR < reference.year < dt.MAXYEAR:
        reference = None  # the year before or after it would not exist
    folded = fold(text)
    taken = [False] * len(folded)
    found: list[tuple[int, DateRange]] = []
    present = _cues(folded)
    for pattern, resolve in _event_patterns(reference):
        if not _NEEDS[pattern] <= present:
            continue
        for match in pattern.finditer(folded):
            if _skip_event(folded, match, taken):
                continue
            span = resolve(match)
            if span is not None:
                found.append((match.start(), DateRange(span[0], span[1], text=match.group())))
                taken[match.start():match.end()] = [True] * (match.end() - match.start())
    ranges = [r for _, r in sorted(found, key=lambda item: item[0])]
    return tuple(dict.fromkeys(ranges))




def _skip_event(folded: str, match: re.Match[str], taken: list[bool]) -> bool:
    """Already read, a count ("2000 troops"), the verb "may" ("they may 5..." is no date
    unless "on/in/by May 5"), or the weekday of a full date ("Thursday, July 25, 2024")."""
    if any(taken[match.start():match.end()]) or _is_count(folded, match):
        return True
    groups = match.groupdict()
    if groups.get("month") == "may" and not groups.get("year"):
        words = folded[:match.start()].split()[-1:] + match.group().split()[:1]
        return _INTRODUCING.isdisjoint(words)
    if groups.get("weekday"):
        rest = folded[match.end():]
        next_char = match.end() + len(rest) - len(rest.lstrip(" ,"))
        return next_char < len(taken) and taken[next_char]
    return False


_Resolve = Callable[[re.Match[str]], "tuple[dt.date, dt.date] | None"]


# What each pattern cannot match without: most passages name no month, weekday or year, and
# one cheap scan for these cues spares them a dozen regex passes (a third of a reindex).
_LETTERS = re.compile(r"[a-z]+")
_YEAR_CUE = re.compile(YEAR_DIGITS)
_MONTH_WORDS = frozenset(MONTH_NUMBER)
_WEEKDAY_WORDS = frozenset(_WEEKDAYS)
_NEEDS: dict[re.Pattern[str], frozenset[str]] = {
    _SPAN: frozenset({"year", "month"}),
    _PATTERNS[1]: frozenset({"year"}),
    _PATTERNS[2]: frozenset({"year"}),
    _PATTERNS[3]: frozenset({"year", "month"}),
    _PATTERNS[4]: frozenset({"year", "month"}),
    _PATTERNS[5]: frozenset({"year", "month"}),
    _PATTERNS[6]: frozenset({"year"}),
    _DAY_RANGE_YEAR: frozenset({"year", "month"}),
    _DAY_RANGE: frozenset({"month"}),
    _DAY_MONTH: frozenset({"month"}),
    _MONTH_DAY: frozenset({"month"}),
    _MONTH_ALONE: frozenset({"month"}),
    _WEEKDAY: frozenset({"weekday"}),
}


def _cues(folded: str) -> frozenset[str]:
    """Which of a year, a month name and a weekday name the folded text holds (a month or
    weekday the patterns can match is always one of its runs of letters)."""
    words = set(_LETTERS.findall(folded))
    found = {"year"} if _YEAR_CUE.search(folded) else set()
    if not _MONTH_WORDS.isdisjoint(words):
        found.add("month")
    if not _WEEKDAY_WORDS.isdisjoint(words):
        found.add("weekday")
    return frozenset(found)


def _event_patterns(reference: dt.date | None) -> list[tuple[re.Pattern[str], _Resolve]]:
    with_year: list[tuple[re.Pattern[str], _Resolve]] = [(_DAY_RANGE_YEAR, _day_range),
                                                         *((p, _range) for p in _PATTERNS)]
    if reference is None:
        return with_year
    ref = reference
    return [*with_year,
            (_DAY_RANGE, lambda m: _day_range(m, _nearest_year(ref, m))),
            (_DAY_MONTH, lambda m: _range_in(m, _nearest_year(ref, m))),
            (_MONTH_DAY, lambda m: _range_in(m, _nearest_year(ref, m))),
            (_MONTH_ALONE, lambda m: _range_in(m, _nearest_year(ref, m))),
            (_WEEKDAY, lambda m: _weekday(m, ref))]


def _day_range(match: re.Match[str], year: int | None = None) -> tuple[dt.date, dt.date] | None:
    month = MONTH_NUMBER[match.group("month")]
    try:
        chosen = year or int(match.group("year"))
        start = dt.date(chosen, month, int(match.group("day1")))
        end = dt.date(chosen, month, int(match.group("day")))
    except ValueError:
        return None
    return (start, end) if start <= end else None


def _nearest_year(reference: dt.date, match: re.Match[str]) -> int:
    """The year putting this month (and day) nearest the article's date."""
    month = MONTH_NUMBER[match.group("month")]
    day = max(1, min(int(match.groupdict().get("day") or 15), 28))  # "Jul 0" reads no day
    candidates = (reference.year - 1, reference.year, reference.year + 1)
    return min(candidates, key=lambda y: abs((dt.date(y, month, day) - reference).days))


def _range_in(match: re.Match[str], year: int) -> tuple[dt.date, dt.date] | None:
    month = MONTH_NUMBER[match.group("month")]
    day = match.groupdict().get("day")
    try:
        if day:
            date = dt.date(year, month, int(day))
            return date, date
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def _weekday(match: re.Match[str], reference: dt.date) -> tuple[dt.date, dt.date] | None:
    """"on Thursday" in news copy is the last Thursday on or before the article's date;
    "next Thursday" is left alone (which week is meant is not sure)."""
    if match.group("next"):
        return None
    back = (reference.weekday() - _WEEKDAYS[match.group("weekday")]) % 7
    date = reference - dt.timedelta(days=back)
    return date, date
