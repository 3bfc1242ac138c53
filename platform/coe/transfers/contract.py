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
    # approvals: the signer re-authenticated at `signed_at` (ISO 8601) and signs the content
    # hashed `content_sha256`; the target's also approves overlay revision `overlay_version`
    # (its document hashed `overlay_sha256`). The workflow stores both signatures.
    printed_name: str | None = None
    signed_at: str | None = None
    content_sha256: str | None = None
    overlay_sha256: str | None = None


@dataclass
class TransferApproval:
    """An accepted approval, for the workflow's activity to store: its e-signature (and the
    overlay approval that the target's signature carries), with ids from the workflow."""

    transfer_id: str
    side: str
    signature_id: str
    step: TransferStep
    overlay_signature_id: str | None = None
    target: str | None = None
    template: str | None = None


@dataclass
class TransferProgress:
    """What an update answers: the state right after the step (its record follows)."""

    status: str
    reason: str | None
    approvals: dict[str, dict[str, str]]
    overlay_version: int | None
    # the latest measurement (an extension's carries its new deadline); None before any
    qualification: dict[str, Any] | None = None


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
    """The transfer's deployment, about to start (it is the transfer's own in the ledger)."""

    transfer_id: str
    template: str
    version: str
    target: str
    started_by: str
