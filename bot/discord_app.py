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
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.answer import ReindexResult
from bot.config import Config, DiscordConfig
from bot.core import DocumentRejected, ReindexBusy, Service
from bot.frontend import REDACTOR, QuestionCache, ThrottledProgress, protect_token
from bot.moderation import REFUSAL, FloodGate, Moderators
from bot.render import discord_md as render
from bot.render.discord_md import Reply
from index.lexicon import parse_alias_line

log = logging.getLogger(__name__)
T = TypeVar("T")

TOKEN_ENV = "DISCORD_BOT_TOKEN"
NO_MENTIONS = discord.AllowedMentions.none()
PROGRESS_INTERVAL = 1.5
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


# --- per-client state ---------------------------------------------------------------


@dataclass
class BotState:
    """Everything the handlers share (flood limits from the shared `flood` settings)."""

    config: Config
    service: Service
    moderators: Moderators
    flood: FloodGate
    flood_notice: FloodGate
    questions: QuestionCache = field(default_factory=QuestionCache)

    @classmethod
    def of(cls, config: Config, service: Service) -> BotState:
        dc = config.discord
        return cls(config, service, Moderators.of(dc.moderators, dc.moderator_roles),
                   FloodGate(config.flood.questions, config.flood.seconds),
                   FloodGate(1, config.flood.seconds))


def _state(interaction: discord.Interaction) -> BotState:
    """The shared state of the client that received `interaction`."""
    return cast(DiscordBot, interaction.client).state


def _user_key(user: discord.abc.User) -> str:
    """The platform-qualified raw id the core hashes ("dc:<id>")."""
    return f"dc:{user.id}"


# --- sending ------------------------------------------------------------------------


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=render.CUSTOM_ID_TEMPLATE):
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
        """Dispatch the press to its handler; failures get a polite ephemeral reply."""
        action = render.parse_custom_id(self.custom_id)
        if action is None:
            return
        handler = {"more": on_more, "full": on_full_text, "vote": on_vote}[action.kind]
        try:
            await handler(interaction, action)
        except Exception:
            log.exception("Error while handling a %s button", action.kind)
            await _sorry(interaction)


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
        await _say(interaction, render.SOMETHING_WENT_WRONG)
    except (discord.HTTPException, aiohttp.ClientError) as exc:
        log.warning("Apology not sent: %s", exc)


# --- questions ----------------------------------------------------------------------


async def _ask(state: BotState, question: str, user: str, *,
               always_notify: bool) -> Reply | None:
    """Flood check, search and render; None when a flooding user was already told."""
    if not state.flood.allow(user):
        if always_notify or state.flood_notice.allow(user):
            return Reply(render.render_flood(state.config.flood.seconds),
                         ephemeral=True)
        return None
    answer = await state.service.ask(question, user=user)
    if answer.abstained:
        return render.render_answer(answer, "")
    return render.render_answer(answer, state.questions.put(answer.question, answer.query_id))


@app_commands.describe(question="Your question, e.g. Who did Wagner fight at Tinzaouatene?")
async def ask_command(interaction: discord.Interaction,
                      question: app_commands.Range[str, 1, 500]) -> None:
    """/ask QUESTION: quoted, cited passages from the corpus."""
    reply = await _ask(_state(interaction), question, _user_key(interaction.user),
                       always_notify=True)
    await _send(interaction, reply or Reply(render.SOMETHING_WENT_WRONG, ephemeral=True))


async def ask_autocomplete(interaction: discord.Interaction,
                           current: str) -> list[app_commands.Choice[str]]:
    """Suggestions while typing /ask: frequent questions, then document titles."""
    state = _state(interaction)
    titles = [s.title for s in await state.service.sources()]
    return [app_commands.Choice(name=text, value=text)
            for text in render.suggest(
                current, await state.service.frequent_questions(render.MAX_CHOICES), titles)]


async def sources_command(interaction: discord.Interaction) -> None:
    """/sources: the documents answers are quoted from."""
    await _send_all(interaction, render.render_sources(await _state(interaction).service.sources()))


async def help_command(interaction: discord.Interaction) -> None:
    """/help: how to ask, with examples."""
    await _send(interaction, render.render_help())


# --- buttons ------------------------------------------------------------------------


async def on_more(interaction: discord.Interaction, action: render.Callback) -> None:
    """"More": edit the answer in place with the next page of passages."""
    state, user = _state(interaction), _user_key(interaction.user)
    entry = state.questions.get(action.key)
    if entry is None:
        await _say(interaction, render.EXPIRED)
        return
    if not state.flood.allow(user):
        await _say(interaction, render.render_flood(state.config.flood.seconds))
        return
    answer = await state.service.ask(entry[0], user=user, offset=action.offset, log=False)
    payload = _payload(render.render_answer(answer, action.key))
    payload.setdefault("view", None)
    await interaction.response.edit_message(**payload)


