"""Text -> search terms: NFKC, case and accent folding, stopwords, Snowball stemming."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import Stemmer

STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd
he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in
into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once
only or other ought our ours ourselves out over own same shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's
these they they'd they'll they're they've this those through to too under until up very was
wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while
who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours
yourself yourselves s t d ll m re ve also tell say said says us
""".split())

# Snowball leaves irregular past forms alone ("lost" != "lose"); map the common ones.
_IRREGULAR = dict(pair.split(":") for pair in """
arose:arise awoke:awake bore:bear borne:bear beat:beat beaten:beat became:become began:begin
begun:begin bent:bend bet:bet bit:bite bitten:bite bled:bleed blew:blow blown:blow broke:break
broken:break bred:breed brought:bring built:build burnt:burn bought:buy caught:catch
chose:choose chosen:choose came:come cost:cost crept:creep cut:cut dealt:deal dug:dig did:do
done:do drew:draw drawn:draw drove:drive driven:drive ate:eat eaten:eat fell:fall fallen:fall
fed:feed felt:feel fought:fight found:find fled:flee flew:fly flown:fly forbade:forbid
forgot:forget forgotten:forget forgave:forgive froze:freeze frozen:freeze got:get gotten:get
gave:give given:give went:go gone:go grew:grow grown:grow hung:hang heard:hear hid:hide
hidden:hide held:hold hurt:hurt kept:keep knew:know known:know laid:lay led:lead left:leave
lent:lend lost:lose made:make meant:mean met:meet overran:overrun overtook:overtake
overtaken:overtake paid:pay rode:ride ridden:ride rang:ring rose:rise risen:rise ran:run
sought:seek sold:sell sent:send set:set shook:shake shaken:shake shot:shoot shut:shut sang:sing
sank:sink sat:sit slept:sleep slid:slide spoke:speak spoken:speak spent:spend spread:spread
stood:stand stole:steal stolen:steal struck:strike stricken:strike swore:swear sworn:swear
swept:sweep swam:swim took:take taken:take taught:teach tore:tear torn:tear told:tell
thought:think threw:throw thrown:throw understood:understand undertook:undertake woke:wake
wore:wear worn:wear won:win withdrew:withdraw withdrawn:withdraw wrote:write written:write
""".split())
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "′": "'",
                         "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
# Thousands separators are folded into the number ("26,000" -> "26000"); other tokens are
# runs of letters/digits, so hyphens, apostrophes and slashes split words ("Tuareg-led").
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|[^\W_]+")
_WORD = re.compile(r"[^\W_]+(?:[,.'’][^\W_]+)*")


def _combining_class() -> re.Pattern[str]:
    marks = [chr(c) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c))]
    return re.compile("[" + "".join(re.escape(m) for m in marks) + "]+")


_COMBINING = _combining_class()


def fold(text: str) -> str:
    """NFKC, case folding, accent folding and quote normalisation."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    stripped = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", stripped)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem of one folded word (numbers and non-Latin words unchanged)."""
    if not word.isascii() or word.isdigit():
        return word
    return str(_stemmer().stemWord(_IRREGULAR.get(word, word)))


def _term(token: str) -> str:
    """The term of one folded token, or "" for a stopword or a lone letter."""
    word = token.replace(",", "")
    if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
        return ""
    return stem(word)


_TERMS: dict[str, str] = {}  # token -> term: analysis is dominated by repeated words
# Capitals of 2-6 letters name something ("IS Sahel", "ISGS", "US"): such a token keeps its
# folded form, unstemmed and never a stopword, unless its whole line is shouted.
_ACRONYM_LEN = range(2, 7)
# Two words in capitals in a row: the cheap sign that a line may be shouted.
# Starts with a letter class (the regex engine scans for it fast); the lookbehind keeps it
# linear on long runs of capitals.
_CAPS_WORDS = re.compile(r"[A-Z](?<![A-Za-z][A-Z])[A-Z]++[^\w\n]++[A-Z]{2}")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_LINE = re.compile(r"[^\n]+")


def is_acronym(token: str) -> bool:
    """A token written in capitals of 2-6 letters ("IS", "ISGS", "JNIM")."""
    return len(token) in _ACRONYM_LEN and token.isalpha() and token.isupper()


def acronym_term(token: str) -> str:
    """The term of an acronym token: folded, not stemmed."""
    return token.lower() if token.isascii() else fold(token)


