"""What text the platform can store: PostgreSQL refuses NUL in `text` and `jsonb`, and no
encoder can write an unpaired surrogate (JSON's "\\ud800" decodes to one)."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, in words for the caller; None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000), which cannot be stored"
    return "contains an unpaired surrogate (not valid Unicode), which cannot be stored"
