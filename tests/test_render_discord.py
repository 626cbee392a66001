"""The pure Discord renderer: escaping, limits, buttons, and a property over hostile text."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import payload
from bot.answer import (
    ABSTAIN_EMPTY,
    ABSTAIN_NO_MATCH,
    Answer,
    Citation,
    FullText,
    Passage,
    ReindexResult,
    Source,
    Stats,
)
from bot.render import discord_md as r

PINGS = re.compile(r"@(everyone|here)|<@[!&]?\d+>")
# Markup the renderer may add itself; anything else of this kind must come escaped.
MARKUP = "*_~`|[]<"


def passage(text: str, rank: int = 1, spans: tuple[tuple[int, int], ...] = (), *,
            title: str = "Mali War", file: str = "002_mali.txt", section: str = "",
            date: str = "", urls: tuple[str, ...] = (), chunk_id: str = "") -> Passage:
    citation = Citation(title, file, rank + 3, section, date, urls)
    return Passage(rank, chunk_id or f"{rank:016x}", text, 5.0, citation, spans)


def answer(*passages: Passage, question: str = "Who fought?", total: int | None = None,
           offset: int = 0) -> Answer:
    count = len(passages) if total is None else total
    return Answer(question, passages, False, offset, count, 7)


def unescaped(text: str) -> str:
    """The characters Discord would read as markup: escaped ones and code spans skipped."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        close = text.find("`", i + 1) if text[i] == "`" else -1
        if close > 0:
            i = close + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def strings(reply: r.Reply) -> list[str]:
    parts = [reply.content]
    for embed in reply.embeds:
        parts += [embed.title, embed.description, embed.footer]
        parts += [s for f in embed.fields for s in (f.name, f.value)]
    parts += [b.label for b in reply.buttons]
    return parts


def assert_within_limits(reply: r.Reply) -> None:
    assert r.utf16_len(reply.content) <= r.CONTENT_LIMIT
    assert len(reply.embeds) <= r.EMBEDS_PER_MESSAGE
    assert sum(e.size() for e in reply.embeds) <= r.EMBED_TOTAL_LIMIT
    for embed in reply.embeds:
        assert r.utf16_len(embed.title) <= r.TITLE_LIMIT
        assert r.utf16_len(embed.description) <= r.DESCRIPTION_LIMIT
        assert r.utf16_len(embed.footer) <= r.FOOTER_LIMIT
        assert len(embed.fields) <= r.FIELD_COUNT_LIMIT
        for f in embed.fields:
            assert 1 <= r.utf16_len(f.name) <= r.FIELD_NAME_LIMIT
            assert 1 <= r.utf16_len(f.value) <= r.FIELD_VALUE_LIMIT
    rows: dict[int, int] = {}
    for b in reply.buttons:
        assert len(b.custom_id) <= r.CUSTOM_ID_LIMIT and len(b.label) <= r.BUTTON_LABEL_LIMIT
        rows[b.row] = rows.get(b.row, 0) + 1
    assert all(0 <= row < r.ROW_LIMIT and n <= r.BUTTONS_PER_ROW for row, n in rows.items())
    assert len({b.custom_id for b in reply.buttons}) == len(reply.buttons)


def assert_never_pings(reply: r.Reply) -> None:
    for text in strings(reply):
        assert not PINGS.search(text), text


# --- escaping ------------------------------------------------------------------------


def test_escape_breaks_mentions_and_markdown() -> None:
    text = r.escape("@everyone @here <@123> <@!123> <@&5> **b** `c` [x](http://evil) ||s|| ~~t~~")
    assert not PINGS.search(text)
    assert "\\*\\*b\\*\\*" in text and "\\`c\\`" in text and "\\|\\|s\\|\\|" in text
    assert "\\[x\\](http://evil)" in text
    assert not set(unescaped(text)) & set(MARKUP)


def test_escape_line_start_markdown_only_where_it_matters() -> None:
    text = r.escape("# Heading\n> quote\n- item\n  + item\n12. item\nA-B #3 1.5 x>y")
    assert text.split("\n") == ["\\# Heading", "\\> quote", "\\- item", "  \\+ item",
                                "12\\. item", "A-B #3 1.5 x>y"]


def test_escape_drops_control_characters() -> None:
    assert r.escape("a\x00b\x1bc\ud800d") == "abcd"


def test_fit_cuts_before_escaping_and_adds_an_ellipsis() -> None:
    text = "*" * 50 + " " + "_" * 50
    fitted = r.fit(text, 60)
    assert r.utf16_len(fitted) <= 60 and fitted.endswith("…")
    assert not fitted.rstrip("…").endswith("\\")  # never a dangling escape
    assert r.fit("short", 60) == "short"
    assert r.fit("anything", 0) == ""


