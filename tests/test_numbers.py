"""Numbers in the reader's language (bot/numbers.py): French digits round-trip, English is
exactly what `format` always wrote, and templates in French get French numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import numbers, texts
from bot.numbers import NARROW_NBSP

COUNTS = st.integers(min_value=-10**15, max_value=10**15)
SHARES = st.floats(min_value=0, max_value=10, allow_nan=False)
SECONDS = st.floats(min_value=0, max_value=10**7, allow_nan=False)
SPECS = st.sampled_from(["", ",", "d", ",d", ".1f", ".2f", ",.1f", "g", ".0%", ".1%", ">8",
                         "08,d"])


@given(COUNTS)
@settings(max_examples=300, deadline=None)
def test_french_counts_and_sizes_round_trip(n: int) -> None:
    for shown in (numbers.count(n, "fr"), numbers.size(n, "fr")):
        assert numbers.parse(shown, "fr") == n
        assert "," not in shown and "." not in shown
        digits = shown.lstrip("-").split(NARROW_NBSP)
        assert all(len(group) == 3 for group in digits[1:]) and 1 <= len(digits[0]) <= 3


@given(SECONDS, st.integers(min_value=0, max_value=3))
@settings(max_examples=300, deadline=None)
def test_french_durations_round_trip_to_the_english_figure(seconds: float, places: int) -> None:
    french = numbers.duration(seconds, "fr", places)
    english = numbers.duration(seconds, "en", places)
    assert numbers.parse(french, "fr") == numbers.parse(english, "en") == float(english)
    assert "." not in french and (places == 0 or "," in french)


@given(SHARES)
@settings(max_examples=300, deadline=None)
def test_french_percentages_round_trip_with_a_narrow_space_before_the_sign(share: float) -> None:
    french, english = numbers.percent(share, "fr"), numbers.percent(share, "en")
    assert french.endswith(NARROW_NBSP + "%") and not english.endswith(" %")
    assert numbers.parse(french, "fr") == pytest.approx(numbers.parse(english, "en"))
    assert numbers.parse(english, "en") == pytest.approx(round(share * 100) / 100, abs=0.006)


@given(st.one_of(COUNTS, SECONDS, st.text(max_size=12), st.booleans()), SPECS)
@settings(max_examples=500, deadline=None)
def test_english_output_is_exactly_what_format_always_wrote(value: object, spec: str) -> None:
    try:
        expected = format(value, spec)
    except (ValueError, TypeError):
        return  # a spec that does not apply to this value: nothing to compare
    assert numbers.localized(value, spec, "en") == expected
    assert numbers.localized(value, spec, "de") == expected  # any other language too


@given(COUNTS, SECONDS)
@settings(max_examples=200, deadline=None)
def test_english_templates_format_as_before(size: int, seconds: float) -> None:
    """Every English message with numbers reads as `str.format` made it before (#12)."""
    for message_id, fields in [("too_large", {"size": size, "limit": size}),
                               ("over_limit", {"size": size, "limit": 5_000_000}),
                               ("fetch_timeout", {"seconds": seconds}),
                               ("n_passages", {"count": size})]:
        assert texts.text(message_id, "en", **fields) == texts.EN[message_id].format(**fields)


@pytest.mark.parametrize(("value", "spec", "french"), [
    (1234, "", "1\u202f234"), (1234, ",", "1\u202f234"), (999, ",", "999"),
    (-1_234_567, "", "-1\u202f234\u202f567"), (0.5, "", "0,5"), (2.5, "g", "2,5"),
    (15.0, "g", "15"), (1.25, ".1f", "1,2"), (0.25, ".0%", "25\u202f%"),
    (True, "", "True"), ("1,5", "", "1,5"),
])
def test_french_examples(value: object, spec: str, french: str) -> None:
    assert numbers.localized(value, spec, "fr") == french


def test_french_templates_write_french_numbers() -> None:
    assert texts.text("too_large", "fr", size=6000, limit=5000) == (
        "❌ Ce fichier est trop gros (6\u202f000 octets\u202f; la limite est de "
        "5\u202f000 octets).")
    assert texts.text("too_large", "en", size=6000, limit=5000) == (
        "❌ That file is too large (6,000 bytes; the limit is 5,000 bytes).")
    assert texts.text("fetch_timeout", "fr", seconds=2.5).startswith(
        "le site a mis plus de 2,5 s")
    assert texts.text("n_passages", "fr", count=12345) == "12\u202f345 passages"
    assert texts.text("n_passages", "en", count=12345) == "12345 passages"


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "%"])
def test_parse_refuses_what_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError):
        numbers.parse(text, "fr")
