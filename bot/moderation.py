"""Who may curate the corpus, and per-user flood control; shared by every front end."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MODERATOR_COMMANDS = ("reindex", "add", "remove", "stats", "alias")
REFUSAL = "Sorry, only moderators can do that."


@dataclass(frozen=True)
class Moderators:
    """Moderator rule: listed user ids, or a platform-confirmed admin, or a listed role."""

    user_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, user_ids: Iterable[int] = (), roles: Iterable[str] = ()) -> Moderators:
        return cls(frozenset(user_ids), frozenset(str(r) for r in roles))

    def allows(self, user_id: int, *, is_admin: bool = False,
               roles: Iterable[str] = ()) -> bool:
        """True if the user is listed, an administrator, or holds a moderator role."""
        if user_id in self.user_ids or is_admin:
            return True
        return any(str(role) in self.roles for role in roles)


@dataclass
class FloodGate:
    """Sliding-window limit: at most `limit` questions per user in `window` seconds."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, user_key: str) -> bool:
        """Record a question and say whether it is within the limit."""
        now = self.clock()
        times = self._seen.setdefault(user_key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self._seen) > 10_000:
            self._forget_idle(now)
        return True

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, t in self._seen.items() if not t or now - t[-1] >= self.window]
        for key in idle:
            del self._seen[key]
