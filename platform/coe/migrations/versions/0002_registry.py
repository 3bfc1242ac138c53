"""Registry: template versions and site overlay revisions.

A published template version is frozen in the database too: a trigger refuses any change to
its content (only its lifecycle status may move on) and refuses to delete it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:40:51.581817
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


FREEZE_PUBLISHED = """
CREATE FUNCTION coe_freeze_published_template() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('published', 'deprecated', 'retired') THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'template % % is published: it cannot be deleted',
                OLD.key, OLD.version USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.document::text IS DISTINCT FROM OLD.document::text
           OR NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256
           OR NEW.key IS DISTINCT FROM OLD.key OR NEW.version IS DISTINCT FROM OLD.version
           OR NEW.status NOT IN ('published', 'deprecated', 'retired') THEN
            RAISE EXCEPTION 'template % % is published: its content is frozen',
                OLD.key, OLD.version USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("patch", sa.Integer(), nullable=False),
        sa.Column("prerelease", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("change_summary", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("approval_signature_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
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
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["approval_signature_id"],
            ["signature.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
    )
    op.create_index(op.f("ix_template_version_key"), "template_version", ["key"], unique=False)
    op.create_index(
        "ix_template_version_order",
        "template_version",
        ["key", "major", "minor", "patch"],
        unique=False,
    )
    op.create_index(
        op.f("ix_template_version_status"), "template_version", ["status"], unique=False
    )
    op.create_table(
        "overlay_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "template_versions", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("proposed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("approval_signature_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["approval_signature_id"],
            ["signature.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site"],
            ["site.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site", "template", "version"),
    )
    op.create_index(
        "ix_overlay_revision_effective",
        "overlay_revision",
        ["template", "site", "status"],
        unique=False,
    )

    op.execute(FREEZE_PUBLISHED)
    op.execute(
        "CREATE TRIGGER template_version_frozen BEFORE UPDATE OR DELETE ON template_version "
        "FOR EACH ROW EXECUTE FUNCTION coe_freeze_published_template()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS template_version_frozen ON template_version")
    op.execute("DROP FUNCTION IF EXISTS coe_freeze_published_template()")
    op.drop_index("ix_overlay_revision_effective", table_name="overlay_revision")
    op.drop_table("overlay_revision")
    op.drop_index(op.f("ix_template_version_status"), table_name="template_version")
    op.drop_index("ix_template_version_order", table_name="template_version")
    op.drop_index(op.f("ix_template_version_key"), table_name="template_version")
    op.drop_table("template_version")
