"""Robustness to the way a question is typed: the same question, rewritten as a chat user
would type it, should get the same answer.

    python bench/perturb.py [--questions tests/eval/dev.yaml] [--families typo lower ...]
                            [--config config.yaml] [--show 5] [--json out.json]

For every question of the set, each family below rewrites it once (a small pure function
with an RNG seeded by the family and the question, so a run is reproducible and a question's
rewrite does not depend on the others). The original and every rewrite are asked through
bot.core.Service, as `conflictbot eval` asks them, and judged with bot.evaluate's evidence
matching. Per family the report gives how many answerable questions it rewrote, how many
rewrites the bot refused ("nothing in the corpus") where it answered the original, and how
many lost the evidence at rank 1 (at ALL_SIDES_K for questions needing every side) where the
original had it; the ones gained are shown too. The out-of-corpus questions are rewritten
the same way, and the report counts those the bot abstained on as asked and answers once
rewritten (a fix for typed-otherwise questions must not answer what the corpus lacks).

Families:
- typo: one letter swapped with the next, dropped or doubled, inside one lower-case content
  word that a general dictionary knows (not a name); the typo is not itself a word.
- lower: all lower case, no punctuation (apostrophes and hyphens inside words kept).
- hedge: a general-English word the corpus may not use ("exactly", "reportedly", "ever")
  after the question word or before the question mark.
- keywords: the question word and its auxiliaries dropped ("MUJAO founded?"), or the question
  turned into a list of its content words ("Tinzaouatene Wagner fight").
- synonym: one word replaced by a common English synonym (SYNONYMS, written from general
  knowledge, not from any question set).
- chat: a leading or trailing chat fragment that no noise table holds whole (CHAT_FRAGMENTS).
- accents: accents removed and French elided articles glued ("l'armée" -> "larmee").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.core import Service  # noqa: E402
from bot.evaluate import EvalQuestion, EvalResult, evaluate, load_questions  # noqa: E402
from index.analyze import STOPWORDS  # noqa: E402
from index.lexicon import is_dictionary_word  # noqa: E402
from index.noise import CHATTER_PHRASES  # noqa: E402

SEED = "conflictbot-perturb"
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\S")
_LETTERS = re.compile(r"^[a-z]+$")
_MIN_TYPO_WORD = 5  # shorter words have too few inner letters to mistype realistically

Family = Callable[[str, random.Random], "str | None"]


def _tokens(question: str) -> list[str]:
    return _TOKEN.findall(question)


def _words_of(question: str) -> list[re.Match[str]]:
    return list(re.finditer(r"[^\W\d_]+", question))


def _keep_case(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


# --- (a) one typo in a common word ------------------------------------------------------------

def _is_plain_word(word: str) -> bool:
    """A lower-case content word a general dictionary knows (English or French): no name."""
    return (len(word) >= _MIN_TYPO_WORD and bool(_LETTERS.match(word))
            and word not in STOPWORDS
            and (is_dictionary_word(word) or is_dictionary_word(word, "fr")))


def _misspellings(word: str) -> list[str]:
    """Every swap of two neighbouring letters, drop of a letter and doubled letter inside
    the word (its first letter kept: people rarely mistype it), not itself a word."""
    inner = range(1, len(word))
    found = [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in inner
             if i + 1 < len(word) and word[i] != word[i + 1]]
    found += [word[:i] + word[i + 1:] for i in inner]
    found += [word[:i] + word[i] + word[i:] for i in inner]
    return [w for w in dict.fromkeys(found) if w != word and not is_dictionary_word(w)
            and not is_dictionary_word(w, "fr")]


def typo(question: str, rng: random.Random) -> str | None:
    words = [m for m in _words_of(question) if _is_plain_word(m.group())]
    if not words:
        return None
    word = rng.choice(words)
    kind = rng.choice(("swap", "drop", "double"))
    choices = _misspellings(word.group())
    by_kind = [w for w in choices if _typo_kind(word.group(), w) == kind] or choices
    if not by_kind:
        return None
    return question[:word.start()] + rng.choice(by_kind) + question[word.end():]


def _typo_kind(word: str, typo: str) -> str:
    if len(typo) < len(word):
        return "drop"
    return "double" if len(typo) > len(word) else "swap"


# --- (b) lower case, no punctuation -----------------------------------------------------------

def lower(question: str, rng: random.Random) -> str | None:
    text = re.sub(r"(?<![^\W_])['’-]|['’-](?![^\W_])", " ", question.lower())
    text = re.sub(r"[^\w\s'’-]", " ", text)
    text = " ".join(text.split())
    return text if text != question else None


# --- (c) a hedge word -------------------------------------------------------------------------

HEDGES = ("exactly", "officially", "reportedly", "roughly", "ever", "actually", "again",
          "really", "supposedly", "precisely", "basically", "even", "finally", "truly")
_QUESTION_WORDS = frozenset("who what when where why how which whom whose".split())
_AUXILIARIES = frozenset("""is are was were do does did has have had will would can could
should many much""".split())


def hedge(question: str, rng: random.Random) -> str | None:
    """The hedge after a question word that an auxiliary follows ("Who actually was"), or
    before the closing punctuation."""
    word = rng.choice(HEDGES)
    words = _words_of(question)
    if len(words) > 1 and words[0].group().lower() in _QUESTION_WORDS \
            and words[1].group().lower() in _AUXILIARIES - {"many", "much"} \
            and rng.random() < 0.5:
        at = words[0].end()
        return question[:at] + " " + word + question[at:]
    body = question.rstrip(" ?!.")
    return body + " " + word + question[len(body):]


# --- (d) keywords -----------------------------------------------------------------------------

def keywords(question: str, rng: random.Random) -> str | None:
    words = [m.group() for m in re.finditer(r"[^\W_]+(?:['’-][^\W_]+)*", question)]
    if rng.random() < 0.5 and words and words[0].lower() in _QUESTION_WORDS:
        start = 1
        while start < len(words) and words[start].lower() in _AUXILIARIES:
            start += 1
        kept = words[start:]
    else:
        kept = [w for w in words if w.lower() not in STOPWORDS]
    text = " ".join(kept)
    return text if kept and text != question.rstrip(" ?!.") else None


# --- (e) a synonym ----------------------------------------------------------------------------

# Common English words and a synonym each, written from general knowledge.
SYNONYMS = {
    "attack": "assault", "attacks": "assaults", "attacked": "assaulted",
    "killed": "slain", "kill": "murder", "died": "perished", "deaths": "fatalities",
    "army": "military", "soldiers": "troops", "troops": "soldiers", "forces": "troops",
    "leader": "head", "leaders": "heads", "start": "begin", "started": "began",
    "began": "started", "begin": "start", "ended": "finished",
    "leave": "exit", "withdraw": "pull out", "withdrawal": "pullout",
    "captured": "seized", "seized": "captured", "capture": "seize",
    "city": "town", "town": "city", "village": "settlement", "people": "persons",
    "government": "authorities", "president": "head of state", "agreement": "deal",
    "deal": "agreement", "talks": "negotiations", "negotiations": "talks",
    "fighting": "clashes", "clashes": "fighting", "war": "conflict", "conflict": "war",
    "rebels": "insurgents", "insurgents": "rebels", "militants": "fighters",
    "fighters": "militants", "terrorists": "extremists", "group": "organisation",
    "groups": "organisations", "country": "nation", "border": "frontier",
    "kidnapped": "abducted", "abducted": "kidnapped", "hostages": "captives",
    "bombing": "blast", "explosion": "blast", "base": "camp", "camp": "base",
    "coup": "takeover", "election": "vote", "elections": "polls", "operation": "mission",
    "mission": "operation", "help": "assist", "support": "backing", "allies": "partners",
    "big": "large", "large": "big",
    "announced": "declared", "declared": "announced", "said": "stated",
    "destroyed": "wrecked", "burned": "torched", "fled": "escaped", "violence": "bloodshed",
    "massacre": "slaughter", "sanctions": "penalties", "expelled": "kicked out",
    "ambassador": "envoy", "envoy": "ambassador", "happened": "occurred",
    "biggest": "largest", "largest": "biggest", "main": "principal", "why": "for what reason",
    "ally": "partner", "weapons": "arms", "area": "zone", "region": "area",
    "residents": "inhabitants", "civilians": "non-combatants", "officials": "authorities",
    "claimed": "asserted", "accused": "blamed", "blamed": "accused", "role": "part",
    "founded": "established", "established": "founded", "created": "formed",
    "stop": "halt", "ban": "prohibition",
    "banned": "prohibited", "killing": "murder", "wounded": "injured", "injured": "wounded",
}


def synonym(question: str, rng: random.Random) -> str | None:
    words = [m for m in _words_of(question) if m.group().lower() in SYNONYMS]
    if not words:
        return None
    word = rng.choice(words)
    other = _keep_case(word.group(), SYNONYMS[word.group().lower()])
    return question[:word.start()] + other + question[word.end():]


# --- (f) a chat fragment ----------------------------------------------------------------------

# Leading and trailing chat fragments; none is a phrase of index.noise's tables as a whole
# (tests/test_perturb.py checks it).
LEADING_FRAGMENTS = ("srs question:", "any1 know this one -", "ok real q:", "sorry noob here,",
                     "been reading about this,", "need help w/ something:", "q for the group:",
                     "random thought,")
TRAILING_FRAGMENTS = ("any1 know?", "srs question", "thx heaps", "much appreciated",
                      "anyone??", "cant find it anywhere", "been googling for ages",
                      "need this for tmrw", "ta", "cheers all")
CHAT_FRAGMENTS = LEADING_FRAGMENTS + TRAILING_FRAGMENTS


def chat(question: str, rng: random.Random) -> str | None:
    if rng.random() < 0.5:
        return rng.choice(LEADING_FRAGMENTS) + " " + question
    return question + " " + rng.choice(TRAILING_FRAGMENTS)


def fragment_is_chatter(fragment: str) -> bool:
    """True if the fragment as a whole (lower case, without punctuation) is a phrase of
    index.noise's chatter table."""
    words = " ".join(re.findall(r"[\w']+", fragment.lower()))
    return words in CHATTER_PHRASES


