"""Pure Telegram renderer: answer objects -> Telegram HTML strings and keyboard data.

Nothing here imports `telegram`; the adapter turns `Button` rows into real keyboards.
Every corpus and user string is escaped, and every message stays within Telegram's
4096-character limit, counted in UTF-16 code units on the HTML source (stricter than
Telegram, which counts after parsing). Text is cut *before* it is escaped and wrapped
in tags, so a cut never lands inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import numbers, payload, texts
from bot.answer import ABSTAIN_EMPTY, rewrite_note, unknown_names_note
from bot.render.text import boundary as _shared_boundary
from bot.render.text import (
    clean,
    group_by_source,
    lead_markup,
    outlet_and_date,
    sentence_cut,
    utf16_len,
)
from bot.render.text import escaped_prefix as _shared_escaped_prefix
from bot.render.text import failed as _failed
from bot.render.text import first_safe_url as _first_safe_url
from bot.render.text import fit_escaped as _fit_escaped
from bot.render.text import fit_rendering as _fit_rendering
from bot.render.text import mark_spans as _mark_spans
from bot.render.text import pack as _pack
from bot.render.text import paragraph_cut as _paragraph_cut
from bot.render.text import rejected as _rejected
from bot.render.text import render_button_flood as render_button_flood
from bot.render.text import render_flood as render_flood
from bot.render.text import render_progress as render_progress
from bot.render.text import render_too_large as render_too_large
from bot.render.text import share as _share

if TYPE_CHECKING:  # annotations only
    from bot.answer import Answer, Citation, FullText, Passage, ReindexResult, Source, Stats

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
INLINE_ID_LIMIT = 64
INLINE_TITLE_LIMIT = 100
INLINE_DESCRIPTION_LIMIT = 160
MAX_FULL_TEXT_MESSAGES = 8
ELLIPSIS = "…"
EXAMPLE_QUESTIONS = texts.EXAMPLE_QUESTIONS
USER_COMMAND_NAMES = ("ask", "sources", "help", "start")
MODERATOR_COMMAND_NAMES = ("reindex", "add", "remove", "stats", "alias", "cite")
USER_COMMANDS = texts.commands(USER_COMMAND_NAMES, "telegram")
MODERATOR_COMMANDS = texts.commands(MODERATOR_COMMAND_NAMES, "telegram")


def command_menus(language: str) -> tuple[tuple[tuple[str, str], ...],
                                          tuple[tuple[str, str], ...]]:
    """(user, moderator) command menus, (name, description) pairs, in `language`."""
    return (texts.commands(USER_COMMAND_NAMES, "telegram", language),
            texts.commands(MODERATOR_COMMAND_NAMES, "telegram", language))



@dataclass(frozen=True, slots=True)
class Button:
    """One inline-keyboard button: a label and its callback data (at most 64 bytes)."""

    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send: Telegram HTML plus inline-keyboard rows."""

    text: str
    keyboard: Keyboard = ()


@dataclass(frozen=True, slots=True)
class InlineArticle:
    """One inline-mode result: plain title and description, HTML message text."""

    id: str
    title: str
    description: str
    text: str


# --- text primitives -----------------------------------------------------------------


def _boundary(text: str, n: int, window: int = 60) -> int:
    """Move a cut at `n` back to the last whitespace within `window` chars, if any."""
    return _shared_boundary(text, n, window)


def escape(text: str) -> str:
    """Escape text for Telegram HTML (`<`, `>`, `&`), after `clean`."""
    return html.escape(clean(text), quote=False)


def fit(text: str, units: int) -> str:
    """`text` escaped, cut (before escaping) with an ellipsis to at most `units` units."""
    return _fit_escaped(text, units, escape, _boundary)


def highlight(text: str, highlights: Iterable[tuple[int, int]], cut: int | None = None) -> str:
    """Escaped `text[:cut]` with highlight spans in <b>, plus an ellipsis if cut short."""
    end = len(text) if cut is None else max(0, min(cut, len(text)))
    marked = _mark_spans(text, highlights, end, escape, lambda bold: f"<b>{bold}</b>")
    return marked + ELLIPSIS if end < len(text) else marked


def _body(passage: Passage, units: int) -> str:
    """The passage text with highlights, cut to at most `units` units."""
    text, spans = passage.text, passage.highlights
    return _fit_rendering(text, units, lambda cut: highlight(text, spans, cut), _boundary)


# --- passages and answers -----------------------------------------------------------


