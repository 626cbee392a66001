"""Seeded synthetic corpus: Zipf-distributed pronounceable words, 30-90 tokens per passage."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

__all__ = ["SyntheticCorpus", "heaps_vocab_size", "make_corpus"]

_ONSETS = [
    *"bcdfghjklmnprstvwz",
    *("bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "kr", "pl", "pr", "sc"),
    *("sh", "sk", "sl", "sm", "sn", "sp", "st", "str", "th", "tr", "wh"),
]
_VOWELS = [*"aeiouaeio", "ai", "ea", "ee", "oo", "ou", "ie"]
_CODAS = ["", "", "", "n", "r", "l", "s", "t", "m", "nd", "nt", "rd", "st", "ck", "ng", "sh"]
_ENDINGS = ["", "", "", "", "", "s", "ed", "ing", "er", "ly", "tion", "ness", "ment", "es"]
_MIN_LEN, _MAX_LEN = 30, 90
_SENTENCE = 12  # mean words per sentence: a capital letter and a full stop every so often
_ZIPF_S = 1.07


@dataclass(frozen=True, slots=True)
class SyntheticCorpus:
    """Passages as text, the vocabulary they draw from, and its Zipf probabilities."""

    passages: list[str]
    words: list[str]
    probs: NDArray[np.float64]
    seed: int

    def queries(self, n: int, seed: int | None = None) -> list[str]:
        """n queries of 3-5 distinct mid-frequency words (term df ~0.05%-3% of passages)."""
        rng = np.random.default_rng(self.seed + 1 if seed is None else seed)
        band = _mid_band(self.words, self.probs)
        out = []
        for _ in range(n):
            size = int(rng.integers(3, 6))
            ranks = rng.choice(band, size=size, replace=False)
            out.append(" ".join(self.words[int(r)] for r in ranks))
        return out


def heaps_vocab_size(n_passages: int) -> int:
    """Vocabulary size growing like Heaps' law (K=30, beta=0.5) over ~60 tokens a passage."""
    return max(2_000, int(30 * math.sqrt(60 * n_passages)))


def make_corpus(n_passages: int, seed: int = 0, vocab_size: int | None = None) -> SyntheticCorpus:
    """Generate n passages deterministically from seed."""
    rng = np.random.default_rng(seed)
    words = _make_words(vocab_size or heaps_vocab_size(n_passages), rng)
    probs = _zipf_probs(len(words))
    passages = list(_passages(n_passages, words, probs, rng))
    return SyntheticCorpus(passages=passages, words=words, probs=probs, seed=seed)


