"""The rollout workflows' mirror in PostgreSQL (GraphQL reads rollouts from there): a site's
state with its history, and the rollout's status with its waves' kpiGuard measurements. Called
by the workflows' record activities, one transaction each; upserts, so a retry changes nothing
twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import RolloutSite
from coe.rollouts import repository
from coe.rollouts.contract import SiteStatus
from coe.rollouts.rules import site_history

UNPLANNED_POSITION = 10_000  # a site the plan did not list (sorted after those it did)


async def mirror_site_state(session: AsyncSession, rollout_id: str, status: SiteStatus) -> None:
    """A site's state, reason, hashes and violations now, its history grown by the change."""
    row = await repository.rollout_site(session, rollout_id, status.site)
    if row is None:
        row = RolloutSite(
            rollout_id=rollout_id,
            site=status.site,
            wave=status.wave,
            position=UNPLANNED_POSITION,
            state=status.state,
            history=[],
        )
    now = datetime.now(UTC)
    row.history = site_history(row.history, status.state, status.reason, now)
    row.state, row.reason = status.state, status.reason
    row.violations = status.violations or None
    row.sha256, row.previous_sha256 = status.sha256, status.previous_sha256
    row.updated_at = now
    await repository.add(session, row)


async def mirror_rollout(
    session: AsyncSession,
    rollout_id: str,
    *,
    status: str,
    current_wave: str | None,
    reason: str | None,
    guards: dict[str, dict[str, Any]],
    finished: bool,
) -> bool:
    """The rollout's status now, and its waves' last kpiGuard measurements (merged: a rollout
    continued as new sends only the waves measured since). False: the row is not there."""
    row = await repository.rollout(session, rollout_id, lock=True)
    if row is None:
        return False
    row.status, row.current_wave, row.reason = status, current_wave, reason
    if guards:  # a new dict, so the JSON column is written
        row.guards = {**row.guards, **guards}
    row.updated_at = datetime.now(UTC)
    if finished and row.finished_at is None:
        row.finished_at = row.updated_at
    await repository.add(session, row)
    return True
