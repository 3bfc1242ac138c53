"""ProcessTransfer's mirror in PostgreSQL and its e-signatures: the workflow's state (with the
audit of people's steps and transitions), and an accepted approval's signature, with the
target's overlay approval it carries. Called by the workflow's record activities, one
transaction each; ids come from the workflow, so a retry stores nothing twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from coe.errors import BadUserInputError
from coe.models import OverlayStatus, Signature
from coe.overlays import service as overlays
from coe.signatures.manifest import Meaning
from coe.signatures.service import keep_signed
from coe.transfers import repository
from coe.transfers.contract import TransferApproval, TransferRecord, TransferStep
from coe.work import UnitOfWork


async def mirror_transfer(work: UnitOfWork, record: TransferRecord) -> bool:
    """Mirror the workflow's state; audit people's steps and transitions (`record.action`;
    not polls). A finished transfer is never reopened by a late write. False: the row is not
    there."""
    row = await repository.get(work.session, record.transfer_id, lock=True)
    if row is None:
        return False
    if row.finished_at is not None and not record.finished:
        return True
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
    await repository.add(work.session, row)
    if record.action:
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
    return True


async def keep_approval(work: UnitOfWork, record: TransferApproval) -> None:
    """Keep an accepted approval's e-signature (`work.principal` is the signer); the target's
    also makes its proposed overlay revision effective, with a signature of its own, unless
    someone decided that revision meanwhile."""
    step = record.step
    await _keep(work, step, record.signature_id, "transfer", f"{record.transfer_id}/{record.side}")
    if record.overlay_signature_id is None or step.overlay_version is None:
        return
    target, template = record.target or "", record.template or ""
    revision = await overlays.revision(work.session, target, template, step.overlay_version)
    if revision is not None:  # lock it, and read its status again under the lock
        await work.session.refresh(revision, with_for_update=True)
    if revision is None or revision.status != OverlayStatus.PROPOSED:
        return  # decided meanwhile (approved or rejected by someone): it stands
    entity_id = f"{target}/{template}#{step.overlay_version}"
    signature = await _keep(
        work, step, record.overlay_signature_id, "overlay", entity_id, overlay=True
    )
    await overlays.make_effective(work, revision, signature.id, step.reason or "")


async def _keep(
    work: UnitOfWork,
    step: TransferStep,
    signature_id: str,
    entity_type: str,
    entity_id: str,
    *,
    overlay: bool = False,
) -> Signature:
    """An approval's e-signature, as the signer gave it when re-authenticating."""
    sha256 = step.overlay_sha256 if overlay else step.content_sha256
    if not step.signed_at or not sha256:
        raise BadUserInputError(f"the approval of {entity_id} lacks its signing time or content")
    return await keep_signed(
        work,
        signature_id=uuid.UUID(signature_id),
        signed_at=datetime.fromisoformat(step.signed_at),
        meaning=Meaning.APPROVED.value,
        reason=step.reason,
        entity_type=entity_type,
        entity_id=entity_id,
        content_sha256=sha256,
    )
