"""What the workflows measure from the KPI rollup: a rollout wave's sites before and after a
deployment (its kpiGuard), and a transfer target's units under the transferred version (its
qualification). The service-level entry to those queries, for the workflows' activities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.kpis import repository


async def wave_counts(
    session: AsyncSession,
    template: str,
    version: str,
    sites: Sequence[str],
    numerator: str,
    started: datetime,
    window: timedelta,
) -> dict[str, int]:
    """A kpiGuard's counts: units and `numerator` (a kpi_daily column) of the wave's `sites`
    under other versions of `template` in the `window` before the wave `started` (whole days),
    and under `version` since."""
    started = started.astimezone(UTC)
    since = started - window
    return await repository.guard_counts(
        session, template, version, sites, numerator, since.date(), started.date()
    )


async def units_since(
    session: AsyncSession, site: str, template: str, version: str, since: datetime
) -> tuple[int, int]:
    """Units and right-first-time units `site` completed under `template`@`version` since."""
    return await repository.units_since(session, site, template, version, since)
