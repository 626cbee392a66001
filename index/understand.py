"""What the user typed -> the structured `Query` that ranking consumes. Pure functions.

The steps, in order: cut a long question at a word boundary; drop chat noise (index.noise);
read a shouted question as lower case (keeping the corpus's acronyms); split glued words
("JNIMattack"); detect French; find dates and "latest"; then read the words left to right,
longest phrase first: an alias-table name, a French lexicon phrase, an English phrase of
index/data/en_phrases.yaml ("pulled out"), a name written in two words ("Tin Zaouatene"),
else one word. Each becomes a Concept whose alternatives are the
index terms that count for it:

- TYPED 1.0: the word as indexed (for French, the French word too: French documents in the
  corpus hold it, so French questions find them without any index-side French analysis);
- SYNONYM 0.3: the synonym groups of index.analyze;
- SYNONYM 0.2 (PREFERRED_WEIGHT): for a word the corpus holds, the words of its thesaurus
  groups (index/data/en_related.yaml, looked up by lemma) that the corpus uses at least
  twice as often: its own wording of the same thing (help -> support);
- VARIANT 0.9: a spelling the index holds, for a rare or unknown name (joined/split words,
  fuzzy match against the corpus's names with rapidfuzz);
- SYNONYM 0.5 (PHRASE_WEIGHT): for an English phrase ("pull out", "went missing"), the plain
  words reports write for it (withdraw, disappeared), when the index holds them;
- ALIAS 0.8: the other names of an alias-table entry (0.5 for predecessors/successors);
- TRANSLATION 0.9: English words for a French word or phrase; for an English word, 0.8 for
  the French words of the lexicon that the index holds (French documents are analysed like
  English ones, so this finds them without French stemming or stopwords on the index side).

A specific name (acronym, alias-table name, capitalised word not opening a sentence, or a
word no dictionary knows) that the index lacks after all this is an unknown name.

The French resources (the lexicon and lemmatiser as `French`, French function words, cognates,
the dictionaries) are in index.french; this module reads questions with them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

from rapidfuzz import fuzz, process

from index import lexicon, phrases
from index.analyze import STOPWORDS, analyze, expand, fold, is_acronym, is_shouted, stem
from index.dates import MONTH_NUMBER, MONTHS_EN_OF_FR, YEAR_DIGITS, find_dates, written_dates
from index.describe import SUBORDINATING, Descriptions
from index.french import (
    COGNATE_WEIGHT,
    FRENCH_MARKERS,
    French,
    cognate_terms,
    default_french,
    english_stem,
    is_french_word,
)
from index.lexicon import is_dictionary_word, is_proper_noun
from index.noise import FRAMING_WORDS, SHORTHAND, strip_noise
from index.query import (
    ALIAS,
    SYNONYM,
    TRANSLATION,
    TYPED,
    VARIANT,
    Alternative,
    Concept,
    Query,
    Rewrite,
)
from index.spelling import (
    MIN_TYPO_LETTERS,
    correction,
    names_one_slip_away,
    unglue_elisions,
)
from index.vocabulary import Vocabulary

__all__ = ["NO_ALIASES", "AliasLookup", "prepare", "understand"]

MAX_CHARS = 500        # longer questions are cut at a word boundary
MAX_CONCEPTS = 32
SYNONYM_WEIGHT = 0.3   # equivalent words help, but never outrank the user's own words
RELATED_WEIGHT = 0.3   # words of the English thesaurus (index/data/en_related.yaml)
DERIVATION_WEIGHT = 0.6  # a word of the typed word's derivational family (en_derivations)
PREFERRED_WEIGHT = 0.2  # a thesaurus word the corpus prefers to a word it holds
PREFERRED_RATIO = 2    # ... when it is in at least this many times as many passages
MAX_RELATED = 8       # related terms per word, rarest first (each one is a posting list)
RELATED_MAX_SHARE = 0.2  # a related term in more passages than this says nothing
DERIVED_WEIGHT = 0.6   # a demonym or derived form (Malian/Mali): index/data/en_demonyms.yaml
VARIANT_WEIGHT = 0.9   # a spelling the corpus holds for a word it does not
RARE_VARIANT_WEIGHT = 0.7  # a commoner spelling next to a rare one the corpus also holds
ALIAS_WEIGHT = 0.8
LINKED_ALIAS_WEIGHT = 0.5  # predecessor or successor organisations
TRANSLATION_WEIGHT = 0.9
FRENCH_DOCUMENT_WEIGHT = 0.8  # the French word for an English one, held by French documents
PHRASE_WEIGHT = 0.5    # a report's word for a typed phrase ("pull out" -> withdraw): en_phrases
MAX_PHRASE_WORDS = 12

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.?!]\s*$")
# Words that frame a question rather than say what it is about ("What happened at Ber?"),
# and chat's spellings of them (index.noise.CHAT_WORDS).
_FRAMING = FRAMING_WORDS | frozenset(SHORTHAND)
_ENGLISH_FUNCTION = STOPWORDS | _FRAMING


# ----- the alias table, as this module reads it ----------------------------------------


class AliasEntryLike(Protocol):
    """What understanding reads of an alias entry (index.lexicon.AliasEntry)."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def predecessors(self) -> tuple[str, ...]: ...

    @property
    def successors(self) -> tuple[str, ...]: ...

    @property
    def description(self) -> str: ...

    @property
    def descriptors(self) -> tuple[str, ...]: ...


class AliasLookup(Protocol):
    """What understanding reads of the alias table (index.lexicon.AliasTable)."""

    def lookup(self, phrase: str) -> AliasEntryLike | None: ...

    def entry(self, id: str) -> AliasEntryLike | None: ...

    def max_name_words(self) -> int: ...

    def names(self) -> Iterable[tuple[str, str]]: ...


class _NoAliases:
    """An empty alias table."""

    def lookup(self, phrase: str) -> AliasEntryLike | None:
        return None

    def entry(self, id: str) -> AliasEntryLike | None:
        return None

    def max_name_words(self) -> int:
        return 0

    def names(self) -> Iterable[tuple[str, str]]:
        return ()


NO_ALIASES: AliasLookup = _NoAliases()


def prepare() -> None:
    """Load the English and French dictionaries, the lexicon, the thesaurus, the
    derivational families and the phrase table now (about a second), so that the first
    question does not wait for them. Safe to call from a worker thread."""
    is_dictionary_word("ready")
    is_dictionary_word("prêt", "fr")
    default_french().translate(["prêts"])
    phrases.bundled_phrases()
    lexicon.english_related_by_lemma()
    lexicon.english_derivations()


# ----- words --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    text: str          # as written (after noise and shouting were dealt with)
    folded: str
    sentence_start: bool
    capitalised: bool  # a capital letter and at least one small one
    acronym: bool
    start: int = 0     # where it is in the cleaned question
    end: int = 0


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    for match in _WORD.finditer(text):
        token = match.group()
        start = not words or _SENTENCE_END.search(text[:match.start()]) is not None
        capitalised = token[:1].isupper() and not token.isupper()
        words.append(_Word(token, fold(token), start, capitalised, is_acronym(token),
                           match.start(), match.end()))
    return words


# ----- the whole question -------------------------------------------------------------


@dataclass
class _Reading:
    """What is being built up while reading a question."""

    vocabulary: Vocabulary
    aliases: AliasLookup
    french: French
    language: str
    title_case: bool
    text: str = ""  # the cleaned question the words were read from
    day_words: frozenset[str] = frozenset()
    dated: bool = False  # the question names a date or a period
    concepts: list[Concept] = field(default_factory=list)
    seen_terms: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)
    rewrites: list[Rewrite] = field(default_factory=list)
    translated: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    known_by_link: set[str] = field(default_factory=set)  # unknown names whose linked entry
                                                         # the corpus mentions

    def add(self, concept: Concept) -> None:
        """Keep a concept unless it repeats one already read (or there are enough)."""
        if len(self.concepts) >= MAX_CONCEPTS:
            return
        own = {a.term for a in concept.alternatives if a.how == TYPED}
        if own and own <= self.seen_terms:
            return
        self.seen_terms |= own or concept.terms
        self.concepts.append(concept)


def understand(question: str, vocabulary: Vocabulary, aliases: AliasLookup, *,
               bot_names: Sequence[str] = (), french: French | None = None,
               today: dt.date | None = None) -> Query:
    """The question's concepts, each with the index terms that count for it. `today` dates
    "last year" and "two years ago"; without it they name no period."""
    french = french or default_french()
    text = _cut(question)
    cleaned = strip_noise(text, bot_names)
    if is_shouted(cleaned):
        cleaned = _unshout(cleaned, vocabulary, aliases)
    cleaned = unglue_elisions(cleaned, lambda word: _is_known(word, vocabulary, aliases)
                              or bool(french.translate([word])))
    cleaned = written_dates(_thousands(_unglue(cleaned, vocabulary, aliases)))
    words = _words(cleaned)
    language = _question_language(_asking_words(words, cleaned), cleaned, vocabulary, aliases,
                                  french)
    as_typed, (cleaned, typos) = cleaned, _typos_corrected(cleaned, words, vocabulary, aliases,
                                                            french, language)
    if cleaned != as_typed:
        words = _words(cleaned)
        language = _question_language(_asking_words(words, cleaned), cleaned, vocabulary,
                                      aliases, french)
    dates = find_dates(cleaned, today)
    reading = _Reading(vocabulary, aliases, french, language, _is_title_case(words),
                       cleaned, dates.day_words, bool(dates.dates), rewrites=typos)
    _read(reading, words, dates.recent_words)
    _keep_names_beside_a_held_subject(reading)
    if reading.translated:
        typed = ", ".join(dict.fromkeys(t for t, _ in reading.translated))
        searched = ", ".join(dict.fromkeys(s for _, s in reading.translated))
        reading.rewrites.append(Rewrite(TRANSLATION, typed, searched))
    return Query(
        question=question,
        cleaned=cleaned,
        language=language,
        concepts=tuple(reading.concepts),
        dates=dates.dates,
        wants_recent=dates.wants_recent,
        unknown_names=tuple(dict.fromkeys(reading.unknown)),
        rewrites=tuple(dict.fromkeys(reading.rewrites)),
        defines=definition_subject(cleaned, reading.concepts, aliases),
        wants_reason=asks_for_a_reason(cleaned),
        notes=tuple(reading.notes),
    )


