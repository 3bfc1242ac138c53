"""Rollouts and the ledger name their environment (everything so far was production); the CSA
validation record of a template version with its results and deviations.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_text = sqlmodel.sql.sqltypes.AutoString


def _stamp(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=None if nullable else sa.func.now(),
    )


def upgrade() -> None:
    op.add_column(
        "rollout",
        sa.Column("environment", _text(length=32), nullable=False, server_default="production"),
    )
    op.create_index("ix_rollout_environment", "rollout", ["environment"])
    op.add_column("rollout", sa.Column("emergency_deviation", _text(length=64), nullable=True))
    op.add_column(
        "deployment",
        sa.Column("environment", _text(length=32), nullable=False, server_default="production"),
    )
    op.drop_index("ix_deployment_current", table_name="deployment")
    op.create_index(
        "ix_deployment_current", "deployment", ["site", "template", "environment", "status"]
    )

    op.create_table(
        "validation_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("template", _text(length=64), nullable=False),
        sa.Column("version", _text(length=64), nullable=False),
        sa.Column("template_sha256", _text(length=64), nullable=False),
        sa.Column("document", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("document_sha256", _text(length=64), nullable=False),
        sa.Column("status", _text(length=16), nullable=False),
        sa.Column("authored_by", _text(length=200), nullable=False),
        sa.Column("conclusion", _text(length=4000), nullable=True),
        sa.Column(
            "conclusion_signature_id", sa.Uuid(), sa.ForeignKey("signature.id"), nullable=True
        ),
        _stamp("concluded_at", nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.UniqueConstraint("template", "version"),
    )
    op.create_index("ix_validation_record_template", "validation_record", ["template"])
    op.create_table(
        "validation_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("validation_record.id"), nullable=False),
        sa.Column("test_case", _text(length=64), nullable=False),
        sa.Column("kind", _text(length=16), nullable=False),
        sa.Column("outcome", _text(length=8), nullable=False),
        sa.Column("actual", _text(length=4000), nullable=False),
        sa.Column("parameters", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("evidence", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("executed_by", _text(length=200), nullable=False),
        _stamp("executed_at"),
        sa.Column("signature_id", sa.Uuid(), sa.ForeignKey("signature.id"), nullable=True),
        sa.Column("reused_from", _text(length=64), nullable=True),
    )
    op.create_index("ix_validation_result_record_id", "validation_result", ["record_id"])
    op.create_table(
        "validation_deviation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("validation_record.id"), nullable=False),
        sa.Column("key", _text(length=32), nullable=False),
        sa.Column("title", _text(length=200), nullable=False),
        sa.Column("description", _text(length=4000), nullable=False),
        sa.Column("test_case", _text(length=64), nullable=True),
        sa.Column("status", _text(length=16), nullable=False),
        sa.Column("opened_by", _text(length=200), nullable=False),
        _stamp("opened_at"),
        sa.Column("resolution", _text(length=4000), nullable=True),
        sa.Column("closed_by", _text(length=200), nullable=True),
        _stamp("closed_at", nullable=True),
        sa.UniqueConstraint("record_id", "key"),
    )
    op.create_index("ix_validation_deviation_record_id", "validation_deviation", ["record_id"])


def downgrade() -> None:
    op.drop_table("validation_deviation")
    op.drop_table("validation_result")
    op.drop_table("validation_record")
    op.drop_index("ix_deployment_current", table_name="deployment")
    op.execute("DELETE FROM deployment WHERE environment <> 'production'")
    op.create_index("ix_deployment_current", "deployment", ["site", "template", "status"])
    op.drop_column("deployment", "environment")
    op.drop_column("rollout", "emergency_deviation")
    op.drop_index("ix_rollout_environment", table_name="rollout")
    op.drop_column("rollout", "environment")
