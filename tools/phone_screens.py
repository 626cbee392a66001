"""Phone screenshots of what the Telegram bot sends (#12).

For the questions in tools/screens.yaml, runs the real Service over the seeds in a temporary
data folder, renders each answer the way bot/telegram_app.py does (HTML text plus inline
keyboard), lays it out as a Telegram-like group chat at 390 px and screenshots it with
headless Chromium into docs/screens/. Prints, per question, the first-screen character count
(visible text above the buttons, expandable quotes collapsed) and the number of lines. A
reply to the bot that is not a question shows that nothing is sent; a `full` screen shows
the full text of the answer's first source as it arrives privately, with its 👍/👎; an `add`
screen is a moderator's /add of the links and words in `question` and the summary it ends
with (use addresses refused before any connection, such as 127.0.0.1 or ftp://: the tool
never reaches the network for a screen).

    python tools/phone_screens.py [--out docs/screens] [--no-png]

Chromium: `apt-get install chromium` (Debian). Without it, --no-png still prints the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bot import adding  # noqa: E402
from bot.answer import LeadQuote  # noqa: E402
from bot.chat import add_summary, is_chatter  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.core import Service  # noqa: E402
from bot.frontend import QuestionCache  # noqa: E402

# What the Telegram bot sends: an answer ((Answer, key) -> .text, .keyboard rows of buttons
# with .text), a full text (its messages, and the passage's 👍/👎 under the last).
from bot.render.telegram_html import (  # noqa: E402
    Keyboard,
    escape,
    passage_vote_keyboard,
    render_full_text,
)
from bot.render.telegram_html import render_answer as render_telegram  # noqa: E402

__all__ = ["Counts", "Screen", "Shown", "count", "load_screens", "main", "page_html",
           "parse_blocks", "render_telegram", "stays_silent"]

SCREENS_FILE = ROOT / "tools" / "screens.yaml"
OUT_DIR = ROOT / "docs" / "screens"
WIDTH, HEIGHT = 390, 844
GROUP, MEMBERS, ASKER, BOT_NAME = "Sahel desk 🇲🇱", 14, "Aïcha", "ConflictBot"
REPLIED = "“Three days of intense fighting…” [1]"  # the bot's answer a "reply" screen quotes

# Line model at 390 px (15 px sans-serif, bubble 330 px wide): characters per line of body
# text and of quoted text, and the lines a collapsed expandable quote shows. An estimate,
# checked against Chromium's own layout when it is run (see `measured_lines`).
BODY_CHARS = 38
QUOTE_CHARS = 34
PRE_CHARS = 34
COLLAPSED_LINES = 3

_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s",
           "strike": "s", "del": "s", "code": "code", "tg-spoiler": "span"}


@dataclass(frozen=True)
class Screen:
    slug: str
    question: str
    how: str = "ask"  # ask, mention, reply; full: the 📄 1 of the answer, pressed; add
    note: str = ""
    language: str = "en"  # the member's Telegram interface language


@dataclass(frozen=True)
class Shown:
    """What the bot sends for a screen: Telegram HTML ("" : nothing) and keyboard, and the
    answer's lead quote."""

    text: str
    keyboard: Keyboard = ()
    lead: LeadQuote | None = None


def stays_silent(screen: Screen) -> bool:
    """True where the bot sends nothing: a reply to it that is not a question (the rule of
    bot/telegram_app.py's group handler)."""
    return screen.how == "reply" and is_chatter(screen.question)


@dataclass
class Block:
    """A run of the message: plain text, a quote (expandable or not) or preformatted."""

    kind: str  # "text", "quote", "pre"
    expandable: bool = False
    html: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    chars: int  # visible characters above the buttons (newlines not counted)
    lines: int  # lines of the message text at 390 px
    button_rows: int


def load_screens(path: Path = SCREENS_FILE) -> list[Screen]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Screen(str(s["slug"]), str(s["question"]), str(s.get("how", "ask")),
                   str(s.get("note", "")), str(s.get("language", "en")))
            for s in raw["screens"]]


