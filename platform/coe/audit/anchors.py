"""Anchors of the audit chain, kept outside the database.

A hash chain alone cannot show that its newest records were deleted, that the table was
truncated or that an older copy of the database was restored: what is left still verifies. An
anchor is a head (seq, hash) seen intact at some time, kept where the database's owner cannot
rewrite it. Every verification checks that the chain still holds the latest anchor, unchanged.

The store is pluggable (`AnchorStore`); the one shipped is an append-only JSON-lines file,
`COE_AUDIT_ANCHOR_SINK=file:PATH` (default `$COE_HOME/audit-anchors.jsonl`). In production point
it at append-only storage (a WORM-mounted path, a chattr +a file, an object-lock bucket mount).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from coe.config import Settings
from coe.errors import CoeError

DEFAULT_FILE = "audit-anchors.jsonl"


class AnchorStoreError(CoeError):
    """The anchor sink is misconfigured or its content is unreadable: the chain cannot be
    checked against its anchors, which is itself a finding for an auditor."""

    code = "AUDIT_ANCHORS_UNAVAILABLE"


@dataclass(frozen=True)
class Anchor:
    """A head of the chain seen intact: that record must stay, with that hash."""

    seq: int
    hash: str
    recorded_at: datetime | None = None

    def describe(self) -> str:
        when = f" on {self.recorded_at:%Y-%m-%d %H:%M:%S} UTC" if self.recorded_at else ""
        return f"seq {self.seq} (hash {self.hash[:12]}…) was anchored{when}"


class AnchorStore(Protocol):
    """Where anchors live. Implementations must only ever append."""

    def latest(self) -> Anchor | None:
        """The anchor with the highest seq, or None before the first one."""

    def record(self, anchor: Anchor) -> None:
        """Append an anchor durably."""


class FileAnchorStore:
    """JSON lines appended with O_APPEND and fsync: each line is written whole, never edited."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def latest(self) -> Anchor | None:
        try:
            lines = self.path.read_text().splitlines()
        except FileNotFoundError:
            return None
        anchors = [self._parse(number, line) for number, line in enumerate(lines, 1) if line]
        return max(anchors, key=lambda anchor: anchor.seq, default=None)

    def record(self, anchor: Anchor) -> None:
        recorded_at = anchor.recorded_at or datetime.now(UTC)
        line = json.dumps(
            {"seq": anchor.seq, "hash": anchor.hash, "recorded_at": recorded_at.isoformat()}
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def _parse(self, number: int, line: str) -> Anchor:
        try:
            value = json.loads(line)
            return Anchor(
                seq=int(value["seq"]),
                hash=str(value["hash"]),
                recorded_at=datetime.fromisoformat(value["recorded_at"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise AnchorStoreError(
                f"{self.path} line {number} is not an anchor ({error}): the anchor file was "
                "tampered with or damaged"
            ) from None


def anchor_store(settings: Settings) -> AnchorStore:
    """The store COE_AUDIT_ANCHOR_SINK names (`file:PATH`; unset: a file under COE_HOME)."""
    sink = settings.audit_anchor_sink
    if not sink:
        return FileAnchorStore(settings.state_dir / DEFAULT_FILE)
    scheme, _, location = sink.partition(":")
    if scheme != "file" or not location:
        raise AnchorStoreError(
            f"COE_AUDIT_ANCHOR_SINK={sink!r} is not supported: use file:PATH (an append-only "
            "location outside the database)"
        )
    return FileAnchorStore(Path(location).expanduser())
