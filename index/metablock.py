"""The optional `---` metadata block at the top of a corpus document (how it is cited).

Kept apart from `index.fetch` so that ingest can read it without importing the extractor."""

from __future__ import annotations

import re

__all__ = ["MAX_BLOCK_LINES", "METADATA_KEYS", "parse_metadata_block"]

METADATA_KEYS = ("title", "outlet", "author", "date", "updated", "url", "language")

_BLOCK_LINE = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
MAX_BLOCK_LINES = 40


def parse_metadata_block(text: str) -> tuple[dict[str, str], str]:
    """Split an optional leading `---` metadata block from a document.

    Returns the known keys found (empty values and unknown keys ignored) and the text after
    the block. Without a block (no closing `---` within 40 lines, or no known key in it) the
    text comes back unchanged.
    """
    lines = text.removeprefix("\ufeff").split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].strip() != "---":
        return {}, text
    end = next((i for i in range(start + 1, min(len(lines), start + MAX_BLOCK_LINES + 2))
                if lines[i].strip() == "---"), None)
    if end is None:
        return {}, text
    metadata: dict[str, str] = {}
    for line in lines[start + 1:end]:
        match = _BLOCK_LINE.match(line)
        key = match.group(1).lower() if match else ""
        if match and key in METADATA_KEYS and match.group(2):
            metadata[key] = match.group(2)
    if not metadata:
        return {}, text
    return metadata, "\n".join(lines[end + 1:]).lstrip("\r\n")
