"""The French resources of question understanding. Pure functions.

`French`: the lexicon (French lemma or phrase -> English words), the lemmatiser and the
stopwords, with the lemma guesses for inflected forms the lemmatiser leaves alone
(`default_french`: the project's, from index.lexicon); `FRENCH_MARKERS`, French function
words that tell a French question; `is_french_word`; `english_stem`, a French word's term that
English words stem to as well (a false friend); `cognate_terms`, the English words a French
word the lexicon lacks is spelt like. The general dictionaries they read are
`index.lexicon.is_dictionary_word`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from index import lexicon
from index.analyze import analyze, fold
from index.lexicon import is_dictionary_word
from index.vocabulary import Vocabulary

__all__ = [
    "COGNATE_WEIGHT",
    "FRENCH_MARKERS",
    "French",
    "cognate_terms",
    "default_french",
    "english_stem",
    "is_french_word",
]

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class French:
    """The French resources: lexicon (folded lemma or phrase -> English words), lemmatiser,
    stopwords. Phrases are looked up word by word, as written and as lemmas."""

    lexicon: Mapping[str, tuple[str, ...]]
    lemma: Callable[[str], str]
    stopwords: frozenset[str]
    _phrases: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    _english: dict[str, list[str]] = field(default_factory=dict, compare=False)
    _longest: list[int] = field(default_factory=lambda: [1], compare=False)

    @property
    def max_words(self) -> int:
        """Words in the longest lexicon phrase."""
        return self._longest[0]

    def __post_init__(self) -> None:
        for key, targets in self.lexicon.items():
            for target in targets:
                english = analyze(target)
                if len(english) == 1:
                    self._english.setdefault(english[0], []).append(key)
            words = _WORD.findall(fold(key))
            self._longest[0] = max(self._longest[0], len(words))
            if words:
                self._phrases.setdefault(" ".join(words), tuple(targets))
                lemmas = " ".join(fold(self.lemma(w)) for w in words)
                self._phrases.setdefault(lemmas, tuple(targets))

    def translate(self, words: Sequence[str]) -> tuple[str, ...]:
        """English words for a French word or phrase (words as written, accents kept: the
        lemmatiser needs them), or ()."""
        folded = [fold(w) for w in words]
        found = self._phrases.get(" ".join(folded))
        if found is None:
            found = self._phrases.get(" ".join(fold(self.lemma(w.lower())) for w in words))
        if found is None and len(folded) == 1:
            found = next((self._phrases[f] for f in _french_lemma_guesses(folded[0])
                          if f in self._phrases), None)
        return found or ()

    def french_for(self, term: str) -> list[str]:
        """French words or phrases the lexicon gives for an English term."""
        return self._english.get(term, [])


# Endings of inflected French words -> their lemma's ending, for the forms the lemmatiser
# leaves alone ("quitte" is also an adjective): a plural, a verb's present or participle.
# Feminines and plurals of adjectives and nouns ("miliciennes" -> milicien, "offensives" ->
# offensif, "aux" -> al) and the participles of -ir verbs ("fini", "fournies") too.
_FRENCH_ENDINGS = (("s", ""), ("x", ""), ("e", "er"), ("es", "er"), ("ent", "er"),
                   ("ee", "er"), ("ees", "er"), ("es", "e"), ("is", "ir"), ("it", "ir"),
                   ("i", "ir"), ("ie", "ir"), ("ies", "ir"), ("issent", "ir"),
                   ("ise", "endre"), ("ises", "endre"), ("is", "endre"), ("u", "re"),
                   ("us", "re"), ("ue", "re"), ("ues", "re"),
                   ("ee", "e"), ("ees", "e"), ("enne", "en"), ("ennes", "en"),
                   ("ive", "if"), ("ives", "if"), ("euse", "eur"), ("euses", "eur"),
                   ("ale", "al"), ("ales", "al"), ("aux", "al"))
_MIN_GUESS_STEM = 2  # "nie" -> nier, "tues" -> tuer, "fuis" -> fuir


@lru_cache(maxsize=8192)
def _french_lemma_guesses(word: str) -> tuple[str, ...]:
    """Lemmas a folded French word may have, most likely first: "quitte" -> quitter,
    "prises" -> prendre, "tuees" -> tuer. Cached: every word of a question is tried."""
    return tuple(word[:-len(end)] + lemma for end, lemma in _FRENCH_ENDINGS
                 if word.endswith(end) and len(word) - len(end) >= _MIN_GUESS_STEM)


# High-precision French function words (not English words) for language detection.
FRENCH_MARKERS = frozenset("""
le la les des du est sont ont qui que quoi quand pourquoi comment combien ou quel quelle
quels quelles une dans avec sur au aux cette ces il ils elle elles leur leurs sa ses et
mais pas ne nous vous je tu y ete etait sont-ils ont-ils a-t-il c qu l d j n s lui eux
depuis apres avant pendant contre chez entre selon toujours encore deja aussi tres
koi pkoi pourkoi pk pq ki kan kand cmt bcp tjrs jsp
ke kelle kels kelles keske kesk koment kom qd dc avc ds pr tt stp svp
""".split())  # the last lines: chat French (koi = quoi, pk = pourquoi, ki = qui, kan = quand,
# ke = que, kelle = quelle, qd = quand, dc = donc, avc = avec, ds = dans, pr = pour, tt = tout;
# not "kel", the Tuaregs' "people of" in Kel Adagh, Kel Ansar)


@lru_cache(maxsize=1)
def default_french() -> French:
    """The project's French lexicon, lemmatiser and stopwords (index.lexicon)."""
    return French(lexicon.french_lexicon(), lexicon.french_lemma,
                  lexicon.french_stopwords() | FRENCH_MARKERS)