def test_plain_collapses_whitespace_and_breaks_mentions() -> None:
    assert r.plain("  a\n\n b  @everyone ", 100) == "a b @\u200beveryone"
    assert r.utf16_len(r.plain("word " * 100, 30)) <= 30


def test_code_cannot_be_closed_early() -> None:
    assert r.code("a`b @here", 50) == "`aˋb @\u200bhere`"


def test_safe_url_refuses_what_could_break_a_link() -> None:
    assert r.safe_url(["javascript:alert(1)", "http://x.test/a(b)", "http://x.test/@everyone",
                       "https://ok.test/path?q=1"]) == "https://ok.test/path?q=1"
    assert r.safe_url(["http://x.test/<tag>"]) == ""


# --- answers -------------------------------------------------------------------------


def test_answer_quotes_highlights_and_cites() -> None:
    text = "Wagner fought at Tinzaouatene in July."
    reply = r.render_answer(answer(passage(text, spans=((0, 6), (17, 29)), section="Battles",
                                           date="05 August 2024",
                                           urls=("https://news.test/a",))), "KEY")
    [embed] = reply.embeds
    [field] = embed.fields
    assert field.name == "[1] 05 August 2024 · Mali War"
    assert field.value.startswith("> **Wagner** fought at **Tinzaouatene** in July.")
    assert field.value.endswith("\n[source](https://news.test/a)")
    assert "002_mali.txt" not in str(reply) and embed.footer == ""
    assert [b.label for b in reply.buttons] == ["📄 1", "👍", "👎"]
    assert [payload.decode(b.custom_id) for b in reply.buttons] == [
        payload.FullText(f"{1:016x}", "KEY"), payload.AnswerVote("KEY", 1),
        payload.AnswerVote("KEY", -1)]
    assert all("fought" not in b.custom_id for b in reply.buttons)


def test_overlapping_spans_merge_and_line_breaks_flatten() -> None:
    reply = r.render_answer(answer(passage("ab\ncd ef", spans=((0, 2), (1, 4), (6, 8)))), "K")
    assert reply.embeds[0].fields[0].value == "> **ab c**d **ef**"


def test_more_button_when_further_passages_exist() -> None:
    reply = r.render_answer(answer(passage("one"), passage("two", 2), total=5, offset=2), "K")
    assert reply.embeds[0].footer == "Passages 3–4 of 5"
    more = [b for b in reply.buttons if b.label.startswith("More")]
    assert [b.custom_id for b in more] == ["v1|m|K|4"] and more[0].row == 1
    assert payload.decode(more[0].custom_id) == payload.More("K", 4)


def test_many_huge_passages_fit_one_message() -> None:
    huge = "**@everyone** " * 3000
    passages = [passage(huge, i, ((0, 10),), title="T" * 500, file="f" * 300,
                        section="s" * 300, chunk_id=f"{i:016x}") for i in range(1, 31)]
    reply = r.render_answer(answer(*passages, total=40), "K")
    assert_within_limits(reply)
    assert_never_pings(reply)
    shown = len(reply.embeds[0].fields)  # one source per passage here (distinct chunks,
    assert 1 <= shown <= r.FIELD_COUNT_LIMIT  # one file: one source holding them all)
    assert any(b.custom_id.startswith("v1|m|K|") for b in reply.buttons)


def test_many_sources_pack_buttons_into_five_rows() -> None:
    passages = [passage(f"text {i}", i, file=f"{i}.txt", chunk_id=f"{i:016x}")
                for i in range(1, 26)]
    reply = r.render_answer(answer(*passages, total=30), "K")
    assert_within_limits(reply)
    assert [b.label for b in reply.buttons if b.row == 4] == ["More ▸", "👍", "👎"]


def test_abstentions_point_to_sources() -> None:
    nothing = r.render_answer(Answer("banana @everyone", (), True, reason=ABSTAIN_NO_MATCH), "")
    empty = r.render_answer(Answer("the", (), True, reason=ABSTAIN_EMPTY), "")
    assert "nothing in the corpus" in nothing.embeds[0].description
    assert "/sources" in nothing.embeds[0].description and not nothing.buttons
    assert "real question" in empty.embeds[0].description
    assert_never_pings(nothing)


