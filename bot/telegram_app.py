"""Telegram front end: a thin python-telegram-bot v22 adapter over `bot.core.Service`.

Rendering lives in `bot.render.telegram_html`; this module only wires Telegram updates to
the service and sends what the renderer produced.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any, cast
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    BotCommandScopeDefault,
    Document,
    File,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import payload, texts
from bot.adding import is_archive
from bot.answer import Answer, Passage
from bot.chat import (
    START_FULL_TEXT,
    START_QUESTION,
    TELEGRAM,
    Asked,
    ButtonOutcome,
    Chat,
    DownloadFailed,
    Notice,
    Renderer,
    ShowFullText,
    ShowSources,
    Slowed,
    Upload,
    Who,
    is_chatter,
)
from bot.config import Config
from bot.core import Service, StartupError
from bot.frontend import REDACTOR, ThrottledProgress, protect_token
from bot.render import telegram_html as render
from bot.render.text import clean

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE
CONCURRENT_UPDATES = 32
STATE_KEY = "conflictbot"
ALLOWED_UPDATES = ("message", "callback_query", "inline_query", "guest_message")
ADMIN_CACHE_SECONDS = 60.0
INLINE_LEAD_CHARS = 140  # the matching sentence in an inline result's preview line
PROGRESS_INTERVAL = 1.0


# --- per-application state ----------------------------------------------------------


@dataclass
class BotState:
    """What the handlers share, kept in `application.bot_data[STATE_KEY]`: the process's
    chat layer, and what only Telegram needs (update checkpoints, the admin cache)."""

    chat: Chat
    handled: RecentUpdates = field(default_factory=lambda: RecentUpdates())
    resent: RecentUpdates = field(default_factory=lambda: RecentUpdates())
    resent_until: float = 0.0  # monotonic time after which nothing counts as re-sent
    admins: dict[int, tuple[float, bool]] = field(default_factory=dict)

    @property
    def config(self) -> Config:
        return self.chat.config

    @property
    def service(self) -> Service:
        return self.chat.service


def _state(context: Context) -> BotState:
    return cast(BotState, context.bot_data[STATE_KEY])


def _user_key(update: Update) -> str:
    user = update.effective_user
    return f"tg:{user.id}" if user else "tg:anonymous"


def _who(update: Update, context: Context) -> Who:
    """The sender as the chat layer sees them. Posting as a chat (anonymous group admin, a
    channel): the user is then a placeholder (GroupAnonymousBot) shared by everyone."""
    user, message = update.effective_user, update.effective_message
    anonymous = user is None or (message is not None and message.sender_chat is not None)
    user_id = user.id if user else 0
    return Who(_user_key(update), user_id, TELEGRAM, anonymous=anonymous,
               admin=lambda: _is_admin(context, user_id),
               language=_language(update))


def _language(update: Update) -> str:
    """The sender's interface language, from their Telegram app's `language_code`."""
    user = update.effective_user
    return texts.interface_language(user.language_code if user else None)


def _markup(keyboard: render.Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data)
                                  for b in row] for row in keyboard])


def _argument(message: Message) -> str:
    """The text after the leading /command (of the text or the caption)."""
    parts = (message.text or message.caption or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None,
                 ) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    quote = message.chat.type != "private"
    return await message.reply_text(text, reply_markup=markup, do_quote=quote)


# --- questions ----------------------------------------------------------------------


class _AddressedToBot(filters.MessageFilter):
    """Group messages that mention the bot or reply to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        return f"@{bot.username}".casefold() in (message.text or "").casefold()


def _without_mention(text: str, username: str) -> str:
    mention = f"@{username}".casefold()
    index = text.casefold().find(mention)
    while index >= 0 and username:
        text = text[:index] + text[index + len(mention):]
        index = text.casefold().find(mention)
    return " ".join(text.split())


async def _slowed(update: Update, slowed: Slowed) -> None:
    if slowed.notice is not None:
        await _reply(update, render.escape(slowed.notice.text))


async def _flooding(update: Update, context: Context) -> bool:
    """Count a command against the sender's limit; True (after one notice per window) if
    it is over the limit and must not be answered."""
    slowed = _state(context).chat.over_limit(_who(update, context))
    if slowed is None:
        return False
    await _slowed(update, slowed)
    return True


