"""Bidi controls and invisible formatting characters never reach a chat message: they can
make a quoted passage, a title or a file name read differently from what it says."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import Answer, Citation, FullText, Passage, Source
from bot.render import discord_md, telegram_html
from bot.render.text import clean

SPOOFING = ("\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
            "\u2066\u2067\u2068\u2069"        # isolates
            "\u200e\u200f\u061c"              # direction marks
            "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"  # invisible separators
            "\u206a\u206b\u206c\u206d\u206e\u206f\ufff9\ufffa\ufffb")
KEPT = "\u200d\u200c"  # joiners: emoji sequences and Persian/Indic spelling need them

TEXT = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(list(SPOOFING + KEPT)),
                          st.sampled_from(["Wagner ", "Gao", "é", "👨\u200d👩\u200d👧", "<b>",
                                           "**", "@everyone", "\n"])),
                max_size=25).map("".join)


def _strings(value: Any) -> list[str]:
    """Every string inside a rendered value (dataclasses, tuples, lists, dicts)."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def _spoofing_in(value: Any) -> set[str]:
    """Spoofing characters in a rendering, except the zero-width space the Discord
    renderer itself puts after every "@" to break mentions."""
    ours = "@" + discord_md.ZWSP
    return {c for s in _strings(value) for c in s.replace(ours, "@") if c in SPOOFING}


def test_clean_strips_spoofing_characters_and_keeps_joiners() -> None:
    family = "👨\u200d👩\u200d👧"
    assert clean(f"\u202eabc\u202c {family} a\u200bb\u2066x\u2069") == f"abc {family} abx"
    assert clean("مرحبا\u200f") == "مرحبا"
    assert clean("ordinary text, ¶ — « »") == "ordinary text, ¶ — « »"


@given(question=TEXT, text=TEXT, title=TEXT, file=TEXT, section=TEXT)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_renderer_lets_spoofing_characters_through(question: str, text: str, title: str,
                                                      file: str, section: str) -> None:
    citation = Citation(title, file, 3, section, "05 August 2024")
    spans = ((0, min(len(text), 5)),) if text else ()
    answer = Answer(question, (Passage(1, "0123456789abcdef", text, 5.0, citation, spans),),
                    False, 0, 2, 7)
    abstained = Answer(question, (), True, reason="no_match")
    full = FullText(citation, text)
    sources = [Source(file, title, 4, "2024")]
    rendered = [
        telegram_html.render_answer(answer, "KEY"), telegram_html.render_abstention(abstained),
        telegram_html.render_inline(answer), telegram_html.render_full_text(full),
        telegram_html.render_sources(sources),
        discord_md.render_answer(answer, "KEY"), discord_md.render_abstention(abstained),
        discord_md.render_full_text(full), discord_md.render_sources(sources),
        discord_md.suggest(question, [question], [title]),
    ]
    for output in rendered:
        assert not _spoofing_in(output), output
