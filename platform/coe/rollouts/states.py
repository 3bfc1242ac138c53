"""The states of a rollout and of each of its sites (plain enums, no tables: the workflows,
the tables in `coe.models.rollout` and the GraphQL types share them)."""

from __future__ import annotations

from enum import StrEnum


class RolloutStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    AWAITING_APPROVAL = "awaiting_approval"
    COMPLETED = "completed"
    ABORTED = "aborted"
    FAILED = "failed"


class SiteState(StrEnum):
    PENDING = "pending"
    VALIDATING = "validating"
    AWAITING_APPROVAL = "awaiting_approval"
    DEPLOYING = "deploying"
    VERIFYING = "verifying"
    LIVE = "live"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"
    SKIPPED = "skipped"