# --- (g) accents and glued French articles ----------------------------------------------------

_ELIDED = re.compile(r"\b([ldjnsctLDJNSCT]|qu|Qu|jusqu|lorsqu|puisqu)['’](?=[^\W\d_])")


def accents(question: str, rng: random.Random) -> str | None:
    plain = "".join(c for c in unicodedata.normalize("NFKD", question)
                    if not unicodedata.combining(c))
    glued = _ELIDED.sub(lambda m: m.group(1), plain)
    return glued if glued != question else None


FAMILIES: dict[str, Family] = {"typo": typo, "lower": lower, "hedge": hedge,
                               "keywords": keywords, "synonym": synonym, "chat": chat,
                               "accents": accents}


def rewrite(question: str, family: str, seed: str = SEED) -> str | None:
    """The question as the family rewrites it, or None when the family does not apply."""
    return FAMILIES[family](question, random.Random(f"{seed}:{family}:{question}"))


# --- measuring --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flip:
    original: str
    rewritten: str
    kind: str
    before: EvalResult
    after: EvalResult


@dataclass(frozen=True)
class FamilyFigures:
    family: str
    rewritten: int  # questions the family applied to
    refused: tuple[Flip, ...]  # answered before, refused after
    lost: tuple[Flip, ...]  # evidence at rank 1 (all sides in top 3) before, not after
    gained: tuple[Flip, ...]  # the reverse
    unanswerable: int = 0  # out-of-corpus questions the family applied to
    answered: tuple[Flip, ...] = ()  # of those: abstained before, answered after

    def row(self) -> str:
        return (f"{self.family:<10}{self.rewritten:>6}{len(self.refused):>9}"
                f"{_share(len(self.refused), self.rewritten):>8}{len(self.lost):>7}"
                f"{_share(len(self.lost), self.rewritten):>8}{len(self.gained):>8}"
                f"{self.unanswerable:>7}{len(self.answered):>10}")

    def to_json(self) -> dict[str, Any]:
        return {"rewritten": self.rewritten, "refused": [_flip_json(f) for f in self.refused],
                "lost": [_flip_json(f) for f in self.lost],
                "gained": [_flip_json(f) for f in self.gained],
                "unanswerable": self.unanswerable,
                "answered": [_flip_json(f) for f in self.answered]}