def _keep_names_beside_a_held_subject(reading: _Reading) -> None:
    """An unknown name whose predecessor or successor the corpus mentions ("Operation
    Serval", Barkhane's predecessor) vetoes only a question about it alone: beside another
    name the corpus holds ("what did the MNLA offer after Operation Serval began?") it
    places that subject in time or context, and the ranking's rules decide."""
    if not reading.known_by_link:
        return
    held = [c for c in reading.concepts if c.is_name and c.typed not in reading.known_by_link
            and c.typed not in reading.unknown
            and any(a.how == TYPED and a.term in reading.vocabulary for a in c.alternatives)]
    if held:
        reading.unknown = [u for u in reading.unknown if u not in reading.known_by_link]


_ASKS_WHY = re.compile(r"\b(?:why|whys|y tho|how come|reasons?|pourquoi|pk|pq|pkoi|pourkoi"
                       r"|raisons?|(?:because|bc|b/c|bcs|cuz|coz|cos) of what|due to what"
                       r"|what caused|what led to|for what reason)\b", re.IGNORECASE)


_THOUSANDS = re.compile(r"(?<![\w.,])(\d{1,3})\s?k(?!\w)", re.IGNORECASE)


def _thousands(text: str) -> str:
    """Chat's thousands written out as news copy writes them ("26k" -> "26000", the term of
    "26,000")."""
    return _THOUSANDS.sub(lambda m: str(int(m.group(1)) * 1000), text)


def asks_for_a_reason(cleaned: str) -> bool:
    """The question asks why ("Why did…", "What reasons did…", "pourquoi")."""
    return _ASKS_WHY.search(cleaned) is not None


def _cut(text: str) -> str:
    """At most MAX_CHARS characters, cut at a word boundary."""
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    space = head.rfind(" ")
    return head[:space] if space > MAX_CHARS // 2 else head


def _is_title_case(words: Sequence[_Word]) -> bool:
    """Every Word Capitalised ("What Happened At Kidal"): capitals then say nothing about
    names. Shown by capitalised small words, or by three or more capitalised words alone."""
    inner = [w for w in words if not w.sentence_start and not w.acronym]
    capitalised = [w for w in inner if w.capitalised]
    small = [w for w in capitalised if w.folded in _ENGLISH_FUNCTION]
    if small and len(capitalised) >= 0.75 * len(inner):
        return True
    return len(inner) >= 3 and len(capitalised) == len(inner)


# ----- shouting and glued words -------------------------------------------------------


def _unshout(text: str, vocabulary: Vocabulary, aliases: AliasLookup) -> str:
    """A shouted question in lower case, but for the acronyms the corpus or the alias table
    writes in capitals (ISGS, JNIM) and the capitals of multi-word alias names ("IS Sahel")."""
    keep: set[int] = set()
    matches = list(_WORD.finditer(text))
    for i in range(len(matches)):
        for n in range(min(aliases.max_name_words(), MAX_PHRASE_WORDS), 1, -1):
            if i + n <= len(matches):
                phrase = text[matches[i].start():matches[i + n - 1].end()]
                if aliases.lookup(phrase) is not None:
                    keep.update(range(i, i + n))
                    break
    pieces: list[str] = []
    last = 0
    for i, match in enumerate(matches):
        token = match.group()
        pieces.append(text[last:match.start()].lower())
        keeps_capitals = i in keep or _known_acronym(token, vocabulary, aliases)
        pieces.append(token if keeps_capitals else token.lower())
        last = match.end()
    pieces.append(text[last:].lower())
    return "".join(pieces)


def _known_acronym(token: str, vocabulary: Vocabulary, aliases: AliasLookup) -> bool:
    if not is_acronym(token) or token.lower() in _ENGLISH_FUNCTION:
        return False
    folded = fold(token)
    if folded in vocabulary and vocabulary.surface_of(folded).isupper():
        # a word the corpus writes in capitals only now and then (the dateline "PARIS -")
        # and otherwise as a word ("Paris", indexed "pari") is that word
        written = stem(folded)
        return written == folded or vocabulary.df(folded) > vocabulary.df(written)
    entry = aliases.lookup(token)
    return entry is not None and token in entry.names


_CAMEL = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|[a-z]{3,})|[A-Z]?[a-z]+|[A-Z]+|\d+")
_GLUE_MIN, _GLUE_MAX = 7, 40


def _unglue(text: str, vocabulary: Vocabulary, aliases: AliasLookup) -> str:
    """Glued words split into their pieces ("whathappenedatKidal", "JNIMattack") when every
    piece is a word the index, the alias table or the stopword list knows."""
    def split(match: re.Match[str]) -> str:
        token = match.group()
        if not _GLUE_MIN <= len(token) <= _GLUE_MAX or _is_known(token, vocabulary, aliases):
            return token
        pieces = _camel_pieces(token, vocabulary, aliases)
        if not pieces and token[:1].islower():  # a capitalised word is a name: never cut
            pieces = _segment(fold(token), vocabulary, aliases)
        if pieces and len(fold(token)) == len(token):  # keep the capitals as typed
            at = 0
            for i, piece in enumerate(pieces):
                pieces[i], at = token[at:at + len(piece)], at + len(piece)
        return " ".join(pieces) if pieces else token
    return _WORD.sub(split, text)


def _is_known(token: str, vocabulary: Vocabulary, aliases: AliasLookup) -> bool:
    """A word to leave whole: the index, the alias table (a word of one of its names:
    "muslimin" of "wal-Muslimin" is not "muslim in") or an English or French dictionary
    knows it ("ministre" is not "minist re")."""
    folded = fold(token)
    if folded in vocabulary:
        return True
    terms = analyze(token)
    return ((len(terms) == 1 and terms[0] in vocabulary)
            or folded in _words_of_names(aliases) or is_dictionary_word(folded)
            or is_dictionary_word(token.lower(), "fr"))


_WORDS_OF_NAMES: dict[int, tuple[AliasLookup, frozenset[str]]] = {}


def _words_of_names(aliases: AliasLookup) -> frozenset[str]:
    """Every word of the table's names, folded as the table folds them."""
    return _per_table(_WORDS_OF_NAMES, aliases, lambda: frozenset(
        word for name, _ in aliases.names() for word in name.split()))


def _known_piece(piece: str, vocabulary: Vocabulary, aliases: AliasLookup) -> bool:
    folded = fold(piece)
    if len(folded) < 2:
        return False
    if folded in _ENGLISH_FUNCTION:
        return True
    if len(folded) < 3:
        return False
    terms = analyze(piece)
    return (folded in vocabulary or (len(terms) == 1 and terms[0] in vocabulary)
            or aliases.lookup(piece) is not None)


def _camel_pieces(token: str, vocabulary: Vocabulary, aliases: AliasLookup) -> list[str]:
    pieces = _CAMEL.findall(token)
    if len(pieces) > 1 and "".join(pieces) == token and all(
            _known_piece(p, vocabulary, aliases) for p in pieces):
        return pieces
    return []


def _segment(word: str, vocabulary: Vocabulary, aliases: AliasLookup) -> list[str]:
    """The fewest known pieces that spell `word` (at least three, or two with a stopword:
    two content pieces are a name written in one word, handled as a spelling variant)."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 20), end):
            head = best[start]
            piece = word[start:end]
            if head is not None and _known_piece(piece, vocabulary, aliases):
                candidate = [*head, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    pieces = best[len(word)] or []
    content = [p for p in pieces if p not in _ENGLISH_FUNCTION]
    if len(pieces) >= 3 or (len(pieces) == 2 and len(content) == 1):
        return pieces if content else []
    return []


# ----- typos ----------------------------------------------------------------------------


def _typos_corrected(text: str, words: Sequence[_Word], vocabulary: Vocabulary,
                     aliases: AliasLookup, french: French, language: str
                     ) -> tuple[str, list[Rewrite]]:
    """The text with each word that looks like a typo replaced by the word it stands for
    (index.spelling), and the rewrites to show. A correction the corpus does not use either
    is still a general word, not a name: it is read so only where the question writes with
    capitals (then a word in small letters is no name); in a question all in small letters
    it may be a name the corpus lacks, and stays as typed."""
    title_case = _is_title_case(words)
    capitals = not title_case and any(w.acronym or w.capitalised for w in words)
    translate = (lambda word: french.translate([word])) if language == "fr" else None
    pieces: list[str] = []
    rewrites: list[Rewrite] = []
    last = 0
    for word in words:
        if not _may_be_a_typo(word, vocabulary, aliases, french, title_case):
            continue
        found = correction(word.folded, vocabulary, translate)
        if found is None or not (found.support or capitals):
            continue
        if not found.support and word.capitalised and vocabulary.closest(word.folded):
            continue  # opening a sentence, spelt like a corpus name ("Manaka"): _variants
        written = _as_typed(found.word, word)
        pieces += [text[last:word.start], written]
        last = word.end
        if found.support and not found.function_word and found.word not in _FRAMING:
            rewrites.append(Rewrite(VARIANT, word.text, written))
    return "".join([*pieces, text[last:]]), rewrites


def _as_typed(correct: str, typed: _Word) -> str:
    """The correct word with the capital the user typed at the start of a sentence."""
    return correct[:1].upper() + correct[1:] if typed.capitalised else correct


def _may_be_a_typo(word: _Word, vocabulary: Vocabulary, aliases: AliasLookup, french: French,
                   title_case: bool) -> bool:
    """A word in small letters (or opening a sentence) that neither the index, a dictionary,
    the French lexicon, the chat tables nor the alias table's names know."""
    folded = word.folded
    if word.acronym or len(folded) < MIN_TYPO_LETTERS or not folded.isalpha():
        return False
    if word.capitalised and not word.sentence_start and not title_case:
        return False  # a name: fuzzy name matching reads it (_variants)
    if folded in _FRAMING or folded in SHORT_FORMS or folded in french.stopwords:
        return False
    if folded in _alias_name_words(aliases) or _is_known(word.text, vocabulary, aliases):
        return False
    return not (is_french_word(word.text.lower()) or french.translate([word.text]))


_ALIAS_NAME_WORDS: dict[int, tuple[AliasLookup, frozenset[str]]] = {}


def _alias_name_words(aliases: AliasLookup) -> frozenset[str]:
    """Every word of the alias table's names ("ansar", "nusrat"): a transliteration, not a
    typo."""
    return _per_table(_ALIAS_NAME_WORDS, aliases, lambda: frozenset(
        word for name, _ in aliases.names() for word in name.split()))


# ----- language -----------------------------------------------------------------------


_LANGUAGE_WORDS = 2  # fewer words outside the names do not tell the question's language


