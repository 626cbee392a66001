"""Questions typed the way people chat about the war (issue #10, chat/variant/date/French
round): names in small letters, one place spelt two ways, words that are English and French."""

from __future__ import annotations

import pytest

from index.french import default_french
from index.lexicon import AliasEntry, AliasTable, load_aliases
from index.noise import strip_noise
from index.query import ALIAS, SYNONYM, TYPED, VARIANT, Query
from index.understand import (
    CONTEXT_WEIGHT,
    FALSE_FRIEND_WEIGHT,
    SCATTERED_NAME_WEIGHT,
    YEAR_WEIGHT,
    definition_subject,
    prepare,
    understand,
)
from index.vocabulary import Vocabulary

PASSAGES = [
    "JNIM militants attacked and took control of a Malian army base in Boulkessi.",
    "The Malian military withdrew from the Boulikessi base after the attack.",
    "Speaking on Ukrainian television, Yusov said the rebels had received data.",
    "Three days of fighting erupted at a military camp at Tinzaouatene in July 2024.",
    "Wagner fighters died at Tinzaouatene, the rebels said.",
    "Goïta and Camara were in favor of cooperation with Russia.",
    "Defense Minister Sadio Camara met the Russians. 84 were killed, the rebels said.",
    "The army withdrew to Gao. The army base was attacked.",
]
VOCAB = Vocabulary.from_passages(PASSAGES)
ALIASES = load_aliases()
prepare()


def ask(question: str, aliases: AliasTable | None = None) -> Query:
    return understand(question, VOCAB, ALIASES if aliases is None else aliases)


def variants_of(query: Query, typed: str) -> set[str]:
    concept = next(c for c in query.concepts if c.typed == typed)
    return {a.term for a in concept.alternatives if a.how == VARIANT}


def test_a_name_typed_in_small_letters_finds_a_name_the_corpus_uses_once() -> None:
    query = ask("boulkesy withdrawal")
    assert "boulkessi" in variants_of(query, "boulkesy")
    assert query.unknown_names == ()


def test_every_spelling_the_corpus_has_for_one_place_counts() -> None:
    assert variants_of(ask("boulkesy withdrawal"), "boulkesy") == {"boulkessi", "boulikessi"}


def test_a_spelling_far_from_the_best_one_is_not_added() -> None:
    assert variants_of(ask("Yussov interview"), "Yussov") == {"yusov"}


def test_alike_lists_the_best_spelling_first_and_respects_the_margin() -> None:
    assert VOCAB.alike("boulkesy", margin=10.0)[0] == "boulkessi"
    assert VOCAB.alike("boulkesy", margin=0.0) == ["boulkessi"]
    assert VOCAB.closest("boulkesy") == "boulkessi"
    assert VOCAB.alike("xq") == []


def test_an_english_function_word_that_is_also_french_does_not_make_a_question_french() -> None:
    assert ask("Yussov on Ukrainian television").language == "en"
    assert ask("Yusov on the rebels").language == "en"
    assert ask("Qui a attaqué la base de Boulkessi ?").language == "fr"


def test_a_short_form_counts_as_the_word_it_stands_for_and_never_vetoes() -> None:
    query = ask("Yusov on Ukrainian TV")
    tv = next(c for c in query.concepts if c.typed == "TV")
    assert "televis" in {a.term for a in tv.alternatives} and not tv.is_name
    assert query.unknown_names == ()
    assert any(r.typed == "TV" and r.searched == "television" for r in query.rewrites)


def test_thousands_typed_with_a_k_are_searched_as_news_copy_writes_them() -> None:
    assert any(c.typed == "26000" for c in ask("were 26k fighters integrated?").concepts)
    assert not any(c.typed == "26000" for c in ask("the k2 and 26kg").concepts)


