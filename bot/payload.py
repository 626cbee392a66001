"""Button payloads: one typed, versioned encoding for every platform.

`encode(More("k3Yx_9Qa", 3))` -> "v1|m|k3Yx_9Qa|3"; `decode()` gives the typed value back,
or None for anything this bot did not make (forged, stale, another version). Payloads fit
Telegram's callback data (64 bytes) and Discord's custom ids (100 characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
SEPARATOR = "|"
TELEGRAM_LIMIT = 64  # bytes of callback_data
DISCORD_LIMIT = 100  # characters of a custom_id
MAX_PAGE = 999_999
_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")  # question keys and chunk ids
_NUMBER = re.compile(r"[0-9]{1,6}")
# Every payload of this version, for discord.py's DynamicItem template.
TEMPLATE = r"v1\|[mfvsaqe]\|[A-Za-z0-9_|+-]{1,90}"


@dataclass(frozen=True, slots=True)
class More:
    """The next page of an answer: the question under `key`, from passage `offset`."""

    key: str
    offset: int


@dataclass(frozen=True, slots=True)
class FullText:
    """The whole section of a passage; `key`: the answer it was opened from ("" none), so
    the full text can offer 👍/👎 for that passage (#12)."""

    chunk_id: str
    key: str = ""


@dataclass(frozen=True, slots=True)
class Vote:
    """👍 (+1) or 👎 (-1) for a passage shown under the answer `key`."""

    key: str
    chunk_id: str
    value: int


@dataclass(frozen=True, slots=True)
class AnswerVote:
    """👍 (+1) or 👎 (-1) for the whole answer `key` (#12)."""

    key: str
    value: int


@dataclass(frozen=True, slots=True)
class Suggest:
    """Ask `text` (a name from the corpus offered when nothing was found, #12)."""

    text: str


@dataclass(frozen=True, slots=True)
class SourcesPage:
    """A page of the /sources listing."""

    page: int


@dataclass(frozen=True, slots=True)
class Example:
    """Ask example question `index` (from 1) of /start and /help, in the presser's language."""

    index: int


Payload = More | FullText | Vote | AnswerVote | Suggest | SourcesPage | Example


def _fields(payload: Payload) -> list[str]:
    if isinstance(payload, More):
        return ["m", payload.key, str(payload.offset)]
    if isinstance(payload, FullText):
        return ["f", payload.chunk_id, *([payload.key] if payload.key else [])]
    if isinstance(payload, Vote):
        return ["v", payload.key, payload.chunk_id, "+" if payload.value > 0 else "-"]
    if isinstance(payload, Suggest):
        return ["q", payload.text]
    if isinstance(payload, AnswerVote):
        return ["a", payload.key, "+" if payload.value > 0 else "-"]
    if isinstance(payload, Example):
        return ["e", str(payload.index)]
    return ["s", str(payload.page)]


def encode(payload: Payload) -> str:
    """The payload as button data; ValueError if a field cannot be carried."""
    text = SEPARATOR.join([VERSION, *_fields(payload)])
    if decode(text) != payload:
        raise ValueError(f"not encodable: {payload!r}")
    return text


def encode_within(payload: Payload, limit: int) -> str | None:
    """The encoded payload if it is valid and at most `limit` bytes long, else None."""
    try:
        text = encode(payload)
    except ValueError:
        return None
    return text if len(text.encode()) <= limit else None


def _name(text: str) -> bool:
    return _NAME.fullmatch(text) is not None


def _number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def decode(text: str) -> Payload | None:
    """The payload `text` encodes, or None if this bot could not have made it."""
    version, _, rest = text.partition(SEPARATOR)
    if version != VERSION:
        return None
    kind, *parts = rest.split(SEPARATOR)
    if kind == "m" and len(parts) == 2 and _name(parts[0]) and _number(parts[1]):
        return More(parts[0], int(parts[1]))
    if kind == "f" and len(parts) in (1, 2) and all(_name(part) for part in parts):
        return FullText(*parts)
    if (kind == "v" and len(parts) == 3 and _name(parts[0]) and _name(parts[1])
            and parts[2] in ("+", "-")):
        return Vote(parts[0], parts[1], 1 if parts[2] == "+" else -1)
    if kind == "a" and len(parts) == 2 and _name(parts[0]) and parts[1] in ("+", "-"):
        return AnswerVote(parts[0], 1 if parts[1] == "+" else -1)
    if kind == "q" and len(parts) == 1 and _name(parts[0]):
        return Suggest(parts[0])
    if kind == "e" and len(parts) == 1 and parts[0] in ("1", "2", "3"):
        return Example(int(parts[0]))
    if kind == "s" and len(parts) == 1 and _number(parts[0]):
        return SourcesPage(int(parts[0]))
    return None
