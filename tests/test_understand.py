"""Question understanding: the user's words -> a structured Query (issue #10)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.analyze import analyze
from index.engine import BM25
from index.lexicon import AliasEntry, AliasTable, load_aliases
from index.query import ALIAS, SYNONYM, TRANSLATION, TYPED, VARIANT, Alternative, Query
from index.understand import (
    CONTEXT_WEIGHT,
    DERIVATION_WEIGHT,
    MAX_CONCEPTS,
    NO_ALIASES,
    PREFERRED_WEIGHT,
    prepare,
    understand,
)
from index.vocabulary import Vocabulary, load_surface_forms, save_surface_forms

PASSAGES = [
    "Tuareg-led separatists killed 84 Wagner fighters at Tinzaouatene in July 2024.",
    "The Malian army and Wagner withdrew from Tinzaouatene after the battle.",
    "JNIM claimed the attack on the military camp of Boulkessi in June 2025.",
    "MINUSMA peacekeepers left Kidal in October 2023, then withdrew from Mali.",
    "The Movement for Oneness and Jihad in West Africa (MOJWA) held Gao in 2012.",
    "IS Sahel, also called ISGS, attacked Menaka. The Malian Armed Forces responded.",
    "Rebels took Aguelhok and Tessalit; Timbuktu fell in April 2012.",
    "Colonel Assimi Goïta led the coup of August 2020 and became president.",
    "Russian foreign minister Lavrov met Abdoulaye Diop in Moscow.",
    "Kidal is a town in northern Mali. Kidal was held by the rebels.",
]
VOCAB = Vocabulary.from_passages(PASSAGES)
ALIASES = load_aliases()
TIME_BOUND = 1.0  # seconds for any question: measured worst ~60 ms on 10k hostile chars
prepare()  # dictionaries loaded once, so no timed question pays for them


def ask(question: str, aliases: AliasTable | None = None, **kwargs: object) -> Query:
    return understand(question, VOCAB, ALIASES if aliases is None else aliases,
                      **kwargs)  # type: ignore[arg-type]


def concept_terms(query: Query, how: str | None = None) -> list[set[str]]:
    return [{a.term for a in c.alternatives if how is None or a.how == how}
            for c in query.concepts]


def alternative(query: Query, term: str) -> tuple[float, str] | None:
    for concept in query.concepts:
        for alt in concept.alternatives:
            if alt.term == term:
                return alt.weight, alt.how
    return None


# ----- the first version's contract -------------------------------------------------


def test_each_word_is_a_concept_with_one_typed_alternative() -> None:
    query = ask("Who did Wagner fight at Tinzaouatene?", NO_ALIASES)  # type: ignore[arg-type]
    assert [c.typed for c in query.concepts] == ["Wagner", "fight", "Tinzaouatene"]
    assert concept_terms(query, TYPED) == [{"wagner"}, {"fight"}, {"tinzaouaten"}]
    assert query.language == "en" and not query.unknown_names and not query.rewrites


def test_synonyms_are_lighter_alternatives() -> None:
    (army,) = ask("army").concepts
    synonyms = {a.term: a.weight for a in army.alternatives if a.how == SYNONYM}
    assert "militari" in synonyms and set(synonyms.values()) == {0.3}


# ----- vocabulary -------------------------------------------------------------------


def test_vocabulary_knows_terms_and_surface_forms() -> None:
    assert VOCAB.df("tinzaouaten") == 2 and VOCAB.df("sudan") == 0
    assert VOCAB.surface_of("tinzaouaten") == "Tinzaouatene"


def test_engine_accessors_match_the_postings() -> None:
    engine = BM25([analyze(p) for p in PASSAGES])
    assert engine.doc_freq("wagner") == 2 and engine.doc_freq("nothing") == 0
    assert engine.docs_with("wagner").tolist() == [0, 1]
    assert engine.docs_with("nothing").tolist() == []
    built = Vocabulary.from_engine(engine, VOCAB.surface)
    assert built.doc_freq == VOCAB.doc_freq
    assert built.cooccur(["wagner", "tinzaouaten"]) and not built.cooccur(["wagner", "kidal"])


def test_surface_forms_round_trip_through_the_generation_folder(tmp_path: Path) -> None:
    save_surface_forms(tmp_path, {"tinzaouaten": "Tinzaouatene"})
    assert load_surface_forms(tmp_path) == {"tinzaouaten": "Tinzaouatene"}
    (tmp_path / "surface.json").write_text("{broken", encoding="utf-8")
    assert load_surface_forms(tmp_path) == {}
    assert load_surface_forms(tmp_path / "missing") == {}


def test_build_collects_surface_forms(tmp_path: Path) -> None:
    from index.build import BM25Params, build_index

    (tmp_path / "a.txt").write_text("Fighting at Tinzaouatene\n\n" + PASSAGES[0] * 3,
                                    encoding="utf-8")
    built = build_index(tmp_path, 10**6, BM25Params())
    assert built.surface["tinzaouaten"] == "Tinzaouatene"
    assert built.surface["wagner"] == "Wagner"


# ----- chat noise (point 6) ---------------------------------------------------------


def test_handles_emoji_greetings_and_chatter_are_dropped() -> None:
    query = ask("hey @conflictbot can you tell me what happened at Kidal lol 😂😂 pls",
                bot_names=["conflictbot"])
    assert query.cleaned == "what happened at Kidal"
    assert [c.typed for c in query.concepts] == ["Kidal"]
    assert not query.rewrites and not query.unknown_names


def test_bot_name_and_french_chatter_are_dropped() -> None:
    query = ask("Salut ConflictBot, stp Kidal ?!?!", bot_names=["ConflictBot"])
    assert [c.typed for c in query.concepts] == ["Kidal"]
    assert "?!" not in query.cleaned and "stp" not in query.cleaned.lower()


def test_or_nah_and_thanks_are_not_search_words() -> None:
    query = ask("is wagner leaving mali or nah thx")
    assert concept_terms(query, TYPED) == [{"wagner"}, {"leav"}, {"mali"}]


def test_shouting_is_lower_cased_but_known_acronyms_stay() -> None:
    query = ask("WHAT IS JNIM DOING IN KIDAL???")
    assert concept_terms(query, TYPED) == [{"jnim"}, {"kidal"}]
    assert query.concepts[0].is_name and query.cleaned.startswith("what is JNIM")


def test_shouted_multi_word_alias_keeps_its_acronym() -> None:
    query = ask("IS SAHEL ATTACKS")
    assert "is" in concept_terms(query, TYPED)[0]
    assert alternative(query, "isgs") is not None


def test_glued_words_are_split_when_the_pieces_are_known() -> None:
    assert ask("whathappenedatKidal").cleaned == "what happened at Kidal"
    query = ask("JNIMattack")
    assert concept_terms(query, TYPED) == [{"jnim"}, {"attack"}]


def test_a_capitalised_unknown_name_is_never_cut_into_words() -> None:
    query = ask("Tillaberi attacks")
    assert query.concepts[0].typed == "Tillaberi"
    assert query.unknown_names == ("Tillaberi",)


# ----- acronyms (point 1) -----------------------------------------------------------


def test_is_sahel_keeps_is_and_isgs_is_not_stemmed() -> None:
    query = ask("IS Sahel", NO_ALIASES)  # type: ignore[arg-type]
    assert concept_terms(query, TYPED) == [{"is"}, {"sahel"}]
    assert concept_terms(ask("ISGS", NO_ALIASES), TYPED) == [{"isgs"}]  # type: ignore[arg-type]


def test_an_acronym_typed_in_small_letters_finds_the_acronym() -> None:
    assert concept_terms(ask("isgs attacks", NO_ALIASES), TYPED)[0] == {"isgs"}  # type: ignore[arg-type]


# ----- spelling variants (point 2) --------------------------------------------------


@pytest.mark.parametrize("typed", ["Tinzaouaten", "Tin Zaouatene", "Tinzawatene",
                                   "tinzawatene", "Tin-Zaouatene"])
def test_spellings_of_tinzaouatene_reach_the_index_term(typed: str) -> None:
    query = ask(f"fighting at {typed}", NO_ALIASES)  # type: ignore[arg-type]
    assert any("tinzaouaten" in terms for terms in concept_terms(query))
    assert not query.unknown_names


def test_a_variant_is_weighted_below_the_typed_word_and_shown_with_the_corpus_spelling() -> None:
    query = ask("Tinzawatene", NO_ALIASES)  # type: ignore[arg-type]
    assert alternative(query, "tinzaouaten") == (0.9, VARIANT)
    assert [(r.kind, r.typed, r.searched) for r in query.rewrites] == [
        (VARIANT, "Tinzawatene", "Tinzaouatene")]


def test_two_words_the_index_holds_as_one_are_joined() -> None:
    query = ask("Tin Zaouatene", NO_ALIASES)  # type: ignore[arg-type]
    assert concept_terms(query) == [{"tinzaouaten"}]
    assert query.rewrites[0].searched == "Tinzaouatene"


@pytest.mark.parametrize("typed", ["Tin Zaouatene", "Tinzawatene", "Tin-Zaouatene"])
def test_with_the_alias_table_a_variant_is_still_shown_as_the_corpus_spells_it(typed: str
                                                                             ) -> None:
    query = ask(f"fighting at {typed}", ALIASES)
    assert [r.searched for r in query.rewrites] == ["Tinzaouatene"]


@pytest.mark.parametrize(("typed", "term"), [
    ("Kidall", "kidal"), ("Boulkesi", "boulkessi"), ("Aguelhoc", "aguelhok"),
    ("Timbuctu", "timbuktu"), ("Goita", "goita"), ("Lavroff", "lavrov"),
    ("Tesalit", "tessalit"), ("Asimi", "assimi"), ("Menacka", "menaka")])
def test_misspelt_names_find_the_corpus_spelling(typed: str, term: str) -> None:
    query = ask(f"news about {typed}", NO_ALIASES)  # type: ignore[arg-type]
    assert term in concept_terms(query)[0]
    assert not query.unknown_names


def test_a_common_word_never_becomes_a_name() -> None:
    query = ask("Is the male population involved?", NO_ALIASES)  # type: ignore[arg-type]
    assert "mali" not in {t for terms in concept_terms(query) for t in terms}
    assert not query.unknown_names and not query.rewrites


def test_a_misspelt_common_word_finds_the_word_not_a_name() -> None:
    query = ask("wagner withdrawl", NO_ALIASES)  # type: ignore[arg-type]
    # read as the word it stands for (index.spelling), the change shown as a variant
    assert alternative(query, "withdraw") == (1.0, TYPED)
    assert [(r.kind, r.typed) for r in query.rewrites] == [(VARIANT, "withdrawl")]
    assert query.unknown_names == ()


# ----- aliases (point 3) ------------------------------------------------------------


def test_gsim_is_searched_as_jnim() -> None:
    query = ask("Who is GSIM?")
    assert alternative(query, "jnim") == (0.8, ALIAS)
    assert alternative(query, "gsim") == (1.0, TYPED)
    assert [(r.kind, r.typed, r.searched) for r in query.rewrites] == [(ALIAS, "GSIM", "JNIM")]
    assert not query.unknown_names and query.defines == "GSIM"


def test_mujao_and_mojwa_are_one_group() -> None:
    query = ask("MUJAO in Gao")
    assert alternative(query, "mojwa") == (0.8, ALIAS)
    assert query.rewrites[0].searched == "MOJWA"


def test_is_sahel_finds_isgs_through_the_alias_table() -> None:
    query = ask("What did IS Sahel do in Menaka?")
    assert alternative(query, "isgs") == (0.8, ALIAS)
    assert alternative(query, "is") == (1.0, TYPED)


def test_a_name_the_corpus_writes_as_typed_needs_every_word() -> None:
    vocabulary = Vocabulary.from_passages(
        [*PASSAGES, "The CSP-PSD, shortened to CSP, took Anefis.", "The CSP met."])
    query = understand("CSP-PSD", vocabulary, ALIASES)
    assert [c.typed for c in query.concepts] == ["CSP", "PSD"]
    assert concept_terms(query, TYPED) == [{"csp"}, {"psd"}]
    africa = understand("Africa Corps", Vocabulary.from_passages(
        ["Wagner left; the Africa Corps stayed.", "Africa is large.", "Wagner again."]),
        ALIASES)
    assert [c.typed for c in africa.concepts] == ["Africa", "Corps"]
    assert alternative(africa, "wagner") == (0.5, ALIAS)  # with the rarest word, corps


def test_linked_organisations_weigh_less_than_other_names() -> None:
    table = AliasTable([
        AliasEntry("mujao", "group", ("MUJAO", "MOJWA"), successors=("mourabitoun",)),
        AliasEntry("mourabitoun", "group", ("al-Mourabitoun", "Mourabitoun")),
    ])
    vocabulary = Vocabulary.from_passages([*PASSAGES, "Al-Mourabitoun merged into JNIM."])
    query = understand("MUJAO", vocabulary, table)
    assert alternative(query, "mojwa") == (0.8, ALIAS)
    assert alternative(query, "mourabitoun") == (0.5, ALIAS)


def test_a_multi_word_alias_contributes_its_rare_terms_only() -> None:
    vocabulary = Vocabulary.from_passages(
        [*PASSAGES, *(f"Malian forces report {i}." for i in range(40))])
    query = understand("FAMa operations", vocabulary, ALIASES)  # "Malian Armed Forces"
    assert alternative(query, "arm") == (0.8, ALIAS)
    fama = next(c for c in query.concepts if c.typed == "FAMa")
    assert "malian" not in fama.terms and not query.unknown_names
    # the alias's common words are required beside it (one concept each), never
    # alternatives that stand for the name alone (index.understand._name_words)
    assert all(c.terms == {"malian"} for c in query.concepts if "malian" in c.terms)


def test_an_alias_spelt_otherwise_in_many_words_is_found() -> None:
    table = AliasTable([AliasEntry("boko_haram", "group", (
        "Boko Haram", "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad"))])
    vocabulary = Vocabulary.from_passages(["Boko Haram kidnapped girls in Chibok."])
    query = understand("Jama'atu Ahlis Sunna lid Da'awati wal-Jihad kidnappings",
                       vocabulary, table)
    assert alternative(query, "boko") == (0.8, ALIAS) and not query.unknown_names


# ----- French (point 4) -------------------------------------------------------------


def test_a_french_question_is_translated_and_keeps_its_names() -> None:
    query = ask("Quand les casques bleus ont-ils quitté le Mali?")
    assert query.language == "fr"
    assert alternative(query, "peacekeep") == (0.9, TRANSLATION)
    assert alternative(query, "withdraw") == (0.9, TRANSLATION)
    assert alternative(query, "mali") == (1.0, TYPED)
    (rewrite,) = [r for r in query.rewrites if r.kind == TRANSLATION]
    assert "peacekeepers" in rewrite.searched and "casques bleus" in rewrite.typed
    assert not query.unknown_names


def test_the_french_word_itself_stays_searchable_for_french_documents() -> None:
    query = ask("attaque du JNIM contre la base de Boulkessi")
    assert query.language == "fr"
    assert alternative(query, "attaqu") == (1.0, TYPED)
    assert alternative(query, "attack") == (0.9, TRANSLATION)
    assert all(c.typed.lower() not in {"du", "contre", "la", "de"} for c in query.concepts)


@pytest.mark.parametrize("question", ["attentat Kidal", "retrait de la MINUSMA",
                                      "combien de morts à Tinzaouatene ?"])
def test_short_french_questions_are_detected(question: str) -> None:
    assert ask(question).language == "fr"


@pytest.mark.parametrize("question", ["Kidal", "Tinzaouatene Wagner", "Goïta coup",
                                      "Ménaka attack"])
def test_names_never_decide_the_language(question: str) -> None:
    assert ask(question).language == "en"


# ----- dates (point 5) --------------------------------------------------------------

D = dt.date


@pytest.mark.parametrize(("question", "start", "end"), [
    ("What happened on 2 June 2025?", D(2025, 6, 2), D(2025, 6, 2)),
    ("attack of June 2nd, 2025", D(2025, 6, 2), D(2025, 6, 2)),
    ("events of 2025-06-02", D(2025, 6, 2), D(2025, 6, 2)),
    ("attaques en juin 2025", D(2025, 6, 1), D(2025, 6, 30)),
    ("What happened in 2012?", D(2012, 1, 1), D(2012, 12, 31)),
    ("Tinzaouatene July 2024", D(2024, 7, 1), D(2024, 7, 31)),
    ("the 2012 coup", D(2012, 1, 1), D(2012, 12, 31)),
    ("le 1er juillet 2024", D(2024, 7, 1), D(2024, 7, 1)),
    ("What happened between 30 March and 1 April 2012?", D(2012, 3, 30), D(2012, 4, 1)),
    ("from 28 December to 3 January 2013", D(2012, 12, 28), D(2013, 1, 3)),
    ("between March and June 2024", D(2024, 3, 1), D(2024, 6, 30)),
])
def test_dates_become_ranges(question: str, start: dt.date, end: dt.date) -> None:
    (date,) = ask(question).dates
    assert (date.start, date.end) == (start, end)


def test_the_words_of_a_date_stay_searchable_with_ordinals_as_numbers() -> None:
    assert concept_terms(ask("What happened on 2 June 2025?"), TYPED) == [
        {"2"}, {"june"}, {"2025"}]
    assert concept_terms(ask("attack of June 2nd, 2025"), TYPED)[1:3] == [{"june"}, {"2"}]
    assert concept_terms(ask("le 1er juillet 2024"), TYPED)[0] == {"1"}
    # a numeric date is searched as news copy writes it (index.dates.written_dates)
    assert concept_terms(ask("events of 2025-06-02"), TYPED) == [
        {"event"}, {"2"}, {"june"}, {"2025"}]


def test_a_count_is_not_a_year() -> None:
    assert ask("were 2000 troops sent?").dates == ()


@pytest.mark.parametrize("question", ["latest news from Kidal", "what is happening now",
                                      "Is Wagner currently in Mali?", "Kidal récemment",
                                      "dernières nouvelles de Kidal"])
def test_recency_words_want_recent_and_are_not_concepts(question: str) -> None:
    query = ask(question)
    assert query.wants_recent
    assert not {"latest", "now", "current", "recemment"} & {t for s in concept_terms(query)
                                                           for t in s}


# ----- definitions ------------------------------------------------------------------


@pytest.mark.parametrize(("question", "subject"), [
    ("What is JNIM?", "JNIM"), ("who is Assimi Goïta", "Assimi Goïta"),
    ("c'est quoi la MINUSMA ?", "MINUSMA"), ("Qui est Iyad Ag Ghaly ?", "Iyad Ag Ghaly"),
    ("Tinzaouatene", "Tinzaouatene"), ("What's the CSP?", "CSP"),
    ("Who did Wagner fight at Tinzaouatene?", ""), ("What happened at Kidal?", ""),
    ("what is JNIM doing", ""), ("latest news from Kidal", ""),
    ("What is the Algiers agreement?", "Algiers agreement"),
    ("Who was the MNLA spokesman in Paris?", ""),
    ("Who was the first provisional president of the CSP?", ""),
    ("hi! who are the CMA and what do they want? 🙏", "CMA"),
    ("qui est Goïta et que veut-il ?", "Goïta"),
])
def test_definition_questions_name_their_subject(question: str, subject: str) -> None:
    assert ask(question).defines == subject


# ----- unknown names (point 8) ------------------------------------------------------


@pytest.mark.parametrize(("question", "unknown"), [
    ("What is Wagner doing in Sudan?", ("Sudan",)),
    ("How did Yevgeny Prigozhin die?", ("Yevgeny Prigozhin",)),
    ("Takuba task force", ("Takuba task force",)),
    ("Burkina Faso coups", ("Burkina Faso",)),
    ("Does Mali use Bayraktar drones?", ("Bayraktar",)),
    ("Who won the 2022 World Cup?", ("World Cup",)),
])
def test_names_the_corpus_never_mentions_are_reported(question: str,
                                                       unknown: tuple[str, ...]) -> None:
    assert ask(question).unknown_names == unknown


@pytest.mark.parametrize("question", [
    "Is the navy involved?", "What about the humanitarian situation?",
    "Who did Wagner fight at Tinzaouatene?", "What Happened At Kidal",
    "were the peacekeepers gonna leave", "Combien de soldats sont morts à Kidal ?",
])
def test_common_words_absent_from_the_corpus_are_not_unknown_names(question: str) -> None:
    assert ask(question).unknown_names == ()


# ----- long questions (issue #9 point 14) -------------------------------------------


def test_question_framing_words_are_not_concepts() -> None:
    query = ask("How many soldiers died, can you explain what happened?")
    assert concept_terms(query, TYPED) == [{"soldier"}, {"die"}]


def test_a_repeated_word_counts_once() -> None:
    query = ask("Kidal Kidal KIDAL kidal attack attacks")
    assert concept_terms(query, TYPED) == [{"kidal"}, {"attack"}]


def test_long_questions_are_cut_and_capped() -> None:
    words = " ".join(f"word{i}" for i in range(400))
    query = ask(words)
    assert len(query.concepts) <= MAX_CONCEPTS
    assert len(query.cleaned) <= 500 and not query.cleaned.endswith("word")
    assert query.question == words


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=10_000))
def test_understanding_never_raises_and_stays_fast(text: str) -> None:
    started = time.perf_counter()
    query = ask(text, bot_names=["conflictbot"])
    assert time.perf_counter() - started < TIME_BOUND
    assert len(query.concepts) <= MAX_CONCEPTS
    assert all(0 < a.weight <= 1 for c in query.concepts for a in c.alternatives)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(
    ["Kidal", "JNIM", "GSIM", "Tinzawatene", "casques", "bleus", "juin", "2025", "what",
     "is", "the", "IS", "Sahel", "😂", "lol", "???", "@bot", "Wagner", "Sudan", "x" * 40,
     "whathappenedat", "DE", "l'armée", "Tin", "Zaouatene", "-", "'", "1er"]),
    max_size=60))
def test_understanding_holds_on_mixed_chat_words(words: list[str]) -> None:
    started = time.perf_counter()
    query = ask(" ".join(words))
    assert time.perf_counter() - started < TIME_BOUND
    assert all(c.alternatives for c in query.concepts)


def test_french_documents_are_found_from_english_and_french_questions() -> None:
    vocabulary = Vocabulary.from_passages([
        *PASSAGES, "Le retrait des casques bleus de Kidal a commencé en octobre 2023.",
        "Les casques bleus ont quitté la base.",
    ])
    english = understand("peacekeepers withdrawal from Kidal", vocabulary, ALIASES)
    assert {"casqu", "bleus", "retrait"} <= {
        a.term for c in english.concepts for a in c.alternatives if a.how == TRANSLATION}
    french = understand("retrait des casques bleus", vocabulary, ALIASES)
    assert alternative(french, "retrait") == (1.0, TYPED)
    assert alternative(french, "withdraw") is not None


def test_an_english_only_corpus_gets_no_french_alternatives() -> None:
    query = ask("peacekeepers withdrawal")
    assert all(a.how != TRANSLATION for c in query.concepts for a in c.alternatives)


def test_a_french_name_the_corpus_writes_in_english_needs_every_english_word() -> None:
    vocabulary = Vocabulary.from_passages(
        [*PASSAGES, "The National Transitional Council (CNT) voted.", "A national day."])
    query = understand("Conseil national de transition", vocabulary, ALIASES)
    terms = concept_terms(query)
    assert len(terms) == 3
    assert [t & {"nation", "transit", "council"} for t in terms] == [
        {"nation"}, {"transit"}, {"council"}]
    assert alternative(query, "cnt") == (0.8, ALIAS)


# ----- second round: thesaurus, demonyms, chat, common-word typos (#10) ---------------


def test_a_word_the_corpus_never_uses_brings_the_words_reporters_use_for_it() -> None:
    query = ask("How many fatalities at Tinzaouatene?")
    found = alternative(query, "kill")
    assert found is not None and found[1] == SYNONYM and 0 < found[0] < 1
    assert not query.unknown_names


def test_a_word_the_corpus_uses_is_not_widened_by_the_thesaurus() -> None:
    query = ask("Who claimed the attack on Boulkessi?")
    assert concept_terms(query)[0] == {"claim"}


def test_a_word_the_corpus_holds_brings_the_wording_the_corpus_prefers() -> None:
    # "help" once, "support" (same thesaurus group) in three passages: the corpus's
    # wording counts for the typed word, below it.
    vocabulary = Vocabulary.from_passages([
        *PASSAGES, "France asked for help.", "Chad sent support to Kidal.",
        "The rebels offered support.", "Algeria gave support to the talks.",
        *(f"filler {i}" for i in range(20))])
    query = understand("Who did the rebels help?", vocabulary, ALIASES)
    help_terms = next(c for c in query.concepts if c.typed == "help").alternatives
    found = {a.term: a for a in help_terms}
    assert found["help"].weight == 1.0
    assert found["support"].how == SYNONYM and found["support"].weight <= PREFERRED_WEIGHT


def test_a_related_word_the_corpus_uses_less_than_twice_as_often_is_not_added() -> None:
    vocabulary = Vocabulary.from_passages([
        *PASSAGES, "France asked for help.", "Chad asked for help too.",
        "The rebels offered support.", "Algeria gave support to the talks.",
        *(f"filler {i}" for i in range(20))])
    query = understand("Who did the rebels help?", vocabulary, ALIASES)
    help_terms = next(c for c in query.concepts if c.typed == "help").terms
    assert help_terms == {"help"}


def test_a_word_sharing_only_its_stem_with_a_thesaurus_word_is_not_widened() -> None:
    # "capital" stems like "capitalise" (group: take advantage, profit...), which the
    # thesaurus writes; "capital" itself it does not: no "take" for the city.
    vocabulary = Vocabulary.from_passages([
        *PASSAGES, "Bamako is the capital.", "They took Gao.", "They took Kidal.",
        "They took Menaka.", *(f"filler {i}" for i in range(20))])
    query = understand("What is the capital?", vocabulary, ALIASES)
    assert concept_terms(query) == [{"capit"}]


def test_words_that_frame_how_a_question_is_asked_weigh_as_context() -> None:
    vocabulary = Vocabulary.from_passages([*PASSAGES, "Wagner said it would leave Kidal.",
                                           "The junta gave the rebels a deadline."])
    query = understand("What reasons did the junta give, and what did Wagner say?",
                       vocabulary, ALIASES)
    weights = {c.typed: max(a.weight for a in c.alternatives) for c in query.concepts}
    assert weights["give"] == pytest.approx(CONTEXT_WEIGHT)  # the corpus holds it
    assert "say" not in weights and not query.unknown_names  # it does not ("said")
    assert weights["junta"] == weights["Wagner"] == weights["reasons"] == 1.0


def test_words_placing_the_question_within_the_period_it_names_weigh_as_context() -> None:
    vocabulary = Vocabulary.from_passages([*PASSAGES, "An early warning came too late."])

    def weight(question: str, typed: str) -> float:
        query = understand(question, vocabulary, ALIASES)
        return max(a.weight for c in query.concepts if c.typed == typed
                   for a in c.alternatives)

    assert weight("Who held Kidal in early 2012?", "early") == pytest.approx(CONTEXT_WEIGHT)
    assert weight("Who held Kidal in late 2012?", "late") == pytest.approx(CONTEXT_WEIGHT)
    assert weight("Who held Kidal in early 2012?", "Kidal") == 1.0
    # no date named: "early" is what the question is about
    assert weight("Was there an early warning before Kidal fell?", "early") == 1.0


def test_a_word_brings_its_derivational_family_that_the_stemmer_keeps_apart() -> None:
    # "north" and "northern" stem apart; a report writing "northern Mali" answers a
    # question about "the north", below the typed word.
    query = ask("Who held the north?")
    found = alternative(query, "northern")
    assert found is not None and found == (DERIVATION_WEIGHT, SYNONYM)
    assert alternative(query, "north") == (1.0, TYPED)
    # French questions are read through their translations, not English families
    assert alternative(ask("Qui tenait le nord ?"), "northern") is None


def test_a_demonym_the_corpus_rarely_uses_brings_its_country() -> None:
    vocabulary = Vocabulary.from_passages([*PASSAGES, *(f"filler {i}" for i in range(10)),
                                           "Niger and Mali left the bloc.", "Niger, again."])
    for typed, linked in (("Russia", "russian"), ("Nigerien", "niger")):
        query = understand(f"{typed} in Mali", vocabulary, ALIASES)
        found = next(a for c in query.concepts for a in c.alternatives if a.term == linked)
        assert found.how == SYNONYM and found.weight < 1
    # The corpus writes "Mali" often: it is searched as typed, not widened.
    assert concept_terms(understand("Mali and Niger", vocabulary, ALIASES))[0] == {"mali"}


@pytest.mark.parametrize("chat", ["hahaha who is Goita lol", "ngl who is Goita fr",
                                  "ahahah who is Goita tbh", "lmfaooo who is Goita xD",
                                  "who is Goita ptdr", "hehehe who is Goita smh"])
def test_laughter_and_chat_shorthand_are_not_search_words(chat: str) -> None:
    assert ask(chat).cleaned == "who is Goita"


def test_rn_means_now() -> None:
    assert ask("what is JNIM doing rn").wants_recent


def test_a_misspelt_short_common_word_is_a_typo_not_an_unknown_name() -> None:
    query = ask("JNIM attak Boulkessi")
    assert not query.unknown_names
    found = alternative(query, "attack")  # read as the word (index.spelling), and shown
    assert found is not None and (VARIANT, "attak") in {(r.kind, r.typed)
                                                        for r in query.rewrites}


@pytest.mark.parametrize("chat", ["yo whats up with wagner in kidal", "any1 know abt kidal",
                                  "wait so like whats even happening in kidal",
                                  "ppl saying wagner left kidal"])
def test_chat_contractions_and_fillers_are_neither_names_nor_search_words(chat: str) -> None:
    query = ask(chat)
    assert not query.unknown_names
    assert {c.typed.lower() for c in query.concepts} <= {"wagner", "kidal", "left"}


@pytest.mark.parametrize("typo", ["wat hapened in Kidal", "whta happened in Kidal",
                                  "what happend in Kidal"])
def test_a_misspelt_framing_word_is_not_an_unknown_name(typo: str) -> None:
    query = ask(typo)
    assert not query.unknown_names
    assert [c.typed for c in query.concepts] == ["Kidal"]


def test_an_unknown_lowercase_name_still_vetoes() -> None:
    assert ask("who is prigozhin").unknown_names == ("prigozhin",)


# ----- second look at unseen questions (#10, third round) ---------------------------


def test_a_name_whose_vowels_are_written_otherwise_finds_the_corpus_spelling() -> None:
    query = ask("Manaka attack")  # the corpus writes Menaka
    assert alternative(query, "menaka") == (0.9, VARIANT)
    assert not query.unknown_names


def test_a_vowel_skeleton_never_turns_an_unknown_name_into_a_shorter_one() -> None:
    query = ask("Gaa attack")  # too short to be compared by its consonants
    assert alternative(query, "gao") is None


def test_an_alias_known_only_through_a_successor_vetoes() -> None:
    # Katiba Macina became part of JNIM, which the corpus holds; Katiba Macina is not.
    query = ask("Who leads the Katiba Macina?")
    assert query.unknown_names == ("Katiba Macina",)
    assert alternative(query, "jnim") is not None  # still searched, as a lead


def test_an_alias_spelt_otherwise_is_known_through_its_own_other_names() -> None:
    vocab = Vocabulary.from_passages(["Ansar Dine imposed sharia in Kidal in June 2012."])
    query = understand("Ansar Eddine and sharia in Kidal", vocab, ALIASES)
    assert not query.unknown_names


@pytest.mark.parametrize(("question", "english"), [
    ("Pourquoi Wagner quitte le Mali ?", "withdraw"),   # quitte -> quitter
    ("Les rebelles quittent Kidal", "withdraw"),       # quittent -> quitter
])
def test_french_verb_forms_the_lemmatiser_leaves_alone_are_translated(
        question: str, english: str) -> None:
    query = ask(question)
    assert query.language == "fr"
    assert alternative(query, analyze(english)[0]) == (0.9, TRANSLATION)


def test_lose_lost_and_losses_are_one_synonym_group() -> None:
    query = ask("army losses", NO_ALIASES)  # type: ignore[arg-type]
    assert alternative(query, analyze("lost")[0]) == (0.3, SYNONYM)


def test_another_name_of_an_alias_swaps_in_its_differing_word() -> None:
    # "French troops" and "French military" name one entry: military counts for troops.
    vocab = Vocabulary.from_passages(["The French military withdrew from Mali in 2022.",
                                      "French troops fought in Diabaly."])
    query = understand("When did French troops leave Mali?", vocab, ALIASES)
    troops = next(c for c in query.concepts if c.typed == "troops")
    assert Alternative(analyze("military")[0], 0.8, ALIAS) in troops.alternatives


# ----- fourth round (#10): demonyms -------------------------------------------------


def test_a_region_s_adjective_the_corpus_never_writes_is_an_ordinary_word() -> None:
    query = ask("Which European country lent planes to the army?")
    assert query.unknown_names == ()
    european = next(c for c in query.concepts if c.typed == "European")
    assert not european.is_name


@pytest.mark.parametrize(("question", "unknown"), [
    ("Why did the Swedish contingent leave Timbuktu?", ("Swedish",)),
    ("Which Estonian unit was in Gao?", ("Estonian",)),
])
def test_a_country_s_adjective_whose_country_the_corpus_never_names_still_vetoes(
        question: str, unknown: tuple[str, ...]) -> None:
    assert ask(question).unknown_names == unknown


@pytest.mark.parametrize("adverb", ["vraiment", "récemment", "seulement", "actuellement"])
def test_a_french_adverb_the_dictionary_does_not_list_is_not_an_unknown_name(
        adverb: str) -> None:
    query = ask(f"Les mercenaires russes ont-ils {adverb} tué des milliers de djihadistes ?")
    assert query.language == "fr" and query.unknown_names == ()


@pytest.mark.parametrize(("question", "why"), [
    ("Why did Mali cut ties with Ukraine?", True),
    ("What reasons did Wagner give for leaving?", True),
    ("pourquoi le mali a rompu avec l ukraine", True),
    ("When did Mali cut ties with Ukraine?", False),
    ("Who is the reasoner?", False),
])
def test_a_question_asking_why_wants_a_reason(question: str, why: bool) -> None:
    assert ask(question).wants_reason is why


# ----- eighth round (#10): French words kept whole, cognates ----------------------------


def test_a_french_word_is_not_cut_into_english_looking_pieces() -> None:
    # "ministre" is no glued "minist re": "Le Premier ministre" reads as prime minister, so
    # "Premier" is not taken for a name the corpus never mentions.
    vocab = Vocabulary.from_passages(["Prime Minister Choguel Maiga admitted the defeat.",
                                      "The minister spoke in Bamako."])
    query = understand("Le Premier ministre a reconnu la défaite ?", vocab, ALIASES)
    assert query.unknown_names == ()
    assert alternative(query, analyze("prime")[0]) is not None


@pytest.mark.parametrize(("french", "english"), [
    ("consulat", "consulate"), ("pakistanais", "Pakistani"), ("syriennes", "Syrian"),
])
def test_a_french_word_the_lexicon_lacks_finds_its_english_cognate(
        french: str, english: str) -> None:
    vocab = Vocabulary.from_passages([f"The {english} envoy left.", "Rebels took Gao.",
                                      "The army held Kidal.", "Talks began in Algiers.",
                                      "Peacekeepers left Mali.", "The junta seized power."])
    query = understand(f"Que sait-on des {french} au Mali ?", vocab, ALIASES)
    assert query.language == "fr"
    assert alternative(query, analyze(english)[0]) == (0.7, TRANSLATION)
    assert any(r.typed.endswith(french) or french in r.typed for r in query.rewrites)


def test_a_french_word_with_no_english_cognate_in_the_index_gets_none() -> None:
    vocab = Vocabulary.from_passages(["The envoy left.", "Rebels took Gao."])
    query = understand("Que sait-on du consulat au Mali ?", vocab, ALIASES)
    consulat = next(c for c in query.concepts if c.typed == "consulat")
    assert [a.how for a in consulat.alternatives] == [TYPED]


def test_a_long_name_typed_in_part_is_the_entry_it_belongs_to() -> None:
    # The corpus writes MINUSMA; the question types most of the mission's full name.
    vocab = Vocabulary.from_passages(["MINUSMA handed its bases to the army.",
                                      "Rebels took Gao.", "The UN left Mali."])
    query = understand("What did the UN Multidimensional Integrated Stabilization Mission "
                       "hand over?", vocab, ALIASES)
    assert query.unknown_names == ()
    assert alternative(query, analyze("MINUSMA")[0]) == (0.8, ALIAS)


@pytest.mark.parametrize("typed", ["Integrated Stabilization", "Stabilization Mission Kenya"])
def test_two_words_of_a_long_name_or_words_out_of_its_order_are_not_that_name(
        typed: str) -> None:
    vocab = Vocabulary.from_passages(["MINUSMA handed its bases to the army.",
                                      "Rebels took Gao."])
    query = understand(f"What did the {typed} do?", vocab, ALIASES)
    assert alternative(query, analyze("MINUSMA")[0]) is None
