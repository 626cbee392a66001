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

from bot.answer import (
    ABSTAIN_EMPTY,
    Answer,
    Citation,
    FullText,
    Passage,
    ReindexResult,
    Source,
    Stats,
    rewrite_note,
    unknown_names_note,
)
from bot.render.text import Callback as Callback
from bot.render.text import boundary as _shared_boundary
from bot.render.text import clean, utf16_len
from bot.render.text import fit_rendering as _fit_rendering
from bot.render.text import longest_prefix as _longest_prefix
from bot.render.text import mark_spans as _mark_spans
from bot.render.text import pack as _pack
from bot.render.text import paragraph_cut as _paragraph_cut
from bot.render.text import share as _share

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
INLINE_ID_LIMIT = 64
INLINE_TITLE_LIMIT = 100
INLINE_DESCRIPTION_LIMIT = 160
MAX_FULL_TEXT_MESSAGES = 8
ELLIPSIS = "…"
EXAMPLE_QUESTIONS = (
    "Who did Wagner fight at Tinzaouatene?",
    "What is the Coordination of Azawad Movements?",
    "Which armed groups attacked Bamako?",
)
USER_COMMANDS = (
    ("ask", "Ask a question about the war in Mali and the Sahel"),
    ("sources", "List the documents the answers are quoted from"),
    ("help", "How to ask, with example questions"),
    ("start", "Introduction"),
)
MODERATOR_COMMANDS = (
    ("reindex", "Moderators: rebuild the index from the corpus folder"),
    ("add", "Moderators: add a document (send it with the caption /add)"),
    ("remove", "Moderators: remove a document: /remove FILE"),
    ("stats", "Moderators: corpus and usage figures"),
    ("alias", "Moderators: another name for an actor or place: /alias GSIM = JNIM"),
)
SOMETHING_WENT_WRONG = "Sorry, something went wrong while handling that. Please try again later."
EXPIRED = "This answer has expired. Please ask the question again."
GONE = "That passage is no longer in the corpus. Please ask the question again."
THANKS = "Thanks, your feedback was recorded."
NOT_COUNTED = "That vote is not for a passage of this answer; nothing was recorded."
BUTTON_EXPIRED = "This button has expired — ask again."
NO_SUCH_PAGE = "There is no such page; nothing was changed."
BUSY = "⏳ A reindex is already running. Please try again when it has finished."
ADD_USAGE = "Send a .txt, .md or .html file with the caption /add (or reply /add to such a file)."
REMOVE_USAGE = "Usage: /remove FILE (see /sources for the file names)."
ASK_USAGE = "Usage: /ask QUESTION, e.g. /ask " + EXAMPLE_QUESTIONS[0]
NO_ADDED_ALIASES = "No aliases were added with /alias yet. Add one: /alias GSIM = JNIM"
ALIAS_NOT_SAVED = "❌ The alias was not saved and nothing changed; see the logs."

_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[^\s<>\"'\\]*)?")
_MIN_BODY = 60


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
    escaped = escape(text)
    if utf16_len(escaped) <= units:
        return escaped
    hi = min(len(text), units)
    n = _longest_prefix(hi, lambda k: utf16_len(escape(text[:k])) + 1 <= units)
    n = _boundary(text, n)
    return escape(text[:n].rstrip()) + ELLIPSIS if units > 0 else ""


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


def _safe_url(urls: Sequence[str]) -> str:
    for url in urls:
        if len(url) <= 300 and _SAFE_URL.fullmatch(url):
            return url
    return ""


def citation_line(citation: Citation, number: int) -> str:
    """`[n] Title — file ¶p (section)` in HTML, every field escaped and bounded."""
    line = (f"<b>[{number}]</b> <i>{fit(citation.title, 200)}</i> — "
            f"<code>{fit(citation.file, 120)}</code> ¶{citation.paragraph}")
    if citation.section.strip():
        line += f" ({fit(citation.section, 120)})"
    if citation.date.strip():
        line += f", {fit(citation.date, 30)}"
    url = _safe_url(citation.urls)
    if url:
        line += f' · <a href="{html.escape(url, quote=True)}">source</a>'
    return line


def _compose(header: str, passages: Sequence[Passage], first: int,
             footer: Callable[[int], str], limit: int) -> tuple[str, int]:
    """Header, as many passages as fit (each quoted, then cited), footer; and that count."""
    for count in range(len(passages), 0, -1):
        shown = passages[:count]
        frames = [("<blockquote>", "</blockquote>\n" + citation_line(p.citation, first + i))
                  for i, p in enumerate(shown)]
        fixed = header + footer(count) + "".join(a + b for a, b in frames) + "\n\n" * (count - 1)
        budget = limit - utf16_len(fixed)
        if budget < _MIN_BODY * count and count > 1:
            continue
        full = [utf16_len(highlight(p.text, p.highlights)) for p in shown]
        caps = _share(full, max(budget, 0))
        blocks = [a + _body(p, cap) + b for (a, b), p, cap in zip(frames, shown, caps, strict=True)]
        return header + "\n\n".join(blocks) + footer(count), count
    return header + footer(0), 0