def _outside_names(words: Sequence[_Word], text: str, aliases: AliasLookup
                   ) -> Sequence[_Word]:
    """The words outside the alias-table names of two or more words the question holds
    ("c'est quoi | National Movement for the Liberation of Azawad"): a name is in its own
    language, whatever the question's; all the words when fewer than _LANGUAGE_WORDS are
    left ("Conseil national de transition role")."""
    inside: set[int] = set()
    starts = _long_name_starts(aliases)
    i = 0
    while i < len(words):
        most = min(starts.get(words[i].folded, 1), len(words) - i)
        n = next((n for n in range(most, 1, -1)
                  if aliases.lookup(text[words[i].start:words[i + n - 1].end]) is not None), 1)
        if n > 1:
            inside.update(range(i, i + n))
        i += n
    outside = [w for k, w in enumerate(words) if k not in inside]
    return outside if len(outside) >= _LANGUAGE_WORDS else words


_LONG_NAME_STARTS: dict[int, tuple[AliasLookup, dict[str, int]]] = {}


def _long_name_starts(aliases: AliasLookup) -> dict[str, int]:
    """The first words of the table's names of two words or more, each with the most words
    a name it starts has: where to look for such a name, and how far."""
    def build() -> dict[str, int]:
        starts: dict[str, int] = {}
        for name, _ in aliases.names():
            words = name.split()
            if len(words) > 1:
                starts[words[0]] = max(starts.get(words[0], 0), len(words))
        return starts
    return _per_table(_LONG_NAME_STARTS, aliases, build)


def detect_language(words: Sequence[_Word], vocabulary: Vocabulary, aliases: AliasLookup,
                    french: French) -> str:
    """"fr" when French function words, accents and lexicon words outweigh English ones;
    names (capitalised, acronyms, alias-table or corpus names) never decide."""
    fr, en = _language_scores(words, french)
    return "fr" if fr > en else "en"


def _question_language(words: Sequence[_Word], text: str, vocabulary: Vocabulary,
                       aliases: AliasLookup, french: French) -> str:
    """The language of the words outside the alias-table names the question holds
    (`_outside_names`) when they tell it; else, when they weigh the same for both, that of
    all its words ("Quand l'armee malienne a-t-elle quitté Kidal ?")."""
    outside = _outside_names(words, text, aliases)
    fr, en = _language_scores(outside, french)
    if outside is not words and fr != en:
        return "fr" if fr > en else "en"
    return detect_language(words, vocabulary, aliases, french)


def _language_scores(words: Sequence[_Word], french: French) -> tuple[float, float]:
    """How French and how English the words are: (French, English)."""
    fr = en = 0.0
    for word in words:
        if word.acronym or (word.capitalised and not word.sentence_start):
            continue
        folded = word.folded
        if folded in FRENCH_MARKERS:
            fr += 1.0
        elif folded in _FRAMING and folded not in STOPWORDS:
            continue  # chat's words ("like", "pls", "tho") are typed in French chat too
        elif folded in _ENGLISH_FUNCTION:  # "on", "tu", "son": English first, then French
            en += 1.0
        elif folded in french.stopwords:
            fr += 0.5
        elif french.translate([word.text]) and not is_dictionary_word(folded):
            fr += 1.0
        elif word.text.lower() != folded and not word.capitalised:
            fr += 0.5  # accented small word: "quitté", "armée"
        elif is_dictionary_word(folded) and not is_dictionary_word(folded, "fr"):
            en += 0.5
    return fr, en


# ----- reading words into concepts ----------------------------------------------------


def _read(reading: _Reading, words: Sequence[_Word], recent_words: frozenset[str]) -> None:
    context = context_words(words, reading.text)
    naming = naming_context_words(words, reading.text) if context else frozenset()
    i = 0
    while i < len(words):
        concepts, unknown = len(reading.concepts), len(reading.unknown)
        used = (_read_description(reading, words, i) or _read_alias(reading, words, i)
                or _read_french_phrase(reading, words, i)
                or _read_english_phrase(reading, words, i) or _read_joined(reading, words, i))
        if not used:
            if not _is_filler(reading, words[i], recent_words):
                _read_word(reading, words[i])
            used = 1
        if i in context or (used == 1 and _frames_the_question(reading, words[i])):
            _as_context(reading, concepts, unknown, vetoes=i in naming)
        i += used


# ----- a long message's words about the asker -----------------------------------------

CONTEXT_WEIGHT = 0.35    # a word of a clause that neither asks nor names anything
CONTEXT_MIN_WORDS = 16   # shorter messages are all question
_CLAUSE_END = re.compile(r"[.!?;,:()\n]")
_ASKING = frozenset("""
what whats who whos whom whose when where why how which
quoi qui quand ou pourquoi comment combien quel quelle quels quelles
""".split())


def _clauses(words: Sequence[_Word], text: str) -> list[list[int]]:
    """The positions of the words of each clause of the text."""
    clauses: list[list[int]] = [[]]
    for i, word in enumerate(words):
        if i and _CLAUSE_END.search(text[words[i - 1].end:word.start]):
            clauses.append([])
        clauses[-1].append(i)
    return clauses


def _asking_words(words: Sequence[_Word], text: str) -> Sequence[_Word]:
    """The words of the clauses that ask (a question word), when others do not: the
    question's language is theirs ("Could someone please clarify: qui a attaqué Kidal ?")."""
    clauses = _clauses(words, text)
    asking = [i for c in clauses if any(words[i].folded in _ASKING for i in c) for i in c]
    return [words[i] for i in asking] if 0 < len(asking) < len(words) else words


def context_words(words: Sequence[_Word], text: str) -> frozenset[int]:
    """Positions of the words that tell about the asker in a long message ("I'm writing a
    piece for tomorrow, my editor wants background, … what is the CSP"): the clauses that
    neither ask (a question word) nor name anything (a capitalised word inside a sentence,
    an acronym, a number), when another clause asks. In a short message, only such clauses
    that speak of the asker (I, my, je, mon...). A clause speaking of the asker is context
    even when it names something ("I read it on Telegram") if the asking clauses name
    something themselves: the question holds what it is about."""
    clauses = _clauses(words, text)
    asking = [c for c in clauses if any(words[i].folded in _ASKING for i in c)]
    if not asking:
        return frozenset()
    long = len(words) >= CONTEXT_MIN_WORDS

    def is_context(clause: list[int]) -> bool:
        asker = any(words[i].folded in _ASKER for i in clause)
        if any(_names_something(words[i]) for i in clause):
            # "I have an exam on West African politics, what is the MNLA?"
            return asker and any(_names_something(words[i]) for c in asking for i in c)
        return long or asker

    return frozenset(i for clause in clauses if clause not in asking and is_context(clause)
                     for i in clause)


def naming_context_words(words: Sequence[_Word], text: str) -> frozenset[int]:
    """The positions of `context_words` in clauses that name something ("I read it on
    Telegram"): they weigh less, but a name there the corpus never mentions still vetoes."""
    context = context_words(words, text)
    return frozenset(i for clause in _clauses(words, text) if clause[0] in context
                     and any(_names_something(words[j]) for j in clause) for i in clause)


# A clause with these words speaks of the asker ("need the date for my piece"): context
# even in a short message.
_ASKER = frozenset("i im i'm me my mine we our us je j moi mon ma mes nous notre nos".split())


def _names_something(word: _Word) -> bool:
    return (word.acronym or word.folded.isdigit()
            or (word.capitalised and not word.sentence_start))


def _as_context(reading: _Reading, concepts: int, unknown: int, *, vetoes: bool = False
                ) -> None:
    """The concepts read since `concepts` weigh CONTEXT_WEIGHT of what they would; those the
    index lacks are dropped, and no name read there vetoes the answer (unless `vetoes`)."""
    kept = []
    for concept in reading.concepts[concepts:]:
        if any(a.term in reading.vocabulary for a in concept.alternatives):
            alternatives = tuple(replace(a, weight=a.weight * CONTEXT_WEIGHT)
                                 for a in concept.alternatives)
            kept.append(replace(concept, alternatives=alternatives))
        elif vetoes and concept.is_name:
            kept.append(concept)  # the corpus never mentions it: it vetoes
    reading.concepts[concepts:] = kept
    if not vetoes:
        del reading.unknown[unknown:]


# Everyday words that say how a question is asked rather than what it is about ("what
# reasons did they give", "what kind of arms", "why is it seen as a failure", "what do
# people say"): reports answer without them, so, as in verbose-query reduction, they weigh
# CONTEXT_WEIGHT. A phrase that holds one ("went missing") is read as the phrase first.
_QUESTION_FRAME = frozenset("""
give gave given giving make made makes see seen saw consider considered regard regarded
view viewed think thought say said says tell told go went gone get got seem seemed look
kind sort type way ways thing things main people everyone really actually exactly
""".split())
# In a question that names a date or a period, the words placing what it asks within it
# ("early 2012", "late 2021", "in the first months", "autumn 2023"): reports give the
# dates, which the period rules read, rather than these words.
_PERIOD_QUALIFIERS = frozenset("""
early earlier late later mid months weeks days autumn spring summer winter
""".split())


def _frames_the_question(reading: _Reading, word: _Word) -> bool:
    return reading.language == "en" and (
        word.folded in _QUESTION_FRAME
        or (reading.dated and word.folded in _PERIOD_QUALIFIERS))


def _is_filler(reading: _Reading, word: _Word, recent_words: frozenset[str]) -> bool:
    folded = word.folded
    if word.acronym:
        return False
    if folded in recent_words or folded in _FRAMING or folded in reading.day_words:
        return True
    if reading.language == "fr" and folded in reading.french.stopwords:
        return not (word.capitalised and not word.sentence_start)
    if not analyze(word.text):
        return True
    return reading.language == "en" and _misspelt_function_word(reading, word)


_FUNCTION_SIMILARITY = 85  # rapidfuzz ratio: "hapened" ~ happened, "shoud" ~ should
_FUNCTION_WORDS = sorted(w for w in _ENGLISH_FUNCTION if len(w) >= 4)
_FUNCTION_LETTERS = frozenset("".join(sorted(w)) for w in _FUNCTION_WORDS)  # "whta" ~ what


def _misspelt_function_word(reading: _Reading, word: _Word) -> bool:
    """A word in small letters that neither the index nor a dictionary knows, spelt like a
    word that frames a question ("hapened", "whta"): chat, not a name to veto on; unless it
    is spelt like a name the corpus holds ("goitta" ~ Goita, not gotta)."""
    folded = word.folded
    if word.capitalised or len(folded) < 4 or is_dictionary_word(folded):
        return False
    vocabulary = reading.vocabulary
    if _acronym_or_term(word.text, vocabulary) in vocabulary:
        return False
    framing = "".join(sorted(folded)) in _FUNCTION_LETTERS or process.extractOne(
        folded, _FUNCTION_WORDS, scorer=fuzz.ratio, score_cutoff=_FUNCTION_SIMILARITY
    ) is not None
    return framing and vocabulary.closest(folded) is None


