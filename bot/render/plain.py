"""Plain-text rendering for the console and the command line."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from bot.answer import (
    ABSTAIN_EMPTY,
    Answer,
    Passage,
    Source,
    rewrite_note,
    unknown_names_note,
)

Marker = Callable[[str], str]


def star(text: str) -> str:
    """Highlight for plain files and pipes."""
    return f"*{text}*"


def ansi_bold(text: str) -> str:
    """Highlight for terminals."""
    return f"\033[1m{text}\033[0m"


def highlight(text: str, spans: Sequence[tuple[int, int]], mark: Marker = star) -> str:
    """Text with the given character spans marked."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(mark(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def abstain_text(answer: Answer) -> str:
    """What the bot says when the corpus has nothing on the question."""
    if answer.reason == ABSTAIN_EMPTY:
        return ("Please ask a question with a few keywords, e.g. "
                "\"Who did Wagner fight at Tinzaouatene?\"")
    if note := unknown_names_note(answer, star, str):
        return f"{note} Try other words, or see which documents it holds with `sources`."
    return ("The corpus has nothing that answers this. Try other words, or see which "
            "documents it holds with `sources`.")


def render_passage(passage: Passage, mark: Marker = star, width: int = 88) -> str:
    """One quoted passage and its citation."""
    body = highlight(passage.text, passage.highlights, mark)
    quote = textwrap.fill(body, width=width, initial_indent="  > ", subsequent_indent="  > ")
    return f"[{passage.rank}] {passage.citation.label()}\n{quote}"


def render_answer(answer: Answer, mark: Marker = star) -> str:
    """A whole answer as plain text."""
    if answer.abstained:
        return abstain_text(answer)
    parts = [render_passage(p, mark) for p in answer.passages]
    if note := rewrite_note(answer, star, str):
        parts.insert(0, note)
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
