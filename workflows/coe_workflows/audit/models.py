"""Inputs and results of the audit-chain monitor (plain dataclasses: they cross Temporal)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Anchor:
    """A head (seq, hash) seen by an earlier check; it must still be there, unchanged."""

    seq: int
    hash: str


@dataclass
class VerifyChainInput:
    anchor: Anchor | None = None


@dataclass
class ChainCheck:
    intact: bool
    records: int
    head: Anchor | None
    findings: list[str] = field(default_factory=list)


@dataclass
class MonitorInput:
    interval_seconds: float = 3600.0
    anchor: Anchor | None = None
    # Checks per run before continue-as-new, so the history stays small over months.
    checks_per_run: int = 100