HEADER = (f"{'family':<10}{'n':>6}{'refused':>9}{'%':>8}{'lost@1':>7}{'%':>8}"
          f"{'gained':>8}{'n ooc':>7}{'answered':>10}")


def _share(part: int, whole: int) -> str:
    return f"{100 * part / max(1, whole):.1f}"


def _flip_json(flip: Flip) -> dict[str, Any]:
    return {"question": flip.original, "rewritten": flip.rewritten, "kind": flip.kind,
            "rank_before": flip.before.rank, "rank_after": flip.after.rank,
            "abstained": flip.after.abstained, "top": list(flip.after.top[:3])}


def figures(family: str, pairs: Sequence[tuple[EvalResult, EvalResult]]) -> FamilyFigures:
    """Compare each original's result with its rewrite's."""
    refused, lost, gained, answered = [], [], [], []
    for before, after in pairs:
        flip = Flip(before.question.question, after.question.question, before.question.kind,
                    before, after)
        if not before.question.answerable:
            if before.abstained and not after.abstained:
                answered.append(flip)
        elif after.abstained and not before.abstained:
            refused.append(flip)
        elif before.hit and not after.hit:
            lost.append(flip)
        elif after.hit and not before.hit:
            gained.append(flip)
    unanswerable = sum(1 for before, _ in pairs if not before.question.answerable)
    return FamilyFigures(family, len(pairs) - unanswerable, tuple(refused), tuple(lost),
                         tuple(gained), unanswerable, tuple(answered))


