"""Production events (partitioned by month) and the KPI rollups maintained on ingest.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:38:38.508847
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_record",
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("batch", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("product", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "completed_event_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True
        ),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_event_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("disposition", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.PrimaryKeyConstraint("site", "batch"),
    )
    op.create_index("ix_batch_record_released", "batch_record", ["released_at"], unique=False)
    op.create_table(
        "kpi_daily",
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("product", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("right_first_time", sa.Integer(), nullable=False),
        sa.Column("reworked", sa.Integer(), nullable=False),
        sa.Column("scrapped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site", "template", "version", "product", "day"),
    )
    op.create_index("ix_kpi_daily_day", "kpi_daily", ["day"], unique=False)
    op.create_table(
        "production_event",
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("template_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("product", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("batch", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("rework_count", sa.Integer(), nullable=True),
        sa.Column("reason_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("disposition", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("work_center", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("site", "occurred_at", "id"),
        postgresql_partition_by="RANGE (occurred_at)",
    )
    op.create_table(
        "unit_outcome",
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("product", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.PrimaryKeyConstraint("site", "unit"),
    )


def downgrade() -> None:
    op.drop_table("unit_outcome")
    op.drop_table("production_event")
    op.drop_index("ix_kpi_daily_day", table_name="kpi_daily")
    op.drop_table("kpi_daily")
    op.drop_index("ix_batch_record_released", table_name="batch_record")
    op.drop_table("batch_record")
