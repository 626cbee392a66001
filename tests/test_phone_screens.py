"""tools/phone_screens.py: the chat page it lays out and the first-screen count, on a known
rendering (no Chromium here: the PNGs are made by running the script)."""

from __future__ import annotations

import re

from bot.render import telegram_html
from bot.render.telegram_html import Button
from tools import phone_screens as screens
from tools.phone_screens import Counts, Screen, count, load_screens, page_html

WORD = "abcdefghij"
QUOTE = " ".join([WORD] * 30)  # 3 words a line at 34 characters: 10 lines of 32
KNOWN = ("📚 <b>From</b> <i>x</i>\n\n"
         f"<blockquote expandable>{QUOTE}</blockquote>\n"
         '<b>[1]</b> <a href="https://e.org/?a=1&amp;b=2">src</a>\n\n'
         "<i>Passages 1 to 1 of 1.</i>")
KEYBOARD = ((Button("📄 1", "f|c1"), Button("More ▸", "m|k|1")),)
SCREEN = Screen("t", "Who did Wagner fight at Tinzaouatene?")


def test_collapsed_expandable_quote_counts_its_first_three_lines() -> None:
    # "📚 From x" 8 + blank + 3 quote lines of 32 + "[1] src" 7 + blank + footer 21
    assert count(KNOWN, KEYBOARD) == Counts(chars=8 + 96 + 7 + 21, lines=8, button_rows=1)


def test_an_open_quote_counts_every_line() -> None:
    opened = KNOWN.replace("<blockquote expandable>", "<blockquote>")
    assert count(opened) == Counts(chars=8 + 320 + 7 + 21, lines=15, button_rows=0)


def test_entities_count_as_the_characters_they_show() -> None:
    assert count("a &lt;b&gt; &amp; c") == Counts(chars=len("a <b> & c"), lines=1,
                                                   button_rows=0)


def test_page_has_the_group_header_the_question_and_the_bot_reply() -> None:
    page = page_html(SCREEN, KNOWN, KEYBOARD)
    assert '<div class="name">Sahel desk 🇲🇱</div>' in page
    assert "group · 14 members" in page
    assert "/ask Who did Wagner fight at Tinzaouatene?" in page
    assert '<div class="sender">ConflictBot</div>' in page


def test_page_keeps_telegram_formatting_and_collapses_expandable_quotes() -> None:
    page = page_html(SCREEN, KNOWN, KEYBOARD)
    assert f'<blockquote class="expandable">{QUOTE}</blockquote>' in page
    assert "<b>From</b> <i>x</i>" in page
    assert '<a href="https://e.org/?a=1&amp;b=2">src</a>' in page
    css = re.search(r"blockquote\.expandable \{([^}]*)\}", page)
    assert css is not None and "max-height: 66px" in css.group(1)  # 3 lines of 20 px + pad
    assert "linear-gradient" in page  # the fade over the last visible line


def test_buttons_sit_under_the_bubble_one_row_each() -> None:
    page = page_html(SCREEN, KNOWN, (*KEYBOARD, (Button("👍", "v|k|c1|+"),)))
    bubble_end = page.index("Passages 1 to 1 of 1.")
    keyboard = page.index('<div class="keyboard">')
    assert keyboard > bubble_end
    assert ('<div class="keys"><span>📄 1</span><span>More ▸</span></div>'
            '<div class="keys"><span>👍</span></div>') in page


def test_text_is_escaped_and_unknown_tags_shown_as_text() -> None:
    page = page_html(SCREEN, "x &lt;script&gt;alert(1)&lt;/script&gt; <marquee>y</marquee>")
    assert "<script>alert" not in page and "<marquee>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;marquee&gt;y&lt;/marquee&gt;" in page


def test_line_breaks_become_lines_and_a_blank_line_stays_visible() -> None:
    page = page_html(SCREEN, "one\n\n<blockquote>q</blockquote>\ntwo\nthree")
    assert ("<div>one<br><br></div><blockquote>q</blockquote><div>two<br>three</div>"
            in page)


def test_the_script_renders_with_the_telegram_renderer() -> None:
    assert screens.render_telegram is telegram_html.render_answer


def test_the_screens_cover_the_six_kinds_of_question() -> None:
    listed = {s.question: s for s in load_screens()}
    assert "Who did Wagner fight at Tinzaouatene?" in listed
    assert "When did French troops leave Mali?" in listed
    assert "Tinzaouatene" in listed
    assert any("quitté" in q for q in listed)
    assert {s.how for s in listed.values()} >= {"ask", "mention", "reply"}


def test_a_reply_that_is_not_a_question_shows_the_bot_sending_nothing() -> None:
    thanks = Screen("t", "thanks, that's useful 🙏", "reply")
    assert screens.stays_silent(thanks)
    assert not screens.stays_silent(Screen("q", "who did Wagner fight?", "reply"))
    assert not screens.stays_silent(Screen("a", "thanks", "ask"))  # /ask is always answered
    page = page_html(thanks, "")
    assert "thanks, that's useful 🙏" in page and "<b>ConflictBot</b>" in page  # it replies
    assert '<div class="sender">ConflictBot</div>' not in page  # and the bot stays silent


def test_a_full_text_screen_is_the_private_chat_with_the_passage_votes() -> None:
    votes = telegram_html.passage_vote_keyboard("K1", "c1")
    page = page_html(Screen("f", "Who did Wagner fight?", "full"), "the section", votes)
    assert '<div class="name">ConflictBot</div>' in page and "Sahel desk" in page
    assert '<body class="latest">' in page  # scrolled to the end: the keyboard shows
    assert '<div class="keys"><span>👍</span><span>👎</span></div>' in page
    assert [b.data for row in votes for b in row] == ["v1|v|K1|c1|+", "v1|v|K1|c1|-"]
    assert telegram_html.passage_vote_keyboard("", "c1") == ()


def test_the_screens_file_names_a_french_member_for_the_french_question() -> None:
    by_slug = {s.slug: s for s in load_screens()}
    assert by_slug["3-french-question"].language == "fr"
    assert by_slug["1-headline"].language == "en"


def test_the_screens_file_shows_a_french_moderator_hearing_a_refused_add() -> None:
    by_slug = {s.slug: s for s in load_screens()}
    refusal = by_slug["9-french-refusal"]
    assert (refusal.how, refusal.language) == ("add", "fr")
    page = page_html(refusal, "⏭ lien ignoré : ni un lien")
    assert f"/add {refusal.question}" in page and "⏭ lien ignoré : ni un lien" in page
