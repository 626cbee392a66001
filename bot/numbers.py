"""Numbers the way the reader's language writes them: counts, sizes, durations, percentages.

English keeps exactly what Python's `format` gives (1,234 with `:,`; 0.5; 12%). French
groups thousands with a narrow no-break space and writes a decimal comma, with a narrow
no-break space before the percent sign: 1 234, 0,5, 12 %. Pure functions; `bot.texts` uses
`localized` for every number it puts into a French template.
"""

from __future__ import annotations

NARROW_NBSP = "\u202f"
_FRENCH = str.maketrans({",": NARROW_NBSP, ".": ","})


def localized(value: object, spec: str = "", language: str = "en") -> str:
    """One template field: `format(value, spec)`, and for a number in French, French digits
    (integers grouped by thousands even without `,` in `spec`)."""
    if language != "fr" or isinstance(value, bool) or not isinstance(value, int | float):
        return format(value, spec)
    if isinstance(value, int) and spec in ("", "d"):
        spec = ","
    english = format(value, spec)
    french = english.translate(_FRENCH)
    return french[:-1] + NARROW_NBSP + "%" if french.endswith("%") else french


def count(number: int, language: str = "en") -> str:
    """A count of things: 1234 (English), 1 234 (French)."""
    return localized(number, "", language)


def size(number: int, language: str = "en") -> str:
    """A size in bytes, grouped: 1,234 (English), 1 234 (French)."""
    return localized(number, ",", language)


def duration(seconds: float, language: str = "en", places: int = 1) -> str:
    """Seconds with `places` decimals: 2.5 (English), 2,5 (French)."""
    return localized(seconds, f".{places}f", language)


def percent(share: float, language: str = "en") -> str:
    """A share of 1 as a whole percentage: 12% (English), 12 % (French)."""
    return localized(share, ".0%", language)


def parse(text: str, language: str = "en") -> float:
    """The number a `localized` text (a plain decimal, grouped or not, maybe a percentage)
    stands for; percentages as a share of 1. ValueError for anything else."""
    plain = text.strip()
    share = plain.endswith("%")
    plain = plain.removesuffix("%").rstrip(NARROW_NBSP)
    if language == "fr":
        plain = plain.replace(NARROW_NBSP, "").replace(",", ".")
    else:
        plain = plain.replace(",", "")
    value = float(plain)
    return value / 100 if share else value
