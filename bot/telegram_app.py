"""Telegram front end: a thin python-telegram-bot v22 adapter over `bot.core.Service`.

Rendering lives in `bot.render.telegram_html`; this module only wires Telegram updates to
the service and sends what the renderer produced.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    BotCommandScopeDefault,
    Document,
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
from telegram.error import InvalidToken, TelegramError
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

from bot.answer import ReindexResult
from bot.config import Config
from bot.core import DocumentRejected, ReindexBusy, Service
from bot.frontend import REDACTOR, QuestionCache, ThrottledProgress, protect_token
from bot.moderation import REFUSAL, FloodGate, Moderators
from bot.render import telegram_html as render
from index.lexicon import parse_alias_line

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE
CONCURRENT_UPDATES = 32
STATE_KEY = "conflictbot"
ALLOWED_UPDATES = ("message", "callback_query", "inline_query")
ADMIN_CACHE_SECONDS = 60.0
PROGRESS_INTERVAL = 1.0


# --- per-application state ----------------------------------------------------------


@dataclass
class BotState:
    """Everything the handlers share, kept in `application.bot_data[STATE_KEY]`."""

    config: Config
    service: Service
    moderators: Moderators
    flood: FloodGate
    flood_notice: FloodGate
    inline_flood: FloodGate
    questions: QuestionCache = field(default_factory=QuestionCache)
    handled_before: int = 0  # updates up to this id were answered by an earlier run
    highest_update: int = 0
    admins: dict[int, tuple[float, bool]] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config, service: Service) -> BotState:
        flood = config.flood
        return cls(config, service, Moderators.of(config.telegram.moderators),
                   FloodGate(flood.questions, flood.seconds),
                   FloodGate(1, flood.seconds),
                   FloodGate(flood.questions * 4, flood.seconds))


def _state(context: Context) -> BotState:
    return cast(BotState, context.bot_data[STATE_KEY])


def _user_key(update: Update) -> str:
    user = update.effective_user
    return f"tg:{user.id}" if user else "tg:anonymous"


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


async def _reply_all(update: Update, texts: Sequence[str]) -> None:
    for text in texts:
        await _reply(update, text)


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


async def _answer(update: Update, context: Context, question: str) -> None:
    """Answer one question: flood check, search, rendered reply with buttons."""
    state, user = _state(context), _user_key(update)
    if not state.flood.allow(user):
        if state.flood_notice.allow(user):
            await _reply(update, render.render_flood(state.config.flood.seconds))
        return
    answer = await state.service.ask(question, user=user)
    key = "" if answer.abstained else state.questions.put(answer.question, answer.query_id)
    rendered = render.render_answer(answer, key)
    await _reply(update, rendered.text, _markup(rendered.keyboard))


async def on_private_text(update: Update, context: Context) -> None:
    """Private chat: any text is a question."""
    if update.effective_message:
        await _answer(update, context, update.effective_message.text or "")


async def on_group_text(update: Update, context: Context) -> None:
    """Group message addressed to the bot (mention or reply): a question."""
    if update.effective_message:
        text = update.effective_message.text or ""
        await _answer(update, context, _without_mention(text, context.bot.username))


async def on_ask(update: Update, context: Context) -> None:
    """/ask QUESTION, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = _argument(message)
    if not question:
        await _reply(update, render.escape(render.ASK_USAGE))
        return
    await _answer(update, context, question)


async def on_start(update: Update, context: Context) -> None:
    """/start: welcome and how to ask."""
    await _reply(update, render.render_start(context.bot.username))


async def on_help(update: Update, context: Context) -> None:
    """/help: how to ask, with examples."""
    await _reply(update, render.render_help(context.bot.username))


async def on_unknown_command(update: Update, context: Context) -> None:
    """Unknown command in a private chat: point to /help."""
    await _reply(update, "I don't know that command. See /help.")


async def on_sources(update: Update, context: Context) -> None:
    """/sources: list the corpus documents."""
    await _reply_all(update, render.render_sources(await _state(context).service.sources()))


# --- buttons ------------------------------------------------------------------------


def _pressed(update: Update) -> render.Callback | None:
    query = update.callback_query
    return render.parse_callback(query.data or "") if query else None


