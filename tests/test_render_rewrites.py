"""The line saying how a question was changed, and the abstention that names an unknown name,
in every renderer (issue #10)."""

from __future__ import annotations

from bot.answer import ABSTAIN_UNKNOWN_NAME, Answer, Citation, Passage, Rewrite
from bot.render import discord_md, plain, telegram_html
from tests.fakes.fake_telegram import html_problems

PASSAGE = Passage(1, "c1", "Fighting at Tinzaouatene killed 84 Wagner fighters.", 5.0,
                  Citation("Mali", "004.txt", 3), ((12, 24),), ("Tinzaouatene",))
REWRITES = (Rewrite("variant", "Tinzaouaten", "Tinzaouatene"), Rewrite("alias", "GSIM", "JNIM"),
            Rewrite("synonym", "fight", "battle"), Rewrite("noise", "lol", ""))
CHANGED = Answer("lol who did GSIM fight at Tinzaouaten", (PASSAGE,), False, 0, 1,
                 rewrites=REWRITES)
FRENCH = Answer("retrait des casques bleus", (PASSAGE,), False, 0, 1, language="fr",
                rewrites=(Rewrite("translation", "retrait", "withdrawal"),
                          Rewrite("translation", "casques bleus", "peacekeepers")))
VETOED = Answer("Wagner in Sudan", (), True, reason=ABSTAIN_UNKNOWN_NAME,
                unknown_names=("Sudan",))


def test_plain_shows_one_line_of_changes_above_the_passages() -> None:
    text = plain.render_answer(CHANGED)
    first = text.splitlines()[0]
    assert first == "Showing results for *Tinzaouatene* (you wrote *Tinzaouaten*) · *GSIM* = *JNIM*"
    assert "battle" not in text and "lol" not in first
    assert plain.render_answer(FRENCH).splitlines()[0] == (
        "French question: searched *withdrawal, peacekeepers*")


def test_several_respellings_share_one_showing_results_for() -> None:
    two = Answer("Wagnr in Tinzawaten", (PASSAGE,), False, 0, 1, rewrites=(
        Rewrite("variant", "Wagnr", "Wagner"), Rewrite("variant", "Tinzawaten", "Tinzaouatene")))
    assert plain.render_answer(two).splitlines()[0] == (
        "Showing results for *Wagner* (you wrote *Wagnr*), *Tinzaouatene* (you wrote "
        "*Tinzawaten*)")
    assert telegram_html.render_answer(two, "K", language="fr").text.startswith(
        "Résultats pour <i>Wagner</i> (vous avez écrit <i>Wagnr</i>), <i>Tinzaouatene</i>")


def test_unchanged_question_has_no_line() -> None:
    text = plain.render_answer(Answer("q", (PASSAGE,), False, 0, 1))
    assert text.startswith("[1] ")


def test_plain_abstention_names_the_unknown_name() -> None:
    assert plain.render_answer(VETOED).startswith("Nothing in the corpus mentions *Sudan*.")
    two = Answer("q", (), True, reason=ABSTAIN_UNKNOWN_NAME, unknown_names=("Sudan", "Chad"))
    assert plain.render_answer(two).startswith("Nothing in the corpus mentions *Sudan* or *Chad*.")


def test_telegram_line_is_valid_escaped_html() -> None:
    tricky = Answer("q", (PASSAGE,), False, 0, 1, rewrites=(Rewrite("alias", "<b>", "A&B"),))
    for answer in (CHANGED, FRENCH, tricky):
        text = telegram_html.render_answer(answer, "K").text
        assert html_problems(text) == [], text
    assert "Showing results for <i>Tinzaouatene</i> (you wrote <i>Tinzaouaten</i>)" in (
        telegram_html.render_answer(CHANGED, "K").text)
    assert "<i>&lt;b&gt;</i> = <i>A&amp;B</i>" in telegram_html.render_answer(tricky, "K").text
    vetoed = telegram_html.render_answer(VETOED, "K").text
    assert vetoed.startswith("Nothing in the corpus mentions <i>Sudan</i>.")
    assert html_problems(vetoed) == []


def test_discord_line_is_in_the_embed_description() -> None:
    embed = discord_md.render_answer(CHANGED, "K").embeds[0]
    assert "Showing results for *Tinzaouatene* (you wrote *Tinzaouaten*)" in embed.description
    assert "*GSIM* = *JNIM*" in embed.description
    french = discord_md.render_answer(FRENCH, "K").embeds[0]
    assert "French question: searched *withdrawal, peacekeepers*" in french.description
    vetoed = discord_md.render_answer(VETOED, "K").embeds[0]
    assert vetoed.description.startswith("Nothing in the corpus mentions *Sudan*.")
