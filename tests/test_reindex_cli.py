"""`conflictbot reindex` against a corpus folder that vanished or emptied (#9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def config_file(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("corpus: {dir: corpus}\ndata: {path: data/db.sqlite3}\n"
                    "logging: {salt_file: data/salt}\n")
    return path


QUESTION = "Who did Wagner fight at Tinzaouatene?"


def test_reindex_of_an_emptied_corpus_fails_with_one_clear_line(
        config_file: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "reindex"]) == 0
    capsys.readouterr()
    for path in corpus.iterdir():
        path.unlink()
    code = main(["--config", str(config_file), "reindex"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "no usable document" in errors[0] and "keeps answering" in errors[0]
    assert main(["--config", str(config_file), "ask", "--json", QUESTION]) == 0
    assert '"abstained": false' in capsys.readouterr().out


def test_reindex_of_a_vanished_corpus_names_the_key(
        config_file: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "reindex"]) == 0
    capsys.readouterr()
    shutil.rmtree(corpus)
    code = main(["--config", str(config_file), "reindex"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: corpus.dir: ")