async def on_more(update: Update, context: Context) -> None:
    """The "More" button: edit the answer to show the next page of passages."""
    query, action, state = update.callback_query, _pressed(update), _state(context)
    if query is None or action is None:
        return
    entry = state.questions.get(action.key)
    if entry is None:
        await query.answer(render.EXPIRED, show_alert=True)
        return
    if not state.flood.allow(_user_key(update)):
        await query.answer(render.render_flood(state.config.flood.seconds))
        return
    await query.answer()
    answer = await state.service.ask(entry[0], user=_user_key(update), offset=action.offset,
                                     log=False)
    rendered = render.render_answer(answer, action.key)
    await query.edit_message_text(rendered.text, reply_markup=_markup(rendered.keyboard))


async def on_full_text(update: Update, context: Context) -> None:
    """The "Full text" button: send the passage's whole section as new message(s)."""
    query, action = update.callback_query, _pressed(update)
    if query is None or action is None or update.effective_chat is None:
        return
    await query.answer()
    full = await _state(context).service.full_text(action.chunk_id)
    texts = render.render_full_text(full) if full else [render.escape(render.GONE)]
    for text in texts:
        await update.effective_chat.send_message(text)


async def on_vote(update: Update, context: Context) -> None:
    """👍/👎: record feedback for a passage."""
    query, action, state = update.callback_query, _pressed(update), _state(context)
    if query is None or action is None:
        return
    entry = state.questions.get(action.key)
    await state.service.feedback(user=_user_key(update), chunk_id=action.chunk_id,
                                 value=action.value, query_id=entry[1] if entry else None)
    await query.answer(render.THANKS)


# --- inline mode --------------------------------------------------------------------


async def on_inline(update: Update, context: Context) -> None:
    """`@bot question` in any chat: one article per passage."""
    query, state = update.inline_query, _state(context)
    if query is None:
        return
    text = query.query.strip()
    hint = InlineQueryResultsButton(text="Ask about the war in Mali and the Sahel",
                                    start_parameter="help")
    if not text or not state.inline_flood.allow(_user_key(update)):
        await query.answer([], cache_time=5, button=hint)
        return
    answer = await state.service.ask(text, user=_user_key(update), log=False)
    results = [InlineQueryResultArticle(
        id=a.id, title=a.title, description=a.description,
        input_message_content=InputTextMessageContent(a.text, parse_mode=ParseMode.HTML),
    ) for a in render.render_inline(answer)]
    await query.answer(results, cache_time=60, button=None if results else hint)


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


async def _moderator(update: Update, context: Context, command: str) -> bool:
    """True if the sender may run `command`; otherwise audit the refusal and say so."""
    state, user = _state(context), update.effective_user
    if user is not None:
        listed = user.id in state.moderators.user_ids
        admin = not listed and await _is_admin(context, user.id)
        if state.moderators.allows(user.id, is_admin=admin):
            return True
    await _audit(update, context, command, "refused")
    await _reply(update, render.escape(REFUSAL))
    return False


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


async def _rebuild(update: Update, context: Context, command: str, start_text: str,
                   job: Callable[[ProgressReporter], Awaitable[ReindexResult]],
                   done: Callable[[ReindexResult], str]) -> None:
    """Run an index rebuild behind a progress message; audit and report the outcome."""
    message = await _reply(update, start_text)
    if message is None:
        return
    reporter = ProgressReporter(message)
    try:
        text, outcome = done(await job(reporter)), "ok"
    except ReindexBusy:
        text, outcome = render.BUSY, "busy"
    except DocumentRejected as exc:
        text, outcome = render.render_rejected(str(exc)), "rejected"
    except Exception:
        log.exception("%s failed", command.split()[0])
        text, outcome = render.render_failed(command.split()[0]), "error"
    await _audit(update, context, command, outcome)
    await reporter.finish(text)


async def on_reindex(update: Update, context: Context) -> None:
    """/reindex: rebuild the index, with a progress message edited as it goes."""
    if not await _moderator(update, context, "reindex"):
        return
    service = _state(context).service
    if service.reindexing:
        await _audit(update, context, "reindex", "busy")
        await _reply(update, render.BUSY)
        return
    await _rebuild(update, context, "reindex", render.render_progress(0, 0),
                   lambda reporter: service.reindex(reporter), render.render_reindexed)