async def _answer(update: Update, context: Context, question: str) -> None:
    """Answer one question: flood check, search, rendered reply with buttons."""
    asked = await _state(context).chat.ask(_who(update, context), question)
    if isinstance(asked, Slowed):
        await _slowed(update, asked)
        return
    rendered = render.render_answer(asked.answer, asked.key, language=_language(update))
    await _reply(update, rendered.text, _markup(rendered.keyboard))


async def on_private_text(update: Update, context: Context) -> None:
    """Private chat: any text is a question."""
    if update.effective_message:
        await _answer(update, context, update.effective_message.text or "")


def _replies_to_bot(message: Message) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == message.get_bot().id)


async def on_group_text(update: Update, context: Context) -> None:
    """Group message addressed to the bot (mention or reply): a question. A reply that only
    thanks or acknowledges ("thanks 🙏", "ok") is left alone."""
    message = update.effective_message
    if message is None:
        return
    text = _without_mention(message.text or "", context.bot.username)
    if _replies_to_bot(message) and is_chatter(text):
        return
    await _answer(update, context, text)


async def on_ask(update: Update, context: Context) -> None:
    """/ask QUESTION, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = _argument(message)
    if not question:
        if not await _flooding(update, context):
            usage = texts.text("ask_usage", _language(update),
                               example=texts.EXAMPLE_QUESTIONS[0])
            await _reply(update, render.escape(usage))
        return
    await _answer(update, context, question)


async def on_start(update: Update, context: Context) -> None:
    """/start: what the corpus covers, how to ask, three example questions to tap;
    `/start full-CHUNK` (the link a Full text press offers when the bot could not write to
    the presser yet) delivers that text."""
    message = update.effective_message
    private = message is not None and message.chat.type == "private"
    argument = _argument(message) if message and private else ""  # deep links open privately
    question = _state(context).chat.question_on_start(argument)
    if question is not None:
        await _answer(update, context, question)
        return
    if argument.startswith(START_FULL_TEXT):
        outcome = await _state(context).chat.full_text_on_start(
            _who(update, context), argument, render)
        if outcome is not None:
            await _start_outcome(update, context, outcome)
            return
    if not await _flooding(update, context):
        await _intro(update, context)


async def _start_outcome(update: Update, context: Context, outcome: ButtonOutcome) -> None:
    if isinstance(outcome, ShowFullText):
        await _send_full_text(context, update.effective_chat.id if update.effective_chat
                              else 0, outcome)
    elif isinstance(outcome, Notice | Slowed):
        notice = outcome if isinstance(outcome, Notice) else outcome.notice
        if notice is not None:
            await _reply(update, render.escape(notice.text))


async def on_help(update: Update, context: Context) -> None:
    """/help: the same short introduction as /start."""
    if not await _flooding(update, context):
        await _intro(update, context)


async def _intro(update: Update, context: Context) -> None:
    intro = _state(context).chat.intro(_who(update, context))
    rows = [[InlineKeyboardButton(question, callback_data=payload.encode(payload.Example(i)))]
            for i, question in enumerate(intro.examples, start=1)]  # one tap: asked
    await _reply(update, render.escape(intro.text), InlineKeyboardMarkup(rows))


async def on_unknown_command(update: Update, context: Context) -> None:
    """Unknown command in a private chat: point to /help."""
    if not await _flooding(update, context):
        await _reply(update, render.escape(texts.text("unknown_command", _language(update))))


async def on_sources(update: Update, context: Context) -> None:
    """/sources: the first page of the corpus listing (one message, with page buttons)."""
    if await _flooding(update, context):
        return
    first = render.render_sources(await _state(context).service.sources(),
                                  language=_language(update))
    if first is not None:
        await _reply(update, first.text, _markup(first.keyboard))


# --- buttons ------------------------------------------------------------------------


async def on_button(update: Update, context: Context) -> None:
    """Any button press. Every press gets a callback answer (else Telegram shows a spinner
    forever), before any message is sent."""
    query = update.callback_query
    if query is None:
        return
    outcome = await _state(context).chat.press(_who(update, context), query.data or "", render,
                                               asker=_asker(query.message))
    if isinstance(outcome, Notice):
        await query.answer(outcome.text, show_alert=outcome.alert)
    elif isinstance(outcome, Slowed):
        await query.answer(outcome.notice.text if outcome.notice else None)
    elif isinstance(outcome, Asked) and outcome.fresh:
        await query.answer()
        rendered = render.render_answer(outcome.answer, outcome.key, language=_language(update))
        if update.effective_chat is not None:  # an example question: the help stays
            await update.effective_chat.send_message(rendered.text,
                                                     reply_markup=_markup(rendered.keyboard))
    elif isinstance(outcome, Asked):
        await query.answer()
        rendered = render.render_answer(outcome.answer, outcome.key, language=_language(update))
        await query.edit_message_text(rendered.text, reply_markup=_markup(rendered.keyboard))
    elif isinstance(outcome, ShowSources):
        await query.answer()
        page = cast(render.Rendered, render.render_sources(outcome.sources, outcome.page,
                                                           language=_language(update)))
        await query.edit_message_text(page.text, reply_markup=_markup(page.keyboard))
    elif isinstance(outcome, ShowFullText):
        await _full_text_privately(update, context, outcome)


def _asker(message: object) -> str | None:
    """Who a group answer answers: the author of the message it quotes (None in a private
    chat, where nobody else can press, or when Telegram no longer shows the quote)."""
    if not isinstance(message, Message) or message.chat.type == "private":
        return None
    replied = message.reply_to_message
    return f"tg:{replied.from_user.id}" if replied and replied.from_user else None


async def _send_full_text(context: Context, chat_id: int, outcome: ShowFullText,
                          language: str = "en") -> None:
    """The full text in one or more messages, the last with 👍/👎 for the passage when it
    was opened from an answer that showed it."""
    full = outcome.full
    gone = texts.text("gone", language)
    messages = render.render_full_text(full, language=language) if full else [
        render.escape(gone)]
    votes = _markup(render.passage_vote_keyboard(outcome.key, outcome.chunk_id))
    for i, text in enumerate(messages, start=1):
        await context.bot.send_message(chat_id, text,
                                       reply_markup=votes if i == len(messages) else None)


async def _full_text_privately(update: Update, context: Context,
                               outcome: ShowFullText) -> None:
    """The full text goes to the presser's private chat, never to the group. Where the bot
    may not write to them yet (403), the press opens that chat, which delivers it on /start."""
    query = cast(Any, update.callback_query)
    in_private = update.effective_chat is not None and update.effective_chat.type == "private"
    try:
        await _send_full_text(context, query.from_user.id, outcome, _language(update))
    except Forbidden:
        link = f"https://t.me/{context.bot.username}?start={Chat.full_text_start(outcome)}"
        await query.answer(url=link)
        return
    await query.answer(None if in_private else texts.text("sent_privately", _language(update)))


# --- guest mode ---------------------------------------------------------------------


async def on_guest(update: Update, context: Context) -> None:
    """A mention of the bot in a chat it is not a member of (Bot API 10.0 guest message):
    one answer there, the lead quote and its citation, linking to the whole answer in a
    private chat."""
    message, chat = update.guest_message, _state(context).chat
    if message is None or not message.guest_query_id:
        return
    asked = await chat.ask(_who(update, context),
                           _without_mention(message.text or "", context.bot.username))
    if isinstance(asked, Slowed):
        if asked.notice is None:
            return
        text = render.escape(asked.notice.text)
    else:
        text = _guest_text(chat.service, asked, context.bot.username, _language(update))
    result = InlineQueryResultArticle(
        id="guest", title=texts.text("inline_hint"),
        input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML))
    await context.bot.answer_guest_query(message.guest_query_id, result)


def _guest_text(service: Service, asked: Asked, username: str, language: str) -> str:
    """The lead quote, its source line (`[n] Outlet · 5 Aug 2024 · headline`) and the link
    to the whole answer in a private chat; or that nothing was found."""
    answer = asked.answer
    if answer.abstained or not answer.passages:
        return render.escape(texts.text("inline_nothing_text", language,
                                        question=_shortened(answer.question, 60)))
    lead = service.lead(answer.question, answer.passages, INLINE_LEAD_CHARS * 2)
    number = lead.passage_rank if lead else 1
    quote = lead.quoted if lead else answer.passages[0].text
    link = f"https://t.me/{username}?start={START_QUESTION}{asked.key}"
    return (f"“{render.fit(' '.join(quote.split()), 400)}” [{number}]\n"
            f"{render.source_line(answer.passages[number - 1].citation, number, language)}\n\n"
            f'<a href="{link}">{render.escape(texts.text("guest_full_answer", language))}</a>')


# --- inline mode --------------------------------------------------------------------


async def on_inline(update: Update, context: Context) -> None:
    """`@bot question` in any chat: one article per passage."""
    query, state = update.inline_query, _state(context)
    if query is None:
        return
    text, language = query.query.strip(), _language(update)
    hint = InlineQueryResultsButton(text=texts.text("inline_hint", language),
                                    start_parameter="help")
    slowed = state.chat.inline_over_limit(_who(update, context))
    if slowed is not None:
        notice = None if slowed.notice is None else InlineQueryResultsButton(
            text=slowed.notice.text, start_parameter="help")
        await query.answer([], cache_time=5, button=notice)
        return
    if not text:
        example = texts.text("inline_hint_text", language, bot=context.bot.username,
                             example=texts.text("example_1", language))
        await query.answer([_article("hint", texts.text("inline_hint", language), example)],
                           cache_time=5, button=hint)
        return
    answer = await state.service.ask(text, user=_user_key(update), log=False)
    await query.answer(_inline_results(state.service, answer, language), cache_time=60,
                       button=hint, is_personal=True)  # worded in the user's language


def _article(result_id: str, title: str, text: str, description: str = "",
             ) -> InlineQueryResultArticle:
    """An inline result that sends `text` (plain text, escaped here)."""
    return InlineQueryResultArticle(
        id=result_id, title=title, description=description or None,
        input_message_content=InputTextMessageContent(render.escape(text),
                                                      parse_mode=ParseMode.HTML))


def _inline_results(service: Service, answer: Answer,
                    language: str) -> list[InlineQueryResultArticle]:
    """One article per passage, previewed by its matching sentence and source; an
    unanswerable query: a single result saying so (in the user's `language`)."""
    if answer.abstained or not answer.passages:
        question = _shortened(answer.question, 60)
        return [_article("nothing", texts.text("inline_nothing", language, question=question),
                         texts.text("inline_nothing_text", language, question=question))]
    leads = service.passage_leads(answer.question, answer.passages, INLINE_LEAD_CHARS)
    articles = [a if lead is None else replace(a, description=_preview(lead.quoted, p))
                for a, p, lead in zip(render.render_inline(answer, language=language),
                                      answer.passages, leads,
                                      strict=False)]
    return [InlineQueryResultArticle(
        id=a.id, title=a.title, description=a.description,
        input_message_content=InputTextMessageContent(a.text, parse_mode=ParseMode.HTML),
    ) for a in articles]


def _shortened(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def _preview(sentence: str, passage: Passage) -> str:
    source = passage.citation.title or passage.citation.file
    return clean(f"“{' '.join(sentence.split())}” — {' '.join(source.split())}")


# --- moderators ---------------------------------------------------------------------


async def _is_admin(context: Context, user_id: int) -> bool:
    """True if the user administers one of `telegram.moderator_chats` (cached briefly)."""
    state = _state(context)
    cached = state.admins.get(user_id)
    if cached and time.monotonic() - cached[0] < ADMIN_CACHE_SECONDS:
        return cached[1]
    admin = False
    for chat_id in state.config.telegram.moderator_chats:
        try:
            member = await context.bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.warning("getChatMember failed for a moderator chat: %s", exc)
            continue
        if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
            admin = True
            break
    if len(state.admins) > 10_000:
        state.admins.clear()
    state.admins[user_id] = (time.monotonic(), admin)
    return admin


class ProgressReporter(ThrottledProgress):
    """Progress shown by editing one message."""

    def __init__(self, message: Message, interval: float = PROGRESS_INTERVAL) -> None:
        super().__init__(message.text or "", render.render_progress, interval)
        self._message = message

    async def _send(self, text: str) -> None:
        try:
            await self._message.edit_text(text)
        except TelegramError as exc:
            log.warning("Progress message not updated: %s", exc)


@dataclass
class _Conversation:
    """A moderator command's chat, for the chat layer: replies quote the command."""

    update: Update
    who: Who
    render: Renderer = field(default_factory=lambda: render)

    async def say(self, text: str) -> None:
        await _reply(self.update, text)

    async def progress(self, text: str) -> ThrottledProgress | None:
        message = await _reply(self.update, text)
        return ProgressReporter(message) if message is not None else None


def _conversation(update: Update, context: Context) -> _Conversation:
    return _Conversation(update, _who(update, context))


async def on_reindex(update: Update, context: Context) -> None:
    """/reindex: rebuild the index, with a progress message edited as it goes."""
    await _state(context).chat.reindex(_conversation(update, context))


async def on_add(update: Update, context: Context) -> None:
    """/add: add the document (or archive) sent with it (caption) or replied to, and the
    articles at the links after the command."""
    message = update.effective_message
    if message is None or _for_another_bot(message, context.bot.username):
        return
    replied = message.reply_to_message
    document = message.document or (replied.document if replied else None)
    corpus = _state(context).config.corpus
    limit = (corpus.max_archive_bytes if is_archive(document.file_name or "")
             else corpus.max_file_bytes) if document else 0
    upload = _upload(document, limit) if document else None
    await _state(context).chat.add(_conversation(update, context), upload,
                                   text=_argument(message))


def _for_another_bot(message: Message, username: str) -> bool:
    """True for a caption command addressed to another bot ("/add@other_bot")."""
    command = (message.caption or "").split(maxsplit=1)[0] if message.caption else ""
    _, at, target = command.partition("@")
    return bool(at) and target.casefold() != username.casefold()


def _upload(document: Document, limit: int) -> Upload:
    """The document for the chat layer: getFile is asked only for a document declared
    within the limit, and reports the size again (the larger one counts)."""
    files: list[File] = []

    async def size() -> int:
        declared = document.file_size or 0
        if declared > limit:
            return declared
        files.append(await document.get_file())
        return max(declared, files[0].file_size or 0)

    async def read() -> bytes:
        try:
            return bytes(await files[0].download_as_bytearray())
        except (TelegramError, OSError) as exc:
            raise DownloadFailed(REDACTOR.scrub(str(exc))) from exc

    return Upload(document.file_name or "", size, read)


async def on_remove(update: Update, context: Context) -> None:
    """/remove FILE: remove a document and reindex."""
    message = update.effective_message
    if message is not None:
        await _state(context).chat.remove(_conversation(update, context), _argument(message))


async def on_stats(update: Update, context: Context) -> None:
    """/stats: corpus and usage figures."""
    conversation = _conversation(update, context)
    stats = await _state(context).chat.stats(conversation)
    if stats is not None:
        await _reply(update, render.render_stats(stats, language=conversation.who.language))


async def on_alias(update: Update, context: Context) -> None:
    """/alias NEW = KNOWN: another name for an actor, place or person; alone: the list."""
    message = update.effective_message
    if message is not None:
        await _state(context).chat.alias(_conversation(update, context), _argument(message))


async def on_cite(update: Update, context: Context) -> None:
    """/cite FILE key=value …: how a document is cited; FILE alone: show it."""
    message = update.effective_message
    if message is not None:
        await _state(context).chat.cite(_conversation(update, context), _argument(message))


# --- errors, setup, running -----------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the exception; tell the user something went wrong, without details."""
    log.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    sorry = texts.text("something_went_wrong")
    with contextlib.suppress(TelegramError):
        if update.callback_query:
            await update.callback_query.answer(sorry, show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(render.escape(sorry))


UPDATE_CHECKPOINT = "telegram.last_batch"
RECENT_UPDATES = 256  # a getUpdates batch holds at most 100 updates
RESEND_WINDOW = 60.0  # seconds after start in which Telegram hands out the re-sent batch
RESEND_MAX_AGE = 24 * 3600  # Telegram keeps unconfirmed updates for 24 hours


class RecentUpdates:
    """The latest updates handled, as update id -> salted digest of what the update is
    (`_identity`), so a re-sent update is told apart from a new one that reuses its id."""

    def __init__(self, items: dict[int, str] | None = None) -> None:
        self.items: dict[int, str] = dict(items or {})

    def add(self, update_id: int, digest: str) -> None:
        self.items[update_id] = digest
        while len(self.items) > RECENT_UPDATES:
            del self.items[next(iter(self.items))]

    def holds(self, update_id: int, digest: str) -> bool:
        return self.items.get(update_id) == digest

    def dump(self, bot_id: int) -> str:
        return json.dumps({"bot": bot_id, "at": time.time(), "updates": list(self.items.items())})

    @classmethod
    def load(cls, saved: str, bot_id: int) -> RecentUpdates:
        """The updates another run of this bot handled, if it stopped less than
        RESEND_MAX_AGE ago; empty for another bot, an old or an unreadable checkpoint."""
        try:
            data = json.loads(saved)
            fresh = data["bot"] == bot_id and 0 <= time.time() - data["at"] < RESEND_MAX_AGE
            return cls({int(i): str(what) for i, what in data["updates"]} if fresh else {})
        except (ValueError, TypeError, KeyError):
            return cls()


def _identity(update: Update) -> str:
    """What an update is, beyond its id: its query id, or its chat, message id and date
    (stored only as a salted hash)."""
    if update.callback_query:
        return f"callback {update.callback_query.id}"
    if update.inline_query:
        return f"inline {update.inline_query.id}"
    message = update.effective_message
    if message is None:
        return "other"
    return f"message {message.chat_id} {message.message_id} {message.date.timestamp():.0f}"


async def skip_seen(update: Update, context: Context) -> None:
    """Drop an update an earlier run of this bot already answered: Telegram sends the last
    batch again, shortly after a restart, when the confirming getUpdates at shutdown failed.
    Only that batch is skipped; update ids alone prove nothing (Telegram restarts them)."""
    state = _state(context)
    digest = state.service.private_digest(_identity(update))
    if time.monotonic() < state.resent_until and state.resent.holds(update.update_id, digest):
        log.warning("Skipping update %d: answered before the restart", update.update_id)
        raise ApplicationHandlerStop
    state.handled.add(update.update_id, digest)


async def save_checkpoint(application: App) -> None:
    """After the application drained its updates: remember the last ones handled."""
    state = cast(BotState, application.bot_data[STATE_KEY])
    if state.handled.items:
        await state.service.save_checkpoint(UPDATE_CHECKPOINT,
                                            state.handled.dump(application.bot.id))


async def start_up(application: App) -> None:
    """Load the checkpoint of the previous run and set the command menus."""
    state = cast(BotState, application.bot_data[STATE_KEY])
    saved = await state.service.checkpoint(UPDATE_CHECKPOINT)
    state.resent = RecentUpdates.load(saved, application.bot.id)
    state.resent_until = time.monotonic() + RESEND_WINDOW
    await set_commands(application)


async def set_commands(application: App) -> None:
    """Command menus: user commands for all; moderator commands for moderators' private
    chats and for the administrators of `telegram.moderator_chats`. English for everyone,
    and each other catalogue language for the users whose app is set to it."""
    bot = application.bot
    config = cast(BotState, application.bot_data[STATE_KEY]).config
    scopes = [*(BotCommandScopeChat(user_id) for user_id in config.telegram.moderators),
              *(BotCommandScopeChatAdministrators(chat_id)
                for chat_id in config.telegram.moderator_chats)]
    for language in texts.LANGUAGES:
        code = None if language == "en" else language
        user_menu, moderator_menu = render.command_menus(language)
        users = [BotCommand(name, text) for name, text in user_menu]
        moderators = users + [BotCommand(name, text) for name, text in moderator_menu]
        await bot.set_my_commands(users, scope=BotCommandScopeDefault(), language_code=code)
        for number, scope in enumerate(scopes, start=1):
            try:
                await bot.set_my_commands(moderators, scope=scope, language_code=code)
            except TelegramError as exc:  # e.g. the moderator has not started the bot yet
                log.warning("Moderator command menu #%d (%s) not set: %s", number, language,
                            exc)


def add_handlers(application: App) -> None:
    """Register every handler and the error handler."""
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, skip_seen), group=-1)
    application.add_handlers([
        MessageHandler(filters.UpdateType.GUEST_MESSAGE, on_guest),
        CommandHandler("start", on_start),
        CommandHandler("help", on_help),
        CommandHandler("sources", on_sources),
        CommandHandler("ask", on_ask),
        CommandHandler("reindex", on_reindex),
        CommandHandler("add", on_add),
        CommandHandler("remove", on_remove),
        CommandHandler("stats", on_stats),
        CommandHandler("alias", on_alias),
        CommandHandler("cite", on_cite),
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(r"^/add(?:@\w+)?(?:\s|$)"),
                       on_add),
        MessageHandler(private & text, on_private_text),
        MessageHandler(groups & text & _AddressedToBot(), on_group_text),
        MessageHandler(private & filters.COMMAND, on_unknown_command),
        CallbackQueryHandler(on_button),
        InlineQueryHandler(on_inline),
    ])
    application.add_error_handler(on_error)


