"""Pure Discord renderer: answer objects -> embed data, markdown strings and button specs.

Nothing here imports `discord`; the adapter turns `Reply` objects into real embeds and views.
Every corpus and user string is escaped (markdown and mentions) and every message stays within
Discord's limits, counted in UTF-16 code units (at least as strict as Discord's own count).
Text is cut *before* it is escaped and wrapped in markup, so a cut never lands inside a
``**bold**`` pair or an escape sequence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot import numbers, payload, texts
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
from bot.render.text import boundary as _shared_boundary
from bot.render.text import (
    clean,
    failed,
    group_by_source,
    lead_markup,
    outlet_and_date,
    rejected,
    sentence_cut,
    utf16_len,
)
from bot.render.text import escaped_prefix as _shared_escaped_prefix
from bot.render.text import first_safe_url as _first_safe_url
from bot.render.text import fit_escaped as _fit_escaped
from bot.render.text import fit_rendering as _fit_rendering
from bot.render.text import longest_prefix as _longest_prefix
from bot.render.text import mark_spans as _mark_spans
from bot.render.text import pack as _pack
from bot.render.text import paragraph_cut as _paragraph_cut
from bot.render.text import render_button_flood as render_button_flood
from bot.render.text import render_flood as render_flood
from bot.render.text import render_progress as render_progress
from bot.render.text import render_too_large as render_too_large

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
FIELD_COUNT_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
CUSTOM_ID_LIMIT = 100
BUTTON_LABEL_LIMIT = 80
ROW_LIMIT = 5
BUTTONS_PER_ROW = 5
CHOICE_LIMIT = 100
MAX_CHOICES = 25
MAX_FULL_TEXT_MESSAGES = 5

ANSWER_COLOUR = 0x2F6FB0
ABSTAIN_COLOUR = 0x8A8F98
INFO_COLOUR = 0x3BA55D
ELLIPSIS = "…"
ZWSP = "\u200b"

EXAMPLE_QUESTIONS = texts.EXAMPLE_QUESTIONS
USER_COMMANDS = texts.commands(("ask", "sources", "help"), "discord")
MODERATOR_COMMANDS = texts.commands(("reindex", "add", "remove", "alias", "stats", "cite"),
                                   "discord")

# Markdown that works anywhere in a line, and mention/link openers: always escaped.
_ANYWHERE = str.maketrans({c: "\\" + c for c in "\\*_~`|[]<"})
# Block markdown that only works at the start of a line: quotes, headings, lists, subtext.
_LINE_START = re.compile(r"(?m)^([ \t]*)(?:([>#+-])|(\d+)([.)]))")
_MENTION = str.maketrans({"@": "@" + ZWSP})
_FLATTEN = str.maketrans(dict.fromkeys("\r\n\t\f\v\u2028\u2029\x85", " "))
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%&+,;=:/?#-]*)?")
_MIN_BODY = 80


@dataclass(frozen=True, slots=True)
class Field:
    """One embed field: a name (≤256) and a value (≤1024)."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Embed:
    """Embed data; `to_dict` gives Discord's JSON shape (discord.Embed.from_dict reads it)."""

    title: str = ""
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str = ""
    colour: int = INFO_COLOUR

    def to_dict(self) -> dict[str, Any]:
        """The embed as Discord's JSON object (empty parts left out)."""
        data: dict[str, Any] = {"type": "rich", "color": self.colour}
        if self.title:
            data["title"] = self.title
        if self.description:
            data["description"] = self.description
        if self.fields:
            data["fields"] = [{"name": f.name, "value": f.value, "inline": f.inline}
                              for f in self.fields]
        if self.footer:
            data["footer"] = {"text": self.footer}
        return data

    def size(self) -> int:
        """Characters counted against the 6000 per-message total."""
        parts = [self.title, self.description, self.footer,
                 *(f.name for f in self.fields), *(f.value for f in self.fields)]
        return sum(utf16_len(p) for p in parts)


@dataclass(frozen=True, slots=True)
class Button:
    """One button: label, custom id (≤100, never the question itself), style and row."""

    label: str
    custom_id: str
    style: str = "secondary"  # primary, secondary, success or danger
    row: int = 0


