"""Tech transfers (ProcessTransfer), mirrored from their workflows for reading.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    json_default = sa.text("'{}'::jsonb")
    op.create_table(
        "transfer",
        sa.Column("id", text(length=160), nullable=False),
        sa.Column("template", text(length=64), nullable=False),
        sa.Column("version", text(length=64), nullable=False),
        sa.Column("source", text(length=64), nullable=False),
        sa.Column("target", text(length=64), nullable=False),
        sa.Column("status", text(length=24), nullable=False),
        sa.Column("reason", text(length=4000), nullable=True),
        sa.Column("tolerance", sa.Float(), nullable=False),
        sa.Column("min_units", sa.Integer(), nullable=False),
        sa.Column("window_seconds", sa.Float(), nullable=False),
        sa.Column("package", postgresql.JSONB(), server_default=json_default, nullable=False),
        sa.Column("overlay_version", sa.Integer(), nullable=True),
        sa.Column("approvals", postgresql.JSONB(), server_default=json_default, nullable=False),
        sa.Column("qualification", postgresql.JSONB(), server_default=json_default, nullable=False),
        sa.Column("started_by", text(length=200), nullable=False),
        sa.Column("workflow_id", text(length=200), nullable=False),
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
    for column in ("template", "source", "target", "status"):
        op.create_index(f"ix_transfer_{column}", "transfer", [column], unique=False)


def downgrade() -> None:
    for column in ("template", "source", "target", "status"):
        op.drop_index(f"ix_transfer_{column}", table_name="transfer")
    op.drop_table("transfer")