def test_custom_ids_round_trip_and_reject_junk() -> None:
    assert payload.decode(r.full_id("abc123")) == payload.FullText("abc123")
    assert payload.decode(r.full_id("abc123", "K1")) == payload.FullText("abc123", "K1")
    assert payload.decode(r.vote_id("K1", "abc", -1)) == payload.Vote("K1", "abc", -1)
    for junk in ("", "cb:x:1", "cb:m:K", "cb:m:K:x", "cb:v:K:c:*", "cb:f:a b", "m|K|1",
                 "cb:m:K:-1", "cb:s:x", "cb:s:1:2", "v1|x|1", "v1|m|K", "v1|f|a b",
                 "v1|v|K|c|*", "v1|s|1|2", "v1|m|K|-1"):
        assert payload.decode(junk) is None
    for junk in ("cb:x:1", "v1|x|1", "v1|f|a b"):
        assert not re.fullmatch(payload.TEMPLATE, junk) or payload.decode(junk) is None


def test_passages_with_unusable_ids_get_no_buttons() -> None:
    reply = r.render_answer(answer(passage("text", chunk_id="bad id!")), "K")
    assert [b.label for b in reply.buttons] == ["👍", "👎"]


# --- full text, sources, stats, suggestions --------------------------------------------


def test_full_text_is_split_into_ephemeral_embeds() -> None:
    text = "\n\n".join(f"Paragraph {i} " + "word " * 300 for i in range(30))
    replies = r.render_full_text(FullText(Citation("Title", "f.txt", 3, "Sec"), text))
    assert 1 < len(replies) <= r.MAX_FULL_TEXT_MESSAGES
    assert all(reply.ephemeral for reply in replies)
    assert replies[0].embeds[0].title == "Title"
    assert replies[0].embeds[0].footer.startswith("passage 3 (Sec) · part 1 of")
    dated = Citation("Title", "f.txt", 3, outlet="Al_Jazeera", published="2024-08-05")
    [cited] = r.render_full_text(FullText(dated, "One paragraph."), language="fr")
    assert cited.embeds[0].footer == "Al_Jazeera · 5 août 2024 · passage 3"  # no markdown
    french = r.render_full_text(FullText(dated, text), language="fr")
    assert french[0].embeds[0].footer.startswith("Al_Jazeera · 5 août 2024 · passage 3 · "
                                                 "partie 1 sur ")
    assert "la suite de cette section est trop longue" in french[-1].embeds[0].description
    assert "too long to show here" in replies[-1].embeds[0].description
    for reply in replies:
        assert_within_limits(reply)
    assert replies[0].embeds[0].description.startswith("Paragraph 0")


def test_sources_listing_is_one_message_per_page() -> None:
    sources = [Source(f"{i:04d}_@everyone.txt", "Title " * 40, i, "2024") for i in range(400)]
    pages = []
    while (page := r.render_sources(sources, len(pages))) is not None:
        pages.append(page)
        assert len(page.embeds) == 1
        assert_within_limits(page)
        assert_never_pings(page)
    assert len(pages) > 1 and pages[0].embeds[0].footer == f"Page 1 of {len(pages)}"
    listed = "".join(p.embeds[0].description for p in pages)
    assert all(f"{i:04d}" in listed for i in range(400))
    assert [b.custom_id for b in pages[0].buttons] == [r.sources_id(1)]
    assert [b.custom_id for b in pages[-1].buttons] == [r.sources_id(len(pages) - 2)]
    assert payload.decode(r.sources_id(2)) == payload.SourcesPage(2)
    assert r.render_sources(sources, -1) is None and r.render_sources(sources, len(pages)) is None
    empty = r.render_sources([])
    assert empty is not None and "empty" in empty.embeds[0].description
    french = r.render_sources(sources, 1, "fr")
    assert french is not None and french.embeds[0].footer == f"Page 2 sur {len(pages)}"
    assert [b.label for b in french.buttons] == ["◂ Retour", "Suite ▸"]


def test_stats_escape_unanswered_questions() -> None:
    stats = Stats(6, 68, 2, 10, 0.25, 3, 1, (("@everyone **free** [x](http://e)", 4),) * 12)
    reply = r.render_stats(stats)
    assert reply.ephemeral
    assert_within_limits(reply)
    assert_never_pings(reply)
    assert "25%" in reply.embeds[0].fields[1].value
    assert len(reply.embeds[0].fields[3].value.split("\n")) == 10


def test_suggestions_rank_questions_then_titles() -> None:
    got = r.suggest("wag", ["Who did Wagner fight?", "Mali?"],
                    ["Wagner withdraws", "Mali War", "wagner withdraws"])
    assert got == ["Who did Wagner fight?", "Wagner withdraws"]
    assert r.suggest("", [], [f"t{i}" for i in range(40)]) == [f"t{i}" for i in range(25)]
    assert all(len(s) <= 100 for s in r.suggest("x", ["x" * 300], []))


def test_renderer_does_not_import_discord() -> None:
    code = "import sys, bot.render.discord_md; sys.exit('discord' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- property: hostile text never pings, never breaks markup or limits --------------