@dataclass(frozen=True, slots=True)
class Reply:
    """A message ready to send: markdown content, embeds and buttons."""

    content: str = ""
    embeds: tuple[Embed, ...] = ()
    buttons: tuple[Button, ...] = ()
    ephemeral: bool = False


# --- text primitives -----------------------------------------------------------------


def _boundary(text: str, n: int, window: int = 40) -> int:
    """Move a cut at `n` back to the last whitespace within `window` chars, if any."""
    return _shared_boundary(text, n, window)


def escape_mentions(text: str) -> str:
    """Break every mention (@everyone, @here, <@id>, <@&id>) with a zero-width space."""
    return text.translate(_MENTION)


def escape_markdown(text: str) -> str:
    """Backslash-escape markdown, masked links and angle-bracket syntax."""
    return _LINE_START.sub(_escape_line_start, text.translate(_ANYWHERE))


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker, number, dot = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\{dot}"


def escape(text: str) -> str:
    """User or corpus text made inert for Discord markdown: cleaned, escaped, unpinging."""
    return escape_mentions(escape_markdown(clean(text)))


def plain(text: str, units: int) -> str:
    """Text for places without markdown (footers, labels, choices): cleaned, unpinging,
    whitespace collapsed, cut with an ellipsis to at most `units` units."""
    flat = " ".join(escape_mentions(clean(text)).split())
    if utf16_len(flat) <= units:
        return flat
    n = _longest_prefix(len(flat), lambda k: utf16_len(flat[:k]) + 1 <= units)
    n = _boundary(flat, n)
    return flat[:n].rstrip() + ELLIPSIS if units > 0 else ""


def fit(text: str, units: int) -> str:
    """`text` escaped, cut (before escaping) with an ellipsis to at most `units` units."""
    return _fit_escaped(text, units, escape, _boundary)


def code(text: str, units: int) -> str:
    """Inline code for a file name: backticks replaced, mentions broken, bounded."""
    inner = plain(text.replace("`", "ˋ"), max(1, units - 2))
    return f"`{inner}`" if inner else ""


def highlight(text: str, highlights: Iterable[tuple[int, int]], cut: int | None = None) -> str:
    """Escaped `text[:cut]` with highlight spans in **bold**, plus an ellipsis if cut short.

    Line breaks become spaces (same length, so the spans stay valid) to keep one quote line.
    """
    end = len(text) if cut is None else max(0, min(cut, len(text)))
    flat = text[:end].translate(_FLATTEN)
    marked = _mark_spans(flat, highlights, end, escape, lambda bold: f"**{bold}**")
    return marked + ELLIPSIS if end < len(text) else marked


def _body(passage: Passage, units: int) -> str:
    """The passage with highlights, cut to at most `units` units."""
    text, spans = passage.text, passage.highlights
    return _fit_rendering(text, units, lambda cut: highlight(text, spans, cut), _boundary)


# --- custom ids ----------------------------------------------------------------------


def more_id(key: str, offset: int) -> str:
    """Custom id of a "More" button ("" if it cannot be carried)."""
    return payload.encode_within(payload.More(key, offset), CUSTOM_ID_LIMIT) or ""


def full_id(chunk_id: str, key: str = "") -> str:
    """Custom id of a "Full text" button, opened from the answer `key` ("" if it cannot be
    carried)."""
    return payload.encode_within(payload.FullText(chunk_id, key), CUSTOM_ID_LIMIT) or ""


def vote_id(key: str, chunk_id: str, value: int) -> str:
    """Custom id of a 👍/👎 button ("" if it cannot be carried)."""
    vote = payload.Vote(key, chunk_id, 1 if value > 0 else -1)
    return payload.encode_within(vote, CUSTOM_ID_LIMIT) or ""


def sources_id(page: int) -> str:
    """Custom id of a page button of the /sources listing."""
    return payload.encode_within(payload.SourcesPage(page), CUSTOM_ID_LIMIT) or ""


def _usable(button: Button) -> bool:
    return bool(button.custom_id)


# --- answers -------------------------------------------------------------------------


