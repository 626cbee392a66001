"""Chat noise around a question: handles, emoji, greetings and chatter, repeated punctuation.
What is removed here never reaches the search, and is not shown to users as a change."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from index.analyze import STOPWORDS

# Whole words or phrases that frame a chat message but say nothing about the war. Matched
# case-insensitively as whole words anywhere in the message.
CHATTER_PHRASES = """
hey there|hey all|hi all|hello all|hey everyone|hi everyone|hello everyone
hey|hi there|hi|hello|hullo|yo|good morning|good evening|greetings|howdy
what's up with|whats up with|what's up|whats up|wassup|sup
can you tell me|could you tell me|can u tell me|pls tell me|please tell me|tell me
can you explain|could you explain|can you|could you|can u|would you|will you
do you know|does anyone know|anyone know|any idea|any ideas|i want to know|i'd like to know
i would like to know|i wonder|i was wondering|just wondering|wondering|quick question
just curious|curious
help me understand|help me|i need to know|need info on|info on|fill me in on|update me on
thanks a lot in advance|thanks in advance|thank you in advance|thx in advance|thanks a lot
ty in advance|thank u in advance|thanks a ton|thx a ton|thanks a bunch|thanks a million|thanks heaps
i'm lost|im lost|i'm confused|im confused|so confused|i'm so lost|kind regards|best regards
warm regards|regards|sincerely|best wishes|cordialement|bien à vous|first post|new here
thank you so much|thanks so much|many thanks|merci d'avance|merci par avance
please|pls|plz|plse|thanks|thank you|thx|ty|cheers|lol|lmao|rofl|haha|hahaha|omg|wtf|btw
idk|imo|tbh|or nah|or not|bro|bruh|mate|guys|dude|folks|ok so|okay so|ok|okay|um|uh|hmm
ngl|fr fr|fr|smh|imho|afaik|iirc|tbf|fyi|ikr|jk|lowkey|no cap|for real|fam
istg|tia|ffs|omfg|wth|jeez|deadass|wdym|ykwim|ykw|tysm|tyvm|hbu|wbu|icl|tryna|finna|boutta
imma|wyd|ttyl|brb|irl|omw|idek|idrc|ong|frfr|fwiw|afaict|iiuc|tfw|ofc|obv|obvs|tbqh|nbd|np
yw|hth|pls respond|plz respond|thx in adv|thanks in adv|tnx|thnx|thanx
yall|y'all|pls help|plz help|help pls|real quick|quick one|quick q|asap|sry|sorry|srsly|seriously
ugh|wow|yikes|damn|dang|oof|huh|eh|hm|hmmm|welp|pfff|bruv|ppl|lemme|gimme|dunno|idc|nvm
mdr|ptdr|wsh|wesh|du coup|bref|euh|hein
dumb question|stupid question|silly question|noob question|naive question|random question
no offense|no offence|sorry if this is obvious|if this is obvious|sorry if this is a dumb question
real talk|honestly|genuinely|pretty please|kindly|dear bot|hey bot|hi bot|hello bot|yo bot
any chance you know|any chance u know|any chance you could|any chance u could|any chance
eli5|explain like i'm 5|explain like im 5|explain like i'm five|like i'm 5|like im 5
like i'm five|like im five|tldr|tl;dr|tl dr|lmk|let me know|hmu|iykyk|asking for a friend
salut|bonjour|bonsoir|coucou|stp|svp|s'il te plait|s'il vous plait|merci|merci beaucoup
slt|bjr|bsr|cc|merci bcp|merci bien|bcp|en fait|franchement|genre|bon|voilà|voila|allez
salam|salaam|salam alaykum|salam aleikum|salam alaikum|salaam alaikum|salamalekum
assalamu alaikum|assalamu alaykum|as-salamu alaykum|as salamu alaykum|assalam alaikum
marhaba|ahlan|ahlan wa sahlan|wallah|wallahi|inshallah|insha'allah|mashallah|alhamdulillah
no idea|no clue|shukran|shukran in advance|jazakallah|jazakallah khair|habibi|yalla|khalas
dis moi|dites moi|dis-moi|dites-moi|tu sais|vous savez|je voudrais savoir|je veux savoir
""".strip().replace("\n", "|").split("|")

_WORD = re.compile(r"[\w'’]+")
# A link, with or without its scheme ("t.me/sahelnews/12", "youtube.com/watch?v=x"), and the
# angle brackets Discord puts around a link so that it shows no preview.
_URL = re.compile(r"<?(?:https?://\S+|www\.\S+|(?<![\w@.])(?:[a-z0-9-]+\.)+[a-z]{2,6}/\S*)>?",
                  re.IGNORECASE)
# What chat apps add around a message when it is copied, forwarded or quoted: a forward's
# header line ("[Forwarded from X]", "Forwarded from X", "---- Forwarded message ----"),
# a reply's ("Replying to @x:", "In reply to Amadou:"), a copied log line's timestamp and
# author ("[12:04] amadou:", "Amadou Traoré, [03.12.26 14:02]", "Today at 9:41 PM"),
# and "(edited)".
_TIME = r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
_DAY = r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"
_STAMP = rf"\[\s*(?:{_DAY}),?\s*(?:{_TIME})?\s*\]|\[\s*{_TIME}\s*\]"
_AUTHOR = (r"(?!(?:who|what|when|where|why|how|which|is|are|was|were|did|does|do)\b)"
           r"[^\s:,\[\]]+(?:\s[^\s:,\[\]?]+){0,2}\s*:")
_APP_MARKS = re.compile(
    rf"\[forwarded\s+(?:message\s+)?from\b[^\n\]]*\]"
    rf"|(?m:^[ \t]*forwarded\s+(?:message\s+)?from\b[^\n?:]*\n)"
    rf"|(?m:^[ \t]*[-=]*[ \t]*forwarded\s+message[ \t]*[-=]*[ \t]*(?:\n|$))"
    rf"|(?m:^[ \t]*(?:replying|in\s+reply|reply)\s+to\s+@?{_AUTHOR})"
    rf"|(?m:^[ \t]*(?:{_STAMP})[ \t]*(?:{_AUTHOR})?)"
    rf"|(?m:^[^\n\[]{{1,40}},\s*(?:{_STAMP})[ \t]*(?:\n|$))"
    rf"|(?m:^[ \t]*(?:today|yesterday)\s+at\s+{_TIME}[ \t]*(?:\n|$))"
    rf"|(?m:^[ \t]*{_TIME}(?=\s+\w))"
    r"|\(edited\)|\(modifié\)",
    re.IGNORECASE)
# Markdown the apps render: struck-out words (taken back: "~~x~~" goes whole), and the
# marks of bold, italics, code and spoilers ("**x**", "__x__", "`x`", "||x||").
_STRUCK = re.compile(r"~~[^~\n]*~~")
_MARKUP = re.compile(r"\*\*|__|`+|\|\||~~")
# An emoji shortcode as Discord and Slack write it: ":thinking:", ":flag_ml:", ":+1:".
_SHORTCODE = re.compile(r"(?<![\w:])(?::[a-z0-9_+-]{2,40}:)+(?!\w)", re.IGNORECASE)
# A greeting's addressee, after a greeting ("salam alaykum brothers", "bonjour à tous").
_ADDRESSEE = re.compile(
    r"^(\W*(?:hi|hey|hello|salut|bonjour|bonsoir|coucou|salam|salaam|[\w-]*salamu?\s+"
    r"a[li]a?[iy]?kum|marhaba|ahlan)\b)\s*(?:all|everyone|everybody|guys|folks|friends"
    r"|people|brothers?|sisters?|bros|fam|team|à\s+tous|a\s+tous|tout\s+le\s+monde"
    r"|les\s+amis|les\s+gars)\b", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w+")
# Hashtags filing a message after its question ("what is JNIM #Mali #Sahel"); "#" alone.
_TRAILING_TAGS = re.compile(r"(?<=\S)(?:\s+#\w+)+\s*$")
_HASH = re.compile(r"(?<!\w)#(?=\w)")
# Who a message was forwarded or retweeted from: "RT @someone:", "via @desk", "h/t @x".
_FORWARDED = re.compile(r"(?<!\w)(?:RT|via|h/t|cc)\s*@\w+\s*:?", re.IGNORECASE)
_EMOTICON = re.compile(r"(?<!\w)(?:[:;=8][-'^]?[)(\]\[DPpOo/\\|*3]+|<3+|[xX]D+)(?!\w)")
_REPEATED_PUNCT = re.compile(r"([?!.,;:])[?!.,;:]+")
# Laughter however long it is typed: haha, ahahah, hehe, lol, lool, lmfao, xD, mdr.
_LAUGH = re.compile(r"(?<!\w)(?:a?(?:h[ae]){2,}h?|(?:he){2,}h?|lo+l+|lmf?a+o+|ro+fl|x+d+|"
                    r"(?:ja){2,}|mdr+|ptdr+)(?!\w)", re.IGNORECASE)
# Chat for "right now" and "not ... anymore": the question is about the present (recency).
_RIGHT_NOW = re.compile(r"(?<!\w)(?:rn|any\s?more)(?!\w)", re.IGNORECASE)
# Chat's words, one table (lexical normalisation of chat): each word a chat question is
# framed in, with the word it is written for ("y did" = why did, "2day" = today, "b4" =
# before), or alone when it only frames the question ("happened", "explain", "tho"). The
# written forms replace the chat spellings here; the framing words are left in the text
# (they may be part of a quote or a name) and understanding reads them as filler. Only
# words that say what is asked (a reason, a time) are written out; names and topic words
# are left to understanding.
CHAT_WORDS: dict[str, str] = {
    word: written for word, _, written in (entry.partition("=") for entry in """
