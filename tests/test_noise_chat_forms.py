"""Chat forms of round h21 (#10 point 6), written before any tuning and from no evaluation
set: what Telegram and Discord put around a question when it is forwarded, quoted, copied
from a chat log or pasted with a link (headers, timestamps, "(edited)", markdown, emoji
shortcodes), greetings in Arabic and French, code-mixed French fillers, and slang closers.
Each noisy message gets the same top passage from the seed corpus as its clean question."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.noise import strip_noise
from tests.seeds_asker import SeedsAsker

BOT = "conflictbot"

BOULKESSI = "Who attacked the Boulkessi base?"
YUSOV = "What did Yusov say about the rebels?"
MINUSMA = "When did MINUSMA leave Mali?"
GOITA = "Who is Assimi Goïta?"
AGUELHOK = "What happened in Aguelhok in January 2012?"
CSP = "Why did the CSP withdraw from the peace process?"
DEATHS = "How many soldiers died at Boulikessi?"
AFRICA = "What is the Africa Corps?"
ANEFIS = "Who controls Anefis?"
DIABALY = "What did the French do in Diabaly?"
MNLA = "What is the MNLA?"

FORMS: list[tuple[str, str]] = [
    # forwarded and replied-to headers
    ("[Forwarded from Sahel News]\nwho attacked the Boulkessi base?", BOULKESSI),
    ("Forwarded from Sahel Watch\nWho attacked the Boulkessi base?", BOULKESSI),
    ("---------- Forwarded message ---------\nwhen did MINUSMA leave Mali?", MINUSMA),
    ("Replying to @sahelwatch: who is Assimi Goïta?", GOITA),
    ("In reply to Amadou: when did MINUSMA leave Mali?", MINUSMA),
    ("> Wagner is gone\n> they say Africa Corps stays\nwhat is the Africa Corps?", AFRICA),
    ("> did you see this?\n\nwho controls Anefis?", ANEFIS),
    # chat logs copied with their timestamps and names
    ("[12:04] amadou: what is the MNLA?", MNLA),
    ("[03/12/2026 09:15] Sam: who controls Anefis?", ANEFIS),
    ("Amadou Traoré, [03.12.26 14:02]\nwho controls Anefis?", ANEFIS),
    ("14:02 who attacked the Boulkessi base", BOULKESSI),
    ("Today at 9:41 PM\nwhat is the Africa Corps?", AFRICA),
    ("who controls Anefis? (edited)", ANEFIS),
    ("(edited) what did Yusov say about the rebels?", YUSOV),
    # links pasted with the question
    ("https://t.me/sahelnews/4512 who attacked the Boulkessi base?", BOULKESSI),
    ("who attacked the Boulkessi base? https://www.bbc.com/news/world-africa-123", BOULKESSI),
    ("saw this t.me/sahelnews/123 - who attacked the Boulkessi base?", BOULKESSI),
    ("<https://example.org/a> what is the MNLA", MNLA),
    ("what did Yusov say about the rebels? src: youtube.com/watch?v=abc123", YUSOV),
    # hashtags
    ("#breaking #sahel who attacked the Boulkessi base?", BOULKESSI),
    ("what is the #MNLA?", MNLA),
    ("#AfricaCorps what is the Africa Corps?", AFRICA),
    # Arabic and French greetings
    ("Salam alaykum, who controls Anefis?", ANEFIS),
    ("assalamu alaikum brothers, what is the MNLA?", MNLA),
    ("As-salamu alaykum! when did MINUSMA leave Mali?", MINUSMA),
    ("salam, who is Assimi Goïta", GOITA),
    ("marhaba! what is the MNLA?", MNLA),
    ("wallah who attacked the Boulkessi base", BOULKESSI),
    ("shukran in advance, who attacked the Boulkessi base?", BOULKESSI),
    ("Bonjour à tous, who controls Anefis?", ANEFIS),
    ("slt, what is the Africa Corps?", AFRICA),
    ("bjr who is Assimi Goïta?", GOITA),
    ("coucou tout le monde, when did MINUSMA leave Mali?", MINUSMA),
    ("merci bcp! what did the French do in Diabaly?", DIABALY),
    # pls, asap, anyone?
    ("who controls Anefis plsss", ANEFIS),
    ("plz plz plz what is the Africa Corps", AFRICA),
    ("need this asap!!! when did MINUSMA leave Mali", MINUSMA),
    ("anyone??? who attacked the Boulkessi base", BOULKESSI),
    ("someone?? what is the MNLA", MNLA),
    ("who is Assimi Goïta. anyone? anybody?", GOITA),
    ("how many soldiers died at Boulikessi? urgent pls", DEATHS),
    # slang
    ("ngl no idea who controls Anefis lmao", ANEFIS),
    ("lmaooo who attacked the Boulkessi base fr fr", BOULKESSI),
    ("fr tho when did MINUSMA leave Mali", MINUSMA),
    ("deadass who is Assimi Goïta", GOITA),
    ("lmfaooo what did the French do in Diabaly 💀", DIABALY),
    ("tbh why did the CSP withdraw from the peace process", CSP),
    ("why did the CSP withdraw from the peace process, genuinely asking", CSP),
    # emoji: sequences, joined, skin tones, Discord shortcodes
    ("🇲🇱🇲🇱🔥🔥 who attacked the Boulkessi base", BOULKESSI),
    ("👉👉 what is the Africa Corps 👈👈", AFRICA),
    ("❓❓ who is Assimi Goïta ❓", GOITA),
    ("what is the MNLA 🤷‍♂️🤷🏽‍♀️", MNLA),
    (":thinking: who controls Anefis?", ANEFIS),
    ("who attacked the Boulkessi base :pray::pray:", BOULKESSI),
    ("what happened in Aguelhok in January 2012 :flag_ml: :eyes:", AGUELHOK),
    # punctuation
    ("who controls Anefis?!?!?!", ANEFIS),
    ("when did MINUSMA leave Mali‽", MINUSMA),
    ("what is the Africa Corps ?!!?", AFRICA),
    ("how many soldiers died at Boulikessi?? ¿¿", DEATHS),
    # code-mixed French and English
    ("du coup, who attacked the Boulkessi base?", BOULKESSI),
    ("genre who is Assimi Goïta?", GOITA),
    ("en fait what did the French do in Diabaly?", DIABALY),
    ("bon bref, when did MINUSMA leave Mali?", MINUSMA),
    ("franchement, what is the MNLA?", MNLA),
    ("wesh, how many soldiers died at Boulikessi?", DEATHS),
    ("what happened in Aguelhok in January 2012 stp", AGUELHOK),
    # markdown the apps render
    ("**who attacked the Boulkessi base?**", BOULKESSI),
    ("__what is the MNLA__", MNLA),
    ("`who controls Anefis?`", ANEFIS),
    ("~~when did minusma leave~~ when did MINUSMA leave Mali?", MINUSMA),
    ("||who is Assimi Goïta||", GOITA),
    ("who is Assimi Goïta ^^", GOITA),
    ("what is the Africa Corps? +1", AFRICA),
    ("@everyone what did Yusov say about the rebels?", YUSOV),
]


@pytest.fixture(scope="module")
def asker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeedsAsker]:
    seeds = SeedsAsker(tmp_path_factory.mktemp("chat_forms"), BOT)
    yield seeds
    seeds.close()


def test_the_table_holds_sixty_new_forms_over_distinct_clean_questions() -> None:
    assert len(FORMS) >= 60
    assert len({noisy for noisy, _ in FORMS}) == len(FORMS)
    assert len({clean for _, clean in FORMS}) >= 10
    assert all(noisy != clean for noisy, clean in FORMS)


@pytest.mark.parametrize(("noisy", "clean"), FORMS)
def test_a_noisy_message_finds_its_clean_questions_top_passage(
        asker: SeedsAsker, noisy: str, clean: str
) -> None:
    assert asker.top_passage(noisy) == asker.top_passage(clean)


# ----- what index.noise takes away, and what it leaves ------------------------------------

@pytest.mark.parametrize(("typed", "kept"), [
    ("[Forwarded from Sahel News]\nwho controls Kidal?", "who controls Kidal?"),
    ("Forwarded from Sahel News\nwho controls Kidal?", "who controls Kidal?"),
    ("Forwarded from Sahel News: who controls Kidal?", "who controls Kidal?"),  # one line
    ("[Forwarded from Sahel News] who controls Kidal?", "who controls Kidal?"),
    ("----- Forwarded message -----\nwho controls Kidal?", "who controls Kidal?"),
    ("Replying to @desk: who controls Kidal?", "who controls Kidal?"),
    ("[09:15] sam: who controls Kidal?", "who controls Kidal?"),
    ("[1/2/2025, 9:15 PM] Sam Diallo: who controls Kidal?", "who controls Kidal?"),
    ("Sam, [01.02.25 21:15]\nwho controls Kidal?", "who controls Kidal?"),
    ("Yesterday at 21:15\nwho controls Kidal?", "who controls Kidal?"),
    ("who controls Kidal? (edited)", "who controls Kidal?"),
    ("**who** controls __Kidal__?", "who controls Kidal?"),
    ("~~who holds~~ who controls Kidal?", "who controls Kidal?"),
    ("who controls Kidal :eyes::eyes: :flag_ml:", "who controls Kidal"),
    ("who controls Kidal? lemonde.fr/afrique/article/x", "who controls Kidal?"),
    ("<https://example.org/x> who controls Kidal?", "who controls Kidal?"),
    ("Salam alaykum brothers, who controls Kidal?", "who controls Kidal?"),
    ("bonsoir tout le monde, who controls Kidal?", "who controls Kidal?"),
    ("who controls Kidal‽", "who controls Kidal?"),
    ("[12:04] who attacked Kidal: the army or the rebels?",  # no author before the colon
     "who attacked Kidal: the army or the rebels?"),
    ("just saw a video on tiktok, who controls Kidal?", "who controls Kidal?"),
    ("I read on Telegram that the army left Kidal", "that the army left Kidal"),
    ("the army says it holds Kidal, the rebels deny it: who is right?",
     "the army says it holds Kidal, the rebels deny it"),
    ("who should I believe about Kidal?", "about Kidal?"),
])
def test_chat_app_marks_greetings_and_markup_are_removed(typed: str, kept: str) -> None:
    assert strip_noise(typed) == kept


@pytest.mark.parametrize("typed", [
    "who attacked Kidal at 05:30 on 6 October?",   # a time inside the question is asked
    "#JNIM attacks in Kidal",                      # a leading tag is the topic here
    "#Kidal what happened?",                        # ... and here
    "the Mali/Niger border after 2012?",           # no link
    "what did the army say about the edited video?",
    "who are the brothers of Iyad Ag Ghaly?",      # an addressee only after a greeting
    "what did Wagner say on Telegram?",             # where a party spoke is asked
    "who had the right to the bases?",              # a right, not who is right
])
def test_what_only_looks_like_chat_marks_is_kept(typed: str) -> None:
    assert strip_noise(typed).replace("#", "") == typed.replace("#", "")
