"""bot/adding.py: several documents at once, and hostile archives (#13)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from bot.adding import (
    Added,
    ArchiveLimits,
    Candidate,
    Skipped,
    add_all,
    from_path,
    from_upload,
    is_url,
)
from bot.core import Service
from tests.article_site import tar_gz

LIMITS = ArchiveLimits(max_file_bytes=10_000, max_total_bytes=100_000, max_files=5)
DOC = b"Quuxfoo Accord\n\nThe Quuxfoo accord was signed in Gao by the militia leaders.\n"
OTHER = b"Zorblat Raid\n\nThe Zorblat raid hit Menaka at dawn, cutting the road to Ansongo.\n"


def zipped(members: dict[str, bytes], *, symlink: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, b"/etc/passwd")
    return buffer.getvalue()


def tarred(members: dict[str, bytes]) -> bytes:
    return tar_gz(members, symlink="link.txt")


def reasons(items: list[Candidate | Skipped]) -> dict[str, str]:
    return {i.label: i.reason if isinstance(i, Skipped) else "ok" for i in items}


def test_zip_documents_are_added_and_hostile_members_skipped_with_a_reason() -> None:
    data = zipped({"news/a.txt": DOC, "../../etc/evil.txt": DOC, "/abs.txt": DOC,
                   "inner.zip": b"PK", "photo.jpg": b"\xff\xd8", "big.txt": b"x" * 20_000,
                   "other/a.txt": OTHER}, symlink="link.txt")
    got = reasons(from_upload("batch.zip", data, LIMITS))
    assert got == {
        "batch.zip: news/a.txt": "ok",
        "batch.zip: ../../etc/evil.txt": "a path that leads out of the archive",
        "batch.zip: /abs.txt": "a path that leads out of the archive",
        "batch.zip: inner.zip": "an archive inside the archive",
        "batch.zip: photo.jpg": "not a .txt, .md, .html, .htm document",
        "batch.zip: big.txt": "20,000 bytes; the limit is 10,000",
        "batch.zip: other/a.txt": "another member is also called a.txt",
        "batch.zip: link.txt": "not a regular file (a link or a device)",
    }
    [candidate] = [i for i in from_upload("batch.zip", data, LIMITS) if isinstance(i, Candidate)]
    assert (candidate.name, candidate.data) == ("a.txt", DOC)


def test_tar_gz_documents_and_links() -> None:
    got = reasons(from_upload("batch.tar.gz", tarred({"a.txt": DOC, "b.md": OTHER}), LIMITS))
    assert got == {"batch.tar.gz: a.txt": "ok", "batch.tar.gz: b.md": "ok",
                   "batch.tar.gz: link.txt": "not a regular file (a link or a device)"}


def test_zip_bomb_is_refused_whole_before_unpacking() -> None:
    """A few kilobytes that unpack to 2 MB (over the 100 kB for all members): nothing of
    it is offered for adding."""
    bomb = zipped({f"part{i}.txt": b"0" * 9_000 for i in range(4)}
                  | {"zeros.bin": b"\0" * 2_000_000})
    assert len(bomb) < 20_000
    [refused] = from_upload("bomb.zip", bomb, LIMITS)
    assert isinstance(refused, Skipped)
    assert refused.reason == ("bomb.zip unpacks to more than 100,000 bytes; "
                              "nothing of it was added")


def test_tar_gz_bomb_is_refused_whole() -> None:
    bomb = tarred({"a.txt": DOC, "zeros.txt": b"\0" * 3_000_000})
    [refused] = from_upload("bomb.tgz", bomb, LIMITS)
    assert isinstance(refused, Skipped) and "unpacks to more than" in refused.reason


def test_member_lying_about_its_size_is_not_added() -> None:
    data = bytearray(zipped({"a.txt": b"y" * 50_000}))
    # the local header and the central directory both say 500 bytes
    for offset in (i for i in range(len(data) - 4) if data[i:i + 4] == (50_000).to_bytes(4,
                                                                                "little")):
        data[offset:offset + 4] = (500).to_bytes(4, "little")
    [item] = from_upload("liar.zip", bytes(data), LIMITS)
    assert isinstance(item, Skipped) and "could not be read as an archive" in item.reason


def test_too_many_documents_and_unreadable_archives_are_refused_whole() -> None:
    many = zipped({f"d{i}.txt": DOC for i in range(6)})
    [refused] = from_upload("many.zip", many, LIMITS)
    assert isinstance(refused, Skipped) and "more than 5 documents" in refused.reason
    [broken] = from_upload("broken.zip", b"PK\x03\x04 not really", LIMITS)
    assert isinstance(broken, Skipped) and "could not be read as an archive" in broken.reason


def test_files_from_disk_checked_for_size_before_reading(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 10_001)
    (tmp_path / "ok.txt").write_bytes(DOC)
    [big] = from_path(tmp_path / "big.txt", LIMITS)
    [ok] = from_path(tmp_path / "ok.txt", LIMITS)
    [missing] = from_path(tmp_path / "nope.txt", LIMITS)
    assert isinstance(big, Skipped) and "10,001 bytes" in big.reason
    assert isinstance(ok, Candidate) and ok.data == DOC
    assert isinstance(missing, Skipped) and "not readable" in missing.reason


def test_urls_are_told_apart_from_file_names() -> None:
    assert is_url("https://example.org/a") and is_url("ftp://x")
    assert not is_url("report.txt") and not is_url("C:report.txt")


async def test_add_all_adds_each_and_reports_each_refusal(service: Service) -> None:
    items = [*from_upload("batch.zip", zipped({"a.txt": DOC, "b.txt": OTHER, "c.exe": b""}),
                          LIMITS), Candidate("again", "a.txt", DOC)]
    seen: list[tuple[int, int]] = []
    outcomes = await add_all(service, items, lambda done, total: seen.append((done, total)))
    assert [type(o).__name__ for o in outcomes] == ["Added", "Added", "Skipped", "Skipped"]
    assert [o.name for o in outcomes if isinstance(o, Added)] == ["a.txt", "b.txt"]
    assert isinstance(outcomes[3], Skipped) and "already in the corpus" in outcomes[3].reason
    assert seen[-1] == (4, 4)
    answer = await service.ask("Zorblat raid Menaka", log=False)
    assert answer.passages[0].citation.file == "b.txt"
