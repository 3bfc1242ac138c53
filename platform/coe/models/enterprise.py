"""ISA-95 equipment hierarchy: Enterprise → Site → Area → WorkCenter → WorkUnit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from coe.environments import DEFAULT_ENVIRONMENTS
from coe.models.columns import json_object, text_array, timestamp


class Enterprise(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    # The stages a template version is promoted through, in order; production is the last.
    environments: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ENVIRONMENTS),
        sa_column=Column(ARRAY(String), nullable=False, server_default="{validation,production}"),
    )
    created_at: datetime | None = timestamp()


class Site(SQLModel, table=True):
    """A plant. Carries what the rollout and KPI machinery need to know about it; where it
    runs, per environment, is its `PlantInstance` rows."""

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    key: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    region: str = Field(max_length=64, index=True)
    country: str | None = Field(default=None, max_length=2)
    time_zone: str = Field(max_length=64)
    regulatory_scope: list[str] = text_array()
    labels: dict[str, Any] = json_object()
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class PlantInstance(SQLModel, table=True):
    """A site's plant instance in one environment: where its reference agent (or MES)
    listens. Every plant has at most one per environment; today that is production."""

    __tablename__ = "plant_instance"
    __table_args__ = (UniqueConstraint("site_id", "environment"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    environment: str = Field(max_length=32)
    endpoint: str = Field(max_length=500)
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class Area(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    created_at: datetime | None = timestamp()


class WorkCenter(SQLModel, table=True):
    """A line or cell; `equipment_classes` says what processes it can run."""

    __tablename__ = "work_center"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    equipment_classes: list[str] = text_array()
    created_at: datetime | None = timestamp()


class WorkUnit(SQLModel, table=True):
    __tablename__ = "work_unit"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    work_center_id: int = Field(foreign_key="work_center.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    equipment_class: str | None = Field(default=None, max_length=64)
    created_at: datetime | None = timestamp()
