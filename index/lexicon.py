"""The alias table, the French -> English lexicon and French stopwords: bundled data files
(index/data/) read through importlib.resources, validated, folded and cached."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import simplemma
import yaml
from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

from index.analyze import STOPWORDS, analyze, fold
from index.reasons import Refused

# "other": an entry a moderator created with /alias, whose kind nobody said.
KINDS = frozenset({"group", "state_force", "foreign_force", "un_mission", "operation", "place",
                   "person", "institution", "event", "other"})
_FIELDS = frozenset({"id", "kind", "names", "predecessors", "successors", "description",
                     "descriptors", "source"})
_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
_NON_WORD = re.compile(r"[\W_]+")
MAX_NAME_CHARS = 120
_BUNDLED = "bundled alias table (index/data/aliases.yaml)"


def fold_name(text: str) -> str:
    """Case, accent and punctuation folded, single-spaced: "Jama'at" -> "jama at",
    "CSP-PSD" -> "csp psd", "Ségou" -> "segou". Tokens split where the index splits them."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class AliasEntry:
    """One actor, place, person or event and every name it goes by."""

    id: str
    kind: str
    names: tuple[str, ...]
    predecessors: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    description: str = ""
    source: str = ""
    descriptors: tuple[str, ...] = ()  # short encyclopedic descriptions (index.describe)

    @property
    def preferred(self) -> str:
        return self.names[0]

    def merged(self, other: AliasEntry) -> AliasEntry:
        """This entry extended by another of the same id: new names appended, links joined,
        the other's kind, description and source where it gives them."""
        return replace(
            self, kind=other.kind or self.kind,
            names=_unique_names(self.names + other.names),
            predecessors=_unique(self.predecessors + other.predecessors),
            successors=_unique(self.successors + other.successors),
            description=other.description or self.description,
            source=other.source or self.source,
            descriptors=_unique(self.descriptors + other.descriptors))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _unique_names(names: Iterable[str]) -> tuple[str, ...]:
    """Names in order, dropping any that folds like an earlier one."""
    kept: dict[str, str] = {}
    for name in names:
        kept.setdefault(fold_name(name), name)
    return tuple(kept.values())


class AliasTable:
    """Entries by id and by folded name. A name added later (operator file, moderator)
    takes the name over from a bundled entry."""

    def __init__(self, entries: Iterable[AliasEntry]) -> None:
        self._by_id: dict[str, AliasEntry] = {}
        for entry in entries:
            known = self._by_id.get(entry.id)
            self._by_id[entry.id] = known.merged(entry) if known else entry
        self._by_name: dict[str, str] = {}
        for entry in self._by_id.values():
            for name in entry.names:
                self._by_name[fold_name(name)] = entry.id
        self._by_name.pop("", None)
        self._max_words = max((len(n.split()) for n in self._by_name), default=0)

    def lookup(self, phrase: str) -> AliasEntry | None:
        """The entry one of whose names folds like `phrase`, or None."""
        entry_id = self._by_name.get(fold_name(phrase))
        return None if entry_id is None else self._by_id[entry_id]

    def entry(self, id: str) -> AliasEntry | None:
        return self._by_id.get(id)

    def entries(self) -> tuple[AliasEntry, ...]:
        return tuple(self._by_id.values())

    def names(self) -> Iterable[tuple[str, str]]:
        """(folded name, entry id) for every name."""
        return tuple(self._by_name.items())

    def max_name_words(self) -> int:
        return self._max_words

    def with_extra(self, extra: Iterable[AliasEntry]) -> AliasTable:
        """A new table: these entries added, or merged into the entry of the same id."""
        return AliasTable((*self._by_id.values(), *extra))

    def __len__(self) -> int:
        return len(self._by_id)


# --- Reading and validating alias files ----------------------------------------------------

