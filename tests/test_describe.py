"""Entities described instead of named (#10): index.describe links a run of a question's words
to the alias-table entry they describe; understanding then searches that entry's names too,
and ranking finds the passage that only names it."""

from __future__ import annotations

import pytest

from index.analyze import analyze
from index.describe import Descriptions
from index.engine import BM25
from index.lexicon import AliasEntry, AliasTable, load_aliases
from index.query import ALIAS, TYPED, Query
from index.rank import RankParams, rank
from index.understand import DESCRIBED_WEIGHT, understand
from index.vocabulary import Vocabulary

# A small table: the entries' words alone decide (no real entry is needed).
TABLE = Descriptions([
    ("mnla", ["MNLA", "National Movement for the Liberation of Azawad"],
     ["separatist movement that launched the 2012 rebellion",
      "secular Tuareg nationalist militant organization"]),
    ("fla", ["FLA", "Azawad Liberation Front"],
     ["merger of the northern separatist movements in 2024"]),
    ("azawad", ["Azawad"], ["the north of Mali as named by the Tuareg separatists"]),
    ("traore", ["Dioncounda Traoré"], ["interim president of Mali from 2012 to 2013"]),
    ("ndaw", ["Bah Ndaw"], ["interim president of Mali from 2020 to 2021"]),
    ("fama", ["FAMa", "Malian Armed Forces"], ["the armed forces of Mali"]),
    ("cma", ["CMA"], ["coalition of armed groups of Mali"]),
    ("platform", ["Platform"], ["coalition of armed groups of Mali loyal to Bamako"]),
    *((f"filler{i}", [f"Filler {i}"], ["jihadist group of Mali"]) for i in range(80)),
])


def linked(words: str, context: str = "") -> str | None:
    link = TABLE.link(analyze(words), frozenset(analyze(context)))
    return link.entry_id if link else None


def test_words_describing_one_entry_link_to_it() -> None:
    assert linked("secular separatists") == "mnla"
    assert linked("Tuareg separatists") == "mnla"


def test_one_word_never_links() -> None:
    assert linked("separatists") is None
    assert linked("secular") is None


def test_common_words_alone_never_link() -> None:
    """"armed groups": each word is in many entries, together they say too little."""
    assert linked("armed groups") is None


def test_words_of_what_an_entry_did_are_not_what_it_is() -> None:
    """Azawad's description mentions the Tuareg separatists only after "as named by": its
    head is "the north of Mali". The separatists are the MNLA."""
    assert linked("Tuareg separatists") == "mnla"
    assert linked("north of Mali") != "mnla"


def test_a_word_the_entry_lacks_stops_the_link() -> None:
    assert linked("secular separatist army") is None


def test_two_entries_alike_link_nothing_unless_the_question_tells_them_apart() -> None:
    assert linked("interim president") is None
    assert linked("interim president", "what happened in 2021") == "ndaw"
    assert linked("interim president", "the 2012 crisis") == "traore"


# ----- understanding ---------------------------------------------------------------------

PASSAGES = [
    "AQIM leaders in southern Algeria built ties in northern Mali; a split in 2011 "
    "produced MOJWA.",
    "The bank opened a branch in Mali in 2011.",
    "al-Qaeda leaders praised the Maghreb fighters.",
    "The MNLA and the jihadist groups fell out over Sharia law.",
    "Separatists and jihadists were seen in the north.",
    "Wagner fighters arrived in Mali in 2021.",
    "Abdoulaye Diop spoke to the press in Bamako.",
    "JNIM attacked the Boulkessi camp again.",
    "North African states met in Algiers.",
    *(f"Filler passage {i} about markets, roads and rain in the region." for i in range(80)),
]
VOCAB = Vocabulary.from_passages(PASSAGES)
ALIASES = load_aliases()


def ask(question: str, aliases: AliasTable = ALIASES) -> Query:
    return understand(question, VOCAB, aliases)  # type: ignore[arg-type]


def described(query: Query) -> dict[str, set[str]]:
    """typed phrase -> the entry names searched for it at DESCRIBED_WEIGHT."""
    return {c.typed: {a.term for a in c.alternatives
                      if a.how == ALIAS and a.weight == DESCRIBED_WEIGHT}
            for c in query.concepts
            if any(a.how == ALIAS and a.weight == DESCRIBED_WEIGHT for a in c.alternatives)}


