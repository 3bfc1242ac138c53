"""Tech transfers: a proven process moved from a source site to a target site."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from coe.models.columns import json_object, timestamp


class TransferStatus(StrEnum):
    AWAITING_OVERLAY = "awaiting_overlay"  # the target completes its overlay
    AWAITING_APPROVAL = "awaiting_approval"  # QA of the source and of the target sign
    DEPLOYING = "deploying"
    QUALIFYING = "qualifying"  # the target's production is measured against the baseline
    AWAITING_DECISION = "awaiting_decision"  # the window ended unqualified: extend or fail
    QUALIFIED = "qualified"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_TRANSFER = (
    TransferStatus.AWAITING_OVERLAY,
    TransferStatus.AWAITING_APPROVAL,
    TransferStatus.DEPLOYING,
    TransferStatus.QUALIFYING,
    TransferStatus.AWAITING_DECISION,
)


class Transfer(SQLModel, table=True):
    """The state is the workflow's (ProcessTransfer), mirrored here for reading."""

    id: str = Field(primary_key=True, max_length=160)
    template: str = Field(max_length=64, index=True)
    version: str = Field(max_length=64)
    source: str = Field(max_length=64, index=True)
    target: str = Field(max_length=64, index=True)
    status: str = Field(max_length=24, index=True)
    reason: str | None = Field(default=None, max_length=4000)
    tolerance: float
    min_units: int
    window_seconds: float
    # what the transfer carries: baseline KPIs, proposal, decisions, equipment, diff
    package: dict[str, Any] = json_object()
    overlay_version: int | None = None  # the target's overlay revision the transfer proposed
    approvals: dict[str, Any] = json_object()  # side -> signer and signature id
    qualification: dict[str, Any] = json_object()  # the latest measurement
    started_by: str = Field(max_length=200)
    workflow_id: str = Field(max_length=200)
    started_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
    finished_at: datetime | None = timestamp(nullable=True)
