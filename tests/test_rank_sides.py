"""index.rank, conflicting claims (#10 point 7): a question weighing alternatives ("Tuareg
rebels or jihadists?") gets a passage for each side on the first page, and a near tie for
the third place goes to another document (a second outlet's account)."""

from __future__ import annotations

import pytest

from index.query import Alternative, Concept, Query
from index.rank import (
    Hit,
    Ranking,
    RankParams,
    _alternatives,
    _countered,
    _gives_a_count,
    _on_subject,
    _other_voice,
    _Party,
    _reported_with,
    _respondents,
    _speaks,
)
from tests.test_rank import PARAMS, Doc, Passages, ask, concept, filler_docs

OFF = RankParams(sides_share=0.0)

WAGNER_DEATHS = [
    Doc("a", "Tuareg rebels said they killed Wagner fighters at Tinzaouatene, Tuareg rebels "
        "said."),
    Doc("a", "Wagner fighters killed by Tuareg rebels were mourned in Moscow by Tuareg foes."),
    Doc("a", "Tuareg rebels filmed the Wagner fighters they killed near the Tuareg camp."),
    Doc("a", "Mali blamed jihadists for the Wagner fighters killed in the north."),
    Doc("b", "Jihadists attacked a market in the centre."),
]


def who_killed(question: str) -> Query:
    concepts = (concept("killed"), concept("Wagner", name=True), concept("fighters"),
                concept("Tuareg", name=True), concept("rebels"), concept("jihadists"))
    return Query(question, cleaned=question, concepts=concepts)


def keys(passages: Passages, ranking: Ranking) -> list[int]:
    return [h.index for h in ranking.hits]


@pytest.fixture(scope="module")
def deaths() -> Passages:
    return Passages(WAGNER_DEATHS + filler_docs(30))


def test_the_side_the_first_page_lacks_gets_the_place_after_the_best_hit(
        deaths: Passages) -> None:
    q = who_killed("Who killed the Wagner fighters: Tuareg rebels or jihadists?")
    plain = keys(deaths, ask(deaths, q, params=OFF))
    assert plain.index(3) >= 3  # without the rule, Mali's account is off the first page
    sided = keys(deaths, ask(deaths, q))
    assert sided[:2] == [plain[0], 3]  # the best hit stays first, the other side follows
    assert sorted(sided) == sorted(plain)


@pytest.mark.parametrize("question", [
    "Who killed the Wagner fighters, Tuareg rebels vs jihadists?",
    "Who killed the Wagner fighters: Tuareg rebels versus jihadists?",
    "What did Tuareg rebels and jihadists each say about killed Wagner fighters?",
    "Wagner fighters killed according to Tuareg rebels and according to jihadists?",
])
def test_every_way_of_naming_two_sides_counts(deaths: Passages, question: str) -> None:
    assert 3 in keys(deaths, ask(deaths, who_killed(question)))[:3]


@pytest.mark.parametrize("question", [
    "Who killed the Wagner fighters, Tuareg rebels and jihadists?",   # no alternative
    "Did Tuareg rebels or not kill Wagner fighters and jihadists?",   # "or not": no side
])
def test_a_question_without_two_named_sides_keeps_its_order(deaths: Passages,
                                                             question: str) -> None:
    q = who_killed(question)
    assert keys(deaths, ask(deaths, q)) == keys(deaths, ask(deaths, q, params=OFF))


def ranked_with(text: str, params: RankParams = PARAMS) -> list[int]:
    """Where a passage of another document (index 3) lands next to the rebels' account."""
    passages = Passages([*WAGNER_DEATHS[:3], Doc("b", text), *filler_docs(30)])
    q = who_killed("Who killed the Wagner fighters: Tuareg rebels or jihadists?")
    return keys(passages, ask(passages, q, params=params))


def test_a_side_passage_must_name_what_the_best_hit_names() -> None:
    """Jihadists killing fighters at a market is not about Wagner: it stays last; the same
    passage naming Wagner moves up."""
    assert ranked_with("Jihadists killed fighters at a market, the jihadists said.")[3] == 3
    assert ranked_with("Jihadists killed Wagner fighters at a market, the jihadists "
                       "said.")[1] == 3


