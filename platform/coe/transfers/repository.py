"""Every SQL query of transfers."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import Transfer, WorkCenter, WorkUnit


async def get(session: AsyncSession, transfer_id: str, *, lock: bool = False) -> Transfer | None:
    statement = select(Transfer).where(Transfer.id == transfer_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def page(
    session: AsyncSession,
    *,
    sites: Collection[str] | None,
    template: str | None,
    statuses: Collection[str] | None,
    before: datetime | None,
    limit: int,
) -> tuple[list[Transfer], int]:
    """Newest first, and how many match; `sites` (a scope) keeps transfers whose source or
    target is in it."""
    conditions: list[Any] = []
    if sites is not None:
        conditions.append(
            or_(col(Transfer.source).in_(list(sites)), col(Transfer.target).in_(list(sites)))
        )
    if template is not None:
        conditions.append(Transfer.template == template)
    if statuses:
        conditions.append(col(Transfer.status).in_(list(statuses)))
    total = (
        await session.exec(select(func.count()).select_from(Transfer).where(*conditions))
    ).one()
    statement = select(Transfer).where(*conditions)
    if before is not None:
        statement = statement.where(col(Transfer.started_at) < before)
    statement = statement.order_by(col(Transfer.started_at).desc()).limit(limit)
    return list((await session.exec(statement)).all()), total


async def active_between(
    session: AsyncSession, template: str, target: str, statuses: Collection[str]
) -> Transfer | None:
    statement = select(Transfer).where(
        Transfer.template == template,
        Transfer.target == target,
        col(Transfer.status).in_(list(statuses)),
    )
    return (await session.exec(statement)).first()


async def equipment(session: AsyncSession, site_id: int) -> dict[str, list[str]]:
    """Equipment class -> the work centers (that provide it) and work units (of it)."""
    found: dict[str, list[str]] = {}
    centers = (await session.exec(select(WorkCenter).where(WorkCenter.site_id == site_id))).all()
    for center in centers:
        for name in center.equipment_classes or []:
            found.setdefault(name, []).append(f"work center {center.key}")
    units = (await session.exec(select(WorkUnit).where(WorkUnit.site_id == site_id))).all()
    for work_unit in units:
        if work_unit.equipment_class:
            found.setdefault(work_unit.equipment_class, []).append(f"work unit {work_unit.key}")
    return found


async def add(session: AsyncSession, row: Any) -> Any:
    session.add(row)
    await session.flush()
    return row
