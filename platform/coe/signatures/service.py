"""Signing: re-authenticate, apply the four-eyes rule, bind to the content hash, audit. Also
keeping a signature a workflow records: the API re-authenticated the signer (at `signed_at`)
before it steered the workflow, and the workflow's activity keeps the signature once the
workflow has accepted the step (`keep_signed`, idempotent by the id the workflow chose)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.service import Credentials, reauthenticate
from coe.auth.tokens import TokenVerifier
from coe.canonical import content_hash
from coe.errors import SignatureError
from coe.models import Signature
from coe.reasons import required_reason
from coe.signatures import repository
from coe.signatures.manifest import Meaning, manifest, now, seal
from coe.work import UnitOfWork


async def sign(
    work: UnitOfWork,
    verifier: TokenVerifier,
    *,
    credentials: Credentials,
    meaning: Meaning,
    reason: str,
    entity_type: str,
    entity_id: str,
    content: Any,
    author: str | None = None,
    reauth_max_age_seconds: int = 300,
) -> Signature:
    """Sign `content` for the caller. With `author`, the signer must be someone else."""
    reason = required_reason(reason, argument="signature.reason")
    signer = await reauthenticate(
        work, credentials, verifier, max_age_seconds=reauth_max_age_seconds
    )
    if author is not None and signer.id == author:
        raise SignatureError("four-eyes rule: the author cannot sign this")
    signature = Signature(
        signer_id=signer.id,
        printed_name=signer.printed_name,
        signed_at=now(),
        meaning=meaning.value,
        reason=reason,
        entity_type=entity_type,
        entity_id=entity_id,
        content_sha256=content_hash(content),
        manifest_sha256="",
    )
    return await _store(work, signature)


async def keep_signed(
    work: UnitOfWork,
    *,
    signature_id: UUID,
    signed_at: datetime,
    meaning: str,
    reason: str | None,
    entity_type: str,
    entity_id: str,
    content_sha256: str,
) -> Signature:
    """Keep the e-signature of `work.principal`, re-authenticated by the API at `signed_at`,
    with the same reason rule as `sign`; a retry finds it stored and writes nothing twice."""
    stored = await repository.by_id(work.session, signature_id)
    if stored is not None:
        return stored
    signature = Signature(
        id=signature_id,
        signer_id=work.principal.subject,
        printed_name=work.principal.name,
        signed_at=signed_at,
        meaning=meaning,
        reason=required_reason(reason, argument="signature.reason"),
        entity_type=entity_type,
        entity_id=entity_id,
        content_sha256=content_sha256,
        manifest_sha256="",
    )
    return await _store(work, signature)


async def _store(work: UnitOfWork, signature: Signature) -> Signature:
    """Seal, store and audit `signature`."""
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


async def get_signature(session: AsyncSession, signature_id: UUID) -> Signature | None:
    """One stored signature, or None."""
    return await repository.by_id(session, signature_id)


async def signatures_by_ids(session: AsyncSession, ids: list[UUID]) -> list[Signature]:
    """The signatures among `ids` that exist, in one query (a DataLoader's batch)."""
    return await repository.by_ids(session, ids)
