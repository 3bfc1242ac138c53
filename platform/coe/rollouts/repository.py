"""Every SQL query of rollouts, the ledger and drift."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.environments import PRODUCTION
from coe.models import (
    DriftObservation,
    LedgerEntry,
    LedgerStatus,
    Rollout,
    RolloutSite,
    Transfer,
    TransferStatus,
)


async def rollout(session: AsyncSession, rollout_id: str, *, lock: bool = False) -> Rollout | None:
    statement = select(Rollout).where(Rollout.id == rollout_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def rollouts_page(
    session: AsyncSession,
    *,
    sites: Collection[str] | None,
    template: str | None,
    statuses: Collection[str] | None,
    before: datetime | None,
    limit: int,
) -> tuple[list[Rollout], int]:
    """Newest first, and how many match; `sites` (a scope) keeps rollouts with a site in it."""
    filters: list[Any] = []
    if sites is not None:
        touching = select(RolloutSite.rollout_id).where(col(RolloutSite.site).in_(list(sites)))
        filters.append(col(Rollout.id).in_(touching))
    if template is not None:
        filters.append(Rollout.template == template)
    if statuses:
        filters.append(col(Rollout.status).in_(list(statuses)))
    total = (await session.exec(select(func.count()).select_from(Rollout).where(*filters))).one()
    if before is not None:
        filters.append(col(Rollout.started_at) < before)
    statement = select(Rollout).where(*filters).order_by(col(Rollout.started_at).desc())
    return list((await session.exec(statement.limit(limit))).all()), total


async def sites_of(session: AsyncSession, rollout_ids: Collection[str]) -> list[RolloutSite]:
    statement = (
        select(RolloutSite)
        .where(col(RolloutSite.rollout_id).in_(list(rollout_ids)))
        .order_by(col(RolloutSite.position))
    )
    return list((await session.exec(statement)).all())


async def wave_sites(session: AsyncSession, rollout_id: str, wave: str) -> list[str]:
    statement = select(RolloutSite.site).where(
        RolloutSite.rollout_id == rollout_id, RolloutSite.wave == wave
    )
    return list((await session.exec(statement)).all())


async def rollout_site(session: AsyncSession, rollout_id: str, site: str) -> RolloutSite | None:
    statement = (
        select(RolloutSite)
        .where(RolloutSite.rollout_id == rollout_id, RolloutSite.site == site)
        .with_for_update()
    )
    return (await session.exec(statement)).first()


async def active_for(session: AsyncSession, template: str, environment: str) -> list[Rollout]:
    """Rollouts of `template` to `environment` under way (one at a time per environment)."""
    statement = select(Rollout).where(
        Rollout.template == template,
        Rollout.environment == environment,
        col(Rollout.status).in_(["running", "paused", "awaiting_approval"]),
    )
    return list((await session.exec(statement)).all())


async def ledger_row(
    session: AsyncSession,
    site: str,
    template: str,
    *,
    rollout_id: str | None = None,
    transfer_id: str | None = None,
) -> LedgerEntry | None:
    """The entry `rollout_id` (or `transfer_id`) made for `site` and `template`, locked."""
    by = (
        LedgerEntry.rollout_id == rollout_id
        if rollout_id is not None
        else LedgerEntry.transfer_id == transfer_id
    )
    statement = (
        select(LedgerEntry)
        .where(by, LedgerEntry.site == site, LedgerEntry.template == template)
        .with_for_update()
    )
    return (await session.exec(statement)).first()


async def deploying_transfers(
    session: AsyncSession, template: str, sites: Collection[str]
) -> list[Transfer]:
    """Transfers of `template` deploying right now to one of `sites`."""
    statement = select(Transfer).where(
        Transfer.template == template,
        Transfer.status == TransferStatus.DEPLOYING,
        col(Transfer.target).in_(list(sites)),
    )
    return list((await session.exec(statement)).all())


async def ledger_for(
    session: AsyncSession,
    site: str,
    template: str,
    environment: str,
    statuses: Collection[str] | None = None,
) -> list[LedgerEntry]:
    """The site's entries for the template in one environment, newest first, locked."""
    statement = select(LedgerEntry).where(
        LedgerEntry.site == site,
        LedgerEntry.template == template,
        LedgerEntry.environment == environment,
    )
    if statuses is not None:
        statement = statement.where(col(LedgerEntry.status).in_(list(statuses)))
    statement = statement.order_by(col(LedgerEntry.since).desc(), col(LedgerEntry.id).desc())
    return list((await session.exec(statement.with_for_update())).all())


async def live(
    session: AsyncSession,
    *,
    sites: Collection[str] | None = None,
    template: str | None = None,
    environment: str = PRODUCTION,
    limit: int | None = None,
) -> list[LedgerEntry]:
    """Live entries in `environment` by site and template; at most `limit` of them (the
    database cuts)."""
    statement = select(LedgerEntry).where(
        LedgerEntry.status == LedgerStatus.LIVE, LedgerEntry.environment == environment
    )
    if sites is not None:
        statement = statement.where(col(LedgerEntry.site).in_(list(sites)))
    if template is not None:
        statement = statement.where(LedgerEntry.template == template)
    statement = statement.order_by(col(LedgerEntry.site), col(LedgerEntry.template))
    if limit is not None:
        statement = statement.limit(limit)
    return list((await session.exec(statement)).all())


async def history(
    session: AsyncSession,
    *,
    sites: Collection[str] | None,
    template: str | None,
    environment: str | None,
    limit: int,
) -> list[LedgerEntry]:
    """Entries newest first; in one environment, or (None) in all."""
    statement = select(LedgerEntry)
    if environment is not None:
        statement = statement.where(LedgerEntry.environment == environment)
    if sites is not None:
        statement = statement.where(col(LedgerEntry.site).in_(list(sites)))
    if template is not None:
        statement = statement.where(LedgerEntry.template == template)
    statement = statement.order_by(col(LedgerEntry.since).desc(), col(LedgerEntry.id).desc())
    return list((await session.exec(statement.limit(limit))).all())


async def open_drift(
    session: AsyncSession, *, sites: Collection[str] | None = None
) -> list[DriftObservation]:
    statement = select(DriftObservation).where(col(DriftObservation.resolved_at).is_(None))
    if sites is not None:
        statement = statement.where(col(DriftObservation.site).in_(list(sites)))
    statement = statement.order_by(col(DriftObservation.site), col(DriftObservation.template))
    return list((await session.exec(statement)).all())


async def add(session: AsyncSession, row: Any) -> Any:
    session.add(row)
    await session.flush()
    return row
