"""Operator and moderator aliases in the core (#10): search.aliases_file, Service.aliases,
Service.add_alias and its file under the data folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import core
from bot.config import Config, ConfigError, load_config
from bot.core import DocumentRejected, Service
from index.lexicon import read_alias_file
from tests.conftest import make_config

OPERATOR_FILE = """
- id: tabankort
  kind: place
  names: [Tabankort, Tabankor]
  source: https://fr.wikipedia.org/wiki/Tabankort
- id: jnim
  kind: group
  names: [Nosrat]
"""


def _added_file(config: Config) -> Path:
    return config.db_path.parent / "aliases.yaml"


async def test_service_aliases_are_the_bundled_table_by_default(service: Service) -> None:
    jnim = service.aliases.lookup("GSIM")
    assert jnim is not None and jnim.id == "jnim"
    assert service.added_aliases() == []


async def test_operator_file_is_merged_at_open(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "extra.yaml").write_text(OPERATOR_FILE, encoding="utf-8")
    config = make_config(tmp_path, search={"aliases_file": "extra.yaml"})
    assert config.aliases_path == tmp_path / "extra.yaml"
    service = await Service.open(config)
    try:
        assert service.aliases.lookup("tabankor") == service.aliases.lookup("Tabankort")
        nosrat = service.aliases.lookup("Nosrat")
        assert nosrat is not None and nosrat.id == "jnim" and nosrat.preferred == "JNIM"
    finally:
        await service.close()


def test_invalid_operator_file_stops_config_loading_naming_file_entry_and_field(
        tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text("- id: x\n  kind: gang\n  names: [X]\n",
                                         encoding="utf-8")
    (tmp_path / "config.yaml").write_text("search:\n  aliases_file: extra.yaml\n",
                                          encoding="utf-8")
    with pytest.raises(ConfigError, match=r"search\.aliases_file: alias file .*extra\.yaml: "
                                          r"entry 1 \(x\): field 'kind'"):
        load_config(tmp_path / "config.yaml")


def test_missing_operator_file_stops_config_loading(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("search:\n  aliases_file: nowhere.yaml\n",
                                          encoding="utf-8")
    with pytest.raises(ConfigError, match=r"nowhere\.yaml: cannot be read"):
        load_config(tmp_path / "config.yaml")


def test_no_operator_file_by_default(tmp_path: Path) -> None:
    assert make_config(tmp_path).aliases_path is None


async def test_add_alias_to_a_known_entry_works_at_once_and_survives_a_restart(
        config: Config, corpus: Path) -> None:
    service = await Service.open(config)
    generation = service.generation
    try:
        entry = await service.add_alias("Nosrat al-Islam wal Muslimin = JNIM")
        assert entry.id == "jnim" and "Nosrat al-Islam wal Muslimin" in entry.names
        assert entry.source.startswith("https://en.wikipedia.org/")  # the bundled one kept
        found = service.aliases.lookup("nosrat al islam wal muslimin")
        assert found is not None and found.id == "jnim"
        assert service.generation == generation  # no reindex
        assert service.added_aliases() == [("Nosrat al-Islam wal Muslimin", "JNIM")]
    finally:
        await service.close()
    saved = read_alias_file(_added_file(config))
    assert [(e.id, e.names) for e in saved] == [("jnim", ("Nosrat al-Islam wal Muslimin",))]
    reopened = await Service.open(config)
    try:
        found = reopened.aliases.lookup("Nosrat al-Islam wal Muslimin")
        assert found is not None and found.id == "jnim"
        assert reopened.added_aliases() == [("Nosrat al-Islam wal Muslimin", "JNIM")]
    finally:
        await reopened.close()


async def test_add_alias_for_an_unknown_name_creates_an_entry(service: Service) -> None:
    entry = await service.add_alias("Tabankor = Tabankort")
    assert entry.preferred == "Tabankort" and entry.names == ("Tabankort", "Tabankor")
    assert entry.kind == "other" and entry.id == "added_tabankort"
    assert service.aliases.lookup("TABANKOR") == entry
    again = await service.add_alias("Tabankorte = tabankor")
    assert again.id == entry.id and again.names[-1] == "Tabankorte"
    assert service.added_aliases() == [("Tabankor", "Tabankort"), ("Tabankorte", "Tabankort")]


@pytest.mark.parametrize(("text", "message"), [
    ("GSIM JNIM", "NEW NAME = KNOWN NAME"),
    ("GSIM = JNIM", "already a name of JNIM"),
    ("gsim = Ansar Dine", "already stands for JNIM"),
    ("un = United Nations", "common word"),
    ("le = Bamako", "common word"),
    ("Kidal = Kidal", "the same"),
])
async def test_add_alias_refuses_bad_input_and_writes_nothing(
        service: Service, config: Config, text: str, message: str) -> None:
    before = service.aliases
    with pytest.raises(DocumentRejected, match=message):
        await service.add_alias(text)
    assert service.aliases is before
    assert not _added_file(config).exists()


async def test_a_failed_write_changes_nothing(service: Service, config: Config,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    await service.add_alias("Nosrat = JNIM")
    saved = _added_file(config).read_bytes()

    def disk_full(target: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(core, "_write_atomically", disk_full)
    with pytest.raises(OSError):
        await service.add_alias("Tabankor = Tabankort")
    assert service.aliases.lookup("Tabankor") is None
    assert service.added_aliases() == [("Nosrat", "JNIM")]
    assert _added_file(config).read_bytes() == saved


async def test_concurrent_additions_are_all_saved(config: Config, corpus: Path) -> None:
    service = await Service.open(config)
    try:
        await asyncio.gather(*(service.add_alias(f"Alias{n} = JNIM") for n in range(5)))
    finally:
        await service.close()
    [saved] = read_alias_file(_added_file(config))
    assert sorted(saved.names) == [f"Alias{n}" for n in range(5)]
    assert not list(_added_file(config).parent.glob(".*.tmp"))


async def test_a_corrupt_added_aliases_file_stops_the_service_with_its_name(
        config: Config, corpus: Path) -> None:
    _added_file(config).parent.mkdir(parents=True, exist_ok=True)
    _added_file(config).write_text("- id: jnim\n  kind: group\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"aliases\.yaml: entry 1 \(jnim\): field 'names'"):
        await Service.open(config)
