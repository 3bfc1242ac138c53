"""Electronic signatures (21 CFR Part 11 §11.50, §11.70, §11.200)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel


class Signature(SQLModel, table=True):
    """Binds who signed, when, with which meaning, to the sha256 of exactly what was signed."""

    __table_args__ = (Index("ix_signature_entity", "entity_type", "entity_id"),)

    id: UUID = Field(default_factory=uuid4, primary_key=True)
    signer_id: str = Field(max_length=200)
    printed_name: str = Field(max_length=200)
    signed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    meaning: str = Field(max_length=32)
    reason: str = Field(max_length=2000)
    entity_type: str = Field(max_length=64)
    entity_id: str = Field(max_length=200)
    content_sha256: str = Field(max_length=64)
    manifest_sha256: str = Field(max_length=64)
