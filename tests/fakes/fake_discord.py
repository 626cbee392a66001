"""A fake Discord REST API and gateway on 127.0.0.1 (aiohttp.web), for end-to-end tests.

It speaks the subset discord.py 2.x uses for a slash-command bot: login (/users/@me,
/oauth2/applications/@me), /gateway(/bot), a JSON websocket gateway (HELLO, IDENTIFY, READY,
GUILD_CREATE, HEARTBEAT/ACK, dispatched events), command sync, interaction callbacks,
webhook followups and edits, channel messages and attachment downloads. It records every
call, lets tests inject interactions and messages, and rejects what Discord would reject
(message limits, custom ids, double acknowledgements, reused message nonces) with Discord's
error shape.

Network faults, for tests/test_discord_faults.py: REST routes can answer 429 (with the
X-RateLimit headers and the Via header discord.py checks), any error status, a late response
or a connection reset, before or after the request took effect; routes can get real rate-limit
buckets. The gateway keeps a session: dispatched events are stored with their sequence
number and replayed after a RESUME (op 6), so that a dropped connection (close code, abrupt
TCP close, silent "zombie" connection, refused reconnects) loses nothing a real Discord would
not lose, and a forgotten session is refused with INVALID_SESSION (op 9).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import socket as sockets
import struct
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import WSMsgType, web

JSON = dict[str, Any]
API = "/api/v10"
EPHEMERAL = 64
LOADING = 128
TIMESTAMP = "2024-08-05T12:00:00.000000+00:00"
MANAGE_GUILD = 1 << 5


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (what the bot's renderer budgets with)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def message_problems(data: JSON, *, partial: bool = False) -> list[str]:
    """What Discord would reject in a message body (empty list: valid)."""
    problems: list[str] = []
    content = data.get("content") or ""
    if utf16_len(content) > 2000:
        problems.append("content: longer than 2000")
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        problems.append("embeds: more than 10")
    total = 0
    for i, embed in enumerate(embeds):
        total += _embed_problems(embed, f"embeds.{i}", problems)
    if total > 6000:
        problems.append(f"embeds: {total} characters in total, more than 6000")
    _component_problems(data.get("components") or [], problems)
    if not partial and not (content or embeds or data.get("components")
                            or data.get("attachments")):
        problems.append("message is empty")
    return problems


def _embed_problems(embed: JSON, where: str, problems: list[str]) -> int:
    limits = {"title": 256, "description": 4096}
    size = 0
    for key, limit in limits.items():
        text = embed.get(key) or ""
        size += utf16_len(text)
        if utf16_len(text) > limit:
            problems.append(f"{where}.{key}: longer than {limit}")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        problems.append(f"{where}.fields: more than 25")
    for j, item in enumerate(fields):
        name, value = item.get("name") or "", item.get("value") or ""
        size += utf16_len(name) + utf16_len(value)
        if not 1 <= utf16_len(name) <= 256:
            problems.append(f"{where}.fields.{j}.name: must be 1 to 256 long")
        if not 1 <= utf16_len(value) <= 1024:
            problems.append(f"{where}.fields.{j}.value: must be 1 to 1024 long")
    footer = (embed.get("footer") or {}).get("text") or ""
    size += utf16_len(footer)
    if utf16_len(footer) > 2048:
        problems.append(f"{where}.footer.text: longer than 2048")
    return size


def _component_problems(rows: Sequence[JSON], problems: list[str]) -> None:
    if len(rows) > 5:
        problems.append("components: more than 5 action rows")
    seen: set[str] = set()
    for i, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(children) <= 5:
            problems.append(f"components.{i}: an action row holds 1 to 5 components")
        for button in children:
            custom_id = button.get("custom_id")
            if button.get("style") != 5 and not (
                    isinstance(custom_id, str) and 1 <= len(custom_id) <= 100):
                problems.append(f"components.{i}: custom_id must be 1 to 100 long")
            if custom_id in seen:
                problems.append(f"components.{i}: duplicate custom_id {custom_id}")
            seen.add(custom_id)
            if len(button.get("label") or "") > 80:
                problems.append(f"components.{i}: label longer than 80")


@dataclass
class Call:
    """One recorded REST request (or attachment download)."""

    method: str
    path: str
    route: str
    body: Any = None
    query: dict[str, str] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """An injected fault for the next matching request(s) of a route."""

    route: str
    status: int
    message: str
    times: int
    # error: `status` with a Discord error body (502: Cloudflare's HTML page); rate_limit:
    # 429 with `retry_after`; reset: TCP reset; slow: answer after `delay` s or release()
    kind: str = "error"
    retry_after: float = 0.0
    is_global: bool = False
    delay: float = 0.0
    after: bool = False  # handle the request first (it takes effect), then the fault
    match: str = ""  # only paths containing this


@dataclass
class Connection:
    """One gateway connection attempt and how it went."""

    kind: str = "open"  # identify, resume, invalid (RESUME refused), refused (HTTP 502), rejected
    resumed_from: int | None = None
    replayed: list[int] = field(default_factory=list)  # sequence numbers sent again
    heartbeats: int = 0
    acks: int = 0


@dataclass
class Bucket:
    """A real rate-limit window for one route and major parameter."""

    limit: int
    window: float
    used: int = 0
    resets_at: float = 0.0


class DiscordError(Exception):
    """A Discord-style error response."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors
        self.headers = dict(headers or {})


