"""Appending to and verifying the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.audit import repository
from coe.audit.chain import GENESIS, ChainEntry, ChainReport, Finding, Tampering, link_hash
from coe.audit.chain import verify_chain as verify_entries
from coe.models import AuditRecord


async def append(
    session: AsyncSession,
    key: bytes,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    site: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    request_id: str | None = None,
    signature_id: UUID | None = None,
) -> AuditRecord:
    """Write one record in the caller's transaction, chained to the current head."""
    await repository.lock_for_append(session)
    previous = await repository.head(session)
    record = AuditRecord(
        seq=(previous.seq + 1) if previous else 1,
        occurred_at=datetime.now(UTC),
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        site=site,
        before=before,
        after=after,
        reason=reason,
        request_id=request_id,
        signature_id=signature_id,
        prev_hash=previous.hash if previous else GENESIS,
        hash="",
    )
    record.hash = link_hash(key, record.prev_hash, record.model_dump())
    await repository.add(session, record)
    return record


async def verify(
    session: AsyncSession, key: bytes, *, anchor: tuple[int, str] | None = None
) -> ChainReport:
    """Verify the whole chain; with an anchor (seq, hash) seen earlier, also detect truncation."""
    entries = [
        ChainEntry(seq=row.seq, prev_hash=row.prev_hash, hash=row.hash, content=row.model_dump())
        async for row in repository.stream_all(session)
    ]
    report = verify_entries(key, entries)
    if anchor is not None:
        report.findings.extend(_anchor_findings(entries, anchor))
    return report


def _anchor_findings(entries: list[ChainEntry], anchor: tuple[int, str]) -> list[Finding]:
    seq, expected_hash = anchor
    stored = next((entry for entry in entries if entry.seq == seq), None)
    if stored is None:
        return [Finding(Tampering.DELETED, seq, "the anchored record is gone (chain truncated)")]
    if stored.hash != expected_hash:
        return [Finding(Tampering.EDITED, seq, "the anchored record's hash has changed")]
    return []
