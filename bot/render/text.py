"""Text primitives shared by the chat renderers: lengths, cuts, spans, packing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import texts
from bot.answer import citation_date
from index.lead import sentence_spans
from index.progress import BUILDING, PREPARING, PUBLISHING, READING

if TYPE_CHECKING:  # annotations only
    from bot.answer import Answer, Citation, Passage

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Invisible formatting that can make text read other than it is (bidi embeddings,
# overrides, isolates and marks; zero-width spaces, BOM, invisible operators). The zero
# width (non-)joiners stay: emoji sequences and several scripts need them.
_SPOOFING = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
                       "\u2066-\u206f\ufeff\ufff9-\ufffb]")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts (never less than Discord's count)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean(text: str) -> str:
    """Drop control characters and lone surrogates, which no chat platform carries, and
    invisible formatting characters that could spoof what a text says."""
    return _SPOOFING.sub("", _CONTROL.sub("", text))


def longest_prefix(size: int, fits: Callable[[int], bool]) -> int:
    """Largest n in [0, size] with fits(n), for a monotone `fits` (n=0 is taken to fit)."""
    if fits(size):
        return size
    low, high = 0, size
    while high - low > 1:
        mid = (low + high) // 2
        if fits(mid):
            low = mid
        else:
            high = mid
    return low


def boundary(text: str, n: int, window: int) -> int:
    """Move a cut at `n` back to the last whitespace within `window` chars, if any."""
    if n >= len(text) or n == 0:
        return n
    for i in range(n, max(0, n - window), -1):
        if text[i - 1].isspace() or text[i].isspace():
            return i
    return n


def paragraph_cut(text: str, n: int) -> int:
    """Best cut at or before n: a line break in the second half, else a word boundary."""
    newline = text.rfind("\n", 0, n + 1)
    if newline >= n // 2 and newline > 0:
        return newline
    return boundary(text, n, window=200)


def merge_spans(highlights: Iterable[tuple[int, int]], end: int) -> list[tuple[int, int]]:
    """Highlight spans clipped to [0, end), sorted and merged."""
    clipped = sorted((max(0, s), min(end, e)) for s, e in highlights if min(end, e) > max(0, s))
    merged: list[tuple[int, int]] = []
    for start, stop in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def mark_spans(text: str, highlights: Iterable[tuple[int, int]], end: int,
               escape: Callable[[str], str], wrap: Callable[[str], str]) -> str:
    """`escape(text[:end])` with each merged highlight span escaped and then `wrap`ped."""
    parts: list[str] = []
    pos = 0
    for start, stop in merge_spans(highlights, end):
        parts.append(escape(text[pos:start]))
        bold = escape(text[start:stop])
        parts.append(wrap(bold) if bold else "")
        pos = stop
    parts.append(escape(text[pos:end]))
    return "".join(parts)


def fit_rendering(text: str, units: int, render: Callable[[int | None], str],
                  boundary_at: Callable[[str, int], int]) -> str:
    """`render(None)` if it fits in `units`, else `render(n)` for the longest prefix cut `n`
    that fits, moved back to a word boundary and before trailing whitespace."""
    full = render(None)
    if utf16_len(full) <= units:
        return full
    n = longest_prefix(min(len(text), units), lambda k: utf16_len(render(k)) <= units)
    n = boundary_at(text, n)
    while n > 0 and text[n - 1].isspace():
        n -= 1
    return render(n)


def share(lengths: Sequence[int], budget: int) -> list[int]:
    """Water-fill `budget` over items: short ones keep their length, long ones share the rest."""
    caps = list(lengths)
    if sum(lengths) <= budget:
        return caps
    remaining = budget
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    for rank, i in enumerate(order):
        left = len(order) - rank
        if lengths[i] * left <= remaining:
            remaining -= lengths[i]
            continue
        cap = remaining // left
        for j in order[rank:]:
            caps[j] = cap
        break
    return caps


def pack(lines: Sequence[str], limit: int) -> list[str]:
    """Join whole lines into as few blocks of at most `limit` units as possible."""
    blocks: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if current and utf16_len(candidate) > limit:
            blocks.append(current)
            candidate = line
        current = candidate
    if current:
        blocks.append(current)
    return blocks


# Where each build stage (index/progress.py) sits on the one bar, and how much of it it
# takes: preparing the files is most of a build.
_STAGE_SPAN = {READING: (0.0, 0.05), PREPARING: (0.05, 0.8), BUILDING: (0.85, 0.1),
               PUBLISHING: (0.95, 0.05)}
_STAGE_NAME = {READING: "stage_reading", PREPARING: "stage_preparing",
               BUILDING: "stage_building", PUBLISHING: "stage_publishing"}


def render_progress(done: int, total: int, stage: str = "", *, language: str = "en") -> str:
    """A reindex progress message (no markup: the same on every platform): the stage and
    its count, over one bar for the whole build, so the bar never starts again at a new
    stage nor sits full while the index is still being built. A stage the catalogue does not
    name is shown as the core calls it."""
    if total <= 0 and not stage:
        return texts.text("reindexing", language)
    share = min(1.0, max(0.0, done / total)) if total > 0 else 0.0
    start, weight = _STAGE_SPAN.get(stage, (0.0, 1.0))
    filled = round(10 * (start + weight * share))
    named = texts.text(_STAGE_NAME[stage], language) if stage in _STAGE_NAME else stage
    if not stage:
        line = texts.text("reindexing_documents", language, done=done, total=total)
    elif total > 1:
        line = texts.text("reindexing_stage_files", language, stage=named, done=done,
                          total=total)
    else:
        line = texts.text("reindexing_stage", language, stage=named)
    return f"{line}\n{'▓' * filled}{'░' * (10 - filled)}"


def render_adding_progress(done: int, total: int, language: str = "en") -> str:
    """Progress of an /add of several documents (no markup: the same on every platform)."""
    filled = max(0, min(10, round(10 * done / total))) if total > 0 else 0
    return (texts.text("adding_progress", language, done=done, total=total)
            + f"\n{'▓' * filled}{'░' * (10 - filled)}")


def render_too_large(size: int, limit: int, *, language: str = "en") -> str:
    """A document larger than corpus.max_file_bytes."""
    return texts.text("too_large", language, size=size, limit=limit)


def render_flood(seconds: int) -> str:
    """Polite reply to a user who asks too fast."""
    return texts.text("flood", seconds=seconds)


def render_button_flood(seconds: int) -> str:
    """Notice to a user who presses buttons too fast."""
    return texts.text("button_flood", seconds=seconds)


def fit_escaped(text: str, units: int, escape: Callable[[str], str],
                cut_at: Callable[[str, int], int]) -> str:
    """`text` escaped, cut (before escaping, at `cut_at`) with an ellipsis to at most
    `units` units."""
    escaped = escape(text)
    if utf16_len(escaped) <= units:
        return escaped
    if units <= 0:
        return ""
    n = longest_prefix(min(len(text), units), lambda k: utf16_len(escape(text[:k])) + 1 <= units)
    return escape(text[:cut_at(text, n)].rstrip()) + "…"


def escaped_prefix(text: str, units: int, escape: Callable[[str], str]) -> int:
    """Longest prefix length of `text` whose escaped form has at most `units` units."""
    return longest_prefix(min(len(text), units), lambda k: utf16_len(escape(text[:k])) <= units)


def first_safe_url(urls: Sequence[str], safe: re.Pattern[str]) -> str:
    """The first URL (of at most 300 characters) that `safe` accepts whole, or ""."""
    return next((url for url in urls if len(url) <= 300 and safe.fullmatch(url)), "")


def rejected(reason: str, fit: Callable[[str, int], str], language: str = "en") -> str:
    """A document the core refused, with its user-safe reason (already in `language`:
    `texts.told`), fitted by the renderer."""
    return texts.text("rejected", language, reason=fit(reason, 500))


def failed(what: str, reason: str, escape: Callable[[str], str], language: str = "en") -> str:
    """A moderator action failed (`reason`: plain words, e.g. "the disk is full")."""
    why = texts.marked("because", language, escape, reason=escape(reason)) if reason else ""
    return texts.marked("failed", language, escape, what=escape(what), why=why)


# --- answers (#12) -------------------------------------------------------------------


def group_by_source(passages: Sequence[Passage]) -> list[list[Passage]]:
    """The passages grouped by document, in order of each document's first passage."""
    groups: dict[str, list[Passage]] = {}
    for p in passages:
        groups.setdefault(p.citation.file, []).append(p)
    return list(groups.values())


