"""Seeded news-like corpus folder for reindex and scaling benchmarks (#13).

Each file is a wire-style article: a headline, a "Published" line, a byline, a dateline
("KORVANE, March 3 (AP) -"), then paragraphs of varying length with people, places and
groups, numbers and quotes. Some stories are repeated nearly verbatim on a second "site"
(another file, a changed headline and sentence: near-duplicate detection), and some files
hold two articles (a second headline and "Updated" line after the first's body).

No seed name appears: every name is generated from syllables, and every word of the
vocabulary (names, ordinary words, generated words) whose analysed term is one of the
seeds' specific names (bench/corpus.py seed_name_terms) is dropped, except the calendar
words (months, weekdays) that datelines need. `check_free_of_seed_names` re-reads a
generated folder and fails if one slipped through.

    python bench/news_corpus.py OUT_DIR --documents 2000            # ~52 MB, ~108k passages
    python bench/news_corpus.py OUT_DIR --passages 20000            # documents to match
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from index.analyze import analyze  # noqa: E402

PASSAGES_PER_DOCUMENT = 55  # measured: 2,000 documents -> ~110k passages, ~50 MB
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CALENDAR = frozenset(t for w in (*_MONTHS, *_WEEKDAYS) for t in analyze(w))
_WIRES = ("AP", "Xinhua", "dpa", "EFE", "ANSA")
_SITES = ("The Daily Ledger", "Frontline Wire", "Regional Monitor", "Continental Post")
_SYLLABLES = ("ba", "ko", "ra", "ti", "mo", "sa", "ne", "lu", "da", "vi", "ze", "go", "fa",
              "ri", "ta", "ma", "ka", "no", "pe", "su", "ha", "lo", "ve", "du", "ya", "zo")
_ORDINARY = """
army soldiers forces troops convoy base town village district region province border
capital city road bridge market school hospital camp refugees civilians residents families
officials government ministry minister president spokesman governor mayor commander
officer police militia fighters rebels insurgents group movement coalition alliance
attack attacks ambush raid clashes fighting offensive operation strike drone helicopter
killed wounded injured missing captured released kidnapped displaced fled returned
said told added warned denied confirmed announced reported claimed accused called urged
agreement talks ceasefire negotiations mediation peace deal election vote parliament
court judge trial charges sanctions aid food water fuel prices economy gold mine mining
drought harvest cattle herders farmers traders trucks supplies weapons explosives
security situation crisis violence conflict tensions unrest protest demonstration curfew
week month year morning night weekend hours days season rainy dry northern southern
eastern western central local national international regional foreign military civil
humanitarian political economic official senior former new latest several many few
according statement interview sources witnesses analysts observers diplomats journalists
report reports investigation inquiry footage video images radio television newspaper
people women children men young elders leaders chiefs community communities population
increase decrease rise fall growing worsening improving stable uncertain fragile
""".split()
_FUNCTION = """the the the a a an of of of in in in to to and and and on at by for with
from that which was were has had have is are will would could after before during since
while as its their his her this these those but also not more than about over into""".split()


class Vocabulary:
    """The words and names a corpus draws from, free of the seeds' specific names."""

    def __init__(self, rng: random.Random, banned: frozenset[str]) -> None:
        self.banned = banned - _CALENDAR
        self.ordinary = [w for w in _ORDINARY if self.allowed(w)]
        self.rare = self._unique(rng, 6_000, lambda: _word(rng, 2, 4).lower())
        self.people = self._unique(rng, 1_500, lambda: f"{_name(rng)} {_name(rng)}")
        self.places = self._unique(rng, 600, lambda: _name(rng))
        self.groups = self._unique(rng, 150, lambda: f"{_name(rng)} {rng.choice(_GROUP_KINDS)}")

    def allowed(self, text: str) -> bool:
        return self.banned.isdisjoint(analyze(text))

    def _unique(self, rng: random.Random, n: int, make: object) -> list[str]:
        assert callable(make)
        seen: dict[str, None] = {}
        while len(seen) < n:
            candidate = make()
            if self.allowed(candidate) and len(candidate) > 3:
                seen.setdefault(candidate)
        return list(seen)


_GROUP_KINDS = ("Front", "Movement", "Brigade", "Alliance", "Council", "Union")


def _word(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(low, high)))


def _name(rng: random.Random) -> str:
    return _word(rng, 2, 3).capitalize()


def seed_names(seeds: Path) -> frozenset[str]:
    """Analysed terms of the seeds' specific names (people, places, groups, acronyms)."""
    from bench.corpus import seed_name_terms

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(seeds.iterdir())
             if p.suffix in (".txt", ".md", ".html")]
    return frozenset(seed_name_terms(texts))


