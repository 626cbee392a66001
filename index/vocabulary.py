"""The index's own vocabulary, as question understanding needs it: which terms exist, how
rare each is, and how the corpus writes it. Built once per index generation."""

from __future__ import annotations

import bisect
import json
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from index.analyze import analyze, fold, surface_forms


class TermStats(Protocol):
    """What a Vocabulary reads from an engine (index.engine.BM25 provides it)."""

    @property
    def n_docs(self) -> int: ...

    def terms(self) -> list[str]: ...

    def doc_freqs(self) -> list[int]: ...

    def docs_with(self, term: str) -> NDArray[np.int32]: ...


Postings = Callable[[str], NDArray[np.int32]]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Indexed terms with their document frequency and a surface form each."""

    doc_freq: Mapping[str, int]
    n_docs: int
    surface: Mapping[str, str] = field(default_factory=dict)
    postings: Postings | None = field(default=None, compare=False, repr=False)
    # (names only, first letter of the key) -> (spelling keys, their terms)
    _spellings: dict[tuple[bool, str], tuple[list[str], list[str]]] = field(
        default_factory=dict, compare=False, repr=False)
    # the same groups' keys with every vowel made one ("menaka", "maneka" -> mananaka),
    # computed on first use
    _skeletons: dict[tuple[bool, str], list[str]] = field(
        default_factory=dict, compare=False, repr=False)
    # alike()'s answers: chat repeats its misspellings, and fuzzy matching is the dear part
    _alike_cache: dict[tuple[str, bool, int, int, float], list[str]] = field(
        default_factory=dict, compare=False, repr=False)
    # one thread builds the tables (a background warm() and a question may race)
    _building: threading.Lock = field(default_factory=threading.Lock, compare=False,
                                      repr=False)

    @classmethod
    def from_engine(cls, engine: TermStats, surface: Mapping[str, str] | None = None
                    ) -> Vocabulary:
        """The vocabulary of a built or loaded engine, with the surface forms of its build."""
        doc_freq = dict(zip(engine.terms(), engine.doc_freqs(), strict=True))
        return cls(doc_freq, engine.n_docs, dict(surface or {}), engine.docs_with)

    @classmethod
    def from_passages(cls, passages: Iterable[str]) -> Vocabulary:
        """The vocabulary of analysed texts (tests and small corpora)."""
        texts = list(passages)
        docs: dict[str, list[int]] = {}
        occurrences: Counter[str] = Counter()
        for index, text in enumerate(texts):
            terms = analyze(text)
            occurrences.update(terms)
            for term in dict.fromkeys(terms):
                docs.setdefault(term, []).append(index)
        arrays = {t: np.asarray(d, dtype=np.int32) for t, d in docs.items()}
        empty = np.zeros(0, dtype=np.int32)
        return cls({t: len(d) for t, d in docs.items()}, len(texts),
                   surface_forms(texts, occurrences),
                   lambda term: arrays.get(term, empty))

    def __contains__(self, term: object) -> bool:
        return term in self.doc_freq

    def __len__(self) -> int:
        return len(self.doc_freq)

    def df(self, term: str) -> int:
        """Number of passages holding the term (0 when the corpus lacks it)."""
        return self.doc_freq.get(term, 0)

    def surface_of(self, term: str) -> str:
        """How the corpus most often writes the term ("Tinzaouatene" for tinzaouaten)."""
        return self.surface.get(term, term)

    @property
    def rare_df(self) -> int:
        """Document frequency up to which a term counts as rare."""
        return max(2, self.n_docs // 1000)

    def cooccur(self, terms: Iterable[str]) -> bool:
        """True when one passage holds every term (all known, without postings)."""
        wanted = list(dict.fromkeys(terms))
        if not wanted or any(t not in self.doc_freq for t in wanted):
            return False
        if self.postings is None or len(wanted) == 1:
            return True
        wanted.sort(key=self.df)
        common = self.postings(wanted[0])
        for term in wanted[1:]:
            common = np.intersect1d(common, self.postings(term), assume_unique=True)
            if common.shape[0] == 0:
                return False
        return True

    def closest(self, word: str, *, names_only: bool = True, more_used_than: int = 0
                ) -> str | None:
        """The index term spelt most like `word` (folded), or None. Spellings are compared
        by sound ("Lavroff" ~ Lavrov, "Tinzawatene" ~ Tinzaouatene), only with terms of the
        same first sound, closely enough for the word's length; with names_only, only with
        terms the corpus writes with a capital."""
        found = self.alike(word, names_only=names_only, more_used_than=more_used_than, limit=1)
        return found[0] if found else None

    def alike(self, word: str, *, names_only: bool = True, more_used_than: int = 0,
              limit: int = 3, margin: float = 0.0) -> list[str]:
        """The index terms spelt like `word`, most alike first (as `closest` compares them):
        the best, and up to `limit` in all that score within `margin` of it (one place the
        corpus spells two ways: "Boulkesi" ~ Boulkessi, Boulikessi)."""
        asked = (word, names_only, more_used_than, limit, margin)
        cached = self._alike_cache.get(asked)
        if cached is None:
            if len(self._alike_cache) >= _ALIKE_CACHE_SIZE:
                self._alike_cache.clear()
            cached = self._alike_cache[asked] = self._alike(word, names_only, more_used_than,
                                                            limit, margin)
        return list(cached)

    def _alike(self, word: str, names_only: bool, more_used_than: int, limit: int,
               margin: float) -> list[str]:
        key = spelling_key(word)
        cutoff = _fuzzy_cutoff(len(key))
        if cutoff is None:
            return []
        self._build_candidates(names_only)
        keys, terms = self._spellings.get((names_only, key[:1]), ([], []))
        found = self._ranked(process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff,
                                             limit=8), terms, word, more_used_than)
        if not found and len(key) >= _MIN_SKELETON:  # vowels written otherwise: Maneka
            skeletons = self._skeletons_of((names_only, key[:1]), keys)
            found = self._ranked(process.extract(vowel_skeleton(key), skeletons,
                                                 scorer=fuzz.ratio,
                                                 score_cutoff=_SKELETON_CUTOFF, limit=8),
                                 terms, word, more_used_than)
        if not found:
            return []
        best = found[0][0]
        return [term for score, _, term in found if score >= best - margin][:limit]

    def _skeletons_of(self, group: tuple[bool, str], keys: list[str]) -> list[str]:
        """The vowel skeletons of one group's spelling keys, in the same order. Computed on
        first use, so tables carried over by an /add or loaded at start need no extra pass
        (an /add's fresh Vocabulary starts with no skeletons)."""
        found = self._skeletons.get(group)
        if found is None or len(found) != len(keys):
            found = [vowel_skeleton(k) for k in keys]
            self._skeletons[group] = found
        return found

    def _ranked(self, found: Iterable[tuple[str, float, int]], terms: list[str], word: str,
                more_used_than: int) -> list[tuple[float, int, str]]:
        """(score, df, term) of the found terms other than `word` used more than
        `more_used_than`, most alike (then most used) first."""
        ranked = {(score, self.df(terms[index]), terms[index]) for _, score, index in found
                  if self.df(terms[index]) > more_used_than and terms[index] != word}
        return sorted(ranked, reverse=True)

    def warm(self, known_keys: Mapping[str, str] | None = None) -> Vocabulary:
        """Build the fuzzy-matching tables now (about 0.5 s at 100k passages) rather than
        at the first misspelt question; call it off the event loop, e.g. in the background
        once a new index answers."""
        self._build_candidates(True, known_keys or {})
        self._build_candidates(False, known_keys or {})
        return self

    @property
    def warmed(self) -> bool:
        """True once both fuzzy tables are built."""
        return (True, "") in self._spellings and (False, "") in self._spellings

    def _build_candidates(self, names_only: bool, known_keys: Mapping[str, str] | None = None
                          ) -> None:
        """(spelling keys, terms) by first letter of the key; built on first use."""
        if (names_only, "") in self._spellings:
            return
        with self._building:
            if (names_only, "") not in self._spellings:
                self._fill_candidates(names_only, known_keys or {})

    def _fill_candidates(self, names_only: bool, known_keys: Mapping[str, str]) -> None:
        """Fill one table; `known_keys` (spelling -> key, see save_spelling_keys) spares
        computing the keys again."""
        for n, term in enumerate(self.doc_freq):
            if n % 1000 == 999:
                time.sleep(0)  # let a question's thread have the GIL (this runs for ~1 s)
            if self._spelt_candidate(term, names_only):
                spelling = self.surface.get(term, term)
                key = known_keys.get(spelling) or spelling_key(fold(spelling))
                keys, terms = self._spellings.setdefault((names_only, key[:1]), ([], []))
                keys.append(key)
                terms.append(term)
        self._spellings[(names_only, "")] = ([], [])

    def _spelt_candidate(self, term: str, names_only: bool) -> bool:
        """True if fuzzy matching compares words with this term."""
        spelling = self.surface.get(term, term)
        if len(term) < 4 or not spelling.isalpha() or term not in self.doc_freq:
            return False
        if not names_only and self.doc_freq[term] < 2:
            return False  # a misspelt common word aims at a word the corpus uses
        return not names_only or spelling[:1].isupper()

    def updated(self, engine: TermStats, surface: Mapping[str, str],
                touched: Iterable[str]) -> Vocabulary:
        """The vocabulary of `engine` after passages holding the terms `touched` were
        appended to or removed from this one's (no other term's surface form changed):
        the fuzzy tables are carried over, with only those terms looked at again, in the
        order a fresh build gives them (#13: an /add or /remove costs its terms, not the
        vocabulary's; no question waits for the new tables)."""
        self.warm()  # if a background warm-up is still under way: wait for it, once
        fresh = Vocabulary.from_engine(engine, surface)
        terms = list(dict.fromkeys(touched))
        order: dict[str, int] | None = None
        for names_only in (True, False):
            tables = {k: (list(keys), list(spelt)) for k, (keys, spelt)
                      in list(self._spellings.items()) if k[0] == names_only}
            moved = [t for t in terms if self._respelt(fresh, t, names_only)]
            for term in moved:
                if self._spelt_candidate(term, names_only):
                    _drop_spelling(tables, names_only, term, self.surface.get(term, term))
            for term in moved:
                if fresh._spelt_candidate(term, names_only):
                    order = order or {t: i for i, t in enumerate(fresh.doc_freq)}
                    _insert_spelling(tables, names_only, term, fresh.surface.get(term, term),
                                     order)
            fresh._spellings.update(tables)
        return fresh

    def _respelt(self, other: Vocabulary, term: str, names_only: bool) -> bool:
        """True if the term's entry in a fuzzy table differs between the two."""
        was, now = self._spelt_candidate(term, names_only), other._spelt_candidate(term,
                                                                                  names_only)
        if was != now:
            return True
        return was and self.surface.get(term, term) != other.surface.get(term, term)


def _drop_spelling(tables: dict[tuple[bool, str], tuple[list[str], list[str]]],
                   names_only: bool, term: str, spelling: str) -> None:
    """Take a term out of its first-sound table."""
    keys, terms = tables[(names_only, spelling_key(fold(spelling))[:1])]
    at = terms.index(term)
    del keys[at], terms[at]


def _insert_spelling(tables: dict[tuple[bool, str], tuple[list[str], list[str]]],
                     names_only: bool, term: str, spelling: str, order: Mapping[str, int]
                     ) -> None:
    """Put a term into its first-sound table where a fresh build would (term order)."""
    key = spelling_key(fold(spelling))
    keys, terms = tables.setdefault((names_only, key[:1]), ([], []))
    at = bisect.bisect_left([order[t] for t in terms], order[term])
    keys.insert(at, key)
    terms.insert(at, term)


_SOUNDS = [("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("v", "f"), ("w", "u"),
           ("ou", "u"), ("oo", "u"), ("y", "i"), ("ee", "i"), ("dh", "d"), ("th", "t"),
           ("kh", "k"), ("gh", "g")]
_DOUBLE = re.compile(r"([a-z])\1+")


def spelling_key(word: str) -> str:
    """A rough sound of a folded word, so that transliterations meet: doubled letters,
    c/k/q, ou/oo/w, v/f and y/i are made one, and a final e dropped."""
    key = _DOUBLE.sub(r"\1", word)
    for written, sound in _SOUNDS:
        key = key.replace(written, sound)
    key = _DOUBLE.sub(r"\1", key)
    return key[:-1] if len(key) > 4 and key.endswith("e") else key


_VOWELS = re.compile(r"[aeiou]")
_MIN_SKELETON = 5      # shorter keys differ in too few letters besides their vowels
_SKELETON_CUTOFF = 92.0  # rapidfuzz ratio between vowel skeletons


def vowel_skeleton(key: str) -> str:
    """A spelling key with every vowel but the first letter made one ("maneka" and "menaka"
    -> "manaka"): transliterations disagree most on vowels."""
    return key[:1] + _VOWELS.sub("a", key[1:])


_ALIKE_CACHE_SIZE = 20_000


def _fuzzy_cutoff(length: int) -> float | None:
    """How alike (rapidfuzz ratio, 0-100) a word of this length must be to a term."""
    if length < 4:
        return None
    if length <= 5:
        return 88.0
    return 85.0 if length < 8 else 80.0


SURFACE_FILE = "surface.json"
SPELLING_FILE = "spellings.json"


def save_surface_forms(folder: Path, surface: Mapping[str, str]) -> None:
    """Write a generation's surface forms next to its index arrays (atomically)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = folder / f"{SURFACE_FILE}.tmp"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner-only, as the index
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(json.dumps(dict(surface), ensure_ascii=False))
    os.replace(tmp, folder / SURFACE_FILE)


def load_surface_forms(folder: Path) -> dict[str, str]:
    """A generation's surface forms; empty when absent or unreadable (they only affect how
    a rewrite is worded and which spellings fuzzy matching compares)."""
    try:
        data = json.loads((folder / SURFACE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def save_spelling_keys(folder: Path, vocabulary: Vocabulary) -> None:
    """Write the spelling keys of a warmed vocabulary's fuzzy tables next to its index
    arrays (spelling -> key), so that a start builds the tables without computing them."""
    known: dict[str, str] = {}
    for (_names_only, _), (keys, terms) in list(vocabulary._spellings.items()):
        for key, term in zip(keys, terms, strict=True):
            known[vocabulary.surface.get(term, term)] = key
    tmp = folder / f"{SPELLING_FILE}.tmp"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(json.dumps(known, ensure_ascii=False))
    os.replace(tmp, folder / SPELLING_FILE)


def load_spelling_keys(folder: Path) -> dict[str, str]:
    """A generation's saved spelling keys; empty when absent or unreadable (they are only
    a shortcut: a missing key is computed)."""
    try:
        data = json.loads((folder / SPELLING_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