def _phrase(reading: _Reading, words: Sequence[_Word], i: int, n: int) -> str:
    """Words i to i+n-1 as the user wrote them (with their apostrophes and hyphens)."""
    return reading.text[words[i].start:words[i + n - 1].end]


def _read_alias(reading: _Reading, words: Sequence[_Word], i: int) -> int:
    """An alias-table name starting at word i, as written (`_alias_at`) or in another
    transliteration (`_alias_spelt_otherwise_at`): its concept, and how many words it took."""
    found = _alias_at(reading, words, i) or _alias_spelt_otherwise_at(reading, words, i)
    if found is None:
        return 0
    n, entry = found
    for concept in _alias_concept(reading, _phrase(reading, words, i, n), entry):
        reading.add(concept)
    return n


_AliasAt = tuple[int, AliasEntryLike]  # how many words from i a name takes, and its entry


def _alias_at(reading: _Reading, words: Sequence[_Word], i: int) -> _AliasAt | None:
    """The longest alias-table name starting at word i, other than a common word alone or
    function words only ("is it")."""
    for n in range(_most_name_words(reading, words, i), 0, -1):
        entry = reading.aliases.lookup(_phrase(reading, words, i, n))
        if entry is None or (n == 1 and _is_common_word(reading, words[i])):
            continue
        if n > 1 and all(w.folded in _ENGLISH_FUNCTION for w in words[i:i + n]):
            continue
        return n, entry
    return None


def _most_name_words(reading: _Reading, words: Sequence[_Word], i: int, more: int = 0) -> int:
    """How many words from i a name of the table (`more` words longer) could take."""
    return min(reading.aliases.max_name_words() + more, MAX_PHRASE_WORDS, len(words) - i)


DESCRIBED_WEIGHT = 0.6  # an entry's names for the words that describe it (index.describe)
MAX_DESCRIBING_WORDS = 6  # "the al-Qaeda branch in the Maghreb": at most this many words


def _read_description(reading: _Reading, words: Sequence[_Word], i: int) -> int:
    """Words from i that describe one alias-table entry the corpus names ("the Maghreb
    al-Qaeda branch": AQIM, "the secular separatists": the MNLA), longer than any name of
    the table typed there: one concept of the typed words (adding up, as typed), for which
    the entry's names count at DESCRIBED_WEIGHT. English questions only."""
    if reading.language != "en" or words[i].folded in _ENGLISH_FUNCTION:
        return 0
    descriptions = _descriptions(reading.aliases)
    longest = _describing_run(reading.text, words, i, descriptions)
    if longest < 2:
        return 0
    for n in range(longest, max(_alias_words(reading, words, i), 1), -1):
        found = _described_entry(reading, words, i, n, descriptions)
        if found:
            _add_description(reading, _phrase(reading, words, i, n), words[i:i + n], *found)
            return n
    return 0


def _described_entry(reading: _Reading, words: Sequence[_Word], i: int, n: int,
                     descriptions: Descriptions
                     ) -> tuple[list[str], list[tuple[str, str]]] | None:
    """(the typed terms, the entry's names the index holds) when words i..i+n-1 are a
    definite description of one entry; else None."""
    span = words[i:i + n]
    if (not _noun_phrase(span) or _cuts_a_name(reading, words, i, n)
            or not _definite(reading.text, words, i, n) or _unknown_name_in(reading, span)):
        return None
    own = _describing_terms(span)
    link = descriptions.link(own, _question_terms(words, span))
    entry = reading.aliases.entry(link.entry_id) if link else None
    if entry is None or not _describes_more_than_names(reading, span, own, entry.id):
        return None
    names = _entry_terms(reading, entry, set(own))
    return (own, names) if names else None


def _add_description(reading: _Reading, phrase: str, span: Sequence[_Word],
                     own: Sequence[str], names: Sequence[tuple[str, str]]) -> None:
    alternatives = [Alternative(t, 1.0, TYPED) for t in own]
    alternatives += [Alternative(t, DESCRIBED_WEIGHT, ALIAS) for t, _ in names]
    reading.add(Concept(phrase, _dedupe(alternatives),
                        is_name=any(_names_something(w) for w in span)))
    reading.rewrites.append(Rewrite(ALIAS, phrase, _best_name(names, reading.vocabulary)))


_WORD_JOINS = re.compile(r"[\s'’-]*")  # what may stand between the words of a description


def _describing_run(text: str, words: Sequence[_Word], i: int,
                    descriptions: Descriptions) -> int:
    """How many words from i could describe an entry: words of the table's entries and the
    function words that join them, with no punctuation between them; 0 or 1 when no
    description can start at i."""
    n = 0
    for k, word in enumerate(words[i:i + MAX_DESCRIBING_WORDS]):
        if k and not _WORD_JOINS.fullmatch(text[words[i + k - 1].end:word.start]):
            break
        if word.folded in SUBORDINATING:
            break
        if word.folded in _ENGLISH_FUNCTION:
            if word.folded not in _DESCRIPTION_GLUE:
                break
        elif not all(map(descriptions.knows, analyze(word.text))):
            break
        n += 1
    return n


# Function words that may join the words of a description ("the branch of al-Qaeda in the
# Maghreb", "al-Qaeda's"); any other ("from", "or", "did") ends it.
_DESCRIPTION_GLUE = frozenset({"of", "in", "the", "a", "an", "s"})


def _noun_phrase(span: Sequence[_Word]) -> bool:
    """Content words at both ends, and only a noun phrase's function words between."""
    ends = (span[0].folded, span[-1].folded)
    return (not any(e in _ENGLISH_FUNCTION or e.isdigit() for e in ends)
            and all(w.folded not in _ENGLISH_FUNCTION or w.folded in _DESCRIPTION_GLUE
                    for w in span))


# Words before a description that make it definite: it speaks of one known thing.
_DETERMINERS = frozenset("the this that these those its their his her our".split())
_POSSESSIVE = re.compile(r"['’]s?\s*$")


def _definite(text: str, words: Sequence[_Word], i: int, n: int) -> bool:
    """A definite description ("the secular separatists", "al-Qaeda's North African
    branch", "Mali's foreign minister"), not a kind of thing ("an army camp", "camp
    attack"): a determiner before it, or a possessive inside it. (A possessor before it is
    part of the description: "Moscow's foreign minister" is not Mali's.)"""
    if i and words[i - 1].folded in _DETERMINERS:
        return True
    return any(_POSSESSIVE.search(text[words[k].start:words[k + 1].start])
               for k in range(i, i + n - 1))


def _unknown_name_in(reading: _Reading, span: Sequence[_Word]) -> bool:
    """A capitalised word or acronym the index lacks: a name in another spelling, or in
    part ("Jama'atu Ahlis Sunna...", "the UN Multidimensional Integrated Stabilization
    Mission"), which the alias table's readings of names deal with."""
    return any((w.capitalised or w.acronym) and not _in_index(w, reading.vocabulary)
               for w in span)


def _cuts_a_name(reading: _Reading, words: Sequence[_Word], i: int, n: int) -> bool:
    """A name of the table starts inside words i..i+n-1 and ends after them ("Kidal in
    the Adrar des | Iforas")."""
    return any(j + _alias_words(reading, words, j) > i + n for j in range(i + 1, i + n))


def _describes_more_than_names(reading: _Reading, span: Sequence[_Word], own: Sequence[str],
                               entry_id: str) -> bool:
    """The span describes the entry rather than naming it or another one: no words of it
    are a name of the entry ("Wagner in Mali"), and the words beside another entry's name
    weigh more than that name ("al-Qaeda's North African branch" is AQIM, "al-Qaeda
    militants" are al-Qaeda's)."""
    named: set[str] = set()
    for start, end in ((i, j) for i in range(len(span)) for j in range(i + 1, len(span) + 1)):
        entry = reading.aliases.lookup(_phrase_of(reading, span, start, end))
        if entry is not None and entry.id == entry_id:
            return False
        if entry is not None:
            named.update(_describing_terms(span[start:end]))
    weigh = _descriptions(reading.aliases).idf
    return sum(map(weigh, set(own) - named)) > sum(map(weigh, named & set(own)))


def _phrase_of(reading: _Reading, span: Sequence[_Word], a: int, b: int) -> str:
    return reading.text[span[a].start:span[b - 1].end]


def _alias_words(reading: _Reading, words: Sequence[_Word], i: int) -> int:
    """How many words from i an alias-table name takes (0: none)."""
    found = _alias_at(reading, words, i)
    return found[0] if found else 0


def _describing_terms(span: Sequence[_Word]) -> list[str]:
    """The content terms of words (numbers left out: a year places, it does not describe)."""
    terms = [t for w in span if w.folded not in _ENGLISH_FUNCTION and not w.folded.isdigit()
             for t in analyze(w.text)]
    return list(dict.fromkeys(terms))


def _question_terms(words: Sequence[_Word], span: Sequence[_Word]) -> frozenset[str]:
    """The question's other content terms: the context a described entity is told by."""
    inside = {id(w) for w in span}
    return frozenset(t for w in words if id(w) not in inside
                     and w.folded not in _ENGLISH_FUNCTION for t in analyze(w.text))


def _entry_terms(reading: _Reading, entry: AliasEntryLike, taken: set[str]
                 ) -> list[tuple[str, str]]:
    """(term, name) for the entry's names the index holds (a person's surname when only
    that)."""
    found = _alias_terms(reading, entry.names, taken)
    if not found and entry.kind == PERSON:
        found = _surnames(reading, entry.names, taken)
    return found


_DESCRIPTIONS: dict[int, tuple[AliasLookup, Descriptions]] = {}


def _descriptions(aliases: AliasLookup) -> Descriptions:
    def build() -> Descriptions:
        ids = dict.fromkeys(entry_id for _, entry_id in aliases.names())
        entries = [e for e in map(aliases.entry, ids) if e is not None]
        return Descriptions((e.id, e.names, (e.description, *e.descriptors)) for e in entries)
    return _per_table(_DESCRIPTIONS, aliases, build)


_LONG_NAME_WORDS = 3        # names this long are compared by spelling, not only exactly
_LONG_NAME_SIMILARITY = 88  # rapidfuzz ratio between folded names