# A plain http(s) URL that cannot break out of an href attribute.
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[^\s<>\"'\\]*)?")


def _safe_url(urls: Sequence[str]) -> str:
    return _first_safe_url(urls, _SAFE_URL)


_MIN_BODY = 60  # units below which a passage is not worth showing cut


def render_answer(answer: Answer, key: str, *, limit: int = MESSAGE_LIMIT,
                  language: str = "en") -> Rendered:
    """An answer page (#12): the lead quote first, then each source once on a compact line
    (`[1] Outlet · 5 Aug 2024 · headline`) with its passages in collapsed quotes below, a
    button per source, More, and one 👍/👎 for the whole answer; the bot's own words in
    the interface `language`."""
    if answer.abstained or not answer.passages:
        return Rendered(render_abstention(answer, language),
                        suggestion_keyboard(answer.suggestions))
    groups = group_by_source(answer.passages)
    header = _lead_block(answer, groups)
    if note := rewrite_note(answer, _emphasis, escape, language):
        header += f"{note}\n\n"
    total = max(answer.total, answer.offset + len(answer.passages))

    def footer(count: int) -> str:
        first, last = answer.offset + 1, answer.offset + count
        if first == 1 and last >= total:  # the whole answer is on this page
            return ""
        shown = texts.text("passages_of", language, first=first, last=last, total=total)
        return f"\n\n<i>{shown}</i>"

    text, count = _compose_sources(header, groups, footer, limit, language)
    return Rendered(text, _answer_keyboard(answer, key, groups, count, total, language))


def _lead_block(answer: Answer, groups: Sequence[Sequence[Passage]]) -> str:
    """`“lead sentence” [n]` and a blank line; "" without a lead quote."""
    lead = lead_markup(answer, groups, highlight)
    return f"“{lead[0]}” [{lead[1]}]\n\n" if lead else ""


SOURCE_TITLE_CHARS = 56  # a headline's first words: the full one heads the full text


def source_line(citation: Citation, number: int, language: str = "en") -> str:
    """`[n] Outlet · 5 Aug 2024 · headline`: the outlet and date only when known."""
    parts = outlet_and_date(citation, fit, language)
    parts.append(f"<i>{fit(citation.title or citation.file, SOURCE_TITLE_CHARS)}</i>")
    line = f"[{number}] " + " · ".join(parts)
    url = _safe_url((citation.url, *citation.urls))
    if url:
        line += f' · <a href="{html.escape(url, quote=True)}">{texts.text("link", language)}</a>'
    return line


_EXCERPT_CHARS = 700  # a collapsed passage: enough to read once opened, cut at a sentence


def _compose_sources(header: str, groups: Sequence[Sequence[Passage]],
                     footer: Callable[[int], str], limit: int,
                     language: str) -> tuple[str, int]:
    """Header, as many sources as fit (line, then each passage in a collapsed quote),
    footer; and the number of passages shown."""
    for kept in range(len(groups), 0, -1):
        shown = groups[:kept]
        count = sum(len(g) for g in shown)
        lines = [source_line(g[0].citation, n, language) for n, g in enumerate(shown, start=1)]
        passages = [p for g in shown for p in g]
        frame = "<blockquote expandable>", "</blockquote>"
        fixed = (header + footer(count) + "".join(lines) + "\n" * (len(lines) + count)
                 + (frame[0] + frame[1]) * count)
        budget = limit - utf16_len(fixed)
        if budget < _MIN_BODY * count and kept > 1:
            continue
        full = [min(_EXCERPT_CHARS, utf16_len(highlight(p.text, p.highlights))) for p in passages]
        caps = iter(_share(full, max(budget, 0)))
        blocks = []
        for line, group in zip(lines, shown, strict=True):
            quotes = "".join(f"{frame[0]}{_excerpt(p, next(caps))}{frame[1]}" for p in group)
            blocks.append(f"{line}\n{quotes}")
        return header + "\n".join(blocks) + footer(count), count
    return header + footer(0), 0