@pytest.mark.parametrize("question, phrase", [
    ("Why did the Maghreb al-Qaeda branch split in 2011?", "Maghreb al-Qaeda branch"),
    ("Why did the al-Qaeda branch in the Maghreb split?", "al-Qaeda branch in the Maghreb"),
    ("What caused al-Qaeda's North African branch to split?", "al-Qaeda's North African branch"),
])
def test_a_description_searches_the_entrys_name_below_the_typed_words(question: str,
                                                                      phrase: str) -> None:
    query = ask(question)
    assert described(query) == {phrase: {"aqim"}}
    concept = next(c for c in query.concepts if c.typed == phrase)
    typed = {a.term for a in concept.alternatives if a.how == TYPED}
    assert {"branch", "qaeda"} <= typed
    assert all(a.weight < 1.0 for a in concept.alternatives if a.how == ALIAS)
    assert any(r.typed == phrase and r.searched == "AQIM" for r in query.rewrites)


def test_the_secular_separatists_are_the_mnla() -> None:
    assert described(ask("Why did the secular separatists and the Islamists fall out?")) == {
        "secular separatists": {"mnla"}}


def test_a_name_with_a_word_is_the_name_not_a_description() -> None:
    """"Wagner in Mali" names Wagner; "al-Qaeda militants" are al-Qaeda's, not AQIM's (the
    words beside the name say less than the name)."""
    assert described(ask("Who replaced Wagner in Mali?")) == {}
    assert described(ask("Where did the al-Qaeda militants come from?")) == {}


def test_only_a_definite_description_names_one_thing() -> None:
    """"the"/"its" before it or a possessive inside it: "Mali's foreign minister" is one
    person; "an army camp" is a kind of place, not Boulkessi (the table's only army camp);
    "Moscow's foreign minister" is not Mali's."""
    assert described(ask("What did Mali's foreign minister say?")) == {
        "Mali's foreign minister": {"abdoulay", "diop"}}
    assert described(ask("What did the foreign minister say?")) == {
        "foreign minister": {"abdoulay", "diop"}}
    assert described(ask("Who raided an army camp in 2022?")) == {}
    assert described(ask("What did Moscow's foreign minister say?")) == {}


def test_a_description_does_not_run_across_punctuation() -> None:
    assert described(ask("Were the secular separatists there?")) == {
        "secular separatists": {"mnla"}}
    assert described(ask("Were the secular: separatists or not?")) == {}


def test_french_questions_and_entries_the_corpus_never_names_are_left_alone() -> None:
    assert described(ask("Pourquoi la branche maghrébine d'al-Qaïda s'est-elle divisée ?")) \
        == {}
    # The Islamic State's Sahel branch is not in this corpus: nothing to search for.
    assert described(ask("What did the Islamic State's Sahel branch do?")) == {}


def test_descriptors_added_by_an_operator_count() -> None:
    extra = AliasEntry("stripes", "group", ("Stripes Brigade",),
                       descriptors=("secular separatist militia of the north",))
    table = ALIASES.with_extra([extra])
    vocab = Vocabulary.from_passages([*PASSAGES, "The Stripes Brigade left the north."])
    query = understand("What did the secular separatist militia do?", vocab,
                       table)  # type: ignore[arg-type]
    assert described(query) == {"secular separatist militia": {"stripe", "brigad"}}


# ----- ranking ---------------------------------------------------------------------------


def test_the_passage_naming_the_described_entry_ranks_first() -> None:
    """Without the link, the bank passage ("branch", "split", "2011") outranks the one that
    answers, which says AQIM and never "al-Qaeda", "Maghreb" or "branch"."""
    engine = BM25([analyze(p) for p in PASSAGES])

    class View:
        def terms_of(self, index: int) -> frozenset[str]:
            return frozenset(analyze(PASSAGES[index]))

        def doc_key_of(self, index: int) -> str:
            return str(index)

        def date_of(self, index: int) -> str:
            return ""

        def heading_of(self, index: int) -> str:
            return ""

        def text_of(self, index: int) -> str:
            return PASSAGES[index]

    query = ask("Why did the Maghreb al-Qaeda branch split in 2011?")
    ranking = rank(query, engine, View(), limit=3, params=RankParams())
    assert ranking.hits and ranking.hits[0].index == 0
