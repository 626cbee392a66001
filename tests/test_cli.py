"""The command line: JSON contract, exit codes, and every command documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def config_file(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("corpus: {dir: corpus}\ndata: {path: data/db.sqlite3}\n"
                    "logging: {salt_file: data/salt}\n")
    return path


def test_ask_json_contract(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(config_file), "ask", "--json", "--top", "2",
                 "Who did Wagner fight at Tinzaouatene?", "recipe for jollof rice"])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"question", "abstained", "passages", "rewrites", "language",
                          "unknown_names"}
    assert first["abstained"] is False and len(first["passages"]) == 2
    passage = first["passages"][0]
    assert {"rank", "score", "text", "title", "file", "paragraph", "chunk_id"} <= set(passage)
    assert passage["rank"] == 1 and "Tuareg-led" in passage["text"]
    assert second == {"question": "recipe for jollof rice", "abstained": True, "passages": [],
                      "rewrites": [], "language": "en", "unknown_names": ["jollof"]}


def test_ask_prints_a_cited_passage(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The chat layout (#12): the lead quote first, then each source once on a compact line
    (outlet and date when known, headline) with its passages quoted below it."""
    assert main(["--config", str(config_file), "ask", "Who did Wagner fight at Tinzaouatene?"]) == 0
    out = capsys.readouterr().out
    question, lead, sources = out.split("\n\n", 2)
    assert question == "Q: Who did Wagner fight at Tinzaouatene?"
    assert lead.startswith("“") and lead.endswith("” [1]") and "Tuareg-led separatists" in lead
    lines = sources.splitlines()
    headlines = [line for line in lines if re.match(r"\[\d+\] ", line)]
    assert headlines[0].startswith("[1] ") and "5 Aug 2024" in headlines[0]
    assert headlines[0].endswith("Mali breaks off diplomatic relations with Ukraine, hits "
                                 "Kyiv’s role in rebels’ battlefield victory")
    assert len(headlines) == len(set(headlines))  # each document once
    assert lines[1].startswith("    004_0bd10977ca86cbfa.txt, passage ")
    assert lines[2].startswith("  > ")


def test_bad_config_value_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("search:\n  top_k: many\n")
    assert main(["--config", str(path), "sources"]) == 2
    assert "search.top_k" in capsys.readouterr().err


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    for name in commands:
        assert re.search(rf"conflictbot {name}\b", readme), name


def test_json_passage_number_is_named_for_what_it_is(config_file: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "ask", "--json", "Wagner Tinzaouatene"]) == 0
    passage = json.loads(capsys.readouterr().out)["passages"][0]
    assert passage["passage"] == passage["paragraph"] >= 1  # "paragraph" kept: a promise


def test_ask_json_carries_citation_metadata(config_file: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "ask", "--json", "Wagner Tinzaouatene"]) == 0
    passage = json.loads(capsys.readouterr().out)["passages"][0]
    assert {"outlet", "published", "updated", "url", "event_dates"} <= set(passage)
    assert passage["file"].startswith("004_") and passage["updated"] == "2024-08-05"
    assert ["2024-07-25", "2024-07-25"] in passage["event_dates"]


def test_ask_json_reports_rewrites_and_unknown_names(config_file: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "ask", "--json", "GSIM", "Wagner in Sudan"]) == 0
    alias, vetoed = (json.loads(line) for line in capsys.readouterr().out.strip().splitlines())
    assert alias["abstained"] is False and alias["language"] == "en"
    assert {"kind": "alias", "typed": "GSIM", "searched": "JNIM"} in alias["rewrites"]
    assert vetoed["abstained"] is True and vetoed["unknown_names"] == ["Sudan"]


def test_a_reader_that_stops_early_ends_the_command_quietly(config_file: Path) -> None:
    """`conflictbot eval -v ... | head -1`: no traceback, the exit status of SIGPIPE."""
    dev = ROOT / "tests" / "eval" / "dev.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config_file), "eval",
                             "-v", str(dev)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # the first question's line, then the reader goes away
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors
