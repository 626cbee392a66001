"""Who may curate the corpus, and per-user flood control; shared by every front end."""

from __future__ import annotations

import errno
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot import texts
from index.reasons import Reason, reason

MODERATOR_COMMANDS = ("reindex", "add", "remove", "stats", "alias")
REFUSAL = texts.text("refused")
ANONYMOUS_REFUSAL = texts.text("anonymous_refused")


@dataclass(frozen=True)
class Moderators:
    """Moderator rule: listed user ids, or a platform-confirmed admin, or a listed role.

    On Discord, admins and roles count only in `guilds`, the servers the operator named:
    anyone can own some other server, with any permission and any role name in it."""

    user_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()
    guilds: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user_ids: Iterable[int] = (), roles: Iterable[int | str] = (),
           guilds: Iterable[int] = ()) -> Moderators:
        return cls(frozenset(user_ids), frozenset(str(r) for r in roles), frozenset(guilds))

    def allows_member(self, user_id: int, guild_id: int | None, *, manages_guild: bool,
                      role_ids: Iterable[int]) -> bool:
        """Discord: a listed user anywhere (DMs too); Manage Server or a listed role id
        only inside one of `guilds`."""
        if user_id in self.user_ids:
            return True
        if guild_id is None or guild_id not in self.guilds:
            return False
        return manages_guild or any(str(role) in self.roles for role in role_ids)

    def allows(self, user_id: int, *, is_admin: bool = False,
               roles: Iterable[str] = ()) -> bool:
        """True if the user is listed, an administrator, or holds a moderator role."""
        if user_id in self.user_ids or is_admin:
            return True
        return any(str(role) in self.roles for role in roles)


_OS_REASONS = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EFBIG: "disk_full",
               errno.EACCES: "not_writable", errno.EPERM: "not_writable",
               errno.EROFS: "not_writable", errno.EIO: "disk_error"}


def failure(error: BaseException) -> Reason:
    """Why a /reindex, /add or /remove failed, as a catalogue reason: said with
    `texts.told` in the moderator's language, and in English in the audit log ("failed:
    <reason>", the same on every platform)."""
    if isinstance(error, OSError) and error.errno in _OS_REASONS:
        return reason(_OS_REASONS[error.errno])
    if isinstance(error, sqlite3.OperationalError) and "full" in str(error):
        return reason("disk_full")
    if isinstance(error, OSError) and error.strerror:
        return reason("file_error", error=error.strerror.lower())
    return reason("unexpected_error")


@dataclass
class FloodGate:
    """Sliding-window limit: at most `limit` actions (questions, button messages) per user
    in `window` seconds."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, user_key: str, cost: int = 1) -> bool:
        """Record an action worth `cost` sends (at most the whole limit) and say whether it
        is within the limit; a refused action records nothing."""
        now = self.clock()
        times = self._seen.setdefault(user_key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        cost = max(1, min(cost, self.limit))
        if len(times) + cost > self.limit:
            return False
        times.extend([now] * cost)
        if len(self._seen) > 10_000:
            self._forget_idle(now)
        return True

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, t in self._seen.items() if not t or now - t[-1] >= self.window]
        for key in idle:
            del self._seen[key]