def test_a_name_written_in_two_words_and_spelt_otherwise_is_the_corpus_s_name() -> None:
    query = ask("tin zawaten wagner ambush")
    joined = query.concepts[0]
    assert joined.typed == "tin zawaten" and {a.term for a in joined.alternatives} == {
        "tinzaouaten"}
    assert query.unknown_names == ()


def test_two_known_words_are_never_joined_into_a_name() -> None:
    assert [c.typed for c in ask("army base attacked").concepts] == ["army", "base", "attacked"]


@pytest.mark.parametrize(("typed", "indexed"), [("favour", "favor"), ("Defence", "defens")])
def test_a_british_spelling_finds_the_american_one_the_corpus_writes(typed: str,
                                                                      indexed: str) -> None:
    query = ask(f"{typed} of Russia")
    concept = next(c for c in query.concepts if c.typed == typed)
    assert (indexed, VARIANT) in {(a.term, a.how) for a in concept.alternatives}


def test_a_word_the_index_holds_gets_no_other_spelling() -> None:
    query = ask("Camara in favor of Russia")
    favor = next(c for c in query.concepts if c.typed == "favor")
    assert {a.how for a in favor.alternatives} <= {"typed", "synonym"}


def test_a_translated_french_word_brings_the_synonyms_of_its_english_word() -> None:
    query = ask("combien de morts à Tinzaouatene ?")
    morts = next(c for c in query.concepts if c.typed == "morts")
    assert ("kill", SYNONYM) in {(a.term, a.how) for a in morts.alternatives}


def _table(kind: str) -> AliasTable:
    return AliasTable([AliasEntry("ibk", kind, ("Ibrahim Boubacar Keïta", "IBK"))])


def test_a_person_the_corpus_names_by_surname_alone_is_found_from_an_alias() -> None:
    vocabulary = Vocabulary.from_passages(["Keita's presidency was among the worst.",
                                           "The keita tree grows here? No: Keita ruled."])
    query = understand("What did IBK do?", vocabulary, _table("person"))
    ibk = next(c for c in query.concepts if c.typed == "IBK")
    assert ("keita", ALIAS) in {(a.term, a.how) for a in ibk.alternatives}
    assert query.unknown_names == ()
    assert any(r.typed == "IBK" and r.searched == "Keita" for r in query.rewrites)


def test_only_a_person_s_surname_counts_alone() -> None:
    vocabulary = Vocabulary.from_passages(["Keita's presidency was among the worst."])
    query = understand("What did IBK do?", vocabulary, _table("group"))
    assert query.unknown_names == ("IBK",)


def test_a_surname_the_corpus_writes_in_small_letters_is_no_person() -> None:
    vocabulary = Vocabulary.from_passages(["the keita was planted near the keita field."])
    assert understand("What did IBK do?", vocabulary, _table("person")).unknown_names == (
        "IBK",)


RAMBLING = ("I'm covering the army for tomorrow and my editor wants background, I keep reading "
            "different things online and honestly it's confusing, can you just tell me what "
            "the Tinzaouatene fighting was and when it happened, thanks a lot in advance 🙏")


def test_a_long_message_s_clauses_about_the_asker_weigh_less_than_the_question() -> None:
    query = ask(RAMBLING)
    weights = {c.typed: max(a.weight for a in c.alternatives) for c in query.concepts}
    assert weights["Tinzaouatene"] == 1.0 and weights["fighting"] == 1.0
    assert weights["army"] == pytest.approx(CONTEXT_WEIGHT)
    assert "advance" not in weights  # "thanks a lot in advance" is chatter


def test_context_words_the_index_lacks_are_dropped_and_never_veto() -> None:
    question = ("I keep reading substacks and telegrammz online and my editor wants "
                "background on this, so honestly what happened at Tinzaouatene in July 2024")
    assert ask("what do substacks say about Tinzaouatene").unknown_names == ("substacks",)
    query = ask(question)
    assert query.unknown_names == ()
    typed = [c.typed for c in query.concepts]
    assert "editor" not in typed and "Tinzaouatene" in typed