def _excerpt(passage: Passage, units: int) -> str:
    """The passage with highlights in at most `units`, cut at a sentence end with "…"
    when one fits, else at a word."""
    text, spans = passage.text, passage.highlights
    if utf16_len(highlight(text, spans)) <= units:
        return highlight(text, spans)
    end = sentence_cut(text, lambda b: utf16_len(highlight(text, spans, b)) + 1 <= units)
    if end:  # the sentence's own full stop stays, then a spaced ellipsis
        return _mark_spans(text, spans, end, escape, _bold) + " " + ELLIPSIS
    return _body(passage, units)


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def _answer_keyboard(answer: Answer, key: str, groups: Sequence[Sequence[Passage]],
                     count: int, total: int, language: str) -> Keyboard:
    """A button per source shown (its first passage's full text); More; 👍/👎 the answer."""
    sources, seen = [], 0
    for number, group in enumerate(groups, start=1):
        if seen >= count:
            break
        seen += len(group)
        sources.append((f"📄 {number}", payload.FullText(group[0].chunk_id, key)))
    last: list[tuple[str, payload.Payload]] = []
    if answer.offset + count < total:
        last.append((texts.text("more", language), payload.More(key, answer.offset + count)))
    last += [("👍", payload.AnswerVote(key, 1)), ("👎", payload.AnswerVote(key, -1))]
    rows = (_only_fitting(sources), _only_fitting(last))
    if sum(len(row) for row in rows) <= _ONE_ROW:
        return (rows[0] + rows[1],) if rows[0] + rows[1] else ()
    return tuple(row for row in rows if row)


_ONE_ROW = 4  # buttons that still read well side by side at phone width


def passage_vote_keyboard(key: str, chunk_id: str) -> Keyboard:
    """👍/👎 for one passage of the answer `key`, under its full text (#12); no keyboard
    without an answer to count the vote for."""
    row = _only_fitting((label, payload.Vote(key, chunk_id, value))
                        for label, value in (("👍", 1), ("👎", -1))) if key else ()
    return (row,) if row else ()


def _only_fitting(buttons: Iterable[tuple[str, payload.Payload]]) -> tuple[Button, ...]:
    """The buttons whose payload can be carried in callback data."""
    encoded = ((label, payload.encode_within(p, CALLBACK_DATA_LIMIT)) for label, p in buttons)
    return tuple(Button(label, data) for label, data in encoded if data is not None)


def suggestion_keyboard(suggestions: Sequence[str]) -> Keyboard:
    """One row of buttons, each asking a suggested name (those a payload can carry)."""
    row = _only_fitting((f"🔎 {name}", payload.Suggest(name)) for name in suggestions[:3])
    return (row,) if row else ()


def _emphasis(text: str) -> str:
    return f"<i>{fit(text, 100)}</i>"


def render_abstention(answer: Answer, language: str = "en") -> str:
    """The reply when the corpus has nothing: one or two lines, what was searched, and the
    suggested names (as buttons) when there are any; else a pointer to /sources."""
    if answer.reason == ABSTAIN_EMPTY or not answer.question.strip():
        return (f"{escape(texts.text('ask_keywords', language))}\n"
                f"<i>{escape(texts.text('example_1', language))}</i>\n\n"
                f"{escape(texts.text('see_sources', language))}")
    said = unknown_names_note(answer, _emphasis, escape, language) or texts.marked(
        "found_nothing", language, escape, question=f"<i>{fit(answer.question, 300)}</i>")
    if answer.suggestions:
        return f"{said}\n{escape(texts.text('covered_instead', language))}"
    return f"{said}\n\n{escape(texts.text('only_quotes', language))}"


def render_inline(answer: Answer, *, limit: int = MESSAGE_LIMIT,
                  language: str = "en") -> list[InlineArticle]:
    """Inline-mode results: one article per passage (nothing when the corpus abstains), each
    sending the question, the passage's source line and the passage quoted."""
    if answer.abstained:
        return []
    header = f"📚 <i>{fit(answer.question, 300)}</i>\n\n"
    articles = []
    for i, passage in enumerate(answer.passages):
        head = f"{header}{source_line(passage.citation, 1, language)}\n<blockquote>"
        body = _body(passage, max(limit - utf16_len(head + "</blockquote>"), 0))
        articles.append(InlineArticle(
            id=f"{i}-{passage.chunk_id}".encode()[:INLINE_ID_LIMIT].decode(errors="ignore"),
            title=_plain(passage.citation.title or passage.citation.file, INLINE_TITLE_LIMIT),
            description=_plain(passage.text, INLINE_DESCRIPTION_LIMIT),
            text=f"{head}{body}</blockquote>",
        ))
    return articles


def _plain(text: str, limit: int) -> str:
    """Whitespace-collapsed plain text of at most `limit` characters."""
    flat = " ".join(clean(text).split())
    if len(flat) <= limit:
        return flat or "…"
    return flat[: _boundary(flat, limit - 1)].rstrip() + ELLIPSIS