def parse_alias_entries(data: Any, origin: str) -> list[AliasEntry]:
    """Alias entries from parsed YAML, or ValueError naming `origin`, the entry and field."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValueError(f"{origin}: expected a list of entries (lines starting with '- id:')")
    return [_parse_entry(item, origin, number) for number, item in enumerate(data, 1)]


def _parse_entry(item: Any, origin: str, number: int) -> AliasEntry:
    where = f"{origin}: entry {number}"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected a mapping with id, kind, names")
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise ValueError(f"{where}: field 'id' must be a slug of lowercase letters, digits "
                         f"and '_' (got {entry_id!r})")
    where = f"{origin}: entry {number} ({entry_id})"
    unknown = sorted(set(map(str, item)) - _FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r}; "
                         f"fields are {', '.join(sorted(_FIELDS))}")
    kind = item.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{where}: field 'kind' must be one of {', '.join(sorted(KINDS))} "
                         f"(got {kind!r})")
    return AliasEntry(
        id=entry_id, kind=str(kind), names=_names(item.get("names"), where),
        predecessors=_ids(item.get("predecessors"), where, "predecessors"),
        successors=_ids(item.get("successors"), where, "successors"),
        description=_text(item.get("description"), where, "description"),
        source=_text(item.get("source"), where, "source"),
        descriptors=_descriptors(item.get("descriptors"), where))


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: field 'names' must be a non-empty list of names")
    for name in value:
        if not isinstance(name, str) or not fold_name(name) or len(name) > MAX_NAME_CHARS:
            raise ValueError(f"{where}: field 'names' holds {name!r}, which is not a name of "
                             f"1 to {MAX_NAME_CHARS} characters with a letter or digit")
    return _unique_names(name.strip() for name in value)


MAX_DESCRIPTOR_CHARS = 160


def _descriptors(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
            isinstance(v, str) and len(v.split()) >= 2 and len(v) <= MAX_DESCRIPTOR_CHARS
            for v in value):
        raise ValueError(f"{where}: field 'descriptors' must be a list of descriptions of "
                         f"2 words to {MAX_DESCRIPTOR_CHARS} characters")
    return _unique(v.strip() for v in value)


def _ids(value: Any, where: str, field_name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and _ID.match(v)
                                              for v in value):
        raise ValueError(f"{where}: field '{field_name}' must be a list of entry ids")
    return _unique(value)


def _text(value: Any, where: str, field_name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where}: field '{field_name}' must be text")
    return value.strip()


def check_links(table: AliasTable, origin: str) -> None:
    """ValueError when a predecessor or successor names no entry of the table."""
    for entry in table.entries():
        for field_name in ("predecessors", "successors"):
            for linked in getattr(entry, field_name):
                if table.entry(linked) is None:
                    raise ValueError(f"{origin}: entry {entry.id}: field '{field_name}' "
                                     f"names {linked!r}, which is no entry's id")


def read_alias_file(path: Path) -> list[AliasEntry]:
    """Entries of an operator's alias file (same format as the bundled table)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"alias file {path}: cannot be read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"alias file {path}: not valid YAML ({exc})") from exc
    return parse_alias_entries(data, f"alias file {path}")


@lru_cache(maxsize=50_000)
def is_dictionary_word(word: str, language: str = "en") -> bool:
    """True for a word a general dictionary knows (folded, lower case): the stopwords, or
    simplemma's dictionary of the language."""
    return word in STOPWORDS or bool(simplemma.is_known(word, lang=language))


