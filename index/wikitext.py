"""Repairs for flattened wiki text: unclosed templates and headings glued to text."""

from __future__ import annotations

import re

_MONTHS = frozenset("""
january february march april may june july august september october november december
""".split())
# Capitalised words that open a sentence right after a template's last argument.
_STARTERS = frozenset("""
a after although an as at before by despite during following from however if in it meanwhile on
since the there these this those though throughout to under until when whereas while with
according
""".split())
_CITE = re.compile(r"\{\{\s*cite\b[^,]*", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{\s*([^{},|]*)")
_PARAM = re.compile(r"\s*,?\s*([A-Za-z][\w-]*)\s*=\s*")
_NEXT_PARAM = re.compile(r"\s*,\s*([A-Za-z][\w-]*)\s*=")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4}"
                   r"|[A-Z][a-z]+ \d{4}|\d{4}")
_TOKEN_KEYS = frozenset("""
url archive-url doi isbn issn pages page language url-status id volume issue oclc pmid lang
""".split())
_DATE_KEYS = frozenset(["date", "access-date", "archive-date", "year", "accessdate", "archivedate"])
_URL_KEYS = ("url", "archive-url")
_GLUE = re.compile(r"(?<=[a-z\)\.=;,\d])(?=[A-Z])|(?<=[a-z])(?=\d)|(?<=[a-z]\.)(?=\d)")
_ITALICS = re.compile(r"'{2,}\s*")


REF = "\ue000"
REF_MARKER = re.compile(r"\s*\ue000(\d+)\ue000")


def ref_marker(index: int) -> str:
    """Placeholder left where a cite template stood, pointing at its URL."""
    return f"{REF}{index}{REF}"


def split_glued_heading(line: str) -> tuple[str, str]:
    """Split a heading stuck to the end of a line ("...in theTuareg rebellion (2012)")."""
    window = max(0, len(line.rstrip()) - _MAX_HEADING_CHARS - 1)
    for match in _GLUE.finditer(line, window):
        head = line[match.start():].strip()
        before = line[match.start() - 1]
        if before.isdigit() and not head[:1].isalpha():
            continue
        if before in ",;" and not head[:1].isupper():
            continue
        if _looks_like_heading(head):
            return line[:match.start()].rstrip(), head
    return line, ""


_MAX_HEADING_CHARS = 90


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 12 and len(text) <= _MAX_HEADING_CHARS and "." not in text
            and "=" not in text and "{{" not in text and text[0].isalnum())


def _is_sentence_start(words: list[str], i: int) -> bool:
    word = words[i].strip("\"'“‘(")
    if not word[:1].isupper() or i + 1 >= len(words):
        return False
    follower = words[i + 1].strip("\"'“‘(,")
    follows_well = (follower[:1].islower() or follower[:1].isdigit()
                    or follower.lower() in _MONTHS)
    starter = word.lower() in _STARTERS or word.lower().endswith("ing")
    return starter and follows_well


def _split_at_sentence(text: str, min_index: int = 1) -> tuple[str, str]:
    """Split `argument words... Sentence text` where the sentence begins."""
    words = text.split(" ")
    for i in range(min_index, len(words)):
        if words[i] and _is_sentence_start(words, i):
            return " ".join(words[:i]).strip(), " ".join(words[i:]).strip()
    return text.strip(), ""


def _split_named_value(text: str) -> tuple[str, str]:
    """Split `The New York Times On 24 January...` into a name and the text after it."""
    words = text.split(" ")
    for i in range(1, len(words)):
        follower = words[i + 1] if i + 1 < len(words) else ""
        if words[i][:1].isupper() and (follower[:1].islower() or follower[:1].isdigit()):
            return " ".join(words[:i]).strip(), " ".join(words[i:]).strip()
    return text.strip(), ""


def _split_last_value(key: str, text: str) -> tuple[str, str]:
    text = text.strip()
    if key in _DATE_KEYS:
        match = _DATE.match(text)
        end = match.end() if match else 0
        return text[:end], text[end:].strip()
    if key in _TOKEN_KEYS or key.startswith(("first", "last")):
        value, _, rest = text.partition(" ")
        return value, rest.strip()
    return _split_named_value(text)


def _strip_cite(text: str, start: int, urls: list[str]) -> tuple[str, str]:
    """Remove one unclosed cite template starting at `start`; return (before, after)."""
    position = _CITE.match(text, start)
    assert position is not None
    pos = position.end()
    params: dict[str, str] = {}
    rest = ""
    while True:
        param = _PARAM.match(text, pos)
        if not param:
            rest = text[pos:]
            break
        key, value_start = param.group(1).lower(), param.end()
        bound = text.find("{{", value_start)
        nxt = _NEXT_PARAM.search(text, value_start, bound if bound >= 0 else len(text))
        if nxt:
            params[key] = text[value_start:nxt.start()].strip()
            pos = nxt.start()
            continue
        params[key], rest = _split_last_value(key, text[value_start:])
        break
    url = next((v for k in _URL_KEYS if (v := params.get(k, "")).startswith("http")), "")
    if url:
        urls.append(url)
        rest = f"{ref_marker(len(urls) - 1)} {rest}"
    return text[:start], rest


def _strip_other(text: str, start: int) -> tuple[str, str, str]:
    """Remove a non-cite template (`{{Main, Title Text...`); return (before, after, name)."""
    match = _TEMPLATE.match(text, start)
    assert match is not None
    name = match.group(1).strip()
    body = text[match.end():].lstrip(" ,|")
    args, rest = _split_at_sentence(body, min_index=1)
    if rest and rest.startswith("}}"):
        rest = rest[2:]
    return text[:start], rest, f"{name}|{args}"


# Templates that point at other articles by name ({{Main, Operation Barkhane}}): what they
# name is what the section is about, so it stays searchable (as the section's related names).
_NAMING_TEMPLATES = frozenset({"main", "further", "see also", "details", "for"})


def related_names(others: list[str]) -> list[str]:
    """The article names that `{{Main, …}}`, `{{Further, …}}` and `{{See also, …}}`
    templates point at, from strip_templates' `name|args`; other templates name nothing."""
    names: list[str] = []
    for other in others:
        name, _, args = other.partition("|")
        if name.strip().casefold() in _NAMING_TEMPLATES:
            names += [a.strip() for a in args.split(",") if a.strip() and "=" not in a]
    return names


def strip_templates(text: str, urls: list[str] | None = None) -> tuple[str, list[str], list[str]]:
    """Remove wiki templates; return clean text, reference URLs (appended to `urls`, whose
    indices the text's ref markers point at), and `name|args` of the other templates."""
    urls = [] if urls is None else urls
    others: list[str] = []
    text = text.replace("{{!", "|")
    while (start := text.find("{{")) >= 0:
        if _CITE.match(text, start):
            before, after = _strip_cite(text, start, urls)
        else:
            before, after, other = _strip_other(text, start)
            others.append(other)
        closed = after.find("}}")
        if closed >= 0 and "{{" not in after[:closed]:
            after = after[closed + 2:] if closed < 3 else after
        text = f"{before.rstrip()}{after}" if after.startswith(REF) else f"{before} {after}"
    text = _ITALICS.sub("", text).replace(" ,", ",")
    return re.sub(r"\s{2,}", " ", text).strip(), urls, others
