"""WordNet synonyms for ordinary words the corpus never uses ("grumbling" -> grumble,
mutter; "stalemate" -> deadlock, impasse).

The table (data/en_wordnet.tsv, derived from WordNet 3.0 by tools/wordnet_table.py; licence
in data/WORDNET_LICENSE) holds, for each single-word lemma, the synonyms of its first two
senses; WordNet orders senses by frequency, so these are the ordinary meanings. A word is
looked up by its WordNet base form (irregular forms from data/en_wordnet_exc.tsv, then
WordNet's regular suffix rules, "morphy"). Only synonyms that the index holds, in at most a
fifth of the passages, count: a common word says nothing about the question.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from index.analyze import analyze
from index.query import SYNONYM, Alternative
from index.vocabulary import Vocabulary

WORDNET_WEIGHT = 0.3   # as the hand-written thesaurus's related words
WORDNET_SENSES = 2     # sense ranks used per part of speech (the table holds two)
MAX_WORDNET = 4        # synonyms per word, in WordNet's order (each one is a posting list)
WORDNET_MAX_SHARE = 0.2  # a synonym in more passages than this says nothing
MAX_SENSES = 6         # a word of more senses is vague ("keep", "want"): no synonyms

# WordNet's regular inflections (morphy's detachment rules): ending -> base ending.
_SUFFIXES = (
    ("ies", "y"), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
    ("men", "man"), ("es", "e"), ("es", ""), ("s", ""),
    ("ing", "e"), ("ing", ""), ("ed", "e"), ("ed", ""), ("est", "e"), ("est", ""),
    ("er", "e"), ("er", ""),
)


def _read(name: str) -> str:
    return resources.files("index").joinpath("data", name).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Lemma:
    """A WordNet lemma: its number of senses, and the synonyms of each of its first sense
    ranks (first sense first; "_" joins the words of a two-word synonym)."""

    senses: int
    synonyms: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def table() -> Mapping[str, str]:
    """Lemma -> the rest of its line in the table, read when the lemma is looked up (the
    table is read once; its lines are parsed one by one, as questions need them)."""
    rows = (line.partition("\t") for line in _read("en_wordnet.tsv").splitlines() if line)
    return MappingProxyType({lemma: rest for lemma, _, rest in rows})


@lru_cache(maxsize=4096)
def entry(lemma: str) -> Lemma | None:
    """The table's entry for a lemma, or None when WordNet gives it no synonyms."""
    rest = table().get(lemma)
    if rest is None:
        return None
    senses, *ranks = rest.split("\t")
    return Lemma(int(senses), tuple(tuple(r.split()) for r in ranks))


@lru_cache(maxsize=1)
def irregular_forms() -> Mapping[str, str]:
    """Irregular plural -> its base form ("theses" -> thesis)."""
    rows = (line.split("\t") for line in _read("en_wordnet_exc.tsv").splitlines() if line)
    return MappingProxyType({form: base for form, base in rows})


def base_forms(word: str) -> list[str]:
    """The lemmas of the table a lower-case word may be a form of, the word itself first:
    "grumbling" -> grumbling, grumble; "theses" -> thesis; "stopped" -> stop."""
    lemmas = table()
    candidates = [word, irregular_forms().get(word, "")]
    for ending, base in _SUFFIXES:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[:len(word) - len(ending)]
            candidates.append(stem + base)
            if not base and len(stem) > 2 and stem[-1] == stem[-2]:  # "stopped" -> stop
                candidates.append(stem[:-1])
    found: list[str] = []
    for candidate in candidates:
        if candidate in lemmas and candidate not in found:
            found.append(candidate)
    return found


def synonyms(word: str, senses: int = WORDNET_SENSES) -> list[str]:
    """The synonyms of a word's first `senses` senses, first sense first, over its base
    forms ("_" joins the words of a two-word synonym)."""
    found: list[str] = []
    for rank in range(senses):
        for lemma in base_forms(word):
            known = entry(lemma)
            if known is None or known.senses > MAX_SENSES:
                continue
            ranks = known.synonyms
            for synonym in ranks[rank] if rank < len(ranks) else ():
                if synonym not in found:
                    found.append(synonym)
    return found


def held_synonyms(vocabulary: Vocabulary, word: str, term: str,
                  asked: frozenset[str] = frozenset(),
                  weight: float = WORDNET_WEIGHT) -> list[Alternative]:
    """The index terms of a word's WordNet synonyms that the index holds in at most
    WORDNET_MAX_SHARE of the passages, at most MAX_WORDNET of them in WordNet's order. A
    synonym never counts for more than the typed word would: when the index holds the
    typed term, a rarer synonym is weighted down by their IDF ratio."""
    most = max(1, int(WORDNET_MAX_SHARE * vocabulary.n_docs))
    typed_idf = _idf(vocabulary, term) if term in vocabulary else None
    found: list[Alternative] = []
    taken = {term, *asked}
    for synonym in synonyms(word):
        terms = analyze(synonym.replace("_", " "))
        if len(terms) != 1 or terms[0] in taken or not 0 < vocabulary.df(terms[0]) <= most:
            continue
        taken.add(terms[0])
        share = 1.0 if typed_idf is None else min(1.0, typed_idf / _idf(vocabulary, terms[0]))
        found.append(Alternative(terms[0], weight * share, SYNONYM))
        if len(found) == MAX_WORDNET:
            break
    return found


def _idf(vocabulary: Vocabulary, term: str) -> float:
    """BM25Okapi's IDF of a term the index holds (floored above zero)."""
    df = vocabulary.df(term)
    return max(math.log((vocabulary.n_docs - df + 0.5) / (df + 0.5)), 0.05)
