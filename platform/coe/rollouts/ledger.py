"""The deployment ledger and drift: what runs where (at a site's instance in one environment),
since when, deployed by which rollout or which transfer; and where a plant disagrees. Writes come
from the deployment activities and the drift check. Reads default to production: what the
plants run for real (live views, drift, transfers, KPIs); validation instances keep their own
ledger, the record of what was verified there."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.environments import PRODUCTION
from coe.models import DriftObservation, LedgerEntry, LedgerStatus
from coe.rollouts import repository
from coe.rollouts.contract import ORIGIN_TRANSFER
from coe.work import UnitOfWork


def origin(rollout_id: str | None, transfer_id: str | None) -> dict[str, str]:
    """What deployed an entry, as the ledger's columns: a rollout or a transfer, never both
    (nor neither; the table checks it too)."""
    if rollout_id is not None and transfer_id is None:
        return {"rollout_id": rollout_id}
    if transfer_id is not None and rollout_id is None:
        return {"transfer_id": transfer_id}
    raise ValueError("a deployment comes from exactly one rollout or one transfer")


def origin_of(kind: str, origin_id: str) -> dict[str, str]:
    """The ledger's columns for a deployment by `origin_id`: a rollout's, or (kind
    ORIGIN_TRANSFER) a transfer's."""
    return {"transfer_id": origin_id} if kind == ORIGIN_TRANSFER else {"rollout_id": origin_id}


def _audited(columns: Mapping[str, str]) -> dict[str, str]:
    return {name.removesuffix("_id"): value for name, value in columns.items()}


async def record_live(
    work: UnitOfWork,
    *,
    rollout_id: str | None = None,
    transfer_id: str | None = None,
    site: str,
    template: str,
    version: str,
    sha256: str,
    previous_sha256: str | None,
    deployed_by: str,
    environment: str = PRODUCTION,
) -> LedgerEntry:
    """Record that `site`'s instance in `environment` runs `sha256` because of `rollout_id`
    or `transfer_id`; idempotent (a retried activity records nothing twice)."""
    by = origin(rollout_id, transfer_id)
    existing = await repository.ledger_row(work.session, site, template, **by)
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    for superseded in await repository.ledger_for(
        work.session, site, template, environment, [LedgerStatus.LIVE]
    ):
        superseded.status, superseded.ended_at = LedgerStatus.SUPERSEDED, now
    row: LedgerEntry = await repository.add(
        work.session,
        LedgerEntry(
            site=site,
            environment=environment,
            template=template,
            version=version,
            sha256=sha256,
            previous_sha256=previous_sha256,
            deployed_by=deployed_by,
            status=LedgerStatus.LIVE,
            since=now,
            rollout_id=by.get("rollout_id"),
            transfer_id=by.get("transfer_id"),
        ),
    )
    await work.audit(
        "deployment.live",
        "deployment",
        f"{site}/{template}",
        site=site,
        after={
            "environment": environment,
            "version": version,
            "sha256": sha256,
            **_audited(by),
            "previous": previous_sha256,
        },
    )
    return row


async def record_rolled_back(
    work: UnitOfWork,
    *,
    rollout_id: str | None = None,
    transfer_id: str | None = None,
    site: str,
    template: str,
    restored_sha256: str | None,
    environment: str = PRODUCTION,
) -> None:
    """The deployment at `site`'s instance in `environment` by that rollout (or transfer) was
    undone; what ran before runs again."""
    by = origin(rollout_id, transfer_id)
    row = await repository.ledger_row(work.session, site, template, **by)
    if row is None or row.status == LedgerStatus.ROLLED_BACK:
        return
    now = datetime.now(UTC)
    row.status, row.ended_at = LedgerStatus.ROLLED_BACK, now
    for older in await repository.ledger_for(
        work.session, site, template, environment, [LedgerStatus.SUPERSEDED]
    ):
        if older.sha256 == restored_sha256:
            older.status, older.ended_at = LedgerStatus.LIVE, None
            break
    await work.audit(
        "deployment.rolled_back",
        "deployment",
        f"{site}/{template}",
        site=site,
        before={"environment": environment, "sha256": row.sha256, **_audited(by)},
        after={"sha256": restored_sha256},
    )


async def record_drift(
    work: UnitOfWork, site: str, reported: Mapping[str, str], expected: Mapping[str, str]
) -> list[DriftObservation]:
    """Compare what a plant reports (template → sha256) with the ledger; open, refresh or
    resolve observations. Returns the open ones for this site."""
    now = datetime.now(UTC)
    open_rows = {
        row.template: row for row in await repository.open_drift(work.session, sites=[site])
    }
    for template in sorted(set(reported) | set(expected)):
        want, have = expected.get(template), reported.get(template)
        row = open_rows.get(template)
        if want == have:
            if row is not None:
                row.resolved_at = now
                await work.audit(
                    "drift.resolved",
                    "drift",
                    f"{site}/{template}",
                    site=site,
                    after={"sha256": have},
                )
            continue
        detail = f"plant runs {have or 'nothing'}, ledger expects {want or 'nothing'}"
        if row is None:
            open_rows[template] = await repository.add(
                work.session,
                DriftObservation(
                    site=site,
                    template=template,
                    expected_sha256=want,
                    reported_sha256=have,
                    detail=detail,
                    first_seen=now,
                    last_seen=now,
                ),
            )
            await work.audit(
                "drift.detected",
                "drift",
                f"{site}/{template}",
                site=site,
                after={"expected": want, "reported": have},
            )
        else:
            row.last_seen, row.reported_sha256, row.detail = now, have, detail
    return [row for row in open_rows.values() if row.resolved_at is None]


async def live(
    session: AsyncSession,
    *,
    sites: Collection[str] | None = None,
    template: str | None = None,
    environment: str = PRODUCTION,
) -> list[LedgerEntry]:
    """What runs where now (the live ledger entries) in `environment`, by site and template."""
    return await repository.live(session, sites=sites, template=template, environment=environment)
