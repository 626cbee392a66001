"""FloodGate (bot/moderation.py): a sliding-window limit per user, on an injected clock."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import FloodConfig
from bot.moderation import FloodGate

IDLE_MAP_SIZE = 10_000  # FloodGate forgets idle users once it tracks more than this many


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _gate(limit: int, window: float, clock: Clock) -> FloodGate:
    return FloodGate(limit, window, clock=clock)


def test_allows_up_to_limit_within_window_then_refuses() -> None:
    clock = Clock()
    gate = _gate(3, 10, clock)
    assert [gate.allow("ann") for _ in range(4)] == [True, True, True, False]
    clock.now = 9.99
    assert not gate.allow("ann")


def test_window_slides_one_action_at_a_time() -> None:
    clock = Clock()
    gate = _gate(3, 10, clock)
    for clock.now in (0, 1, 2):
        assert gate.allow("ann")
    clock.now = 10  # the action at 0 is exactly one window old: expired
    assert gate.allow("ann")
    clock.now = 10.5  # the action at 1 is still inside the window
    assert not gate.allow("ann")
    clock.now = 11
    assert gate.allow("ann")


def test_refused_actions_are_not_counted() -> None:
    clock = Clock()
    gate = _gate(2, 10, clock)
    assert gate.allow("ann") and gate.allow("ann")
    for clock.now in (3, 6, 9):
        assert not gate.allow("ann")
    clock.now = 10  # had the refusals counted, ann would wait until 19
    assert gate.allow("ann")


def test_users_have_independent_budgets() -> None:
    clock = Clock()
    gate = _gate(2, 10, clock)
    assert gate.allow("ann") and gate.allow("ann")
    assert not gate.allow("ann")
    assert gate.allow("bob") and gate.allow("bob")
    assert not gate.allow("bob")


def test_cost_counts_several_sends_and_is_clamped_to_the_limit() -> None:
    clock = Clock()
    gate = _gate(5, 60, clock)
    assert gate.allow("ann", cost=3)
    assert not gate.allow("ann", cost=3)  # 6 > 5, and nothing recorded for it
    assert gate.allow("ann", cost=2)
    assert not gate.allow("ann")
    # A full text longer than the whole budget still goes out, once, on a fresh budget.
    assert gate.allow("bob", cost=50)
    assert not gate.allow("bob")
    # A cost below one still counts as one send.
    assert gate.allow("cid", cost=0) and gate.allow("cid", cost=-4)
    clock.now = 1
    assert [gate.allow("cid") for _ in range(4)] == [True, True, True, False]


def test_button_budget_and_questions_are_separate_gates() -> None:
    """The adapters build one gate for questions and one for button sends from `flood`;
    using up either leaves the other whole, and each notice gate speaks once per window."""
    flood, clock = FloodConfig(), Clock()
    questions = _gate(flood.questions, flood.seconds, clock)
    buttons = _gate(flood.buttons, flood.button_seconds, clock)
    button_notice = _gate(1, flood.button_seconds, clock)
    assert all(questions.allow("ann") for _ in range(flood.questions))
    assert not questions.allow("ann")
    assert all(buttons.allow("ann") for _ in range(flood.buttons))
    assert not buttons.allow("ann")
    assert [button_notice.allow("ann") for _ in range(3)] == [True, False, False]
    clock.now = flood.seconds  # questions are back; buttons wait their own, longer window
    assert questions.allow("ann")
    assert not buttons.allow("ann")
    clock.now = flood.button_seconds
    assert buttons.allow("ann") and button_notice.allow("ann")


def test_idle_users_are_forgotten_when_the_map_grows() -> None:
    clock = Clock()
    gate = _gate(2, 10, clock)
    for user in range(IDLE_MAP_SIZE + 1):
        assert gate.allow(f"idle-{user}")
    clock.now = 5
    assert gate.allow("flooder") and gate.allow("flooder")
    clock.now = 12  # every idle-* user is a window old; the flooder is not
    assert gate.allow("newcomer")
    assert set(gate._seen) == {"flooder", "newcomer"}
    assert not gate.allow("flooder")  # forgetting others never resets an active user
    assert gate.allow("idle-7")  # a forgotten user starts again with a full budget


def test_idle_users_are_kept_while_the_map_is_small() -> None:
    clock = Clock()
    gate = _gate(1, 10, clock)
    for user in range(100):
        gate.allow(f"user-{user}")
    clock.now = 100
    gate.allow("late")
    assert len(gate._seen) == 101


_ACTIONS = st.lists(st.tuples(st.floats(0, 4, allow_nan=False), st.sampled_from("ab"),
                              st.integers(-1, 6)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(limit=st.integers(1, 5), window=st.floats(0.5, 10), actions=_ACTIONS)
def test_matches_the_sliding_window_rule(limit: int, window: float,
                                         actions: list[tuple[float, str, int]]) -> None:
    """Each action is allowed exactly when the sends it adds, plus the user's sends
    allowed less than `window` ago, are at most `limit`: never more in any window."""
    clock = Clock()
    gate = _gate(limit, window, clock)
    allowed: dict[str, list[tuple[float, int]]] = {"a": [], "b": []}
    for step, user, cost in actions:
        clock.now += step
        sends = max(1, min(cost, limit))
        recent = sum(n for t, n in allowed[user] if clock.now - t < window)
        expected = recent + sends <= limit
        assert gate.allow(user, cost) == expected
        if expected:
            allowed[user].append((clock.now, sends))
