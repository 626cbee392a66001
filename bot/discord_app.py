"""Discord front end: a thin discord.py 2.x adapter over `bot.core.Service`.

Rendering lives in `bot.render.discord_md`; this module only wires slash commands, mentions,
direct messages and buttons to the service and sends what the renderer produced.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import secrets
import shlex
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import chat as layer
from bot import payload, texts
from bot.config import Config, DiscordConfig
from bot.core import Service, StartupError
from bot.frontend import REDACTOR, ThrottledProgress, protect_token
from bot.render import discord_md as render
from bot.render.discord_md import Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

TOKEN_ENV = "DISCORD_BOT_TOKEN"
NO_MENTIONS = discord.AllowedMentions.none()
PROGRESS_INTERVAL = 1.5
# Discord drops an interaction not answered within 3 s; an answer not ready by then is
# deferred ("thinking…") and the original response edited once it is.
DEFER_AFTER = 1.5
_STYLES = {"primary": discord.ButtonStyle.primary, "secondary": discord.ButtonStyle.secondary,
           "success": discord.ButtonStyle.success, "danger": discord.ButtonStyle.danger}


# --- endpoints --------------------------------------------------------------------


@contextlib.contextmanager
def endpoints(settings: DiscordConfig) -> Iterator[None]:
    """Point discord.py at `discord.api_base` and `discord.gateway_url` while inside.

    discord.py reads both from class attributes (`Route.BASE` for REST and webhooks,
    `DiscordWebSocket.DEFAULT_GATEWAY` for the first connection); they are restored on exit.
    """
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = settings.api_base.rstrip("/")
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


# --- who is asking -------------------------------------------------------------------


def _state(interaction: discord.Interaction) -> layer.Chat:
    """The chat layer of the client that received `interaction`."""
    return cast(DiscordBot, interaction.client).state


def _user_key(user: discord.abc.User) -> str:
    """The platform-qualified raw id the core hashes ("dc:<id>")."""
    return f"dc:{user.id}"


def _who(interaction: discord.Interaction) -> layer.Who:
    """The user as the chat layer sees them: roles and Manage Server count only in the
    server the interaction came from (the chat layer checks it is a listed one)."""
    user, perms = interaction.user, interaction.permissions
    roles = tuple(role.id for role in user.roles) if isinstance(user, discord.Member) else ()

    async def manages_guild() -> bool:
        return bool(perms.manage_guild or perms.administrator)

    return layer.Who(_user_key(user), user.id, layer.DISCORD, place=interaction.guild_id,
                     roles=roles, admin=manages_guild,
                     language=texts.interface_language(interaction.locale.value))


# --- sending ------------------------------------------------------------------------


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=payload.TEMPLATE):
    """A Full text, 👍/👎 or More button; its custom id says what it acts on, so it keeps
    working for any message, even after a restart."""

    def __init__(self, button: discord.ui.Button[discord.ui.View]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        """Rebuild the button from a pressed component."""
        return cls(discord.ui.Button(custom_id=match.string))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the press to the chat layer and show the outcome; failures get a polite
        ephemeral reply."""
        try:
            outcome = await _state(interaction).press(_who(interaction), self.custom_id, render,
                                                      asker=_asker(interaction.message))
            await _show(interaction, outcome)
        except Exception:
            log.exception("Error while handling a button")
            await _sorry(interaction)


def _asker(message: discord.Message | None) -> str | None:
    """Who ran the command a message answers (None: not a command's answer)."""
    metadata = message.interaction_metadata if message is not None else None
    return _user_key(metadata.user) if metadata is not None else None