def known_date(citation: Citation, language: str = "en") -> str:
    """The citation's date as answers show it ("5 Aug 2024", or "reported 5 Aug 2024,
    about 25–27 July 2024"), in the interface `language`; "" when the document has none
    (then it is left out)."""
    if not (citation.published or citation.updated or citation.date.strip()):
        return ""
    return citation_date(citation, language)


def sentence_cut(text: str, fits: Callable[[int], bool]) -> int:
    """The end of the longest run of whole sentences of `text` (shorter than all of it)
    for which `fits(end)`; 0 if not even the first sentence fits."""
    ends = [end for _, end in sentence_spans(text) if end < len(text)]
    return next((end for end in reversed(ends) if fits(end)), 0)


@dataclass(frozen=True, slots=True)
class LeadQuote:
    """The answer's lead sentence(s), located in its passage, ready for a renderer's markup."""

    text: str
    spans: tuple[tuple[int, int], ...]  # highlights, relative to `text`
    source: int                          # the source number the answer shows
    truncated: bool


def lead_quote(answer: Answer, groups: Sequence[Sequence[Passage]]) -> LeadQuote | None:
    """The lead quote of the first page, or None when there is none or it no longer matches
    its passage verbatim (a renderer never shows a quote the corpus does not hold)."""
    lead = answer.lead
    if lead is None or not 1 <= lead.source <= len(answer.passages):
        return None
    passage = answer.passages[lead.source - 1]
    if passage.text[lead.start:lead.end] != lead.text:
        return None
    spans = tuple((a - lead.start, b - lead.start) for a, b in passage.highlights)
    number = next(i for i, group in enumerate(groups, start=1) if passage in group)
    return LeadQuote(lead.text, spans, number, lead.truncated)


def lead_markup(answer: Answer, groups: Sequence[Sequence[Passage]],
                highlight: Callable[[str, Sequence[tuple[int, int]]], str]
                ) -> tuple[str, int] | None:
    """The lead quote marked up by a renderer's `highlight` (with "…" when it was cut) and
    its source number; None without a lead quote."""
    quote = lead_quote(answer, groups)
    if quote is None:
        return None
    return highlight(quote.text, quote.spans) + ("…" if quote.truncated else ""), quote.source


def outlet_and_date(citation: Citation, fit: Callable[[str, int], str],
                    language: str = "en") -> list[str]:
    """The known parts of a source line before its headline: outlet, then date (in the
    interface `language`), each cut by the renderer's `fit`; unknown parts are left out,
    never guessed."""
    parts = [fit(citation.outlet, 60)] if citation.outlet.strip() else []
    if when := known_date(citation, language):
        parts.append(fit(when, 80))
    return parts