def test_a_side_passage_must_share_enough_of_what_the_sides_are_about() -> None:
    """Naming Wagner alone (one of Wagner, fighters, killed) is too little at the default
    share; a laxer share lets it up."""
    text = "Jihadists met Wagner at a market, the jihadists said."
    assert ranked_with(text, OFF)[3] == 3
    assert ranked_with(text)[3] == 3
    assert ranked_with(text, RankParams(sides_share=0.3))[1] == 3


def test_a_french_question_weighs_its_sides_too(deaths: Passages) -> None:
    q = who_killed("Qui a tué les combattants de Wagner : les Tuareg rebels ou les jihadists ?")
    assert 3 in keys(deaths, ask(deaths, q))[:3]


# ----- a near tie for the third place goes to another document -------------------------


TIMBUKTU = [
    Doc("a", "JNIM shelled the Timbuktu airport in June 2025: the airport attack at Timbuktu "
        "hit the airport runway and the Timbuktu airport camp."),
    Doc("a", "In June 2025 JNIM attacked militiamen and the attack on Timbuktu followed."),
    Doc("a", "Rebels took Timbuktu in 2012 during an attack on the north."),
    Doc("b", "An assault on the historic city of Timbuktu raised fears after an attack."),
]
WEAKER = Doc("b", "Timbuktu is a historic city of old manuscripts and mosques and libraries "
             "and scholars; an attack was feared there by many of its old scholars.")


def timbuktu_airport_attack() -> Query:
    return Query("Timbuktu airport attack", concepts=(
        concept("Timbuktu", name=True), concept("airport"), concept("attack")))


def doc_keys(passages: Passages, ranking: Ranking, count: int) -> list[str]:
    return [passages.doc_key_of(h.index) for h in ranking.hits[:count]]


def test_a_near_tie_for_third_place_goes_to_another_document() -> None:
    passages = Passages(TIMBUKTU + filler_docs(30))
    q = timbuktu_airport_attack()
    plain = ask(passages, q, params=RankParams(source_tie_ratio=2.0))  # the tie rule off
    assert doc_keys(passages, plain, 4) == ["a", "a", "a", "b"]
    third, other = plain.hits[2], plain.hits[3]
    assert other.score >= 0.8 * third.score and other.coverage >= third.coverage
    assert other.score < 0.5 * plain.hits[0].score  # too weak for the older rule
    spread = ask(passages, q)
    assert doc_keys(passages, spread, 4) == ["a", "a", "b", "a"]
    assert spread.hits[:2] == plain.hits[:2]


def test_a_clearly_weaker_passage_of_another_document_stays_below() -> None:
    passages = Passages([*TIMBUKTU[:3], WEAKER, *filler_docs(30)])
    params = RankParams(source_tie_ratio=0.9)
    ranking = ask(passages, timbuktu_airport_attack(), params=params)
    third, other = ranking.hits[2], ranking.hits[3]
    assert passages.doc_key_of(other.index) == "b" and other.score < 0.9 * third.score
    assert doc_keys(passages, ranking, 3) == ["a", "a", "a"]


# ----- the frame of a question about a disagreement is not what it is about -----------


@pytest.mark.parametrize("frame", ["side", "sides", "accounts", "versions"])
def test_what_each_side_says_about_x_is_answered_about_x(frame: str) -> None:
    """'What does each side say about Tinzaouatene?': a passage about Tinzaouatene answers,
    though the corpus uses 'side' (or 'claim', 'accounts', ...) elsewhere."""
    docs = [Doc("a", "Rebels killed 84 Wagner fighters at Tinzaouatene and the army admitted "
                "losses at Tinzaouatene."),
            Doc("b", f"Both parties kept a {frame} of the river and their {frame} in the "
                "talks."),
            *filler_docs(30)]
    passages = Passages(docs)
    framed = Query("?", concepts=(concept(frame), concept("Tinzaouatene", name=True)))
    ranking = ask(passages, framed)
    assert not ranking.abstained
    assert ranking.hits[0].index == 0
    content = Query("?", concepts=(concept("border"), concept("Tinzaouatene", name=True)))
    # a topic word still counts: the corpus holds "border" only elsewhere
    assert ask(Passages([*docs, Doc("c", "The border is long.")]), content).abstained


