"""Finding secrets in logs and files in any letter case: python-telegram-bot capitalises
error text ("Bad Request: echo 42:AAbc" becomes "Echo 42:aabc"), so an exact-case check
would miss the token it lower-cased."""

from __future__ import annotations


def leaked(text: str | bytes, *secrets: str) -> list[str]:
    """The `secrets` that occur in `text`, ignoring letter case."""
    folded = (text.decode("utf-8", "replace") if isinstance(text, bytes) else text).casefold()
    return [secret for secret in secrets if secret.casefold() in folded]
