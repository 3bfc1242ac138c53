"""Activity inputs and outputs of the rollout workflows (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coe.environments import PRODUCTION
from coe.rollouts.contract import ORIGIN_ROLLOUT, ApprovalUpdate, SiteStatus


@dataclass
class PreparedSite:
    compatible: bool
    endpoint: str | None = None
    sha256: str | None = None
    violations: list[dict[str, str]] = field(default_factory=list)
    reason: str | None = None


@dataclass
class PlantRequest:
    site: str
    endpoint: str
    template: str
    timeout_seconds: float
    environment: str = PRODUCTION  # the instance's; whose ledger a rollback reads


@dataclass
class LiveDefinition:
    """The ledger's live entry of a site for a template: what runs there, as far as we know
    (both None: nothing is recorded)."""

    version: str | None = None
    sha256: str | None = None


@dataclass
class DeployRequest:
    site: str
    endpoint: str
    template: str
    version: str
    sha256: str
    rollout_id: str
    timeout_seconds: float


@dataclass
class SiteStateRecord:
    rollout_id: str
    status: SiteStatus
    origin: str = ORIGIN_ROLLOUT  # a transfer's site state is the transfer's own record


@dataclass
class RolloutRecord:
    rollout_id: str
    status: str
    current_wave: str | None
    reason: str | None = None
    finished: bool = False
    # The last kpiGuard measurement of each wave so far (wave name -> Measurement.as_dict plus
    # verdict and time), kept with the rollout so status shows it (see record_rollout).
    guards: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class GuardRequest:
    """What a kpiGuard measures: the wave's live sites, since `started` (ISO 8601, UTC)."""

    template: str
    version: str
    sites: list[str]
    metric: str
    started: str
    window_seconds: float


@dataclass
class LedgerRecord:
    rollout_id: str
    site: str
    template: str
    version: str
    sha256: str
    previous_sha256: str | None
    deployed_by: str
    origin: str = ORIGIN_ROLLOUT  # rollout_id names a rollout, or (ORIGIN_TRANSFER) a transfer
    environment: str = PRODUCTION  # the instance deployed to


@dataclass
class ApprovalRecord:
    rollout_id: str
    signature_id: str
    approval: ApprovalUpdate
    content: dict[str, Any]


@dataclass
class RolloutAudit:
    rollout_id: str
    action: str
    actor: str
    reason: str | None = None
    request_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