def test_conflicting_frames_a_question_but_conflict_is_a_topic() -> None:
    docs = [Doc("a", "Rebels and the army gave their tolls for Tinzaouatene."),
            Doc("b", "The conflict displaced 600,000 people; the conflict went on."),
            *filler_docs(30)]
    passages = Passages(docs)
    tinza = concept("Tinzaouatene", name=True)
    framed = ask(passages, Query("?", concepts=(concept("conflicting"), tinza)))
    assert not framed.abstained and framed.hits[0].index == 0
    assert ask(passages, Query("?", concepts=(concept("conflict"), tinza))).abstained


# ----- the sides of "A vs B" -------------------------------------------------------------


def test_a_word_typed_on_both_sides_is_what_they_are_about_not_a_side() -> None:
    """'French army kills vs Wagner kills': both sides are about kills; the sides are the
    French army and Wagner."""
    words = (concept("French", name=True), concept("army"), concept("kills"),
             concept("Wagner", name=True))
    question = "French army kills vs Wagner kills"
    sides = _alternatives(Query(question, cleaned=question, concepts=words))
    assert sides == [frozenset({"French", "army"}), frozenset({"Wagner"})]


# ----- a count asked of each side ------------------------------------------------------

COUNTS = [
    Doc("a", "Tuareg rebels said they killed 84 Wagner fighters; Tuareg rebels filmed it."),
    Doc("b", "Jihadists and Tuareg rebels killed Wagner fighters, and jihadists killed more "
        "Wagner fighters."),
    Doc("c", "Jihadists killed Wagner fighters, the jihadists said of the Wagner fighters."),
    Doc("d", "Jihadists said they killed dozens of Wagner fighters."),
]


def count_question(question: str) -> Query:
    words = (concept("Wagner", name=True), concept("fighters"), concept("Tuareg", name=True),
             concept("rebels"), concept("jihadists"), concept("killed"))
    return Query(question, cleaned=question, concepts=words)


def test_a_side_asked_for_a_count_gets_a_passage_giving_one() -> None:
    passages = Passages(COUNTS + filler_docs(30))
    counted = "How many Wagner fighters did Tuareg rebels and jihadists each say they killed?"
    plain = keys(passages, ask(passages, count_question(counted), params=OFF))
    assert plain.index(3) >= 3  # the jihadists' count is off the first page without the rule
    sided = keys(passages, ask(passages, count_question(counted)))
    assert sided[:2] == [plain[0], 3]
    # the same sides without asking for a count: a passage of the jihadists is there already
    uncounted = "Which Wagner fighters did Tuareg rebels and jihadists each say they killed?"
    assert keys(passages, ask(passages, count_question(uncounted))).index(3) >= 3


@pytest.mark.parametrize(("text", "counts"), [
    ("they killed 84 fighters", True),
    ("at least 2,800 jihadists", True),
    ("thousands of militants and their commanders", True),
    ("on 25 July 2024 at the camp", False),
    ("on July 25, 2024 at the camp", False),
    ("an insurgency for over ten years", False),
    ("the 2020 coup", False),
])
def test_a_count_is_a_number_of_something_not_a_date_or_a_duration(text: str,
                                                                   counts: bool) -> None:
    assert _gives_a_count(text) is counts


# ----- a claim and the answer to it ----------------------------------------------------

CLAIM = [
    Doc("r", "Tuareg rebels said they killed 84 Wagner fighters at Tinzaouatene."),
    Doc("r", "Tuareg rebels filmed the 84 Wagner fighters they killed at Tinzaouatene."),
    Doc("r", "Tuareg rebels buried 84 Wagner fighters killed near Tinzaouatene."),
    Doc("r", "Mali's army has admitted heavy losses to the rebels but released no figures."),
    Doc("s", "The army said the harvest in the south was good this year."),
]


def claim_question(question: str) -> Query:
    words = (concept("Tuareg", name=True), concept("rebels"), concept("killed"),
             concept("84"), concept("Wagner", name=True), concept("fighters"),
             concept("army"))
    return Query(question, cleaned=question, concepts=words)


