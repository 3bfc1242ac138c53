"""Tech transfers: a proven process moved from a source site to a target site."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from coe.models.columns import json_object, timestamp
from coe.transfers.states import ACTIVE_TRANSFER as ACTIVE_TRANSFER  # enums live without tables
from coe.transfers.states import TransferStatus as TransferStatus


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
