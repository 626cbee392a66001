"""Adding several documents at once (#13): files, archives of files, and articles by URL.

What a moderator hands over (attachments, files named on the command line, links) becomes a
list of `Candidate` documents and `Skipped` items with the reason; `add_all` then adds the
candidates one by one through the service. Used by `conflictbot add` and by `/add` in chat.

Each document is added whole or not at all (written atomically, indexed, or removed again);
an archive over its limits (`corpus.max_archive_bytes` for its size and for all its members
unpacked together, `corpus.max_archive_files` documents) is refused whole before anything of
it is added. Members that are not plain documents (folders' paths leading out of the
archive, links, archives inside the archive, other file types, members over
`corpus.max_file_bytes`) are skipped with a reason.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import tarfile
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from bot import texts
from bot.answer import ReindexResult
from bot.config import Config
from bot.core import DocumentRejected, Service
from bot.moderation import failure
from index.ingest import EXTENSIONS
from index.reasons import Reason, reason

log = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class Candidate:
    """A document to add: `label` says where it came from (a file, `archive.zip: a.txt`, a
    URL), `name` is its corpus file name."""

    label: str
    name: str
    data: bytes


@dataclass(frozen=True)
class Skipped:
    """Something not added, and why (safe to show a moderator): `why` in any interface
    language (`texts.told`), `reason` its English."""

    label: str
    why: Reason

    @property
    def reason(self) -> str:
        return texts.told(self.why)


def skipped(label: str, code: str, /, **fields: object) -> Skipped:
    """`label` skipped for the catalogue reason `code` (bot/texts.py) with its values."""
    return Skipped(label, reason(code, **fields))


@dataclass(frozen=True)
class Added:
    label: str
    name: str
    result: ReindexResult


Item = Candidate | Skipped
Outcome = Added | Skipped


@dataclass(frozen=True)
class ArchiveLimits:
    max_file_bytes: int
    max_total_bytes: int
    max_files: int

    @classmethod
    def of(cls, config: Config) -> ArchiveLimits:
        corpus = config.corpus
        return cls(corpus.max_file_bytes, corpus.max_archive_bytes, corpus.max_archive_files)


class ArchiveRefused(Exception):
    """The archive as a whole is refused; nothing of it is added."""

    def __init__(self, code: str, /, **fields: object) -> None:
        self.why = reason(code, **fields)
        super().__init__(texts.told(self.why))


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


# --- files and archives ----------------------------------------------------------------------

def from_upload(name: str, data: bytes, limits: ArchiveLimits) -> list[Item]:
    """An uploaded or named file: itself, or the documents of an archive."""
    if not is_archive(name):
        if len(data) > limits.max_file_bytes:
            return [skipped(name, "over_limit", size=len(data), limit=limits.max_file_bytes)]
        return [Candidate(name, name, data)]
    try:
        return unpack(name, data, limits)
    except ArchiveRefused as exc:
        return [skipped(name, "archive_refused", why=exc.why)]


def unpack(name: str, data: bytes, limits: ArchiveLimits) -> list[Item]:
    """The documents of a .zip or .tar(.gz) archive, and the members skipped, with why.
    ArchiveRefused when the archive is unreadable or over its limits."""
    if len(data) > limits.max_total_bytes:
        raise ArchiveRefused("archive_too_large", archive=name, size=len(data),
                             limit=limits.max_total_bytes)
    members = _zip_members if name.lower().endswith(".zip") else _tar_members
    budget = _Budget(name, limits)
    items: list[Item] = []
    seen: set[str] = set()
    try:
        for member, size, read in members(data):
            items.append(_member_item(name, member, size, read, budget, seen))
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ArchiveRefused("archive_unreadable", archive=name,
                             error=type(exc).__name__) from None
    if not items:
        raise ArchiveRefused("archive_empty", archive=name)
    return items


# A member: its path in the archive, its declared size (None: not a regular file), a reader
# of at most n bytes.
Member = tuple[str, int | None, Callable[[int], bytes]]


class _Budget:
    """What an archive may still unpack: documents, and bytes of all members together."""

    def __init__(self, name: str, limits: ArchiveLimits) -> None:
        self.name, self.limits = name, limits
        self.files, self.bytes = 0, 0

    def add_file(self) -> None:
        self.files += 1
        if self.files > self.limits.max_files:
            raise ArchiveRefused("archive_too_many", archive=self.name,
                                 limit=self.limits.max_files)

    def add_bytes(self, count: int) -> None:
        self.bytes += count
        if self.bytes > self.limits.max_total_bytes:
            raise ArchiveRefused("archive_unpacks_over", archive=self.name,
                                 limit=self.limits.max_total_bytes)


def _member_item(archive: str, path: str, size: int | None, read: Callable[[int], bytes],
                 budget: _Budget, seen: set[str]) -> Item:
    label = f"{archive}: {path}"
    declared = size or 0
    budget.add_bytes(declared)  # every member: skipping one in a .tar.gz unpacks it too
    refusal = _member_refusal(path, size, budget.limits)
    if refusal is not None:
        return Skipped(label, refusal)
    name = PurePosixPath(path).name
    if name.casefold() in seen:
        return skipped(label, "member_same_name", name=name)
    seen.add(name.casefold())
    budget.add_file()
    data = read(budget.limits.max_file_bytes + 1)  # a member may lie about its size
    budget.add_bytes(max(0, len(data) - declared))
    if len(data) > budget.limits.max_file_bytes:
        return skipped(label, "member_larger", limit=budget.limits.max_file_bytes)
    return Candidate(label, name, data)


def _member_refusal(path: str, size: int | None, limits: ArchiveLimits) -> Reason | None:
    """Why a member is skipped (None when it is a document to add)."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if path.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", path):
        return reason("member_outside")
    if size is None:
        return reason("member_not_regular")
    if is_archive(path):
        return reason("member_archive")
    if not path.lower().endswith(EXTENSIONS):
        return reason("member_type", extensions=", ".join(EXTENSIONS))
    if size > limits.max_file_bytes:
        return reason("over_limit", size=size, limit=limits.max_file_bytes)
    return None