@pytest.fixture(scope="module")
def claim() -> Passages:
    return Passages(CLAIM + filler_docs(30))


@pytest.mark.parametrize("question", [
    "'Tuareg rebels killed 84 Wagner fighters' is that true? what did the army say",
    "Tuareg rebels killed 84 Wagner fighters, and does the army admit it?",
    "Tuareg rebels killed 84 Wagner fighters according to the army?",
])
def test_the_partys_answer_to_a_claim_follows_the_claim(claim: Passages,
                                                        question: str) -> None:
    """The army's admission holds no word of the claim: it is not kept, yet the claim's own
    report gives it, and it comes right after the claim."""
    ranking = ask(claim, claim_question(question))
    claimed = ask(claim, claim_question("Tuareg rebels killed 84 Wagner fighters"))
    assert 3 not in keys(claim, claimed)
    assert keys(claim, ranking)[:2] == [keys(claim, claimed)[0], 3]
    assert 4 not in keys(claim, ranking)  # the army speaking in another report: not sought


def test_does_x_confirm_it_wants_x_conceding_or_denying_not_only_speaking() -> None:
    said = [*CLAIM[:3], Doc("r", "Mali's army said the rebels were calm."), *filler_docs(30)]
    passages = Passages(said)
    confirm = claim_question("Tuareg rebels killed 84 Wagner fighters, does the army confirm?")
    assert keys(passages, ask(passages, confirm)).index(3) >= 3  # kept, not moved up
    what = claim_question("Tuareg rebels killed 84 Wagner fighters, what did the army say?")
    assert keys(passages, ask(passages, what)).index(3) >= 3  # a near miss on other things
    said[3] = Doc("r", "Mali's army said the Wagner fighters were few.")
    passages = Passages(said)
    assert keys(passages, ask(passages, confirm)).index(3) >= 3
    assert keys(passages, ask(passages, what))[1] == 3  # a near miss naming the subject


@pytest.mark.parametrize(("text", "speaks"), [
    ("Mali's army has admitted heavy losses", True),
    ("the army, in a statement on Friday, said", True),
    ("the rebels blamed the army for the losses", False),   # the army is blamed, not speaking
    ("soldiers of the army were seen and later many of them admitted", False),  # too far
])
def test_a_party_speaks_when_it_is_the_subject_of_a_verb_of_saying(text: str,
                                                                   speaks: bool) -> None:
    army = _Party(frozenset({"armi"}), "saying")
    assert _speaks(text, army) is speaks


@pytest.mark.parametrize(("question", "parties"), [
    ("what did the army say", [{"armi", "junta", "bamako"}]),  # with the army's camp
    ("how many died according to the rebels and according to the army?",
     [{"rebel", "separatist", "csp"}, {"armi"}]),
    ("what did the two sources report about it?", []),   # reporters, not a party
    ("what did the soldiers do and how did the government respond?", [{"govern", "armi"}]),
    ("Qu'a dit Lavrov à Diop ?", [{"lavrov"}]),
    ("Lavrov says Diop won, the army says the rebels lost: who is right?",
     [{"lavrov"}, {"armi"}]),
    ("Tuareg rebels killed Wagner fighters", []),
    # a yes/no question about a party: its own account is one side
    ("Did Wagner fighters kill Tuareg rebels?", [{"wagner", "mercenari"}]),
    ("Was the army effective?", []),                  # "army" is no name
    ("Did the rebels and the army say it?", [{"armi"}]),  # "the army say"
    # the ways of asking a party's account that round h21 added
    ("what Wagner says vs what the reports say", [{"wagner"}]),
    ("the losses the rebels claim", [{"rebel"}]),
    ("the government's version and the rebels' version", [{"govern"}, {"rebel"}]),
    ("Lavrov's own words", [{"lavrov"}]),
    ("Wagner says it won, critics say it lost", [{"wagner"}]),  # critics report
    ("When was the attack reported?", []),            # only an actor is a party there
    ("what was the attack's toll?", []),
])
def test_the_parties_a_question_asks_to_hear_from(question: str,
                                                  parties: list[set[str]]) -> None:
    """Each party by its own terms and those of its camp (`CAMPS`), in question order."""
    words = tuple(concept(w, name=w[0].isupper()) for w in
                  "army rebels two sources soldiers government Lavrov Diop Tuareg Wagner "
                  "fighters critics attack toll".split())
    found = _respondents(Query(question, cleaned=question, concepts=words))
    assert len(found) == len(parties)
    assert all(own <= set(p.terms) for own, p in zip(parties, found, strict=True))
    assert all(p.verbs == "saying" for p in found)


