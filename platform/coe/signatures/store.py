"""Keeping an e-signature that a workflow records: the API re-authenticated the signer (at
`signed_at`) before it steered the workflow; the workflow's activity stores the signature
and its audit record once the workflow has accepted the step. Idempotent by the id."""

from __future__ import annotations

from coe.models import Signature
from coe.signatures import repository
from coe.signatures.manifest import manifest, seal
from coe.work import UnitOfWork


async def keep(work: UnitOfWork, signature: Signature) -> Signature:
    """Seal, store and audit `signature` (`work.principal` is the signer); a retry finds it
    stored and writes nothing twice."""
    stored = await repository.by_id(work.session, signature.id)
    if stored is not None:
        return stored
    seal(signature)
    await repository.add(work.session, signature)
    await work.audit(
        f"signature.{signature.meaning}",
        signature.entity_type,
        signature.entity_id,
        after=manifest(signature),
        reason=signature.reason,
        signature_id=signature.id,
    )
    return signature
