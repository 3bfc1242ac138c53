"""Rollouts (mirrored from their Temporal workflows), the deployment ledger, and drift."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from coe.models.columns import timestamp
from coe.rollouts.states import RolloutStatus as RolloutStatus  # the enums live without tables
from coe.rollouts.states import SiteState as SiteState


class LedgerStatus(StrEnum):
    LIVE = "live"
    SUPERSEDED = "superseded"
    ROLLED_BACK = "rolled_back"


def _json(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


class Rollout(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=120)
    template: str = Field(max_length=64, index=True)
    version: str = Field(max_length=64)
    template_sha256: str = Field(max_length=64)
    # The environment whose plant instances it deploys to (the plan's spec.environment).
    environment: str = Field(default="production", max_length=32, index=True)
    # An emergency production change names the deviation it answers (validation bypassed;
    # two QA approvers other than the starter sign before any site is touched).
    emergency_deviation: str | None = Field(default=None, max_length=64)
    plan: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # Each kpiGuard wave's last measurement (wave -> coe.rollouts.guard.Measurement as a dict,
    # with verdict, reason and measured_at), written by the workflow.
    guards: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # What the start estimated each kpiGuard needs (coe.rollouts.guard estimates as dicts).
    guard_estimates: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    status: str = Field(max_length=24, index=True)
    current_wave: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=4000)
    started_by: str = Field(max_length=200)
    workflow_id: str = Field(max_length=200)
    started_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
    finished_at: datetime | None = timestamp(nullable=True)


class RolloutSite(SQLModel, table=True):
    __tablename__ = "rollout_site"
    __table_args__ = (UniqueConstraint("rollout_id", "site"),)

    id: int | None = Field(default=None, primary_key=True)
    rollout_id: str = Field(foreign_key="rollout.id", max_length=120, index=True)
    site: str = Field(max_length=64)
    wave: str = Field(max_length=64)
    position: int
    state: str = Field(max_length=24)
    reason: str | None = Field(default=None, max_length=4000)
    violations: list[dict[str, str]] | None = _json()
    previous_sha256: str | None = Field(default=None, max_length=64)
    sha256: str | None = Field(default=None, max_length=64)
    history: list[dict[str, Any]] | None = _json()
    updated_at: datetime | None = timestamp()


class LedgerEntry(SQLModel, table=True):
    """The ledger: what runs where (a site's instance in one environment), since when,
    deployed by which rollout or which transfer (exactly one of the two)."""

    __tablename__ = "deployment"
    __table_args__ = (
        UniqueConstraint("rollout_id", "site", "template"),
        UniqueConstraint("transfer_id", "site", "template"),
        CheckConstraint(
            "(rollout_id IS NULL) <> (transfer_id IS NULL)", name="ck_deployment_one_origin"
        ),
        Index("ix_deployment_current", "site", "template", "environment", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=64)
    environment: str = Field(default="production", max_length=32)
    template: str = Field(max_length=64)
    version: str = Field(max_length=64)
    sha256: str = Field(max_length=64)
    previous_sha256: str | None = Field(default=None, max_length=64)
    rollout_id: str | None = Field(default=None, max_length=120)
    transfer_id: str | None = Field(default=None, foreign_key="transfer.id", max_length=160)
    deployed_by: str = Field(max_length=200)
    status: str = Field(max_length=16)
    since: datetime | None = timestamp()
    ended_at: datetime | None = timestamp(nullable=True)


class DriftObservation(SQLModel, table=True):
    """A plant running something other than what the ledger says (open until it agrees)."""

    __tablename__ = "drift_observation"
    __table_args__ = (Index("ix_drift_open", "site", "template", "resolved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=64)
    template: str = Field(max_length=64)
    expected_sha256: str | None = Field(default=None, max_length=64)
    reported_sha256: str | None = Field(default=None, max_length=64)
    detail: str = Field(max_length=2000)
    first_seen: datetime | None = timestamp()
    last_seen: datetime | None = timestamp()
    resolved_at: datetime | None = timestamp(nullable=True)
