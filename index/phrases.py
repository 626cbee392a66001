"""The English phrase table (index/data/en_phrases.yaml): multi-word expressions people type
("pull out", "go missing", "lives lost") -> the plain words reports write for them
(withdraw, disappeared, deaths). Pure functions; the bundled table is compiled once.

A phrase is matched word by word on stems, keeping its function words: analyze() drops
"out", "on" and "up" as stopwords, but they are what makes "pull out" mean withdraw, so a
phrase key is the stem of every word (irregular verbs through their base form, so "went
missing" is "go missing" and "pulled out" is "pull out").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import yaml

from index.analyze import fold, stem
from index.lexicon import data_text

__all__ = [
    "PhraseTable",
    "bundled_phrases",
    "compile_phrases",
    "match_at",
    "parse_phrases",
    "phrase_key",
]

_TOKEN = re.compile(r"[^\W_]+")
_BUNDLED = "en_phrases.yaml"

PhraseKey = tuple[str, ...]


class PhraseTable:
    """Phrase keys (stems of every word) -> the plain words the phrase stands for."""

    def __init__(self, phrases: Mapping[str, Sequence[str]]) -> None:
        table: dict[PhraseKey, tuple[str, ...]] = {}
        for phrase, words in phrases.items():
            key = phrase_key(_TOKEN.findall(phrase))
            table[key] = tuple(dict.fromkeys((*table.get(key, ()), *words)))
        self._table = MappingProxyType(table)
        self.max_words = max((len(k) for k in table), default=0)
        self._first_words = frozenset(k[0] for k in table)

    def __len__(self) -> int:
        return len(self._table)

    def get(self, key: PhraseKey) -> tuple[str, ...]:
        return self._table.get(key, ())

    def may_start(self, first: str) -> bool:
        """True if some phrase starts with this stem (a cheap test before longer lookups)."""
        return first in self._first_words


def phrase_key(words: Sequence[str]) -> PhraseKey:
    """The stems of every word, function words included: ("pulled", "out") -> (pull, out)."""
    return tuple(stem(fold(w)) for w in words)


def match_at(table: PhraseTable, stems: Sequence[str], i: int) -> tuple[int, tuple[str, ...]]:
    """The longest phrase of two or more words starting at stems[i]: (its length, the plain
    words it stands for), or (0, ()) when none starts there."""
    if i >= len(stems) or not table.may_start(stems[i]):
        return 0, ()
    for n in range(min(table.max_words, len(stems) - i), 1, -1):
        words = table.get(tuple(stems[i:i + n]))
        if words:
            return n, words
    return 0, ()


def parse_phrases(data: Any, origin: str) -> dict[str, tuple[str, ...]]:
    """Phrase -> its plain words, or ValueError naming the bad entry: a phrase is two or more
    words in lower case, mapped to a non-empty list of lower-case words."""
    if not isinstance(data, dict):
        raise ValueError(f"{origin}: expected a mapping of phrase -> list of words")
    phrases: dict[str, tuple[str, ...]] = {}
    for phrase, words in data.items():
        if not isinstance(phrase, str) or len(_TOKEN.findall(phrase)) < 2 \
                or phrase != phrase.lower():
            raise ValueError(f"{origin}: {phrase!r} is not a phrase of two or more words "
                             "in lower case")
        if not isinstance(words, list) or not words or not all(
                isinstance(w, str) and w.strip() and w == w.lower() for w in words):
            raise ValueError(f"{origin}: phrase {phrase!r} must map to a list of lower-case "
                             "words")
        phrases[phrase] = tuple(words)
    return phrases


def compile_phrases(data: Any, origin: str) -> PhraseTable:
    return PhraseTable(parse_phrases(data, origin))


@lru_cache(maxsize=1)
def bundled_phrases() -> PhraseTable:
    return compile_phrases(yaml.safe_load(data_text(_BUNDLED)), _BUNDLED)