def test_a_clause_that_names_something_is_never_context() -> None:
    query = ask("Following the withdrawal of the peacekeepers and the capture of Anefis in "
                "October by the rebels, what did the army and Wagner do around Kidal next?")
    assert all(max(a.weight for a in c.alternatives) == 1.0 for c in query.concepts
               if c.typed in {"Anefis", "Kidal", "Wagner"})


def test_a_short_message_has_no_context() -> None:
    query = ask("my editor wants to know, what happened at Tinzaouatene?")
    assert all(max(a.weight for a in c.alternatives) == 1.0 for c in query.concepts)


def test_a_french_word_whose_stem_is_an_english_word_s_is_not_searched_for_french_documents(
) -> None:
    vocabulary = Vocabulary.from_passages(["The parties met. Wagner left Mali.",
                                           "Le retrait des troupes a commencé."])
    query = understand("Wagner leaving Mali", vocabulary, ALIASES)
    leaving = next(c for c in query.concepts if c.typed == "leaving")
    assert "parti" not in {a.term for a in leaving.alternatives}


def test_war_and_conflict_count_for_each_other() -> None:
    query = ask("how many displaced by this war")
    war = next(c for c in query.concepts if c.typed == "war")
    assert ("conflict", SYNONYM) in {(a.term, a.how) for a in war.alternatives}


@pytest.mark.parametrize(("french", "english"), [
    ("perdus", "lose"), ("vendus", "sell"), ("approuvé", "approve"), ("profité", "benefit")])
def test_french_participles_find_their_verb_s_entry(french: str, english: str) -> None:
    assert english in default_french().translate([french])


@pytest.mark.parametrize(("question", "subject"), [
    ("c koi le CSP-PSD", "CSP-PSD"), ("c quoi la MINUSMA", "MINUSMA"), ("ki est Goïta", "Goïta")])
def test_chat_french_asks_for_a_definition(question: str, subject: str) -> None:
    assert definition_subject(question, []) == subject


def test_chat_french_words_make_a_question_french() -> None:
    assert ask("pk wagner a quitté le mali").language == "fr"


def test_a_french_word_whose_own_term_is_an_english_stem_counts_mostly_by_translation() -> None:
    vocabulary = Vocabulary.from_passages(["The parties met in Bamako.",
                                           "France left Mali; the French military withdrew."])
    query = understand("quand la France est partie du Mali", vocabulary, ALIASES)
    partie = next(c for c in query.concepts if c.typed == "partie")
    weights = {a.term: (a.weight, a.how) for a in partie.alternatives}
    assert weights["parti"] == (FALSE_FRIEND_WEIGHT, TYPED)
    assert weights["leav"][1] == "translation"
    retrait = next(c for c in understand("le retrait de la France", vocabulary,
                                         ALIASES).concepts if c.typed == "retrait")
    assert {a.term: a.weight for a in retrait.alternatives}["retrait"] == 1.0


def test_a_misspelt_common_word_in_small_letters_is_compared_stem_to_stem() -> None:
    vocabulary = Vocabulary.from_passages(["MINUSMA lost 311 peacekeepers.",
                                           "The peacekeepers withdrew in 2023."])
    query = understand("peackeepers minusma lost", vocabulary, ALIASES)
    # one slip from a word the corpus uses: read as that word (index.spelling), and shown
    typo = next(c for c in query.concepts if c.typed == "peacekeepers")
    assert "peacekeep" in {a.term for a in typo.alternatives}
    assert query.unknown_names == ()
    assert [(r.typed, r.searched) for r in query.rewrites] == [("peackeepers",
                                                                "peacekeepers")]


@pytest.mark.parametrize("question", ["pk le mali a rompu avec l'ukraine",
                                      "wagner left mali, y tho",
                                      "wait so mali broke w/ ukraine bc of what exactly",
                                      "the army left Boulkessi cuz of what",
                                      "what led to the Boulkessi withdrawal"])
