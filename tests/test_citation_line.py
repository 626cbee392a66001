"""Citation lines (#12): outlet · publication date · title, event dates, ⚠ for gaps."""

from __future__ import annotations

from bot.answer import Citation, citation_line, format_span
from bot.core import Service

REPORTED = Citation("Mali breaks off diplomatic relations", "004.txt", 3, outlet="Reuters",
                    published="2024-08-05", url="https://example.org/a",
                    event_dates=(("2024-07-25", "2024-07-27"),))


def test_line_shows_outlet_publication_date_and_title() -> None:
    plain = Citation("Mali War", "002.txt", 1, outlet="Wikipedia", published="2024-08-05")
    assert citation_line(plain) == "Wikipedia · 5 Aug 2024 · Mali War"


def test_event_date_is_shown_beside_the_publication_date() -> None:
    assert citation_line(REPORTED) == ("Reuters · reported 5 Aug 2024, about 25–27 July 2024"
                                       " · Mali breaks off diplomatic relations")


def test_line_in_french() -> None:
    assert citation_line(REPORTED, "fr") == ("Reuters · publié le 5 août 2024\u202f; faits\u00a0: "
                                             "25–27 juillet 2024 · Mali breaks off diplomatic "
                                             "relations")


def test_preview_warns_of_missing_outlet_and_url() -> None:
    bare = Citation("Mali breaks off…", "004.txt", 1, published="2024-08-05")
    assert citation_line(bare, warn=True) == ("⚠ outlet unknown · 5 Aug 2024 · "
                                              "Mali breaks off… · ⚠ no URL")
    assert citation_line(REPORTED, warn=True).count("⚠") == 0


def test_only_an_updated_date_is_labelled_as_such() -> None:
    updated = Citation("T", "f.txt", 1, updated="2024-08-05")
    assert citation_line(updated) == "updated 5 Aug 2024 · T"


def test_an_update_date_with_an_event_date_is_not_called_reported() -> None:
    updated = Citation("T", "f.txt", 1, updated="2024-08-05",
                       event_dates=(("2024-07-25", "2024-07-27"),))
    assert citation_line(updated) == "updated 5 Aug 2024, about 25–27 July 2024 · T"
    assert "reported" not in citation_line(updated)


def test_several_event_dates_of_a_passage_read_as_one_span_or_not_at_all() -> None:
    close = Citation("T", "f.txt", 1, published="2024-08-05", event_dates=(
        ("2024-08-03", "2024-08-03"), ("2024-07-25", "2024-07-25"), ("2024-08-01", "2024-08-01")))
    assert citation_line(close) == "reported 5 Aug 2024, about 25 July – 3 August 2024 · T"
    apart = Citation("T", "f.txt", 1, published="2024-08-05", event_dates=(
        ("2024-08-02", "2024-08-02"), ("2020-01-01", "2020-12-31")))
    assert citation_line(apart) == "5 Aug 2024 · T"
    year = Citation("T", "f.txt", 1, published="2024-08-05",
                    event_dates=(("2020-01-01", "2020-12-31"),))
    assert citation_line(year) == "reported 5 Aug 2024, about 2020 · T"


def test_spans_read_as_people_write_them() -> None:
    assert format_span("2024-07-01", "2024-07-31") == "July 2024"
    assert format_span("2024-06-30", "2024-07-02") == "30 June – 2 July 2024"
    assert format_span("2020-01-01", "2020-12-31") == "2020"
    assert format_span("2024-07-25", "2024-07-25") == "25 July 2024"


async def test_answers_carry_the_documents_citation_metadata(service: Service) -> None:
    answer = await service.ask("When did French troops leave Mali?")
    wiki = [p.citation for p in answer.passages if p.citation.file.startswith("002_")]
    assert wiki and wiki[0].outlet == "Wikipedia"
    tinza = await service.ask("Who did Wagner fight at Tinzaouatene?")
    top = tinza.passages[0].citation
    assert top.updated == "2024-08-05" and top.event_dates
