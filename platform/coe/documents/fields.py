"""Building blocks every document kind shares: strict models, key and version patterns,
durations. Knows no document kind."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

# The file-format version every document kind declares in `apiVersion`: the type for models'
# fields, the value for documents the platform writes (mypy checks the two agree).
ApiVersion = Literal["coe.dev/v1"]
API_VERSION: ApiVersion = "coe.dev/v1"
KEY_PATTERN = r"^[a-z][a-z0-9-]{0,62}[a-z0-9]$"
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,127}$"
SEMVER_PATTERN = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
DURATION_PATTERN = r"^\d+(\.\d+)?(ms|s|m|h|d)$"
DURATION_UNITS = {
    "ms": Fraction(1, 1000),
    "s": Fraction(1),
    "m": Fraction(60),
    "h": Fraction(3600),
    "d": Fraction(86400),
}


class Strict(BaseModel):
    """Unknown fields are refused: in a regulated template a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def duration_seconds(text: Any) -> Fraction | None:
    """'90s', '2h', '1.5d' in seconds; None when `text` is not a duration."""
    if not isinstance(text, str) or not re.match(DURATION_PATTERN, text):
        return None
    unit = next(u for u in ("ms", "s", "m", "h", "d") if text.endswith(u))
    return Fraction(text[: -len(unit)]) * DURATION_UNITS[unit]
