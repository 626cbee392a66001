"""Shared fixtures: a private copy of the seed corpus and a service over it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, parse_config
from bot.core import Service

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def make_config(tmp_path: Path, **sections: dict[str, Any]) -> Config:
    """A config whose corpus and data live under tmp_path."""
    raw: dict[str, Any] = {"corpus": {"dir": "corpus"}, "data": {"path": "data/bot.sqlite3"},
                           "logging": {"salt_file": "data/salt"}}
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
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