def _view(buttons: Sequence[render.Button]) -> discord.ui.View | None:
    """The rendered buttons as a persistent view (None when there are none)."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for b in buttons:
        view.add_item(AnswerButton(discord.ui.Button(
            label=b.label, custom_id=b.custom_id, style=_STYLES[b.style], row=b.row)))
    return view


def _payload(reply: Reply) -> dict[str, Any]:
    """Keyword arguments of any send or edit: content, embeds, view, and never a mention."""
    kwargs: dict[str, Any] = {
        "embeds": [discord.Embed.from_dict(e.to_dict()) for e in reply.embeds],
        "allowed_mentions": NO_MENTIONS,
    }
    if reply.content:
        kwargs["content"] = reply.content
    view = _view(reply.buttons)
    if view is not None:
        kwargs["view"] = view
    return kwargs


async def _once_more(send: Callable[[], Awaitable[T]]) -> T:
    """Await `send()`, and once more if the connection failed before an answer came."""
    # discord.py retries a reset only for the macOS and Windows errno (not Linux's 104) and
    # never a dropped connection. Only for requests Discord deduplicates in case the first
    # did arrive: a message with a nonce, an interaction's first response (a 2nd is refused).
    try:
        return await send()
    except aiohttp.ClientConnectionError as exc:
        log.warning("Discord connection failed (%s); trying once more", exc)
        return await send()


async def _send(interaction: discord.Interaction, reply: Reply) -> None:
    """Answer an interaction with `reply` (as a followup once it was answered)."""
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=reply.ephemeral, **_payload(reply))
    else:
        await _once_more(lambda: interaction.response.send_message(
            ephemeral=reply.ephemeral, **_payload(reply)))


async def _send_all(interaction: discord.Interaction, replies: Sequence[Reply]) -> None:
    """Send several messages: the response, then followups."""
    for reply in replies:
        await _send(interaction, reply)


async def _say(interaction: discord.Interaction, text: str) -> None:
    """A short ephemeral text reply."""
    await _send(interaction, Reply(content=render.content(text), ephemeral=True))


async def _sorry(interaction: discord.Interaction) -> None:
    """Tell the user something went wrong, if Discord still lets us (and can be reached)."""
    try:
        await _say(interaction, texts.text("something_went_wrong"))
    except (discord.HTTPException, aiohttp.ClientError) as exc:
        log.warning("Apology not sent: %s", exc)


# --- questions ----------------------------------------------------------------------


async def _ask(chat: layer.Chat, question: str, who: layer.Who, *,
               always_notify: bool) -> Reply | None:
    """Flood check, search and render; None when a flooding user was already told."""
    asked = await chat.ask(who, question, always_notify=always_notify)
    if isinstance(asked, layer.Slowed):
        notice = asked.notice
        return Reply(render.content(notice.text), ephemeral=True) if notice else None
    reply = render.render_answer(asked.answer, asked.key, who.language)
    return replace(reply, ephemeral=True) if asked.answer.abstained else reply


@app_commands.describe(question=texts.text("param_question"))
async def ask_command(interaction: discord.Interaction,
                      question: app_commands.Range[str, 1, 500]) -> None:
    """/ask QUESTION: quoted, cited passages from the corpus; deferred when slow."""
    asking = asyncio.ensure_future(_ask(_state(interaction), question, _who(interaction),
                                        always_notify=True))
    done, _ = await asyncio.wait({asking}, timeout=DEFER_AFTER)
    if not done:
        await interaction.response.defer(thinking=True)
    reply = await asking or Reply(texts.text("something_went_wrong"), ephemeral=True)
    if not interaction.response.is_done():
        await _send(interaction, reply)
    elif reply.ephemeral:  # the deferral was public: replace it by a private reply
        await interaction.delete_original_response()
        await interaction.followup.send(ephemeral=True, **_payload(reply))
    else:
        await interaction.edit_original_response(**_payload(reply))


async def ask_autocomplete(interaction: discord.Interaction,
                           current: str) -> list[app_commands.Choice[str]]:
    """Suggestions while typing /ask: the operator's `discord.suggestions`, then document
    titles; never what users typed, which anyone with a few accounts could push to all."""
    state = _state(interaction)
    titles = [s.title for s in await state.service.sources()]
    return [app_commands.Choice(name=text, value=text)
            for text in render.suggest(current, state.config.discord.suggestions, titles)]


async def _over_limit(interaction: discord.Interaction) -> bool:
    """Count a command against the user's limit; over it, an ephemeral notice and True."""
    slowed = _state(interaction).over_limit(_who(interaction), always_notify=True)
    if slowed is None:
        return False
    await _say(interaction, slowed.notice.text if slowed.notice else "")
    return True


async def sources_command(interaction: discord.Interaction) -> None:
    """/sources: the first page of the corpus listing (one message, with page buttons)."""
    if await _over_limit(interaction):
        return
    first = render.render_sources(await _state(interaction).service.sources(), 0,
                                  _who(interaction).language)
    await _send(interaction, first or Reply(texts.text("something_went_wrong"), ephemeral=True))


