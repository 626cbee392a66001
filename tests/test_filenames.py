"""File names: what /add may create (validate_filename) and what /remove may find."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Literal

import pytest

from bot.core import DocumentRejected, Service, validate_filename

FOLDERS = "without folders"
CHARACTERS = "letters, digits"
EXTENSION = "documents can be added"
RESERVED = "reserved"
Form = Literal["NFC", "NFD"]
ARTICLE = ("# Ménaka – rapport\n\nThe Qwertyfold garrison at Ménaka reported a quiet week "
           "after the convoy from Ansongo arrived.\n")


@pytest.mark.parametrize("name", [
    "report.txt", "Menaka 2024-05-01.md", "a.HTML", "x.htm", "9.TxT", "v1.2.final.md",
    "console.txt", "nullify.md", "com0.txt", "lpt10.md", "auxiliary.txt",
    "a" * 96 + ".txt",
])
def test_plain_names_with_a_known_extension_are_accepted(name: str) -> None:
    assert validate_filename(name) == name


@pytest.mark.parametrize("name", [
    "../x.txt", "../../etc/passwd.txt", "sub/dir.txt", "/abs.txt", "a\\b.txt",
    "..\\win.txt", "..", ".", "a\x00.txt", "\x00",
])
def test_paths_parent_folders_and_nul_bytes_are_refused(name: str) -> None:
    with pytest.raises(DocumentRejected, match=FOLDERS):
        validate_filename(name)


@pytest.mark.parametrize("name", [
    ".hidden.txt", ".txt", "-rf.txt", " lead.txt", "_x.md", "~tmp.md", "",
    "tab\there.txt", "semi;colon.txt", "Ménaka.md", "a" * 97 + ".txt",
    "line\nbreak.txt",
])
def test_hidden_odd_and_overlong_names_are_refused(name: str) -> None:
    with pytest.raises(DocumentRejected, match=CHARACTERS):
        validate_filename(name)


@pytest.mark.parametrize("name", ["notes", "report.pdf", "evil.exe", "a.txt.exe", "txt",
                                  "trailing.md.", "space.md "])
def test_unknown_extensions_are_refused(name: str) -> None:
    with pytest.raises(DocumentRejected, match=EXTENSION):
        validate_filename(name)


@pytest.mark.parametrize("name", ["CON.txt", "con.md", "nul.txt", "NUL.html", "Aux.htm",
                                  "prn.txt", "com1.txt", "COM9.md", "lpt1.txt", "LPT9.md",
                                  "nul.tar.txt", "con.backup.md"])
def test_reserved_device_names_are_refused(name: str) -> None:
    with pytest.raises(DocumentRejected, match=RESERVED):
        validate_filename(name)


def test_a_trailing_newline_gets_the_character_message() -> None:
    """`$` also matches before a final newline: the name must still be refused for its
    characters, not with a puzzling word about extensions."""
    with pytest.raises(DocumentRejected, match=CHARACTERS):
        validate_filename("report.txt\n")


# --- /remove: any name /sources lists, nothing else --------------------------------------


def _names(corpus: Path) -> set[str]:
    return {p.name for p in corpus.iterdir()}


@pytest.mark.parametrize(("on_disk", "typed"), [("NFD", "NFC"), ("NFC", "NFD"),
                                                ("NFC", "NFC")])
async def test_remove_finds_a_unicode_name_in_either_normal_form(
        service: Service, corpus: Path, on_disk: Form, typed: Form) -> None:
    name = "Ménaka – rapport.md"
    stored = unicodedata.normalize(on_disk, name)
    (corpus / stored).write_text(ARTICLE, encoding="utf-8")
    await service.reindex()
    assert stored in {s.file for s in await service.sources()}
    await service.remove_document(unicodedata.normalize(typed, name))
    assert stored not in _names(corpus)
    assert stored not in {s.file for s in await service.sources()}


@pytest.mark.parametrize("name", ["", "../corpus/x.md", "sub/x.md", "/etc/passwd",
                                  "..", ".", "a\\b.md", "x\x00.md", ".removed-keep.md"])
async def test_remove_refuses_paths_and_hidden_names(service: Service, corpus: Path,
                                                     name: str) -> None:
    (corpus / ".removed-keep.md").write_text(ARTICLE, encoding="utf-8")
    before = _names(corpus)
    with pytest.raises(DocumentRejected, match="plain name"):
        await service.remove_document(name)
    assert _names(corpus) == before


@pytest.mark.parametrize("name", ["unknown.md", "~lock.md", "notes.pdf"])
async def test_remove_refuses_names_sources_does_not_list(service: Service, corpus: Path,
                                                          name: str) -> None:
    for present in ("~lock.md", "notes.pdf"):
        (corpus / present).write_text(ARTICLE, encoding="utf-8")
    before = _names(corpus)
    with pytest.raises(DocumentRejected, match="not in the corpus"):
        await service.remove_document(name)
    assert _names(corpus) == before
    assert name not in {s.file for s in await service.sources()}