2day=today 2dy=today tday=today 2nite=tonight tmrw=tomorrow tmr=tomorrow b4=before
any1=anyone some1=someone every1=everyone bcz=because bcoz=because cuz=because coz=because
b/c=because wat=what wut=what wht=what abt=about smth=something sth=something
w/=with w/o=without govt=government wen=when hw=how bout=about cos=because
goin=going
happen happened happens happening mean means meant know knows explain describe think
please information info news anyone anybody someone somebody thing things stuff
going goes doing done get got getting tell told say said update updates details
don doesn didn isn wasn aren weren won couldn wouldn shouldn haven hasn hadn ain
gonna wanna gotta kinda sorta ya u ur r pls plz bc tho gm gn bot
actually really basically anyway anyways exactly deal vs versus many much
whats wheres whos hows whens whys thats theres heres dont doesnt didnt isnt arent wasnt
werent cant couldnt wont wouldnt shouldnt im ive youre theyre weve lets saying says
sum1 2moro like even wait literally just whatever wot
""".split())}
# The framing words: understanding reads them as filler.
FRAMING_WORDS = frozenset(word for word, written in CHAT_WORDS.items() if not written)
# Shorthand with the word it stands for, written out in the text.
SHORTHAND = {word: written for word, written in CHAT_WORDS.items() if written}
_SHORTHAND = re.compile(rf"(?<![\w/])(?:{'|'.join(map(re.escape, SHORTHAND))})(?![\w/])",
                        re.IGNORECASE)
# Who is asking and why, framing a chat question: "im a journalist", "freelance reporter
# here", "working on a piece about", "for my article"; and hearsay framing a claim to check
# ("everyone is saying", "i heard that", "rumour has it"). Each way of framing is written
# with its hints: texts one of which every match of it holds (case-folded); a message that
# holds no hint skips the long pattern (tests check each way's hints against texts drawn
# from its pattern).
_ASKER_ROLES = ("journalist", "reporter", "student", "researcher", "writer", "analyst", "editor",
                "blogger", "academic", "lurker", "newbie", "noob", "newcomer", "beginner")
_ASKER_ROLE = rf"(?:{'|'.join(_ASKER_ROLES)})"
_WRITINGS = ("piece", "story", "article", "report", "explainer", "thesis", "paper", "essay",
             "feature", "blog post", "draft")
_WRITING = rf"(?:{'|'.join(_WRITINGS)})"
_DIGESTS = ("summary", "recap", "overview", "rundown", "breakdown", "link")
_FRAMINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (_ASKER_ROLES,
     rf"\b(?:i'?m|i am)\s+(?:an?\s+)?(?:[\w-]+\s+){{0,2}}?{_ASKER_ROLE}\b(?:\s+here\b)?"),
    (_ASKER_ROLES,
     rf"(?:^|(?<=[,.;:!?]))\s*(?:(?!(?:the|a|an)\b)[\w-]+\s+){{0,2}}{_ASKER_ROLE}\s+here\b"),
    # where the asker greets from ("greetings from Dakar"), who forwarded what follows
    (("from",), r"\b(?:greetings|hello|hi|hey)\s+(?:all\s+|everyone\s+)?from\s+[^,;:.!?\n]*"),
    (("forwarded",), r"\bforwarded\s+(?:message|from)\b[^:\n]*:"),
    (("working", "writing"),
     rf"\b(?:i'?m\s+|i am\s+)?(?:working|writing)\s+(?:on\s+)?(?:an?|my|our)\s+(?:[\w-]+\s+)?"
     rf"{_WRITING}\b(?:\s+(?:about|on)\b)?"),
    ((*_WRITINGS, "editor"), rf"\b(?:for|in)\s+(?:my|our)\s+(?:[\w-]+\s+)?(?:{_WRITING}|editor)\b"),
    (("asking",), rf"\basking\s+for\s+(?:an?|my|our)\s+{_WRITING}\b"),
    (("need",), r"\b(?:i\s+)?need\s+(?:the\s+|a\s+|an\s+)?(?:date|info|details|source|quote"
                r"|background|context)\b"),
    (("saying",), r"\b(?:is\s+)?(?:every\s?one|every\s?body|people|ppl|they)(?:'s|\s+are|\s+is)?"
                  r"\s+saying(?:\s+that)?\b"),
    (("that",), r"\b(?:i|we)\s+(?:heard|read|saw)\s+that\b"),
    (("someone", "somebody"), r"\b(?:someone|somebody)\s+(?:said|says|told me)(?:\s+that)?\b"),
    (("rumour", "rumor"), r"\brumou?r\s+has\s+it(?:\s+that)?\b"),
    # asking for a digest or a source of what follows: the answer is one, cited
    (_DIGESTS, rf"\b(?:(?:give|send)\s+me\s+|(?:i\s+)?need\s+)?an?\s+(?:quick\s+|short\s+"
               rf"|brief\s+)?(?:{'|'.join(_DIGESTS)})\s+(?:of|on|about|to|for)\b"),
    (("sum",), r"\b(?:summari[sz]e|sum\s+up)\b"),
    (("source",), r"^\s*(?:a\s+)?sources?\s+(?:for|on|about)\b"),
    (("source",), r"[-—–:,]\s*sources?\s*\??\s*$"),
    (("source", "link"), r"\b(?:got|have|any)\s+(?:a\s+)?(?:source|link)s?\s+(?:for|on|about)\b"),
    # where the asker saw what the question is about: "just saw a video on tiktok"
    (("tiktok", "twitter", "telegram", "facebook", "youtube", "insta", "whatsapp", "reddit",
      "discord", "snapchat", "social", "feed", "news", "radio"),
     r"\b(?:(?:just|i|we)\s+)?(?:saw|seen|read|watched|heard|found|came\s+across)\b"
     r"[^,.;:?!\n]{0,30}?\bon\s+(?:tiktok|twitter|telegram|facebook|youtube|instagram"
     r"|insta|whatsapp|reddit|discord|snapchat|social\s+media|my\s+feed|the\s+news"
     r"|the\s+radio)\b"),
    # asking which side of a disagreement to believe: the sides are the question
    (("right", "correct", "true", "truth", "lying"),
     r"\b(?:who|which\s+(?:one|side|version|account|story))(?:'s|\s+is|\s+was)\s+"
     r"(?:right|correct|true|telling\s+the\s+truth|lying)\b"),
    (("believe", "trust"), r"\bwho\s+(?:do|should|can)\s+(?:i|we|you)\s+(?:believe|trust)\b"),
    # list markers ("1) who attacked 2) when") and "the whole X thing"
    ((")",), r"(?:^|(?<=\s))\d{1,2}\)(?=\s)"),
    ((".", ")", "-", "*", "•", "q"), r"(?m:^\s*(?:\d{1,2}[.)]|[a-z]\)|[-*•]|q\d{0,2}\s*:)(?=\s))"),
    (("q",), r"(?<=[.?!]\s)q\d{1,2}\s*:(?=\s)"),
    (("whole",), r"\bthe\s+whole\b(?=(?:\s+[\w-]+){1,2}\s+thing\b)"),
    (("thing",), r"(?<=\w)\s+thing\b(?=\s*[?!.]*\s*$)"),
)
_FRAMING = re.compile("|".join(pattern for _, pattern in _FRAMINGS), re.IGNORECASE)
_FRAMING_HINTS = frozenset(hint for hints, _ in _FRAMINGS for hint in hints)
# A question word's clitic typed without its apostrophe ("whyd", "whod", "whatll"): the
# apostrophe put back, so the question word is read ("why'd").
_CLITIC = re.compile(r"(?<![\w'’])(why|what|who|how|where|when)(d|ll|re|ve)(?![\w'’])",
                     re.IGNORECASE)
# "y" for why, only opening a question before an auxiliary (French "y a-t-il" is not).
_WHY = re.compile(r"^(\s*)y(?=\s+(?:did|do|does|is|are|was|were|would|has|have|had|cant|"
                  r"can't|dont|don't|didnt|didn't|not)\b)", re.IGNORECASE)
# A letter's sign-off ending the message, with the sender's name on the line after it
# ("Best,\nSam", "Thanks!\n-- Amadou", "Cordialement,\nA. Traoré").
_SIGN_OFF = re.compile(
    r"\n\s*(?:best|regards|best regards|kind regards|warm regards|cheers|thanks|thank you"
    r"|many thanks|thx|sincerely|yours|best wishes|merci|cordialement|bien à vous|bises)"
    r"\s*[,.!]*\s*(?:\n\s*(?:--?\s*)?[^\n?]{1,40})?\s*$", re.IGNORECASE)
# Why the asker asks, ending the message: "asking bc my class is discussing it".
_ASKING_BECAUSE = re.compile(r"\basking\s+(?:bc|because|cuz|coz|cos|since|as)\b[^?]*$",
                             re.IGNORECASE)
# A reply's or a forum post's marker opening the message: "re:", "fwd:", "bump:", "[Q]".
_REPLY_MARK = re.compile(r"^\s*(?:(?:re|fwd?|bump)\s*:|\[\s*\w{1,3}\s*\])", re.IGNORECASE)
# A bot command opening the message ("/ask who runs Mali", "/ask@conflictbot ...").
_COMMAND = re.compile(r"^\s*/[a-z]\w*(?:@\w+)?(?!\S)", re.IGNORECASE)
# "pleeease", "Kidalll", shouted "SOOO": a letter typed 3+ times
_STRETCHED = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_SPACED_PUNCT = re.compile(r"\s+([?!.,;:])")
_EDGE = re.compile(r"^[\s,;:.!-]+|[\s,;:-]+$")
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Sm", "Cs", "Co", "Cn", "Cf", "Me"})
_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3")


@lru_cache(maxsize=1)
def _chatter() -> re.Pattern[str]:
    phrases = sorted(CHATTER_PHRASES, key=len, reverse=True)
    alternation = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in phrases)
    return re.compile(rf"(?<![\w'’])(?:{alternation})(?![\w'’])", re.IGNORECASE)


# The first word of each chatter phrase: a message holding none skips the long pattern.
_CHATTER_FIRST = frozenset(_WORD.findall(p.casefold())[0] for p in CHATTER_PHRASES)


def _chatter_removed(text: str) -> str:
    if not _CHATTER_FIRST.intersection(_WORD.findall(text.casefold())):
        return text
    return _chatter().sub(" ", text)


@lru_cache(maxsize=64)
def _bot_names(names: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [re.escape(n.strip().lstrip("@")) for n in names if n.strip().lstrip("@")]
    if not words:
        return None
    return re.compile(rf"(?<!\w)@?(?:{'|'.join(words)})(?!\w)", re.IGNORECASE)


def strip_emoji(text: str) -> str:
    """Text with pictographs, symbols and invisible format characters replaced by spaces."""
    if text.isascii():
        return text
    return "".join(" " if c in _JOINERS or unicodedata.category(c) in _SYMBOL_CATEGORIES
                   else c for c in text)


def _framing_removed(text: str) -> str:
    folded = text.casefold()
    if not any(hint in folded for hint in _FRAMING_HINTS):
        return text
    return _FRAMING.sub(" ", text)


# Words that, in a clause of their own beside the question, only frame it: "honest
# question:", "hope you're well.", "..., right?", "hold on,", "edit: typo", "sorry for my
# bad english". A clause made of these, framing words and stopwords, asking nothing, is
# dropped (the question is in another clause).
CLAUSE_CHAT = frozenset("""
question questions q honest serious genuine real quick random dumb stupid silly naive
hope hoping well doing fine good right correct true wait hold edit typo typos english
grammar bad lurker long time first poster newbie noob new here oh ah one thing follow
anyway so also yes yeah yep no nope ok okay sure guess bother sorry excuse
source sources link links ref refs citation citations proof asked ask already posted
confused lost curious wondering clarify answer answers respond reply bump post
src asking need urgent asap anybody anyone someone somebody
""".split())
_QUESTION_WORDS = frozenset("what who whom whose when where why how which".split())
_CLAUSE = re.compile(r"(?:[^,;:.!?\n()\s]|\s(?![-–—]\s))+")  # up to a break or " - "


def _only_chat(clause: str) -> bool:
    words = _WORD.findall(clause.casefold().replace("’", "'"))
    chat = [w for w in words if w in CLAUSE_CHAT or w in FRAMING_WORDS]
    return (bool(chat) and not _QUESTION_WORDS & set(words)
            and all(w in CLAUSE_CHAT or w in FRAMING_WORDS or w in STOPWORDS for w in words))


def _chat_clauses_removed(text: str) -> str:
    """The text without its clauses that only frame the question, when another is left;
    each goes with the break after it ("question:"), or before it when it ends the text
    ("..., right?")."""
    clauses = [c for c in _CLAUSE.finditer(text) if c.group().strip()]
    chat = [c for c in clauses if _only_chat(c.group())]
    if not chat or len(chat) == len(clauses):
        return text
    for clause in reversed(chat):
        start, end = clause.span()
        if clause is clauses[-1] and start > 0 and text[start - 1] in ",;:":
            start -= 1
        elif end < len(text):
            end += 1
        text = text[:start] + " " + text[end:]
    return text


def _written_out(shorthand: re.Match[str]) -> str:
    return _as_typed(SHORTHAND[shorthand.group().casefold()], shorthand.group())


def _as_typed(word: str, typed: str) -> str:
    """The word in capitals when the shorthand was shouted ("B4" -> BEFORE)."""
    return word.upper() if typed.isupper() else word


def _links_removed(text: str) -> str:
    """The text without its links (a link holds a dot or a slash)."""
    return _URL.sub(" ", text) if "." in text or "/" in text else text


def _app_marks_removed(text: str) -> str:
    """The text without what chat apps add when a message is copied, forwarded or quoted
    (headers, timestamps, "(edited)"), its markdown marks and its emoji shortcodes; "‽"
    and inverted marks read as plain ones."""
    if not _APP_HINTS.intersection(text):
        return text
    text = _APP_MARKS.sub(" ", text)
    text = _MARKUP.sub(" ", _STRUCK.sub(" ", text))
    return _SHORTCODE.sub(" ", text).replace("‽", "?!").replace("¿", " ").replace("¡", " ")


# Characters one of which every mark `_app_marks_removed` takes away holds.
_APP_HINTS = frozenset("[]:()*_`|~‽¿¡\n-")


def strip_noise(text: str, bot_names: Sequence[str] = ()) -> str:
    """The question without chat noise; "" when nothing but noise was said."""
    text = _links_removed(_SIGN_OFF.sub("", _app_marks_removed(text)))
    text = _HASH.sub("", _TRAILING_TAGS.sub("", text))
    greeted = _ADDRESSEE.match(text)
    if greeted is not None:
        text = greeted.group(1) + text[greeted.end():]
    text = _REPLY_MARK.sub(" ", _ASKING_BECAUSE.sub(" ", text))
    pattern = _bot_names(tuple(bot_names))
    if pattern is not None:
        text = pattern.sub(" ", text)
    text = _MENTION.sub(" ", _FORWARDED.sub(" ", text))
    text = _EMOTICON.sub(" ", strip_emoji(text))
    text = _RIGHT_NOW.sub("now", _LAUGH.sub(" ", _COMMAND.sub(" ", text)))
    text = _WHY.sub(lambda m: m.group(1) + _as_typed("why", m.group()[-1]),
                    _SHORTHAND.sub(_written_out, _CLITIC.sub(r"\1'\2", text)))
    text = _STRETCHED.sub(r"\1", _REPEATED_PUNCT.sub(r"\1", text))
    text = _chat_clauses_removed(_chatter_removed(_framing_removed(text)))
    text = _SPACES.sub(" ", _REPEATED_PUNCT.sub(r"\1", _SPACED_PUNCT.sub(r"\1", text)))
    return _EDGE.sub("", text)


# Words that, with chatter and emoji removed, still only acknowledge an answer
# ("thanks, that's useful 🙏"): a message made of nothing else is not a question.
ACKNOWLEDGEMENTS = frozenset("""
that that's thats this it it's is was very really so super quite too much
useful helpful great nice cool good perfect interesting awesome excellent amazing brilliant
noted true right exactly agreed yes yep yeah yup no nope sure fine got makes sense see i
c'est très utile génial parfait d'accord oui non ça bien vu top merci
""".split())


def is_acknowledgement(text: str) -> bool:
    """True for a message that asks nothing: thanks, emoji, "ok", "lol", "merci", "great"."""
    if "?" in text:
        return False
    words = _WORD.findall(strip_noise(text).casefold().replace("’", "'"))
    return all(word in ACKNOWLEDGEMENTS for word in words)
