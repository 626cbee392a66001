"""Near-duplicate detection on the news-like bench corpus (#13): recall, false alarms, cost.

`bench/news_corpus.py` republishes about 5 % of its stories on a second "site" (another
headline ending in " - SITE", one paragraph rewritten, a "Share" footer): those are the
near duplicates to find. Each file is looked up in the table of the files before it (as
`/add` would, one at a time), then added to it; a file reported as repeating another when it
is not a republication of the same story is a false alarm.

    python bench/dedup.py --documents 2000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.news_corpus import _SITES, generate  # noqa: E402
from index.dedup import SignatureTable, signature  # noqa: E402


def original_headline(text: str) -> str | None:
    """The headline a republication names ("Headline - SITE"), None for an original."""
    first = text.split("\n", 1)[0]
    for site in _SITES:
        if first.endswith(f" - {site}"):
            return first.removesuffix(f" - {site}")
    return None


def run(documents: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        texts = [p.read_text("utf-8") for p in generate(Path(folder), documents, seed)]
    words = sum(len(t.split()) for t in texts)
    table, by_headline = SignatureTable(), dict[str, str]()
    story: dict[str, str] = {}  # key -> the original's key (itself for an original)
    found = missed = false_alarms = exact = 0
    sign_s, look_ms = 0.0, []
    for number, text in enumerate(texts):
        started = time.perf_counter()
        sig = signature(text)
        sign_s += time.perf_counter() - started
        started = time.perf_counter()
        matches = table.matches(sig)
        look_ms.append((time.perf_counter() - started) * 1000)
        source = original_headline(text)
        wanted = by_headline.get(source) if source else None
        exact += any(m.exact for m in matches)
        if wanted is not None:
            found += any(m.key == wanted for m in matches)
            missed += not any(m.key == wanted for m in matches)
        key = f"news_{number:06d}"
        story[key] = wanted or key
        # another republication of the same story is a right answer too
        false_alarms += any(story[m.key] != story[key] for m in matches)
        table.add(key, sig)
        by_headline.setdefault(text.split("\n", 1)[0], key)
    return {"documents": documents, "words": words, "republications": found + missed,
            "found": found, "missed": missed, "false_alarms": false_alarms, "exact": exact,
            "signature_us_per_word": round(sign_s / words * 1e6, 3),
            "lookup_ms_p50": round(statistics.median(look_ms), 3),
            "lookup_ms_max": round(max(look_ms), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(run(args.documents, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