@lru_cache(maxsize=50_000)
def is_proper_noun(word: str, language: str = "en") -> bool:
    """True for a folded word the language's dictionary lists only with a capital: a name
    typed in small letters ("sudan", "australia"), not a word that is also common ("french",
    "chad", "june" are listed in small letters too)."""
    dictionary = DEFAULT_DICTIONARY_FACTORY.get_dictionary(language)
    return word not in dictionary and word[:1].upper() + word[1:] in dictionary


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> frozenset[str]:
    """Every string one edit from a folded word (Damerau-Levenshtein distance 1: a letter
    dropped, added or changed, two neighbours swapped), over the letters a-z."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = [a + b[1:] for a, b in splits if b]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]]
    changed = [a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]]
    added = [a + c + b for a, b in splits for c in _LETTERS]
    return frozenset(dropped + swapped + changed + added) - {word}


@lru_cache(maxsize=4096)
def dictionary_neighbours(word: str, language: str = "en") -> tuple[str, ...]:
    """The words one edit from a folded word that the language's dictionary knows (or, for
    French, the lexicon), sorted: the words a typo may have been typed for. About 2 ms for a
    ten-letter word, so kept per word (chat repeats its misspellings)."""
    lexicon = french_lexicon() if language == "fr" else {}
    stopwords = STOPWORDS if language == "en" else french_stopwords()
    return tuple(sorted(w for w in one_edit(word) if w in stopwords or w in lexicon
                        or simplemma.is_known(w, lang=language)))


def data_text(name: str) -> str:
    """A bundled data file of index/data/ (shipped in the wheel), as text."""
    return resources.files("index").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def bundled_aliases() -> AliasTable:
    table = AliasTable(parse_alias_entries(yaml.safe_load(data_text("aliases.yaml")),
                                           _BUNDLED))
    check_links(table, _BUNDLED)
    return table


def load_aliases(extra_file: Path | None = None) -> AliasTable:
    """The bundled table, extended by an operator's file when one is given."""
    table = bundled_aliases()
    if extra_file is None:
        return table
    merged = table.with_extra(read_alias_file(extra_file))
    check_links(merged, f"alias file {extra_file}")
    return merged


class AliasLineRefused(Refused, ValueError):
    """An /alias line that cannot be read (`reason`: in any catalogue language)."""


def parse_alias_line(text: str) -> tuple[str, str]:
    """"GSIM = JNIM" -> ("GSIM", "JNIM"): a new name and the name it stands for."""
    if "\n" in text.strip() or text.count("=") != 1:
        raise AliasLineRefused("alias_syntax")
    new, known = (part.strip() for part in text.split("="))
    if not fold_name(new) or not fold_name(known):
        raise AliasLineRefused("alias_no_name")
    if max(len(new), len(known)) > MAX_NAME_CHARS:
        raise AliasLineRefused("alias_too_long", limit=MAX_NAME_CHARS)
    if fold_name(new) == fold_name(known):
        raise AliasLineRefused("alias_same_names")
    return new, known


# --- French ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def french_lexicon() -> Mapping[str, tuple[str, ...]]:
    """Folded French lemma or phrase -> English words. Each one-word entry is also filed
    under simplemma's lemma of it, so inflected forms reach it through french_lemma()."""
    raw = yaml.safe_load(data_text("fr_en.yaml"))
    table: dict[str, tuple[str, ...]] = {}
    for french, english in raw.items():
        key = fold_name(str(french))
        table[key] = _unique((*table.get(key, ()), *map(str, english)))
    for french in raw:
        key = fold_name(str(french))
        if " " not in key:
            table.setdefault(french_lemma(str(french)), table[key])
    return MappingProxyType(table)


@lru_cache(maxsize=100_000)
def french_lemma(word: str) -> str:
    """simplemma's French lemma of one word, folded ("tués" -> "tue", "attaquent" ->
    "attaquer")."""
    return fold_name(simplemma.lemmatize(word.lower(), lang="fr"))


def french_to_english(word: str) -> tuple[str, ...]:
    """English words for one French word: the word itself, its lemma, its singular, then
    the infinitive of a past participle simplemma does not know ("expulsés" -> expulser)."""
    lexicon = french_lexicon()
    folded = fold_name(word)
    singular = folded.removesuffix("s").removesuffix("x")
    for candidate in (folded, french_lemma(word), singular, *_infinitives(singular)):
        if candidate in lexicon:
            return lexicon[candidate]
    return ()


# Folded past-participle endings and the infinitive endings they come from.
_PARTICIPLES = (("ee", "er"), ("e", "er"), ("ie", "ir"), ("i", "ir"), ("ue", "re"),
                ("u", "re"))


def _infinitives(singular: str) -> list[str]:
    return [singular.removesuffix(end) + infinitive for end, infinitive in _PARTICIPLES
            if singular.endswith(end) and len(singular) > len(end) + 2]