async def on_add(update: Update, context: Context) -> None:
    """/add: add the document sent with it (caption) or replied to."""
    message = update.effective_message
    if message is None or _for_another_bot(message, context.bot.username):
        return
    if not await _moderator(update, context, "add"):
        return
    replied = message.reply_to_message
    document = message.document or (replied.document if replied else None)
    if document is None:
        await _audit(update, context, "add", "usage")
        await _reply(update, render.escape(render.ADD_USAGE))
        return
    await _add_document(update, context, document)


def _for_another_bot(message: Message, username: str) -> bool:
    """True for a caption command addressed to another bot ("/add@other_bot")."""
    command = (message.caption or "").split(maxsplit=1)[0] if message.caption else ""
    _, at, target = command.partition("@")
    return bool(at) and target.casefold() != username.casefold()


async def _add_document(update: Update, context: Context, document: Document) -> None:
    """Size check, download through getFile, then Service.add_document."""
    state, name = _state(context), document.file_name or ""
    limit = state.config.corpus.max_file_bytes
    declared = document.file_size or 0
    file = await document.get_file() if declared <= limit else None
    size = max(declared, (file.file_size or 0) if file else 0)  # getFile reports it again
    if file is None or size > limit:
        await _audit(update, context, f"add {name}", "too_large")
        await _reply(update, render.render_too_large(size, limit))
        return
    data = bytes(await file.download_as_bytearray())
    start_text = f"⏳ Adding <code>{render.fit(name, 120)}</code>…"
    await _rebuild(update, context, f"add {name}", start_text,
                   lambda _reporter: state.service.add_document(name, data),
                   lambda result: render.render_added(name, result))


async def on_remove(update: Update, context: Context) -> None:
    """/remove FILE: remove a document and reindex."""
    message = update.effective_message
    if message is None or not await _moderator(update, context, "remove"):
        return
    name = _argument(message)
    if not name:
        await _audit(update, context, "remove", "usage")
        await _reply(update, render.escape(render.REMOVE_USAGE))
        return
    service = _state(context).service
    await _rebuild(update, context, f"remove {name}",
                   f"⏳ Removing <code>{render.fit(name, 120)}</code>…",
                   lambda _reporter: service.remove_document(name),
                   lambda result: render.render_removed(name, result))


async def on_stats(update: Update, context: Context) -> None:
    """/stats: corpus and usage figures."""
    if not await _moderator(update, context, "stats"):
        return
    stats = await _state(context).service.stats()
    await _audit(update, context, "stats", "ok")
    await _reply(update, render.render_stats(stats))


async def on_alias(update: Update, context: Context) -> None:
    """/alias NEW = KNOWN: another name for an actor, place or person; alone: the list."""
    message = update.effective_message
    if message is None or not await _moderator(update, context, "alias"):
        return
    service, text = _state(context).service, _argument(message)
    if not text:
        await _audit(update, context, "alias", "ok")
        await _reply(update, render.render_added_aliases(service.added_aliases()))
        return
    try:
        entry = await service.add_alias(text)
    except DocumentRejected as exc:
        reply, outcome = render.render_rejected(str(exc)), "rejected"
    else:
        reply, outcome = render.render_alias_added(parse_alias_line(text)[0],
                                                   entry.preferred), "ok"
    await _audit(update, context, f"alias {text}", outcome)
    await _reply(update, reply)


async def _audit(update: Update, context: Context, command: str, outcome: str) -> None:
    await _state(context).service.audit(user=_user_key(update), command=command,
                                        outcome=outcome)


