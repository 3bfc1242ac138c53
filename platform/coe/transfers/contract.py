"""What the API and the ProcessTransfer workflow exchange (plain dataclasses, JSON over
Temporal). Owned by `coe`; the workflow is started and steered by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coe.rollouts.contract import Timings

TRANSFER_WORKFLOW = "ProcessTransfer"

PROGRESS = "progress"  # the query
# Updates of ProcessTransfer.
OVERLAY_COMPLETED, APPROVE_TRANSFER, EXTEND, FAIL, CANCEL = (
    "overlayCompleted",
    "approveTransfer",
    "extendQualification",
    "failTransfer",
    "cancelTransfer",
)
SIDES = ("source", "target")


@dataclass
class TransferInput:
    transfer_id: str
    template: str
    version: str
    source: str
    target: str
    started_by: str
    tolerance: float
    min_units: int
    window_seconds: float
    baseline_units: int
    baseline_right_first_time: int
    timings: Timings = field(default_factory=Timings)
    poll_seconds: float = 300.0


@dataclass
class TransferStep:
    """A person's step (overlay completed, approval, extend, fail, cancel), checked by the
    API (identity, e-signature) and by the workflow (state, who may)."""

    actor: str
    roles: list[str]
    sites: list[str]
    reason: str | None = None
    side: str | None = None  # approvals: source | target
    signature_id: str | None = None
    overlay_version: int | None = None
    window_seconds: float | None = None
    request_id: str | None = None


@dataclass
class TransferProgress:
    """What an update answers: the state right after the step (its record follows)."""

    status: str
    reason: str | None
    approvals: dict[str, dict[str, str]]
    overlay_version: int | None


@dataclass
class TransferRecord:
    """The workflow's state, mirrored to PostgreSQL (and audited)."""

    transfer_id: str
    status: str
    reason: str | None
    action: str
    actor: str
    finished: bool = False
    approvals: dict[str, dict[str, str]] | None = None
    qualification: dict[str, Any] | None = None
    overlay_version: int | None = None
    request_id: str | None = None


@dataclass
class QualificationRequest:
    template: str
    version: str
    site: str
    since: str  # ISO 8601 time the target went live


@dataclass
class TargetCounts:
    units: int
    right_first_time: int


@dataclass
class DeploymentOpening:
    """The transfer's one-site rollout, so its deployment is in the ledger like any other."""

    transfer_id: str
    template: str
    version: str
    target: str
    started_by: str
