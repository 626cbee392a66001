"""Typos in ordinary words, and French articles glued to their noun: what a chat user types
for a word that the index, the dictionaries and the lexicon all know. Pure functions.

A typo is corrected as a noisy-channel spelling corrector does (Kernighan, Church and Gale
1990; Norvig's "How to write a spelling corrector"): the candidates are the dictionary words
one edit from what was typed (a letter dropped, added, swapped with its neighbour, or
changed into a neighbouring key); the likeliest is the one the corpus uses most (its
document frequency stands for the word's prior). A word one slip from a name the corpus
writes ("wagne" ~ Wagner) is left to name matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from index.analyze import STOPWORDS, analyze
from index.lexicon import dictionary_neighbours, french_stopwords, one_edit
from index.noise import FRAMING_WORDS
from index.vocabulary import Vocabulary

MIN_TYPO_LETTERS = 4  # shorter words are one edit from too many others
MAX_TYPO_LETTERS = 24  # longer is no misspelt word (and its edits cost ~5 ms to look up)
_ENGLISH_FUNCTION = STOPWORDS | FRAMING_WORDS  # "happend" -> happened: chat, no search word

# Neighbouring keys on QWERTY and AZERTY keyboards: a changed letter is a slipped finger.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn")
_LAYOUTS = (_ROWS[:3], _ROWS[3:])


@lru_cache(maxsize=1)
def _neighbour_keys() -> dict[str, frozenset[str]]:
    """Letter -> the letters of the keys around it (left, right, above, below) on either
    layout (rows are offset by about half a key, so a key touches two of the next row)."""
    near: dict[str, set[str]] = {}
    for rows in _LAYOUTS:
        for r, row in enumerate(rows):
            for i, letter in enumerate(row):
                around = {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
                for other in (r - 1, r + 1):
                    if 0 <= other < len(rows):
                        lo = i - 1 if other > r else i
                        around |= {rows[other][j] for j in (lo, lo + 1)
                                   if 0 <= j < len(rows[other])}
                near.setdefault(letter, set()).update(around)
    return {letter: frozenset(keys) for letter, keys in near.items()}


def is_slip(typed: str, word: str) -> bool:
    """True unless `word` differs from `typed` by one letter changed into one whose key is
    not next to it (a changed letter is only counted as a typo for a neighbouring key)."""
    if len(typed) != len(word):
        return True
    changed = [(a, b) for a, b in zip(typed, word, strict=True) if a != b]
    if len(changed) != 1:
        return True  # two neighbours swapped
    a, b = changed[0]
    return b in _neighbour_keys().get(a, frozenset())


@dataclass(frozen=True, slots=True)
class Correction:
    word: str      # the word read for the typo
    support: int   # passages holding its index term (or its translation's); 0: none
    function_word: bool = False  # a stopword ("quuand" -> quand): no search term


def correction(typed: str, vocabulary: Vocabulary,
               translate: Callable[[str], Iterable[str]] | None = None) -> Correction | None:
    """The word a folded typo most likely stands for, or None when none is one slip away:
    English dictionary words, French ones too when `translate` (French word -> English
    words) is given (a French question); None too when a name of the corpus is one slip
    away ("wagne", "goitta": name matching reads those). The likeliest is the one the corpus
    uses most; a function word counts as used everywhere. Between words the
    corpus uses alike (often none), a word of the question's language, then a swap, then a
    letter dropped or added, then a changed one (a letter that slipped)."""
    if not MIN_TYPO_LETTERS <= len(typed) <= MAX_TYPO_LETTERS or not typed.isalpha() \
            or not typed.isascii():
        return None
    found: dict[str, tuple[int, int, bool]] = {}  # word -> (support, preference, function)

    def add(word: str, support: int, other_language: bool, function: bool = False) -> None:
        preference = 4 * other_language + _edit_rank(typed, word)
        known = found.get(word)
        if known is None or (-support, preference) < (-known[0], known[1]):
            found[word] = (support, preference, function)

    if names_one_slip_away(typed, vocabulary):
        return None  # a name of the corpus: name matching reads it (index.understand)
    for language in ("en", "fr") if translate else ("en",):
        stopwords = french_stopwords() if language == "fr" else _ENGLISH_FUNCTION
        other = (language == "fr") != (translate is not None)
        for word in dictionary_neighbours(typed, language):
            if not is_slip(typed, word):
                continue
            if word in stopwords:
                add(word, vocabulary.n_docs, other, function=True)
            elif terms := analyze(word):
                english = [t for w in translate(word) for t in analyze(w)] \
                    if translate and language == "fr" else []
                add(word, max(_support(terms, vocabulary),
                              _support(english, vocabulary, whole=False)), other)
    if not found:
        return None
    best = min(found, key=lambda w: (-found[w][0], found[w][1], w))
    support, _, function = found[best]
    return Correction(best, support, function)


def names_one_slip_away(typed: str, vocabulary: Vocabulary) -> list[str]:
    """The index terms the corpus writes as names one slip from a folded word ("wagne" ->
    wagner), most used first."""
    found = [name for name in one_edit(typed)
             if _written_as_name(name, vocabulary) and is_slip(typed, name)]
    return sorted(found, key=lambda name: (-vocabulary.df(name), name))


def _edit_rank(typed: str, word: str) -> int:
    """0 for two neighbours swapped, 1 for a letter dropped or added, 2 for one changed."""
    if len(typed) != len(word):
        return 1
    return 0 if sorted(typed) == sorted(word) else 2


def _support(terms: list[str], vocabulary: Vocabulary, *, whole: bool = True) -> int:
    """How many passages use the word: its one index term's document frequency (with
    `whole` False, the most used of several terms: a translation's words)."""
    if whole and len(terms) != 1:
        return 0
    return max((vocabulary.df(t) for t in terms), default=0)


def _written_as_name(term: str, vocabulary: Vocabulary) -> bool:
    """The index holds the term and writes it with a capital (Wagner, Mali)."""
    return term in vocabulary and vocabulary.surface_of(term)[:1].isupper()


# --- French articles glued to their noun ---------------------------------------------------

# l', d', j', n', s', c', t', qu' (and jusqu', lorsqu', puisqu') before a vowel or h.
_ELIDED = re.compile(r"(?<![^\W\d_])(jusqu|lorsqu|puisqu|qu|[ldjnsct])"
                     r"(?=[aeiouyhâàéèêëîïôûœAEIOUYHÂÀÉÈÊËÎÏÔÛŒ])([^\W\d_]{3,})")


def unglue_elisions(text: str, known: Callable[[str], bool]) -> str:
    """French elided articles typed without their apostrophe put back ("larmee" ->
    "l'armee", "dUkraine" -> "d'Ukraine"), where `known` knows the word after the article
    and not the glued whole. A word typed with a capital is a name: never cut."""
    def split(match: re.Match[str]) -> str:
        whole = match.group()
        article, rest = match.group(1), match.group(2)
        if known(whole) or not known(rest):
            return whole
        return f"{article}'{rest}"
    return _ELIDED.sub(split, text)