async def on_full_text(interaction: discord.Interaction, action: render.Callback) -> None:
    """"Full text": the passage's whole section, as ephemeral message(s)."""
    full = await _state(interaction).service.full_text(action.chunk_id)
    if full is None:
        await _say(interaction, render.GONE)
        return
    await _send_all(interaction, render.render_full_text(full))


async def on_vote(interaction: discord.Interaction, action: render.Callback) -> None:
    """👍/👎: record feedback for a passage."""
    state = _state(interaction)
    entry = state.questions.get(action.key)
    await state.service.feedback(user=_user_key(interaction.user), chunk_id=action.chunk_id,
                                 value=action.value, query_id=entry[1] if entry else None)
    await _say(interaction, render.THANKS)


# --- moderators ---------------------------------------------------------------------


def _is_moderator(state: BotState, interaction: discord.Interaction) -> bool:
    """Listed user, listed role (id or name), or Manage Server in this guild."""
    user = interaction.user
    roles = ([key for role in user.roles for key in (str(role.id), role.name)]
             if isinstance(user, discord.Member) else [])
    perms = interaction.permissions
    admin = interaction.guild_id is not None and (perms.manage_guild or perms.administrator)
    return state.moderators.allows(user.id, is_admin=admin, roles=roles)


async def _audit(interaction: discord.Interaction, command: str, outcome: str) -> None:
    """Record a moderator command and its outcome in the shared audit log."""
    await _state(interaction).service.audit(user=_user_key(interaction.user), command=command,
                                            outcome=outcome)


async def _moderator(interaction: discord.Interaction, command: str) -> bool:
    """True if the user may run `command`; otherwise audit the refusal and say so."""
    if _is_moderator(_state(interaction), interaction):
        return True
    await _audit(interaction, command, "refused")
    await _say(interaction, REFUSAL)
    return False


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


async def _rebuild(interaction: discord.Interaction, command: str, start_text: str,
                   job: Callable[[ProgressReporter], Awaitable[ReindexResult]],
                   done: Callable[[ReindexResult], str]) -> None:
    """Show `start_text`, run an index rebuild behind it, report and audit the outcome."""
    if interaction.response.is_done():
        await interaction.edit_original_response(content=start_text,
                                                 allowed_mentions=NO_MENTIONS)
    else:
        await _say(interaction, start_text)
    reporter = ProgressReporter(interaction, start_text)
    try:
        text, outcome = done(await job(reporter)), "ok"
    except ReindexBusy:
        text, outcome = render.BUSY, "busy"
    except DocumentRejected as exc:
        text, outcome = render.render_rejected(str(exc)), "rejected"
    except Exception:
        log.exception("%s failed", command.split()[0])
        text, outcome = render.render_failed(command.split()[0]), "error"
    await reporter.finish(text)
    await _audit(interaction, command, outcome)


async def reindex_command(interaction: discord.Interaction) -> None:
    """/reindex: rebuild the index from the corpus folder (moderators)."""
    if not await _moderator(interaction, "reindex"):
        return
    service = _state(interaction).service
    if service.reindexing:
        await _audit(interaction, "reindex", "busy")
        await _say(interaction, render.BUSY)
        return
    await _rebuild(interaction, "reindex", render.render_progress(0, 0),
                   lambda reporter: service.reindex(reporter), render.render_reindexed)


@app_commands.describe(document="A .txt, .md or .html file to add to the corpus")
async def add_command(interaction: discord.Interaction, document: discord.Attachment) -> None:
    """/add DOCUMENT: download the attachment, add it to the corpus, reindex (moderators)."""
    if not await _moderator(interaction, "add"):
        return
    state, name = _state(interaction), document.filename
    limit = state.config.corpus.max_file_bytes
    if document.size > limit:
        await _audit(interaction, f"add {name}", "too_large")
        await _say(interaction, render.render_too_large(document.size, limit))
        return
    await _say(interaction, render.render_adding(name))
    data = await _download(interaction, document, limit)
    if data is not None:
        await _rebuild(interaction, f"add {name}", render.render_adding(name),
                       lambda _reporter: state.service.add_document(name, data),
                       lambda result: render.render_added(name, result))


async def _download(interaction: discord.Interaction, document: discord.Attachment,
                    limit: int) -> bytes | None:
    """The attachment's bytes, or None (reported and audited) if unavailable or too large."""
    command = f"add {document.filename}"
    try:
        data = await document.read()
    except (discord.HTTPException, aiohttp.ClientError) as exc:
        log.warning("Attachment download failed: %s", exc)
        text, outcome = render.DOWNLOAD_FAILED, "download_failed"
    else:
        if len(data) <= limit:
            return data
        text, outcome = render.render_too_large(len(data), limit), "too_large"
    await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
    await _audit(interaction, command, outcome)
    return None


