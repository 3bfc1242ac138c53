"""Activities of ProcessTransfer: mirror and audit its state, open its one-site rollout (so
the deployment lands in the ledger like any other), and measure the target. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from coe.auth.principal import SYSTEM, Principal
from coe.db import Sessions, read_only, transaction
from coe.kpis import repository as kpis
from coe.models import Rollout, RolloutSite, RolloutStatus, SiteState
from coe.rollouts import repository as rollouts
from coe.rollouts.contract import WaveSpec
from coe.templates import repository as templates
from coe.transfers import repository
from coe.transfers.contract import (
    DeploymentOpening,
    QualificationRequest,
    TargetCounts,
    TransferRecord,
)
from coe.work import UnitOfWork


class TransferActivities:
    def __init__(self, sessions: Sessions, audit_key: bytes) -> None:
        self._sessions = sessions
        self._audit_key = audit_key

    @activity.defn(name="record_transfer")
    async def record_transfer(self, record: TransferRecord) -> None:
        """Mirror the workflow's state; audit people's steps and transitions (not polls).
        A finished transfer is never reopened by a late write."""
        async with transaction(self._sessions) as session:
            row = await repository.get(session, record.transfer_id, lock=True)
            if row is None:
                raise ApplicationError(
                    f"transfer {record.transfer_id} is not in the database", non_retryable=True
                )
            if row.finished_at is not None and not record.finished:
                return
            before = {"status": row.status, "reason": row.reason}
            row.status, row.reason = record.status, record.reason
            row.approvals = record.approvals or {}
            if record.qualification is not None:
                row.qualification = record.qualification
            if record.overlay_version is not None:
                row.overlay_version = record.overlay_version
            row.updated_at = datetime.now(UTC)
            if record.finished and row.finished_at is None:
                row.finished_at = row.updated_at
            await repository.add(session, row)
            if record.action:
                work = UnitOfWork(
                    session=session,
                    audit_key=self._audit_key,
                    request_id=record.request_id,
                    principal=Principal(
                        subject=record.actor, name=record.actor, roles=SYSTEM.roles
                    ),
                )
                await work.audit(
                    f"transfer.{record.action}",
                    "transfer",
                    record.transfer_id,
                    before=before,
                    after={
                        "status": record.status,
                        "reason": record.reason,
                        "qualification": record.qualification,
                    },
                    reason=record.reason,
                )

    @activity.defn(name="open_transfer_deployment")
    async def open_transfer_deployment(self, opening: DeploymentOpening) -> None:
        """A one-site rollout row for the transfer's deployment (once)."""
        async with transaction(self._sessions) as session:
            if await rollouts.rollout(session, opening.transfer_id) is not None:
                return
            version = await templates.get(session, opening.template, opening.version)
            if version is None:
                raise ApplicationError(
                    f"{opening.template}@{opening.version} is gone", non_retryable=True
                )
            await rollouts.add(
                session,
                Rollout(
                    id=opening.transfer_id,
                    template=opening.template,
                    version=opening.version,
                    template_sha256=version.content_sha256,
                    status=RolloutStatus.RUNNING,
                    started_by=opening.started_by,
                    workflow_id=f"transfer-{opening.transfer_id}",
                    current_wave="transfer",
                    plan={
                        "kind": "transfer",
                        "waves": [asdict(WaveSpec(name="transfer", sites=[opening.target]))],
                    },
                ),
            )
            await rollouts.add(
                session,
                RolloutSite(
                    rollout_id=opening.transfer_id,
                    site=opening.target,
                    wave="transfer",
                    position=1,
                    state=SiteState.PENDING,
                    history=[],
                ),
            )

    @activity.defn(name="measure_transfer")
    async def measure_transfer(self, request: QualificationRequest) -> TargetCounts:
        """The target's units and right-first-time under the version since the deployment."""
        async with read_only(self._sessions) as session:
            units, right_first_time = await kpis.units_since(
                session,
                request.site,
                request.template,
                request.version,
                datetime.fromisoformat(request.since),
            )
        return TargetCounts(units, right_first_time)

    def all(self) -> list[Callable[..., Any]]:
        return [self.record_transfer, self.open_transfer_deployment, self.measure_transfer]
