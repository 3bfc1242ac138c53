"""Every SQL query of the audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import AuditRecord

# pg_advisory_xact_lock key that serialises appends, so the chain never forks.
_APPEND_LOCK = 0x434F4541  # "COEA"


async def lock_for_append(session: AsyncSession) -> None:
    connection = await session.connection()
    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})


async def head(session: AsyncSession) -> AuditRecord | None:
    statement = select(AuditRecord).order_by(col(AuditRecord.seq).desc()).limit(1)
    return (await session.exec(statement)).first()


async def add(session: AsyncSession, record: AuditRecord) -> None:
    session.add(record)
    await session.flush()


async def stream_all(session: AsyncSession, batch: int = 5000) -> AsyncIterator[AuditRecord]:
    """Every record in storage order, fetched in batches so memory stays flat."""
    last = 0
    while True:
        statement = (
            select(AuditRecord)
            .where(AuditRecord.seq > last)
            .order_by(col(AuditRecord.seq))
            .limit(batch)
        )
        rows = (await session.exec(statement)).all()
        for row in rows:
            yield row
        if len(rows) < batch:
            return
        last = rows[-1].seq


async def search(
    session: AsyncSession,
    *,
    entity_type: str | None,
    entity_id: str | None,
    actor: str | None,
    sites: frozenset[str] | None,
    since: datetime | None,
    until: datetime | None,
    before_seq: int | None,
    limit: int,
) -> tuple[list[AuditRecord], int]:
    """Newest first; keyset-paginated on seq. Returns the page and the total that match."""
    filters: list[Any] = []
    if entity_type is not None:
        filters.append(AuditRecord.entity_type == entity_type)
    if entity_id is not None:
        filters.append(AuditRecord.entity_id == entity_id)
    if actor is not None:
        filters.append(AuditRecord.actor == actor)
    if sites is not None:
        filters.append(col(AuditRecord.site).in_(list(sites)))
    if since is not None:
        filters.append(col(AuditRecord.occurred_at) >= since)
    if until is not None:
        filters.append(col(AuditRecord.occurred_at) < until)
    total = (
        await session.exec(select(func.count()).select_from(AuditRecord).where(*filters))
    ).one()
    page_filters = [*filters, AuditRecord.seq < before_seq] if before_seq else filters
    statement = (
        select(AuditRecord).where(*page_filters).order_by(col(AuditRecord.seq).desc()).limit(limit)
    )
    return list((await session.exec(statement)).all()), total
