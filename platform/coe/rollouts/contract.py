"""What the API and the rollout workflows exchange. Owned by `coe` (the workflows import it;
`coe` starts and steers them by name), plain dataclasses so they cross Temporal as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from coe.environments import PRODUCTION

ROLLOUT_WORKFLOW = "TemplateRollout"
SITE_WORKFLOW = "SiteDeployment"
DRIFT_WORKFLOW = "DriftCheck"
DRIFT_SCHEDULE = "drift-check"

# Updates and the query of TemplateRollout.
APPROVE, PAUSE, RESUME, ABORT, RETRY, SKIP_SITE = (
    "approve",
    "pause",
    "resume",
    "abort",
    "retry",
    "skipSite",
)
PROGRESS = "progress"

# What a SiteDeployment deploys for: its `rollout_id` names a rollout, or a transfer (whose
# deployment is the transfer's own in the ledger, not a rollout's).
ORIGIN_ROLLOUT, ORIGIN_TRANSFER = "rollout", "transfer"


@dataclass
class Timings:
    """Durations a rollout waits or retries; configurable so tests stay short."""

    plant_timeout_seconds: float = 10.0
    retry_initial_seconds: float = 1.0
    retry_maximum_seconds: float = 60.0
    retry_attempts: int = 6
    verify_attempts: int = 3
    verify_interval_seconds: float = 2.0
    kpi_guard_poll_seconds: float = 300.0


@dataclass
class GateSpec:
    kind: str  # approval | soak | kpi_guard
    role: str | None = None
    meaning: str | None = None
    soak_seconds: float | None = None
    metric: str | None = None
    max_drop: float | None = None
    min_units: int | None = None
    window_seconds: float | None = None

    def describe(self) -> str:
        if self.kind == "approval":
            return f"approval by {self.role} ({self.meaning})"
        if self.kind == "soak":
            return f"soak {self.soak_seconds:g} s"
        return (
            f"KPI guard: {self.metric} may drop at most {self.max_drop} over "
            f"{self.min_units}+ units"
        )


@dataclass
class WaveSpec:
    name: str
    sites: list[str]
    max_parallel: int = 1
    failure_budget: int = 0
    gates: list[GateSpec] = field(default_factory=list)


@dataclass
class SiteStatus:
    site: str
    wave: str
    state: str
    reason: str | None = None
    violations: list[dict[str, str]] = field(default_factory=list)
    sha256: str | None = None
    previous_sha256: str | None = None
    # the plant's endpoint, once prepared: what a later compensation calls (None in statuses
    # from before it was carried, and before a site is prepared)
    endpoint: str | None = None


@dataclass
class RolloutInput:
    rollout_id: str
    template: str
    version: str
    template_sha256: str
    started_by: str
    waves: list[WaveSpec]
    timings: Timings = field(default_factory=Timings)
    # Carried across continue-as-new.
    next_wave: int = 0
    states: dict[str, SiteStatus] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    approvals: dict[str, str] = field(default_factory=dict)
    # Whose plant instances it deploys to (the plan's spec.environment); a default, so that
    # the payloads of rollouts started before environments existed still decode.
    environment: str = PRODUCTION


@dataclass
class SiteDeploymentInput:
    rollout_id: str  # or the transfer's id, when `origin` is ORIGIN_TRANSFER
    site: str
    wave: str
    template: str
    version: str
    started_by: str
    timings: Timings = field(default_factory=Timings)
    origin: str = ORIGIN_ROLLOUT
    # Which of the site's plant instances is the target; a default, so that the payloads of
    # workflows started before environments existed still decode.
    environment: str = PRODUCTION


@dataclass
class ApprovalUpdate:
    """An approval of a wave's gate; the API has re-authenticated the signer already, at
    `signed_at` (ISO 8601, UTC): the signature's time, whenever the workflow records it."""

    wave: str
    signer_id: str
    printed_name: str
    roles: list[str]
    sites: list[str]
    reason: str
    request_id: str | None = None
    signed_at: str | None = None


@dataclass
class ControlUpdate:
    actor: str
    roles: list[str]
    reason: str | None = None
    rollback: bool = False
    site: str | None = None
    request_id: str | None = None


@dataclass
class RolloutProgress:
    rollout_id: str
    status: str
    current_wave: str | None
    reason: str | None
    waiting_for: str | None
    sites: list[SiteStatus]
    approvals: dict[str, str] = field(default_factory=dict)

    @classmethod
    def empty(cls, rollout_id: str) -> RolloutProgress:
        return cls(rollout_id, "running", None, None, None, [])
