"""Every SQL query of the site overlays."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import OverlayRevision, OverlayStatus


async def revisions(
    session: AsyncSession,
    *,
    site: str | None = None,
    template: str | None = None,
    sites: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
) -> list[OverlayRevision]:
    """Revisions, newest first per site and template."""
    statement = select(OverlayRevision)
    if site is not None:
        statement = statement.where(OverlayRevision.site == site)
    if template is not None:
        statement = statement.where(OverlayRevision.template == template)
    if sites is not None:
        statement = statement.where(col(OverlayRevision.site).in_(list(sites)))
    if statuses is not None:
        statement = statement.where(col(OverlayRevision.status).in_(list(statuses)))
    statement = statement.order_by(
        col(OverlayRevision.template),
        col(OverlayRevision.site),
        col(OverlayRevision.version).desc(),
    )
    return list((await session.exec(statement)).all())


async def latest(
    session: AsyncSession, site: str, template: str, *, lock: bool = False
) -> OverlayRevision | None:
    statement = (
        select(OverlayRevision)
        .where(OverlayRevision.site == site, OverlayRevision.template == template)
        .order_by(col(OverlayRevision.version).desc())
        .limit(1)
    )
    if lock:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def revision(
    session: AsyncSession, site: str, template: str, version: int, *, lock: bool = False
) -> OverlayRevision | None:
    statement = select(OverlayRevision).where(
        OverlayRevision.site == site,
        OverlayRevision.template == template,
        OverlayRevision.version == version,
    )
    if lock:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def approved(session: AsyncSession, template: str) -> list[OverlayRevision]:
    """The effective (approved) overlay of every site for a template."""
    return await revisions(session, template=template, statuses=[OverlayStatus.APPROVED])


async def approved_for(session: AsyncSession, site: str, template: str) -> OverlayRevision | None:
    rows = await revisions(session, site=site, template=template, statuses=[OverlayStatus.APPROVED])
    return rows[0] if rows else None


async def save(session: AsyncSession, row: OverlayRevision) -> OverlayRevision:
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