# --- Telegram HTML -> blocks -----------------------------------------------------------


class _TelegramHTML(HTMLParser):
    """Telegram's HTML subset into blocks; any other tag is shown as the text it is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = [Block("text")]
        self._after_block = False

    @property
    def _current(self) -> Block:
        return self.blocks[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag in ("blockquote", "pre"):
            kind = "quote" if tag == "blockquote" else "pre"
            self._drop_last_newline()
            self.blocks.append(Block(kind, expandable="expandable" in names))
        elif tag in _INLINE:
            spoiler = ' class="spoiler"' if _INLINE[tag] == "span" else ""
            self._current.html.append(f"<{_INLINE[tag]}{spoiler}>")
        elif tag == "a":
            href = html.escape(names.get("href") or "", quote=True)
            self._current.html.append(f'<a href="{href}">')
        elif tag == "span" and names.get("class") == "tg-spoiler":
            self._current.html.append('<span class="spoiler">')
        else:
            self.handle_data(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("blockquote", "pre"):
            self.blocks.append(Block("text"))
            self._after_block = True
        elif tag in _INLINE:
            self._current.html.append(f"</{_INLINE[tag]}>")
        elif tag in ("a", "span"):
            self._current.html.append(f"</{tag}>")
        else:
            self.handle_data(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._after_block and data.startswith("\n"):
            data = data[1:]  # the line break after a quote is the quote's own end
        self._after_block = False
        self._current.text.append(data)
        self._current.html.append(html.escape(data, quote=False))

    def _drop_last_newline(self) -> None:
        """The line break before a quote is the start of the quote's own line."""
        block = self._current
        if block.text and block.text[-1].endswith("\n") and block.html[-1].endswith("\n"):
            block.text[-1] = block.text[-1][:-1]
            block.html[-1] = block.html[-1][:-1]


def parse_blocks(telegram_html: str) -> list[Block]:
    """The message's blocks; empty text between blocks dropped, the end's line breaks
    trimmed (Telegram trims them too)."""
    parser = _TelegramHTML()
    parser.feed(telegram_html)
    parser.close()
    blocks = [b for b in parser.blocks if "".join(b.text) or b.kind != "text"]
    if blocks and blocks[-1].kind == "text":
        last = blocks[-1]
        last.text = ["".join(last.text).rstrip("\n")]
        last.html = [_rstrip_breaks("".join(last.html))]
    return blocks


def _rstrip_breaks(markup: str) -> str:
    while markup.endswith("\n"):
        markup = markup[:-1]
    return markup


# --- counting what is visible ----------------------------------------------------------