def is_french_word(word: str) -> bool:
    """A word the French dictionary knows, or an adverb made from one ("vraiment" from
    vraie, "récemment" from récent), which the dictionary does not list."""
    if is_dictionary_word(word, "fr"):
        return True
    stems = [word[:-4]] if word.endswith("ment") else []
    if word.endswith(("emment", "amment")):
        stems.append(word[:-6] + word[-6] + "nt")
    return any(len(stem) >= 3 and is_dictionary_word(stem, "fr") for stem in stems)


def english_stem(term: str) -> bool:
    """True if an English word stems to this term too ("parti" <- party, "mission")."""
    words = {term, term + "e", term + "s", term + "y"}
    if term.endswith("i"):
        words.add(term[:-1] + "y")
    return any(is_dictionary_word(w) and analyze(w) == [term] for w in words)


COGNATE_WEIGHT = 0.7  # an English word spelt like a French word the lexicon lacks
# French endings -> English ones, for words written alike in both languages ("consulat" ->
# consulate, "pakistanais" -> Pakistani, "tchadiennes" -> Chadian, "projet" -> project);
# tried on the folded word with and without its plural ending.
_COGNATE_ENDINGS = (("at", "ate"), ("ais", "i"), ("aise", "i"), ("ienne", "ian"),
                    ("ien", "ian"), ("ee", "ed"), ("e", "ed"), ("e", ""), ("ique", "ic"),
                    ("isme", "ism"), ("iste", "ist"), ("eur", "or"), ("te", "ty"),
                    ("aire", "ary"), ("if", "ive"), ("ie", "y"), ("et", "ect"), ("", ""))
_COGNATE_STARTS = (("tch", "ch"),)


def cognate_terms(folded: str, vocabulary: Vocabulary, most: int) -> dict[str, str]:
    """Index terms of the English words a French word the lexicon does not translate
    (folded) is spelt like: its cognates, by the regular differences of their endings
    (cross-language IR's cognate matching), each with the English word it was found as.
    Common words of the corpus (in more than `most` passages) are left out, as
    translations are."""
    if len(folded) < _MIN_COGNATE_LENGTH:
        return {}
    singular = {folded, folded[:-1]} if folded.endswith(("s", "x")) else {folded}
    for french, english in _COGNATE_STARTS:
        singular |= {english + w[len(french):] for w in singular if w.startswith(french)}
    found: dict[str, str] = {}
    for form in sorted(singular):
        for french, english in _COGNATE_ENDINGS:
            if form.endswith(french) and len(form) - len(french) >= 3:
                written = form[:len(form) - len(french)] + english
                for term in analyze(written):
                    if 0 < vocabulary.df(term) <= most:  # Pakistani as the corpus writes it
                        capital = vocabulary.surface_of(term)[:1].isupper()
                        found.setdefault(term, written.capitalize() if capital else written)
    return found


_MIN_COGNATE_LENGTH = 5
