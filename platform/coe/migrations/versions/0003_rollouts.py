"""Rollouts mirrored from Temporal, the deployment ledger, and drift observations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 05:14:31.278189
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("previous_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("rollout_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("deployed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "since", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rollout_id", "site", "template"),
    )
    op.create_index(
        "ix_deployment_current", "deployment", ["site", "template", "status"], unique=False
    )
    op.create_table(
        "drift_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expected_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reported_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column(
            "first_seen",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "last_seen", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_drift_open", "drift_observation", ["site", "template", "resolved_at"], unique=False
    )
    op.create_table(
        "rollout",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("template_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("current_wave", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("workflow_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_rollout_status"), "rollout", ["status"], unique=False)
    op.create_index(op.f("ix_rollout_template"), "rollout", ["template"], unique=False)
    op.create_table(
        "rollout_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rollout_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("wave", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("violations", sa.JSON(), nullable=True),
        sa.Column("previous_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("history", sa.JSON(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["rollout_id"],
            ["rollout.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rollout_id", "site"),
    )
    op.create_index(
        op.f("ix_rollout_site_rollout_id"), "rollout_site", ["rollout_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rollout_site_rollout_id"), table_name="rollout_site")
    op.drop_table("rollout_site")
    op.drop_index(op.f("ix_rollout_template"), table_name="rollout")
    op.drop_index(op.f("ix_rollout_status"), table_name="rollout")
    op.drop_table("rollout")
    op.drop_index("ix_drift_open", table_name="drift_observation")
    op.drop_table("drift_observation")
    op.drop_index("ix_deployment_current", table_name="deployment")
    op.drop_table("deployment")