async def help_command(interaction: discord.Interaction) -> None:
    """/help: how to ask, with examples."""
    if await _over_limit(interaction):
        return
    intro = _state(interaction).intro(_who(interaction))
    buttons = tuple(render.Button(question[:80], payload.encode(payload.Example(i)), row=i - 1)
                    for i, question in enumerate(intro.examples, start=1))
    await _send(interaction, Reply(render.content(intro.text), buttons=buttons, ephemeral=True))


# --- buttons ------------------------------------------------------------------------


async def _show(interaction: discord.Interaction, outcome: layer.ButtonOutcome) -> None:
    """Show what the chat layer made of a press: a notice (ephemeral), an edit in place,
    the full text (ephemeral); over the button budget and already told, a silent
    acknowledgement (Discord shows "interaction failed" without any response)."""
    language = _who(interaction).language
    if isinstance(outcome, layer.Notice):
        await _say(interaction, outcome.text)
    elif isinstance(outcome, layer.Slowed):
        if outcome.notice is not None:
            await _say(interaction, outcome.notice.text)
        else:
            await interaction.response.defer()
    elif isinstance(outcome, layer.Asked) and outcome.fresh:
        await _send(interaction, render.render_answer(outcome.answer, outcome.key, language))
    elif isinstance(outcome, layer.Asked | layer.ShowSources):
        shown = (render.render_answer(outcome.answer, outcome.key, language)
                 if isinstance(outcome, layer.Asked)
                 else render.render_sources(outcome.sources, outcome.page, language))
        edit = _payload(cast(Reply, shown))
        edit.setdefault("view", None)
        await interaction.response.edit_message(**edit)
    elif outcome.full is None:
        await _say(interaction, texts.text("gone"))
    else:
        await _send_all(interaction, render.render_full_text(outcome.full, outcome.key,
                                                             outcome.chunk_id, language))


# --- moderators ---------------------------------------------------------------------


