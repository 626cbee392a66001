"""A fake Telegram Bot API server on 127.0.0.1 (aiohttp.web), for end-to-end tests.

It speaks the subset of the Bot API the bot uses, records every call, lets tests inject
updates (messages, button presses, inline queries, documents) and faults (HTTP errors such as
429 with retry_after, 409, 500 and 502; responses stalled beyond the client's read timeout;
connections reset mid-response), and checks sent HTML the way Telegram does (tags, entities,
length). getUpdates honours `offset` like Telegram: updates below it are confirmed and dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import json
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp
from aiohttp import web

ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "a", "code", "pre", "blockquote"})
ALLOWED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
MESSAGE_LIMIT = 4096
CONFLICT = ("Conflict: terminated by other getUpdates request; make sure that only one bot "
            "instance is running")
_DESCRIPTIONS = {409: CONFLICT, 500: "Internal Server Error", 502: "Bad Gateway"}
CLIENT_GONE = 0  # Call.status when the client never got a response (reset, or it gave up)
PENDING = -1  # Call.status while the request is still being served
# Parameters PTB sends as plain strings; every other form value is JSON-encoded.
_STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "inline_query_id", "file_id",
    "url", "secret_token", "next_offset", "language_code", "action", "inline_message_id",
    "description", "title", "query", "guest_query_id",
})

JSON = dict[str, Any]
_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class _TelegramHTML(HTMLParser):
    """Strict parser for Telegram's HTML subset: collects problems and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> not allowed")
        if tag == "blockquote" and "blockquote" in self.stack:
            self.problems.append("nested <blockquote>")
        allowed_attrs = {"a": {"href"}, "blockquote": {"expandable"}, "code": {"class"}}
        for name, _value in attrs:
            if name not in allowed_attrs.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}> not allowed")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}>")
            return
        self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self.problems.append(f"unescaped {char!r} in text")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ALLOWED_ENTITIES:
            self.problems.append(f"unsupported entity &{name};")
        self.visible.append("x")

    def handle_charref(self, name: str) -> None:
        self.visible.append("x")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("unknown declaration")


def html_problems(text: str) -> list[str]:
    """What Telegram would reject in this HTML message (empty list: valid)."""
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    problems = list(parser.problems)
    if parser.rawdata:
        problems.append(f"unparsed trailing input {parser.rawdata[:20]!r}")
    if parser.stack:
        problems.append(f"unclosed tags {parser.stack}")
    visible = "".join(parser.visible)
    if not visible.strip():
        problems.append("message text is empty")
    if utf16_len(visible) > MESSAGE_LIMIT:
        problems.append("message is too long")
    return problems


@dataclass
class Call:
    """One recorded Bot API request."""

    method: str
    params: JSON
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    result: Any = None
    fault: str = ""  # the injected fault that hit this call ("http 409", "stall", "reset")
    heard: bool = True  # False if the client was gone before the response could reach it


@dataclass
class Fault:
    """An injected fault for the next `times` matching requests (None: until healed).

    error_code > 0 answers with that error; `delay` holds the response back that many
    seconds first (then, with error_code 0, the request is served normally if the client
    still waits); `reset` sends half a response and resets the connection.
    """

    method: str
    error_code: int
    description: str
    retry_after: int | None
    times: int | None
    delay: float = 0.0
    reset: bool = False

    @property
    def kind(self) -> str:
        """A short label recorded in `Call.fault`."""
        return "reset" if self.reset else "stall" if self.delay else f"http {self.error_code}"


_REQUEST: contextvars.ContextVar[web.Request] = contextvars.ContextVar("fake_telegram_request")


def _client_gone() -> bool:
    """True once the client of the request being served has closed its connection."""
    transport = _REQUEST.get().transport
    return transport is None or transport.is_closing()