def safe_url(urls: Sequence[str]) -> str:
    """The first plain http(s) URL that cannot break out of a masked link, or ""."""
    return _first_safe_url(urls, _SAFE_URL)


def render_answer(answer: Answer, key: str, language: str = "en") -> Reply:
    """An answer page (#12): the lead quote first, then a field per source (`[1] Outlet ·
    5 Aug 2024 · headline`) holding a short excerpt of each of its passages; a button per
    source, More, and one 👍/👎 for the whole answer; the bot's own words in the interface
    `language`."""
    if answer.abstained or not answer.passages:
        return render_abstention(answer, language)
    groups = group_by_source(answer.passages)[:FIELD_COUNT_LIMIT]
    description = _lead(answer, groups)
    if note := rewrite_note(answer, _emphasis, escape, language):
        description += f"\n{note}" if description else note
    total = max(answer.total, answer.offset + len(answer.passages))
    fields = [Field(source_name(g[0].citation, n, language), _excerpts(g))
              for n, g in enumerate(groups, start=1)]
    while True:  # drop trailing sources until the embed fits Discord's 6000 total
        groups = groups[:len(fields)]
        count = sum(len(g) for g in groups)
        embed = Embed("", description, tuple(fields),
                      _footer(answer.offset, count, total, language), ANSWER_COLOUR)
        if embed.size() <= EMBED_TOTAL_LIMIT or len(fields) == 1:
            break
        fields.pop()
    return Reply(embeds=(embed,), buttons=_answer_buttons(groups, answer.offset + count,
                                                             total, key, language))


EXCERPT_CHARS = 240  # a passage's excerpt under its source: about three lines


def _lead(answer: Answer, groups: Sequence[Sequence[Passage]]) -> str:
    """`> “lead sentence” [n]`; "" without a lead quote."""
    lead = lead_markup(answer, groups, highlight)
    return f"> “{lead[0]}” [{lead[1]}]" if lead else ""


def source_name(citation: Citation, number: int, language: str = "en") -> str:
    """`[n] Outlet · 5 Aug 2024 · headline` (outlet and date only when known), ≤256 units."""
    parts = outlet_and_date(citation, fit, language)
    head = f"[{number}] " + " · ".join([*parts, ""])
    return head + fit(citation.title or citation.file, FIELD_NAME_LIMIT - utf16_len(head))


def _excerpts(group: Sequence[Passage]) -> str:
    """Each passage as a quoted excerpt cut at a sentence end with "…", then the link."""
    tail = _link(group[0].citation)
    room = (FIELD_VALUE_LIMIT - utf16_len(tail)) // len(group) - 3
    quotes = [f"> {_excerpt(p, min(EXCERPT_CHARS, room))}" for p in group]
    return "\n".join(quotes) + tail


def _excerpt(passage: Passage, units: int) -> str:
    text, spans = passage.text, passage.highlights
    if utf16_len(highlight(text, spans)) <= units:
        return highlight(text, spans)
    end = sentence_cut(text, lambda b: utf16_len(highlight(text, spans, b)) + 1 <= units)
    if end:
        return highlight(text, spans, end)[:-len(ELLIPSIS)] + " " + ELLIPSIS
    return _body(passage, units) or ELLIPSIS


def _link(citation: Citation) -> str:
    url = safe_url((citation.url, *citation.urls))
    return f"\n[source]({url})" if url else ""


def _footer(offset: int, count: int, total: int, language: str) -> str:
    if offset == 0 and count >= total:
        return ""
    return texts.text("passages_of", language, first=offset + 1, last=offset + count,
                      total=total)


def answer_vote_id(key: str, value: int) -> str:
    """Custom id of the answer's 👍/👎 button ("" if it cannot be carried)."""
    vote = payload.AnswerVote(key, 1 if value > 0 else -1)
    return payload.encode_within(vote, CUSTOM_ID_LIMIT) or ""


def suggest_id(name: str) -> str:
    """Custom id of a suggestion button ("" if it cannot be carried)."""
    return payload.encode_within(payload.Suggest(name), CUSTOM_ID_LIMIT) or ""