def _alias_spelt_otherwise_at(reading: _Reading, words: Sequence[_Word], i: int
                              ) -> _AliasAt | None:
    """A long alias-table name in another transliteration ("Jama'atu Ahlis Sunna lid
    Da'awati wal-Jihad"): compared by spelling, starting at a word the index lacks."""
    first = words[i]
    if not (first.capitalised or first.acronym) or _in_index(first, reading.vocabulary):
        return None
    names = _long_names(reading.aliases)
    if not names:
        return None
    for n in range(_most_name_words(reading, words, i, more=1), _LONG_NAME_WORDS - 1, -1):
        typed = [w.folded for w in words[i:i + n]]
        found = process.extractOne(" ".join(typed), names,
                                   scorer=fuzz.ratio, score_cutoff=_LONG_NAME_SIMILARITY)
        entry = reading.aliases.lookup(found[0]) if found else None
        if entry is None:
            entry = _named_in_part(reading.aliases, typed)
        if entry is not None:
            return n, entry
    return None


def _named_in_part(aliases: AliasLookup, typed: Sequence[str]) -> AliasEntryLike | None:
    """The entry one of whose long names holds the typed words in a row, three of them at
    least not function words ("Multidimensional Integrated Stabilization Mission" of the
    UN mission's full name), when no other entry's name holds them too."""
    if sum(w not in _ENGLISH_FUNCTION for w in typed) < _LONG_NAME_WORDS:
        return None
    wanted, size = tuple(typed), len(typed)
    found = {name for name in _long_names(aliases)
             if any(tuple(parts[j:j + size]) == wanted
                    for parts in [name.split()] for j in range(len(parts) - size + 1))}
    entries = {id(e): e for e in map(aliases.lookup, found) if e is not None}
    return next(iter(entries.values())) if len(entries) == 1 else None


_LONG_NAMES: dict[int, tuple[AliasLookup, list[str]]] = {}


def _long_names(aliases: AliasLookup) -> list[str]:
    return _per_table(_LONG_NAMES, aliases, lambda: [
        n for n, _ in aliases.names() if n.count(" ") + 1 >= _LONG_NAME_WORDS])


_T = TypeVar("_T")
_TABLES_KEPT = 8  # alias tables whose derived data is kept (a moderator's /alias makes one)


def _per_table(cache: dict[int, tuple[AliasLookup, _T]], aliases: AliasLookup,
               build: Callable[[], _T]) -> _T:
    """What `build` derives from an alias table, computed once per table (by identity: a
    table is immutable, an /alias makes a new one)."""
    cached = cache.get(id(aliases))
    if cached is None or cached[0] is not aliases:
        if len(cache) > _TABLES_KEPT:
            cache.clear()
        cached = cache[id(aliases)] = (aliases, build())
    return cached[1]


def _is_common_word(reading: _Reading, word: _Word) -> bool:
    """A small dictionary word the corpus writes in small letters ("platform", "ber"
    would be a place only when written so): it is not taken for an alias-table name."""
    if word.acronym or word.capitalised:
        return False
    terms = analyze(word.text)
    if not terms:
        return True
    surface = reading.vocabulary.surface_of(terms[0])
    return is_dictionary_word(word.folded) and not surface[:1].isupper()


def _alias_concept(reading: _Reading, phrase: str, entry: AliasEntryLike) -> list[Concept]:
    """The typed name's own terms, then the entry's other names the index holds (ALIAS),
    then those of its predecessors and successors (at a lower weight)."""
    vocabulary = reading.vocabulary
    own = _phrase_terms(reading, phrase)
    alternatives = [Alternative(t, 1.0, TYPED) for t in own]
    translations = _phrase_translation(reading, phrase)
    alternatives += [Alternative(t, TRANSLATION_WEIGHT, TRANSLATION) for t in translations]
    taken = {*own, *translations}
    direct = _alias_terms(reading, entry.names, taken)
    if len(own) > 1 and vocabulary.cooccur(own) and reading.language == "en":
        direct = _whole_names(reading, direct)
    surname = _typed_surname(reading, phrase, own, entry)
    if surname:  # "Ibrahim Boubacar Keïta" where the corpus writes "Keita"
        alternatives = [a if a.term == surname else replace(a, weight=SCATTERED_NAME_WEIGHT)
                        for a in alternatives]
    if not direct and entry.kind == PERSON and not vocabulary.cooccur(own):
        direct = _surnames(reading, entry.names, taken)
    alternatives += [Alternative(t, ALIAS_WEIGHT, ALIAS) for t, _ in direct]
    taken |= {t for t, _ in direct}
    if direct and len(own) > 1 and not vocabulary.cooccur(own):
        alternatives = _scattered(alternatives)
    alternatives += [a for t in own if vocabulary.df(t) <= vocabulary.rare_df
                     for a in _related(vocabulary, t, lexicon.english_derived(), DERIVED_WEIGHT)
                     if a.term not in taken]
    linked_held = False
    for linked_id in (*entry.predecessors, *entry.successors):
        linked = reading.aliases.entry(linked_id)
        if linked is not None:
            found = _alias_terms(reading, linked.names, taken)
            alternatives += [Alternative(t, LINKED_ALIAS_WEIGHT, ALIAS) for t, _ in found]
            taken |= {t for t, _ in found}
            linked_held = linked_held or bool(found)
    # Only the entry's own names count: a predecessor or successor the corpus mentions
    # (JNIM for "Katiba Macina") is a lead to follow, not the name asked about; unless the
    # question asks for that link ("the GSPC's successor"): then it is what was asked.
    mentioned = bool(direct or surname) or vocabulary.cooccur(own) \
        or vocabulary.cooccur(translations) \
        or any(vocabulary.cooccur(_phrase_terms(reading, name)) for name in entry.names) \
        or (linked_held and asks_for_a_link(reading.text))
    if direct and not vocabulary.cooccur(own):
        shown = _best_name(direct, vocabulary)
        alike = fuzz.ratio(fold(phrase), fold(shown)) >= _SAME_NAME_SIMILARITY
        reading.rewrites.append(Rewrite(VARIANT if alike else ALIAS, phrase, shown))
    if not mentioned:
        reading.unknown.append(phrase)
        if linked_held:
            reading.known_by_link.add(phrase)
    if len(own) > 1 and vocabulary.cooccur(own):
        swaps = _one_word_swaps(reading, own, entry.names)
        return _split_phrase(reading, phrase, own, TYPED, alternatives, swaps)
    if len(translations) > 1 and vocabulary.cooccur(translations):
        return _split_phrase(reading, phrase, translations, TRANSLATION, alternatives)
    if direct and not vocabulary.cooccur(own) and not vocabulary.cooccur(translations):
        longest = _longest_name(reading, direct, entry.names, {*own, *translations})
        if longest:
            return _name_words(reading, phrase, longest, alternatives)
    return [Concept(phrase, _dedupe(alternatives), is_name=True)]


_ASKS_LINK = re.compile(r"\b(?:successors?|predecessors?|heirs?|forerunners?|offshoots?"
                        r"|renamed|rebranded|became|become|turned into|grew into|evolved into"
                        r"|successeurs?|pr[ée]d[ée]cesseurs?|h[ée]ritiers?|anc[eê]tres?"
                        r"|renomm[ée]e?|devenue?|succ[ée]d[ée])\b", re.IGNORECASE)


def asks_for_a_link(cleaned: str) -> bool:
    """The question asks what an organisation became or grew out of ("the GSPC's
    successor", "what did X become", "le successeur du GSPC"): the alias table's
    predecessors and successors are then what it asks about."""
    return bool(_ASKS_LINK.search(cleaned))


def _longest_name(reading: _Reading, direct: Sequence[tuple[str, str]], names: Iterable[str],
                  typed: set[str]) -> list[str]:
    """When the corpus knows an entry only by multi-word names ("FAMa" -> Malian Armed
    Forces, Malian army), the terms of the longest of them that one passage holds (then the
    rarest), else []."""
    if any(len(_phrase_terms(reading, name)) < 2 for _, name in direct):
        return []
    found = [terms for terms in (_phrase_terms(reading, n) for n in names)
             if len(terms) > 1 and typed.isdisjoint(terms) and reading.vocabulary.cooccur(terms)]
    if not found:
        return []
    return max(found, key=lambda t: (len(t), -sum(reading.vocabulary.df(w) for w in t)))


def _name_words(reading: _Reading, phrase: str, parts: Sequence[str],
                alternatives: Sequence[Alternative]) -> list[Concept]:
    """A name known to the corpus only by a multi-word alias ("FAMa" = Malian Armed Forces):
    one concept per word of that alias, so that a passage must hold the whole name (its
    rarest word also counts for every other alternative), not one word of it ("armed")."""
    anchor = min(parts, key=reading.vocabulary.df)
    first = [Alternative(anchor, ALIAS_WEIGHT, ALIAS),
             *(a for a in alternatives if a.term not in parts)]
    concepts = [Concept(phrase, _dedupe(first), is_name=True)]
    concepts += [Concept(f"{phrase}: {reading.vocabulary.surface_of(t)}",
                         (Alternative(t, ALIAS_WEIGHT, ALIAS),), is_name=True)
                 for t in parts if t != anchor]
    return concepts


SCATTERED_NAME_WEIGHT = 0.25  # a word of a long name the corpus never writes as such


def _scattered(alternatives: Sequence[Alternative]) -> list[Alternative]:
    """A multi-word name the corpus never writes whole ("Mission multidimensionnelle
    intégrée des Nations unies…") but knows by another name (MINUSMA): its own words, which
    only say "mission", "nations", "Mali" once apart, weigh little beside that name."""
    return [replace(a, weight=SCATTERED_NAME_WEIGHT) if a.how == TYPED else a
            for a in alternatives]


def _one_word_swaps(reading: _Reading, own: Sequence[str], names: Iterable[str]
                    ) -> dict[str, list[str]]:
    """For each word of the typed name, the words the entry's other names put in its place
    and the index holds ("French troops" ~ French military, French forces: troop -> militari,
    forc)."""
    swaps: dict[str, list[str]] = {}
    typed = set(own)
    for name in names:
        terms = set(_phrase_terms(reading, name))
        gone, new = typed - terms, terms - typed
        if len(gone) == 1 and len(new) == 1 and len(terms) == len(typed):
            word = next(iter(new))
            if word in reading.vocabulary:
                swaps.setdefault(next(iter(gone)), []).append(word)
    return swaps


