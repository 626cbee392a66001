"""Property tests: any text through the analyzer, cleaner and chunker; any config."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config, ConfigError, parse_config
from index.analyze import analyze, highlight_spans
from index.chunk import MAX_WORDS, chunk_documents
from index.ingest import parse_document

ODD = st.sampled_from(["\u200b", "\u200d", "\u202e", "\u200f", "\ufeff", "\x00", "\x07",
                       "🙂", "👍🏽", "{{", "}}", "{{Cite web , url=", "<b>", "&amp;", "\n",
                       "\n\n", "Updated 05 August 2024", "— A47 Editor", "’s", "é", "ﬁ"])
TEXT = st.lists(st.one_of(st.text(max_size=40), ODD), max_size=60).map("".join)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_analyzer_never_crashes_and_yields_clean_terms(text: str) -> None:
    terms = analyze(text)
    assert all(t and not t.isspace() for t in terms)
    for start, end in highlight_spans(text, terms):
        assert 0 <= start < end <= len(text)


@given(TEXT, st.text(max_size=10))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_cleaner_and_chunker_accept_any_text(text: str, name: str) -> None:
    for chunk in chunk_documents(parse_document(text, f"{name}.txt")):
        assert 4 <= len(chunk.text.split()) <= MAX_WORDS
        assert "\ue000" not in chunk.text


def test_one_giant_line_becomes_bounded_passages() -> None:
    text = "Title\n\n" + " ".join(f"w{i % 997} gao" for i in range(100_000))
    chunks = chunk_documents(parse_document(text, "giant.txt"))
    assert chunks and all(len(c.text.split()) <= MAX_WORDS for c in chunks)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=8), st.lists(st.integers(), max_size=3))
SECTIONS = st.sampled_from(["corpus", "data", "search", "logging", "telegram", "discord",
                            "flood", "x"])
KEYS = st.sampled_from(["dir", "path", "top_k", "min_score", "b", "queries", "keep_days",
                        "moderators", "base_url", "seconds", "level", "bogus"])


@given(st.dictionaries(SECTIONS, st.one_of(SCALARS, st.dictionaries(KEYS, SCALARS, max_size=4)),
                       max_size=4))
@settings(max_examples=300, deadline=None)
def test_any_config_is_accepted_or_refused_with_a_named_key(raw: dict[str, Any]) -> None:
    try:
        config = parse_config(raw)
    except ConfigError as error:
        head = str(error).split(":")[0]
        assert head.split(".")[0].split("[")[0] in raw
    else:
        assert isinstance(config, Config)
