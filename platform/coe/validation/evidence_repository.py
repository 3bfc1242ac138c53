"""Every SQL query of the evidence package: the records of one template version across the
ledger, rollouts, signatures and the audit trail, read as stored (read-only)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import AuditRecord, LedgerEntry, Signature
from coe.models.rollout import Rollout


async def deployments(
    session: AsyncSession, template: str, version: str, site: str | None
) -> list[LedgerEntry]:
    """Every ledger entry of the version, in every environment (one site's, with `site`), by
    environment, site and time."""
    statement = select(LedgerEntry).where(
        LedgerEntry.template == template, LedgerEntry.version == version
    )
    if site is not None:
        statement = statement.where(LedgerEntry.site == site)
    ordered = statement.order_by(
        col(LedgerEntry.environment), col(LedgerEntry.site), col(LedgerEntry.since)
    )
    return list((await session.exec(ordered)).all())


async def rollouts(session: AsyncSession, template: str, version: str) -> list[Rollout]:
    """Every rollout of the version, oldest first."""
    statement = (
        select(Rollout)
        .where(Rollout.template == template, Rollout.version == version)
        .order_by(col(Rollout.started_at), col(Rollout.id))
    )
    return list((await session.exec(statement)).all())


Target = tuple[str, str]  # (entity_type, entity_id)


def _matches(
    entity_type: Any, entity_id: Any, exact: Collection[Target], prefixes: Collection[Target]
) -> Any:
    """SQL: the row's (entity_type, entity_id) is one of `exact`, or its id starts with a
    prefix of its type."""
    found: list[Any] = [and_(entity_type == kind, entity_id == name) for kind, name in exact]
    found += [
        and_(entity_type == kind, col(entity_id).startswith(prefix, autoescape=True))
        for kind, prefix in prefixes
    ]
    return or_(*found)


async def signatures(
    session: AsyncSession,
    exact: Collection[Target],
    prefixes: Collection[Target],
    ids: Sequence[UUID],
) -> list[Signature]:
    """The signatures of those entities, and those among `ids`, by time."""
    condition = _matches(Signature.entity_type, Signature.entity_id, exact, prefixes)
    if ids:
        condition = or_(condition, col(Signature.id).in_(list(ids)))
    statement = select(Signature).where(condition).order_by(col(Signature.signed_at))
    return list((await session.exec(statement)).all())


async def audit_records(
    session: AsyncSession, exact: Collection[Target], prefixes: Collection[Target]
) -> list[AuditRecord]:
    """The audit records whose target is one of those entities, in chain order."""
    condition = _matches(AuditRecord.entity_type, AuditRecord.entity_id, exact, prefixes)
    statement = select(AuditRecord).where(condition).order_by(col(AuditRecord.seq))
    return list((await session.exec(statement)).all())