def _wrapped(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return lines


def _visible_lines(block: Block) -> list[str]:
    text = "".join(block.text)
    if block.kind == "text":
        return _wrapped(text, BODY_CHARS)
    if block.kind == "pre":
        return [line[i:i + PRE_CHARS] for line in text.strip("\n").split("\n")
                for i in range(0, max(len(line), 1), PRE_CHARS)]
    lines = _wrapped(text.strip(), QUOTE_CHARS)
    return lines[:COLLAPSED_LINES] if block.expandable else lines


def count(telegram_html: str, keyboard: Sequence[Sequence[object]] = ()) -> Counts:
    """The first screen of a message: visible characters and lines, expandable quotes
    collapsed to COLLAPSED_LINES, and the keyboard's rows."""
    lines = [line for block in parse_blocks(telegram_html) for line in _visible_lines(block)]
    return Counts(sum(len(line) for line in lines), len(lines), len(keyboard))


# --- the page ---------------------------------------------------------------------------

_CSS = """
* { box-sizing: border-box; }
body { margin: 0; width: 390px; font: 15px/20px Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
       background: #99b48c; color: #000; }
.header { background: #517da2; color: #fff; padding: 10px 14px; }
.header .name { font-weight: 600; font-size: 16px; }
.header .sub { font-size: 13px; opacity: .8; }
.chat { padding: 10px 8px; }
.row { display: flex; margin: 6px 0; }
.row.me { justify-content: flex-end; }
.bubble { max-width: 330px; border-radius: 12px; padding: 6px 10px 8px; background: #fff;
          white-space: pre-wrap; overflow-wrap: break-word; }
.bubble div, .bubble blockquote { white-space: normal; }
.me .bubble { background: #e1ffc7; }
.sender { color: #3a8bc8; font-weight: 600; font-size: 14px; }
.me .sender { color: #c0392b; }
.replyto { border-left: 3px solid #3a8bc8; background: #eef5fb; border-radius: 4px;
           padding: 1px 6px; margin: 2px 0 4px; font-size: 13px; line-height: 17px;
           white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 310px; }
.replyto b { color: #3a8bc8; display: block; }
blockquote { margin: 4px 0; padding: 2px 18px 2px 9px; border-left: 3px solid #3a8bc8;
             background: #eef5fb; border-radius: 4px; position: relative; }
blockquote::after { content: "\\201D"; position: absolute; top: 0; right: 5px;
                    color: #3a8bc8; font-weight: bold; }
blockquote.expandable { max-height: 66px; overflow: hidden; }
blockquote.expandable::before { content: ""; position: absolute; left: 0; right: 0;
  bottom: 0; height: 22px; background: linear-gradient(rgba(238,245,251,0), #eef5fb); }
pre { margin: 4px 0; padding: 6px; background: #f2f2f2; border-radius: 4px;
      font: 13px/18px monospace; white-space: pre-wrap; }
code { font: 13px monospace; color: #c7254e; }
a { color: #2a7fd4; text-decoration: none; }
.spoiler { background: #999; color: transparent; }
.keyboard { width: 330px; margin-top: 4px; }
.keys { display: flex; gap: 4px; margin-top: 4px; }
.keys span { flex: 1; background: rgba(40, 70, 40, .45); color: #fff; border-radius: 8px;
             text-align: center; padding: 8px 4px; font-size: 14px; white-space: nowrap;
             overflow: hidden; text-overflow: ellipsis; }
.tick { color: #4fae4e; font-size: 12px; float: right; margin-left: 8px; }
body.latest { height: 844px; display: flex; flex-direction: column; overflow: hidden; }
body.latest .chat { flex: 1; min-height: 0; display: flex; flex-direction: column;
                    justify-content: flex-end; overflow: hidden; }
.service { margin: 6px auto; max-width: 300px; text-align: center; font-size: 13px;
           color: #fff; background: rgba(40, 70, 40, .35); border-radius: 10px;
           padding: 3px 10px; }
"""


# Chromium's own count of the message's lines (20 px each), read back with --dump-dom.
_MEASURE = """
let lines = 0;
for (const el of document.querySelectorAll('.message > *')) {
  const style = getComputedStyle(el);
  const inner = el.getBoundingClientRect().height - parseFloat(style.paddingTop)
    - parseFloat(style.paddingBottom);
  lines += Math.round(inner / 20);
}
document.body.setAttribute('data-lines', String(lines));
"""


def _blocks_html(blocks: Sequence[Block]) -> str:
    parts = []
    for block in blocks:
        inner = "".join(block.html)
        if block.kind == "quote":
            cls = ' class="expandable"' if block.expandable else ""
            quoted = inner.strip().replace("\n", "<br>")
            parts.append(f"<blockquote{cls}>{quoted}</blockquote>")
        elif block.kind == "pre":
            parts.append(f"<pre>{inner.strip(chr(10))}</pre>")
        else:
            breaks = inner.replace("\n", "<br>")
            if breaks.endswith("<br>"):
                breaks += "<br>"  # a trailing <br> alone makes no empty line
            parts.append(f"<div>{breaks}</div>")
    return "".join(parts)


def _keyboard_html(keyboard: Sequence[Sequence[object]]) -> str:
    rows = "".join("<div class=\"keys\">" + "".join(
        f"<span>{html.escape(str(getattr(b, 'text', b)), quote=False)}</span>" for b in row)
        + "</div>" for row in keyboard)
    return f'<div class="keyboard">{rows}</div>' if rows else ""


def _asked(screen: Screen) -> str:
    if screen.how in ("ask", "add"):
        return f"/{screen.how} {screen.question}"
    if screen.how == "mention":
        return f"@{BOT_NAME.lower()} {screen.question}"
    return screen.question


def page_html(screen: Screen, telegram_html: str,
              keyboard: Sequence[Sequence[object]] = ()) -> str:
    """The chat as a 390 px page: group header, the member's message, the bot's reply
    (quoting it, as the bot does in groups; none when `telegram_html` is empty) and the
    keyboard under it. A `full` screen is the presser's private chat with the bot instead."""
    if screen.how == "full":
        return _private_page(screen, telegram_html, keyboard)
    asked = html.escape(_asked(screen), quote=False)
    reply = (f'<div class="replyto"><b>{html.escape(ASKER)}</b>{asked}</div>')
    bot = _bot_row(telegram_html, keyboard, reply) if telegram_html else ""
    replied = (f'<div class="replyto"><b>{BOT_NAME}</b>{html.escape(REPLIED)}</div>'
               if screen.how == "reply" else "")
    return _page(html.escape(GROUP), f"group · {MEMBERS} members", f"""\
<div class="row me"><div class="bubble"><div class="sender">{html.escape(ASKER)}</div>\
{replied}{asked}<span class="tick">✓✓</span></div></div>
{bot}""")


def _private_page(screen: Screen, telegram_html: str,
                  keyboard: Sequence[Sequence[object]]) -> str:
    """The bot's private chat with whoever pressed 📄 1 under the answer in the group."""
    pressed = html.escape(f"📄 1 pressed under the answer to “{screen.question}” in {GROUP}",
                          quote=False)
    return _page(BOT_NAME, "bot", f'<div class="service">{pressed}</div>\n'
                 + _bot_row(telegram_html, keyboard), latest=True)


def _bot_row(telegram_html: str, keyboard: Sequence[Sequence[object]], reply: str = "") -> str:
    body = _blocks_html(parse_blocks(telegram_html))
    return (f'<div class="row"><div><div class="bubble"><div class="sender">{BOT_NAME}</div>'
            f'{reply}<div class="message">{body}</div></div>{_keyboard_html(keyboard)}'
            "</div></div>")


def _page(name: str, sub: str, chat: str, *, latest: bool = False) -> str:
    """A phone page; `latest`: scrolled to the end of the chat, as a phone shows a long
    message that just arrived, keyboard included."""
    body = '<body class="latest">' if latest else "<body>"
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><style>{_CSS}</style></head>{body}
<div class="header"><div class="name">{name}</div>
<div class="sub">{sub}</div></div>
<div class="chat">
{chat}
</div><script>{_MEASURE}</script></body></html>
"""


# --- running the bot and Chromium ------------------------------------------------------


async def render_all(screens: Sequence[Screen], folder: Path) -> list[Shown]:
    """The real Service over a copy of the seeds in `folder`: what the bot sends for each
    screen."""
    shutil.copytree(ROOT / "seeds", folder / "corpus")
    config = parse_config({"corpus": {"dir": "corpus"}, "data": {"path": "data/bot.sqlite3"},
                           "logging": {"salt_file": "data/salt"}}, base_dir=folder)
    service = await Service.open(config)
    try:
        return [await _shown(service, s) for s in screens]
    finally:
        await service.close()


async def _shown(service: Service, screen: Screen) -> Shown:
    if stays_silent(screen):
        return Shown("")
    if screen.how == "add":
        return Shown(await _add_summary(service, screen))
    answer = await service.ask(screen.question, user="tg:screens", log=False)
    key = "" if answer.abstained else QuestionCache().put(
        answer.question, answer.query_id, (p.chunk_id for p in answer.passages))
    rendered = render_telegram(answer, key, language=screen.language)
    full = (await service.full_text(answer.passages[0].chunk_id)
            if screen.how == "full" and answer.passages else None)
    if full is None:
        return Shown(rendered.text, rendered.keyboard, answer.lead)
    messages = render_full_text(full, language=screen.language)  # 👍/👎 under the last
    votes = passage_vote_keyboard(key, answer.passages[0].chunk_id)
    return Shown(messages[0], votes if len(messages) == 1 else (), answer.lead)


async def _add_summary(service: Service, screen: Screen) -> str:
    """The summary a moderator's `/add` of `screen.question` ends with, in their language
    (links through the real fetcher, which refuses private addresses before connecting)."""
    items: list[adding.Item] = []
    for word in screen.question.split():
        items.append(await adding.fetch_next(word, service.config, items) if adding.is_url(word)
                     else adding.skipped(word, "not_a_link"))
    outcomes = await adding.add_all(service, items)
    return add_summary(outcomes, screen.language, escape, lambda _name: "")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(browser: str, page: Path, png: Path, height: int = HEIGHT,
               width: int = WIDTH) -> None:
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--force-device-scale-factor=1", f"--window-size={width},{height}",
                    f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def measured_lines(browser: str, page: Path) -> int | None:
    """The message's lines as Chromium lays them out at 390 px."""
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--window-size={WIDTH},{HEIGHT}", "--dump-dom", page.as_uri()],
                          check=True, capture_output=True, text=True, timeout=120)
    found = re.search(r'data-lines="(\d+)"', done.stdout)
    return int(found.group(1)) if found else None


