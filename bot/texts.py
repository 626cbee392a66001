"""User-facing text: message id -> template, one mapping per interface language.

Templates are plain text with `str.format` fields; each renderer escapes or marks them up
for its platform. A second language is one more mapping with the same ids (`LANGUAGES`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from string import Formatter

from bot.numbers import localized
from bot.texts_fr import FR
from index.reasons import ENGLISH as INDEX_REASONS
from index.reasons import Reason

EXAMPLE_QUESTIONS = (
    "Who did Wagner fight at Tinzaouatene?",
    "What is the Coordination of Azawad Movements?",
    "Which armed groups attacked Bamako?",
)

EN: Mapping[str, str] = {
    "cmd_ask": "Ask a question about the war in Mali and the Sahel",
    "cmd_sources": "List the documents the answers are quoted from",
    "cmd_help": "How to ask, with example questions",
    "cmd_start": "Introduction",
    "cmd_reindex": "Moderators: rebuild the index from the corpus folder",
    "cmd_add_telegram": "Moderators: add documents (caption /add) or articles: /add https://…",
    "cmd_add_discord": "Moderators: add documents, archives (.zip, .tar.gz) or articles by link",
    "cmd_remove_telegram": "Moderators: remove a document: /remove FILE",
    "cmd_remove_discord": "Moderators: remove a document from the corpus",
    "cmd_stats": "Moderators: corpus and usage figures",
    "cmd_alias_telegram": "Moderators: another name for an actor or place: /alias GSIM = JNIM",
    "cmd_alias_discord": "Moderators: another name for an actor or place, e.g. GSIM = JNIM",
    "cmd_cite_telegram": "Moderators: how a document is cited: /cite FILE outlet=… date=… url=…",
    "cmd_cite_discord": "Moderators: show or set how a document is cited",
    "param_citation": "key=value …: outlet, date, updated, author, url, language; empty: show",
    "cite_usage": "Usage: /cite FILE key=value … (keys: outlet, date, updated, author, url, "
                  "language; quote values with spaces: outlet=\"Al Jazeera\"). /cite FILE "
                  "alone shows how it is cited.",
    "not_in_corpus": "{file} is not in the corpus (see /sources).",
    "cite_saved": "✅ Citation of {file} saved (no reindex needed).",
    "cite_shown": "How {file} is cited:",
    "param_question": "Your question, e.g. Who did Wagner fight at Tinzaouatene?",
    "param_document": "A .txt, .md or .html file, or a .zip or .tar.gz of them, to add",
    "param_url": "Links to articles to fetch and add (http:// or https://, several: spaces)",
    "param_file": "The document's file name, as listed by /sources",
    "param_alias": "NEW NAME = KNOWN NAME, e.g. GSIM = JNIM; empty: list the added ones",
    "passage": "passage {number}",
    "passages_of": "Passages {first}–{last} of {total}",
    "more": "More ▸",
    "back": "◂ Back",
    "corpus_empty": "The corpus is empty: there are no documents to quote from yet.",
    "corpus_size": "{documents} documents, {passages} passages",
    "n_passages": "{count} passages",
    "page_of": "Page {page} of {pages}",
    "rest_too_long": "… (the rest of this section is too long to show here)",
    "part_of": "part {part} of {parts}",
    "link": "link",
    "showing_for": "Showing results for {words}",
    "you_wrote": "{searched} (you wrote {typed})",
    "searched_french": "French question: searched {words}",
    "searched_translated": "Translated: searched {words}",
    "mentions_nothing": "Nothing in the corpus mentions {names}.",
    "names_or": "{names} or {last}",
    "found_nothing": "I found nothing in the corpus about {question}.",
    "nothing_title": "Nothing in the corpus",
    "covered_instead": "The corpus does cover these; tap one to ask:",
    "only_quotes": "I only quote passages from a curated set of documents and never answer "
                   "from elsewhere. See /sources for what the corpus covers, or try other "
                   "keywords.",
    "ask_keywords": "Please ask a real question with a few keywords, for example:",
    "see_sources": "See /sources for what the corpus covers.",
    "intro": "I answer questions about the war in Mali and the Sahel by quoting cited "
             "passages from {documents} documents ({span}; {languages}); I never write "
             "answers myself.",
    "intro_how": "Send a question in a private chat, or /ask in a group. /sources lists "
                 "the documents.",
    "intro_examples": "Try one:",
    "example_1": "Who did Wagner fight at Tinzaouatene?",
    "example_2": "When did French troops leave Mali?",
    "example_3": "What is the Coordination of Azawad Movements?",
    "cited_as": "Cited as: {line}",
    "outlet_unknown": "⚠ outlet unknown",
    "date_unknown": "⚠ date unknown",
    "no_url": "⚠ no URL",
    "reported_about": "reported {published}, about {event}",
    "updated_on": "updated {updated}",
    "updated_about": "updated {updated}, about {event}",
    "months_short": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "months_long": "January February March April May June July August September October "
                   "November December",
    "something_went_wrong":
        "Sorry, something went wrong while handling that. Please try again later.",
    "expired": "This answer has expired. Please ask the question again.",
    "button_expired": "This button has expired — ask again.",
    "gone": "That passage is no longer in the corpus. Please ask the question again.",
    "thanks": "Thanks, your feedback was recorded.",
    "not_counted": "That vote is not for a passage of this answer; nothing was recorded.",
    "no_such_page": "There is no such page; nothing was changed.",
    "busy": "⏳ A reindex is already running. Please try again when it has finished.",
    "download_failed": "❌ The attachment could not be downloaded. Please try again.",
    "too_large": "❌ That file is too large ({size:,} bytes; the limit is {limit:,} bytes).",
    "flood": "You are asking faster than I can look things up. Please wait about {seconds} "
             "seconds, then ask again.",
    "button_flood": "You are pressing buttons faster than I can send. Please wait about "
                    "{seconds} seconds.",
    "failed": "❌ /{what} failed{why}. Nothing changed: the previous index keeps answering "
              "questions. Fix the cause, then try again; details are in the log.",
    "rejected": "❌ {reason}",
    "because": ": {reason}",
    "heading": "{label}:",
    "refused": "Sorry, only moderators can do that.",
    "anonymous_refused":
        "Sorry, I cannot tell who you are: you are posting as the group (\"Remain anonymous\" "
        "is on for your admin rights, or you post as a channel), and only moderators can do "
        "that. Turn off \"Remain anonymous\" in the group's admin settings, or send me the "
        "command in a private chat.",
    "add_usage": "Send a .txt, .md or .html file (or a .zip or .tar.gz of them) with the "
                 "caption /add (or reply /add to such a file), or /add a link to an article: "
                 "/add https://…",
    "adding_several": "⏳ Adding {count} item(s)…",
    "add_added": "✅ {file} added",
    "add_added_from": "✅ {file} added (from {source})",
    "add_skipped": "⏭ {source} skipped: {reason}",
    "near_duplicate": "⚠ {article} nearly repeats {original} ({percent}% of the same "
                      "wording): added anyway; /remove {article} if it is the same story.",
    "adding_progress": "⏳ Adding… {done}/{total}",
    "add_more": "… and {count} more (see the audit log)",
    "over_limit": "{size:,} bytes; the limit is {limit:,}",
    "add_summary": "{added} added, {skipped} skipped.",
    "not_a_link": "not a link (http:// or https://) nor an attachment",
    "remove_usage": "Usage: /remove FILE (see /sources for the file names).",
    "ask_usage": "Usage: /ask QUESTION, e.g. /ask {example}",
    "unknown_command": "I don't know that command. See /help.",
    "inline_hint": "Ask about the war in Mali and the Sahel",
    "guest_full_answer": "All passages and sources in a private chat",
    "inline_hint_text": "Ask me about the war in Mali and the Sahel, e.g. @{bot} {example}",
    "inline_nothing": "Nothing in the corpus on “{question}”",
    "inline_nothing_text": "I found nothing in the corpus on “{question}”. See /sources "
                           "for what it covers.",
    "not_your_answer": "Only the person who asked pages this answer. Ask your own question "
                       "to get one you can page.",
    "sent_privately": "Sent to you in a private chat with me.",
    "no_added_aliases": "No aliases were added with /alias yet. Add one: /alias GSIM = JNIM",
    "alias_not_saved": "❌ The alias was not saved and nothing changed; see the logs.",
    "stats_title": "📊 Statistics",
    "stats_corpus": "Corpus",
    "stats_today": "Today",
    "stats_feedback": "Feedback",
    "stats_unanswered": "Most asked without an answer",
    "stats_corpus_line": "{documents} documents, {passages} passages (generation {generation})",
    "stats_today_line": "{questions} questions, {rate} answered with nothing found",
    "asked_times": "asked {count} times",
    "corpus_now": "{documents} documents, {passages} passages (generation {generation}, "
                  "{seconds} s)",
    "reindexed": "✅ Reindexed: {corpus}.",
    "skipped_files": "Skipped: {names}.",
    "names_and_more": "{names} and {count} more",
    "adding_file": "⏳ Adding {file}…",
    "removing_file": "⏳ Removing {file}…",
    "added_file": "✅ Added {file}. Corpus now: {corpus}.",
    "removed_file": "🗑 Removed {file}. Corpus now: {corpus}.",
    "alias_added": "✅ {new} = {preferred}: searched from now on, no reindex needed.",
    "added_aliases_title": "Aliases added with /alias",
    "lines_more": "… and {count} more",
    "reindexing": "⏳ Reindexing…",
    "reindexing_documents": "⏳ Reindexing… {done}/{total} documents",
    "reindexing_stage_files": "⏳ Reindexing: {stage} {done}/{total} files…",
    "reindexing_stage": "⏳ Reindexing: {stage}…",
    "stage_reading": "reading",
    "stage_preparing": "cleaning, chunking and analysing",
    "stage_building": "building",
    "stage_publishing": "publishing",
    "telegram_rejected_token":
        "Telegram rejected TELEGRAM_BOT_TOKEN; check the token from @BotFather",
    "discord_rejected_token":
        "Discord rejected DISCORD_BOT_TOKEN; check the bot token in the developer portal",
    "no_token": "no bot token set: export TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN",
    # why a document, an alias or a citation was refused (bot.core.DocumentRejected)
    "name_with_folders": "The file name must be a plain name, without folders.",
    "name_characters": "Use a file name of letters, digits, '.', '_', '-' or spaces "
                       "(at most 100 characters).",
    "name_extension": "Only {extensions} documents can be added.",
    "name_reserved": "That file name is reserved; choose another.",
    "name_as_listed": "The file name must be a plain name as /sources lists it, without "
                      "folders.",
    "cite_unknown_key": "Unknown key {key}=; use {keys}.",
    "not_indexed_yet": "{file} is not indexed yet; /reindex first.",
    "alias_common_word": "“{name}” is a common word; it cannot stand for a name.",
    "alias_too_many": "There are already {count} added aliases; an operator can move them "
                      "into search.aliases_file.",
    "alias_same_entry": "“{name}” is already a name of {preferred}.",
    "alias_taken": "“{name}” already stands for {preferred}. To give {preferred} another "
                   "name: /alias NEW NAME = {name}",
    "corpus_missing": "The corpus folder is missing (unmounted or renamed?); nothing was "
                      "changed and the previous index ({documents} documents) keeps "
                      "answering.",
    "corpus_unusable": "The corpus folder holds no usable document ({skipped} file(s) "
                       "skipped); nothing was changed and the previous index ({documents} "
                       "documents) keeps answering.",
    "already_in_corpus": "{file} is already in the corpus; /remove it first.",
    "same_text": "{article} has the same text as {original}, already in the corpus; not "
                 "added.",
    "file_too_large": "{file} is {size:,} bytes; the limit is {limit:,}.",
    "no_article_text": "{file}: no article text found after cleaning.",
    "no_such_article": "{file} has no article #{number} (articles: {articles}).",
    "none_indexed": "none indexed",
    "only_article": "{article} is the only article of {file}: /remove {file}",
    # why an /add item was skipped (bot.adding.Skipped)
    "archive_refused": "{why}; nothing of it was added",
    "archive_too_large": "{archive} is {size:,} bytes; the limit is {limit:,}",
    "archive_unreadable": "{archive} could not be read as an archive ({error})",
    "archive_empty": "{archive} holds no document",
    "archive_too_many": "{archive} holds more than {limit} documents",
    "archive_unpacks_over": "{archive} unpacks to more than {limit:,} bytes",
    "member_same_name": "another member is also called {name}",
    "member_larger": "larger than {limit:,} bytes",
    "member_outside": "a path that leads out of the archive",
    "member_not_regular": "not a regular file (a link or a device)",
    "member_archive": "an archive inside the archive",
    "member_type": "not a {extensions} document",
    "not_readable": "not readable ({error})",
    "page_unreadable": "the page could not be read ({error})",
    "article_too_large": "the article is {size:,} bytes; the limit is {limit:,}",
    "add_failed_because": "failed: {reason}",
    "attachment_not_downloaded": "The attachment could not be downloaded. Please try again.",
    # why a /reindex, /add or /remove failed (bot.moderation.failure)
    "disk_full": "the disk is full",
    "not_writable": "the bot may not write to its data folder",
    "disk_error": "the disk reported an error",
    "file_error": "a file error ({error})",
    "unexpected_error": "an unexpected error",
    # why an article could not be fetched (index/fetch.py)
    **INDEX_REASONS,
}

LANGUAGES: Mapping[str, Mapping[str, str]] = {"en": EN, "fr": FR}


def interface_language(code: str | None) -> str:
    """The catalogue for a user's Telegram `language_code` or Discord locale: "fr" for
    fr, fr-FR, fr_CA…; "en" for anything else (or nothing)."""
    primary = (code or "").replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LANGUAGES else "en"


def text(message_id: str, language: str = "en", /, **fields: object) -> str:
    """The message `message_id` in `language` (English when it lacks one), formatted: a
    `Reason` field said in the same language, numbers written the language's way
    (bot.numbers; English exactly as `str.format` writes them)."""
    values = {name: told(value, language) if isinstance(value, Reason) else value
              for name, value in fields.items()}
    template = _template(message_id, language)
    if language == "en" or template is EN.get(message_id):
        return template.format(**values)
    return _Localized(language).format(template, **values)


def told(reason: Reason, language: str = "en") -> str:
    """A refusal's reason (index/reasons.py, DocumentRejected, an /add item skipped) in
    `language`."""
    return text(reason.code, language, **reason.fields)


class _Localized(Formatter):
    """`str.format` with numbers written the way `language` writes them."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        return localized(value, format_spec, self.language)


