"""Plain-text rendering for the console and the command line (`conflictbot ask`, `chat`):
the same answer layout as the chat renderers (#12): the lead quote first, then each source
once (`[1] Outlet · 5 Aug 2024 · headline`) with its passages quoted below it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from bot import texts
from bot.answer import (
    ABSTAIN_EMPTY,
    Answer,
    Citation,
    Passage,
    Source,
    rewrite_note,
    unknown_names_note,
)
from bot.render.text import (
    boundary,
    clean,
    fit_escaped,
    group_by_source,
    lead_markup,
    mark_spans,
    outlet_and_date,
)

Marker = Callable[[str], str]
WIDTH = 88


def star(text: str) -> str:
    """Highlight for plain files and pipes."""
    return f"*{text}*"


def ansi_bold(text: str) -> str:
    """Highlight for terminals."""
    return f"\033[1m{text}\033[0m"


def highlight(text: str, spans: Sequence[tuple[int, int]], mark: Marker = star) -> str:
    """`text` with the given character spans marked; control characters (a terminal's
    escape sequences among them) dropped."""
    return mark_spans(text, spans, len(text), clean, mark)


def fit(text: str, limit: int) -> str:
    """`text` cleaned and cut at a word with "…" to at most `limit` characters."""
    return fit_escaped(text, limit, clean, lambda t, n: boundary(t, n, window=40))


def abstain_text(answer: Answer) -> str:
    """What the bot says when the corpus has nothing on the question, with the names it
    does cover when it found some."""
    if answer.reason == ABSTAIN_EMPTY:
        return ("Please ask a question with a few keywords, e.g. "
                "\"Who did Wagner fight at Tinzaouatene?\"")
    said = unknown_names_note(answer, star, clean) or "The corpus has nothing that answers this."
    if answer.suggestions:
        names = " · ".join(fit(name, 60) for name in answer.suggestions[:3])
        return f"{said} It does cover: {names}"
    return f"{said} Try other words, or see which documents it holds with `sources`."


def source_line(citation: Citation, number: int) -> str:
    """`[n] Outlet · 5 Aug 2024 · headline · URL`: outlet, date and URL only when known."""
    parts = [*outlet_and_date(citation, fit), fit(citation.title or citation.file, 120)]
    if url := (citation.url or next(iter(citation.urls), "")).strip():
        parts.append(fit(url, 300))
    return f"[{number}] " + " · ".join(parts)


def render_passage(passage: Passage, mark: Marker = star, width: int = WIDTH) -> str:
    """One quoted passage under its source: where it is (file, passage, section), then
    the quote."""
    c = passage.citation
    where = f"{fit(c.file, 120)}, {texts.text('passage', number=c.passage)}"
    if c.section.strip():
        where += f" ({fit(c.section, 120)})"
    body = highlight(passage.text, passage.highlights, mark)
    quote = textwrap.fill(body, width=width, initial_indent="  > ", subsequent_indent="  > ")
    return f"    {where}\n{quote}"


def render_answer(answer: Answer, mark: Marker = star) -> str:
    """A whole answer as plain text: lead quote, the note on how the question was read,
    then the sources with their passages."""
    if answer.abstained or not answer.passages:
        return abstain_text(answer)
    groups = group_by_source(answer.passages)
    parts = []
    if lead := lead_markup(answer, groups, lambda text, spans: highlight(text, spans, mark)):
        parts.append(textwrap.fill(f"“{lead[0]}” [{lead[1]}]", width=WIDTH))
    if note := rewrite_note(answer, star, clean):
        parts.append(note)
    parts += ["\n".join([source_line(group[0].citation, number),
                         *(render_passage(p, mark) for p in group)])
              for number, group in enumerate(groups, start=1)]
    if answer.has_more:
        parts.append(f"({answer.total - answer.offset - len(answer.passages)} more passages)")
    return "\n\n".join(parts)


def render_sources(sources: Sequence[Source]) -> str:
    """The corpus documents, one per line."""
    if not sources:
        return "The corpus is empty."
    width = max(len(s.file) for s in sources)
    return "\n".join(f"{s.file:<{width}}  {s.passages:>4} passages  {s.title}"
                     + (f" ({s.date})" if s.date else "") for s in sources)