def _answer_buttons(groups: Sequence[Sequence[Passage]], next_offset: int, total: int,
                    key: str, language: str) -> tuple[Button, ...]:
    """A button per source (its first passage's full text), then More, 👍 and 👎."""
    sources = [b for n, g in enumerate(groups, start=1)
               if _usable(b := Button(f"📄 {n}", full_id(g[0].chunk_id, key)))]
    rows = [sources[i:i + BUTTONS_PER_ROW] for i in range(0, len(sources), BUTTONS_PER_ROW)]
    rows = rows[:ROW_LIMIT - 1]
    more = Button(texts.text("more", language), more_id(key, next_offset), "primary")
    last = [more] if next_offset < total else []
    last += [Button("👍", answer_vote_id(key, 1)), Button("👎", answer_vote_id(key, -1))]
    rows.append([b for b in last if _usable(b)])
    return tuple(Button(b.label, b.custom_id, b.style, r)
                 for r, row in enumerate(r for r in rows if r) for b in row)


def _emphasis(text: str) -> str:
    return f"*{fit(text, 100)}*"


def render_abstention(answer: Answer, language: str = "en") -> Reply:
    """The reply when the corpus has nothing: what was searched, then the suggested names
    as buttons, or a pointer to /sources."""
    if answer.reason == ABSTAIN_EMPTY or not answer.question.strip():
        text = (f"{escape(texts.text('ask_keywords', language))}\n"
                f"*{escape(texts.text('example_1', language))}*\n\n"
                f"{escape(texts.text('see_sources', language))}")
    else:
        said = unknown_names_note(answer, _emphasis, escape, language) or texts.marked(
            "found_nothing", language, escape, question=f"*{fit(answer.question, 600)}*")
        gap, tail = ("\n", "covered_instead") if answer.suggestions else ("\n\n", "only_quotes")
        text = said + gap + escape(texts.text(tail, language))
    names = answer.suggestions[:3] if answer.reason != ABSTAIN_EMPTY else ()
    buttons = tuple(b for name in names
                    if _usable(b := Button(f"🔎 {plain(name, 60)}", suggest_id(name))))
    title = texts.text("nothing_title", language)
    return Reply(embeds=(Embed(title, text, colour=ABSTAIN_COLOUR),), buttons=buttons)


# --- full text, sources, stats, help -------------------------------------------------


