"""The CSA validation record of a template version, and its execution: test results (the
platform's own automated checks, testers' manual results) and deviations. A record is frozen
once its conclusion is signed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from coe.models.columns import json_object, timestamp


class ValidationStatus(StrEnum):
    OPEN = "open"  # being executed: results and deviations may be recorded
    APPROVED = "approved"  # concluded: the QA approver signed; frozen


class ResultKind(StrEnum):
    AUTOMATED = "automated"  # a check the platform ran itself
    MANUAL = "manual"  # recorded and e-signed (tested) by a tester
    REUSED = "reused"  # carried from the previous version's record for an unchanged operation


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    FAIL = "fail"


class DeviationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]"))


class ValidationRecord(SQLModel, table=True):
    """One per template version: the ValidationRecord document (intended use, risk per
    operation, test cases, charter) as synced, and where its execution stands."""

    __tablename__ = "validation_record"
    __table_args__ = (UniqueConstraint("template", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(max_length=64, index=True)
    version: str = Field(max_length=64)
    template_sha256: str = Field(max_length=64)  # the content hash of the version it validates
    document: dict[str, Any] = json_object()
    document_sha256: str = Field(max_length=64)
    status: str = Field(default=ValidationStatus.OPEN, max_length=16)
    authored_by: str = Field(max_length=200)
    conclusion: str | None = Field(default=None, max_length=4000)
    conclusion_signature_id: UUID | None = Field(default=None, foreign_key="signature.id")
    concluded_at: datetime | None = timestamp(nullable=True)
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class ValidationResult(SQLModel, table=True):
    """One execution of a test case (or of an automated check). The latest per test case
    counts; earlier ones stay as history."""

    __tablename__ = "validation_result"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="validation_record.id", index=True)
    test_case: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    outcome: str = Field(max_length=8)
    actual: str = Field(max_length=4000)
    # the parameter values the execution exercised (name -> value)
    parameters: dict[str, Any] = json_object()
    # evidence attachments: [{"name": ..., "sha256": ...}]
    evidence: list[dict[str, Any]] = _json_list()
    executed_by: str = Field(max_length=200)
    executed_at: datetime | None = timestamp()
    signature_id: UUID | None = Field(default=None, foreign_key="signature.id")
    reused_from: str | None = Field(default=None, max_length=64)  # the earlier version


class ValidationDeviation(SQLModel, table=True):
    """An issue found while validating, opened and closed with reasons (CSA: issues and their
    resolution). A conclusion waits for every deviation to close."""

    __tablename__ = "validation_deviation"
    __table_args__ = (UniqueConstraint("record_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="validation_record.id", index=True)
    key: str = Field(max_length=32)  # DEV-1, DEV-2, … within the record
    title: str = Field(max_length=200)
    description: str = Field(max_length=4000)
    test_case: str | None = Field(default=None, max_length=64)
    status: str = Field(default=DeviationStatus.OPEN, max_length=16)
    opened_by: str = Field(max_length=200)
    opened_at: datetime | None = timestamp()
    resolution: str | None = Field(default=None, max_length=4000)
    closed_by: str | None = Field(default=None, max_length=200)
    closed_at: datetime | None = timestamp(nullable=True)