# --- errors, setup, running -----------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the exception; tell the user something went wrong, without details."""
    log.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    with contextlib.suppress(TelegramError):
        if update.callback_query:
            await update.callback_query.answer(render.SOMETHING_WENT_WRONG, show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(render.escape(render.SOMETHING_WENT_WRONG))


UPDATE_CHECKPOINT = "telegram.update_id"


async def skip_seen(update: Update, context: Context) -> None:
    """Drop updates an earlier run already answered (Telegram re-sends them when the
    confirming getUpdates at shutdown failed); note the highest id handled."""
    state = _state(context)
    if update.update_id <= state.handled_before:
        log.info("Skipping update %d: answered before the restart", update.update_id)
        raise ApplicationHandlerStop
    state.highest_update = max(state.highest_update, update.update_id)


async def save_checkpoint(application: App) -> None:
    """After the application drained its updates: remember the highest one handled."""
    state = cast(BotState, application.bot_data[STATE_KEY])
    if state.highest_update > state.handled_before:
        await state.service.save_checkpoint(UPDATE_CHECKPOINT, state.highest_update)


async def start_up(application: App) -> None:
    """Load the checkpoint of the previous run and set the command menus."""
    state = cast(BotState, application.bot_data[STATE_KEY])
    state.handled_before = await state.service.checkpoint(UPDATE_CHECKPOINT)
    await set_commands(application)


async def set_commands(application: App) -> None:
    """Command menus: user commands for all; moderator commands for moderators' private
    chats and for the administrators of `telegram.moderator_chats`."""
    bot = application.bot
    users = [BotCommand(name, text) for name, text in render.USER_COMMANDS]
    moderators = users + [BotCommand(name, text) for name, text in render.MODERATOR_COMMANDS]
    await bot.set_my_commands(users, scope=BotCommandScopeDefault())
    config = cast(BotState, application.bot_data[STATE_KEY]).config
    scopes = [*(BotCommandScopeChat(user_id) for user_id in config.telegram.moderators),
              *(BotCommandScopeChatAdministrators(chat_id)
                for chat_id in config.telegram.moderator_chats)]
    for number, scope in enumerate(scopes, start=1):
        try:
            await bot.set_my_commands(moderators, scope=scope)
        except TelegramError as exc:  # e.g. the moderator has not started the bot yet
            log.warning("Moderator command menu #%d not set: %s", number, exc)


def add_handlers(application: App) -> None:
    """Register every handler and the error handler."""
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, skip_seen), group=-1)
    application.add_handlers([
        CommandHandler("start", on_start),
        CommandHandler("help", on_help),
        CommandHandler("sources", on_sources),
        CommandHandler("ask", on_ask),
        CommandHandler("reindex", on_reindex),
        CommandHandler("add", on_add),
        CommandHandler("remove", on_remove),
        CommandHandler("stats", on_stats),
        CommandHandler("alias", on_alias),
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(r"^/add(?:@\w+)?(?:\s|$)"),
                       on_add),
        MessageHandler(private & text, on_private_text),
        MessageHandler(groups & text & _AddressedToBot(), on_group_text),
        MessageHandler(private & filters.COMMAND, on_unknown_command),
        CallbackQueryHandler(on_more, pattern=r"^m\|"),
        CallbackQueryHandler(on_full_text, pattern=r"^f\|"),
        CallbackQueryHandler(on_vote, pattern=r"^v\|"),
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
                      rate_limiter: BaseRateLimiter[Any] | None = None) -> App:
    """The bot application for an open service (tests point `telegram.base_url` at a fake).

    `rate_limiter` defaults to AIORateLimiter(max_retries=3), which honours RetryAfter.
    """
    protect_token(token)
    application = (_builder(config, token, rate_limiter)
                   .post_init(start_up).post_stop(save_checkpoint).build())
    application.bot_data[STATE_KEY] = BotState.of(config, service)
    add_handlers(application)
    return application


def _serve(application: App, config: Config) -> None:
    """Polling by default; webhook mode when `telegram.webhook_url` is set."""
    tg = config.telegram
    if not tg.webhook_url:
        application.run_polling(allowed_updates=list(ALLOWED_UPDATES))
        return
    application.run_webhook(
        listen=tg.webhook_listen, port=tg.webhook_port,
        url_path=urlsplit(tg.webhook_url).path.lstrip("/"), webhook_url=tg.webhook_url,
        secret_token=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
        allowed_updates=list(ALLOWED_UPDATES))


def run(config: Config) -> int:
    """`conflictbot telegram`: run the bot until interrupted; 2 if the token is missing."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print("error: TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather and export "
              "its token)", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.logging.level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    protect_token(token)

    async def open_service(application: App) -> None:
        application.bot_data[STATE_KEY] = BotState.of(config, await Service.open(config))
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
    except InvalidToken:
        print("error: Telegram rejected TELEGRAM_BOT_TOKEN; check the token from @BotFather",
              file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"error: Telegram: {REDACTOR.scrub(str(exc))}", file=sys.stderr)
        return 1
    return 0