def test_a_party_is_heard_by_every_word_of_its_camp() -> None:
    """"What does Bamako say?" is answered where Mali's army or its junta speaks; "does
    Mali confirm it?" and "confirmed by Mali" ask Mali to concede."""
    words = (concept("Bamako", name=True), concept("Mali", name=True), concept("losses"))
    bamako = _respondents(Query("what does Bamako say", cleaned="what does Bamako say",
                                concepts=words))[0]
    assert _speaks("Mali's army has admitted heavy losses", bamako)
    assert _speaks("The junta said on Friday that the losses were light", bamako)
    assert not _speaks("The rebels said the army lost", bamako)
    for question in ("were the losses confirmed by Mali?", "does Mali confirm the losses?"):
        party = _respondents(Query(question, cleaned=question, concepts=words))[0]
        assert party.verbs == "conceding" and {"junta", "bamako"} <= party.terms


# ----- a count asked: the answer is a number -------------------------------------------


def test_a_count_question_leads_with_a_passage_giving_a_count() -> None:
    docs = [Doc("a", "Wagner fighters died at Tinzaouatene in July, Wagner fighters mourned."),
            Doc("b", "Rebels said 84 Wagner fighters died at Tinzaouatene."),
            *filler_docs(30)]
    passages = Passages(docs)
    words = (concept("Wagner", name=True), concept("fighters"), concept("died"),
             concept("Tinzaouatene", name=True))
    plain = ask(passages, Query("Wagner fighters died at Tinzaouatene", concepts=words))
    assert keys(passages, plain)[:2] == [0, 1]
    counted = "How many Wagner fighters died at Tinzaouatene?"
    ranking = ask(passages, Query(counted, cleaned=counted, concepts=words))
    assert keys(passages, ranking)[:2] == [1, 0]


@pytest.mark.parametrize(("text", "speaks"), [
    ("losses were heavy, said the army spokesman", True),
    ("losses were heavy, according to the army", True),
    ("“We hold the base,” said the Malian army", True),
    ("the rebels said the army fled", False),   # the army is spoken of
    ("the rebels admitted the army fled", False),  # the object of admitting does not speak
])
def test_a_party_named_after_said_or_according_to_speaks(text: str, speaks: bool) -> None:
    assert _speaks(text, _Party(frozenset({"armi"}), "saying")) is speaks
    assert not _speaks(text, _Party(frozenset({"armi"}), "conceding"))


def test_the_party_speaking_of_nothing_the_question_names_is_not_its_answer() -> None:
    docs = [*CLAIM[:3], Doc("r", "Mali's army has admitted the harvest was poor."),
            *filler_docs(30)]
    passages = Passages(docs)
    question = "'Tuareg rebels killed 84 Wagner fighters' is that true? what did the army say"
    assert 3 not in keys(passages, ask(passages, claim_question(question)))


def test_a_party_ending_the_sentence_before_the_verb_does_not_speak() -> None:
    army = _Party(frozenset({"armi"}), "saying")
    assert not _speaks("Rebels fought the army. The terms of the truce state peace.", army)
    assert _speaks("Rebels fought. The army in its statement said it held.", army)


@pytest.mark.parametrize(("key", "text", "found"), [
    ("t", "The army said the rebels lost no Wagner fighters.", True),  # names two more
    ("t", "The army said the harvest of the rebels was poor.", False),  # one: too little
    ("r", "The army said the harvest of the rebels was poor.", True),   # the claim's report
])
def test_the_partys_words_in_another_report_must_name_more_of_the_question(
        key: str, text: str, found: bool) -> None:
    passages = Passages([*CLAIM[:3], Doc(key, text), *filler_docs(30)])
    question = claim_question("Tuareg rebels killed 84 Wagner fighters, what did the army say?")
    army = _Party(frozenset({"armi"}), "saying")
    hit = _reported_with([Hit(0, 1.0, ())], army, question, passages.engine, passages, PARAMS)
    assert (hit is not None and hit.index == 3) is found


