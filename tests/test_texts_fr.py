"""The French catalogue (#12): same ids and placeholders as the English one; who gets it."""

from __future__ import annotations

import ast
import pickle
import string
from pathlib import Path

import pytest

from bot import texts
from bot.texts_fr import FR
from index.build import PreparedFile
from index.fetch import FetchLimits, FetchRefused, fetch_article
from index.ingest import SkippedFile
from index.reasons import ENGLISH as INDEX_REASONS
from index.reasons import reason


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_catalogues_have_the_same_message_ids() -> None:
    assert set(FR) == set(texts.EN)


def test_each_french_message_has_the_english_placeholders() -> None:
    different = {key: (_placeholders(texts.EN[key]), _placeholders(FR[key]))
                 for key in texts.EN if _placeholders(texts.EN[key]) != _placeholders(FR[key])}
    assert different == {}


def test_month_lists_have_twelve_names() -> None:
    for catalogue in (texts.EN, FR):
        assert len(catalogue["months_short"].split()) == 12
        assert len(catalogue["months_long"].split()) == 12


@pytest.mark.parametrize(("code", "language"), [
    ("fr", "fr"), ("fr-FR", "fr"), ("fr-CA", "fr"), ("fr_BE", "fr"), ("FR", "fr"),
    ("en", "en"), ("en-GB", "en"), ("de", "en"), ("", "en"), (None, "en"), ("french", "en"),
])
def test_interface_language_from_platform_code(code: str | None, language: str) -> None:
    assert texts.interface_language(code) == language


def test_text_falls_back_to_english_for_other_languages() -> None:
    assert texts.text("refused", "de") == texts.EN["refused"]
    assert texts.text("refused", "fr").startswith("Désolé")


# --- refusal reasons (#10): codes raised in bot/ and index/, said in both languages ---------

ROOT = Path(__file__).resolve().parent.parent
REASON_SOURCES = (*sorted((ROOT / "bot").rglob("*.py")),
                  *(ROOT / "index" / f"{name}.py" for name in ("fetch", "ingest", "citation",
                                                               "lexicon")))
# callee -> position of its catalogue code among the positional arguments
CODE_ARGUMENT = {"DocumentRejected": 0, "CorpusUnavailable": 0, "ArchiveRefused": 0,
                 "reason": 0, "skipped": 1, "FetchRefused": 1, "SkippedFile": 0,
                 "CitationRefused": 0, "AliasLineRefused": 0}


def _fields(template: str) -> set[tuple[str, str]]:
    """(name, format spec) of each {field}: a number format must not get lost in French."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template)
            if name is not None}


def _sample(spec: str) -> object:
    return 1234.5 if "g" in spec or "f" in spec else 12345 if "," in spec else "x"


def _codes_raised() -> set[str]:
    """Every literal catalogue code handed to a refusal in bot/ and index/fetch.py."""
    codes = set()
    for path in REASON_SOURCES:
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            position = CODE_ARGUMENT.get(name)
            if position is not None and len(call.args) > position:
                argument = call.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.add(argument.value)
    return codes


def test_every_message_has_the_same_fields_and_number_formats_in_both_languages() -> None:
    different = {key: (_fields(texts.EN[key]), _fields(FR[key]))
                 for key in texts.EN if _fields(texts.EN[key]) != _fields(FR[key])}
    assert different == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_message_formats_with_values_for_its_fields(language: str) -> None:
    for key, template in texts.EN.items():
        values = {name: _sample(spec) for name, spec in _fields(template)}
        said = texts.text(key, language, **values)  # raises if a field or format is off
        if any(value == 12345 for value in values.values()):
            assert ("12\u202f345" if language == "fr" else "12,345") in said, key


def test_every_refusal_code_raised_is_in_both_catalogues() -> None:
    codes = _codes_raised()
    assert {"fetch_dns", "name_extension", "member_type", "over_limit",
            "attachment_not_downloaded", "disk_full", "file_binary_nul", "cite_bad_date",
            "alias_syntax"} <= codes  # the scan sees every kind of refusal
    assert codes - set(texts.EN) == set()
    assert codes - set(FR) == set()


def test_the_fetchers_english_is_the_catalogues() -> None:
    """index/ says its refusals in English itself (no import of bot/): the catalogue takes
    those very templates, so the command line and the chat cannot drift apart."""
    assert all(texts.EN[code] is template for code, template in INDEX_REASONS.items())


@pytest.mark.parametrize(("host", "english", "french"), [
    ("127.0.0.1", "loopback", "de bouclage"), ("169.254.1.1", "link-local", "locale au lien"),
    ("224.0.0.1", "multicast", "de multidiffusion"), ("0.0.0.0", "unspecified", "non spécifiée"),
    ("240.0.0.1", "reserved", "réservée"), ("10.0.0.1", "private", "privée"),
    ("100.64.0.1", "non-public", "non publique"),
])
def test_every_kind_of_refused_address_is_said_in_french(host: str, english: str,
                                                         french: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        fetch_article(f"http://{host}/article", FetchLimits())
    assert str(refused.value) == texts.told(refused.value.reason) == (
        f"{host} is a {english} address; only public web sites can be fetched "
        "(fetch.allow_private is off)")
    assert texts.told(refused.value.reason, "fr") == (
        f"{host} est une adresse {french}\u202f; seuls les sites web publics peuvent être "
        "récupérés (fetch.allow_private est désactivé)")


def test_nested_reasons_and_sizes_in_french() -> None:
    """A reason inside a reason (the size in a too-large refusal) follows the language."""
    too_large = reason("fetch_too_large", size=reason("fetch_size_bytes", count=250_000))
    assert texts.told(too_large) == ("the page is larger than 250,000 bytes (fetch.max_bytes); "
                                     "it was not downloaded")
    assert texts.told(too_large, "fr") == ("la page dépasse 250\u202f000 octets "
                                           "(fetch.max_bytes)\u202f; elle n'a pas été téléchargée")
    assert texts.told(too_large, "de") == texts.told(too_large)


def test_a_refusal_from_a_worker_process_keeps_its_code_and_values() -> None:
    """A file skipped in a build's worker process comes back as data (pickled), still
    sayable in French."""
    skipped = pickle.loads(pickle.dumps(SkippedFile("file_empty", file="a.txt")))
    assert isinstance(skipped, SkippedFile) and str(skipped) == "a.txt: empty file"
    assert texts.told(skipped.reason, "fr") == "a.txt\u00a0: fichier vide"
    prepared = PreparedFile("a.txt", skipped=str(skipped), why=skipped.reason)
    assert pickle.loads(pickle.dumps(prepared)) == prepared


def test_french_punctuation_never_starts_a_line() -> None:
    """A no-break space before : and a narrow one before ; ! ? and inside « » (#10): a
    phone never wraps the sign onto a line of its own."""
    loose = {key: template for key, template in FR.items()
             if any(plain in template for plain in (" :", " ;", " !", " ?", "« ", " »"))}
    assert loose == {}
    assert FR["corpus_empty"] == "Le corpus est vide\u00a0: aucun document à citer pour l'instant."
    assert "(démonté ou renommé\u202f?)\u202f;" in FR["corpus_missing"]