async def measure(service: Service, questions: Sequence[EvalQuestion],
                  families: Sequence[str], seed: str = SEED) -> list[FamilyFigures]:
    """Every family's figures: answerable questions refused or losing their evidence,
    out-of-corpus ones answered."""
    originals = {r.question.question: r for r in (await evaluate(service, questions)).results}
    report = []
    for family in families:
        rewritten = [(q, rewrite(q.question, family, seed)) for q in questions]
        asked = [replace(q, question=text) for q, text in rewritten if text]
        results = (await evaluate(service, asked)).results
        before = [originals[q.question] for q, text in rewritten if text]
        report.append(figures(family, list(zip(before, results, strict=True))))
    return report


def print_report(report: Sequence[FamilyFigures], show: int) -> None:
    print(HEADER)
    for fam in report:
        print(fam.row())
    total = sum(f.rewritten for f in report)
    refused = sum(len(f.refused) for f in report)
    lost = sum(len(f.lost) for f in report)
    gained = sum(len(f.gained) for f in report)
    ooc = sum(f.unanswerable for f in report)
    answered = sum(len(f.answered) for f in report)
    print(f"{'all':<10}{total:>6}{refused:>9}{_share(refused, total):>8}{lost:>7}"
          f"{_share(lost, total):>8}{gained:>8}{ooc:>7}{answered:>10}")
    for fam in report if show else ():
        for label, flips in (("refused", fam.refused), ("lost", fam.lost),
                             ("answered", fam.answered)):
            for flip in flips[:show]:
                print(f"  [{fam.family} {label}] {flip.rewritten!r}  (was {flip.original!r}, "
                      f"rank {flip.before.rank} -> {flip.after.rank})")


async def main(args: argparse.Namespace) -> list[FamilyFigures]:
    config = load_config(args.config)
    questions = load_questions(Path(args.questions))
    service = await Service.open(config)
    try:
        return await measure(service, questions, args.families, args.seed)
    finally:
        await service.close()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", default="tests/eval/dev.yaml")
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--config", default=None, help="config file (default ./config.yaml)")
    parser.add_argument("--seed", default=SEED)
    parser.add_argument("--show", type=int, default=0, help="print this many flips a family")
    parser.add_argument("--json", help="write every flip here")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    result = asyncio.run(main(arguments))
    print_report(result, arguments.show)
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(
            {f.family: f.to_json() for f in result}, ensure_ascii=False, indent=1),
            encoding="utf-8")
