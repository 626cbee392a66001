"""The French catalogue (#12): same ids and placeholders as the English one; who gets it."""

from __future__ import annotations

import string

import pytest

from bot import texts
from bot.texts_fr import FR


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