def _builder(config: Config, token: str, rate_limiter: BaseRateLimiter[Any] | None,
             ) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    tg = config.telegram
    defaults = Defaults(parse_mode=ParseMode.HTML, allow_sending_without_reply=True,
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
    return (ApplicationBuilder().token(token)
            .base_url(tg.base_url).base_file_url(tg.base_file_url)
            .defaults(defaults)
            .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
            .concurrent_updates(CONCURRENT_UPDATES))


def build_application(config: Config, service: Service, token: str, *,
                      rate_limiter: BaseRateLimiter[Any] | None = None,
                      chat: Chat | None = None) -> App:
    """The bot application for an open service (tests point `telegram.base_url` at a fake);
    `chat`: the process's chat layer when other front ends share it.

    `rate_limiter` defaults to AIORateLimiter(max_retries=3), which honours RetryAfter.
    """
    protect_token(token)
    application = (_builder(config, token, rate_limiter)
                   .post_init(start_up).post_stop(save_checkpoint).build())
    application.bot_data[STATE_KEY] = BotState(chat or Chat(config, service))
    add_handlers(application)
    return application


def _serve(application: App, config: Config) -> None:
    """Polling by default; webhook mode when `telegram.webhook_url` is set."""
    if not config.telegram.webhook_url:
        application.run_polling(allowed_updates=list(ALLOWED_UPDATES))
        return
    application.run_webhook(**webhook_settings(config))


async def start_updater(application: App, config: Config) -> None:
    """Start fetching updates inside a running event loop (`conflictbot serve`): polling,
    or the webhook listener when `telegram.webhook_url` is set."""
    assert application.updater is not None
    if config.telegram.webhook_url:
        await application.updater.start_webhook(**webhook_settings(config))
    else:
        await application.updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))