# --- full text, sources, stats ------------------------------------------------------


def _truncated(language: str) -> str:
    return f"\n\n<i>{escape(texts.text('rest_too_long', language))}</i>"


def split_text(text: str, *, prefix: str = "", limit: int = MESSAGE_LIMIT,
               max_messages: int = MAX_FULL_TEXT_MESSAGES, language: str = "en") -> list[str]:
    """Escape `text` into messages of at most `limit` units, cut at paragraphs or words.

    `prefix` (HTML) starts the first message. Past `max_messages` the rest is dropped and
    the last message says so (in `language`).
    """
    truncated = _truncated(language)
    messages: list[str] = []
    head, rest = prefix, clean(text).strip()
    while rest and len(messages) < max_messages:
        room = limit - utf16_len(head)
        if len(messages) == max_messages - 1:
            room -= utf16_len(truncated)
        escaped = escape(rest) if len(rest) <= room else ""
        if escaped and utf16_len(escaped) <= room:
            messages.append(head + escaped)
            rest = ""
            break
        n = _escaped_prefix(rest, room)
        cut = _paragraph_cut(rest, n) or max(n, 1)
        messages.append(head + escape(rest[:cut].rstrip()))
        rest, head = rest[cut:].lstrip(), ""
    if rest:
        messages[-1] += truncated
    return messages or [prefix.rstrip() or ELLIPSIS]


def _escaped_prefix(text: str, units: int) -> int:
    return _shared_escaped_prefix(text, units, escape)


def render_full_text(full: FullText, *, limit: int = MESSAGE_LIMIT,
                     language: str = "en") -> list[str]:
    """The whole section as one or more messages, the first headed by its citation: the
    headline, then `Outlet · 5 Aug 2024 · passage 6 (section) · link` (what is known)."""
    c = full.citation
    where = texts.text("passage", language, number=c.passage)
    if c.section.strip():
        where += f" ({fit(c.section, 120)})"
    parts = [*outlet_and_date(c, fit, language), where]
    if url := _safe_url((c.url, *c.urls)):
        parts.append(f'<a href="{html.escape(url, quote=True)}">{texts.text("link", language)}</a>')
    head = f"📄 <b>{fit(c.title or c.file, 200)}</b>\n" + " · ".join(parts)
    return split_text(full.text, prefix=head + "\n\n", limit=limit, language=language)


_SOURCES_HEAD_ROOM = 200  # header and page line of a /sources page


def render_sources(sources: Sequence[Source], page: int = 0, *,
                   limit: int = MESSAGE_LIMIT, language: str = "en") -> Rendered | None:
    """One page of the corpus listing (one message, one line per document), with buttons to
    the pages before and after it; None if there is no such page."""
    if not sources:
        return Rendered(escape(texts.text("corpus_empty", language))) if page == 0 else None
    lines = []
    for s in sources:
        date = f", {fit(s.date, 30)}" if s.date.strip() else ""
        count = texts.text("n_passages", language, count=s.passages)
        lines.append(f"• <i>{fit(s.title or s.file, 200)}</i> — <code>{fit(s.file, 120)}</code>"
                     f" ({count}{date})")
    pages = _pack(lines, limit - _SOURCES_HEAD_ROOM)
    if not 0 <= page < len(pages):
        return None
    size = texts.text("corpus_size", language, documents=len(sources),
                      passages=sum(s.passages for s in sources))
    text = f"📚 <b>Corpus</b>: {size}.\n\n{pages[page]}"
    if len(pages) == 1:
        return Rendered(text)
    text += f"\n\n<i>{texts.text('page_of', language, page=page + 1, pages=len(pages))}.</i>"
    turns = [("back", page - 1)] if page > 0 else []
    turns += [("more", page + 1)] if page + 1 < len(pages) else []
    row = tuple(Button(texts.text(label, language), payload.encode(payload.SourcesPage(to)))
                for label, to in turns)
    return Rendered(text, (row,))


