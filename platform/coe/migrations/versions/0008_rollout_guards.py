"""A rollout keeps its kpiGuards' measurements and the start's estimates in columns of their
own, beside (not inside) the plan snapshot.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rollout", sa.Column("guards", sa.JSON(), nullable=False, server_default="{}"))
    op.add_column(
        "rollout",
        sa.Column("guard_estimates", sa.JSON(), nullable=False, server_default="[]"),
    )


def downgrade() -> None:
    op.drop_column("rollout", "guard_estimates")
    op.drop_column("rollout", "guards")