@pytest.mark.parametrize("verb", ["added", "warned", "vowed", "reaffirmed", "criticised"])
def test_any_reporting_verb_makes_its_subject_a_speaker(verb: str) -> None:
    assert _speaks(f"Mali's army {verb} that the base held", _Party(frozenset({"armi"}), "saying"))


# ----- two questions in one: "who did A, and who did B?" -------------------------------

HOSTAGES = [
    Doc("a", "Islamists entered the consulate in Gao and took hostages at the consulate.",
        heading="Gao"),
    Doc("a", "The MNLA negotiated their release without violence.", heading="Gao"),
    Doc("a", "Islamists held the consulate staff as hostages; the consulate in Gao was shut.",
        heading="Gao"),
    Doc("a", "Gao consulate hostages were Algerian diplomats held at the consulate.",
        heading="Gao"),
    Doc("a", "A release of prisoners was promised by the government in the south.",
        heading="Talks"),
]


def who_freed(question: str) -> Query:
    freed = concept("freed", extra=(("releas", 0.3, "synonym"),))
    concepts = (concept("Gao", name=True), concept("consulate"), concept("hostages"), freed)
    return Query(question, cleaned=question, concepts=concepts)


@pytest.fixture(scope="module")
def hostages() -> Passages:
    return Passages(HOSTAGES + filler_docs(30))


def test_a_second_question_joined_by_and_is_a_side() -> None:
    q = who_freed("Who took the Gao consulate hostages, and who got them freed?")
    assert _alternatives(q) == [frozenset({"Gao", "consulate", "hostages"}),
                                frozenset({"freed"})]
    assert _alternatives(who_freed("Who took the Gao consulate hostages and when?")) == []


def test_the_passage_that_continues_the_best_hit_answers_the_second_question(
        hostages: Passages) -> None:
    """The release passage names neither Gao nor the hostages ("their release"): too little
    of the question to be kept, yet it continues the best hit's section, so it answers the
    second question; the unrelated release of prisoners, in another section, does not."""
    question = "Who took the Gao consulate hostages, and who got them freed?"
    plain = keys(hostages, ask(hostages, who_freed(question), params=OFF))
    assert 1 not in plain[:3]
    sided = keys(hostages, ask(hostages, who_freed(question)))
    assert sided[0] == plain[0] == 0 and sided[1] == 1
    assert 4 not in sided[:3]


def test_one_question_keeps_its_order(hostages: Passages) -> None:
    q = who_freed("Who took the Gao consulate hostages that were freed?")
    assert keys(hostages, ask(hostages, q)) == keys(hostages, ask(hostages, q, params=OFF))


def test_a_comma_before_or_leaves_the_first_side_before_it() -> None:
    """'A, or B': the first side is the clause before the comma, not the nothing after it."""
    question = "Did Wagner leave Mali because it won, or because its losses grew?"
    words = (concept("Wagner", name=True), concept("leave"), concept("Mali", name=True),
             concept("won"), concept("losses"), concept("grew"))
    sides = _alternatives(Query(question, cleaned=question, concepts=words))
    assert sides == [frozenset({"Wagner", "leave", "Mali", "won"}),
                     frozenset({"losses", "grew"})]


# ----- a yes/no question about a party --------------------------------------------------

EFFECTIVE = [
    Doc("e", "Observers doubted Wagner was effective: jihadists grew stronger while Wagner "
        "fought jihadists in Mali, and Wagner was not effective against jihadists."),
    Doc("e", "Jihadists attacked Wagner convoys in Mali; Wagner losses against jihadists grew."),
    Doc("e", "Jihadists in Mali fought Wagner near the border, and jihadists took a camp."),
    Doc("e", "Wagner said it had killed thousands of jihadists."),
    Doc("e", "Jihadists in Mali ambushed Wagner, and the jihadists in Mali held the road."),
]