def _unaccent(text: str) -> str:
    """NFKC, quote normalisation and accent folding, keeping letter case."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", text)))


def is_shouted(line: str) -> bool:
    """A line written mostly in capitals (a headline, or a user shouting)."""
    upper = len(_UPPER.findall(line))
    return upper >= 4 and upper > 2 * len(_LOWER.findall(line))


def _lower_shouted(text: str) -> str:
    """Text with its shouted lines in lower case: their capitals name nothing."""
    return _LINE.sub(lambda m: m.group().lower() if is_shouted(m.group()) else m.group(), text)


def _token_term(token: str) -> str:
    """The term of one token as written, or "" for a stopword or a lone letter."""
    if is_acronym(token):
        return acronym_term(token)
    return _term(token.lower() if token.isascii() else token.casefold())


def analyze(text: str) -> list[str]:
    """Terms of a text, in order, as indexed and queried."""
    if not text.isascii():
        text = _unaccent(text)
    if _CAPS_WORDS.search(text):
        text = _lower_shouted(text)
    terms = []
    cache = _TERMS
    # A possessive's "s" is a token of its own, dropped as a lone letter ("Mali's").
    for token in _TOKEN.findall(text):
        term = cache.get(token)
        if term is None:
            if len(cache) > 500_000:
                cache.clear()
            term = cache[token] = _token_term(token)
        if term:
            terms.append(term)
    return terms


# Query-side equivalences common in conflict reporting; each line is one group of words.
_SYNONYM_GROUPS = """
army military troops forces soldiers
leave withdraw withdrawal exit depart pull
kill killed death deaths die dead casualties toll
fight fighting battle clash combat
war conflict hostilities
attack assault raid strike offensive
rebel rebels insurgent separatist militant
jihadist islamist
agreement accord deal
capture seize take control
abduct kidnap hostage
work collaborate cooperate
join integrate incorporate
ties relations
cut break sever
coalition alliance
talks negotiations dialogue
profit benefit exploit
lose lost loss losses
""".strip().splitlines()


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, frozenset[str]]:
    groups: dict[str, frozenset[str]] = {}
    for line in _SYNONYM_GROUPS:
        group = frozenset(stem(w) for w in line.split())
        for term in group:
            groups[term] = groups.get(term, frozenset()) | group
    return groups


# One-way broader terms (a thesaurus's BT relation, ISO 25964): a question about a kind of
# event ("attack", "ambush") is also answered, less well, by a passage telling of that
# violence in the general words of its field ("fighting", "a battle", "killed", "wounded");
# a question about fighting is not answered by any attack. Pairs: narrower, broader words.
_BROADER_GROUPS = (
    ("attack assault raid strike offensive ambush",
     "fight fighting battle clash combat kill killed dead died casualties wounded"),
)


@lru_cache(maxsize=1)
def _broader() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for narrower, wider in _BROADER_GROUPS:
        terms = frozenset(stem(w) for w in wider.split())
        for term in {stem(w) for w in narrower.split()}:
            table[term] = table.get(term, frozenset()) | terms
    return table


def broader(term: str) -> frozenset[str]:
    """The broader terms of an index term (`_BROADER_GROUPS`), none for most terms."""
    return _broader().get(term, frozenset())


def expand(terms: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each distinct query term with the equivalent terms that also count for it."""
    table = _synonyms()
    return {t: table.get(t, frozenset()) | {t} for t in dict.fromkeys(terms)}


_WORD_TERMS: dict[str, frozenset[str]] = {}  # surface word -> its terms (for highlighting)


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of the words in `text` whose terms are among `terms`."""
    wanted = frozenset(terms)
    if not wanted:
        return []
    cache = _WORD_TERMS
    spans = []
    for match in _WORD.finditer(text):
        word = match.group()
        found = cache.get(word)
        if found is None:
            if len(cache) > 500_000:
                cache.clear()
            found = frozenset(analyze(word))
            if is_acronym(word):  # in a shouted headline it is an ordinary word
                found |= frozenset(analyze(word.lower()))
            cache[word] = found
        if not wanted.isdisjoint(found):
            spans.append((match.start(), match.end()))
    return spans


# A word written with a capital (Latin letters): names are what surface forms are for.
# No \b: three times faster, and capitals inside words are rare in prose.
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ][^\W_]*")


def surface_forms(texts: Iterable[str], occurrences: Mapping[str, int] | None = None
                  ) -> dict[str, str]:
    """The most frequent capitalised spelling of each term that the texts mostly write
    with a capital ("Tinzaouatene", "JNIM", "Goïta"): names. `occurrences` (term -> count
    over the texts) tells "mostly"; without it, any capitalised use counts."""
    words = Counter(_CAPITALISED.findall("\n".join(texts)))
    best: dict[str, tuple[int, int, str]] = {}  # term -> (total, best count, spelling)
    cache = _TERMS
    for word, count in words.items():
        if word.isascii():
            term = cache.get(word)
            if term is None:
                term = _token_term(word)
        else:
            terms = analyze(word)
            term = terms[0] if len(terms) == 1 else ""
        if term:
            total, top, spelling = best.get(term, (0, 0, ""))
            best[term] = (total + count, *((count, word) if count > top else (top, spelling)))
    if occurrences is None:
        return {term: spelling for term, (_, _, spelling) in best.items()}
    return {term: spelling for term, (total, _, spelling) in best.items()
            if 2 * total >= occurrences.get(term, 0)}