def _split_phrase(reading: _Reading, phrase: str, parts: Sequence[str], how: str,
                  alternatives: Sequence[Alternative],
                  swaps: Mapping[str, Sequence[str]] | None = None) -> list[Concept]:
    """A name the corpus writes as typed ("Africa Corps", "CSP-PSD") or as translated
    ("Conseil national de transition" -> national transitional council): one concept per
    word, so that a passage must hold every word; the other names count for the rarest, and
    a word another name swaps for one of its words counts for that word."""
    anchor = min(parts, key=reading.vocabulary.df)
    written = {_acronym_or_term(w, reading.vocabulary): w for w in _WORD.findall(phrase)}
    concepts = []
    for term in parts:
        if term == anchor:
            others = [a for a in alternatives
                      if a.term == anchor or (a.how != how and a.term not in parts)]
            others += [Alternative(w, ALIAS_WEIGHT, ALIAS) for w in (swaps or {}).get(term, ())]
            concepts.append(Concept(written.get(term, phrase), _dedupe(others), is_name=True))
        else:
            weight = 1.0 if how == TYPED else TRANSLATION_WEIGHT
            alts = [Alternative(term, weight, how)]
            alts += [Alternative(w, ALIAS_WEIGHT, ALIAS) for w in (swaps or {}).get(term, ())]
            concepts.append(Concept(written.get(term, phrase), _dedupe(alts), is_name=True))
    return concepts


_SAME_NAME_SIMILARITY = 70  # an alias spelt like the typed name is shown as a variant


def _phrase_terms(reading: _Reading, phrase: str) -> list[str]:
    """Content terms of a phrase (English and French stopwords left out)."""
    words = _WORD.findall(phrase)
    if len(words) == 1:
        return [_acronym_or_term(phrase, reading.vocabulary)]
    french_stop = reading.french.stopwords
    terms = [_acronym_or_term(w, reading.vocabulary) for w in words
             if fold(w) not in french_stop or w.isupper()]
    return [t for t in dict.fromkeys(terms) if t]


def _phrase_translation(reading: _Reading, phrase: str) -> list[str]:
    """English terms for a French alias name ("casques bleus" -> peacekeep)."""
    if reading.language != "fr" and not any(not c.isascii() for c in phrase):
        return []
    targets = reading.french.translate(_WORD.findall(phrase))
    if targets:
        reading.translated.append((phrase, targets[0]))
    return [t for target in targets for t in analyze(target)]


def _alias_terms(reading: _Reading, names: Iterable[str], taken: set[str]
                 ) -> list[tuple[str, str]]:
    """(term, name) for the names the index holds: one-word names first (ISGS, AQIM); only
    when there are none, the rare terms of multi-word names found together in a passage
    ("Malian Armed Forces" -> arm). A name that holds a term already searched adds nothing
    ("Republic of Mali" for Mali)."""
    vocabulary = reading.vocabulary
    single: list[tuple[str, str]] = []
    multi: list[tuple[str, str]] = []
    for name in names:
        terms = _phrase_terms(reading, name)
        if not terms or not taken.isdisjoint(terms) or not vocabulary.cooccur(terms):
            continue
        if len(terms) == 1:
            single.append((terms[0], name))
        else:
            multi.extend((t, name) for t in _distinctive(terms, vocabulary))
    found = single or multi
    return list({t: (t, n) for t, n in found if not t.isdigit()}.values())


def _whole_names(reading: _Reading, found: Sequence[tuple[str, str]]
                 ) -> list[tuple[str, str]]:
    """The one-word names of `found` (acronyms: "Daesh" for "Islamic State"): beside a
    multi-word name the corpus writes ("Malian army"), a word of another multi-word name
    ("armed" of "Armed Forces of Mali") is in passages about anything; the names that
    differ from the typed one by a word count through that word (`_one_word_swaps`).
    English questions only: a French name a French passage writes ("l'armée malienne")
    still brings the English names' words, for the English documents."""
    return [(t, n) for t, n in found if len(_phrase_terms(reading, n)) == 1]


PERSON = "person"  # the alias-table kind of a person's entry


def _typed_surname(reading: _Reading, phrase: str, own: Sequence[str],
                   entry: AliasEntryLike) -> str:
    """The term of the last word of a person's full name typed whole, when the corpus never
    writes that name whole but writes the surname with a capital; else ""."""
    if entry.kind != PERSON or len(own) < 2 or reading.vocabulary.cooccur(own):
        return ""
    words = _WORD.findall(phrase)
    return _capitalised_term(words[-1], reading.vocabulary) if words else ""


def _surnames(reading: _Reading, names: Iterable[str], taken: set[str]
              ) -> list[tuple[str, str]]:
    """(term, surname) for a person the corpus names by surname alone ("Keita" for
    IBK, Ibrahim Boubacar Keïta): the last word of a full name, when the corpus holds it
    and writes it with a capital. A fallback for a typed name the corpus never writes
    (`_alias_concept`): a surname is shared by many people (Maïga, Traoré, Keïta), so
    beside a typed name it does hold ("Choguel") it would find the others."""
    found: dict[str, str] = {}
    for name in names:
        words = _WORD.findall(name)
        term = _capitalised_term(words[-1], reading.vocabulary) if len(words) > 1 else ""
        if term and term not in taken:
            found.setdefault(term, words[-1])
    return list(found.items())


def _capitalised_term(word: str, vocabulary: Vocabulary) -> str:
    """The term of a name's word (a surname) when the corpus holds it written with a
    capital; else ""."""
    term = _acronym_or_term(word, vocabulary)
    return term if term in vocabulary and vocabulary.surface_of(term)[:1].isupper() else ""


