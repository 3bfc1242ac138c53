"""The append-only, hash-chained audit trail (21 CFR Part 11 §11.10(e), Annex 11 §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index
from sqlmodel import Field, SQLModel


def _json() -> Any:
    # `json`, not `jsonb`: it keeps the text as written, so values read back hash as written.
    return Field(default=None, sa_column=Column(JSON, nullable=True))


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_record"
    __table_args__ = (
        Index("ix_audit_record_entity", "entity_type", "entity_id"),
        Index("ix_audit_record_occurred_at", "occurred_at"),
    )

    # Assigned by the appender as previous + 1 under a lock, so the sequence has no gaps.
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=200, index=True)
    action: str = Field(max_length=100)
    entity_type: str = Field(max_length=64)
    entity_id: str = Field(max_length=200)
    site: str | None = Field(default=None, max_length=64, index=True)
    before: dict[str, Any] | None = _json()
    after: dict[str, Any] | None = _json()
    reason: str | None = Field(default=None, max_length=2000)
    request_id: str | None = Field(default=None, max_length=100)
    signature_id: UUID | None = Field(default=None)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
