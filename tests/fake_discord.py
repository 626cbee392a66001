"""A fake Discord REST API and gateway on 127.0.0.1 (aiohttp.web), for end-to-end tests.

It speaks the subset discord.py 2.x uses for a slash-command bot: login (/users/@me,
/oauth2/applications/@me), /gateway(/bot), a JSON websocket gateway (HELLO, IDENTIFY, READY,
GUILD_CREATE, HEARTBEAT/ACK, dispatched events), command sync, interaction callbacks,
webhook followups and edits, channel messages and attachment downloads. It records every
call, lets tests inject interactions and messages, and rejects what Discord would reject
(message limits, custom ids, double acknowledgements) with Discord's error shape.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
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
    """An injected error for the next matching request(s) of a route."""

    route: str
    status: int
    message: str
    times: int


class DiscordError(Exception):
    """A Discord-style error response."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors


class FakeDiscord:
    """The fake server. `await start()`, then point the bot at `api_base`/`gateway_url`."""

    def __init__(self, token: str, *, app_id: int = 900_000_000_000_000_001,
                 guild_id: int = 910_000_000_000_000_001,
                 channel_id: int = 920_000_000_000_000_001,
                 roles: dict[int, str] | None = None) -> None:
        self.token = token
        self.app_id, self.guild_id, self.channel_id = app_id, guild_id, channel_id
        self.bot_user: JSON = {"id": str(app_id), "username": "conflictbot",
                               "discriminator": "0", "global_name": "ConflictBot",
                               "avatar": None, "bot": True, "public_flags": 0, "flags": 0,
                               "verified": True, "mfa_enabled": False}
        self.roles = {guild_id: "@everyone", **(roles or {})}
        self.calls: list[Call] = []
        self.frames: list[JSON] = []  # gateway frames received (IDENTIFY token redacted)
        self.identify: JSON | None = None
        self.commands: list[JSON] = []
        self.messages: dict[int, JSON] = {}
        self.interactions: dict[str, JSON] = {}  # token -> state
        self.attachments: dict[int, tuple[str, bytes]] = {}
        self.faults: list[Fault] = []
        self._ids = itertools.count(1_300_000_000_000_000_000)
        self._socket: web.WebSocketResponse | None = None
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
        """True once READY and GUILD_CREATE were sent on a live gateway connection."""
        return self._socket is not None and not self._socket.closed and self._sequence >= 2

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

    def _channel(self, guild: bool, user_id: int) -> JSON:
        if not guild:
            return {"id": str(self.dm_channel(user_id)), "type": 1, "flags": 0,
                    "recipients": [self.user(user_id)], "last_message_id": None}
        return {"id": str(self.channel_id), "type": 0, "guild_id": str(self.guild_id),
                "name": "general", "position": 0, "permission_overwrites": [], "nsfw": False,
                "parent_id": None, "topic": None, "last_message_id": None,
                "rate_limit_per_user": 0, "flags": 0}

    def guild(self) -> JSON:
        roles = [{"id": str(rid), "name": name, "permissions": "0", "position": i,
                  "color": 0, "hoist": False, "managed": False, "mentionable": False,
                  "flags": 0, "icon": None, "unicode_emoji": None}
                 for i, (rid, name) in enumerate(self.roles.items())]
        return {"id": str(self.guild_id), "name": "Test guild", "icon": None, "splash": None,
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
                "channels": [self._channel(True, 0)], "threads": [], "voice_states": [],
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
        """Send one DISPATCH event on the gateway."""
        if self._socket is None or self._socket.closed:
            raise AssertionError("no gateway connection")
        self._sequence += 1
        await self._socket.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence,
                                                "d": data}))

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
                     message: JSON | None = None) -> JSON:
        interaction_id = self.snowflake()
        token = f"itok{interaction_id}"
        payload: JSON = {
            "id": str(interaction_id), "application_id": str(self.app_id), "type": kind,
            "data": data, "token": token, "version": 1, "locale": "en-US",
            "app_permissions": str((1 << 40) - 1), "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [], "channel": self._channel(guild, user_id),
            "channel_id": self._channel(guild, user_id)["id"],
            "context": 0 if guild else 1,
            "authorizing_integration_owners": {"0": str(self.guild_id)} if guild else {
                "1": str(user_id)},
        }
        if guild:
            payload.update(guild_id=str(self.guild_id), guild_locale="en-US",
                           guild={"id": str(self.guild_id), "locale": "en-US", "features": []},
                           member=self.member(user_id, roles, permissions))
        else:
            payload["user"] = self.user(user_id)
        if message is not None:
            payload["message"] = message
        self.interactions[token] = {"payload": payload, "responded": False, "original": None,
                                    "message": message}
        return payload

    def _command_data(self, name: str, options: list[JSON], resolved: JSON | None) -> JSON:
        command_id = next((c["id"] for c in self.commands if c["name"] == name), "1")
        data: JSON = {"id": command_id, "name": name, "type": 1, "options": options}
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, user_id: int,
                    guild: bool = True, roles: Iterable[int] = (), permissions: int = 0,
                    attachments: dict[str, JSON] | None = None) -> JSON:
        """Run a slash command as a user; string options, and attachment options by name."""
        opts = [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]
        opts += [{"name": k, "type": 11, "value": a["id"]}
                 for k, a in (attachments or {}).items()]
        resolved = ({"attachments": {a["id"]: a for a in attachments.values()}}
                    if attachments else None)
        payload = self._interaction(2, self._command_data(name, opts, resolved),
                                    user_id=user_id, guild=guild, roles=roles,
                                    permissions=permissions)
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
             times: int = 1) -> None:
        """Make the next `times` requests of `route` fail with a Discord error."""
        self.faults.append(Fault(route, status, message, times))

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
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        self.calls.append(Call("GET", "/gateway-ws", "gateway", query=dict(request.query)))
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41_250},
                                          "s": None, "t": None}))
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            data = json.loads(frame.data)
            if data.get("op") == 2:
                data = {**data, "d": {**data["d"], "token": "<token>"}}
                if json.loads(frame.data)["d"].get("token") != self.token:
                    self.frames.append(data)
                    await socket.close(code=4004, message=b"Authentication failed.")
                    break
                self.identify = data["d"]
                self.frames.append(data)
                await self._ready(socket)
                continue
            self.frames.append(data)
            if data.get("op") == 1:
                await socket.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        return socket

    async def _ready(self, socket: web.WebSocketResponse) -> None:
        self._socket, self._sequence = socket, 0
        await self.dispatch("READY", {
            "v": 10, "user": self.bot_user, "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url, "guilds": [
                {"id": str(self.guild_id), "unavailable": True}],
            "application": {"id": str(self.app_id), "flags": 0}, "private_channels": [],
            "relationships": [], "presences": [], "shard": [0, 1]})
        await self.dispatch("GUILD_CREATE", self.guild())

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
        try:
            if needs_token and request.headers.get("Authorization") != f"Bot {self.token}":
                raise DiscordError(401, 0, "401: Unauthorized")
            self._take_fault(route)
            handler = getattr(self, f"_r_{route}", None)
            if handler is None:
                raise DiscordError(404, 0, "404: Not Found")
            result = await handler(path, body, call.query)
        except DiscordError as exc:
            call.status = exc.status
            error: JSON = {"code": exc.code, "message": exc.message}
            if exc.errors is not None:
                error["errors"] = exc.errors
            return _json(error, exc.status)
        call.result = result
        if result is None:
            call.status = 204
            return web.Response(status=204)
        return _json(result)

    def _take_fault(self, route: str) -> None:
        for fault in self.faults:
            if fault.route == route and fault.times > 0:
                fault.times -= 1
                raise DiscordError(fault.status, 50035, fault.message)

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
            state["original"] = int(message["id"])
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
        return self._message(int(payload["channel_id"]), self.bot_user, body,
                             guild="guild_id" in payload,
                             flags=int(body.get("flags") or 0) & EPHEMERAL)

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
        return self._message(channel, self.bot_user, body, guild=channel == self.channel_id)

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


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only for exactly "application/json" (no charset)
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json"})


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