def effective(question: str) -> Query:
    words = (concept("Wagner", name=True), concept("effective"), concept("jihadists"),
             concept("Mali", name=True))
    return Query(question, cleaned=question, concepts=words)


def test_a_yes_no_question_about_a_party_hears_its_own_account() -> None:
    passages = Passages(EFFECTIVE + filler_docs(30))
    plain = keys(passages, ask(passages, effective("How effective was Wagner against "
                                                   "jihadists in Mali?")))
    assert plain.index(3) >= 3
    asked = keys(passages, ask(passages, effective("Was Wagner effective against jihadists "
                                                   "in Mali?")))
    assert asked[:2] == [plain[0], 3]


# ----- round h21: the subject of the sides, a claim's counter, a second voice ---------------

def hits_of(*indices: int) -> list[Hit]:
    return [Hit(i, 10.0 - n, ()) for n, i in enumerate(indices)]


def test_a_first_page_passage_off_the_sides_subject_yields_to_one_on_it() -> None:
    """"Why did Wagner leave Mali: mission accomplished or rising attacks?": the UN
    mission's passage shares a side's words but not Wagner; the Wagner passage below it
    takes its place, and it opens the next page."""
    passages = Passages([
        Doc("w", "Wagner left Mali saying its mission was accomplished."),
        Doc("u", "The UN mission was accomplished, the peacekeepers said."),
        Doc("w", "Wagner in Mali faced rising attacks before it left."),
        Doc("w", "Wagner in Mali was attacked as attacks kept rising."),
    ])
    question = "Why did Wagner leave Mali: mission accomplished or rising attacks?"
    words = (concept("Wagner", name=True), concept("leave"), concept("Mali", name=True),
             concept("mission"), concept("accomplished"), concept("rising"),
             concept("attacks"))
    q = Query(question, cleaned=question, concepts=words)
    ordered = _on_subject(q, hits_of(0, 1, 2, 3), passages, PARAMS)
    assert [h.index for h in ordered] == [0, 3, 2, 1]
    plain = Query(question.replace(" or ", " and "), cleaned=question.replace(" or ", " and "),
                  concepts=words)
    assert [h.index for h in _on_subject(plain, hits_of(0, 1, 2, 3), passages, PARAMS)] == \
        [0, 1, 2, 3]  # no sides, no party: the order stays


COUNTER = [
    Doc("a", "Wagner ended its operations in Mali this month."),
    Doc("w", "Wagner said it had killed thousands of militants in Mali."),
    Doc("b", "Wagner fighters in Mali were seen near Gao."),
    Doc("w", "However, attacks on Mali's army grew, raising questions about Wagner."),
    Doc("b", "However, Wagner in Mali kept a base near Gao."),
]


def test_a_claim_brings_the_contrast_its_own_report_sets_against_it() -> None:
    passages = Passages(COUNTER)
    question = "Wagner says it won in Mali"
    q = Query(question, cleaned=question,
              concepts=(concept("Wagner", name=True), concept("Mali", name=True)))
    ordered = _countered(q, hits_of(0, 1, 2, 3, 4), passages.engine, passages, PARAMS)
    assert [h.index for h in ordered] == [0, 1, 3, 2, 4]  # not the other report's "however"
    unclaimed = Query("Wagner in Mali", cleaned="Wagner in Mali", concepts=q.concepts)
    assert [h.index for h in _countered(unclaimed, hits_of(0, 1, 2, 3, 4), passages.engine,
                                        passages, PARAMS)] == [0, 1, 2, 3, 4]


def test_a_claims_counter_is_searched_in_its_report_when_none_is_kept() -> None:
    passages = Passages(COUNTER + filler_docs(20))
    question = "Wagner says it won in Mali"
    q = Query(question, cleaned=question,
              concepts=(concept("Wagner", name=True), concept("Mali", name=True)))
    ordered = _countered(q, hits_of(0, 1, 2), passages.engine, passages, PARAMS)
    assert [h.index for h in ordered] == [0, 1, 3, 2]


VOICES = [
    Doc("t", "Tuareg rebels said they killed 84 fighters at Tinzaouatene."),
    Doc("t", "Fighting at Tinzaouatene lasted three days near the border."),
    Doc("t", "Tinzaouatene lies near the border with Algeria."),
    Doc("t", "Mali's army admitted heavy losses at Tinzaouatene."),
    Doc("g", "Mali's army said the harvest was good."),
]


