"""Activities of ProcessTransfer: mirror and audit its state, check the version before it
deploys (the deployment lands in the ledger as the transfer's), and measure the target.
Idempotent."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from coe.auth.principal import SYSTEM, Principal
from coe.db import Sessions, read_only, transaction
from coe.kpis import repository as kpis
from coe.models import OverlayStatus, Signature
from coe.overlays import repository as overlays
from coe.overlays import service as overlay_service
from coe.signatures.manifest import Meaning
from coe.signatures.store import keep as kept_signature
from coe.templates import repository as templates
from coe.transfers import repository
from coe.transfers.contract import (
    DeploymentOpening,
    QualificationRequest,
    TargetCounts,
    TransferApproval,
    TransferRecord,
    TransferStep,
)
from coe.work import UnitOfWork
from coe_workflows.failures import not_visible


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
                raise not_visible(f"transfer {record.transfer_id}")
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
        """Before the transfer deploys: the version must still be in the registry. Nothing is
        written: the deployment is the transfer's own (the ledger names the transfer), not a
        stand-in rollout's."""
        async with read_only(self._sessions) as session:
            version = await templates.get(session, opening.template, opening.version)
        if version is None:
            raise ApplicationError(
                f"{opening.template}@{opening.version} is gone", non_retryable=True
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

    @activity.defn(name="record_transfer_approval")
    async def record_transfer_approval(self, record: TransferApproval) -> None:
        """Store an accepted approval's e-signature, timed at the signer's re-authentication,
        and its audit; the target's also makes its proposed overlay revision effective (with
        a signature of its own), unless someone decided that revision meanwhile. Ids come
        from the workflow, so a retry stores nothing twice."""
        step = record.step
        async with transaction(self._sessions) as session:
            work = UnitOfWork(
                session=session,
                audit_key=self._audit_key,
                request_id=step.request_id,
                principal=Principal(
                    subject=step.actor, name=step.printed_name or step.actor, roles=SYSTEM.roles
                ),
            )
            await kept_signature(
                work,
                _signature(
                    step,
                    record.signature_id,
                    "transfer",
                    f"{record.transfer_id}/{record.side}",
                    step.content_sha256,
                ),
            )
            if record.overlay_signature_id is None or step.overlay_version is None:
                return
            target, template = record.target or "", record.template or ""
            revision = await overlays.revision(
                session, target, template, step.overlay_version, lock=True
            )
            if revision is None or revision.status != OverlayStatus.PROPOSED:
                return  # decided meanwhile (approved or rejected by someone): it stands
            overlay_signature = await kept_signature(
                work,
                _signature(
                    step,
                    record.overlay_signature_id,
                    "overlay",
                    f"{target}/{template}#{step.overlay_version}",
                    step.overlay_sha256,
                ),
            )
            await overlay_service.make_effective(
                work, revision, overlay_signature.id, step.reason or ""
            )

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.record_transfer,
            self.record_transfer_approval,
            self.open_transfer_deployment,
            self.measure_transfer,
        ]


def _signature(
    step: TransferStep, signature_id: str, entity_type: str, entity_id: str, sha256: str | None
) -> Signature:
    """An approval's e-signature, as the signer gave it when re-authenticating."""
    if not step.signed_at or not sha256:
        raise ApplicationError(
            f"the approval of {entity_id} lacks its signing time or content", non_retryable=True
        )
    return Signature(
        id=uuid.UUID(signature_id),
        signer_id=step.actor,
        printed_name=step.printed_name or step.actor,
        signed_at=datetime.fromisoformat(step.signed_at),
        meaning=Meaning.APPROVED.value,
        reason=step.reason or "",
        entity_type=entity_type,
        entity_id=entity_id,
        content_sha256=sha256,
        manifest_sha256="",
    )
