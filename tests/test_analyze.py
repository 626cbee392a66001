"""The analyzer: folding, stopwords, stemming, numbers and highlight spans."""

from index.analyze import analyze, expand, fold, highlight_spans


def test_accents_fold_to_plain_letters() -> None:
    assert analyze("Goïta Ménaka Éclipse") == analyze("Goita Menaka Eclipse")


def test_case_and_nfkc_folding() -> None:
    assert analyze("ＷＡＧＮＥＲ") == analyze("wagner") == ["wagner"]
    assert fold("Straße") == "strasse"


def test_curly_apostrophes_and_possessives() -> None:
    assert analyze("Mali’s junta") == analyze("Mali's junta") == ["mali", "junta"]


def test_hyphenated_names_split_into_words() -> None:
    assert analyze("Tuareg-led") == analyze("Tuareg led") == ["tuareg", "lead"]
    assert analyze("al-Qaeda") == ["al", "qaeda"]


def test_stopwords_removed_and_words_stemmed() -> None:
    assert analyze("Who did Wagner fight at Tinzaouatene?") == ["wagner", "fight", "tinzaouaten"]
    assert analyze("attacks attacked attacking") == ["attack"] * 3


def test_irregular_past_forms_meet_their_verb() -> None:
    assert analyze("lost") == analyze("lose")
    assert analyze("withdrew") == analyze("withdraw")


def test_numbers_are_kept_with_thousands_separators_folded() -> None:
    assert analyze("26,000 fighters in 2012") == ["26000", "fighter", "2012"]
    assert analyze("2,800") == analyze("2800")


def test_empty_and_odd_text() -> None:
    assert analyze("") == []
    assert analyze("   \u200b\u200f ") == []
    assert analyze("🙂🙂") == []


def test_highlight_spans_point_at_original_words() -> None:
    text = "Tuareg-led separatists killed 84 Wagner fighters at Tinzaouatene."
    spans = highlight_spans(text, analyze("wagner Tinzaouatene"))
    assert [text[a:b] for a, b in spans] == ["Wagner", "Tinzaouatene"]


def test_synonym_groups_include_the_term_itself() -> None:
    groups = expand(analyze("army leave"))
    assert analyze("military")[0] in groups[analyze("army")[0]]
    assert analyze("withdraw")[0] in groups[analyze("leave")[0]]


def test_acronyms_keep_their_letters_on_both_sides() -> None:
    assert analyze("IS Sahel") == ["is", "sahel"]
    assert analyze("ISGS and EIGS") == ["isgs", "eigs"]
    assert analyze("US-backed forces") == ["us", "back", "forc"]
    assert analyze("Is it us?") == []


def test_a_shouted_line_is_read_as_ordinary_words() -> None:
    assert analyze("WHAT IS HAPPENING IN KIDAL") == analyze("what is happening in kidal")
    assert analyze("MALI: FIGHTERS KILLED\nIS Sahel claimed it") == [
        "mali", "fighter", "kill", "is", "sahel", "claim"]


def test_long_runs_of_capitals_stay_fast() -> None:
    import time

    started = time.perf_counter()
    analyze("AB" * 5000 + " CD" * 3000)
    assert time.perf_counter() - started < 0.1


def test_highlight_finds_a_shouted_word_by_its_ordinary_term() -> None:
    text = "BREAKING: WAGNER KILLED"
    spans = highlight_spans(text, analyze("killed"))
    assert [text[a:b] for a, b in spans] == ["KILLED"]


def test_surface_forms_keep_the_usual_spelling_of_names_only() -> None:
    from collections import Counter

    from index.analyze import surface_forms

    texts = ["Kidal fell. Goïta spoke in Kidal.", "The army left. The army came back.",
             "JNIM and the Malian army"]
    occurrences = Counter(t for text in texts for t in analyze(text))
    forms = surface_forms(texts, occurrences)
    assert forms["kidal"] == "Kidal" and forms["goita"] == "Goïta" and forms["jnim"] == "JNIM"
    assert "armi" not in forms  # written "army" more often than "Army"