@pytest.mark.parametrize("question", [
    "what does each side say about Tinzaouatene?",
    "Tinzaouatene: conflicting accounts",
    "Tinzaouatene, do the reports agree?",
])
def test_a_disagreement_without_named_parties_hears_a_second_camp(question: str) -> None:
    passages = Passages(VOICES)
    q = Query(question, cleaned=question, concepts=(concept("Tinzaouatene", name=True),))
    ordered = _other_voice(q, hits_of(0, 1, 2, 3, 4), passages.engine, passages, PARAMS)
    assert [h.index for h in ordered][:3] == [0, 1, 3]


def test_a_question_without_a_frame_of_disagreement_keeps_its_voices() -> None:
    passages = Passages(VOICES)
    q = Query("what happened at Tinzaouatene?", cleaned="what happened at Tinzaouatene?",
              concepts=(concept("Tinzaouatene", name=True),))
    ordered = _other_voice(q, hits_of(0, 1, 2, 3, 4), passages.engine, passages, PARAMS)
    assert [h.index for h in ordered] == [0, 1, 2, 3, 4]


def test_according_to_a_and_according_to_b_weighs_a_and_b_alone() -> None:
    question = "Tinzaouatene losses according to the junta and according to the CSP"
    words = (concept("Tinzaouatene", name=True), concept("losses"), concept("junta"),
             concept("CSP", name=True))
    sides = _alternatives(Query(question, cleaned=question, concepts=words))
    assert sides == [frozenset({"junta"}), frozenset({"CSP"})]


def test_a_doubt_outranks_a_mere_however_as_a_claims_counter() -> None:
    """A page passage turning on "however" about something else does not answer the claim;
    the one raising questions about it, below, takes its place."""
    passages = Passages([
        COUNTER[0], COUNTER[1],
        Doc("w", "However, Wagner in Mali kept a base in the north."),
        Doc("w", "Attacks on Mali's army grew, raising questions about Wagner."),
    ])
    question = "Wagner says it won in Mali"
    q = Query(question, cleaned=question,
              concepts=(concept("Wagner", name=True), concept("Mali", name=True)))
    ordered = _countered(q, hits_of(0, 1, 2, 3), passages.engine, passages, PARAMS)
    assert [h.index for h in ordered] == [0, 1, 3, 2]


def test_the_sides_subject_is_what_the_question_writes_not_a_part_read_of_a_name() -> None:
    """A concept read from part of a name ("FAMa: forces") is not a name the question
    writes: a side passage lacking it keeps its place."""
    passages = Passages([
        Doc("t", "Malian forces and rebels fought at Tinzaouatene; the rebels won."),
        Doc("t", "The rebels said the Malian army lost at Tinzaouatene."),
        Doc("u", "Malian forces and rebels met in Anefis."),
    ])
    question = "rebels vs FAMa at Tinzaouatene: who lost more?"
    words = (concept("rebels"), concept("FAMa", name=True),
             Concept("FAMa: forces", (Alternative("forc", 0.5, "alias"),), is_name=True),
             concept("Tinzaouatene", name=True), concept("lost"))
    q = Query(question, cleaned=question, concepts=words)
    assert [h.index for h in _on_subject(q, hits_of(0, 1, 2, 2), passages, PARAMS)][:2] == \
        [0, 1]


def test_more_than_two_actors_beside_a_frame_are_not_all_sides() -> None:
    """"Did Wagner beat the jihadists in Mali? both sides": three actors, which two are the
    sides is not told; the yes/no question's subject is heard."""
    words = (concept("Wagner", name=True), concept("beat"), concept("jihadists"),
             concept("Mali", name=True))
    question = "Did Wagner beat the jihadists in Mali? both sides"
    found = _respondents(Query(question, cleaned=question, concepts=words))
    assert len(found) == 1 and "wagner" in found[0].terms
    two = "Wagner and the jihadists: both sides"
    assert len(_respondents(Query(two, cleaned=two, concepts=words))) == 2
