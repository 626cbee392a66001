"""The plain answer (`conflictbot ask`, `conflictbot chat`) in the chat renderers' layout
(#12): lead quote first, each source once on a compact line, its passages quoted below."""

from __future__ import annotations

from dataclasses import replace

from bot.answer import Answer, Citation, LeadQuote, Passage, Rewrite
from bot.render import plain

FIRST = ("Ukrainian television reported it. Rebels killed 84 Wagner fighters at Tinzaouatene. "
         "Senegal summoned an ambassador.")
SECOND = "Mali's army admitted a large number of deaths at Tinzaouatene."
LEAD = "Rebels killed 84 Wagner fighters at Tinzaouatene."
ALJAZEERA = Citation("Mali breaks off relations", "004_x.txt", 6, outlet="Al Jazeera",
                     published="2024-08-05", url="https://news.test/mali")
WIKI = Citation("Mali War", "002_x.txt", 4, section="Battles", outlet="Wikipedia")


def spans(text: str, *words: str) -> tuple[tuple[int, int], ...]:
    return tuple((text.index(w), text.index(w) + len(w)) for w in words)


def passage(rank: int, text: str, citation: Citation) -> Passage:
    return Passage(rank, f"c{rank}", text, 3.0, citation, spans(text, "Tinzaouatene"))


def headline_answer(rewrites: tuple[Rewrite, ...] = ()) -> Answer:
    passages = (passage(1, FIRST, ALJAZEERA), passage(2, SECOND, WIKI),
                passage(3, SECOND.replace("Mali's", "The"), replace(ALJAZEERA, passage=9)))
    lead = LeadQuote(1, FIRST.index(LEAD), FIRST.index(LEAD) + len(LEAD), LEAD)
    return Answer("Who did Wagner fight at Tinzaouatene?", passages, False, 0, 3, 7,
                  lead=lead, rewrites=rewrites)


def test_the_lead_quote_comes_first_with_its_source_number() -> None:
    text = plain.render_answer(headline_answer())
    assert text.splitlines()[0] == "“Rebels killed 84 Wagner fighters at *Tinzaouatene*.” [1]"


def test_each_source_once_on_a_compact_line_with_its_passages_below() -> None:
    lines = plain.render_answer(headline_answer()).splitlines()
    sources = [line for line in lines if line.startswith("[")]
    assert sources == [
        "[1] Al Jazeera · 5 Aug 2024 · Mali breaks off relations · https://news.test/mali",
        "[2] Wikipedia · Mali War"]
    first, second = lines.index(sources[0]), lines.index(sources[1])
    under_first = "\n".join(lines[first:second])
    assert "004_x.txt, passage 6" in under_first and "004_x.txt, passage 9" in under_first
    assert "  > The army admitted" in under_first  # the other passage of the same document
    assert lines[second + 1] == "    002_x.txt, passage 4 (Battles)"
    assert lines[second + 2].startswith("  > Mali's army admitted")


def test_no_lead_starts_with_the_first_source() -> None:
    answer = Answer("q", (passage(1, SECOND, WIKI),), False, 0, 1)
    assert plain.render_answer(answer).startswith("[1] Wikipedia · Mali War\n")


def test_the_rewrite_note_follows_the_lead() -> None:
    changed = headline_answer((Rewrite("variant", "Tinzaouaten", "Tinzaouatene"),))
    parts = plain.render_answer(changed).split("\n\n")
    assert parts[0].startswith("“Rebels")
    assert parts[1] == "Showing results for *Tinzaouatene* (you wrote *Tinzaouaten*)"
    assert parts[2].startswith("[1] Al Jazeera")


def test_terminal_escapes_in_the_corpus_are_dropped_and_highlights_stay_aligned() -> None:
    hostile = "Fighting\x1b[2J at Tinzaouatene\x07 went on."
    answer = Answer("q", (passage(1, hostile, WIKI),), False, 0, 1)
    text = plain.render_answer(answer, plain.ansi_bold)
    assert "\x1b[2J" not in text and "\x07" not in text
    assert "Fighting[2J at \x1b[1mTinzaouatene\x1b[0m went on." in text


def test_nothing_found_names_what_the_corpus_does_cover() -> None:
    nothing = Answer("recipe for jollof rice", (), True, unknown_names=("jollof",),
                     suggestions=("Mali", "Wagner", "Ukraine", "Niger"))
    assert plain.render_answer(nothing) == (
        "Nothing in the corpus mentions *jollof*. It does cover: Mali · Wagner · Ukraine")
    bare = Answer("recipe", (), True)
    assert "`sources`" in plain.render_answer(bare)
