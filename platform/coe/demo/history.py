"""Where the demo plants' made-up past ends: `coe demo-rollouts` writes the time when the
demo's initial rollouts are done; deployments after it produce from their own start.
Light on imports: `coe up` reads it at start-up."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

HISTORY_CLOSED = "history-closed"


def history_closed(folder: Path) -> datetime | None:
    """When the demo plants' past ended (deployments after it get no made-up history)."""
    path = folder / HISTORY_CLOSED
    return datetime.fromisoformat(path.read_text().strip()) if path.exists() else None


def close_history(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HISTORY_CLOSED).write_text(datetime.now(UTC).isoformat())