def render_stats(stats: Stats, *, limit: int = MESSAGE_LIMIT, language: str = "en") -> str:
    """Corpus and usage figures for moderators, in their interface `language`."""
    def head(label: str) -> str:
        """"<b>Today</b>:", "<b>Aujourd'hui</b> :"."""
        bold = f"<b>{escape(texts.text(label, language))}</b>"
        return texts.marked("heading", language, escape, label=bold)

    def words(message_id: str, **fields: object) -> str:
        return escape(texts.text(message_id, language, **fields))

    lines = [
        f"📊 {head('stats_corpus')} " + words(
            "stats_corpus_line", documents=stats.documents, passages=stats.passages,
            generation=stats.generation),
        f"{head('stats_today')} " + words(
            "stats_today_line", questions=stats.questions_today,
            rate=numbers.percent(stats.abstention_rate, language)),
        f"{head('stats_feedback')} 👍 {numbers.count(stats.feedback_up, language)} · "
        f"👎 {numbers.count(stats.feedback_down, language)}",
    ]
    if stats.top_unanswered:
        lines.append(head("stats_unanswered"))
        lines += [f"• <i>{fit(q, 150)}</i> ({words('asked_times', count=n)})"
                  for q, n in stats.top_unanswered[:10]]
    return _pack(lines, limit)[0]


# --- moderator replies --------------------------------------------------------------


def _skipped(result: ReindexResult, language: str) -> str:
    if not result.skipped:
        return ""
    names = ", ".join(f"<code>{fit(name, 80)}</code>"
                      for name in result.skipped_in(language)[:10])
    if len(result.skipped) > 10:
        names = texts.marked("names_and_more", language, escape, names=names,
                             count=numbers.count(len(result.skipped) - 10, language))
    return "\n" + texts.marked("skipped_files", language, escape, names=names)


def _corpus_now(result: ReindexResult, language: str) -> str:
    return escape(texts.text("corpus_now", language, documents=result.documents,
                             passages=result.passages, generation=result.generation,
                             seconds=numbers.duration(result.seconds, language)))


def _file(filename: str) -> str:
    return f"<code>{fit(filename, 120)}</code>"


def render_reindexed(result: ReindexResult, *, language: str = "en") -> str:
    """Reindex finished."""
    return texts.marked("reindexed", language, escape,
                        corpus=_corpus_now(result, language)) + _skipped(result, language)


def render_adding(filename: str, *, language: str = "en") -> str:
    """An /add in progress."""
    return texts.marked("adding_file", language, escape, file=_file(filename))


def render_removing(filename: str, *, language: str = "en") -> str:
    """A /remove in progress."""
    return texts.marked("removing_file", language, escape, file=_file(filename))


def render_added(filename: str, result: ReindexResult, *, language: str = "en") -> str:
    """A document was added."""
    return texts.marked("added_file", language, escape, file=_file(filename),
                        corpus=_corpus_now(result, language)) + _skipped(result, language)


def render_removed(filename: str, result: ReindexResult, *, language: str = "en") -> str:
    """A document was removed."""
    return texts.marked("removed_file", language, escape, file=_file(filename),
                        corpus=_corpus_now(result, language)) + _skipped(result, language)


def render_rejected(reason: str, *, language: str = "en") -> str:
    """A refused document, with the core's user-safe reason."""
    return _rejected(reason, fit, language)


def render_failed(what: str, reason: str = "", *, language: str = "en") -> str:
    """A moderator action failed (`reason`: plain words, e.g. "the disk is full")."""
    return _failed(what, reason, escape, language)


def render_alias_added(new: str, preferred: str, *, language: str = "en") -> str:
    """A moderator's /alias was saved."""
    return texts.marked("alias_added", language, escape, new=f"<b>{fit(new, 120)}</b>",
                        preferred=f"<b>{fit(preferred, 120)}</b>")


def render_added_aliases(pairs: Sequence[tuple[str, str]], *, limit: int = MESSAGE_LIMIT,
                         language: str = "en") -> str:
    """/alias alone: the aliases moderators added (name = the name it stands for)."""
    if not pairs:
        return escape(texts.text("no_added_aliases", language))
    title = escape(texts.text("added_aliases_title", language))
    lines = [texts.marked("heading", language, escape,
                          label=f"🔤 <b>{title}</b> ({numbers.count(len(pairs), language)})")]
    used = utf16_len(lines[0])
    for shown, (new, preferred) in enumerate(pairs):
        line = f"• {fit(new, 120)} = {fit(preferred, 120)}"
        if used + utf16_len(line) + 40 > limit:  # keep room for the "… and N more" line
            lines.append(escape(texts.text("lines_more", language, count=len(pairs) - shown)))
            break
        lines.append(line)
        used += utf16_len(line) + 1
    return "\n".join(lines)