def overview_html(pngs: Sequence[Path]) -> str:
    images = "".join(f'<img src="{p.as_uri()}" width="{WIDTH}" height="{HEIGHT}">'
                     for p in pngs)
    return (f"<!doctype html><html><body style=\"margin:0;display:flex;gap:10px;"
            f"background:#333\">{images}</body></html>")


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    screens = load_screens(args.screens)
    browser = None if args.no_png else chromium()
    if not args.no_png and browser is None:
        print("chromium not found: apt-get install -y chromium (or use --no-png)",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="phone-screens-") as tmp:
        sent = asyncio.run(render_all(screens, Path(tmp)))
        pngs = [_one(screen, shown, args.out, Path(tmp), browser)
                for screen, shown in zip(screens, sent, strict=True)]
        for screen, shown in zip(screens, sent, strict=True):
            lead = f"[{shown.lead.source}] {shown.lead.text}" if shown.lead else "(none)"
            print(f"{screen.slug:18} lead: {lead}")
        if browser is not None:
            sheet = Path(tmp) / "overview.html"
            sheet.write_text(overview_html(pngs), encoding="utf-8")
            screenshot(browser, sheet, args.out / "0-first-screens.png",
                       width=len(pngs) * (WIDTH + 10))
    return 0


def _one(screen: Screen, shown: Shown, out: Path, tmp: Path, browser: str | None) -> Path:
    counts = count(shown.text, shown.keyboard)
    page = tmp / f"{screen.slug}.html"
    page.write_text(page_html(screen, shown.text, shown.keyboard), encoding="utf-8")
    png = out / f"{screen.slug}.png"
    measured = ""
    if browser is not None:
        screenshot(browser, page, png)
        measured = f" (Chromium: {measured_lines(browser, page)})" if shown.text else ""
    what = "no reply (not a question)" if not shown.text else (
        f"{counts.chars:5} chars {counts.lines:4} lines{measured} "
        f"{counts.button_rows:2} button rows")
    print(f"{screen.slug:18} {what}  {screen.question}")
    return png


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--screens", type=Path, default=SCREENS_FILE)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--no-png", action="store_true", help="only print the counts")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
