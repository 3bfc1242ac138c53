"""Template versions and site overlay revisions: the registry of what sites may run."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from coe.models.columns import timestamp


class TemplateStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


FROZEN_STATUSES = (TemplateStatus.PUBLISHED, TemplateStatus.DEPRECATED, TemplateStatus.RETIRED)


class OverlayStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"


def _document() -> Any:
    # `json`, not `jsonb`: the text is kept as written, so the content hash and signatures
    # computed on it verify after any round trip.
    return Field(sa_column=Column(JSON, nullable=False))


class TemplateVersion(SQLModel, table=True):
    """One version of a global process template; frozen once published."""

    __tablename__ = "template_version"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        Index("ix_template_version_order", "key", "major", "minor", "patch"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True)
    version: str = Field(max_length=64)
    major: int
    minor: int
    patch: int
    prerelease: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=16, index=True)
    title: str = Field(max_length=200)
    owner: str | None = Field(default=None, max_length=200)
    change_summary: str | None = Field(default=None, max_length=2000)
    document: dict[str, Any] = _document()
    content_sha256: str = Field(max_length=64)
    author: str = Field(max_length=200)
    approval_signature_id: UUID | None = Field(default=None, foreign_key="signature.id")
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
    published_at: datetime | None = timestamp(nullable=True)
    published_by: str | None = Field(default=None, max_length=200)


class OverlayRevision(SQLModel, table=True):
    """One revision of a site's overlay for a template; effective once approved."""

    __tablename__ = "overlay_revision"
    __table_args__ = (
        UniqueConstraint("site", "template", "version"),
        Index("ix_overlay_revision_effective", "template", "site", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=64, foreign_key="site.key")
    template: str = Field(max_length=64)
    version: int
    template_versions: str = Field(max_length=200)
    status: str = Field(max_length=16)
    document: dict[str, Any] = _document()
    content_sha256: str = Field(max_length=64)
    reason: str | None = Field(default=None, max_length=2000)
    proposed_by: str = Field(max_length=200)
    approval_signature_id: UUID | None = Field(default=None, foreign_key="signature.id")
    created_at: datetime | None = timestamp()
    decided_at: datetime | None = timestamp(nullable=True)
