"""The catalogue of user-facing text (#11): every id used exists, and the chat adapters
hold no user-facing sentence of their own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot import texts

BOT = Path(__file__).resolve().parent.parent / "bot"
ADAPTERS = (BOT / "telegram_app.py", BOT / "discord_app.py", BOT / "chat.py")
# what else says things in chat (#10); render/plain.py is the English command line's
CHAT_SIDE = (BOT / "adding.py", BOT / "moderation.py", BOT / "render" / "text.py",
             BOT / "render" / "telegram_html.py", BOT / "render" / "discord_md.py")
AUDIT_ONLY = {"ok, near duplicate of "}  # audit-log outcomes, never shown in chat
USED_ID = re.compile(r"""(?:texts\.text|\btext|Notice)\(\s*["']([a-z_]+)["']""")


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [n for n in ast.walk(tree)
             if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)]
    return {id(n.body[0].value) for n in nodes
            if n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}


def _logged(tree: ast.AST) -> set[int]:
    """String arguments of log.*(...), print(...) to stderr and exceptions (operator text)."""
    found: set[int] = set()
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in {"debug", "info", "warning", "error", "exception", "print"} or \
                name.endswith(("Error", "Failed", "Exception")):
            found |= {id(n) for arg in call.args for n in ast.walk(arg)}
    return found


def _sentences(path: Path) -> list[str]:
    """String literals that read like a sentence to a chat user (three words or more)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _logged(tree)
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
            and len(re.findall(r"[A-Za-z]{2,}", n.value)) >= 3
            and " " in n.value.strip() and "%(" not in n.value]


def test_every_message_id_used_exists() -> None:
    used = {match for path in BOT.rglob("*.py")
            for match in USED_ID.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no message ids at all"
    assert used - set(texts.EN) == set()


def test_no_user_facing_literal_left_in_the_chat_layer_or_adapters() -> None:
    for path in ADAPTERS:
        assert _sentences(path) == [], path.name


def test_every_language_has_every_message() -> None:
    for name, catalogue in texts.LANGUAGES.items():
        assert set(catalogue) == set(texts.EN), name


def test_no_user_facing_literal_left_in_what_adds_refuses_or_renders() -> None:
    """Reasons for refusing and skipping are catalogue codes (#10), so none is said in
    English only."""
    for path in CHAT_SIDE:
        assert set(_sentences(path)) - AUDIT_ONLY == set(), path.name
