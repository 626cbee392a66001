"""index/dedup.py: same text, the same wire story on two sites, different stories."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import BinaryIO

import pytest

import index.dedup
from index.dedup import NEAR_DUPLICATE, SignatureTable, signature

WIRE = ("BAMAKO (Reuters) - Mali's army said on Tuesday that its forces and allied Russian "
        "fighters had retaken the town of Tinzaouatene near the Algerian border after heavy "
        "clashes with Tuareg separatists of the Strategic Framework. The army did not say how "
        "many soldiers were killed. Separatist spokesman Mohamed Elmaouloud Ramadane said "
        "the rebels still held positions in the hills north of the town and accused drones "
        "of striking civilians at a well. A United Nations official said thousands of "
        "residents had fled toward the border since the fighting began last week. ")
OTHER = ("NIAMEY - Niger's junta announced a new transition charter on Wednesday, giving "
         "General Abdourahamane Tiani a five-year mandate renewable without limit and "
         "dissolving the political parties that existed before the coup. Civil society "
         "groups in Niamey said the charter had been drafted without consulting them. "
         "Regional officials in Agadez said fuel shortages continued to hit the north. ")


def _table(**documents: str) -> SignatureTable:
    table = SignatureTable()
    table.add_all((key, signature(text)) for key, text in documents.items())
    return table


def test_same_words_in_other_case_and_spacing_is_an_exact_duplicate() -> None:
    table = _table(**{"reuters.txt": WIRE, "niger.txt": OTHER})
    [match] = table.matches(signature("  " + WIRE.upper().replace(" ", "\n  ")))
    assert (match.key, match.exact, match.similarity) == ("reuters.txt", True, 1.0)


def test_same_wire_story_on_another_site_is_a_near_duplicate() -> None:
    republished = ("Mali army retakes Tinzaouatene\nBy Staff Writer | Sahel Daily\n" + WIRE
                   + "Read more: Subscribe to our newsletter for daily Sahel news.")
    matches = _table(**{"reuters.txt": WIRE, "niger.txt": OTHER}).matches(
        signature(republished))
    assert [(m.key, m.exact) for m in matches] == [("reuters.txt", False)]
    assert NEAR_DUPLICATE <= matches[0].similarity < 1.0


def test_a_different_story_on_the_same_event_is_not_a_duplicate() -> None:
    same_topic = ("GAO - Fighting around Tinzaouatene displaced families toward Algeria, "
                  "aid workers said on Thursday, as Malian troops and Russian fighters "
                  "pressed north. Hospitals in Kidal reported wounded civilians arriving by "
                  "truck, and traders said the road to the border had been closed for days.")
    assert _table(**{"reuters.txt": WIRE}).matches(signature(same_topic)) == []


def test_removed_documents_are_no_longer_matched() -> None:
    table = _table(**{"reuters.txt": WIRE, "niger.txt": OTHER})
    table.remove("reuters.txt")
    assert table.matches(signature(WIRE)) == [] and len(table) == 1


def test_look_up_cost_does_not_grow_with_the_table() -> None:
    """Twenty thousand signatures: a look-up stays a bucket probe, not a loop over them."""
    small, large = _table(**{"reuters.txt": WIRE}), _table(**{"reuters.txt": WIRE})
    for i in range(20_000):
        large.add(f"doc{i}.txt", signature(f"report {i} on event {i * 7} in region {i % 97}"))
    probe = signature(WIRE)

    def seconds(table: SignatureTable) -> float:
        started = time.perf_counter()
        for _ in range(200):
            assert table.matches(probe)[0].key == "reuters.txt"
        return time.perf_counter() - started

    assert seconds(large) < seconds(small) * 5 + 0.05


def test_a_saved_table_finds_the_same_matches(tmp_path: Path) -> None:
    """Signatures are stable across processes (no per-process salt), so a table can be
    saved with a generation and read by another process."""
    table = _table(**{"reuters.txt": WIRE, "niger.txt": OTHER, "empty.txt": ""})
    table.save(tmp_path / "signatures.npz")
    loaded = SignatureTable.load(tmp_path / "signatures.npz")
    assert len(loaded) == 3
    probe = signature("Mali army retakes Tinzaouatene\n" + WIRE)
    assert loaded.matches(probe) == table.matches(probe) != []
    assert [m.key for m in loaded.matches(signature(OTHER))] == ["niger.txt"]


def test_signatures_do_not_depend_on_the_process() -> None:
    code = ("from index.dedup import signature; s = signature(" + repr(WIRE) + "); "
            "print(s.exact, s.minhash.tolist())")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(runs) == 1


def test_a_save_failing_midway_leaves_no_partial_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while saving (one table per generation): no `.gen-N.npz.tmp` is left
    behind, generation after generation."""
    table = SignatureTable()
    table.add("a.txt", signature("Islamic State fighters besieged Menaka for three weeks"))

    def disk_full(file: BinaryIO, **arrays: object) -> None:
        file.write(b"PK\x03\x04 partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index.dedup.np, "savez", disk_full)
    for generation in (1, 2):
        with pytest.raises(OSError):
            table.save(tmp_path / f"gen-{generation}.npz")
    assert list(tmp_path.iterdir()) == []
