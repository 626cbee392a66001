"""Unit tests for the pure Telegram HTML renderer."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import payload
from bot.answer import (
    ABSTAIN_EMPTY,
    ABSTAIN_NO_MATCH,
    Answer,
    Citation,
    FullText,
    LeadQuote,
    Passage,
    ReindexResult,
    Source,
    Stats,
)
from bot.render import telegram_html as r
from tests.fakes.fake_telegram import html_problems

CHUNK = "0123456789abcdef"
CITATION = Citation("Mali War", "002_x.txt", 4, "Background")


def passage(text: str, highlights: tuple[tuple[int, int], ...] = (), *,
            citation: Citation = CITATION, chunk_id: str = CHUNK, rank: int = 1) -> Passage:
    return Passage(rank, chunk_id, text, 5.0, citation, highlights)


def answer(*passages: Passage, question: str = "Who fought?", offset: int = 0,
           total: int | None = None) -> Answer:
    return Answer(question, passages, False, offset,
                  offset + len(passages) if total is None else total, 7)


def assert_valid(text: str) -> None:
    assert html_problems(text) == [], text
    assert r.utf16_len(text) <= r.MESSAGE_LIMIT


def test_renderer_does_not_import_telegram() -> None:
    tree = ast.parse(Path(r.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "telegram" for name in imported)


def test_passage_is_escaped_quoted_highlighted_and_cited() -> None:
    text = "Wagner & <script>alert(1)</script> fought at Tinzaouatene."
    rendered = r.render_answer(answer(passage(text, ((0, 6), (45, 57)))), "KEY")
    assert ("<blockquote expandable><b>Wagner</b> &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
            in rendered.text)
    assert "<b>Tinzaouatene</b>" in rendered.text
    assert rendered.text.startswith("[1] <i>Mali War</i>\n<blockquote expandable>")
    assert_valid(rendered.text)


def test_bad_highlight_spans_are_clipped_and_merged() -> None:
    text = "abcdefghij"
    assert r.highlight(text, ((8, 50), (-3, 2), (1, 4), (5, 5), (7, 3))) == (
        "<b>abcd</b>efgh<b>ij</b>")


def test_citation_fields_are_escaped_and_only_http_links_kept() -> None:
    hostile = Citation("<b>T</b>", "a&b.txt", 2, "<i>", "2024", ("javascript:alert(1)",),
                       outlet="A&B <News>")
    line = r.source_line(hostile, 1)
    assert line == "[1] A&amp;B &lt;News&gt; · 2024 · <i>&lt;b&gt;T&lt;/b&gt;</i>"
    untitled = r.source_line(Citation("", "a&b.txt", 2), 2)
    assert untitled == "[2] <i>a&amp;b.txt</i>"
    linked = r.source_line(Citation("T", "f.txt", 1, urls=("https://e.org/a?b=1&c=2",)), 1)
    assert linked.endswith(' · <a href="https://e.org/a?b=1&amp;c=2">link</a>')
    assert_valid(linked)


def test_long_passages_are_cut_before_escaping() -> None:
    text = "&<>" * 5000
    rendered = r.render_answer(answer(*(passage(text, ((0, 30000),)) for _ in range(3))), "K")
    assert_valid(rendered.text)
    assert rendered.text.count("<blockquote expandable>") == 3
    assert "</b>…</blockquote>" in rendered.text


def test_length_is_counted_in_utf16_units() -> None:
    emoji = "😀" * 5000  # 2 UTF-16 units each
    rendered = r.render_answer(answer(*(passage(emoji, chunk_id=f"c{i}") for i in range(8))), "K")
    assert len(rendered.text) < r.MESSAGE_LIMIT < 2 * len(rendered.text)
    assert_valid(rendered.text)


def test_short_passages_keep_their_full_text_next_to_long_ones() -> None:
    short, long = "Short passage kept whole.", "word " * 3000
    rendered = r.render_answer(answer(passage(short), passage(long), passage(long)), "K")
    assert short in rendered.text
    assert_valid(rendered.text)


OTHER = Citation("Other", "003_y.txt", 1)


def test_keyboard_is_a_button_per_source_more_and_one_vote_within_64_bytes() -> None:
    rendered = r.render_answer(answer(passage("a"), passage("b", citation=OTHER, chunk_id="c2"),
                                      total=9), "AbCd_-12")
    labels = [[b.text for b in row] for row in rendered.keyboard]
    assert labels == [["📄 1", "📄 2"], ["More ▸", "👍", "👎"]]
    data = [b.data for row in rendered.keyboard for b in row]
    assert all(len(d.encode()) <= r.CALLBACK_DATA_LIMIT for d in data)
    assert [payload.decode(d) for d in data] == [
        payload.FullText(CHUNK, "AbCd_-12"), payload.FullText("c2", "AbCd_-12"),
        payload.More("AbCd_-12", 2),
        payload.AnswerVote("AbCd_-12", 1), payload.AnswerVote("AbCd_-12", -1)]
    assert "Passages 1–2 of 9" in rendered.text


def test_a_document_is_cited_once_over_its_passages() -> None:
    two = answer(passage("First."), passage("Second.", chunk_id="c2"),
                 passage("Third.", citation=OTHER, chunk_id="c3"))
    rendered = r.render_answer(two, "K")
    assert rendered.text.count("Mali War") == 1 and rendered.text.count("[2] <i>Other</i>") == 1
    assert rendered.text.count("<blockquote expandable>") == 3
    assert [b.text for b in rendered.keyboard[0]] == ["📄 1", "📄 2", "👍", "👎"]


def test_a_short_keyboard_is_one_row() -> None:
    rendered = r.render_answer(answer(passage("a")), "K")
    assert [[b.text for b in row] for row in rendered.keyboard] == [["📄 1", "👍", "👎"]]


def test_no_more_button_on_last_page_and_oversized_ids_dropped() -> None:
    last = r.render_answer(answer(passage("a"), offset=4, total=5), "K")
    assert all(b.text != "More ▸" for row in last.keyboard for b in row)
    assert "Passages 5–5 of 5" in last.text
    odd = r.render_answer(answer(passage("a", chunk_id="x" * 80)), "K")
    assert [[b.text for b in row] for row in odd.keyboard] == [["👍", "👎"]]


def test_decode_rejects_foreign_data() -> None:
    for data in ("", "m|k", "m|k|x", "m|k|-1", "m|k|+1", "m|k|１", "v|k|c|0", "z|1", "f",
                 "f|", "s|", "s|-1", "s|x"):
        for versioned in (data, f"v1|{data}"):
            assert payload.decode(versioned) is None
    for unversioned in ("m|k|1", "s|1", "f|abc", "v|k|c|+"):
        assert payload.decode(unversioned) is None


def test_abstentions_point_to_sources() -> None:
    nothing = r.render_answer(Answer("<b>bananas</b> & co", (), True, reason=ABSTAIN_NO_MATCH),
                              "K")
    assert "nothing in the corpus" in nothing.text and "/sources" in nothing.text
    assert "&lt;b&gt;bananas" in nothing.text and nothing.keyboard == ()
    empty = r.render_answer(Answer("the", (), True, reason=ABSTAIN_EMPTY), "K")
    assert "real question" in empty.text and r.EXAMPLE_QUESTIONS[0] in empty.text
    assert_valid(nothing.text)
    assert_valid(empty.text)


def test_full_text_is_split_at_paragraphs_without_losing_text() -> None:
    paragraphs = [f"Paragraph {i}: " + "Gao & Kidal <north> " * 60 for i in range(10)]
    parts = r.render_full_text(FullText(CITATION, "\n".join(paragraphs)))
    assert len(parts) > 1
    for part in parts:
        assert_valid(part)
    assert parts[0].startswith("📄 <b>Mali War</b>")
    joined = "".join(parts)
    assert all(r.escape(p.strip()) in joined for p in paragraphs)


def test_full_text_is_capped_with_a_note() -> None:
    parts = r.render_full_text(FullText(CITATION, "word " * 100_000))
    assert len(parts) == r.MAX_FULL_TEXT_MESSAGES
    assert "too long" in parts[-1]
    for part in parts:
        assert_valid(part)


def test_sources_stats_and_moderator_replies() -> None:
    sources = [Source(f"{i:03}<x>.txt", f"Title & {i}", i, "2024") for i in range(400)]
    pages = []
    while (page := r.render_sources(sources, len(pages))) is not None:
        pages.append(page)
        assert_valid(page.text)
    assert len(pages) > 1 and "Page 1 of" in pages[0].text
    listed = "".join(p.text for p in pages)
    assert all(f"{i:03}&lt;x&gt;.txt" in listed for i in range(400))
    assert [b.data for b in pages[0].keyboard[0]] == ["v1|s|1"]
    assert pages[1].keyboard[0][0].data == "v1|s|0"
    assert [b.data for b in pages[-1].keyboard[0]] == [f"v1|s|{len(pages) - 2}"]
    assert r.render_sources(sources, len(pages)) is None and r.render_sources(sources, -1) is None
    assert payload.decode("v1|s|3") == payload.SourcesPage(3)
    assert r.render_sources([], 0) is not None and r.render_sources([], 1) is None
    french = r.render_sources(sources, 1, language="fr")
    assert french is not None and f"<i>Page 2 sur {len(pages)}.</i>" in french.text
    assert [b.text for b in french.keyboard[0]] == ["◂ Retour", "Suite ▸"]
    assert r.render_sources([], language="fr") == r.Rendered(
        "Le corpus est vide\u00a0: aucun document à citer pour l'instant.")
    stats = r.render_stats(Stats(6, 68, 2, 10, 0.25, 3, 1, (("<q>", 2),)))
    assert "25%" in stats and "&lt;q&gt;" in stats
    assert_valid(stats)
    result = ReindexResult(3, 6, 70, ("bad<1>.txt",), 1.25)
    for text in (r.render_reindexed(result), r.render_added("a&b.txt", result),
                 r.render_removed("x.txt", result), r.render_rejected("<nope>"),
                 r.render_too_large(6000, 5000), r.render_progress(3, 6), r.render_flood(30),
                 r.render_failed("reindex")):
        assert_valid(text)
    assert "bad&lt;1&gt;.txt" in r.render_reindexed(result)


def test_inline_articles_are_bounded() -> None:
    long_title = Citation("T" * 500, "f.txt", 1)
    articles = r.render_inline(answer(passage("word " * 2000, citation=long_title,
                                              chunk_id="c" * 100)))
    [article] = articles
    assert len(article.id.encode()) <= r.INLINE_ID_LIMIT
    assert len(article.title) <= r.INLINE_TITLE_LIMIT
    assert len(article.description) <= r.INLINE_DESCRIPTION_LIMIT
    assert_valid(article.text)
    assert r.render_inline(Answer("q", (), True, reason=ABSTAIN_NO_MATCH)) == []


# --- property: any text renders to valid Telegram HTML within 4096 units ---------------

any_char = st.characters(exclude_categories=())  # includes controls and lone surrogates
hostile = st.one_of(
    st.text(any_char, max_size=300),
    st.text(st.sampled_from("<>&;\"' ab/\n😀"), max_size=300),
    st.builds(lambda s, n: s * n, st.text(any_char, min_size=1, max_size=8),
              st.integers(1, 1500)),
)
spans = st.lists(st.tuples(st.integers(-10, 12_000), st.integers(-10, 12_000)), max_size=6)


@st.composite
def passages(draw: st.DrawFn) -> Passage:
    citation = Citation(draw(hostile), draw(hostile), draw(st.integers(0, 10**6)),
                        draw(hostile), draw(hostile),
                        tuple(draw(st.lists(hostile, max_size=2))), draw(hostile),
                        draw(hostile))
    return Passage(1, draw(st.text("0123456789abcdef|", min_size=1, max_size=40)),
                   draw(hostile), 1.0, citation, tuple(draw(spans)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=hostile, items=st.lists(passages(), min_size=1, max_size=5),
       offset=st.integers(0, 20), extra=st.integers(0, 20))
def test_any_text_renders_valid_html_within_limit(question: str, items: list[Passage],
                                                  offset: int, extra: int) -> None:
    text = items[0].text
    lead = LeadQuote(1, len(text) // 3, len(text) // 2, text[len(text) // 3:len(text) // 2])
    result = Answer(question, tuple(items), False, offset, offset + len(items) + extra, 1,
                    lead=lead)
    rendered = r.render_answer(result, "KEY_1234")
    assert_valid(rendered.text)
    for row in rendered.keyboard:
        for b in row:
            assert len(b.data.encode()) <= r.CALLBACK_DATA_LIMIT
    for article in r.render_inline(result):
        assert_valid(article.text)
    for part in r.render_full_text(FullText(items[0].citation, items[0].text)):
        assert_valid(part)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile, reason=st.sampled_from([ABSTAIN_EMPTY, ABSTAIN_NO_MATCH]))
def test_any_abstention_is_valid(text: str, reason: str) -> None:
    assert_valid(r.render_answer(Answer(text, (), True, reason=reason), "K").text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile, limit=st.integers(200, 4096))
def test_any_full_text_splits_into_valid_messages(text: str, limit: int) -> None:
    for part in r.render_full_text(FullText(CITATION, text), limit=limit):
        assert html_problems(part) == [], part
        assert r.utf16_len(part) <= limit


def test_citations_name_passages_not_paragraphs() -> None:
    rendered = r.render_answer(answer(passage("a")), "K")
    assert "¶" not in rendered.text
    assert "passage 4" in r.render_full_text(FullText(CITATION, "text"))[0]


def test_full_text_is_headed_by_its_citation_not_its_file() -> None:
    cited = Citation("Mali breaks off", "004_x.txt", 6, "Reactions", outlet="Al Jazeera",
                     published="2024-08-05", url="https://news.test/a?b=1&c=2")
    [message] = r.render_full_text(FullText(cited, "Text."))
    assert message == (
        "📄 <b>Mali breaks off</b>\nAl Jazeera · 5 Aug 2024 · passage 6 (Reactions) · "
        '<a href="https://news.test/a?b=1&amp;c=2">link</a>\n\nText.')
    [french] = r.render_full_text(FullText(cited, "Text."), language="fr")
    assert "Al Jazeera · 5 août 2024 · passage 6 (Reactions) · <a " in french
    assert '">lien</a>' in french
    *_, cut = r.render_full_text(FullText(cited, "mot " * 100_000), language="fr")
    assert cut.endswith("<i>… (la suite de cette section est trop longue pour être affichée "
                        "ici)</i>")
    assert CITATION.label() == "Mali War — 002_x.txt, passage 4 (Background)"


def test_moderator_replies_and_stats_in_french() -> None:
    """Every fixed word of /stats and the moderator replies comes from the French catalogue;
    file names and questions stay as they are."""
    stats = r.render_stats(Stats(6, 68, 2, 10, 0.25, 3, 1, (("<q>", 2),)), language="fr")
    assert stats.splitlines() == [
        "📊 <b>Corpus</b>\u00a0: 6 documents, 68 passages (génération 2)",
        "<b>Aujourd'hui</b>\u00a0: 10 questions, 25\u202f% sans rien trouvé",
        "<b>Avis</b>\u00a0: 👍 3 · 👎 1",
        "<b>Questions les plus posées sans réponse</b>\u00a0:",
        "• <i>&lt;q&gt;</i> (posée 2 fois)"]
    result = ReindexResult(3, 6, 70, tuple(f"bad<{i}>.txt" for i in range(12)), 1.25)
    corpus = "6 documents, 70 passages (génération 3, en 1,2 s)"
    skipped = ("\nIgnorés\u00a0: "
               + ", ".join(f"<code>bad&lt;{i}&gt;.txt</code>" for i in range(10))
               + " et 2 de plus.")
    assert r.render_reindexed(result, language="fr") == (
        f"✅ Index reconstruit\u00a0: {corpus}.{skipped}")
    assert r.render_added("a&b.txt", result, language="fr") == (
        f"✅ <code>a&amp;b.txt</code> ajouté. Le corpus compte maintenant\u00a0: "
        f"{corpus}.{skipped}")
    assert r.render_removed("x.txt", ReindexResult(3, 6, 70, (), 1.25), language="fr") == (
        f"🗑 <code>x.txt</code> retiré. Le corpus compte maintenant\u00a0: {corpus}.")
    assert r.render_adding("a.txt", language="fr") == "⏳ Ajout de <code>a.txt</code>…"
    assert r.render_removing("a.txt", language="fr") == "⏳ Retrait de <code>a.txt</code>…"
    assert r.render_too_large(6000, 5000, language="fr").startswith("❌ Ce fichier est trop gros")
    assert r.render_failed("add", "disk full", language="fr").startswith(
        "❌ /add a échoué\u00a0: disk full. Rien n'a changé")
    assert r.render_progress(3, 6, language="fr").startswith("⏳ Réindexation… 3/6 documents\n")
    assert r.render_progress(2, 5, "reading", language="fr").startswith(
        "⏳ Réindexation\u00a0: lecture 2/5 fichiers…\n")
    assert r.render_progress(1, 1, "building").startswith("⏳ Reindexing: building…\n")
    assert r.render_alias_added("GSIM", "JNIM", language="fr").startswith(
        "✅ <b>GSIM</b> = <b>JNIM</b>\u00a0: pris en compte")
    aliases = r.render_added_aliases([("GSIM", "JNIM")] * 400, language="fr").splitlines()
    assert aliases[0] == "🔤 <b>Alias ajoutés avec /alias</b> (400)\u00a0:"
    assert aliases[-1].startswith("… et ") and aliases[-1].endswith(" de plus")
    for text in (stats, r.render_reindexed(result, language="fr"), "\n".join(aliases)):
        assert_valid(text)


def test_moderator_replies_in_english_by_default() -> None:
    result = ReindexResult(3, 6, 70, (), 1.25)
    assert r.render_added("a.txt", result) == (
        "✅ Added <code>a.txt</code>. Corpus now: 6 documents, 70 passages "
        "(generation 3, 1.2 s).")
    assert r.render_stats(Stats(6, 68, 2, 10, 0.25, 3, 1)).splitlines()[1] == (
        "<b>Today</b>: 10 questions, 25% answered with nothing found")
