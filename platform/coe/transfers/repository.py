"""Every SQL query of transfers."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import KpiDaily, LedgerEntry, Transfer, WorkCenter, WorkUnit


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


async def units_by_version(
    session: AsyncSession, site: str, template: str, start: date, end: date
) -> list[tuple[str, int, int]]:
    """(version, units, right-first-time) of `template` at `site` over [start, end) (UTC
    days, from the daily rollup), for each version with units."""
    statement = (
        select(KpiDaily.version, func.sum(KpiDaily.units), func.sum(KpiDaily.right_first_time))
        .where(
            KpiDaily.site == site,
            KpiDaily.template == template,
            col(KpiDaily.day) >= start,
            col(KpiDaily.day) < end,
            col(KpiDaily.units) > 0,
        )
        .group_by(col(KpiDaily.version))
        .order_by(col(KpiDaily.version))
    )
    rows = (await session.exec(statement)).all()
    return [(version, int(units or 0), int(rft or 0)) for version, units, rft in rows]


async def version_days(
    session: AsyncSession, site: str, template: str, version: str
) -> tuple[date | None, date | None]:
    """The first and last day `site` made units of `template`@`version` (None: never)."""
    statement = select(func.min(KpiDaily.day), func.max(KpiDaily.day)).where(
        KpiDaily.site == site,
        KpiDaily.template == template,
        KpiDaily.version == version,
        col(KpiDaily.units) > 0,
    )
    first, last = (await session.exec(statement)).one()
    return first, last


async def deployed_versions(session: AsyncSession, site: str, template: str) -> list[str]:
    """Every version of `template` the ledger ever had at `site` (live or not)."""
    statement = (
        select(LedgerEntry.version)
        .where(LedgerEntry.site == site, LedgerEntry.template == template)
        .distinct()
    )
    return list((await session.exec(statement)).all())


async def produced_versions(session: AsyncSession, site: str, template: str) -> list[str]:
    """Every version of `template` that `site` made units of, on any day."""
    statement = (
        select(KpiDaily.version)
        .where(KpiDaily.site == site, KpiDaily.template == template, col(KpiDaily.units) > 0)
        .distinct()
    )
    return list((await session.exec(statement)).all())
