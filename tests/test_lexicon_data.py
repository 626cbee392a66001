"""The bundled alias table, French lexicon and stopwords: format, sources, and the issue's
examples (#10); the loader's handling of operator files and /alias lines."""

from __future__ import annotations

import re
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from index.analyze import STOPWORDS, analyze, fold
from index.lexicon import (
    KINDS,
    AliasEntry,
    AliasTable,
    english_derivations,
    english_derived,
    english_lemma,
    english_related,
    english_related_by_lemma,
    fold_name,
    french_lemma,
    french_lexicon,
    french_stopwords,
    french_to_english,
    load_aliases,
    off_topic_terms,
    parse_alias_line,
    parse_related_groups,
)
from index.phrases import bundled_phrases, parse_phrases

_SOURCE = re.compile(r"^(https://(en|fr)\.wikipedia\.org/wiki/\S+"
                     r"|https://www\.wikidata\.org/wiki/Q\d+|Q\d+)$")
_ENGLISH = re.compile(r"^[a-z]+(?:[ -][a-z]+)*$")


def _raw(name: str) -> str:
    return resources.files("index").joinpath("data", name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def raw_aliases() -> list[dict[str, object]]:
    data = yaml.safe_load(_raw("aliases.yaml"))
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def table() -> AliasTable:
    return load_aliases()


def _linked(table: AliasTable, a: str, b: str) -> bool:
    first, second = table.entry(a), table.entry(b)
    assert first is not None and second is not None
    return b in first.predecessors + first.successors or a in second.predecessors + \
        second.successors


# --- the alias table's format -------------------------------------------------------------

def test_every_alias_entry_has_id_kind_names_and_a_wikipedia_or_wikidata_source(
        raw_aliases: list[dict[str, object]]) -> None:
    assert len(raw_aliases) >= 80
    for item in raw_aliases:
        assert isinstance(item["id"], str) and item["id"], item
        assert item["kind"] in KINDS, item
        names = item["names"]
        assert isinstance(names, list) and names and all(isinstance(n, str) for n in names)
        assert isinstance(item.get("source"), str) and _SOURCE.match(str(item["source"])), item


def test_descriptors_are_short_descriptions_of_entries_with_an_encyclopedic_source(
        raw_aliases: list[dict[str, object]]) -> None:
    """`descriptors` come from the entry's source (its Wikipedia lead or infobox, or its
    Wikidata description): plain phrases of a few words, lower-case apart from names, on
    entries whose source is such an article."""
    described = [item for item in raw_aliases if "descriptors" in item]
    assert len(described) >= 8
    for item in described:
        descriptors = item["descriptors"]
        assert isinstance(descriptors, list) and descriptors, item["id"]
        assert _SOURCE.match(str(item["source"])), item["id"]
        for text in descriptors:
            assert isinstance(text, str) and 2 <= len(text.split()) <= 16, (item["id"], text)
            assert not re.search(r"[?!\"]", text), (item["id"], text)


def test_alias_ids_are_unique(raw_aliases: list[dict[str, object]]) -> None:
    ids = [item["id"] for item in raw_aliases]
    assert len(ids) == len(set(ids))


def test_links_point_to_existing_ids_and_go_both_ways(table: AliasTable) -> None:
    for entry in table.entries():
        for later in entry.successors:
            successor = table.entry(later)
            assert successor is not None and entry.id in successor.predecessors, (entry, later)
        for earlier in entry.predecessors:
            predecessor = table.entry(earlier)
            assert predecessor is not None and entry.id in predecessor.successors, (
                entry, earlier)


def test_no_name_belongs_to_two_unlinked_entries(table: AliasTable) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in table.entries():
        for name in entry.names:
            owners[fold_name(name)].add(entry.id)
    for name, ids in owners.items():
        first, *others = sorted(ids)
        assert all(_linked(table, first, other) for other in others), (name, ids)


def test_no_alias_name_is_a_stopword_in_either_language(table: AliasTable) -> None:
    """A lone "un", "au" or "is" in a question must never stand for an actor."""
    stopwords = french_stopwords() | STOPWORDS
    assert [name for name, _ in table.names() if name in stopwords] == []


def test_the_issues_aliases_resolve(table: AliasTable) -> None:
    same = {
        "jnim": ["JNIM", "GSIM", "Jama'at Nusrat al-Islam wal-Muslimin",
                 "Group for the Support of Islam and Muslims",
                 "Groupe de soutien à l'islam et aux musulmans"],
        "mujao": ["MUJAO", "MOJWA"],
        "isgs": ["ISGS", "EIGS", "IS Sahel", "Islamic State Sahel Province"],
        "aqim": ["AQIM", "AQMI"],
        "fama": ["FAMa", "Malian army", "Malian armed forces", "forces armées maliennes"],
        "minusma": ["MINUSMA", "UN peacekeepers", "casques bleus"],
        "assimi_goita": ["Assimi Goïta", "Goita", "junta leader"],
        "tinzaouatene": ["Tinzaouatene", "Tin Zaouatene", "Tinzaouaten", "Tinzawatene"],
        "timbuktu": ["Timbuktu", "Tombouctou", "Timbuctu"],
        "boulkessi": ["Boulkessi", "Boulikessi", "Boulkesi"],
        "aguelhok": ["Aguelhok", "Aguelhoc"],
        "ecowas": ["ECOWAS", "CEDEAO"],
        "aes": ["AES", "Alliance of Sahel States"],
        "cnt": ["CNT", "National Transitional Council"],
        "ukraine_hur": ["GUR", "HUR", "Ukrainian military intelligence"],
        "mali_war": ["Mali War", "war in Mali", "conflict in Mali"],
    }
    for entry_id, names in same.items():
        for name in names:
            found = table.lookup(name)
            assert found is not None and found.id == entry_id, (name, found)


def test_the_briefs_required_entries_exist(table: AliasTable) -> None:
    for name in ["al-Mourabitoun", "Ansar Dine", "Katiba Macina", "CMA", "CSP-PSD", "FLA",
                 "MNLA", "HCUA", "GATIA", "Platform", "Wagner", "Africa Corps", "Barkhane",
                 "Serval", "Takuba", "EUTM Mali", "G5 Sahel", "Choguel Maïga",
                 "Abdoulaye Diop", "Iyad Ag Ghaly", "Amadou Koufa", "Kidal", "Gao", "Ménaka",
                 "Mopti", "Ségou", "Bamako", "Anefis", "Ber", "Léré", "Tessalit", "Azawad",
                 "Liptako-Gourma", "Burkina Faso", "Niger", "Algeria", "Mauritania"]:
        assert table.lookup(name) is not None, name


def test_the_issues_succession_chains(table: AliasTable) -> None:
    mujao, mourabitoun, wagner = (table.lookup(n) for n in ("MOJWA", "al-Mourabitoun",
                                                            "Wagner"))
    assert mujao is not None and mourabitoun is not None and wagner is not None
    assert mujao.successors == ("al_mourabitoun",)
    assert "jnim" in mourabitoun.successors
    assert wagner.successors == ("africa_corps",)


def test_lookup_folds_case_accents_and_punctuation(table: AliasTable) -> None:
    assert table.lookup("SEGOU") == table.lookup("Ségou")
    assert table.lookup("csp psd") == table.lookup("CSP-PSD")
    assert table.lookup("  menaka ") == table.lookup("Ménaka")
    assert table.lookup("al-Qaeda in Tinzaouatene") is None
    assert table.max_name_words() == max(len(n.split()) for n, _ in table.names())


# --- the French lexicon and stopwords -------------------------------------------------------

def test_lexicon_entries_are_lowercase_lemmas_with_plain_english_targets() -> None:
    raw = yaml.safe_load(_raw("fr_en.yaml"))
    assert len(raw) >= 400
    for french, english in raw.items():
        assert isinstance(french, str) and french.strip() == french and french == french.lower()
        assert isinstance(english, list) and english, french
        assert all(isinstance(e, str) and _ENGLISH.match(e) for e in english), (french, english)


class _UniqueKeyLoader(yaml.SafeLoader):
    """Refuses a mapping that repeats a key (plain YAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        assert not repeated, f"repeated keys: {repeated}"
        return super().construct_mapping(node, deep=deep)


@pytest.mark.parametrize("name", ["fr_en.yaml", "aliases.yaml", "en_phrases.yaml"])
def test_data_files_repeat_no_key(name: str) -> None:
    yaml.load(_raw(name), Loader=_UniqueKeyLoader)


def test_lexicon_and_stopwords_do_not_overlap() -> None:
    assert set(french_lexicon()) & french_stopwords() == set()


def test_stopwords_hold_function_words_question_words_and_chat_fillers() -> None:
    stopwords = french_stopwords()
    assert len(stopwords) >= 200
    for word in ["le", "des", "qui", "combien", "pourquoi", "quand", "ou", "etait",
                 "stp", "svp", "merci", "bonjour", "salut"]:
        assert word in stopwords, word
    assert all(word == fold(word) for word in stopwords)


@pytest.mark.parametrize(("french", "english"), [
    ("retrait", "withdrawal"), ("casques bleus", "peacekeepers"), ("attaque", "attack"),
    ("embuscades", "ambush"), ("enlèvement", "kidnapping"), ("otages", "hostage"),
    ("armée", "army"), ("soldats", "soldiers"), ("djihadistes", "jihadists"),
    ("coup d'État", "coup"), ("pourparlers", "talks"), ("accord de paix", "peace agreement"),
    ("rebelles", "rebels"), ("séparatistes", "separatists"), ("frappe de drone", "drone strike"),
    ("bilan", "toll"), ("morts", "dead"), ("blessés", "wounded"), ("tués", "killed"),
    ("camp militaire", "military camp"), ("junte", "junta"), ("transition", "transition"),
    ("élections", "elections"), ("mercenaires", "mercenaries"), ("tuent", "kill"),
    ("quitté", "leave"), ("combattent", "fight"), ("revendiqué", "claimed"),
    ("revendique", "claim"),
])
def test_french_words_and_their_inflections_reach_english(french: str, english: str) -> None:
    assert english in french_to_english(french)


@pytest.mark.parametrize(("participle", "english"), [
    ("expulsé", "expel"), ("abandonnés", "abandon"), ("fui", "flee"), ("sortis", "leave"),
    ("perdu", "lose"), ("subi", "suffer"),
])
def test_past_participles_simplemma_leaves_alone_reach_their_verb(participle: str,
                                                                    english: str) -> None:
    assert english in french_to_english(participle)


def test_french_lemma_is_folded_simplemma() -> None:
    assert french_lemma("attaquent") == "attaquer"
    assert french_lemma("Embuscades") == "embuscade"
    assert french_lemma("élections") == "election"


# --- operator files and /alias lines -----------------------------------------------------------

def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_operator_file_adds_entries_and_names(tmp_path: Path) -> None:
    path = _write(tmp_path, """
- id: jnim
  kind: group
  names: [Nosrat]
- id: tabankort
  kind: place
  names: [Tabankort, Tabankor]
  source: local knowledge
""")
    table = load_aliases(path)
    assert len(table) == len(load_aliases()) + 1
    jnim = table.lookup("nosrat")
    assert jnim is not None and jnim.id == "jnim" and jnim.preferred == "JNIM"
    assert table.lookup("GSIM") == jnim
    assert load_aliases().lookup("nosrat") is None  # the bundled table is untouched


@pytest.mark.parametrize(("text", "message"), [
    ("- id: x\n  kind: group\n", "entry 1 (x): field 'names'"),
    ("- id: Bad Id\n  kind: group\n  names: [A]\n", "entry 1: field 'id'"),
    ("- id: x\n  kind: gang\n  names: [A]\n", "entry 1 (x): field 'kind'"),
    ("- id: x\n  kind: group\n  name: [A]\n", "entry 1 (x): unknown field 'name'"),
    ("- id: x\n  kind: group\n  names: [A]\n  successors: [nowhere]\n",
     "entry x: field 'successors' names 'nowhere'"),
    ("- id: x\n  kind: group\n  names: [A]\n  descriptors: militia\n",
     "entry 1 (x): field 'descriptors'"),
    ("- id: x\n  kind: group\n  names: [A]\n  descriptors: [militia]\n",
     "entry 1 (x): field 'descriptors'"),
    ("id: x\n", "expected a list of entries"),
    ("- [unclosed\n", "not valid YAML"),
])
def test_an_invalid_operator_file_names_file_entry_and_field(
        tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        load_aliases(path)
    assert str(path) in str(caught.value)


def test_with_extra_merges_by_id_and_a_later_name_wins() -> None:
    table = AliasTable([AliasEntry("a", "group", ("Alpha", "Shared"), source="Q1")])
    extended = table.with_extra([AliasEntry("a", "group", ("alpha", "A1")),
                                 AliasEntry("b", "group", ("Shared",))])
    a = extended.entry("a")
    assert a is not None and a.names == ("Alpha", "Shared", "A1") and a.source == "Q1"
    b = extended.lookup("shared")
    assert b is not None and b.id == "b"
    assert len(table) == 1 and len(extended) == 2


@pytest.mark.parametrize(("line", "parsed"), [
    ("GSIM = JNIM", ("GSIM", "JNIM")),
    ("  Jama'at Nusrat   =  JNIM ", ("Jama'at Nusrat", "JNIM")),
])
def test_parse_alias_line(line: str, parsed: tuple[str, str]) -> None:
    assert parse_alias_line(line) == parsed


@pytest.mark.parametrize("line", ["", "GSIM", "GSIM = ", "= JNIM", "A = B = C", "!! = JNIM",
                                  "JNIM = jnim", "x" * 121 + " = JNIM", "A\nB = C"])
def test_parse_alias_line_refuses_bad_input_with_a_message(line: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_alias_line(line)


# --- the English thesaurus and the demonyms (#10, second round) ---------------------------

@pytest.mark.parametrize("name", ["en_related.yaml", "en_demonyms.yaml",
                                  "en_derivations.yaml"])
def test_related_word_files_are_groups_of_lowercase_english_words(name: str) -> None:
    data = yaml.safe_load(_raw(name))
    assert isinstance(data, dict) and data
    for group, words in data.items():
        assert isinstance(words, list) and len(words) >= 2, group
        for word in words:
            assert isinstance(word, str) and re.match(r"^[a-z][a-z' -]*[a-z]$", word), \
                (group, word)
    groups = parse_related_groups(data, name)
    assert all(len(terms) >= 2 for terms in groups.values()), name


def test_the_thesaurus_has_several_hundred_words() -> None:
    data = yaml.safe_load(_raw("en_related.yaml"))
    assert len({w for words in data.values() for w in words}) >= 500


@pytest.mark.parametrize(("word", "related"), [
    ("killed", "casualties"), ("died", "death toll"), ("withdraw", "pull out"),
    ("seize", "overrun"), ("coup", "putsch"), ("junta", "military government"),
    ("peacekeepers", "blue helmets"), ("jihadist", "militant"),
    ("mercenaries", "private military company"), ("claim", "announce"),
    ("admit", "acknowledge"), ("kidnapped", "hostages"), ("send", "dispatch"),
    ("planes", "aircraft"), ("fly", "ferry"), ("boat", "yacht"), ("handing", "transfer"),
    ("profit", "took advantage"), ("friends", "allies"), ("branch", "faction"),
    ("failure", "worst")])
def test_the_issue_s_examples_are_related(word: str, related: str) -> None:
    table = english_related()
    term = analyze(word)[0]
    assert set(analyze(related)) & table[term]


@pytest.mark.parametrize(("demonym", "country"), [
    ("Malian", "Mali"), ("Russian", "Russia"), ("Ukrainian", "Ukraine"), ("French", "France"),
    ("Nigerien", "Niger"), ("Algerian", "Algeria"), ("Tuaregs", "Touareg")])
def test_demonyms_are_linked_to_their_country(demonym: str, country: str) -> None:
    assert analyze(country)[0] in english_derived()[analyze(demonym)[0]]


def test_the_phrase_table_maps_hundreds_of_phrases_to_plain_indexable_words() -> None:
    data = yaml.safe_load(_raw("en_phrases.yaml"))
    phrases = parse_phrases(data, "en_phrases.yaml")
    assert len(phrases) >= 250
    for phrase, words in phrases.items():
        assert re.match(r"^[a-z]+(?:[ '-][a-z]+)+$", phrase), phrase
        for word in words:
            assert re.match(r"^[a-z][a-z' -]*[a-z]$", word) and analyze(word), (phrase, word)
    # no two phrases fold to one key (stems), and no phrase maps only to its own words
    assert len(bundled_phrases()) == len(phrases)
    assert all(set(analyze(" ".join(w))) - set(analyze(p)) for p, w in phrases.items())


def test_the_thesaurus_is_looked_up_by_the_lemmas_of_the_words_it_writes() -> None:
    by_lemma = english_related_by_lemma()
    assert "support" in by_lemma[english_lemma("helping")]
    assert "presid" in by_lemma[english_lemma("office")]  # of "time in office"
    assert "capital" not in by_lemma  # only "capitalise", which stems alike


@pytest.mark.parametrize(("word", "derived"), [
    ("north", "northern"), ("depart", "departure"), ("invaded", "invasion"),
    ("died", "death"), ("strong", "strength")])
def test_derivational_families_join_what_the_stemmer_keeps_apart(word: str,
                                                                 derived: str) -> None:
    term, other = analyze(word)[0], analyze(derived)[0]
    assert term != other  # the stemmer alone does not join them
    assert other in english_derivations()[term]


def test_a_bad_related_group_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="group 'x'"):
        parse_related_groups({"x": ["alone"]}, "test")


def test_off_topic_words_are_lowercase_words_and_none_is_war_vocabulary() -> None:
    lines = [ln for ln in _raw("off_topic.txt").splitlines() if ln and not ln.startswith("#")]
    assert len(lines) >= 100 and all(re.match(r"^[a-z]+$", ln) for ln in lines)
    war = set().union(*english_related().values()) | set(english_related())
    assert not off_topic_terms() & war  # a war word never vetoes an answer