@lru_cache(maxsize=1)
def french_stopwords() -> frozenset[str]:
    lines = data_text("fr_stopwords.txt").splitlines()
    return frozenset(fold(line.strip()) for line in lines
                     if line.strip() and not line.startswith("#"))


# --- English related words ---------------------------------------------------------------

def english_related() -> Mapping[str, frozenset[str]]:
    """Index term -> the terms of every group of the English thesaurus (en_related.yaml)
    that holds it, itself excluded: killed -> death, toll, casualti, ..."""
    return _related_table("en_related.yaml")


@lru_cache(maxsize=1)
def english_related_by_lemma() -> Mapping[str, frozenset[str]]:
    """The thesaurus (en_related.yaml) keyed by the dictionary form of each word written in
    it, in a phrase too (helping -> help; office, of "time in office"): lemma -> the index
    terms of every group writing it. Looked up by the lemma of a typed word, it links the
    words the table writes, never another word with the same stem ("capital" is not
    "capitalise", though both stem to "capit")."""
    data = yaml.safe_load(data_text("en_related.yaml"))
    groups = parse_related_groups(data, "en_related.yaml")
    related: dict[str, set[str]] = {}
    for name, entries in data.items():
        for word in {w for entry in entries for w in re.split(r"[\s-]+", entry)}:
            related.setdefault(english_lemma(word), set()).update(groups[str(name)])
    return MappingProxyType({w: frozenset(r) for w, r in related.items()})


def english_lemma(word: str) -> str:
    """The dictionary form of an English word (simplemma): bragged -> brag."""
    return str(simplemma.lemmatize(word, lang="en"))


def english_derivations() -> Mapping[str, frozenset[str]]:
    """Index term -> the other terms of its derivational family (en_derivations.yaml), which
    the stemmer does not join: north -> northern, depart -> departur."""
    return _related_table("en_derivations.yaml")


def english_derived() -> Mapping[str, frozenset[str]]:
    """Index term -> its demonyms and derived forms (en_demonyms.yaml): malian -> mali."""
    return _related_table("en_demonyms.yaml")


@lru_cache(maxsize=1)
def demonym_adjectives() -> frozenset[str]:
    """Index terms of the demonym groups' names, which are the adjectives (european,
    malian, sahelian): words that say where something is from rather than name it."""
    data = yaml.safe_load(data_text("en_demonyms.yaml"))
    return frozenset(t for key in data for t in analyze(str(key)))


@lru_cache(maxsize=4)
def _related_table(name: str) -> Mapping[str, frozenset[str]]:
    groups = parse_related_groups(yaml.safe_load(data_text(name)), name)
    related: dict[str, set[str]] = {}
    for terms in groups.values():
        for term in terms:
            related.setdefault(term, set()).update(terms - {term})
    return MappingProxyType({t: frozenset(r) for t, r in related.items() if r})


def parse_related_groups(data: Any, origin: str) -> dict[str, frozenset[str]]:
    """Group name -> its index terms (a phrase counts through each of its content words),
    or ValueError naming the group."""
    if not isinstance(data, dict):
        raise ValueError(f"{origin}: expected a mapping of group name -> list of words")
    groups: dict[str, frozenset[str]] = {}
    for name, words in data.items():
        if not isinstance(words, list) or len(words) < 2 or not all(
                isinstance(w, str) and w.strip() for w in words):
            raise ValueError(f"{origin}: group {name!r} must be a list of two or more words")
        groups[str(name)] = frozenset(t for w in words for t in analyze(w))
    return groups


@lru_cache(maxsize=1)
def off_topic_terms() -> frozenset[str]:
    """Index terms of the off-topic vocabulary (off_topic.txt): football, recipe, css..."""
    return frozenset(term for word in off_topic_words() for term in analyze(word))


@lru_cache(maxsize=1)
def off_topic_words() -> frozenset[str]:
    """The off-topic vocabulary as listed (off_topic.txt), lower case."""
    lines = data_text("off_topic.txt").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))