def _zip_members(data: bytes) -> Iterator[Member]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            kind = (info.external_attr >> 16) & 0o170000
            regular = kind in (0, 0o100000) and not info.flag_bits & 0x1  # no links, no crypt
            yield (info.filename, info.file_size if regular else None,
                   partial(_read_zip, archive, info))


def _read_zip(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as member:
        return member.read(limit)


def _tar_members(data: bytes) -> Iterator[Member]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for info in archive:  # headers one by one: never a listing of a bomb in memory
            if info.isdir():
                continue
            yield (info.name, info.size if info.isreg() else None,
                   partial(_read_tar, archive, info))


def _read_tar(archive: tarfile.TarFile, info: tarfile.TarInfo, limit: int) -> bytes:
    member = archive.extractfile(info)
    return member.read(limit) if member is not None else b""


def from_path(path: Path, limits: ArchiveLimits) -> list[Item]:
    """A file named on the command line (its size checked before it is read)."""
    label = str(path)
    try:
        size = path.stat().st_size
        cap = limits.max_total_bytes if is_archive(path.name) else limits.max_file_bytes
        if size > cap:
            return [skipped(label, "over_limit", size=size, limit=cap)]
        data = path.read_bytes()
    except OSError as exc:
        return [skipped(label, "not_readable", error=exc.strerror or type(exc).__name__)]
    return from_upload(path.name, data, limits)


# --- articles by URL -------------------------------------------------------------------------

def fetch_url(url: str, config: Config, taken: Collection[str] = ()) -> Item:
    """Fetch one article (blocking: call it in a worker thread) as a corpus document with
    its metadata block, named apart from the corpus's files and the names `taken` (by
    documents not added yet); Skipped with the fetcher's reason when it is refused."""
    from index.fetch import FetchRefused, fetch_article, suggest_filename, to_corpus_text

    try:
        article = fetch_article(url, config.fetch.limits(),
                                allow_private=config.fetch.allow_private)
    except FetchRefused as exc:
        return Skipped(url, exc.reason)
    except Exception as exc:  # the extractor on a page nobody foresaw: that page only
        log.exception("fetching %r failed", url)  # %r: a typed address may hold control characters
        return skipped(url, "page_unreadable", error=type(exc).__name__)
    data = to_corpus_text(article).encode("utf-8")
    if len(data) > config.corpus.max_file_bytes:
        return skipped(url, "article_too_large", size=len(data),
                       limit=config.corpus.max_file_bytes)
    return Candidate(url, free_name(config.corpus_dir, suggest_filename(article), taken),
                     data)


async def fetch_next(url: str, config: Config, before: Sequence[Item]) -> Item:
    """Fetch one article off the event loop, named apart from the documents collected
    `before` it (two sites' copies of one wire story share a title, hence a name)."""
    taken = [item.name for item in before if isinstance(item, Candidate)]
    return await asyncio.to_thread(fetch_url, url, config, taken)


def free_name(corpus: Path, name: str, taken: Collection[str] = ()) -> str:
    """`name`, or `stem-2.txt`, `stem-3.txt`… when the corpus already has a file so called,
    or one of the names `taken` is it."""
    stem, dot, ext = name.rpartition(".")
    candidate, number = name, 1
    folded = {t.casefold() for t in taken}
    while (corpus / candidate).exists() or candidate.casefold() in folded:
        number += 1
        candidate = f"{stem}-{number}{dot}{ext}"
    return candidate


# --- adding ----------------------------------------------------------------------------------

Progress = Callable[[int, int], None]


async def add_all(service: Service, items: Sequence[Item],
                  progress: Progress | None = None) -> list[Outcome]:
    """Add each candidate through the service (each whole or not at all); skipped items
    pass through. `progress(done, total)` after each."""
    outcomes: list[Outcome] = []
    for done, item in enumerate(items, start=1):
        outcomes.append(await add_one(service, item))
        if progress is not None:
            progress(done, len(items))
    return outcomes


async def add_one(service: Service, item: Item) -> Outcome:
    """Add one candidate (whole or not at all); a skipped item passes through."""
    if isinstance(item, Skipped):
        return item
    try:
        result = await service.add_document(item.name, item.data)
    except DocumentRejected as exc:
        return Skipped(item.label, exc.reason)
    except Exception as exc:
        log.exception("adding %s failed", item.name)
        return skipped(item.label, "add_failed_because", reason=failure(exc))
    return Added(item.label, item.name, result)


async def collect(arguments: Sequence[str], config: Config) -> list[Item]:
    """Command-line arguments -> items, in order: a URL is fetched, anything else is a file."""
    limits = ArchiveLimits.of(config)
    items: list[Item] = []
    for argument in arguments:
        if is_url(argument):
            items.append(await fetch_next(argument, config, items))
        else:
            items += from_path(Path(argument), limits)
    return items


def outcome_lines(outcome: Outcome, language: str) -> list[str]:
    """Plain lines telling one outcome: added (and from where), any near duplicate, or
    skipped and why."""
    if isinstance(outcome, Skipped):
        return [texts.text("add_skipped", language, source=outcome.label,
                           reason=outcome.why)]
    if outcome.label == outcome.name:
        first = texts.text("add_added", language, file=outcome.name)
    else:
        first = texts.text("add_added_from", language, file=outcome.name, source=outcome.label)
    return [first, *near_duplicate_lines(outcome.result, language)]


def near_duplicate_lines(result: ReindexResult, language: str) -> list[str]:
    """"⚠ new.txt nearly repeats old.txt (82% …)", one line per near duplicate added."""
    return [texts.text("near_duplicate", language, article=d.key, original=d.of,
                       percent=round(d.similarity * 100)) for d in result.near_duplicates]


def summary_line(outcomes: Sequence[Outcome], language: str) -> str:
    added = sum(isinstance(o, Added) for o in outcomes)
    return texts.text("add_summary", language, added=added, skipped=len(outcomes) - added)


def audit_outcome(outcome: Outcome) -> tuple[str, str]:
    """(command, outcome) of the audit row of one item."""
    if isinstance(outcome, Added):
        near = outcome.result.near_duplicates
        return f"add {outcome.name}", f"ok, near duplicate of {near[0].of}" if near else "ok"
    return f"add {outcome.label}", "skipped"
