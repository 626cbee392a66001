"""The answer as it looks (#12): lead quote first, compact sources, collapsed passages cut at
sentence ends, highlights only on what was searched."""

from __future__ import annotations

import html
import re
from collections import Counter

from bot import payload
from bot.answer import Answer, Citation, LeadQuote, Passage
from bot.core import Service, _suggestions, most_common_first
from bot.render import telegram_html as r
from tests.fakes.fake_telegram import html_problems

HEADLINE = "Who did Wagner fight at Tinzaouatene?"
TUAREG = "Tuareg-led separatists said on Thursday they had killed 84 fighters from Wagner"
TEXT = ("Ukrainian television reported it. Rebels killed 84 Wagner fighters at Tinzaouatene. "
        "Senegal summoned an ambassador.")
LEAD_START = TEXT.index("Rebels")
LEAD_END = TEXT.index("Senegal") - 1


def visible(telegram_html: str) -> str:
    """The text a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", telegram_html))


def an_answer(citation: Citation, lead: LeadQuote | None = None, text: str = TEXT) -> Answer:
    spans = ((text.index("Wagner"), text.index("Wagner") + 6),)
    return Answer("Who did Wagner fight?", (Passage(1, "c1", text, 3.0, citation, spans),),
                  False, 0, 1, 7, lead=lead)


def test_the_lead_quote_comes_first_in_quotation_marks_with_its_source_number() -> None:
    lead = LeadQuote(1, LEAD_START, LEAD_END, TEXT[LEAD_START:LEAD_END])
    text = r.render_answer(an_answer(Citation("Mali War", "002_x.txt", 4), lead), "K").text
    assert text.startswith("“Rebels killed 84 <b>Wagner</b> fighters at Tinzaouatene.” [1]\n")
    assert html_problems(text) == []


def test_a_lead_that_does_not_match_its_passage_is_not_shown() -> None:
    forged = LeadQuote(1, 0, 5, "Other")
    text = r.render_answer(an_answer(Citation("Mali War", "002_x.txt", 4), forged), "K").text
    assert not text.startswith("“")


def test_source_line_is_outlet_date_headline_and_honest_when_unknown() -> None:
    known = Citation("Mali breaks off relations", "004_x.txt", 6, outlet="Al Jazeera",
                     published="2024-08-05")
    assert r.source_line(known, 1) == (
        "[1] Al Jazeera · 5 Aug 2024 · <i>Mali breaks off relations</i>")
    unknown = Citation("Mali War", "002_x.txt", 4)
    assert r.source_line(unknown, 2) == "[2] <i>Mali War</i>"
    reported = Citation("Mali War", "002_x.txt", 4, published="2024-08-05",
                        event_dates=(("2024-07-25", "2024-07-27"),))
    assert r.source_line(reported, 4) == (
        "[4] reported 5 Aug 2024, about 25–27 July 2024 · <i>Mali War</i>")
    dateline = Citation("Mali War", "002_x.txt", 4, date="05 August 2024")
    assert r.source_line(dateline, 3) == "[3] 05 August 2024 · <i>Mali War</i>"  # as written


def test_no_file_names_or_paragraph_numbers_in_the_answer() -> None:
    text = r.render_answer(an_answer(Citation("Mali War", "002_x.txt", 4, "Background")), "K").text
    assert "002_x.txt" not in text and "passage 4" not in text and "¶" not in text


def test_long_passages_are_collapsed_and_cut_at_a_sentence_end() -> None:
    long = " ".join(f"Sentence number {i} about Wagner forces." for i in range(60))
    text = r.render_answer(an_answer(Citation("T", "f.txt", 1), text=long), "K").text
    quote = re.search(r"<blockquote expandable>(.*?)</blockquote>", text, re.S)
    assert quote is not None
    assert quote.group(1).endswith("forces. …")
    assert len(visible(quote.group(1))) <= 700


def test_only_highlight_spans_are_bold() -> None:
    text = r.render_answer(an_answer(Citation("Mali War", "002_x.txt", 4)), "K").text
    assert re.findall(r"<b>(.*?)</b>", text) == ["Wagner"]


def test_whole_answer_vote_payload_round_trips_and_rejects_garbage() -> None:
    for vote in (payload.AnswerVote("k3Yx_9Qa", 1), payload.AnswerVote("k", -1)):
        assert payload.decode(payload.encode(vote)) == vote
    for bad in ("v1|a|k", "v1|a|k|0", "v1|a||+", "v1|a|k|+|x", "a|k|+"):
        assert payload.decode(bad) is None
    assert re.fullmatch(payload.TEMPLATE, payload.encode(payload.AnswerVote("k", 1)))


async def test_headline_answer_has_the_tuareg_sentence_in_its_first_300_characters(
        service: Service) -> None:
    answer = await service.ask(HEADLINE)
    assert answer.lead is not None
    shown = visible(r.render_answer(answer, "K").text)
    assert TUAREG in shown[:300]


async def test_later_pages_have_no_lead(service: Service) -> None:
    assert (await service.ask(HEADLINE, offset=1)).lead is None


async def test_nothing_found_suggests_the_nearest_corpus_name_first(service: Service) -> None:
    suggested = _suggestions(service._snapshot, "Tinzawatenne xylophone")
    assert suggested[0] == "Tinzaouatene" and len(suggested) <= 3
    assert all(name[:1].isupper() for name in suggested)


async def test_nothing_found_answer_carries_suggestions_and_renders_them_as_buttons(
        service: Service) -> None:
    answer = await service.ask("banana bread recipe")
    assert answer.abstained and 1 <= len(answer.suggestions) <= 3
    rendered = r.render_answer(answer, "")
    [row] = rendered.keyboard
    assert [payload.decode(b.data) for b in row] == [payload.Suggest(n) for n in answer.suggestions]
    assert rendered.text.count("\n") <= 1
    assert (await service.ask("the")).suggestions == ()


def test_suggested_title_names_tie_in_alphabetical_order() -> None:
    """The same suggestions in every process: ties of title counts are not left to set
    order, which changes with the hash seed."""
    assert most_common_first(Counter({"ukrain": 2, "mali": 5, "kyiv": 2, "wagner": 3})) == [
        "mali", "wagner", "kyiv", "ukrain"]