def _distinctive(terms: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    """The rare terms of a multi-word name, or its rarest one."""
    rare = max(3, vocabulary.n_docs // 10)
    telling = [t for t in terms if len(t) > 2] or list(terms)  # not "al", "ag", "un"
    found = [t for t in telling if vocabulary.df(t) <= rare]
    return found or [min(telling, key=vocabulary.df)]


def _best_name(found: Sequence[tuple[str, str]], vocabulary: Vocabulary) -> str:
    """The name to show for an alias: the one the corpus uses most, a one-word name spelt
    as the corpus spells it ("Tinzaouatene", not the table's "Tinzaouaten")."""
    term, name = max(found, key=lambda pair: vocabulary.df(pair[0]))
    return vocabulary.surface.get(term, name) if len(name.split()) == 1 else name


def _content_terms(reading: _Reading, phrase: str) -> list[str]:
    terms = [t for w in _WORD.findall(phrase) if fold(w) not in reading.french.stopwords
             for t in analyze(w)]
    return list(dict.fromkeys(terms))


def _acronym_or_term(word: str, vocabulary: Vocabulary) -> str:
    """The index term for one word: its stem, or its folded form when the index holds that
    (an acronym typed in small letters: "isgs" -> isgs, not isg)."""
    terms = analyze(word)
    folded = fold(word)
    if terms and terms[0] in vocabulary:
        return terms[0]
    if folded in vocabulary:
        return folded
    return terms[0] if terms else ""


def _read_french_phrase(reading: _Reading, words: Sequence[_Word], i: int) -> int:
    """A French lexicon phrase of two or more words starting at word i."""
    if reading.language != "fr":
        return 0
    longest = min(reading.french.max_words, MAX_PHRASE_WORDS, len(words) - i)
    for n in range(longest, 1, -1):
        targets = reading.french.translate([w.text for w in words[i:i + n]])
        if targets:
            reading.add(_translation_concept(reading, _phrase(reading, words, i, n), targets))
            return n
    return 0


def _read_english_phrase(reading: _Reading, words: Sequence[_Word], i: int) -> int:
    """A phrase of the English phrase table starting at word i ("pulled out"): one concept
    of its words, for which the plain words reports write (withdraw) count too."""
    table = phrases.bundled_phrases()
    if reading.language != "en" or not table.may_start(stem(words[i].folded)):
        return 0
    stems = phrases.phrase_key([w.text for w in words[i:i + table.max_words]])
    n, plain = phrases.match_at(table, stems, 0)
    if n:
        reading.add(_phrase_concept(reading, words[i:i + n], _phrase(reading, words, i, n),
                                    plain))
    return n


def _phrase_concept(reading: _Reading, words: Sequence[_Word], typed: str,
                    plain: Sequence[str]) -> Concept:
    """The phrase's own content words (with their synonyms), and the plain words at
    PHRASE_WEIGHT when the index holds them and they are not common."""
    own = [t for w in words if w.folded not in _ENGLISH_FUNCTION for t in analyze(w.text)]
    alternatives = [Alternative(t, 1.0, TYPED) for t in own]
    alternatives += _synonym_alternatives(own)
    most = _most_passages(reading.vocabulary)
    alternatives += [Alternative(t, PHRASE_WEIGHT, SYNONYM) for word in plain
                     for t in analyze(word) if 0 < reading.vocabulary.df(t) <= most]
    return Concept(typed, _dedupe(alternatives))


def _synonym_alternatives(terms: Sequence[str]) -> list[Alternative]:
    """Each term's synonyms (`expand`) at SYNONYM_WEIGHT, in a stable order."""
    return [Alternative(s, SYNONYM_WEIGHT, SYNONYM)
            for term, synonyms in expand(terms).items() for s in sorted(synonyms - {term})]


FALSE_FRIEND_WEIGHT = 0.3  # a French word's own term that English words stem to as well


def _own_weight(typed: str, term: str) -> float:
    """The weight of a translated French word's own term: full (French documents hold it),
    unless English words stem to it too ("partie" -> parti <- party), when English passages
    would match it for the wrong reason."""
    if is_dictionary_word(fold(typed)) or not english_stem(term):
        return 1.0
    return FALSE_FRIEND_WEIGHT


def _translation_concept(reading: _Reading, typed: str, targets: Sequence[str]) -> Concept:
    own = _content_terms(reading, typed)
    alternatives = [Alternative(t, _own_weight(typed, t), TYPED) for t in own]
    for target in targets:
        for term in analyze(target):
            if term not in own:
                alternatives.append(Alternative(term, TRANSLATION_WEIGHT, TRANSLATION))
    translated = [a.term for a in alternatives if a.how == TRANSLATION]
    alternatives += _synonym_alternatives(translated)  # "morts" -> dead: killed, casualties
    if fold(typed) != fold(targets[0]):
        reading.translated.append((typed, targets[0]))
    return Concept(typed, _dedupe(alternatives))


def _is_function_word(reading: _Reading, word: _Word) -> bool:
    """An English function word, or a French one in a French question: never half a name."""
    return word.folded in _ENGLISH_FUNCTION or (
        reading.language == "fr" and word.folded in reading.french.stopwords)


def _read_joined(reading: _Reading, words: Sequence[_Word], i: int) -> int:
    """A name written in two words that the index holds as one ("Tin Zaouatene")."""
    if i + 1 >= len(words):
        return 0
    first, second = words[i], words[i + 1]
    if any(_is_function_word(reading, w) for w in (first, second)):
        return 0  # "sur guerre" is not a split "Sergei"
    if _in_index(first, reading.vocabulary) and _in_index(second, reading.vocabulary):
        return 0
    joined = first.text + second.text.lower()
    term = _acronym_or_term(joined, reading.vocabulary)
    if is_dictionary_word(fold(joined)):
        return 0
    if term not in reading.vocabulary:
        term = _joined_spelt_otherwise(reading, first, second, fold(joined))
        if not term:
            return 0
    typed = _phrase(reading, words, i, 2)
    reading.rewrites.append(Rewrite(VARIANT, typed, reading.vocabulary.surface_of(term)))
    reading.add(Concept(typed, (Alternative(term, VARIANT_WEIGHT, VARIANT),), is_name=True))
    return 2


_MIN_JOINED_LENGTH = 7  # "tin zawaten": shorter pairs are too close to too many names


def _joined_spelt_otherwise(reading: _Reading, first: _Word, second: _Word, joined: str
                            ) -> str:
    """The corpus's name spelt like two words written as one ("tin zawaten" ->
    Tinzaouatene), when the second word is unknown to the index: "", when none is."""
    if len(joined) < _MIN_JOINED_LENGTH or _in_index(second, reading.vocabulary) \
            or is_dictionary_word(second.folded):
        return ""
    if len(first.folded) < 2 or len(second.folded) < 3:
        return ""
    return reading.vocabulary.closest(joined, names_only=True) or ""


def _in_index(word: _Word, vocabulary: Vocabulary) -> bool:
    return _acronym_or_term(word.text, vocabulary) in vocabulary


_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|e)$")
_YEAR = re.compile(rf"^{YEAR_DIGITS}$")
YEAR_WEIGHT = 0.7  # a year as a search word: passages often leave it to their section


# Short forms of chat and headlines -> the word news copy writes. A short form is no name
# (it never vetoes); the written word counts for it as a variant spelling would.
SHORT_FORMS = {
    "tv": "television", "govt": "government", "gov": "government", "gvt": "government",
    "gouv": "gouvernement", "intl": "international", "natl": "national",
    "mil": "military", "pres": "president", "prez": "president", "pm": "prime minister",
    "fm": "foreign minister", "dept": "department", "admin": "administration",
    "mercs": "mercenaries", "merc": "mercenary", "jihadis": "jihadists", "jihadi": "jihadist",
    "hq": "headquarters", "intel": "intelligence",
}


def _short_form(reading: _Reading, word: _Word, term: str) -> list[Alternative]:
    """The terms of the word a short form stands for ("TV" -> television), that the index
    holds; the change is shown to the user."""
    written = SHORT_FORMS.get(word.folded)
    if written is None:
        return []
    terms = [t for t in analyze(written) if t != term and t in reading.vocabulary]
    if terms:
        reading.rewrites.append(Rewrite(VARIANT, word.text, written))
    return [Alternative(t, VARIANT_WEIGHT, VARIANT) for t in terms]


# British and American spellings of one word (favour/favor, defence/defense,
# centre/center, organise/organize, analyse/analyze, dialogue/dialog, travelled/traveled):
# (pattern on a folded word, replacement), each tried both ways.
_SPELLING_PAIRS = [(re.compile(a), b) for a, b in (
    (r"our(s|ed|ing|able|ite|ites)?$", r"or\1"), (r"or(s|ed|ing|able|ite|ites)?$", r"our\1"),
    (r"is(e|es|ed|ing|ation|ations)$", r"iz\1"), (r"iz(e|es|ed|ing|ation|ations)$", r"is\1"),
    (r"ys(e|es|ed|ing)$", r"yz\1"), (r"yz(e|es|ed|ing)$", r"ys\1"),
    (r"ence$", "ense"), (r"ense$", "ence"), (r"tre(s)?$", r"ter\1"), (r"ter(s)?$", r"tre\1"),
    (r"ogue(s)?$", r"og\1"), (r"og(s)?$", r"ogue\1"),
    (r"ll(ed|ing|er|ers)$", r"l\1"), (r"([aeiou])l(ed|ing|er|ers)$", r"\1ll\2"),
)]


def _other_spelling(reading: _Reading, word: _Word, term: str) -> list[Alternative]:
    """For an English word the index lacks, its British or American spelling that the
    index holds ("favour" -> favor, "defence" -> defense)."""
    if term in reading.vocabulary or not word.text.isalpha() or word.acronym \
            or not is_dictionary_word(word.folded):
        return []
    found: list[Alternative] = []
    for pattern, replacement in _SPELLING_PAIRS:
        other = pattern.sub(replacement, word.folded, count=1)
        terms = analyze(other) if other != word.folded else []
        if len(terms) == 1 and terms[0] != term and terms[0] in reading.vocabulary \
                and is_dictionary_word(other):
            found.append(Alternative(terms[0], VARIANT_WEIGHT, VARIANT))
    if found:
        reading.notes.append(f"spelling {word.text}: {found[0].term}")
    return found


def _read_word(reading: _Reading, word: _Word) -> None:
    vocabulary = reading.vocabulary
    ordinal = _ORDINAL.match(word.folded)  # "2nd", "1er": passages write the number
    term = ordinal.group(1) if ordinal else _acronym_or_term(word.text, vocabulary)
    alternatives = [Alternative(term, YEAR_WEIGHT if _YEAR.match(term) else 1.0, TYPED)]
    alternatives += _synonym_alternatives([term])
    short = _short_form(reading, word, term) or _other_spelling(reading, word, term)
    if short:
        reading.add(Concept(word.text, _dedupe([*alternatives, *short])))
        return
    name = _is_name(reading, word)
    if vocabulary.df(term) <= vocabulary.rare_df:  # the corpus rarely or never uses it
        derived = _related(vocabulary, term, lexicon.english_derived(), DERIVED_WEIGHT)
        alternatives += derived
        name = name and (term in vocabulary or not _describes_origin(term, derived))
        if not name and term not in vocabulary:
            alternatives += _related(vocabulary, term, lexicon.english_related(),
                                     RELATED_WEIGHT)
    if not name and term in vocabulary:
        alternatives += _preferred_wording(vocabulary, word.folded, term)
    if not name and reading.language == "en":
        alternatives += _related(vocabulary, term, lexicon.english_derivations(),
                                 DERIVATION_WEIGHT)
    in_french = reading.language == "fr"
    translation = _translation_of(reading, word) if in_french or term not in vocabulary else ()
    if translation:
        concept = _translation_concept(reading, word.text, translation)
        own = Alternative(term, _own_weight(word.text, term), TYPED)
        reading.add(Concept(word.text, _dedupe([own, *alternatives[1:],
                                                *concept.alternatives[1:]])))
        return
    cognates = cognate_terms(word.folded, vocabulary, _most_passages(vocabulary)) \
        if in_french and not name and term not in vocabulary else {}
    if cognates:
        reading.translated.append((word.text, next(iter(cognates.values()))))
        alternatives += [Alternative(t, COGNATE_WEIGHT, TRANSLATION) for t in cognates]
        reading.add(Concept(word.text, _dedupe(alternatives)))
        return
    variants = _variants(reading, word, term, name)
    if term not in vocabulary and not variants and name and not _spelt_alike(term, alternatives):
        reading.unknown.append(_name_around(reading.text, word))
    french = [] if name else _french_alternatives(reading, term)
    reading.add(Concept(word.text, _dedupe([*alternatives, *variants, *french]), is_name=name))


_NAME_WORDS = 4  # "Nothing in the corpus mentions World Cup": at most this many words


def _name_around(cleaned: str, word: _Word) -> str:
    """An unknown name with the capitalised words written next to it ("World Cup" for
    "Cup"), so the reply names what was asked about; function words ("Who") stop it."""
    tokens = list(_WORD.finditer(cleaned))
    at = next((i for i, m in enumerate(tokens) if m.start() == word.start), None)
    if at is None:
        return word.text

    def joins(left: re.Match[str], right: re.Match[str], other: re.Match[str]) -> bool:
        return (cleaned[left.end():right.start()].isspace()
                and other.group()[:1].isupper() and fold(other.group()) not in _ENGLISH_FUNCTION)

    first = last = at
    while first > 0 and last - first + 1 < _NAME_WORDS and joins(
            tokens[first - 1], tokens[first], tokens[first - 1]):
        first -= 1
    while last + 1 < len(tokens) and last - first + 1 < _NAME_WORDS and joins(
            tokens[last], tokens[last + 1], tokens[last + 1]):
        last += 1
    return cleaned[tokens[first].start():tokens[last].end()]


# Adjectives of regions, not of one country: "Which European country…" asks which of the
# countries the corpus names; it does not name something the corpus never mentions.
_REGION_ADJECTIVES = frozenset(analyze(
    "european african asian arab western sahelian saharan nordic scandinavian balkan"))


def _spelt_alike(term: str, alternatives: Sequence[Alternative]) -> bool:
    """A word linked to the name (its demonym group) that the index holds is another spelling
    of it ("Kiev" / Kyiv): the corpus does mention it."""
    return any(a.how == SYNONYM and fuzz.ratio(term, a.term) >= _SAME_NAME_SIMILARITY
               for a in alternatives)


def _describes_origin(term: str, derived: Sequence[Alternative]) -> bool:
    """A demonym adjective that qualifies what is asked about rather than naming something
    the corpus never mentions: a region's ("European"), or one whose place the corpus
    holds (Sudanese -> Sudan, through `derived`). It is then an ordinary word: no veto."""
    return term in lexicon.demonym_adjectives() and (term in _REGION_ADJECTIVES
                                                     or bool(derived))


def _most_passages(vocabulary: Vocabulary) -> int:
    """The most passages a related word, a phrase's plain word or a cognate may be in
    (RELATED_MAX_SHARE of them): one in more says nothing."""
    return max(1, int(RELATED_MAX_SHARE * vocabulary.n_docs))


def _related(vocabulary: Vocabulary, term: str, table: Mapping[str, frozenset[str]],
             weight: float) -> list[Alternative]:
    """Words the table links to the term (thesaurus, demonyms) that the index holds and
    that are not common: the rarest MAX_RELATED of them. A linked word never counts for
    more than the typed word would: a rarer one is weighted down by their IDF ratio."""
    most = _most_passages(vocabulary)
    found = sorted((t for t in table.get(term, ()) if 0 < vocabulary.df(t) <= most),
                   key=lambda t: (vocabulary.df(t), t))
    typed_idf = _idf(vocabulary, term) if term in vocabulary else None
    alternatives = []
    for related in found[:MAX_RELATED]:
        share = 1.0 if typed_idf is None else min(1.0, typed_idf / _idf(vocabulary, related))
        alternatives.append(Alternative(related, weight * share, SYNONYM))
    return alternatives


def _preferred_wording(vocabulary: Vocabulary, word: str, term: str) -> list[Alternative]:
    """For a word the corpus holds, the words of its thesaurus groups that the corpus uses
    at least PREFERRED_RATIO times as often: the corpus's own wording of the same thing
    ("help" where reports write "support", "arms" where they write "weapons"), at
    PREFERRED_WEIGHT. A related word the corpus uses less than that would mostly add its
    other senses; the typed word already finds the passages that share its wording."""
    own = vocabulary.df(term)
    listed = lexicon.english_related_by_lemma().get(lexicon.english_lemma(word), frozenset())
    table = {term: frozenset(t for t in listed if t != term
                             if vocabulary.df(t) >= PREFERRED_RATIO * own)}
    return _related(vocabulary, term, table, PREFERRED_WEIGHT)


def _idf(vocabulary: Vocabulary, term: str) -> float:
    """BM25Okapi's IDF of a term the index holds (floored above zero)."""
    df = vocabulary.df(term)
    return max(math.log((vocabulary.n_docs - df + 0.5) / (df + 0.5)), 0.05)


def _french_alternatives(reading: _Reading, term: str) -> list[Alternative]:
    """For an English word, the French words of the lexicon that French documents of the
    corpus hold (all the words of a phrase in one passage): "withdrawal" -> retrait."""
    found: list[Alternative] = []
    for phrase in reading.french.french_for(term):
        if any(is_dictionary_word(fold(w)) for w in _WORD.findall(phrase)):
            continue  # "population", "combat": an English word means what English says
        terms = _content_terms(reading, phrase)
        if any(english_stem(t) for t in terms):
            continue  # "parti" is also the stem of "party": English passages hold it
        if terms and term not in terms and reading.vocabulary.cooccur(terms):
            found += [Alternative(t, FRENCH_DOCUMENT_WEIGHT, TRANSLATION) for t in terms]
    return found


def _translation_of(reading: _Reading, word: _Word) -> tuple[str, ...]:
    """English words for a French word: any word of a French question, or a word of an
    English one that neither the index nor an English dictionary knows. A capitalised word
    inside a sentence is a name, unless a French question capitalises a word the index
    lacks (French capitalises the first word of an institution's name: "le Conseil de
    transition"): then its translation is what the corpus may hold."""
    if word.capitalised and not word.sentence_start and not (
            reading.language == "fr" and not _in_index(word, reading.vocabulary)):
        return ()
    if reading.language != "fr" and is_dictionary_word(word.folded):
        return ()
    targets = reading.french.translate([word.text])
    month = MONTHS_EN_OF_FR.get(word.folded)
    return (*targets, month) if month else targets


def _is_name(reading: _Reading, word: _Word) -> bool:
    """A specific name: an acronym, a capitalised word that does not open a sentence (unless
    every word is capitalised), a word that no dictionary (or lexicon) knows, or one the
    corpus lacks that the dictionary lists only with a capital ("sudan" typed in small
    letters is Sudan, as "french" is not)."""
    folded = word.folded
    if folded.isdigit() or folded in MONTH_NUMBER or len(folded) < 2:
        return False
    if word.acronym:
        return folded not in _ENGLISH_FUNCTION
    if word.capitalised and not word.sentence_start and not reading.title_case:
        return not (reading.language == "fr" and folded in reading.french.stopwords)
    if reading.french.translate([word.text]):
        return False
    if is_dictionary_word(folded):
        return _proper_noun_the_corpus_lacks(reading, word, "en")
    if reading.language == "fr" and is_french_word(word.text.lower()):
        return _proper_noun_the_corpus_lacks(reading, word, "fr")
    return len(folded) >= 4  # "atu", "wal": pieces of a transliteration, not names


def _proper_noun_the_corpus_lacks(reading: _Reading, word: _Word, language: str) -> bool:
    """A word of 4 letters or more, no French function word ("les" is a name in English
    dictionaries), listed only with a capital, that the index does not hold."""
    return (len(word.folded) >= 4 and word.folded not in reading.french.stopwords
            and is_proper_noun(word.folded, language)
            and not _in_index(word, reading.vocabulary))


def _variants(reading: _Reading, word: _Word, term: str, name: bool) -> list[Alternative]:
    """Spellings the index holds for a rare or unknown name: the word split in two known
    pieces, or the closest name of the corpus (fuzzy)."""
    vocabulary = reading.vocabulary
    known = term in vocabulary
    if not name or (known and vocabulary.df(term) > vocabulary.rare_df):
        return []
    written_as_name = word.acronym or word.capitalised
    if not written_as_name and (known or len(word.folded) < _MIN_TYPO_LENGTH):
        return []  # a known word in small letters is what it is
    spellings = _closest_spellings(vocabulary, word.folded, term, written_as_name,
                                   vocabulary.df(term))
    if spellings:
        found = spellings[0]
        if known:  # the corpus holds what was typed too: nothing to tell the user
            reading.notes.append(f"variant {word.text}: {vocabulary.surface_of(found)}")
            return [Alternative(found, RARE_VARIANT_WEIGHT, VARIANT)]
        reading.rewrites.append(Rewrite(VARIANT, word.text, vocabulary.surface_of(found)))
        return [Alternative(t, VARIANT_WEIGHT, VARIANT) for t in spellings]
    if known:
        return []
    pieces = _split_in_two(word.folded, vocabulary)
    if pieces:
        shown = " ".join(vocabulary.surface_of(p) for p in pieces)
        reading.rewrites.append(Rewrite(VARIANT, word.text, shown))
    return [Alternative(p, VARIANT_WEIGHT, VARIANT) for p in pieces]


_SPELLING_MARGIN = 7.5  # spellings this close to the best one count too (rapidfuzz points)
_MAX_SPELLINGS = 3


def _closest_spellings(vocabulary: Vocabulary, folded: str, term: str, written_as_name: bool,
                       more_used_than: int) -> list[str]:
    """The index terms spelt most like a name, best first: the corpus may spell one place
    two ways (Boulkessi, Boulikessi). A name typed in small letters ("boulkesy", chat style)
    is compared with the corpus's names first (those it names once too), then with its
    other words, which must be used at least twice; those are compared stem to stem
    ("peackeepers" -> peackeep ~ peacekeep)."""
    def alike(word: str, names_only: bool) -> list[str]:
        return vocabulary.alike(word, names_only=names_only, more_used_than=more_used_than,
                                limit=_MAX_SPELLINGS, margin=_SPELLING_MARGIN)

    if written_as_name:
        return alike(folded, True)
    return alike(folded, True) or names_one_slip_away(folded, vocabulary)[:1] \
        or alike(folded, False) or (alike(term, False) if term != folded else [])


_MIN_TYPO_LENGTH = 4  # shorter words are too close to too many others (and the sound key
# of a 4- or 5-letter word must then match almost exactly: vocabulary._fuzzy_cutoff)


def _split_in_two(word: str, vocabulary: Vocabulary) -> list[str]:
    """Index terms of the two halves of a name written in one word ("tinzaouatene" ->
    tin, zaouaten), when both halves are in the index; the most even split wins."""
    best: list[str] = []
    best_balance = 0
    for cut in range(3, len(word) - 2):
        head, tail = analyze(word[:cut]), analyze(word[cut:])
        if len(head) == 1 and len(tail) == 1 and head[0] in vocabulary and tail[0] in vocabulary:
            balance = min(cut, len(word) - cut)
            if balance > best_balance:
                best, best_balance = [head[0], tail[0]], balance
    return best


def _dedupe(alternatives: Iterable[Alternative]) -> tuple[Alternative, ...]:
    """One alternative per term, the heaviest."""
    best: dict[str, Alternative] = {}
    for alt in alternatives:
        if alt.term not in best or alt.weight > best[alt.term].weight:
            best[alt.term] = alt
    return tuple(best.values())


# ----- definitions --------------------------------------------------------------------

_DEFINITION = re.compile(
    r"^(?:(?:what|who)\s+(?:is|are|was|were)|whats|what's|who's|whos)\s+(?:the\s+|an?\s+)?"
    r"(?P<x>.+?)\??$"
    r"|^(?:what\s+does|what\s+do)\s+(?P<y>.+?)\s+(?:mean|stand\s+for)\??$"
    r"|^(?:define|definition\s+of|meaning\s+of)\s+(?P<z>.+?)\??$"
    r"|^(?:c'est\s+quoi|qu'est[\s-]ce\s+que?(?:\s+c'est)?|qui\s+est|qui\s+sont|que\s+sont"
    r"|que\s+signifie|c'est\s+qui|(?:c|c'est|cest|c'|ces)\s*(?:koi|quoi|ki)|ki\s+est)\s+(?:le\s+|la\s+|les\s+|l'|un\s+|une\s+)?(?P<w>.+?)\??$",
    re.IGNORECASE)
_MAX_DEFINED_WORDS = 3
# "who are the CMA and what do they want": the definition is asked of the CMA.
_SECOND_QUESTION = re.compile(
    r"\s*(?:,|;|\band\s+(?=what|why|how|who|when|where|which|do|does|did|is|are)"
    r"|\bet\s+(?=que|pourquoi|comment|qui|quand|ou))", re.IGNORECASE)


def _is_definable(subject: str, aliases: AliasLookup) -> bool:
    words = _WORD.findall(subject)
    folded = [fold(w) for w in words]
    if not words or any(w.endswith("ing") or w in _NOT_DEFINED for w in folded):
        return False
    if aliases.lookup(subject) is not None or len(words) == 1:
        return True
    return (len(words) <= _MAX_DEFINED_WORDS and not any(w in STOPWORDS for w in folded)
            and (words[0][:1].isupper()))
# "What is happening", "what are the latest attacks": questions, not definitions.
_NOT_DEFINED = frozenset("latest recent current news situation going happening new "
                         "status death toll".split())


def definition_subject(cleaned: str, concepts: Sequence[Concept],
                       aliases: AliasLookup = NO_ALIASES) -> str:
    """The X of "What is X?", "who is X", "c'est quoi X", "qui est X", or of a bare name.
    X is a name: an alias-table name, one word, or up to three words without small
    words that start with a capital ("the Algiers agreement", not "the MNLA spokesman
    in Paris")."""
    text = cleaned.strip().rstrip("?!. ")
    match = _DEFINITION.match(text.replace("’", "'"))
    if match:
        subject = next(g for g in match.groups() if g)
        subject = _SECOND_QUESTION.split(subject, maxsplit=1)[0].strip(" \"'?")
        return subject if _is_definable(subject, aliases) else ""
    if len(concepts) == 1 and concepts[0].is_name:
        said = [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS]
        if said == _WORD.findall(fold(concepts[0].typed)):
            return concepts[0].typed
    return ""