def render_answer(answer: Answer, key: str, *, limit: int = MESSAGE_LIMIT) -> Rendered:
    """An answer page: quoted, cited passages with Full text/👍/👎 buttons and "More"."""
    if answer.abstained or not answer.passages:
        return Rendered(render_abstention(answer))
    header = f"📚 <b>From the corpus</b> on <i>{fit(answer.question, 300)}</i>\n\n"
    if note := rewrite_note(answer, _emphasis, escape):
        header += f"{note}\n\n"
    total = max(answer.total, answer.offset + len(answer.passages))

    def footer(count: int) -> str:
        more = " Tap <b>More</b> for further passages." if answer.offset + count < total else ""
        first, last = answer.offset + 1, answer.offset + count
        return f"\n\n<i>Passages {first} to {last} of {total}.</i>{more}"

    text, count = _compose(header, answer.passages, answer.offset + 1, footer, limit)
    rows = [_passage_row(p, key, answer.offset + i + 1)
            for i, p in enumerate(answer.passages[:count])]
    next_offset = answer.offset + count
    if next_offset < total:
        rows.append(_only_fitting([Button("More ▸", f"m|{key}|{next_offset}")]))
    return Rendered(text, tuple(row for row in rows if row))


def _passage_row(passage: Passage, key: str, number: int) -> tuple[Button, ...]:
    return _only_fitting([
        Button(f"📄 Full text [{number}]", f"f|{passage.chunk_id}"),
        Button(f"👍 {number}", f"v|{key}|{passage.chunk_id}|+"),
        Button(f"👎 {number}", f"v|{key}|{passage.chunk_id}|-"),
    ])


def _only_fitting(buttons: Iterable[Button]) -> tuple[Button, ...]:
    return tuple(b for b in buttons if len(b.data.encode()) <= CALLBACK_DATA_LIMIT)


def _emphasis(text: str) -> str:
    return f"<i>{fit(text, 100)}</i>"


def render_abstention(answer: Answer) -> str:
    """The reply when the corpus has nothing: say so, and point to /sources."""
    if answer.reason == ABSTAIN_EMPTY or not answer.question.strip():
        return ("Please ask a real question with a few keywords, for example:\n"
                f"<i>{escape(EXAMPLE_QUESTIONS[0])}</i>\n\n"
                "See /sources for what the corpus covers.")
    if note := unknown_names_note(answer, _emphasis, escape):
        return (f"{note}\n\nI only quote passages from a curated set of documents and never "
                "answer from elsewhere. See /sources for what the corpus covers.")
    return (f"I found nothing in the corpus about <i>{fit(answer.question, 300)}</i>.\n\n"
            "I only quote passages from a curated set of documents and never answer from "
            "elsewhere. See /sources for what the corpus covers, or try other keywords.")


def parse_callback(data: str) -> Callback | None:
    """Decode callback data made here; None if it is not ours (or not well formed)."""
    parts = data.split("|")
    if parts[0] == "m" and len(parts) == 3 and _page_number(parts[2]):
        return Callback("more", key=parts[1], offset=int(parts[2]))
    if parts[0] == "f" and len(parts) == 2 and parts[1]:
        return Callback("full", chunk_id=parts[1])
    if parts[0] == "v" and len(parts) == 4 and parts[3] in ("+", "-"):
        return Callback("vote", key=parts[1], chunk_id=parts[2],
                        value=1 if parts[3] == "+" else -1)
    if parts[0] == "s" and len(parts) == 2 and _page_number(parts[1]):
        return Callback("sources", offset=int(parts[1]))
    return None


def _page_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 6


def render_inline(answer: Answer, *, limit: int = MESSAGE_LIMIT) -> list[InlineArticle]:
    """Inline-mode results: one article per passage (nothing when the corpus abstains)."""
    if answer.abstained:
        return []
    header = f"📚 <i>{fit(answer.question, 300)}</i>\n\n"
    articles = []
    for i, passage in enumerate(answer.passages):
        text, _ = _compose(header, [passage], answer.offset + i + 1, lambda _c: "", limit)
        articles.append(InlineArticle(
            id=f"{i}-{passage.chunk_id}".encode()[:INLINE_ID_LIMIT].decode(errors="ignore"),
            title=_plain(passage.citation.title or passage.citation.file, INLINE_TITLE_LIMIT),
            description=_plain(passage.text, INLINE_DESCRIPTION_LIMIT),
            text=text,
        ))
    return articles


