"""Plant instances: where a site's plant listens moves from `site.plant_endpoint` to one row
per site and environment, so that a plant can have a validation instance beside its
production one. Every existing endpoint becomes the site's production instance.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_text = sqlmodel.sql.sqltypes.AutoString


def _stamp(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "plant_instance",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("site.id"), nullable=False),
        sa.Column("environment", _text(length=32), nullable=False),
        sa.Column("endpoint", _text(length=500), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.UniqueConstraint("site_id", "environment"),
    )
    op.create_index("ix_plant_instance_site_id", "plant_instance", ["site_id"])
    op.execute(
        "INSERT INTO plant_instance (site_id, environment, endpoint) "
        "SELECT id, 'production', plant_endpoint FROM site WHERE plant_endpoint IS NOT NULL"
    )
    op.drop_column("site", "plant_endpoint")


def downgrade() -> None:
    op.add_column("site", sa.Column("plant_endpoint", _text(length=500), nullable=True))
    op.execute(
        "UPDATE site SET plant_endpoint = i.endpoint FROM plant_instance i "
        "WHERE i.site_id = site.id AND i.environment = 'production'"
    )
    op.drop_table("plant_instance")