class Writer:
    """Sentences, paragraphs and articles from one seeded random stream."""

    def __init__(self, rng: random.Random, words: Vocabulary) -> None:
        self.rng, self.words = rng, words

    def sentence(self) -> str:
        rng, w = self.rng, self.words
        size = rng.randint(10, 30)
        tokens = [self._token() for _ in range(size)]
        tokens[0] = tokens[0].capitalize()
        text = " ".join(tokens)
        shape = rng.random()
        if shape < 0.12:
            return f'"{text}," said {rng.choice(w.people)}, a {rng.choice(w.ordinary)} official.'
        if shape < 0.25:
            return f"{text}, {rng.choice(w.places)} {rng.choice(w.ordinary)} said."
        return text + "."

    def _token(self) -> str:
        rng, w = self.rng, self.words
        r = rng.random()
        if r < 0.40:
            return rng.choice(_FUNCTION)
        if r < 0.75:
            return rng.choice(w.ordinary)
        if r < 0.86:
            return w.rare[int(len(w.rare) * rng.random() ** 3)]
        if r < 0.91:
            return rng.choice(w.places)
        if r < 0.94:
            return rng.choice(w.people)
        if r < 0.96:
            return rng.choice(w.groups)
        return f"{rng.randint(2, 950):,}" if r < 0.99 else f"{rng.randint(1, 99)}%"

    def paragraph(self) -> str:
        rng = self.rng
        count = rng.choice((1, 2, 2, 3, 3, 4, 4, 5, 6, 8))
        return " ".join(self.sentence() for _ in range(count))

    def headline(self) -> str:
        rng, w = self.rng, self.words
        return (f"{rng.choice(w.places)} {rng.choice(w.ordinary)} "
                f"{rng.choice(w.ordinary)} as {rng.choice(w.groups)} "
                f"{rng.choice(w.ordinary)} {rng.choice(w.ordinary)}").capitalize()

    def article(self, day: tuple[int, int, int], paragraphs: int) -> str:
        rng, w = self.rng, self.words
        year, month, date = day
        month_name = _MONTHS[month - 1]
        place = rng.choice(w.places).upper()
        lead = (f"{place}, {month_name} {date} ({rng.choice(_WIRES)}) - "
                + self.paragraph())
        body = "\n\n".join([lead, *(self.paragraph() for _ in range(paragraphs - 1))])
        return (f"{self.headline()}\n\nPublished {date:02d} {month_name} {year}\n"
                f"By {rng.choice(w.people)}\n\n{body}\n")


def near_copy(article: str, rng: random.Random, writer: Writer, site: str) -> str:
    """The same wire story on another site: another headline, one sentence rewritten."""
    head, _, rest = article.partition("\n\n")
    paragraphs = rest.split("\n\n")
    pick = rng.randrange(1, len(paragraphs)) if len(paragraphs) > 1 else 0
    paragraphs[pick] = writer.paragraph()
    return f"{head} - {site}\n\n" + "\n\n".join(paragraphs) + f"\n\nShare\n\n{site}\n"


def generate(out: Path, documents: int, seed: int = 0, seeds: Path = ROOT / "seeds"
             ) -> list[Path]:
    """Write `documents` files into `out` (deterministic for a seed); their paths."""
    rng = random.Random(seed)
    writer = Writer(rng, Vocabulary(rng, seed_names(seeds)))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    stories: list[str] = []
    for number in range(documents):
        day = (rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
        if stories and rng.random() < 0.05:
            text = near_copy(rng.choice(stories), rng, writer, rng.choice(_SITES))
        else:
            text = writer.article(day, _paragraph_count(rng))
            stories.append(text)
            if rng.random() < 0.04:
                second = writer.article(day, rng.randint(4, 12))
                head, _, rest = second.partition("\n\n")
                text += f"\n{head}\n\nUpdated {day[2]:02d} {_MONTHS[day[1] - 1]} {day[0]}\n\n" \
                        + rest.split("\n\n", 1)[1]
        path = out / f"news_{number:06d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _paragraph_count(rng: random.Random) -> int:
    return max(3, int(rng.lognormvariate(3.75, 0.5)))


def documents_for(passages: int) -> int:
    return max(1, round(passages / PASSAGES_PER_DOCUMENT))


def check_free_of_seed_names(files: Iterable[Path], seeds: Path = ROOT / "seeds") -> set[str]:
    """Seed-name terms found in capitalised words of the generated files (empty if none)."""
    banned = seed_names(seeds) - _CALENDAR
    found: set[str] = set()
    for path in files:
        for word in set(re.findall(r"\b[A-Z][\w'-]+", path.read_text(encoding="utf-8"))):
            found.update(banned.intersection(analyze(word)))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the documents into")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--documents", type=int, default=2000)
    size.add_argument("--passages", type=int, help="approximate passages (sets --documents)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true",
                        help="re-read the files and fail if a seed name slipped in")
    args = parser.parse_args(argv)
    documents = documents_for(args.passages) if args.passages else args.documents
    files = generate(args.out, documents, args.seed)
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    print(f"{len(files)} documents, {megabytes:.1f} MB in {args.out}")
    if args.check and (leaked := check_free_of_seed_names(files)):
        print(f"seed names found: {sorted(leaked)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