def _plain(text: str, limit: int) -> str:
    """Whitespace-collapsed plain text of at most `limit` characters."""
    flat = " ".join(clean(text).split())
    if len(flat) <= limit:
        return flat or "…"
    return flat[: _boundary(flat, limit - 1)].rstrip() + ELLIPSIS


# --- full text, sources, stats ------------------------------------------------------


_TRUNCATED = "\n\n<i>… (the rest of this section is too long to send here)</i>"


def split_text(text: str, *, prefix: str = "", limit: int = MESSAGE_LIMIT,
               max_messages: int = MAX_FULL_TEXT_MESSAGES) -> list[str]:
    """Escape `text` into messages of at most `limit` units, cut at paragraphs or words.

    `prefix` (HTML) starts the first message. Past `max_messages` the rest is dropped and
    the last message says so.
    """
    messages: list[str] = []
    head, rest = prefix, clean(text).strip()
    while rest and len(messages) < max_messages:
        room = limit - utf16_len(head)
        if len(messages) == max_messages - 1:
            room -= utf16_len(_TRUNCATED)
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
        messages[-1] += _TRUNCATED
    return messages or [prefix.rstrip() or ELLIPSIS]


def _escaped_prefix(text: str, units: int) -> int:
    """Longest prefix length of `text` whose escaped form has at most `units` units."""
    return _longest_prefix(min(len(text), units), lambda k: utf16_len(escape(text[:k])) <= units)