class ProgressReporter(ThrottledProgress):
    """Progress shown by editing the command's original response."""

    def __init__(self, interaction: discord.Interaction, shown: str,
                 interval: float | None = None) -> None:
        super().__init__(shown, render.render_progress,
                         PROGRESS_INTERVAL if interval is None else interval, wait_first=True)
        self._interaction = interaction

    async def _send(self, text: str) -> None:
        try:
            await self._interaction.edit_original_response(content=text,
                                                           allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("Progress message not updated: %s", exc)


@dataclass
class _Conversation:
    """A slash command, for the chat layer: replies are ephemeral; progress is the
    original response, edited."""

    interaction: discord.Interaction
    who: layer.Who
    render: layer.Renderer = field(default_factory=lambda: render)

    async def say(self, text: str) -> None:
        await _say(self.interaction, text)

    async def progress(self, text: str) -> ThrottledProgress | None:
        await _say(self.interaction, text)
        return ProgressReporter(self.interaction, text)


def _conversation(interaction: discord.Interaction) -> _Conversation:
    return _Conversation(interaction, _who(interaction))


async def reindex_command(interaction: discord.Interaction) -> None:
    """/reindex: rebuild the index from the corpus folder (moderators)."""
    await _state(interaction).reindex(_conversation(interaction))


@app_commands.describe(document=texts.text("param_document"), url=texts.text("param_url"),
                       document2=texts.text("param_document"),
                       document3=texts.text("param_document"))
async def add_command(interaction: discord.Interaction,
                      document: discord.Attachment | None = None,
                      url: app_commands.Range[str, 1, 1000] | None = None,
                      document2: discord.Attachment | None = None,
                      document3: discord.Attachment | None = None) -> None:
    """/add DOCUMENT, links or up to three attachments (or archives of documents): download
    or fetch them, add them to the corpus (moderators)."""
    uploads = [_attachment(a) for a in (document, document2, document3) if a is not None]
    await _state(interaction).add(_conversation(interaction), uploads[0] if uploads else None,
                                  more=uploads[1:], text=url or "")


def _attachment(document: discord.Attachment) -> layer.Upload:
    async def size() -> int:
        return document.size

    async def read() -> bytes:
        try:
            return await document.read()
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            raise layer.DownloadFailed(str(exc)) from exc

    return layer.Upload(document.filename, size, read)


@app_commands.describe(file=texts.text("param_file"))
async def remove_command(interaction: discord.Interaction,
                         file: app_commands.Range[str, 1, 200]) -> None:
    """/remove FILE: remove a document and reindex (moderators)."""
    await _state(interaction).remove(_conversation(interaction), file)


async def remove_autocomplete(interaction: discord.Interaction,
                              current: str) -> list[app_commands.Choice[str]]:
    """File names of the corpus matching what was typed."""
    files = sorted({s.file for s in await _state(interaction).service.sources()})
    return [app_commands.Choice(name=f, value=f)
            for f in render.suggest(current, files, ()) if len(f) <= render.CHOICE_LIMIT]


async def stats_command(interaction: discord.Interaction) -> None:
    """/stats: corpus and usage figures (moderators)."""
    conversation = _conversation(interaction)
    stats = await _state(interaction).stats(conversation)
    if stats is not None:
        await _send(interaction, render.render_stats(stats, language=conversation.who.language))


@app_commands.describe(alias=texts.text("param_alias"))
async def alias_command(interaction: discord.Interaction,
                        alias: app_commands.Range[str, 1, 250] | None = None) -> None:
    """/alias NEW = KNOWN: another name for an actor, place or person (moderators)."""
    await _state(interaction).alias(_conversation(interaction), alias or "")


@app_commands.describe(file=texts.text("param_file"), citation=texts.text("param_citation"))
async def cite_command(interaction: discord.Interaction, file: app_commands.Range[str, 1, 200],
                       citation: app_commands.Range[str, 0, 1000] | None = None) -> None:
    """/cite FILE key=value …: how a document is cited; FILE alone: show it (moderators)."""
    text = f"{shlex.quote(file)} {citation or ''}".strip()
    await _state(interaction).cite(_conversation(interaction), text)


def build_commands() -> list[app_commands.Command[Any, Any, None]]:
    """Fresh slash commands (one set per client)."""
    described = dict(render.USER_COMMANDS + render.MODERATOR_COMMANDS)

    def command(name: str, callback: Any) -> app_commands.Command[Any, Any, None]:
        return app_commands.Command(name=name, description=described[name], callback=callback)

    ask, remove = command("ask", ask_command), command("remove", remove_command)
    ask.autocomplete("question")(ask_autocomplete)
    remove.autocomplete("file")(remove_autocomplete)
    cite = command("cite", cite_command)
    cite.autocomplete("file")(remove_autocomplete)
    return [ask, command("sources", sources_command), command("help", help_command),
            command("reindex", reindex_command), command("add", add_command), remove,
            command("stats", stats_command), command("alias", alias_command), cite]


# --- the client ---------------------------------------------------------------------


class CommandTree(app_commands.CommandTree["DiscordBot"]):
    """The slash commands, with a polite reply when one fails."""

    async def on_error(self, interaction: discord.Interaction[DiscordBot],
                       error: app_commands.AppCommandError) -> None:
        """Log the failure; tell the user something went wrong, without details."""
        log.error("Error in a slash command", exc_info=error)
        await _sorry(interaction)


class MenuTranslator(app_commands.Translator):
    """Command and option descriptions in each catalogue language: Discord shows a user the
    one of their client's locale (French for fr), English to the rest."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        return texts.menu_translation(string.message, texts.interface_language(locale.value))


def _signature(command: Mapping[str, Any]) -> str:
    """What matters of a command's JSON for deciding whether to sync it again."""
    def part(data: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": data["name"], "description": data.get("description", ""),
                "description_localizations": data.get("description_localizations") or {},
                "type": data.get("type") or 1, "required": bool(data.get("required")),
                "autocomplete": bool(data.get("autocomplete")),
                "min_length": data.get("min_length"), "max_length": data.get("max_length"),
                "options": [part(o) for o in data.get("options") or []]}
    return json.dumps(part(command), sort_keys=True)


class DiscordBot(discord.Client):
    """The bot: slash commands, mentions and direct messages, answer buttons."""

    def __init__(self, config: Config, service: Service, *, chat: layer.Chat | None = None,
                 **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # mentions and direct messages carry the question
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, **options)
        self.state = chat or layer.Chat(config, service)
        self.tree = CommandTree(self)
        for command in build_commands():
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        """Register the answer buttons and sync the slash commands if they changed."""
        self.add_dynamic_items(AnswerButton)
        await self.tree.set_translator(MenuTranslator())
        await self.sync_commands()

    async def sync_commands(self) -> bool:
        """Bulk-overwrite the global commands unless Discord already has these; True if
        they were uploaded (Discord rate-limits command updates, so skip needless ones)."""
        local = sorted([_signature(await self._payload(c)) for c in self.tree.get_commands()])
        remote = sorted(_signature(c.to_dict()) for c in await self.tree.fetch_commands())
        if local == remote:
            return False
        await self.tree.sync()
        log.info("Slash commands synced")
        return True

    async def close(self) -> None:
        """Close the connection; first end discord.py's pending "ready" wait (it waits
        guild_ready_timeout after the last GUILD_CREATE), which would otherwise dispatch
        on_ready after close() has dropped the client's loop: an AttributeError in a task
        and an un-awaited coroutine at exit when stopped soon after connecting."""
        await self._end_ready_wait()
        await super().close()
        await self._end_ready_wait()  # one a READY received while closing may have started

    async def _end_ready_wait(self) -> None:
        waiting: asyncio.Task[None] | None = getattr(self._connection, "_ready_task", None)
        if waiting is not None and not waiting.done():
            waiting.cancel()
            await asyncio.wait([waiting])  # (a cancellation of close() itself still counts)

    async def _payload(self, command: app_commands.Command[Any, Any, None] | Any
                       ) -> dict[str, Any]:
        """A command's JSON as a sync uploads it (with its translations, if any)."""
        translator = self.tree.translator
        if translator is None or not isinstance(command, app_commands.Command):
            return dict(command.to_dict(self.tree))
        return await command.get_translated_payload(self.tree, translator)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A press of a button the bot does not know (not one of its custom ids): say it
        expired, rather than let Discord report that the interaction failed."""
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id = str(cast(dict[str, Any], interaction.data or {}).get("custom_id", ""))
        if not re.fullmatch(payload.TEMPLATE, custom_id):
            await _say(interaction, texts.text("button_expired"))

    async def on_ready(self) -> None:
        """Log the connection."""
        log.info("Connected to Discord as %s", self.user)

    async def on_message(self, message: discord.Message) -> None:
        """A direct message, or a channel message mentioning the bot: answer it."""
        if (self.user is None or message.author.bot
                or message.type not in (discord.MessageType.default, discord.MessageType.reply)):
            return
        if message.guild is not None and self.user.id not in message.raw_mentions:
            return
        question = " ".join(re.sub(rf"<@!?{self.user.id}>", " ", message.content).split())
        who = layer.Who(_user_key(message.author), message.author.id, layer.DISCORD)
        reply = await _ask(self.state, question, who, always_notify=False)
        if reply is None:
            return
        nonce = secrets.randbits(64)  # the same on a repeat, so Discord keeps one message
        try:
            if message.guild is None:
                await _once_more(lambda: message.channel.send(nonce=nonce, **_payload(reply)))
            else:
                await _once_more(lambda: message.reply(mention_author=False, nonce=nonce,
                                                       **_payload(reply)))
        except (discord.HTTPException, aiohttp.ClientError) as exc:  # e.g. no permission
            log.warning("Reply not sent: %s", exc)


# --- running ------------------------------------------------------------------------


async def serve(config: Config, token: str, **options: Any) -> int:
    """Open the service, connect and run until closed; an exit status for `run`."""
    service = await Service.open(config)
    try:
        with endpoints(config.discord):
            async with DiscordBot(config, service, **options) as client:
                await client.start(token)
    except discord.LoginFailure:
        print(f"error: {texts.text('discord_rejected_token')}", file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print("error: enable the Message Content intent of the bot in the Discord developer "
              "portal", file=sys.stderr)
        return 2
    except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
        print(f"error: Discord: {REDACTOR.scrub(str(exc))}", file=sys.stderr)
        return 1
    finally:
        await service.close()
    return 0


def run(config: Config) -> int:
    """`conflictbot discord`: run the bot until interrupted; 2 if the token is missing or
    the service cannot start (one line on stderr)."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        print(f"error: {TOKEN_ENV} is not set (create a bot in the Discord developer portal "
              "and export its token)", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.logging.level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    protect_token(token)
    for chatty in ("discord.gateway", "discord.http"):  # their DEBUG logs every payload
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLogger().level))
    try:
        return asyncio.run(serve(config, token))
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