def _make_words(n: int, rng: np.random.Generator) -> list[str]:
    """n distinct lowercase pronounceable words, shortest first (frequent words are short)."""
    from index.analyze import STOPWORDS  # lazy: keeps this module importable on its own

    seen: set[str] = set()
    batch = max(1024, n // 4)
    while len(seen) < n:
        for word in _random_words(batch, rng):
            if word not in STOPWORDS and len(word) > 2:
                seen.add(word)
    ordered = sorted(seen)  # set order is hash-seeded: sort, then shuffle with our rng
    picked = [ordered[int(i)] for i in rng.permutation(len(ordered))[:n]]
    return sorted(picked, key=len)


def _random_words(n: int, rng: np.random.Generator) -> Iterator[str]:
    """n random words of 1-4 syllables with an occasional English-like ending."""
    n_syll = rng.choice([1, 2, 2, 3, 3, 4], size=n)
    onsets = rng.integers(0, len(_ONSETS), size=(n, 4))
    vowels = rng.integers(0, len(_VOWELS), size=(n, 4))
    codas = rng.integers(0, len(_CODAS), size=(n, 4))
    endings = rng.integers(0, len(_ENDINGS), size=n)
    for i in range(n):
        parts = [
            _ONSETS[onsets[i, j]] + _VOWELS[vowels[i, j]] + _CODAS[codas[i, j]]
            for j in range(int(n_syll[i]))
        ]
        yield "".join(parts) + _ENDINGS[endings[i]]


def _zipf_probs(n: int) -> NDArray[np.float64]:
    """Zipf(s) probabilities over ranks 1..n."""
    weights: NDArray[np.float64] = np.arange(1, n + 1, dtype=np.float64) ** -_ZIPF_S
    return weights / float(weights.sum())


def _mid_band(words: list[str], probs: NDArray[np.float64]) -> NDArray[np.int64]:
    """Ranks whose analysed term's expected df is 0.05%-3% of passages (stems merge words)."""
    from index.analyze import analyze

    terms = [" ".join(analyze(word)) for word in words]
    term_prob: dict[str, float] = {}
    for term, p in zip(terms, probs.tolist(), strict=True):
        term_prob[term] = term_prob.get(term, 0.0) + p
    merged = np.array([term_prob[term] for term in terms], dtype=np.float64)
    mean_len = (_MIN_LEN + _MAX_LEN) / 2
    df = 1.0 - (1.0 - merged) ** mean_len
    band = np.flatnonzero((df >= 0.0005) & (df <= 0.03))
    return band if band.shape[0] >= 5 else np.arange(min(50, probs.shape[0]), dtype=np.int64)


def _passages(
    n: int, words: list[str], probs: NDArray[np.float64], rng: np.random.Generator
) -> Iterator[str]:
    """Passages in chunks: Zipf-sampled word ids joined into capitalised sentences."""
    cdf = np.cumsum(probs)
    chunk = 20_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        lengths = rng.integers(_MIN_LEN, _MAX_LEN + 1, size=m)
        ids = np.searchsorted(cdf, rng.random(int(lengths.sum())) * cdf[-1], side="right")
        ids = np.minimum(ids, len(words) - 1).tolist()
        bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
        for s, e in pairwise(bounds):
            yield _as_text([words[i] for i in ids[s:e]])


def _as_text(tokens: list[str]) -> str:
    """Join words into sentences of ~_SENTENCE words, capitalised and full-stopped."""
    sentences = [
        " ".join(tokens[i : i + _SENTENCE]).capitalize() for i in range(0, len(tokens), _SENTENCE)
    ]
    return ". ".join(sentences) + "."


# ----- news-like documents for the abstention-at-scale measure ------------------------

_NAME_WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’-]+)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
_URL = re.compile(r"\S*(?:https?://|www\.)\S*")


def seed_name_terms(texts: list[str]) -> set[str]:
    """Analysed terms of the seeds' specific names: words written capitalised mid-sentence
    whose term no lowercase word of the seeds shares (people, places, groups, acronyms)."""
    from index.analyze import analyze

    texts = [_URL.sub(" ", t) for t in texts]
    capital = {m.group(1) for t in texts for m in _NAME_WORD.finditer(t)}
    lower = {w for t in texts for w in _LOWER_WORD.findall(t)}
    ordinary = {term for w in lower for term in analyze(w)}
    return {term for w in capital for term in analyze(w)} - ordinary


def make_news(n_passages: int, seed_texts: list[str], seed: int = 0) -> list[str]:
    """n news-like passages: the seeds' ordinary (lowercase) words at their own frequencies,
    mixed half and half with generated words, plus generated capitalised names; none of the
    seeds' specific names. Ordinary words keep the share of passages they have in the seeds,
    so 'army' stays as common at 100x as at 1x, while the seeds' names become rarer."""
    from index.analyze import analyze

    rng = np.random.default_rng(seed)
    names = seed_name_terms(seed_texts)
    counts: dict[str, int] = {}
    for text in seed_texts:
        for word in _LOWER_WORD.findall(_URL.sub(" ", text)):
            counts[word] = counts.get(word, 0) + 1
    common = sorted(counts)
    weights = np.array([counts[w] for w in common], dtype=np.float64)
    weights /= weights.sum()
    generated = [w for w in _make_words(5_000, rng) if names.isdisjoint(analyze(w))]
    gen_probs = _zipf_probs(len(generated))
    fake_names = [w.capitalize() for w in _make_words(500, rng) if names.isdisjoint(analyze(w))]
    out = []
    for _ in range(n_passages):
        size = int(rng.integers(_MIN_LEN, _MAX_LEN + 1))
        picks = rng.random(size)
        words = [
            common[int(rng.choice(len(common), p=weights))] if r < 0.5
            else fake_names[int(rng.integers(len(fake_names)))] if r < 0.55
            else generated[int(rng.choice(len(generated), p=gen_probs))]
            for r in picks
        ]
        out.append(_as_text(words))
    return out