class FakeDiscord:
    """The fake server. `await start()`, then point the bot at `api_base`/`gateway_url`."""

    def __init__(self, token: str, *, app_id: int = 900_000_000_000_000_001,
                 guild_id: int = 910_000_000_000_000_001,
                 channel_id: int = 920_000_000_000_000_001,
                 roles: dict[int, str] | None = None,
                 other_guilds: Mapping[int, Mapping[int, str]] | None = None,
                 heartbeat_interval: float = 41.25) -> None:
        self.token = token
        self.locales: dict[int, str] = {}  # user id -> the client's locale ("fr", "en-US")
        self.app_id, self.guild_id, self.channel_id = app_id, guild_id, channel_id
        self.bot_user: JSON = {"id": str(app_id), "username": "conflictbot",
                               "discriminator": "0", "global_name": "ConflictBot",
                               "avatar": None, "bot": True, "public_flags": 0, "flags": 0,
                               "verified": True, "mfa_enabled": False}
        self.roles = {guild_id: "@everyone", **(roles or {})}
        # every server the bot is in: its roles (another server's roles may share names)
        self.guild_roles = {guild_id: self.roles, **{
            other: {other: "@everyone", **other_roles}
            for other, other_roles in (other_guilds or {}).items()}}
        self.calls: list[Call] = []
        self.interaction_deadline = 3.0  # seconds Discord waits for an interaction response
        self.late_responses = 0  # responses refused for coming after the deadline
        self.frames: list[JSON] = []  # gateway frames received (IDENTIFY token redacted)
        self.identify: JSON | None = None
        self.commands: list[JSON] = []
        self.messages: dict[int, JSON] = {}
        self.interactions: dict[str, JSON] = {}  # token -> state
        self.attachments: dict[int, tuple[str, bytes]] = {}
        self.faults: list[Fault] = []
        self.heartbeat_interval = heartbeat_interval
        self.connections: list[Connection] = []
        self.history: list[JSON] = []  # this session's dispatched frames, for RESUME replay
        self.session_id: str | None = None
        self._invalid = False  # the session is forgotten: RESUME gets INVALID_SESSION
        self.refusals = 0  # gateway connection attempts still to refuse
        self.limits: dict[str, tuple[int, float]] = {}
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._nonces: dict[tuple[int, str], int] = {}
        self._ids = itertools.count(1_300_000_000_000_000_000)
        self._sessions = itertools.count(1)
        self._socket: web.WebSocketResponse | None = None
        self._transport: asyncio.Transport | None = None
        self._zombie: web.WebSocketResponse | None = None
        self._released = asyncio.Event()
        self._stalled = 0
        self._sequence = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway-ws", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._download)
        app.router.add_route("*", API + "/{path:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close the gateway and stop listening."""
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base + API

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway-ws"

    @property
    def connected(self) -> bool:
        """True once READY and GUILD_CREATE (or RESUMED) went out on a live connection."""
        return (self._socket is not None and not self._socket.closed
                and self._socket is not self._zombie and self._sequence >= 2)

    # ---------------------------------------------------------------- payloads

    def snowflake(self) -> int:
        return next(self._ids)

    @staticmethod
    def user(user_id: int, name: str = "") -> JSON:
        return {"id": str(user_id), "username": name or f"user{user_id % 10_000}",
                "discriminator": "0", "global_name": None, "avatar": None, "bot": False,
                "public_flags": 0}

    def member(self, user_id: int, roles: Iterable[int] = (), permissions: int = 0) -> JSON:
        return {"user": self.user(user_id), "roles": [str(r) for r in roles], "nick": None,
                "avatar": None, "joined_at": TIMESTAMP, "deaf": False, "mute": False,
                "flags": 0, "pending": False, "permissions": str(permissions)}

    def dm_channel(self, user_id: int) -> int:
        return user_id + 1  # a stable, distinct id per user

    def guild_channel(self, guild_id: int) -> int:
        """The one text channel of a server the bot is in."""
        return self.channel_id if guild_id == self.guild_id else guild_id + 1

    def _channel(self, guild: bool, user_id: int, guild_id: int | None = None) -> JSON:
        if not guild:
            return {"id": str(self.dm_channel(user_id)), "type": 1, "flags": 0,
                    "recipients": [self.user(user_id)], "last_message_id": None}
        guild_id = guild_id or self.guild_id
        return {"id": str(self.guild_channel(guild_id)), "type": 0, "guild_id": str(guild_id),
                "name": "general", "position": 0, "permission_overwrites": [], "nsfw": False,
                "parent_id": None, "topic": None, "last_message_id": None,
                "rate_limit_per_user": 0, "flags": 0}

    def guild(self, guild_id: int | None = None) -> JSON:
        guild_id = guild_id or self.guild_id
        roles = [{"id": str(rid), "name": name, "permissions": "0", "position": i,
                  "color": 0, "hoist": False, "managed": False, "mentionable": False,
                  "flags": 0, "icon": None, "unicode_emoji": None}
                 for i, (rid, name) in enumerate(self.guild_roles[guild_id].items())]
        return {"id": str(guild_id), "name": f"Test guild {guild_id % 1000}", "icon": None,
                "splash": None,
                "discovery_splash": None, "owner_id": "1", "afk_channel_id": None,
                "afk_timeout": 300, "verification_level": 0,
                "default_message_notifications": 1, "explicit_content_filter": 0,
                "roles": roles, "emojis": [], "stickers": [], "features": [], "mfa_level": 0,
                "application_id": None, "system_channel_id": None, "system_channel_flags": 0,
                "rules_channel_id": None, "vanity_url_code": None, "description": None,
                "banner": None, "premium_tier": 0, "preferred_locale": "en-US",
                "public_updates_channel_id": None, "nsfw_level": 0,
                "premium_progress_bar_enabled": False, "joined_at": TIMESTAMP,
                "large": False, "unavailable": False, "member_count": 2,
                "members": [self.member(self.app_id) | {"user": self.bot_user}],
                "channels": [self._channel(True, 0, guild_id)], "threads": [], "voice_states": [],
                "presences": [], "stage_instances": [], "guild_scheduled_events": [],
                "soundboard_sounds": []}

    def _message(self, channel_id: int, author: JSON, body: JSON, *, guild: bool,
                 flags: int = 0) -> JSON:
        message: JSON = {
            "id": str(self.snowflake()), "channel_id": str(channel_id), "author": author,
            "content": body.get("content") or "", "timestamp": TIMESTAMP,
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": body.get("embeds") or [],
            "components": body.get("components") or [], "pinned": False,
            "type": 19 if body.get("message_reference") else 0,
            "flags": flags | int(body.get("flags") or 0),
        }
        if guild:
            message["guild_id"] = str(self.guild_id)
        if body.get("message_reference"):
            message["message_reference"] = body["message_reference"]
        self.messages[int(message["id"])] = message
        return message

    # ---------------------------------------------------------------- injection

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send one DISPATCH event on the gateway (kept for a RESUME if it cannot go out)."""
        if self.session_id is None:
            raise AssertionError("no gateway session")
        self._sequence += 1
        frame = {"op": 0, "t": event, "s": self._sequence, "d": data}
        self.history.append(frame)
        socket = self._socket
        if socket is None or socket.closed or socket is self._zombie:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):  # closing under our feet
            await socket.send_str(json.dumps(frame))

    async def say(self, content: str, *, user_id: int, guild: bool = True,
                  roles: Iterable[int] = ()) -> JSON:
        """A user's message in the guild channel (or, guild=False, a direct message)."""
        channel = self.channel_id if guild else self.dm_channel(user_id)
        message = self._message(channel, self.user(user_id), {"content": content}, guild=guild)
        mentioned = {int(m) for m in re.findall(r"<@!?(\d+)>", content)}
        message["mentions"] = [self.bot_user if m == self.app_id else self.user(m)
                               for m in sorted(mentioned)]
        message["mention_roles"] = re.findall(r"<@&(\d+)>", content)
        message["mention_everyone"] = "@everyone" in content or "@here" in content
        if guild:
            message["member"] = {k: v for k, v in self.member(user_id, roles).items()
                                 if k not in ("user", "permissions")}
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    def _interaction(self, kind: int, data: JSON, *, user_id: int, guild: bool,
                     roles: Iterable[int], permissions: int,
                     message: JSON | None = None, token: str | None = None,
                     guild_id: int | None = None) -> JSON:
        guild_id = guild_id or self.guild_id
        channel = self._channel(guild, user_id, guild_id)
        interaction_id = self.snowflake()
        token = token or f"itok{interaction_id}"
        payload: JSON = {
            "id": str(interaction_id), "application_id": str(self.app_id), "type": kind,
            "data": data, "token": token, "version": 1,
            "locale": self.locales.get(user_id, "en-US"),
            "app_permissions": str((1 << 40) - 1), "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [], "channel": channel, "channel_id": channel["id"],
            "context": 0 if guild else 1,
            "authorizing_integration_owners": {"0": str(guild_id)} if guild else {
                "1": str(user_id)},
        }
        if guild:
            payload.update(guild_id=str(guild_id), guild_locale="en-US",
                           guild={"id": str(guild_id), "locale": "en-US", "features": []},
                           member=self.member(user_id, roles, permissions))
        else:
            payload["user"] = self.user(user_id)
        if message is not None:
            payload["message"] = message
        self.interactions[token] = {"payload": payload, "responded": False, "original": None,
                                    "message": message, "messages": [],
                                    "created": time.monotonic()}
        return payload

    def _command_data(self, name: str, options: list[JSON], resolved: JSON | None) -> JSON:
        command_id = next((c["id"] for c in self.commands if c["name"] == name), "1")
        data: JSON = {"id": command_id, "name": name, "type": 1, "options": options}
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, user_id: int,
                    guild: bool = True, roles: Iterable[int] = (), permissions: int = 0,
                    attachments: dict[str, JSON] | None = None,
                    token: str | None = None,  # token: to aim faults at it
                    guild_id: int | None = None) -> JSON:
        """Run a slash command as a user (in `guild_id`, default the first server; guild=False:
        in a DM); string options, and attachment options by name."""
        opts = [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]
        opts += [{"name": k, "type": 11, "value": a["id"]}
                 for k, a in (attachments or {}).items()]
        resolved = ({"attachments": {a["id"]: a for a in attachments.values()}}
                    if attachments else None)
        payload = self._interaction(2, self._command_data(name, opts, resolved),
                                    user_id=user_id, guild=guild, roles=roles,
                                    permissions=permissions, token=token, guild_id=guild_id)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def autocomplete(self, name: str, option: str, value: str, *, user_id: int,
                           guild: bool = True) -> JSON:
        """Type `value` into a command option that has autocomplete."""
        opts = [{"name": option, "type": 3, "value": value, "focused": True}]
        payload = self._interaction(4, self._command_data(name, opts, None), user_id=user_id,
                                    guild=guild, roles=(), permissions=0)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def press(self, message: JSON, custom_id: str, *, user_id: int) -> JSON:
        """Press a button of one of the bot's messages."""
        current = self.messages[int(message["id"])]
        payload = self._interaction(3, {"custom_id": custom_id, "component_type": 2},
                                    user_id=user_id, guild="guild_id" in current, roles=(),
                                    permissions=0, message=current)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def config_section(self) -> dict[str, dict[str, Any]]:
        """The config section that points a bot at this fake."""
        return {"discord": {"api_base": self.api_base, "gateway_url": self.gateway_url}}

    def add_attachment(self, filename: str, content: bytes, *,
                       declared_size: int | None = None) -> JSON:
        """A downloadable attachment (as in an interaction's resolved data)."""
        attachment_id = self.snowflake()
        self.attachments[attachment_id] = (filename, content)
        url = f"{self.base}/attachments/{attachment_id}/{quote(filename, safe='')}"
        return {"id": str(attachment_id), "filename": filename,
                "size": len(content) if declared_size is None else declared_size,
                "url": url, "proxy_url": url, "content_type": "text/plain; charset=utf-8"}

    def fail(self, route: str, *, status: int = 400, message: str = "Bad Request",
             times: int = 1, after: bool = False, match: str = "") -> None:
        """Make the next `times` requests of `route` fail with a Discord error."""
        self.faults.append(Fault(route, status, message, times, after=after, match=match))

    def rate_limit(self, route: str, *, retry_after: float, times: int = 1,
                   is_global: bool = False, match: str = "") -> None:
        """Answer the next `times` requests of `route` with 429 Too Many Requests."""
        self.faults.append(Fault(route, 429, "You are being rate limited.", times,
                                 kind="rate_limit", retry_after=retry_after,
                                 is_global=is_global, match=match))

    def reset(self, route: str, *, times: int = 1, after: bool = False,
              match: str = "") -> None:
        """Close the connection of the next `times` requests of `route` (TCP reset)."""
        self.faults.append(Fault(route, 0, "", times, kind="reset", after=after, match=match))

    def stall(self, route: str, delay: float, *, times: int = 1, match: str = "") -> None:
        """Hold the next `times` requests of `route` back `delay` s (or until `release()`)."""
        self.faults.append(Fault(route, 0, "", times, kind="slow", delay=delay, match=match))

    def release(self) -> None:
        """Let every stalled request go on now."""
        self._released.set()

    def stalled(self) -> int:
        """How many requests are being held back."""
        return self._stalled

    def limit(self, route: str, count: int, per: float) -> None:
        """Give `route` a real rate limit: `count` requests per `per` seconds and channel."""
        self.limits[route] = (count, per)

    async def drop(self, code: int | None = 4000) -> None:
        """Close the gateway connection with `code`, or (None) abruptly, without a frame."""
        socket, transport = self._socket, self._transport
        if socket is None:
            raise AssertionError("no gateway connection")
        self._socket = self._transport = None
        if code is None and transport is not None:
            _reset(transport)
        else:
            await socket.close(code=code or 1000)

    def zombie(self) -> None:
        """Keep the connection open but silent: no HEARTBEAT_ACK, events lost in transit."""
        self._zombie = self._socket

    def refuse(self, times: int) -> None:
        """Refuse the next `times` gateway connection attempts with HTTP 502."""
        self.refusals = times

    def invalidate(self) -> None:
        """Forget the session: RESUME gets INVALID_SESSION; events until IDENTIFY are lost."""
        self._invalid = True

    # ---------------------------------------------------------------- inspection

    def calls_to(self, route: str) -> list[Call]:
        return [c for c in self.calls if c.route == route]

    def for_interaction(self, interaction: Mapping[str, Any],
                        route: str | None = None) -> list[Call]:
        """Successful callback/followup/original-edit calls made for one interaction."""
        token = interaction["token"]
        return [c for c in self.calls if c.status < 300 and f"/{token}" in c.path
                and (route is None or c.route == route)]

    def sent(self, channel_id: int | None = None) -> list[Call]:
        """Successful channel messages, optionally to one channel."""
        return [c for c in self.calls if c.route == "channel_message" and c.status < 300
                and (channel_id is None or c.path.split("/")[2] == str(channel_id))]

    def message(self, message_id: int | str) -> JSON:
        return self.messages[int(message_id)]

    def responses(self, interaction: Mapping[str, Any]) -> list[JSON]:
        """Messages created in answer to an interaction (response and followups)."""
        state = self.interactions[interaction["token"]]
        return [self.messages[i] for i in state["messages"] if i in self.messages]

    def replies_to(self, message: Mapping[str, Any]) -> list[JSON]:
        """The bot's replies to a user message (in a DM: all it sent there afterwards)."""
        bot, channel = self.bot_user["id"], message["channel_id"]
        if "guild_id" in message:
            return [m for m in self.messages.values() if m["author"]["id"] == bot
                    and str((m.get("message_reference") or {}).get("message_id"))
                    == message["id"]]
        return [m for m in self.messages.values() if m["author"]["id"] == bot
                and m["channel_id"] == channel and int(m["id"]) > int(message["id"])]

    def original(self, interaction: Mapping[str, Any]) -> JSON | None:
        """The current state of an interaction's original response message."""
        state = self.interactions[interaction["token"]]
        return self.messages.get(state["original"]) if state["original"] else None

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0,
                       what: str = "condition") -> Any:
        """Poll `predicate` until it returns something truthy; fail after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            await asyncio.sleep(0.01)

    # ---------------------------------------------------------------- gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        connection = Connection()
        self.connections.append(connection)
        if self.refusals > 0:
            self.refusals -= 1
            connection.kind = "refused"
            self.calls.append(Call("GET", "/gateway-ws", "gateway", query=dict(request.query),
                                   status=502))
            return web.Response(status=502, text="<html>502 Bad Gateway</html>",
                                content_type="text/html")
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        self.calls.append(Call("GET", "/gateway-ws", "gateway", query=dict(request.query)))
        await socket.send_str(json.dumps({"op": 10, "d": {
            "heartbeat_interval": round(self.heartbeat_interval * 1000)}, "s": None, "t": None}))
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                data = json.loads(frame.data)
                op = data.get("op")
                token = None
                if op in (2, 6):  # IDENTIFY and RESUME carry the token: never keep it
                    token = data["d"].get("token")
                    data = {**data, "d": {**data["d"], "token": "<token>"}}
                self.frames.append(data)
                if op in (2, 6) and token != self.token:
                    connection.kind = "rejected"
                    await socket.close(code=4004, message=b"Authentication failed.")
                    break
                if op == 2:
                    connection.kind, self.identify = "identify", data["d"]
                    await self._ready(socket, request.transport)
                elif op == 6:
                    await self._resume(socket, request.transport, connection, data["d"])
                elif op == 1:
                    connection.heartbeats += 1
                    if socket is not self._zombie:
                        connection.acks += 1
                        await socket.send_str(json.dumps({"op": 11, "d": None, "s": None,
                                                          "t": None}))
        finally:
            if self._socket is socket:
                self._socket = self._transport = None
        return socket

    async def _resume(self, socket: web.WebSocketResponse,
                      transport: asyncio.Transport | None, connection: Connection,
                      data: JSON) -> None:
        """Replay what the client missed after `seq`, then RESUMED; or refuse the session."""
        if self._invalid or data.get("session_id") != self.session_id:
            connection.kind = "invalid"
            await socket.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return
        seq = int(data.get("seq") or 0)
        connection.kind, connection.resumed_from = "resume", seq
        index = next((i for i, f in enumerate(self.history) if f["s"] > seq),
                     len(self.history))
        while index < len(self.history):  # events dispatched meanwhile are replayed too
            frame = self.history[index]
            index += 1
            connection.replayed.append(frame["s"])
            await socket.send_str(json.dumps(frame))
        self._socket, self._transport = socket, transport
        await self.dispatch("RESUMED", {})

    async def _ready(self, socket: web.WebSocketResponse,
                     transport: asyncio.Transport | None = None) -> None:
        self.session_id, self._invalid = f"fake-session-{next(self._sessions)}", False
        self._socket, self._transport, self._sequence, self.history = socket, transport, 0, []
        await self.dispatch("READY", {
            "v": 10, "user": self.bot_user, "session_id": self.session_id,
            "resume_gateway_url": self.gateway_url, "guilds": [
                {"id": str(guild_id), "unavailable": True} for guild_id in self.guild_roles],
            "application": {"id": str(self.app_id), "flags": 0}, "private_channels": [],
            "relationships": [], "presences": [], "shard": [0, 1]})
        for guild_id in self.guild_roles:
            await self.dispatch("GUILD_CREATE", self.guild(guild_id))

    # ---------------------------------------------------------------- REST

    async def _download(self, request: web.Request) -> web.StreamResponse:
        self.calls.append(Call("GET", request.path, "download"))
        item = self.attachments.get(int(request.match_info["id"]))
        if item is None:
            return web.Response(status=404)
        return web.Response(body=item[1], content_type="application/octet-stream")

    _ROUTES: tuple[tuple[str, str, str, bool], ...] = (
        # method, path pattern, route name, needs the bot token
        ("GET", r"/gateway", "gateway_info", False),
        ("GET", r"/gateway/bot", "gateway_bot", True),
        ("GET", r"/users/@me", "me", True),
        ("GET", r"/(?:oauth2/)?applications/@me", "application", True),
        ("GET", r"/applications/\d+/commands", "get_commands", True),
        ("PUT", r"/applications/\d+/commands", "put_commands", True),
        ("GET", r"/applications/\d+/guilds/\d+/commands", "get_guild_commands", True),
        ("PUT", r"/applications/\d+/guilds/\d+/commands", "put_guild_commands", True),
        ("POST", r"/interactions/\d+/[^/]+/callback", "callback", False),
        ("POST", r"/webhooks/\d+/[^/]+", "followup", False),
        ("GET", r"/webhooks/\d+/[^/]+/messages/[^/]+", "get_webhook_message", False),
        ("PATCH", r"/webhooks/\d+/[^/]+/messages/[^/]+", "edit_webhook_message", False),
        ("DELETE", r"/webhooks/\d+/[^/]+/messages/[^/]+", "delete_webhook_message", False),
        ("POST", r"/channels/\d+/messages", "channel_message", True),
        ("PATCH", r"/channels/\d+/messages/\d+", "edit_channel_message", True),
        ("POST", r"/channels/\d+/typing", "typing", True),
        ("POST", r"/users/@me/channels", "create_dm", True),
    )

    async def _api(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body = await _body(request)
        route, needs_token = next(((name, auth) for method, pattern, name, auth in self._ROUTES
                                   if method == request.method and re.fullmatch(pattern, path)),
                                  ("unknown", False))
        call = Call(request.method, path, route, body, dict(request.query))
        self.calls.append(call)
        fault = self._take_fault(route, path)
        headers: dict[str, str] = {}
        try:
            if needs_token and request.headers.get("Authorization") != f"Bot {self.token}":
                raise DiscordError(401, 0, "401: Unauthorized")
            if fault is not None and not fault.after:
                response = await self._inject(fault, request, call)
                if response is not None:
                    return response
            headers = self._take_bucket(route, path)
            handler = getattr(self, f"_r_{route}", None)
            if handler is None:
                raise DiscordError(404, 0, "404: Not Found")
            result = await handler(path, body, call.query)
        except DiscordError as exc:
            call.status = exc.status
            error: JSON = {"code": exc.code, "message": exc.message}
            if exc.errors is not None:
                error["errors"] = exc.errors
            if exc.status == 429:
                error.update(retry_after=float(exc.headers["X-RateLimit-Reset-After"]),
                             **{"global": False})
            return _json(error, exc.status, exc.headers)
        call.result = result
        if fault is not None and fault.after:  # it took effect, but the answer is lost
            response = await self._inject(fault, request, call)
            if response is not None:
                return response
        if result is None:
            call.status = 204
            return web.Response(status=204, headers=headers)
        return _json(result, 200, headers)

    def _take_fault(self, route: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.route == route and fault.times > 0 and fault.match in path:
                fault.times -= 1
                return fault
        return None

    async def _inject(self, fault: Fault, request: web.Request,
                      call: Call) -> web.StreamResponse | None:
        """The faulty response (None: carry on normally, after a delay)."""
        if fault.kind == "slow":
            self._stalled += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._released.wait(), fault.delay)
            finally:
                self._stalled -= 1
            return None
        call.status = fault.status
        if fault.kind == "reset":
            if request.transport is not None:
                _reset(request.transport)
            return web.Response(status=500)  # never arrives
        if fault.kind == "rate_limit":
            reset_after = f"{fault.retry_after:.3f}"
            headers = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                       "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                       "X-RateLimit-Reset-After": reset_after,
                       "X-RateLimit-Bucket": _bucket_hash(fault.route),
                       "X-RateLimit-Scope": "global" if fault.is_global else "user",
                       "X-RateLimit-Global": "true" if fault.is_global else "false",
                       "Retry-After": str(max(1, round(fault.retry_after))),
                       "Via": "1.1 google"}  # discord.py takes a 429 without Via for a ban
            return _json({"message": fault.message, "retry_after": fault.retry_after,
                          "global": fault.is_global, "code": 0}, 429, headers)
        if fault.status == 502:  # what Cloudflare serves when Discord's backend is down
            return web.Response(status=502, text="<html>502 Bad Gateway</html>",
                                content_type="text/html")
        return _json({"code": 0 if fault.status >= 500 else 50035, "message": fault.message},
                     fault.status)

    def _take_bucket(self, route: str, path: str) -> dict[str, str]:
        """Count a request against its real rate limit; its X-RateLimit headers, or 429."""
        if route not in self.limits:
            return {}
        major = re.search(r"/(\d+)", path)
        key = (route, major.group(1) if major else "")
        now = time.monotonic()
        bucket = self._buckets.setdefault(key, Bucket(*self.limits[route]))
        if now >= bucket.resets_at:
            bucket.used, bucket.resets_at = 0, now + bucket.window
        reset_after = math.ceil((bucket.resets_at - now) * 1000) / 1000  # never too early
        headers = {"X-RateLimit-Limit": str(bucket.limit),
                   "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                   "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                   "X-RateLimit-Bucket": _bucket_hash(route), "Via": "1.1 google"}
        if bucket.used >= bucket.limit:
            headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user"})
            raise DiscordError(429, 0, "You are being rate limited.", headers=headers)
        bucket.used += 1
        headers["X-RateLimit-Remaining"] = str(bucket.limit - bucket.used)
        return headers

    @staticmethod
    def _check(body: JSON, *, partial: bool = False) -> None:
        problems = message_problems(body, partial=partial)
        if problems:
            raise DiscordError(400, 50035, "Invalid Form Body", {"problems": problems})

    async def _r_gateway_info(self, path: str, body: Any, query: dict[str, str]) -> JSON:
        return {"url": self.gateway_url}

    async def _r_gateway_bot(self, path: str, body: Any, query: dict[str, str]) -> JSON:
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}

    async def _r_me(self, path: str, body: Any, query: dict[str, str]) -> JSON:
        return self.bot_user

    async def _r_application(self, path: str, body: Any, query: dict[str, str]) -> JSON:
        return {"id": str(self.app_id), "name": "conflictbot", "icon": None,
                "description": "", "summary": "", "bot_public": True,
                "bot_require_code_grant": False, "verify_key": "0" * 64,
                "owner": self.user(1, "owner"), "flags": 0, "team": None,
                "interactions_endpoint_url": None, "bot": self.bot_user}

    async def _r_get_commands(self, path: str, body: Any, query: dict[str, str]) -> list[JSON]:
        return self.commands

    async def _r_put_commands(self, path: str, body: Any, query: dict[str, str]) -> list[JSON]:
        for command in body:
            if not re.fullmatch(r"[-_\w]{1,32}", command["name"]):
                raise DiscordError(400, 50035, "Invalid Form Body")
            if not 1 <= len(command.get("description", "")) <= 100:
                raise DiscordError(400, 50035, "Invalid Form Body")
        self.commands = [{"id": str(self.snowflake()), "application_id": str(self.app_id),
                          "version": str(self.snowflake()), "type": 1,
                          "default_member_permissions": None, "nsfw": False, **command}
                         for command in body]
        return self.commands

    async def _r_get_guild_commands(self, path: str, body: Any,
                                    query: dict[str, str]) -> list[JSON]:
        return []

    def _pending(self, path: str) -> JSON:
        token = path.split("/")[3]
        state = self.interactions.get(token)
        if state is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        return state

    async def _r_callback(self, path: str, body: JSON, query: dict[str, str]) -> JSON:
        _, _, interaction_id, token, _ = path.split("/")
        state = self.interactions.get(token)
        if state is None or state["payload"]["id"] != interaction_id:
            raise DiscordError(404, 10062, "Unknown interaction")
        if state["responded"]:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - state["created"] > self.interaction_deadline:
            self.late_responses += 1  # Discord forgets an interaction not answered in time
            raise DiscordError(404, 10062, "Unknown interaction")
        kind, data = body["type"], body.get("data") or {}
        if kind in (4, 7):
            self._check(data, partial=kind == 7)
        if kind == 8 and (len(data.get("choices", [])) > 25 or any(
                not 1 <= len(c["name"]) <= 100 or len(str(c["value"])) > 100
                for c in data["choices"])):
            raise DiscordError(400, 50035, "Invalid Form Body")
        state["responded"] = True
        payload, message = state["payload"], None
        guild = "guild_id" in payload
        channel = int(payload["channel_id"])
        if kind in (4, 5):
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | (LOADING if kind == 5 else 0)
            message = self._message(channel, self.bot_user, data if kind == 4 else {},
                                    guild=guild, flags=flags)
            invoker = payload["member"]["user"] if guild else payload["user"]
            message["interaction_metadata"] = {  # who ran the command this message answers
                "id": interaction_id, "type": payload["type"], "user": invoker,
                "authorizing_integration_owners": payload["authorizing_integration_owners"]}
            state["original"] = int(message["id"])
            state["messages"].append(int(message["id"]))
        elif kind == 7:
            message = self.messages[int(state["message"]["id"])]
            message.update({k: v for k, v in data.items()
                            if k in ("content", "embeds", "components")})
            state["original"] = int(message["id"])
        result: JSON = {"interaction": {
            "id": interaction_id, "type": payload["type"],
            "response_message_id": message["id"] if message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL)}}
        if message is not None:
            result["resource"] = {"type": kind, "message": message}
        return result

    async def _r_followup(self, path: str, body: JSON, query: dict[str, str]) -> JSON:
        state = self._pending(path)
        if not state["responded"]:
            raise DiscordError(404, 10015, "Unknown Webhook")
        self._check(body)
        payload = state["payload"]
        message = self._message(int(payload["channel_id"]), self.bot_user, body,
                                guild="guild_id" in payload,
                                flags=int(body.get("flags") or 0) & EPHEMERAL)
        state["messages"].append(int(message["id"]))
        return message

    def _webhook_message(self, path: str) -> JSON:
        state = self._pending(path)
        target = path.split("/")[-1]
        message_id = state["original"] if target == "@original" else int(target)
        if message_id is None or message_id not in self.messages:
            raise DiscordError(404, 10008, "Unknown Message")
        return self.messages[message_id]

    async def _r_get_webhook_message(self, path: str, body: Any, query: dict[str, str]) -> JSON:
        return self._webhook_message(path)

    async def _r_edit_webhook_message(self, path: str, body: JSON,
                                      query: dict[str, str]) -> JSON:
        message = self._webhook_message(path)
        self._check(body, partial=True)
        message.update({k: v for k, v in body.items() if k in ("content", "embeds",
                                                                "components")})
        message["flags"] = int(message["flags"]) & ~LOADING
        message["edited_timestamp"] = TIMESTAMP
        return message

    async def _r_delete_webhook_message(self, path: str, body: Any,
                                        query: dict[str, str]) -> None:
        self.messages.pop(int(self._webhook_message(path)["id"]))

    async def _r_channel_message(self, path: str, body: JSON, query: dict[str, str]) -> JSON:
        self._check(body)
        channel = int(path.split("/")[2])
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            known = self._nonces.get((channel, str(nonce)))
            if known is not None:  # Discord returns the message already sent, not a copy
                return self.messages[known]
        message = self._message(channel, self.bot_user, body, guild=channel == self.channel_id)
        if nonce is not None:
            message["nonce"] = str(nonce)
            self._nonces[(channel, str(nonce))] = int(message["id"])
        return message

    async def _r_edit_channel_message(self, path: str, body: JSON,
                                      query: dict[str, str]) -> JSON:
        message = self.messages.get(int(path.split("/")[-1]))
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        self._check(body, partial=True)
        message.update({k: v for k, v in body.items() if k in ("content", "embeds",
                                                                "components")})
        return message

    async def _r_typing(self, path: str, body: Any, query: dict[str, str]) -> None:
        return None

    async def _r_create_dm(self, path: str, body: JSON, query: dict[str, str]) -> JSON:
        return self._channel(False, int(body["recipient_id"]))


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None,
          ) -> web.Response:
    # discord.py parses JSON only for exactly "application/json" (no charset)
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def _bucket_hash(route: str) -> str:
    """A stable stand-in for Discord's opaque X-RateLimit-Bucket value."""
    return f"fake-{route}"


def _reset(transport: asyncio.Transport) -> None:
    """Drop the connection with a TCP RST (SO_LINGER 0), as a crashed peer or proxy would."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _body(request: web.Request) -> Any:
    """The JSON body, or the `payload_json` part of a multipart body."""
    if not request.can_read_body:
        return None
    if request.content_type == "application/json":
        return await request.json()
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        raw = form.get("payload_json")
        return json.loads(raw) if isinstance(raw, str) else None
    return None