def test_chat_ways_of_asking_why_want_a_reason(question: str) -> None:
    assert ask(question).wants_reason


@pytest.mark.parametrize("question", ["the army left Boulkessi bc of the attack",
                                      "what did the army do at Boulkessi"])
def test_a_stated_cause_or_a_plain_what_question_is_not_asking_why(question: str) -> None:
    assert not ask(question).wants_reason


def test_a_year_weighs_less_than_the_names_asked_about() -> None:
    query = ask("the Boulkessi attack in June 2025")
    weights = {c.typed: max(a.weight for a in c.alternatives) for c in query.concepts}
    assert weights["2025"] == YEAR_WEIGHT < weights["Boulkessi"] == 1.0
    assert weights["June"] == 1.0
    assert {c.typed: max(a.weight for a in c.alternatives)
            for c in ask("84 fighters killed").concepts}["84"] == 1.0


@pytest.mark.parametrize(("typed", "kept"), [
    ("ELI5 the CSP-PSD", "the CSP-PSD"), ("tl;dr of the 2012 rebellion", "of the 2012 rebellion"),
    ("explain the Algiers accords to me like im 5", "explain the Algiers accords to me"),
    ("lmk about Diabaly", "about Diabaly"),
    ("what is the CSP, thanks a lot in advance", "what is the CSP"),
    ("the rebels advance in Kidal", "the rebels advance in Kidal")])
def test_more_chat_framing_is_noise(typed: str, kept: str) -> None:
    assert strip_noise(typed) == kept


def test_a_long_name_the_corpus_never_writes_whole_counts_through_its_alias() -> None:
    vocabulary = Vocabulary.from_passages(["MINUSMA lost 311 peacekeepers in Mali.",
                                           "The mission of the nations in Mali.", "Mali."])
    query = understand("Mission multidimensionnelle intégrée des Nations unies pour la "
                       "stabilisation au Mali", vocabulary, ALIASES)
    (concept,) = query.concepts
    weights = {a.term: (a.weight, a.how) for a in concept.alternatives}
    assert weights["minusma"] == (0.8, ALIAS)
    assert weights["mali"] == (SCATTERED_NAME_WEIGHT, TYPED)


def test_a_name_the_corpus_writes_whole_keeps_its_words_at_full_weight() -> None:
    query = ask("Wagner fighters at Tinzaouatene")
    assert all(a.weight == 1.0 for c in query.concepts for a in c.alternatives
               if a.how == TYPED)


def test_a_name_the_corpus_knows_only_by_a_multi_word_alias_needs_every_word_of_it() -> None:
    vocabulary = Vocabulary.from_passages([
        "The Malian Armed Forces launched airstrikes.", "Armed groups attacked Gao.",
        "Malian troops and Russian forces.", "The Malian army withdrew."])
    query = understand("FAMa", vocabulary, ALIASES)
    required = [{a.term for a in c.alternatives} for c in query.concepts]
    assert len(required) == 3
    assert {"malian"} in required and {"forc"} in required
    assert any("arm" in terms and "fama" in terms for terms in required)


def test_a_single_word_alias_stays_one_concept() -> None:
    (concept,) = ask("GSIM").concepts
    assert "jnim" in {a.term for a in concept.alternatives}


def test_a_short_message_s_clause_about_the_asker_is_context() -> None:
    query = ask("Wagner fighters at Tinzaouatene when?? need the date for my piece")
    weights = {c.typed: max(a.weight for a in c.alternatives) for c in query.concepts}
    assert weights["Tinzaouatene"] == 1.0 and "piece" not in weights
    assert all(w == pytest.approx(CONTEXT_WEIGHT) for t, w in weights.items()
               if t in {"need", "date"})
    # a clause about the asker that names something is never context
    assert ask("what happened at Tinzaouatene? my Reuters piece").unknown_names


