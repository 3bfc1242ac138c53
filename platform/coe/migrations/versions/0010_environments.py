"""Environments: an enterprise's ordered environments, the stages a template version is
promoted through (validation → production by default; production is always the last).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "enterprise",
        sa.Column(
            "environments",
            postgresql.ARRAY(sa.String()),
            nullable=False,
            server_default="{validation,production}",
        ),
    )


def downgrade() -> None:
    op.drop_column("enterprise", "environments")
