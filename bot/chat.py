"""The chat layer: what a chat user and a moderator can do, once for every front end.

Adapters (bot/telegram_app.py, bot/discord_app.py) turn platform events into calls here,
with plain values: who (`Who`), what (a question, button data, a file), and a
`Conversation` to answer through. Permission checks, audit rows and their order, flood
control, button-payload validation and progress reporting live here and nowhere else; the
adapter's renderer (a module satisfying `Renderer`) only formats. Nothing here imports a
chat platform library.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from bot import adding, payload, texts
from bot.answer import (
    Answer,
    FullText,
    ReindexResult,
    Source,
    Stats,
    citation_line,
    format_day,
)
from bot.config import Config
from bot.core import DocumentRejected, ReindexBusy, Service
from bot.frontend import QuestionCache, ThrottledProgress
from bot.moderation import FloodGate, Moderators, failure
from bot.render.text import render_adding_progress
from index.lexicon import parse_alias_line
from index.noise import is_acknowledgement

log = logging.getLogger(__name__)

TELEGRAM, DISCORD = "telegram", "discord"
START_FULL_TEXT = "full-"  # deep-link parameter prefix: /start full-CHUNK sends that text
START_QUESTION = "q-"  # /start q-KEY: the whole answer to a question asked elsewhere
SUMMARY_CHARS = 1500  # an /add summary fits one Discord message (2,000) even once marked up



def is_chatter(text: str) -> bool:
    """True for a message that says nothing to look up: thanks, emoji, "ok", "lol"."""
    return is_acknowledgement(text)


def _cite_arguments(text: str) -> tuple[str, dict[str, str]] | None:
    """`FILE key=value key="two words"` -> (FILE, {key: value}); None when unreadable."""
    try:
        words = shlex.split(text)
    except ValueError:  # an unclosed quote
        return None
    if not words or "=" in words[0]:
        return None
    pairs = [word.partition("=") for word in words[1:]]
    if any(not sep or not key for key, sep, _ in pairs):
        return None
    return words[0], {key.strip().lower(): value for key, _, value in pairs}


def add_summary(outcomes: Sequence[adding.Outcome], language: str,
                escape: Callable[[str], str], cited_as: Callable[[str], str]) -> str:
    """The end of an /add of several items: one line per outcome (with `cited_as(name)`
    after an added one) while the message stays short, then the count of the rest and the
    totals, in `language`, escaped for the platform."""
    parts: list[str] = []
    for shown, outcome in enumerate(outcomes):
        part = escape("\n".join(adding.outcome_lines(outcome, language)))
        if isinstance(outcome, adding.Added):
            part += cited_as(outcome.name)
        if sum(map(len, parts)) + len(part) > SUMMARY_CHARS:
            rest = texts.text("add_more", language, count=len(outcomes) - shown)
            parts.append(escape(rest))
            break
        parts.append(part)
    return "\n".join([*parts, escape(adding.summary_line(outcomes, language))])


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


async def _not_admin() -> bool:
    return False


@dataclass(frozen=True)
class Who:
    """The person behind an event, as facts the adapter gathered from its platform."""

    user: str  # platform-qualified id for flood control and (hashed) audit, e.g. "tg:42"
    user_id: int
    platform: str  # TELEGRAM or DISCORD: whose moderator rule applies
    place: int | None = None  # Discord server the event came from (None: a direct message)
    roles: tuple[int, ...] = ()  # Discord role ids of the member in `place`
    anonymous: bool = False  # posting as a group or channel: nobody in particular
    admin: Callable[[], Awaitable[bool]] = _not_admin  # asked only when it matters
    language: str = "en"  # interface catalogue (texts.interface_language of the platform's)


class Renderer(Protocol):
    """What the chat layer needs of a renderer module (bot/render/*)."""

    def escape(self, text: str) -> str: ...
    def render_progress(self, done: int, total: int, stage: str = "", *,
                        language: str = "en") -> str: ...
    def render_reindexed(self, result: ReindexResult, *, language: str = "en") -> str: ...
    def render_adding(self, filename: str, *, language: str = "en") -> str: ...
    def render_added(self, filename: str, result: ReindexResult, *,
                     language: str = "en") -> str: ...
    def render_removing(self, filename: str, *, language: str = "en") -> str: ...
    def render_removed(self, filename: str, result: ReindexResult, *,
                       language: str = "en") -> str: ...
    def render_rejected(self, reason: str, *, language: str = "en") -> str: ...
    def render_too_large(self, size: int, limit: int, *, language: str = "en") -> str: ...
    def render_failed(self, what: str, reason: str = "", *, language: str = "en") -> str: ...
    def render_alias_added(self, new: str, preferred: str, *, language: str = "en") -> str: ...
    def render_added_aliases(self, pairs: Sequence[tuple[str, str]], *,
                             language: str = "en") -> str: ...
    def render_full_text(self, full: FullText) -> Sequence[object]: ...
    def render_sources(self, sources: Sequence[Source], page: int = 0) -> object | None: ...


class Conversation(Protocol):
    """Where a moderator command came from, and how to answer there."""

    who: Who
    render: Renderer

    async def say(self, text: str) -> None:
        """Send `text` (already rendered for the platform)."""

    async def progress(self, text: str) -> ThrottledProgress | None:
        """Show `text` in a message that the returned reporter edits (None: not shown)."""


@dataclass(frozen=True)
class Notice:
    """A short message from the catalogue; `alert`: shown as a pop-up where one exists."""

    id: str
    fields: Mapping[str, object] = field(default_factory=dict)
    alert: bool = False
    language: str = "en"

    @property
    def text(self) -> str:
        return texts.text(self.id, self.language, **self.fields)


@dataclass(frozen=True)
class Slowed:
    """Over the flood limit: tell `notice`, or nothing when already told in this window."""

    notice: Notice | None


@dataclass(frozen=True)
class Asked:
    """An answer to show, with the question key its buttons carry ("" when abstaining);
    `fresh`: sent as a new message rather than in place of the pressed one."""

    answer: Answer
    key: str
    fresh: bool = False


@dataclass(frozen=True)
class Intro:
    """/start and /help: a few plain lines and the example questions to offer as buttons
    (their payloads: `payload.Example(1..3)`)."""

    text: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class ShowFullText:
    """Send the whole section (None: the passage is gone from the corpus) to the presser
    alone; `chunk_id` lets an adapter offer it again where it cannot reach them yet.
    `key`: the answer whose 👍/👎 for this passage the full text offers ("" none: the
    answer is forgotten, or never showed this passage)."""

    full: FullText | None
    chunk_id: str = ""
    key: str = ""


@dataclass(frozen=True)
class ShowSources:
    """Show page `page` of the /sources listing in place."""

    sources: list[Source]
    page: int


ButtonOutcome = Notice | Slowed | Asked | ShowFullText | ShowSources


@dataclass(frozen=True)
class Upload:
    """A document a moderator sent with /add: its name, its best known size before the
    download, and how to download it (raising DownloadFailed)."""

    name: str
    size: Callable[[], Awaitable[int]]
    read: Callable[[], Awaitable[bytes]]


class DownloadFailed(Exception):
    """The platform could not deliver an attachment."""


Job = Callable[[ThrottledProgress], Awaitable[ReindexResult]]


class Chat:
    """One per process: shared by every front end (one question cache, one flood limit per
    person per platform, since user keys are platform-qualified)."""

    def __init__(self, config: Config, service: Service) -> None:
        flood, dc = config.flood, config.discord
        self.config, self.service = config, service
        self.questions = QuestionCache()
        self.flood = FloodGate(flood.questions, flood.seconds)
        self.flood_notice = FloodGate(1, flood.seconds)
        self.inline_flood = FloodGate(flood.questions * 4, flood.seconds)
        self.inline_notice = FloodGate(1, flood.seconds)
        self.buttons = FloodGate(flood.buttons, flood.button_seconds)
        self.button_notice = FloodGate(1, flood.button_seconds)
        self.moderators = {TELEGRAM: Moderators.of(config.telegram.moderators),
                           DISCORD: Moderators.of(dc.moderators, dc.role_ids, dc.guilds)}

    # ------------------------------------------------------------ questions

    def over_limit(self, who: Who, *, always_notify: bool = False) -> Slowed | None:
        """Count a question or command; None if within the limit. Over it, a notice once
        per window (every time with `always_notify`: the platform needs a reply)."""
        if self.flood.allow(who.user):
            return None
        tell = always_notify or self.flood_notice.allow(who.user)
        notice = Notice("flood", {"seconds": self.config.flood.seconds}, language=who.language)
        return Slowed(notice if tell else None)

    def inline_over_limit(self, who: Who) -> Slowed | None:
        """Inline queries (typed live) have their own, wider limit; None within it. Over
        it, a notice once per window."""
        if self.inline_flood.allow(who.user):
            return None
        told = self.inline_notice.allow(who.user)
        return Slowed(Notice("flood", {"seconds": self.config.flood.seconds}) if told else None)

    async def ask(self, who: Who, question: str, *,
                  always_notify: bool = False) -> Asked | Slowed:
        """Flood check, search, and a key for the answer's buttons."""
        slowed = self.over_limit(who, always_notify=always_notify)
        if slowed is not None:
            return slowed
        answer = await self.service.ask(question, user=who.user)
        key = "" if answer.abstained else self.questions.put(
            answer.question, answer.query_id, (p.chunk_id for p in answer.passages))
        return Asked(answer, key)

    def intro(self, who: Who) -> Intro:
        """/start and /help in the user's language: what the corpus covers, how to ask."""
        language = who.language
        files, first, last, codes = self.service.coverage()
        span = " – ".join(dict.fromkeys(
            format_day(day, language) for day in (first, last) if day)) or "?"
        text = "\n".join([
            texts.text("intro", language, documents=files, span=span,
                       languages=", ".join(code.upper() for code in codes) or "?"),
            texts.text("intro_how", language), texts.text("intro_examples", language)])
        examples = tuple(texts.text(f"example_{i}", language) for i in (1, 2, 3))
        return Intro(text, examples)

    def question_on_start(self, argument: str) -> str | None:
        """The question behind `/start q-KEY` (a guest answer's link), while remembered."""
        if not argument.startswith(START_QUESTION):
            return None
        entry = self.questions.get(argument.removeprefix(START_QUESTION))
        return entry[0] if entry else None

    # ------------------------------------------------------------ buttons

    async def press(self, who: Who, data: str, render: Renderer, *,
                    asker: str | None = None) -> ButtonOutcome:
        """A button press: decode its payload (forged or stale: "expired", nothing
        changes), check the presser's budget, act. `asker`: who the pressed message answers
        (None: nobody else sees it); only they page it in place, others get a notice.
        Notices in the presser's language."""
        outcome = await self._press(who, data, render, asker)
        if isinstance(outcome, Notice):
            return replace(outcome, language=who.language)
        if isinstance(outcome, Slowed) and outcome.notice is not None:
            return Slowed(replace(outcome.notice, language=who.language))
        return outcome

    async def _press(self, who: Who, data: str, render: Renderer,
                     asker: str | None) -> ButtonOutcome:
        action = payload.decode(data)
        paging = isinstance(action, payload.More | payload.SourcesPage | payload.Suggest)
        if paging and asker is not None and asker != who.user:
            return self._button_budget(who) or Notice("not_your_answer", alert=True)
        if isinstance(action, payload.More):
            return await self._more(who, action)
        if isinstance(action, payload.FullText):
            return await self._full_text(who, action, render)
        if isinstance(action, payload.Vote):
            return await self._vote(who, action)
        if isinstance(action, payload.AnswerVote):
            return await self._answer_vote(who, action)
        if isinstance(action, payload.Suggest):  # a question: the question budget applies
            return await self.ask(who, action.text, always_notify=True)
        if isinstance(action, payload.SourcesPage):
            return await self._sources_page(who, action, render)
        if isinstance(action, payload.Example):
            asked = await self.ask(who, texts.text(f"example_{action.index}", who.language),
                                   always_notify=True)
            return replace(asked, fresh=True) if isinstance(asked, Asked) else asked
        return Notice("button_expired", alert=True)

    def _button_budget(self, who: Who, sends: int = 1) -> Slowed | None:
        """None if `sends` more messages may go to the presser; else a notice once per
        window, then silence."""
        if self.buttons.allow(who.user, sends):
            return None
        seconds = self.config.flood.button_seconds
        told = self.button_notice.allow(who.user)
        return Slowed(Notice("button_flood", {"seconds": seconds}) if told else None)

    async def _more(self, who: Who, action: payload.More) -> ButtonOutcome:
        entry = self.questions.get(action.key)
        if entry is None:
            return Notice("expired", alert=True)
        slowed = self._button_budget(who)
        if slowed is not None:
            return slowed
        answer = await self.service.ask(entry[0], user=who.user, offset=action.offset,
                                        log=False)
        if not answer.passages:  # a forged page: beyond the results
            return Notice("no_such_page", alert=True)
        self.questions.show(action.key, (p.chunk_id for p in answer.passages))
        return Asked(answer, action.key)

    async def _full_text(self, who: Who, action: payload.FullText,
                         render: Renderer) -> ButtonOutcome:
        full = await self.service.full_text(action.chunk_id)
        sends = len(render.render_full_text(full)) if full else 1
        key = action.key if full and self._rateable(action.key, action.chunk_id) else ""
        return self._button_budget(who, sends) or ShowFullText(full, action.chunk_id, key)

    def _rateable(self, key: str, chunk_id: str) -> bool:
        """True if the answer `key` is remembered and showed passage `chunk_id`: only then
        can a 👍/👎 for that passage be counted."""
        return self.questions.get(key) is not None and chunk_id in self.questions.shown(key)

    async def full_text_on_start(self, who: Who, argument: str,
                                 render: Renderer) -> ButtonOutcome | None:
        """`/start full-CHUNK` or `full-CHUNK-KEY` (the link offered when the bot could not
        write to the presser yet): the full text, as its button would send it; None for any
        other argument."""
        if not argument.startswith(START_FULL_TEXT):
            return None
        chunk_id, _, key = argument.removeprefix(START_FULL_TEXT).partition("-")
        data = payload.encode_within(payload.FullText(chunk_id, key), payload.TELEGRAM_LIMIT)
        return await self.press(who, data, render) if data else None

    @staticmethod
    def full_text_start(outcome: ShowFullText) -> str:
        """The `/start` parameter that delivers `outcome` later: `full-CHUNK[-KEY]`."""
        key = outcome.key if "-" not in outcome.chunk_id else ""  # else it could not be split
        return START_FULL_TEXT + "-".join(filter(None, (outcome.chunk_id, key)))

    async def _vote(self, who: Who, action: payload.Vote) -> ButtonOutcome:
        entry = self.questions.get(action.key)
        if entry is None:
            return Notice("expired", alert=True)
        slowed = self._button_budget(who)
        if slowed is not None:
            return slowed
        counted = await self.service.feedback(
            user=who.user, chunk_id=action.chunk_id, value=action.value, query_id=entry[1],
            shown=self.questions.shown(action.key))
        return Notice("thanks" if counted else "not_counted")

    async def _answer_vote(self, who: Who, action: payload.AnswerVote) -> ButtonOutcome:
        entry = self.questions.get(action.key)
        if entry is None:
            return Notice("expired", alert=True)
        slowed = self._button_budget(who)
        if slowed is not None:
            return slowed
        counted = await self.service.answer_feedback(user=who.user, value=action.value,
                                                     query_id=entry[1])
        return Notice("thanks" if counted else "not_counted")

    async def _sources_page(self, who: Who, action: payload.SourcesPage,
                            render: Renderer) -> ButtonOutcome:
        sources = await self.service.sources()
        if render.render_sources(sources, action.page) is None:
            return Notice("no_such_page", alert=True)
        return self._button_budget(who) or ShowSources(sources, action.page)

    # ------------------------------------------------------------ moderators

    async def is_moderator(self, who: Who) -> bool:
        """Listed user ids anywhere; otherwise the platform's rule: a Telegram admin of a
        moderator chat, a Discord member with Manage Server or a listed role in a listed
        server. Nobody posting anonymously."""
        if who.anonymous:
            return False
        rule = self.moderators[who.platform]
        if who.user_id in rule.user_ids:
            return True
        if who.platform == DISCORD:
            return rule.allows_member(who.user_id, who.place, manages_guild=await who.admin(),
                                      role_ids=who.roles)
        return rule.allows(who.user_id, is_admin=await who.admin())

    async def _allowed(self, conv: Conversation, command: str) -> bool:
        """True if the sender may run `command`; otherwise audit the refusal and say so."""
        if await self.is_moderator(conv.who):
            return True
        await self.audit(conv.who, command, "refused")
        slowed = self.over_limit(conv.who)  # a refusal is a message sent: it counts too
        if slowed is not None:
            if slowed.notice is not None:
                await conv.say(conv.render.escape(slowed.notice.text))
            return False
        refusal = "anonymous_refused" if conv.who.anonymous else "refused"
        await conv.say(conv.render.escape(texts.text(refusal, conv.who.language)))
        return False

    async def audit(self, who: Who, command: str, outcome: str) -> None:
        """One row of the shared audit log (the user as a salted hash)."""
        await self.service.audit(user=who.user, command=command, outcome=outcome)

    async def _audit_quietly(self, who: Who, command: str, outcome: str) -> None:
        """Audit after the moderator was told: a failed write (the disk may be full) is
        logged rather than answered with a second, generic message."""
        try:
            await self.audit(who, command, outcome)
        except Exception:
            log.exception("Audit row not written: %s -> %s", command, outcome)

    async def _finish(self, conv: Conversation, progress: ThrottledProgress, command: str,
                      text: str, outcome: str) -> None:
        """Show the outcome first (a failing audit write must not leave it at "5/5"), then
        audit it."""
        await progress.finish(text)
        await self._audit_quietly(conv.who, command, outcome)

    async def _rebuild(self, conv: Conversation, command: str, progress: ThrottledProgress,
                       job: Job, done: Callable[[ReindexResult], str]) -> None:
        """Run an index rebuild behind a progress message; report and audit the outcome."""
        render, language = conv.render, conv.who.language
        try:
            text, outcome = done(await job(progress)), "ok"
        except ReindexBusy:
            text, outcome = render.escape(texts.text("busy", language)), "busy"
        except DocumentRejected as exc:
            text = render.render_rejected(texts.told(exc.reason, language), language=language)
            outcome = "rejected"
        except Exception as exc:
            log.exception("%s failed", command.split()[0])
            reason = failure(exc)
            text = render.render_failed(command.split()[0], texts.told(reason, language),
                                        language=language)
            outcome = f"failed: {texts.told(reason)}"
        await self._finish(conv, progress, command, text, outcome)

    async def reindex(self, conv: Conversation) -> None:
        """/reindex, with progress edited as it goes."""
        if not await self._allowed(conv, "reindex"):
            return
        if self.service.reindexing:
            await self.audit(conv.who, "reindex", "busy")
            await conv.say(conv.render.escape(texts.text("busy", conv.who.language)))
            return
        language, render = conv.who.language, conv.render
        progress = await conv.progress(render.render_progress(0, 0, language=language))
        if progress is None:
            return
        progress.retitle(lambda done, total, stage: render.render_progress(
            done, total, stage, language=language))
        await self._rebuild(conv, "reindex", progress, self.service.reindex,
                            lambda result: render.render_reindexed(result, language=language))

    async def add(self, conv: Conversation, upload: Upload | None, *,
                  more: Sequence[Upload] = (), text: str = "") -> None:
        """/add: one attachment (size check, download, add), or several, an archive or
        links in `text` (one progress message, then one summary); every outcome audited."""
        if not await self._allowed(conv, "add"):
            return
        uploads = [u for u in (upload, *more) if u is not None]
        words = text.split()
        if not uploads and not words:
            await self.audit(conv.who, "add", "usage")
            await conv.say(conv.render.escape(texts.text("add_usage", conv.who.language)))
            return
        if upload is None or words or more or adding.is_archive(upload.name):
            await self._add_several(conv, uploads, words)
            return
        name, limit, render = upload.name, self.config.corpus.max_file_bytes, conv.render
        language = conv.who.language
        command, size = f"add {name}", await upload.size()
        if size > limit:
            await self.audit(conv.who, command, "too_large")
            await conv.say(render.render_too_large(size, limit, language=language))
            return
        progress = await conv.progress(render.render_adding(name, language=language))
        if progress is None:
            return
        try:
            data = await upload.read()
        except DownloadFailed as exc:
            log.warning("Attachment download failed: %s", exc)
            failed = texts.text("download_failed", conv.who.language)
            text, outcome = render.escape(failed), "download_failed"
        else:
            if len(data) <= limit:
                await self._rebuild(conv, command, progress,
                                    lambda _p: self.service.add_document(name, data),
                                    lambda result: render.render_added(
                                        name, result, language=language)
                                    + self._near_duplicates(conv, result)
                                    + self._cited_as(conv, name))
                return
            too_large = render.render_too_large(len(data), limit, language=language)
            text, outcome = too_large, "too_large"
        await self._finish(conv, progress, command, text, outcome)

    async def _add_several(self, conv: Conversation, uploads: Sequence[Upload],
                           words: Sequence[str]) -> None:
        """Download and fetch everything, add each document, then one summary."""
        language = conv.who.language
        shown = texts.text("adding_several", language, count=len(uploads) + len(words))
        progress = await conv.progress(conv.render.escape(shown))
        if progress is None:
            return
        progress.retitle(lambda done, total, _stage: render_adding_progress(done, total, language))
        try:
            items = [item for upload in uploads
                     for item in await self._upload_items(upload, conv)]
            items += await self._link_items(words, language, items)
            outcomes = await adding.add_all(self.service, items, progress)
        except Exception as exc:
            log.exception("add failed")
            reason = failure(exc)
            failed = conv.render.render_failed("add", texts.told(reason, language),
                                               language=language)
            await self._finish(conv, progress, "add", failed, f"failed: {texts.told(reason)}")
            return
        await progress.finish(self._summary(conv, outcomes))
        for outcome in outcomes:
            await self._audit_quietly(conv.who, *adding.audit_outcome(outcome))

    async def _upload_items(self, upload: Upload, conv: Conversation) -> list[adding.Item]:
        """An attachment's documents (an archive's members), or why it was skipped."""
        limits = adding.ArchiveLimits.of(self.config)
        cap = limits.max_total_bytes if adding.is_archive(upload.name) else limits.max_file_bytes
        size = await upload.size()
        if size > cap:
            return [adding.skipped(upload.name, "over_limit", size=size, limit=cap)]
        try:
            data = await upload.read()
        except DownloadFailed as exc:
            log.warning("Attachment download failed: %s", exc)
            return [adding.skipped(upload.name, "attachment_not_downloaded")]
        return adding.from_upload(upload.name, data, limits)

    async def _link_items(self, words: Sequence[str], language: str,
                          before: Sequence[adding.Item]) -> list[adding.Item]:
        """Each link fetched off the event loop (within the `fetch:` limits), named apart
        from the documents collected `before` and from each other."""
        items: list[adding.Item] = []
        for word in words:
            if adding.is_url(word):
                items.append(await adding.fetch_next(word, self.config, [*before, *items]))
            else:
                items.append(adding.skipped(word, "not_a_link"))
        return items

    def _summary(self, conv: Conversation, outcomes: Sequence[adding.Outcome]) -> str:
        """One line per outcome (with how an added article is cited) while the message stays
        short, then the count of the rest and the totals."""
        return add_summary(outcomes, conv.who.language, conv.render.escape,
                           lambda name: self._cited_as(conv, name))

    def _near_duplicates(self, conv: Conversation, result: ReindexResult) -> str:
        """"⚠ new.txt nearly repeats old.txt (82% …)" lines after an add."""
        return "".join("\n" + conv.render.escape(line)
                       for line in adding.near_duplicate_lines(result, conv.who.language))

    def _cited_as(self, conv: Conversation, name: str) -> str:
        """"Cited as: ⚠ outlet unknown · 5 Aug 2024 · Title · ⚠ no URL" lines (one per
        article, at most three) so a moderator sees missing metadata and can /cite it."""
        language, lines = conv.who.language, []
        for cited in self.service.document_citations(name)[:3]:
            short = replace(cited, title=_shortened(cited.title, 90))
            line = citation_line(short, language, warn=True)
            lines.append("\n" + conv.render.escape(texts.text("cited_as", language, line=line)))
        return "".join(lines)

    async def cite(self, conv: Conversation, text: str) -> None:
        """/cite FILE key=value …: set how a document is cited; /cite FILE alone: show it.
        Told, then audited (keys only: values may be long)."""
        if not await self._allowed(conv, "cite"):
            return
        language, render = conv.who.language, conv.render
        parsed = _cite_arguments(text)
        if parsed is None:
            await self.audit(conv.who, "cite", "usage")
            await conv.say(render.escape(texts.text("cite_usage", language)))
            return
        name, changes = parsed
        command = " ".join(["cite", name, *changes])
        try:
            if changes:
                await self.service.cite(name, changes)
            elif not self.service.document_citations(name):
                raise DocumentRejected("not_in_corpus", file=name)
        except DocumentRejected as exc:
            reply = render.render_rejected(texts.told(exc.reason, language), language=language)
            outcome = "rejected"
        else:
            saved = texts.text("cite_saved" if changes else "cite_shown", language, file=name)
            reply = render.escape(saved) + self._cited_as(conv, name)
            outcome = "ok" if changes else "shown"
        await conv.say(reply)
        await self._audit_quietly(conv.who, command, outcome)

    async def remove(self, conv: Conversation, name: str) -> None:
        """/remove FILE, then reindex."""
        if not await self._allowed(conv, "remove"):
            return
        if not name:
            await self.audit(conv.who, "remove", "usage")
            await conv.say(conv.render.escape(texts.text("remove_usage", conv.who.language)))
            return
        language, render = conv.who.language, conv.render
        progress = await conv.progress(render.render_removing(name, language=language))
        if progress is not None:
            await self._rebuild(conv, f"remove {name}", progress,
                                lambda _p: self.service.remove_document(name),
                                lambda result: render.render_removed(name, result,
                                                                     language=language))

    async def stats(self, conv: Conversation) -> Stats | None:
        """/stats: the figures to show (audited), or None when refused."""
        if not await self._allowed(conv, "stats"):
            return None
        stats = await self.service.stats()
        await self.audit(conv.who, "stats", "ok")
        return stats

    async def alias(self, conv: Conversation, text: str) -> None:
        """/alias NEW = KNOWN; alone: the aliases added so far. Told, then audited."""
        if not await self._allowed(conv, "alias"):
            return
        render, text, language = conv.render, text.strip(), conv.who.language
        if not text:
            await self.audit(conv.who, "alias", "ok")
            await conv.say(render.render_added_aliases(self.service.added_aliases(),
                                                        language=language))
            return
        try:
            entry = await self.service.add_alias(text)
        except DocumentRejected as exc:
            reply = render.render_rejected(texts.told(exc.reason, language), language=language)
            outcome = "rejected"
        except Exception:
            log.exception("alias failed")
            not_saved = texts.text("alias_not_saved", language)
            reply, outcome = render.escape(not_saved), "error"
        else:
            reply = render.render_alias_added(parse_alias_line(text)[0], entry.preferred,
                                              language=language)
            outcome = "ok"
        await conv.say(reply)
        await self.audit(conv.who, f"alias {text}", outcome)
