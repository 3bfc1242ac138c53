"""Production events from the plants, and the rollups KPI queries read instead of raw events.

`production_event` is partitioned by month of `occurred_at` (the migration creates it so; the
ingest creates partitions as events arrive). A re-sent event has the same site, id and time, so
the primary key makes it count once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Index, PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

from coe.models.columns import timestamp


def _when(primary_key: bool = False, nullable: bool = False) -> Any:
    column = Column(DateTime(timezone=True), primary_key=primary_key, nullable=nullable)
    return Field(sa_column=column)


class ProductionEvent(SQLModel, table=True):
    __tablename__ = "production_event"
    __table_args__ = (
        # (site, time, id): serves "a site's events over a time range" and the idempotency
        # check at once (one index to maintain per event, written in time order per site).
        PrimaryKeyConstraint("site", "occurred_at", "id"),
        {"postgresql_partition_by": "RANGE (occurred_at)"},
    )

    site: str = Field(primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=128)
    occurred_at: datetime = _when(primary_key=True)
    type: str = Field(max_length=32)
    template: str = Field(max_length=64)
    template_version: str = Field(max_length=64)
    product: str = Field(max_length=128)
    unit: str | None = Field(default=None, max_length=128)
    batch: str | None = Field(default=None, max_length=128)
    outcome: str | None = Field(default=None, max_length=32)
    rework_count: int | None = None
    reason_code: str | None = Field(default=None, max_length=64)
    units: int | None = None
    disposition: str | None = Field(default=None, max_length=16)
    work_center: str | None = Field(default=None, max_length=64)
    duration_seconds: float | None = None
    received_at: datetime | None = timestamp()


class UnitOutcome(SQLModel, table=True):
    """Each unit's deciding unit.completed event: the latest (ties: the greatest id)."""

    __tablename__ = "unit_outcome"

    site: str = Field(primary_key=True, max_length=64)
    unit: str = Field(primary_key=True, max_length=128)
    event_id: str = Field(max_length=128)
    occurred_at: datetime = _when()
    day: date = Field(sa_column=Column(Date, nullable=False))
    template: str = Field(max_length=64)
    version: str = Field(max_length=64)
    product: str = Field(max_length=128)
    outcome: str = Field(max_length=32)


class KpiDaily(SQLModel, table=True):
    """Units by outcome per site, template, version, product and UTC day (rollup)."""

    __tablename__ = "kpi_daily"
    __table_args__ = (Index("ix_kpi_daily_day", "day"),)

    site: str = Field(primary_key=True, max_length=64)
    template: str = Field(primary_key=True, max_length=64)
    version: str = Field(primary_key=True, max_length=64)
    product: str = Field(primary_key=True, max_length=128)
    day: date = Field(sa_column=Column(Date, primary_key=True))
    units: int = 0
    right_first_time: int = 0
    reworked: int = 0
    scrapped: int = 0


class BatchRecord(SQLModel, table=True):
    """One row per batch: completion and release (release velocity reads these)."""

    __tablename__ = "batch_record"
    __table_args__ = (Index("ix_batch_record_released", "released_at"),)

    site: str = Field(primary_key=True, max_length=64)
    batch: str = Field(primary_key=True, max_length=128)
    template: str | None = Field(default=None, max_length=64)
    version: str | None = Field(default=None, max_length=64)
    product: str | None = Field(default=None, max_length=128)
    units: int | None = None
    completed_at: datetime | None = _when(nullable=True)
    completed_event_id: str | None = Field(default=None, max_length=128)
    released_at: datetime | None = _when(nullable=True)
    released_event_id: str | None = Field(default=None, max_length=128)
    disposition: str | None = Field(default=None, max_length=16)
