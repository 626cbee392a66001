"""Split the evaluation questions 50/50 into dev.yaml and heldout.yaml, within every kind.

Rule: gather every item of dev.yaml, heldout.yaml and any extra files given; within each kind,
sort the items by casefolded question, shuffle them with random.Random("conflictbot-eval:"
+ kind), then items at even positions go to dev.yaml and odd positions to heldout.yaml.
Re-running it on unchanged files gives the same two files.

Items marked `split: dev-only` (development questions written after the split, to tune on)
take no part in the split: they stay in dev.yaml, after the split items.

    python tests/eval/split.py [extra.yaml ...]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEV = HERE / "dev.yaml"
HELDOUT = HERE / "heldout.yaml"
KEYS = ("question", "kind", "evidence", "evidence_all", "answerable", "note", "split")
DEV_ONLY = "dev-only"

HEADER = """\
# conflictbot evaluation set, {half} half ({n} questions) — issue #10.
{extra}# dev.yaml is for tuning; heldout.yaml is for reporting only: fit nothing to it.
# Split rule (tests/eval/split.py): within each kind, sort by casefolded question, shuffle
# with random.Random("conflictbot-eval:" + kind); even positions -> dev, odd -> heldout.
# Each item: question, kind, and one of
#   evidence: a phrase (or list of alternatives) copied exactly from the seed text that a
#             right passage contains, matched after case/whitespace folding;
#   evidence_all: [[side A phrases], [side B phrases]] - every side must be in the top k;
#   answerable: false - the corpus does not answer it, the bot should abstain.
# Optional: note.
"""


def load_items(path: Path) -> list[dict[str, Any]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return list(raw.get("questions") or []) if isinstance(raw, dict) else []


def is_dev_only(item: dict[str, Any]) -> bool:
    """Written for tuning after the split; never moved to the held-out half."""
    return item.get("split") == DEV_ONLY


def split(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The documented 50/50 split within every kind."""
    dev: list[dict[str, Any]] = []
    heldout: list[dict[str, Any]] = []
    for kind in sorted({str(item["kind"]) for item in items}):
        group = sorted((i for i in items if i["kind"] == kind),
                       key=lambda i: str(i["question"]).casefold())
        random.Random(f"conflictbot-eval:{kind}").shuffle(group)
        dev.extend(group[0::2])
        heldout.extend(group[1::2])
    return dev, heldout


def _ordered(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item[key] for key in KEYS if key in item}


def _extra_line(items: list[dict[str, Any]]) -> str:
    extra = sum(1 for i in items if is_dev_only(i))
    if not extra:
        return ""
    return (f"# {len(items) - extra} from the split below, then {extra} marked split: dev-only"
            " (written later, to tune on; never split).\n")


def write(path: Path, half: str, items: list[dict[str, Any]]) -> None:
    body = yaml.safe_dump({"questions": [_ordered(i) for i in items]}, allow_unicode=True,
                          sort_keys=False, width=100)
    header = HEADER.format(half=half, n=len(items), extra=_extra_line(items))
    path.write_text(header + body, encoding="utf-8")


def main(extra: list[str]) -> None:
    items = load_items(DEV) + load_items(HELDOUT)
    for name in extra:
        items += load_items(Path(name))
    dev_only = [i for i in items if is_dev_only(i)]
    dev, heldout = split([i for i in items if not is_dev_only(i)])
    write(DEV, "development", dev + dev_only)
    write(HELDOUT, "held-out", heldout)
    print(f"dev {len(dev)} + {len(dev_only)} dev-only  heldout {len(heldout)}")


if __name__ == "__main__":
    main(sys.argv[1:])