def test_a_person_s_full_name_is_found_where_the_corpus_writes_the_surname() -> None:
    vocabulary = Vocabulary.from_passages(["Keita's presidency was among the worst."])
    query = understand("Ibrahim Boubacar Keïta and corruption", vocabulary,
                       _table("person"))
    name = query.concepts[0]
    weights = {a.term: a.weight for a in name.alternatives}
    assert weights["keita"] == 1.0 and weights["ibrahim"] == SCATTERED_NAME_WEIGHT
    assert query.unknown_names == ()


@pytest.mark.parametrize(("typed", "kept"), [
    ("y did the un leave mali", "why did the un leave mali"),
    ("Y IS THE JUNTA STILL IN CHARGE", "WHY IS THE JUNTA STILL IN CHARGE"),  # still shouted
    ("wat happened b4 the coup", "what happened before the coup"),
    ("any1 got the death toll for boulkessi", "anyone got the death toll for boulkessi"),
    ("jnim attacks 2day??", "jnim attacks today?"),
    ("mali broke with ukraine cuz of what", "mali broke with ukraine because of what"),
    ("/ask@conflictbot who runs mali", "who runs mali"),
    ("hmmm so is it true", "so is it true"),
    # French "y" and a y that opens no question stay
    ("il y a eu combien de morts", "il y a eu combien de morts"),
    ("y a-t-il des casques bleus", "y a-t-il des casques bleus"),
    ("the y axis of the chart", "the y axis of the chart"),
])
def test_chat_shorthand_is_written_out(typed: str, kept: str) -> None:
    assert strip_noise(typed) == kept


def test_why_typed_as_y_asks_for_a_reason_and_today_as_2day_for_recent_news() -> None:
    assert ask("y did the army withdraw from Boulkessi").wants_reason
    assert not ask("the army withdrew from Boulkessi").wants_reason
    assert ask("boulkessi attack 2day").wants_recent
    assert not ask("boulkessi attack").wants_recent


@pytest.mark.parametrize(("typed", "kept"), [
    ("hello, im a journalist working on a piece about displacement in mali",
     "displacement in mali"),
    ("hi, freelance journalist here, working on a Sahel explainer. when did the CSP leave?",
     "when did the CSP leave?"),
    ("I am a PhD student writing my thesis on MINUSMA", "MINUSMA"),
    ("is it true the CSP lost ministers? asking for an article",
     "is it true the CSP lost ministers?"),
    ("CMA declares war when?? need date for my piece", "CMA declares war when?"),
    ("why is everyone saying russia cant protect mali", "why russia cant protect mali"),
    ("i heard that wagner left", "wagner left"),
    ("rumour has it that JNIM took Boulkessi", "JNIM took Boulkessi"),
    # the words a question is about stay: a reporter in the story, the rebels saying
    ("the reporter here in Gao said", "the reporter here in Gao said"),
    ("the rebels are saying Kidal fell", "the rebels are saying Kidal fell"),
    ("the people need food aid", "the people need food aid"),
])
def test_who_asks_and_hearsay_frame_a_chat_question(typed: str, kept: str) -> None:
    assert strip_noise(typed) == kept


def test_not_anymore_asks_about_the_present() -> None:
    assert strip_noise("russia cant protect mali anymore") == "russia cant protect mali now"
    assert ask("is wagner in mali anymore").wants_recent


