"""QuestionCache (bot/frontend.py): a bounded LRU behind the short keys in button data."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.frontend import QUESTION_CACHE_SIZE, QuestionCache

URL_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]{8}")


def test_put_then_get_returns_the_question_and_query_id() -> None:
    cache = QuestionCache()
    first = cache.put("Who holds Kidal?", 17)
    second = cache.put("What is JNIM?", None)
    assert cache.get(first) == ("Who holds Kidal?", 17)
    assert cache.get(second) == ("What is JNIM?", None)
    assert cache.get("unknown!") is None


def test_evicts_the_least_recently_used_key() -> None:
    cache = QuestionCache(size=3)
    a, b, c = (cache.put(q, i) for i, q in enumerate("abc"))
    assert cache.get(a) is not None  # a is now the most recently used
    d = cache.put("d", 3)
    assert cache.get(b) is None
    assert [cache.get(k) for k in (a, c, d)] == [("a", 0), ("c", 2), ("d", 3)]


def test_eviction_follows_insertion_order_without_reads() -> None:
    cache = QuestionCache(size=2)
    a, b = cache.put("a", 0), cache.put("b", 1)
    cache.put("c", 2)
    assert cache.get(a) is None and cache.get(b) == ("b", 1)


def test_holds_at_most_size_questions() -> None:
    cache = QuestionCache(size=10)
    keys = [cache.put(f"question {i}", i) for i in range(100)]
    kept = [k for k in keys if cache.get(k) is not None]
    assert kept == keys[-10:]


def test_default_size_is_bounded() -> None:
    cache = QuestionCache()
    keys = [cache.put(f"q{i}", i) for i in range(QUESTION_CACHE_SIZE + 1)]
    assert cache.get(keys[0]) is None and cache.get(keys[1]) == ("q1", 1)


def test_remembers_the_passages_each_answer_showed() -> None:
    cache = QuestionCache()
    key = cache.put("Who holds Kidal?", 1, shown=["doc#1", "doc#2"])
    other = cache.put("What is JNIM?", 2)
    cache.show(key, ["doc#3"])  # a "More" page
    assert cache.shown(key) == {"doc#1", "doc#2", "doc#3"}
    assert cache.shown(other) == frozenset()


def test_passages_of_unknown_or_evicted_keys_are_empty_and_not_kept() -> None:
    cache = QuestionCache(size=1)
    old = cache.put("old", 1, shown=["doc#1"])
    cache.put("new", 2, shown=["doc#9"])
    cache.show(old, ["doc#2"])  # a late "More" on an evicted answer adds nothing
    cache.show("forged!!", ["doc#3"])
    assert cache.shown(old) == frozenset()
    assert cache.shown("forged!!") == frozenset()
    assert set(cache._shown) == set(cache._items)  # no passage sets outlive their question


def test_shown_is_a_snapshot_not_a_live_view() -> None:
    cache = QuestionCache()
    key = cache.put("q", 1, shown=["doc#1"])
    before = cache.shown(key)
    cache.show(key, ["doc#2"])
    assert before == {"doc#1"}


@settings(max_examples=50, deadline=None)
@given(questions=st.lists(st.text(max_size=300), min_size=1, max_size=40))
def test_keys_are_url_safe_short_and_distinct(questions: list[str]) -> None:
    cache = QuestionCache()
    keys = [cache.put(q, None) for q in questions]
    # 8 ASCII bytes whatever the question: a vote payload "v|key|chunk|+" keeps 51 of
    # Telegram's 64 bytes for the chunk id
    assert all(URL_SAFE_KEY.fullmatch(k) for k in keys)
    assert len(set(keys)) == len(keys)
    assert [cache.get(k) for k in keys] == [(q, None) for q in questions]