@app_commands.describe(file="The document's file name, as listed by /sources")
async def remove_command(interaction: discord.Interaction,
                         file: app_commands.Range[str, 1, 200]) -> None:
    """/remove FILE: remove a document and reindex (moderators)."""
    if not await _moderator(interaction, "remove"):
        return
    service = _state(interaction).service
    await _rebuild(interaction, f"remove {file}", render.render_removing(file),
                   lambda _reporter: service.remove_document(file),
                   lambda result: render.render_removed(file, result))


async def remove_autocomplete(interaction: discord.Interaction,
                              current: str) -> list[app_commands.Choice[str]]:
    """File names of the corpus matching what was typed."""
    files = sorted({s.file for s in await _state(interaction).service.sources()})
    return [app_commands.Choice(name=f, value=f)
            for f in render.suggest(current, files, ()) if len(f) <= render.CHOICE_LIMIT]


async def stats_command(interaction: discord.Interaction) -> None:
    """/stats: corpus and usage figures (moderators)."""
    if not await _moderator(interaction, "stats"):
        return
    stats = await _state(interaction).service.stats()
    await _audit(interaction, "stats", "ok")
    await _send(interaction, render.render_stats(stats))


@app_commands.describe(alias="NEW NAME = KNOWN NAME, e.g. GSIM = JNIM; empty: list the added ones")
async def alias_command(interaction: discord.Interaction,
                        alias: app_commands.Range[str, 1, 250] | None = None) -> None:
    """/alias NEW = KNOWN: another name for an actor, place or person (moderators)."""
    if not await _moderator(interaction, "alias"):
        return
    service = _state(interaction).service
    if not alias or not alias.strip():
        await _audit(interaction, "alias", "ok")
        await _say(interaction, render.render_added_aliases(service.added_aliases()))
        return
    try:
        entry = await service.add_alias(alias)
    except DocumentRejected as exc:
        text, outcome = render.render_rejected(str(exc)), "rejected"
    else:
        text, outcome = render.render_alias_added(parse_alias_line(alias)[0],
                                                  entry.preferred), "ok"
    await _say(interaction, text)
    await _audit(interaction, f"alias {alias.strip()}", outcome)


def build_commands() -> list[app_commands.Command[Any, Any, None]]:
    """Fresh slash commands (one set per client)."""
    described = dict(render.USER_COMMANDS + render.MODERATOR_COMMANDS)

    def command(name: str, callback: Any) -> app_commands.Command[Any, Any, None]:
        return app_commands.Command(name=name, description=described[name], callback=callback)

    ask, remove = command("ask", ask_command), command("remove", remove_command)
    ask.autocomplete("question")(ask_autocomplete)
    remove.autocomplete("file")(remove_autocomplete)
    return [ask, command("sources", sources_command), command("help", help_command),
            command("reindex", reindex_command), command("add", add_command), remove,
            command("stats", stats_command), command("alias", alias_command)]


# --- the client ---------------------------------------------------------------------


class CommandTree(app_commands.CommandTree["DiscordBot"]):
    """The slash commands, with a polite reply when one fails."""

    async def on_error(self, interaction: discord.Interaction[DiscordBot],
                       error: app_commands.AppCommandError) -> None:
        """Log the failure; tell the user something went wrong, without details."""
        log.error("Error in a slash command", exc_info=error)
        await _sorry(interaction)


def _signature(command: Mapping[str, Any]) -> str:
    """What matters of a command's JSON for deciding whether to sync it again."""
    def part(data: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": data["name"], "description": data.get("description", ""),
                "type": data.get("type") or 1, "required": bool(data.get("required")),
                "autocomplete": bool(data.get("autocomplete")),
                "min_length": data.get("min_length"), "max_length": data.get("max_length"),
                "options": [part(o) for o in data.get("options") or []]}
    return json.dumps(part(command), sort_keys=True)


class DiscordBot(discord.Client):
    """The bot: slash commands, mentions and direct messages, answer buttons."""

    def __init__(self, config: Config, service: Service, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # mentions and direct messages carry the question
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, **options)
        self.state = BotState.of(config, service)
        self.tree = CommandTree(self)
        for command in build_commands():
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        """Register the answer buttons and sync the slash commands if they changed."""
        self.add_dynamic_items(AnswerButton)
        await self.sync_commands()

    async def sync_commands(self) -> bool:
        """Bulk-overwrite the global commands unless Discord already has these; True if
        they were uploaded (Discord rate-limits command updates, so skip needless ones)."""
        local = sorted(_signature(c.to_dict(self.tree)) for c in self.tree.get_commands())
        remote = sorted(_signature(c.to_dict()) for c in await self.tree.fetch_commands())
        if local == remote:
            return False
        await self.tree.sync()
        log.info("Slash commands synced")
        return True

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
        reply = await _ask(self.state, question, _user_key(message.author), always_notify=False)
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
        print(f"error: Discord rejected {TOKEN_ENV}; check the bot token in the developer "
              "portal", file=sys.stderr)
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
    """`conflictbot discord`: run the bot until interrupted; 2 if the token is missing."""
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
    except KeyboardInterrupt:
        return 130
