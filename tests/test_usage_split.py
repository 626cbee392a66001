"""index/ keeps no chat usage logs (#11): queries, feedback and audit are the bot's, in the
same database file, with the same migration numbers as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.usage import MIGRATIONS as USAGE_MIGRATIONS
from index.store import MIGRATIONS, Store

INDEX = Path(__file__).resolve().parent.parent / "index"
USAGE_WORDS = re.compile(
    r"TABLE\s+(queries|feedback|audit)\b|\b(log_query|flush_queries|queries_not_logged|"
    r"log_feedback|feedback_rows|log_audit|audit_rows|prune_queries|query_chunk_ids|"
    r"_flush_soon|next_query_id|class Usage)\b", re.IGNORECASE)


def test_index_mentions_no_usage_table_or_method() -> None:
    found = [f"{path.name}: {m.group(0)}" for path in sorted(INDEX.rglob("*.py"))
             for m in USAGE_WORDS.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_index_and_bot_migrations_number_one_schema() -> None:
    assert sorted({**MIGRATIONS, **USAGE_MIGRATIONS}) == [1, 2, 3, 4, 5]
    assert set(USAGE_MIGRATIONS) == {2, 3}


async def test_a_gap_in_the_migration_numbers_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="gap"):
        await Store.open(tmp_path / "db.sqlite3")  # 1 and 4 without the owner's 2 and 3


async def test_a_migration_number_used_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="twice"):
        await Store.open(tmp_path / "db.sqlite3", {**USAGE_MIGRATIONS, 4: "SELECT 1;"})