def render_full_text(full: FullText, *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The whole section as one or more messages, the first headed by its citation."""
    c = full.citation
    head = f"📄 <b>{fit(c.title, 200)}</b>\n<code>{fit(c.file, 120)}</code> ¶{c.paragraph}"
    if c.section.strip():
        head += f" ({fit(c.section, 120)})"
    return split_text(full.text, prefix=head + "\n\n", limit=limit)


_SOURCES_HEAD_ROOM = 200  # header and page line of a /sources page


def render_sources(sources: Sequence[Source], page: int = 0, *,
                   limit: int = MESSAGE_LIMIT) -> Rendered | None:
    """One page of the corpus listing (one message, one line per document), with buttons to
    the pages before and after it; None if there is no such page."""
    if not sources:
        return Rendered("The corpus is empty: there are no documents to quote from yet.") if (
            page == 0) else None
    lines = []
    for s in sources:
        date = f", {fit(s.date, 30)}" if s.date.strip() else ""
        lines.append(f"• <i>{fit(s.title or s.file, 200)}</i> — <code>{fit(s.file, 120)}</code>"
                     f" ({s.passages} passages{date})")
    pages = _pack(lines, limit - _SOURCES_HEAD_ROOM)
    if not 0 <= page < len(pages):
        return None
    total = sum(s.passages for s in sources)
    text = f"📚 <b>Corpus</b>: {len(sources)} documents, {total} passages.\n\n{pages[page]}"
    if len(pages) == 1:
        return Rendered(text)
    text += f"\n\n<i>Page {page + 1} of {len(pages)}.</i>"
    row = ([Button("◂ Back", f"s|{page - 1}")] if page > 0 else []) + (
        [Button("More ▸", f"s|{page + 1}")] if page + 1 < len(pages) else [])
    return Rendered(text, (tuple(row),))


def render_stats(stats: Stats, *, limit: int = MESSAGE_LIMIT) -> str:
    """Corpus and usage figures for moderators."""
    lines = [
        f"📊 <b>Corpus</b>: {stats.documents} documents, {stats.passages} passages "
        f"(generation {stats.generation})",
        f"<b>Today</b>: {stats.questions_today} questions, "
        f"{stats.abstention_rate:.0%} answered with nothing found",
        f"<b>Feedback</b>: 👍 {stats.feedback_up} · 👎 {stats.feedback_down}",
    ]
    if stats.top_unanswered:
        lines.append("<b>Most asked without an answer</b>:")
        lines += [f"• <i>{fit(q, 150)}</i> (asked {n} times)" for q, n in stats.top_unanswered[:10]]
    return _pack(lines, limit)[0]


# --- moderator replies --------------------------------------------------------------


def render_progress(done: int, total: int) -> str:
    """A reindex progress line with a small bar."""
    if total <= 0:
        return "⏳ Reindexing…"
    filled = max(0, min(10, round(10 * done / total)))
    return f"⏳ Reindexing… {done}/{total} documents\n{'▓' * filled}{'░' * (10 - filled)}"


def _skipped(result: ReindexResult) -> str:
    if not result.skipped:
        return ""
    names = ", ".join(f"<code>{fit(name, 80)}</code>" for name in result.skipped[:10])
    more = f" and {len(result.skipped) - 10} more" if len(result.skipped) > 10 else ""
    return f"\nSkipped: {names}{more}."


def _corpus_now(result: ReindexResult) -> str:
    return (f"{result.documents} documents, {result.passages} passages "
            f"(generation {result.generation}, {result.seconds:.1f} s)")


def render_reindexed(result: ReindexResult) -> str:
    """Reindex finished."""
    return f"✅ Reindexed: {_corpus_now(result)}.{_skipped(result)}"


def render_added(filename: str, result: ReindexResult) -> str:
    """A document was added."""
    return f"✅ Added <code>{fit(filename, 120)}</code>. Corpus now: {_corpus_now(result)}." + (
        _skipped(result))


def render_removed(filename: str, result: ReindexResult) -> str:
    """A document was removed."""
    return f"🗑 Removed <code>{fit(filename, 120)}</code>. Corpus now: {_corpus_now(result)}." + (
        _skipped(result))


def render_rejected(reason: str) -> str:
    """A refused document, with the core's user-safe reason."""
    return f"❌ {fit(reason, 500)}"


def render_too_large(size: int, limit: int) -> str:
    """A document larger than corpus.max_file_bytes."""
    return f"❌ That file is too large ({size:,} bytes; the limit is {limit:,} bytes)."


def render_failed(what: str, reason: str = "") -> str:
    """A moderator action failed (`reason`: plain words, e.g. "the disk is full")."""
    why = f": {escape(reason)}" if reason else ""
    return (f"❌ /{escape(what)} failed{why}. Nothing changed: the previous index keeps "
            "answering questions. Fix the cause, then try again; details are in the log.")


def render_button_flood(seconds: int) -> str:
    """Callback answer to a user who presses buttons too fast (a short notification)."""
    return (f"You are pressing buttons faster than I can send. Please wait about {seconds} "
            "seconds.")


def render_flood(seconds: int) -> str:
    """Polite reply to a user who asks too fast."""
    return (f"You are asking faster than I can look things up. Please wait about {seconds} "
            "seconds, then ask again.")


def render_help(bot_username: str = "") -> str:
    """/help: how to ask, in private, in groups and inline, with example questions."""
    examples = "\n".join(f"• <i>{escape(q)}</i>" for q in EXAMPLE_QUESTIONS)
    mention = f"@{escape(bot_username)}" if bot_username else "the bot"
    inline = (f"\n\nIn any chat, type <code>@{escape(bot_username)} your question</code> to "
              "share a passage." if bot_username else "")
    return (
        "I answer questions about the war in Mali and the Sahel by <b>quoting passages</b> "
        "from a curated corpus, each with its source. I never write answers myself; if the "
        "corpus has nothing on a question, I say so.\n\n"
        f"<b>Examples</b>\n{examples}\n\n"
        "<b>How to ask</b>\n"
        "• In a private chat: just send your question.\n"
        f"• In a group: <code>/ask your question</code>, mention {mention}, "
        "or reply to one of my messages."
        f"{inline}\n\n"
        "Under each answer: <b>Full text</b> shows the whole section, 👍/👎 rate the "
        "passage, <b>More</b> shows further passages.\n\n"
        "/sources lists the documents. /help shows this message."
    )


def render_start(bot_username: str = "") -> str:
    """/start: a short welcome followed by the help text."""
    return "👋 Welcome!\n\n" + render_help(bot_username)


def render_alias_added(new: str, preferred: str) -> str:
    """A moderator's /alias was saved."""
    return (f"✅ <b>{fit(new, 120)}</b> = <b>{fit(preferred, 120)}</b>: searched from now on, "
            "no reindex needed.")


def render_added_aliases(pairs: Sequence[tuple[str, str]], *, limit: int = MESSAGE_LIMIT
                         ) -> str:
    """/alias alone: the aliases moderators added (name = the name it stands for)."""
    if not pairs:
        return escape(NO_ADDED_ALIASES)
    lines = [f"🔤 <b>Aliases added with /alias</b> ({len(pairs)}):"]
    used = utf16_len(lines[0])
    for shown, (new, preferred) in enumerate(pairs):
        line = f"• {fit(new, 120)} = {fit(preferred, 120)}"
        if used + utf16_len(line) + 40 > limit:  # keep room for the "… and N more" line
            lines.append(f"… and {len(pairs) - shown} more")
            break
        lines.append(line)
        used += utf16_len(line) + 1
    return "\n".join(lines)