class FakeTelegram:
    """The fake server. Start with `await start()`; point PTB at `base_url`/`base_file_url`."""

    def __init__(self, token: str, *, bot_id: int = 7_000_000_001,
                 username: str = "conflict_test_bot") -> None:
        self.token = token
        self.bot_user: JSON = {"id": bot_id, "is_bot": True, "first_name": "ConflictBot",
                               "username": username, "can_join_groups": True,
                               "can_read_all_group_messages": False,
                               "supports_inline_queries": True}
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], JSON] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.expired_files: set[str] = set()  # file ids whose download answers 404
        self.members: dict[tuple[int, int], str] = {}
        self.language_codes: dict[int, str] = {}  # user id -> the app's language_code
        # users who never opened a private chat with the bot: sending there is refused (403)
        # until they write to it, as Telegram does
        self.strangers: set[int] = set()
        self.answered_guest_queries: set[str] = set()
        self.faults: list[Fault] = []
        self.injected: list[JSON] = []  # every update ever injected, confirmed or not
        self.webhook: JSON = {}  # the last setWebhook's parameters (url, secret_token, ...)
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._stopped = asyncio.Event()
        self._delivered = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening (pending long polls return at once)."""
        self._closing = True
        self._new_update.set()
        self._stopped.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ---------------------------------------------------------------- injection

    def inject(self, payload: JSON) -> JSON:
        """Queue one update (an `update_id` is assigned) for getUpdates."""
        update = {"update_id": next(self._update_ids), **payload}
        self.injected.append(update)
        self._updates.append(update)
        self._new_update.set()
        return update

    def new_update(self, payload: JSON) -> JSON:
        """An update with the next update_id, not queued for getUpdates (see `post_webhook`)."""
        update = {"update_id": next(self._update_ids), **payload}
        self.injected.append(update)
        return update

    async def post_webhook(self, update: JSON, *, secret: str | None = "") -> int:
        """POST `update` to the registered webhook as Telegram does; returns the HTTP status.
        `secret` "" sends the registered secret_token, None sends no secret header."""
        headers = {"Content-Type": "application/json"}
        secret = self.webhook.get("secret_token") if secret == "" else secret
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(secret)
        async with aiohttp.ClientSession() as session, session.post(
                str(self.webhook["url"]), data=json.dumps(update), headers=headers) as response:
            return response.status

    def restart_update_ids(self, first: int) -> None:
        """Number the next updates from `first` on, as Telegram does after a week without
        updates (it picks a new, random starting id)."""
        self._update_ids = itertools.count(first)

    def user(self, user_id: int, name: str = "Tester") -> JSON:
        return {"id": user_id, "is_bot": False, "first_name": name,
                "language_code": self.language_codes.get(user_id, "en")}

    @staticmethod
    def chat(chat_id: int, kind: str = "") -> JSON:
        kind = kind or ("private" if chat_id > 0 else "supergroup")
        if kind == "private":
            return {"id": chat_id, "type": "private", "first_name": "Tester"}
        return {"id": chat_id, "type": kind, "title": "Test group"}

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def message(self, text: str | None, *, user_id: int, chat_id: int | None = None,
                reply_to: JSON | None = None, document: JSON | None = None,
                caption: str | None = None, queued: bool = True) -> JSON:
        """Inject a user's message (commands and mentions get entities as Telegram sets them);
        `queued=False` only makes its update (last in `injected`), e.g. for `post_webhook`."""
        chat = self.chat(chat_id if chat_id is not None else user_id)
        msg: JSON = {"message_id": self._next_message_id(chat["id"]), "date": int(time.time()),
                     "chat": chat, "from": self.user(user_id)}
        if text is not None:
            msg["text"] = text
            if entities := _entities(text):
                msg["entities"] = entities
        if document is not None:
            msg["document"] = document
        if caption is not None:
            msg["caption"] = caption
            if entities := _entities(caption):
                msg["caption_entities"] = entities
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        if chat["type"] == "private":
            self.strangers.discard(user_id)
        self.messages[(chat["id"], msg["message_id"])] = msg
        (self.inject if queued else self.new_update)({"message": msg})
        return msg

    def press(self, message: JSON, data: str, *, user_id: int) -> str:
        """Inject a button press on one of the bot's messages; returns the query id."""
        query_id = f"cbq{next(self._callback_ids)}"
        self.inject({"callback_query": {"id": query_id, "from": self.user(user_id),
                                        "message": message, "chat_instance": "ci1",
                                        "data": data}})
        return query_id

    def guest(self, text: str, *, user_id: int, chat_id: int) -> JSON:
        """Inject a guest message (Bot API 10.0): `text` mentions the bot in a chat it is not
        a member of; the bot may answer it once, with answerGuestQuery."""
        msg: JSON = {"message_id": self._next_message_id(chat_id), "date": int(time.time()),
                     "chat": self.chat(chat_id), "from": self.user(user_id), "text": text,
                     "guest_query_id": f"gq{next(self._callback_ids)}"}
        if entities := _entities(text):
            msg["entities"] = entities
        self.inject({"guest_message": msg})
        return msg

    def inline(self, query: str, *, user_id: int) -> str:
        """Inject an inline query (`@bot query`); returns its id."""
        query_id = f"iq{next(self._callback_ids)}"
        self.inject({"inline_query": {"id": query_id, "from": self.user(user_id),
                                      "query": query, "offset": ""}})
        return query_id

    def config_section(self) -> dict[str, dict[str, Any]]:
        """The config section that points a bot at this fake."""
        return {"telegram": {"base_url": self.base_url, "base_file_url": self.base_file_url}}

    def add_file(self, content: bytes, file_name: str, *, declared_size: int | None = None,
                 mime_type: str = "text/plain") -> JSON:
        """Store a downloadable file and return the Document object describing it."""
        number = next(self._file_ids)
        file_id = f"FILE{number}"
        self.files[file_id] = (f"documents/file_{number}.bin", content)
        return {"file_id": file_id, "file_unique_id": f"U{number}", "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(content) if declared_size is None else declared_size}

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what getChatMember reports (default: "member")."""
        self.members[(chat_id, user_id)] = status

    def fail(self, method: str, *, error_code: int = 429, retry_after: int | None = 1,
             description: str = "", times: int | None = 1) -> None:
        """Make the next `times` calls of `method` fail (429 with retry_after by default).

        `times=None` keeps failing until `heal()`; 409 defaults to Telegram's getUpdates
        conflict description, 500/502 to their HTTP reason.
        """
        description = description or (f"Too Many Requests: retry after {retry_after}"
                                      if error_code == 429
                                      else _DESCRIPTIONS.get(error_code, "Bad Request"))
        self.faults.append(Fault(method, error_code, description, retry_after, times))

    def stall(self, method: str, seconds: float, *, times: int | None = 1) -> None:
        """Hold the next `times` responses of `method` back for `seconds` (a client timeout).

        A stalled getUpdates hands out nothing once its client gave up (Telegram keeps such
        updates unconfirmed); any other stalled method still takes effect, unheard.
        """
        self.faults.append(Fault(method, 0, "", None, times, delay=seconds))

    def reset(self, method: str, *, times: int | None = 1) -> None:
        """Answer the next `times` calls of `method` with half a response, then a TCP reset."""
        self.faults.append(Fault(method, 0, "", None, times, reset=True))

    def heal(self, method: str | None = None) -> None:
        """Drop the remaining injected faults (of `method`, or all)."""
        self.faults = [f for f in self.faults if method is not None and f.method != method]

    # ---------------------------------------------------------------- inspection

    def pending_updates(self) -> int:
        """Injected updates not yet handed out by getUpdates."""
        return sum(1 for u in self._updates if u["update_id"] > self._delivered)

    def unconfirmed_updates(self) -> int:
        """Updates no getUpdates `offset` has confirmed yet (Telegram would send them again)."""
        return len(self._updates)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def delivered(self) -> list[int]:
        """update_ids in the order getUpdates handed them to a client that got the response."""
        return [u["update_id"] for c in self.calls_to("getUpdates")
                if c.status == 200 and c.heard for u in c.result or ()]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Successful sendMessage calls, optionally to one chat."""
        return [c for c in self.calls if c.method == "sendMessage" and c.status == 200
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def bot_message(self, chat_id: int, message_id: int) -> JSON:
        return self.messages[(chat_id, message_id)]

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

    # ---------------------------------------------------------------- HTTP side

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, status=PENDING)
        self.calls.append(call)
        _REQUEST.set(request)
        fault = self._take_fault(method)
        if fault is not None:
            call.fault = fault.kind
            if fault.reset:
                call.status, call.heard = CLIENT_GONE, False
                return await _reset(request)
            if fault.delay:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped.wait(), fault.delay)
                if method == "getUpdates" and _client_gone():
                    call.status, call.heard = CLIENT_GONE, False
                    return web.Response(status=504)
            if fault.error_code:
                call.status = fault.error_code
                extra = ({"retry_after": fault.retry_after} if fault.retry_after is not None
                         else None)
                return _error(fault.error_code, fault.description, extra)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.status = 404
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except _ApiError as exc:
            call.status = exc.code
            return _error(exc.code, exc.description)
        call.status, call.result = 200, result
        if _client_gone():
            call.heard = False
            if method == "getUpdates":
                call.status = CLIENT_GONE
        return web.json_response({"ok": True, "result": result})

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and (fault.times is None or fault.times > 0):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        self.calls.append(Call("download", {"path": request.match_info["path"]}))
        for file_id, (path, content) in self.files.items():
            if path == request.match_info["path"] and file_id not in self.expired_files:
                return web.Response(body=content)
        return web.Response(status=404)

    # ---------------------------------------------------------------- Bot API methods

    async def _m_getMe(self, params: JSON) -> JSON:
        return self.bot_user

    async def _m_deleteWebhook(self, params: JSON) -> bool:
        self.webhook = {}
        return True

    async def _m_setWebhook(self, params: JSON) -> bool:
        self.webhook = dict(params)
        return True

    async def _m_setMyCommands(self, params: JSON) -> bool:
        return True

    async def _m_getUpdates(self, params: JSON) -> list[JSON]:
        """Telegram's semantics: `offset` confirms (forgets) every update below it; a negative
        offset keeps only the last -offset updates; unconfirmed updates are handed out again."""
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        deadline = time.monotonic() + timeout
        while True:
            self._new_update.clear()
            ready = self._updates[:limit]
            remaining = deadline - time.monotonic()
            if _client_gone():  # the long poll was abandoned: hand nothing out
                return []
            if ready or remaining <= 0 or self._closing:
                self._delivered = max([self._delivered] + [u["update_id"] for u in ready])
                return ready
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                return []

    def _check_text(self, params: JSON, key: str = "text") -> str:
        text = str(params.get(key, ""))
        if params.get("parse_mode") == "HTML":
            problems = html_problems(text)
            if problems:
                raise _ApiError(400, f"Bad Request: can't parse entities: {problems[0]}")
        elif not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        elif utf16_len(text) > MESSAGE_LIMIT:
            raise _ApiError(400, "Bad Request: message is too long")
        return text

    def _check_markup(self, params: JSON) -> None:
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    async def _m_sendMessage(self, params: JSON) -> JSON:
        text = self._check_text(params)
        self._check_markup(params)
        chat_id = int(params["chat_id"])
        if chat_id in self.strangers:
            raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        message: JSON = {"message_id": self._next_message_id(chat_id), "date": int(time.time()),
                         "chat": self.chat(chat_id), "from": self.bot_user, "text": text}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        quoted = self.messages.get((chat_id, int((params.get("reply_parameters") or {})
                                                 .get("message_id", 0))))
        if quoted is not None:  # Telegram nests the quoted message one level deep
            message["reply_to_message"] = {k: v for k, v in quoted.items()
                                           if k != "reply_to_message"}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _m_editMessageText(self, params: JSON) -> JSON:
        text = self._check_text(params)
        self._check_markup(params)
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message.get("text") == text and message.get("reply_markup") == markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        message["text"] = text
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _m_answerCallbackQuery(self, params: JSON) -> bool:
        return True

    async def _m_answerInlineQuery(self, params: JSON) -> bool:
        for result in params.get("results", []):
            content = result.get("input_message_content", {})
            self._check_text(content, "message_text")
            if not 1 <= len(str(result.get("id", "")).encode()) <= 64:
                raise _ApiError(400, "Bad Request: RESULT_ID_INVALID")
        return True

    async def _m_answerGuestQuery(self, params: JSON) -> JSON:
        query_id = str(params["guest_query_id"])
        if query_id in self.answered_guest_queries:
            raise _ApiError(400, "Bad Request: QUERY_ID_INVALID")
        result = params["result"]
        self._check_text(result.get("input_message_content", {}), "message_text")
        self.answered_guest_queries.add(query_id)
        return {"inline_message_id": f"im{query_id}"}

    async def _m_sendChatAction(self, params: JSON) -> bool:
        return True

    async def _m_getChatMember(self, params: JSON) -> JSON:
        key = (int(params["chat_id"]), int(params["user_id"]))
        status = self.members.get(key, "member")
        member: JSON = {"status": status, "user": self.user(key[1])}
        if status == "creator":
            member["is_anonymous"] = False
        if status == "administrator":
            member.update({right: right != "can_be_edited" for right in _ADMIN_RIGHTS})
        return member

    async def _m_getFile(self, params: JSON) -> JSON:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, content = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"U{file_id}", "file_size": len(content),
                "file_path": path}

    async def _m_sendDocument(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        message: JSON = {"message_id": self._next_message_id(chat_id), "date": int(time.time()),
                         "chat": self.chat(chat_id), "from": self.bot_user,
                         "document": {"file_id": "SENT", "file_unique_id": "SENT"}}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _m_close(self, params: JSON) -> bool:
        return True


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


async def _reset(request: web.Request) -> web.StreamResponse:
    """Send the status line, headers and half the body, then reset the TCP connection."""
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json",
                                                       "Content-Length": "64"})
    await response.prepare(request)
    await response.write(b'{"ok": true, "result": [')
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:  # linger 0: close() sends RST instead of FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return response


def _error(code: int, description: str, parameters: JSON | None = None) -> web.Response:
    body: JSON = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


async def _params(request: web.Request) -> JSON:
    """Bot API parameters from a query string, JSON body, or (multipart) form."""
    params: JSON = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
        return params
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            params[key] = value.file.read()
        elif isinstance(value, bytes | bytearray):
            params[key] = bytes(value)
        elif key in _STRING_PARAMS:
            params[key] = value
        else:
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
    return params


def _entities(text: str) -> list[JSON]:
    """bot_command and mention entities, as Telegram computes them (UTF-16 offsets)."""
    entities: list[JSON] = []
    position = 0
    for word in text.split(" "):
        offset = utf16_len(text[:position])
        if position == 0 and word.startswith("/") and len(word) > 1:
            command = word.split("\n")[0]
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
        elif word.startswith("@") and len(word) > 1:
            mention = word.rstrip(".,!?;:\n")
            entities.append({"type": "mention", "offset": offset, "length": utf16_len(mention)})
        position += len(word) + 1
    return entities