def marked(message_id: str, language: str, escape: Callable[[str], str], /,
           **fields: str) -> str:
    """The message with its own words passed through a renderer's `escape` and its fields
    inserted as given (already escaped and marked up by the renderer)."""
    parts = []
    for literal, name, _, _ in Formatter().parse(_template(message_id, language)):
        parts.append(escape(literal) if literal else "")
        if name is not None:
            parts.append(fields[name])
    return "".join(parts)


def _template(message_id: str, language: str) -> str:
    return LANGUAGES.get(language, EN).get(message_id, EN[message_id])


def commands(names: tuple[str, ...], platform: str,
             language: str = "en") -> tuple[tuple[str, str], ...]:
    """(command, description) pairs for a platform's command menu in `language`: its own
    wording where the catalogue has one ("cmd_add_telegram"), else the shared one
    ("cmd_add")."""
    return tuple((name, text(f"cmd_{name}_{platform}" if f"cmd_{name}_{platform}" in EN
                             else f"cmd_{name}", language))
                 for name in names)


def menu_translation(english: str, language: str) -> str | None:
    """A command or option description of the English menu (cmd_*, param_*) said in
    `language`, or None when there is no such description or no other language."""
    key = _MENU_KEYS.get(english)
    if key is None or language == "en" or language not in LANGUAGES:
        return None
    return text(key, language)


_MENU_KEYS = {EN[key]: key for key in EN if key.startswith(("cmd_", "param_"))}