def split_text(text: str, limit: int = DESCRIPTION_LIMIT,
               max_parts: int = MAX_FULL_TEXT_MESSAGES, language: str = "en") -> list[str]:
    """Escape `text` into parts of at most `limit` units, cut at paragraphs or words;
    past `max_parts` the rest is dropped and the last part says so (in `language`)."""
    truncated = f"\n\n*{escape(texts.text('rest_too_long', language))}*"
    parts: list[str] = []
    rest = clean(text).strip()
    while rest and len(parts) < max_parts:
        room = limit - (utf16_len(truncated) if len(parts) == max_parts - 1 else 0)
        if utf16_len(rest) <= room and utf16_len(escape(rest)) <= room:
            parts.append(escape(rest))
            rest = ""
            break
        n = _escaped_prefix(rest, room)
        cut = _paragraph_cut(rest, n) or max(n, 1)
        parts.append(escape(rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    if rest:
        parts[-1] += truncated
    return parts or [ELLIPSIS]


def _escaped_prefix(text: str, units: int) -> int:
    return _shared_escaped_prefix(text, units, escape)




def render_full_text(full: FullText, key: str = "", chunk_id: str = "",
                     language: str = "en") -> list[Reply]:
    """The whole section as one or more ephemeral embeds headed by its headline, the
    footer `Outlet · 5 Aug 2024 · passage 6 (section)` (what is known); the last with 👍/👎
    for passage `chunk_id` of the answer `key` when both are given (#12)."""
    c = full.citation
    title = fit(c.title or c.file, TITLE_LIMIT)
    where = texts.text("passage", language, number=c.passage) + (
        f" ({c.section})" if c.section.strip() else "")
    cited = " · ".join([*outlet_and_date(c, plain, language), plain(where, 200)])
    parts = split_text(full.text, language=language)
    replies = []
    for i, part in enumerate(parts, start=1):
        which = texts.text("part_of", language, part=i, parts=len(parts))
        count = f" · {which}" if len(parts) > 1 else ""
        footer = plain(cited, 300) + count
        embed = Embed(title if i == 1 else "", part, (), footer, ANSWER_COLOUR)
        replies.append(Reply(embeds=(embed,), ephemeral=True))
    votes = passage_vote_buttons(key, chunk_id)
    return [*replies[:-1], Reply(embeds=replies[-1].embeds, buttons=votes, ephemeral=True)]


def passage_vote_buttons(key: str, chunk_id: str) -> tuple[Button, ...]:
    """👍/👎 for one passage of the answer `key` (none without both)."""
    if not (key and chunk_id):
        return ()
    return tuple(b for label, value in (("👍", 1), ("👎", -1))
                 if _usable(b := Button(label, vote_id(key, chunk_id, value))))


def render_sources(sources: Sequence[Source], page: int = 0,
                   language: str = "en") -> Reply | None:
    """One page of the corpus listing (one embed, one line per document), with buttons to
    the pages before and after it; None if there is no such page."""
    if not sources:
        empty = escape(texts.text("corpus_empty", language))
        return Reply(embeds=(Embed("📚 Corpus", empty),)) if page == 0 else None
    lines = []
    for s in sources:
        date = f", {fit(s.date, 30)}" if s.date.strip() else ""
        count = texts.text("n_passages", language, count=s.passages)
        lines.append(f"• *{fit(s.title or s.file, 200)}* — {code(s.file, 120)} "
                     f"({count}{date})")
    pages = _pack(lines, DESCRIPTION_LIMIT - 100)
    if not 0 <= page < len(pages):
        return None
    size = texts.text("corpus_size", language, documents=len(sources),
                      passages=sum(s.passages for s in sources))
    title = f"📚 Corpus: {size}"
    several = len(pages) > 1
    footer = texts.text("page_of", language, page=page + 1, pages=len(pages)) if several else ""
    back = Button(texts.text("back", language), sources_id(page - 1))
    more = Button(texts.text("more", language), sources_id(page + 1), "primary")
    buttons = ([back] if page > 0 else []) + ([more] if page + 1 < len(pages) else [])
    return Reply(embeds=(Embed(title, pages[page], (), footer),), buttons=tuple(buttons))


def render_stats(stats: Stats, *, language: str = "en") -> Reply:
    """Corpus and usage figures for moderators (ephemeral), in their interface `language`."""
    def words(message_id: str, **fields: object) -> str:
        return escape(texts.text(message_id, language, **fields))

    fields = [
        Field(words("stats_corpus"), words("stats_corpus_line", documents=stats.documents,
                                           passages=stats.passages,
                                           generation=stats.generation)),
        Field(words("stats_today"), words("stats_today_line", questions=stats.questions_today,
                                          rate=numbers.percent(stats.abstention_rate, language))),
        Field(words("stats_feedback"),
              f"👍 {numbers.count(stats.feedback_up, language)} · "
              f"👎 {numbers.count(stats.feedback_down, language)}"),
    ]
    if stats.top_unanswered:
        lines = [f"• *{fit(q, 80)}* ({numbers.count(n, language)}×)"
                 for q, n in stats.top_unanswered[:10]]
        fields.append(Field(words("stats_unanswered"), _pack(lines, FIELD_VALUE_LIMIT)[0]))
    title = plain(texts.text("stats_title", language), 256)
    return Reply(embeds=(Embed(title, fields=tuple(fields)),), ephemeral=True)


# --- short texts ---------------------------------------------------------------------


def content(text: str) -> str:
    """Any message content bounded to Discord's 2000 units (already-rendered markdown)."""
    if utf16_len(text) <= CONTENT_LIMIT:
        return text
    n = _longest_prefix(len(text), lambda k: utf16_len(text[:k]) + 1 <= CONTENT_LIMIT)
    return text[:n] + ELLIPSIS


def _corpus_now(result: ReindexResult, language: str) -> str:
    corpus = escape(texts.text("corpus_now", language, documents=result.documents,
                               passages=result.passages, generation=result.generation,
                               seconds=numbers.duration(result.seconds, language)))
    if not result.skipped:
        return corpus
    names = ", ".join(code(name, 80) for name in result.skipped_in(language)[:10])
    if len(result.skipped) > 10:
        names = texts.marked("names_and_more", language, escape, names=names,
                             count=numbers.count(len(result.skipped) - 10, language))
    return corpus + "\n" + texts.marked("skipped_files", language, escape, names=names)


def render_reindexed(result: ReindexResult, *, language: str = "en") -> str:
    """Reindex finished."""
    return content(_with_corpus("reindexed", language, result))


def _with_corpus(message_id: str, language: str, result: ReindexResult, **fields: str) -> str:
    """A finished rebuild's message: its own words, then the corpus figures (and any
    skipped files on a line of their own)."""
    corpus, _, skipped = _corpus_now(result, language).partition("\n")
    line = texts.marked(message_id, language, escape, corpus=corpus, **fields)
    return f"{line}\n{skipped}" if skipped else line


def render_adding(filename: str, *, language: str = "en") -> str:
    """An /add in progress."""
    return texts.marked("adding_file", language, escape, file=code(filename, 120))


def render_added(filename: str, result: ReindexResult, *, language: str = "en") -> str:
    """A document was added."""
    return content(_with_corpus("added_file", language, result, file=code(filename, 120)))


def render_removing(filename: str, *, language: str = "en") -> str:
    """A /remove in progress."""
    return texts.marked("removing_file", language, escape, file=code(filename, 120))


def render_removed(filename: str, result: ReindexResult, *, language: str = "en") -> str:
    """A document was removed."""
    return content(_with_corpus("removed_file", language, result, file=code(filename, 120)))


def render_rejected(reason: str, *, language: str = "en") -> str:
    """A document refused by the core, its reason as markdown-safe text."""
    return rejected(reason, fit, language)


def render_failed(what: str, reason: str = "", *, language: str = "en") -> str:
    """A /reindex, /add or /remove that failed, in markdown-safe words."""
    return failed(what, reason, escape, language)


# --- autocomplete --------------------------------------------------------------------


def suggest(current: str, questions: Sequence[str], titles: Sequence[str],
            limit: int = MAX_CHOICES) -> list[str]:
    """Autocomplete choices for /ask: approved questions, then document titles, that contain
    every word typed so far (in each group, prefix matches first); each at most 100
    characters, no repeats."""
    words = current.casefold().split()
    seen: set[str] = set()
    ranked: list[tuple[int, int, int, str]] = []
    for order, text in enumerate([*questions, *titles]):
        choice = plain(text, CHOICE_LIMIT)
        folded = choice.casefold()
        if not choice or folded in seen or not all(w in folded for w in words):
            continue
        seen.add(folded)
        group = 0 if order < len(questions) else 1
        prefix = 0 if words and folded.startswith(words[0]) else 1
        ranked.append((group, prefix, order, choice))
    return [choice for *_rank, choice in sorted(ranked)][:limit]




def render_alias_added(new: str, preferred: str, *, language: str = "en") -> str:
    """A moderator's /alias was saved."""
    return content(texts.marked("alias_added", language, escape, new=f"**{fit(new, 120)}**",
                                preferred=f"**{fit(preferred, 120)}**"))


def render_added_aliases(pairs: Sequence[tuple[str, str]], *, language: str = "en") -> str:
    """/alias alone: the aliases moderators added (name = the name it stands for)."""
    if not pairs:
        return escape(texts.text("no_added_aliases", language))
    title = escape(texts.text("added_aliases_title", language))
    lines = [texts.marked("heading", language, escape,
                          label=f"🔤 **{title}** ({numbers.count(len(pairs), language)})")]
    used = utf16_len(lines[0])
    for shown, (new, preferred) in enumerate(pairs):
        line = f"• {fit(new, 120)} = {fit(preferred, 120)}"
        if used + utf16_len(line) + 40 > CONTENT_LIMIT:  # room for the "… and N more" line
            lines.append(escape(texts.text("lines_more", language, count=len(pairs) - shown)))
            break
        lines.append(line)
        used += utf16_len(line) + 1
    return "\n".join(lines)
