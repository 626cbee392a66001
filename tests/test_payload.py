"""Button payloads: one typed, versioned encoding for Telegram and Discord (#11)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import payload
from bot.frontend import QuestionCache

names = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
pages = st.integers(0, payload.MAX_PAGE)
payloads = st.one_of(
    st.builds(payload.More, names, pages),
    st.builds(payload.FullText, names),
    st.builds(payload.FullText, names, names),
    st.builds(payload.Vote, names, names, st.sampled_from([1, -1])),
    st.builds(payload.SourcesPage, pages),
)


@given(payloads)
def test_decode_of_encode_is_identity(value: payload.Payload) -> None:
    text = payload.encode(value)
    assert payload.decode(text) == value
    assert re.fullmatch(payload.TEMPLATE, text)


@given(st.text())
def test_decode_of_any_text_never_raises(text: str) -> None:
    assert payload.decode(text) is None or isinstance(
        payload.decode(text), payload.More | payload.FullText | payload.Vote | payload.SourcesPage)


@given(st.text(alphabet="v1|mfvs+-0123456789abK_", max_size=30))
def test_decode_of_near_misses_never_raises_and_round_trips(text: str) -> None:
    value = payload.decode(text)
    if value is not None:
        assert payload.encode(value) == text


def test_real_payloads_fit_telegram_and_discord() -> None:
    key, chunk = QuestionCache().put("q", 1), "0123456789abcdef"
    for value in (payload.More(key, payload.MAX_PAGE), payload.FullText(chunk),
                  payload.FullText(chunk, key),
                  payload.Vote(key, chunk, -1), payload.SourcesPage(payload.MAX_PAGE)):
        text = payload.encode(value)
        assert len(text.encode()) <= payload.TELEGRAM_LIMIT
        assert len(text) <= payload.DISCORD_LIMIT


@pytest.mark.parametrize("value", [payload.More("a|b", 1), payload.More("k", -1),
                                   payload.FullText(""), payload.Vote("k", "c", 0),
                                   payload.SourcesPage(10**7)])
def test_what_cannot_be_carried_is_refused(value: payload.Payload) -> None:
    with pytest.raises(ValueError):
        payload.encode(value)
    assert payload.encode_within(value, 100) is None


def test_stale_formats_and_other_versions_decode_to_nothing() -> None:
    for text in ("m|key|3", "cb:m:key:3", "v2|m|key|3", "V1|m|key|3", "v1|m|key|3|", " v1|s|1"):
        assert payload.decode(text) is None


def test_full_text_names_its_answer_only_when_there_is_one() -> None:
    """`v1|f|CHUNK` (buttons sent before #12 still work) and `v1|f|CHUNK|KEY`."""
    assert payload.decode("v1|f|abc") == payload.FullText("abc", "")
    assert payload.encode(payload.FullText("abc")) == "v1|f|abc"
    assert payload.encode(payload.FullText("abc", "K1")) == "v1|f|abc|K1"
    assert payload.decode("v1|f|abc|K1") == payload.FullText("abc", "K1")
    for forged in ("v1|f|abc|", "v1|f|abc|K1|x", "v1|f||K1", "v1|f|abc|K 1"):
        assert payload.decode(forged) is None
