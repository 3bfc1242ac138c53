"""Appending one record to the audit trail, in the caller's transaction.

Below the services: the unit of work every service runs in appends with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.audit import repository
from coe.audit.chain import GENESIS, link_hash
from coe.models import AuditRecord


class Change(TypedDict, total=False):
    """What a record says about a change beyond who made it and to which entity: the unit of
    work's `audit` and `append` take these as keywords (each optional, null by default)."""

    site: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    signature_id: UUID | None


async def append(
    session: AsyncSession,
    key: bytes,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    request_id: str | None = None,
    **change: Unpack[Change],
) -> AuditRecord:
    """Write one record in the caller's transaction, chained to the current head."""
    await repository.lock_for_append(session)
    previous = await repository.head(session)
    record = AuditRecord(
        seq=(previous.seq + 1) if previous else 1,
        occurred_at=datetime.now(UTC),
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        request_id=request_id,
        prev_hash=previous.hash if previous else GENESIS,
        hash="",
        **change,
    )
    record.hash = link_hash(key, record.prev_hash, record.model_dump())
    await repository.add(session, record)
    return record