@pytest.mark.parametrize(("typed", "kept"), [
    ("need a quick summary of the 2012 coup pls", "the 2012 coup"),
    ("can you give me a link about the timbuktu attack", "the timbuktu attack"),
    ("got a source for the 84 figure?", "the 84 figure?"),
    ("Boulkessi attack — sources?", "Boulkessi attack"),
    ("Dear bot, please summarize the Tessit attack", "the Tessit attack"),
    ("dumb question but what's FAMa", "but what's FAMa"),
    ("no offense but who even is assimi goita", "but who even is assimi goita"),
    ("real talk, is mali safer now than 2012?", "is mali safer now than 2012?"),
    ("1) who attacked dioura 2) when", "who attacked dioura when"),
    ("can someone explain the whole wagner thing", "can someone explain wagner"),
    # the same words saying what is asked about stay
    ("JNIM links to al-Qaeda", "JNIM links to al-Qaeda"),
    ("the summary of the report", "the summary of the report"),
    ("what do the different sources report", "what do the different sources report"),
    ("the peace talks in Algiers", "the peace talks in Algiers"),
    ("the whole country", "the whole country"),
    ("84 fighters (2) were killed", "84 fighters (2) were killed"),
])
def test_asking_for_a_digest_a_source_or_pardon_frames_a_chat_question(typed: str,
                                                                       kept: str) -> None:
    assert strip_noise(typed) == kept


def test_a_name_spelt_like_a_chat_word_is_read_as_the_corpus_name() -> None:
    """"goitta" is as near "gotta" as Goïta: shouted (so in small letters) it is still the
    name the corpus holds, while a misspelt framing word ("hapened") is chat."""
    query = ask("GOITTA PROMISED ELECTIONS WHEN")
    assert "goita" in variants_of(query, "goitta")
    assert all(c.typed != "hapened" for c in ask("what hapened to Goita").concepts)


@pytest.mark.parametrize("question", [
    "so like Wagner a quitté le Mali pourquoi",
    "pls tho, quand a commencé l'opération Barkhane ?",
])
def test_chat_words_do_not_make_a_french_question_english(question: str) -> None:
    assert ask(question).language == "fr"
    assert ask(question.replace("so like ", "").replace("pls tho, ", "")).language == "fr"


def test_an_english_chat_clause_does_not_make_a_french_question_english() -> None:
    """The language is the asking clause's: "could someone clarify" asks nothing."""
    assert ask("Could someone clarify: pourquoi Wagner a quitté le Mali ?").language == "fr"
    assert ask("Salut, why did Wagner leave Mali?").language == "en"


def test_a_shouted_word_the_corpus_writes_in_capitals_only_in_a_dateline_is_a_word() -> None:
    """"PARIS - ..." opens one report; everywhere else the corpus writes Paris: a shouted
    PARIS is Paris, not an acronym; JNIM, always in capitals, stays JNIM."""
    vocabulary = Vocabulary.from_passages(["PARIS - The MNLA spokesman spoke.",
                                           "The MNLA spokesman in Paris spoke for JNIM."])
    query = understand("WHO SPOKE IN PARIS FOR JNIM", vocabulary, ALIASES)
    typed = {c.typed for c in query.concepts}
    assert "paris" in typed and "JNIM" in typed


def test_a_clause_about_the_asker_naming_something_beside_a_self_contained_question() -> None:
    """"I read it on Telegram, what happened at Tinzaouatene?": the asking clause names what
    it asks about, so the asker's clause weighs as context even though it names something;
    a name there the corpus never mentions still vetoes."""
    query = ask("I read about the Wagner fighters, what happened at Tinzaouatene?")
    weights = {c.typed: max(a.weight for a in c.alternatives) for c in query.concepts}
    assert weights["Tinzaouatene"] == 1.0
    assert weights["Wagner"] == pytest.approx(CONTEXT_WEIGHT)
    assert ask("I read it in Le Monde, what happened at Tinzaouatene?").unknown_names
    # the asking clause names nothing: the asker's clause holds what is asked about
    weights = {c.typed: max(a.weight for a in c.alternatives)
               for c in ask("I read about the Wagner fighters at Tinzaouatene, why?").concepts}
    assert weights["Wagner"] == 1.0
    # no asker: a clause naming something is never context
    weights = {c.typed: max(a.weight for a in c.alternatives)
               for c in ask("The Wagner fighters left, what happened at Tinzaouatene?").concepts}
    assert weights["Wagner"] == 1.0
