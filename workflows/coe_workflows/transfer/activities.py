"""Activities of ProcessTransfer: mirror and audit its state, check the version before it
deploys (the deployment lands in the ledger as the transfer's), and measure the target.
Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from coe.auth.principal import SYSTEM, Principal
from coe.db import Sessions, read_only, transaction
from coe.kpis import measurements
from coe.templates import service as templates
from coe.transfers import mirror
from coe.transfers.contract import (
    DeploymentOpening,
    QualificationRequest,
    TargetCounts,
    TransferApproval,
    TransferRecord,
)
from coe.work import UnitOfWork
from coe_workflows.failures import business_errors_are_final, not_visible


class TransferActivities:
    def __init__(self, sessions: Sessions, audit_key: bytes) -> None:
        self._sessions = sessions
        self._audit_key = audit_key

    def _work(self, session: Any, actor: str, name: str, request_id: str | None) -> UnitOfWork:
        """The unit of work of a step by `actor` (the audit's actor; a signature's signer)."""
        principal = Principal(subject=actor, name=name, roles=SYSTEM.roles)
        return UnitOfWork(
            session=session, principal=principal, audit_key=self._audit_key, request_id=request_id
        )

    @activity.defn(name="record_transfer")
    async def record_transfer(self, record: TransferRecord) -> None:
        """Mirror the workflow's state; audit people's steps and transitions (not polls).
        A finished transfer is never reopened by a late write."""
        async with transaction(self._sessions) as session:
            found = await mirror.mirror_transfer(
                self._work(session, record.actor, record.actor, record.request_id), record
            )
        if not found:
            raise not_visible(f"transfer {record.transfer_id}")

    @activity.defn(name="open_transfer_deployment")
    async def open_transfer_deployment(self, opening: DeploymentOpening) -> None:
        """Before the transfer deploys: the version must still be in the registry. Nothing is
        written: the deployment is the transfer's own (the ledger names the transfer), not a
        stand-in rollout's."""
        async with read_only(self._sessions) as session:
            version = await templates.find_version(session, opening.template, opening.version)
        if version is None:
            raise ApplicationError(
                f"{opening.template}@{opening.version} is gone", non_retryable=True
            )

    @activity.defn(name="measure_transfer")
    async def measure_transfer(self, request: QualificationRequest) -> TargetCounts:
        """The target's units and right-first-time under the version since the deployment."""
        async with read_only(self._sessions) as session:
            units, right_first_time = await measurements.units_since(
                session,
                request.site,
                request.template,
                request.version,
                datetime.fromisoformat(request.since),
            )
        return TargetCounts(units, right_first_time)

    @activity.defn(name="record_transfer_approval")
    async def record_transfer_approval(self, record: TransferApproval) -> None:
        """Store an accepted approval's e-signature, timed at the signer's re-authentication,
        and its audit; the target's also makes its proposed overlay revision effective (with
        a signature of its own), unless someone decided that revision meanwhile. Ids come
        from the workflow, so a retry stores nothing twice."""
        step = record.step
        signer = step.printed_name or step.actor
        with business_errors_are_final():
            async with transaction(self._sessions) as session:
                work = self._work(session, step.actor, signer, step.request_id)
                await mirror.keep_approval(work, record)

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.record_transfer,
            self.record_transfer_approval,
            self.open_transfer_deployment,
            self.measure_transfer,
        ]