async def stop_application(application: App) -> None:
    """As `run_polling` ends: stop fetching (confirms the updates fetched), drain, save the
    checkpoint, shut down."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        await save_checkpoint(application)
    await application.shutdown()


def webhook_settings(config: Config) -> dict[str, Any]:
    """Arguments of run_webhook / start_webhook for `telegram.webhook_*`, always with a
    secret: Telegram sends it with every update and the listener refuses requests without it
    (403), so nobody can post forged updates to the webhook address."""
    tg = config.telegram
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or secrets.token_urlsafe(32)
    REDACTOR.add(secret)
    return {"listen": tg.webhook_listen, "port": tg.webhook_port,
            "url_path": urlsplit(tg.webhook_url).path.lstrip("/"),
            "webhook_url": tg.webhook_url,
            "secret_token": secret,
            "allowed_updates": list(ALLOWED_UPDATES)}


def run(config: Config) -> int:
    """`conflictbot telegram`: run the bot until interrupted; 2 if the token is missing or
    the service cannot start (one line on stderr)."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print("error: TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather and export "
              "its token)", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.logging.level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    protect_token(token)

    async def open_service(application: App) -> None:
        application.bot_data[STATE_KEY] = BotState(Chat(config, await Service.open(config)))
        await start_up(application)

    async def close_service(application: App) -> None:
        state = application.bot_data.get(STATE_KEY)
        if isinstance(state, BotState):
            await state.service.close()

    application = (_builder(config, token, None)
                   .post_init(open_service).post_stop(save_checkpoint)
                   .post_shutdown(close_service).build())
    add_handlers(application)
    try:
        _serve(application, config)
    except StartupError as exc:  # raised by open_service, after PTB shut itself down
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        print(f"error: {texts.text('telegram_rejected_token')}", file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"error: Telegram: {REDACTOR.scrub(str(exc))}", file=sys.stderr)
        return 1
    return 0
