"""Shared fixtures: a private copy of the seed corpus and a service over it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.config import Config, parse_config
from bot.core import Service

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


class Fake(Protocol):
    """A fake platform server: says which config section points a bot at it."""

    def config_section(self) -> dict[str, dict[str, Any]]: ...


def merged(*layers: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Config sections, later layers overriding earlier ones key by key."""
    raw: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for name, values in layer.items():
            raw[name] = {**raw.get(name, {}), **values}
    return raw


def make_config(tmp_path: Path, *fakes: Fake, **sections: Mapping[str, Any]) -> Config:
    """The one config factory of the tests: corpus, data and salt under tmp_path, each fake
    server's section (Telegram, Discord), then `sections` on top, key by key."""
    base = {"corpus": {"dir": "corpus"}, "data": {"path": "data/bot.sqlite3"},
            "logging": {"salt_file": "data/salt"}}
    raw = merged(base, *(fake.config_section() for fake in fakes), sections)
    return parse_config(raw, base_dir=tmp_path)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of seeds/."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def config(tmp_path: Path, corpus: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
async def service(config: Config) -> AsyncIterator[Service]:
    svc = await Service.open(config)
    yield svc
    await svc.close()