HOSTILE = st.sampled_from(["@everyone", "@here", "<@123456789012345678>", "<@&5>", "<@!1>",
                           "**", "*", "`", "```", "_", "__", "~~", "||", "\\", "[x](http://evil)",
                           "<http://e>", "\n", "# ", "> ", "- ", "1. ", "-# ", " ", "é", "😀"])
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(HOSTILE, st.text(max_size=8)), max_size=60).map("".join),
    st.tuples(st.lists(HOSTILE, min_size=1, max_size=5).map("".join),
              st.integers(100, 3000)).map(lambda t: t[0] * t[1]),
)
SPANS = st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 40)), max_size=12).map(
    lambda pairs: tuple((s, s + n) for s, n in pairs))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=TEXT, texts=st.lists(st.tuples(TEXT, SPANS), min_size=1, max_size=6),
       title=TEXT, file=TEXT, section=TEXT)
def test_any_text_stays_within_limits_and_never_pings(
        question: str, texts: list[tuple[str, tuple[tuple[int, int], ...]]],
        title: str, file: str, section: str) -> None:
    passages = [passage(text, i, spans, title=title, file=file, section=section,
                        chunk_id=f"{i:016x}") for i, (text, spans) in enumerate(texts, start=1)]
    reply = r.render_answer(answer(*passages, question=question, total=9), "K3y_-")
    assert_within_limits(reply)
    assert_never_pings(reply)
    [embed] = reply.embeds
    assert unescaped(embed.description).count("*") % 4 == 0  # whole **bold** pairs
    for f in embed.fields:
        marks = unescaped(f.value)
        assert marks.count("*") % 4 == 0  # whole **bold** pairs, never half of one
        assert not set(marks) & set(MARKUP) - {"*"}  # no links, code, spoilers, mentions
        assert not set(unescaped(re.sub(r"^\[\d+\] ", "", f.name))) & set(MARKUP)
    for full in r.render_full_text(FullText(Citation(title, file, 1, section), question * 5)):
        assert_within_limits(full)
        assert_never_pings(full)
        body = full.embeds[0].description.split("\n\n*… (the rest")[0]
        assert not set(unescaped(body)) & set(MARKUP)


def test_stats_and_moderator_replies_in_french() -> None:
    reply = r.render_stats(Stats(6, 68, 2, 10, 0.25, 3, 1, (("q", 4),)), language="fr")
    [embed] = reply.embeds
    assert embed.title == "📊 Statistiques"
    assert [(f.name, f.value) for f in embed.fields] == [
        ("Corpus", "6 documents, 68 passages (génération 2)"),
        ("Aujourd'hui", "10 questions, 25\u202f% sans rien trouvé"),
        ("Avis", "👍 3 · 👎 1"),
        ("Questions les plus posées sans réponse", "• *q* (4×)")]
    result = ReindexResult(3, 6, 70, ("bad.txt",), 1.25)
    assert r.render_added("a.txt", result, language="fr") == (
        "✅ `a.txt` ajouté. Le corpus compte maintenant\u00a0: 6 documents, 70 passages "
        "(génération 3, en 1,2 s).\nIgnorés\u00a0: `bad.txt`.")
    assert r.render_reindexed(result, language="fr").startswith("✅ Index reconstruit\u00a0: 6 ")
    assert r.render_removed("a.txt", result, language="fr").startswith("🗑 `a.txt` retiré.")
    assert r.render_adding("a.txt", language="fr") == "⏳ Ajout de `a.txt`…"
    assert r.render_removing("a.txt", language="fr") == "⏳ Retrait de `a.txt`…"
    assert r.render_alias_added("GSIM", "JNIM", language="fr").startswith(
        "✅ **GSIM** = **JNIM**\u00a0: pris en compte")
    assert r.render_added_aliases([("GSIM", "JNIM")], language="fr").splitlines() == [
        "🔤 **Alias ajoutés avec /alias** (1)\u00a0:", "• GSIM = JNIM"]
    assert r.render_failed("remove", language="fr").startswith("❌ /remove a échoué. Rien")


def test_stats_and_moderator_replies_in_english_by_default() -> None:
    [embed] = r.render_stats(Stats(6, 68, 2, 10, 0.25, 3, 1)).embeds
    assert embed.title == "📊 Statistics"
    assert embed.fields[1].name == "Today"
    assert r.render_added("a.txt", ReindexResult(3, 6, 70, ("bad.txt",), 1.25)) == (
        "✅ Added `a.txt`. Corpus now: 6 documents, 70 passages (generation 3, 1.2 s)."
        "\nSkipped: `bad.txt`.")
