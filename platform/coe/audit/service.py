"""Appending to and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.audit import repository
from coe.audit.anchors import Anchor, AnchorStore
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
    session: AsyncSession,
    key: bytes,
    *,
    anchors: AnchorStore | None = None,
    anchor: Anchor | None = None,
    record: bool = False,
) -> ChainReport:
    """Verify the whole chain, and that it still holds its anchors unchanged.

    The anchors checked are the latest one in `anchors` (kept outside the database) and
    `anchor` (one seen earlier, e.g. given on the command line): a chain that lost its newest
    records, was truncated or was restored from an older copy no longer holds them. With
    `record`, the head of an intact chain becomes the new anchor.
    """
    entries = [
        ChainEntry(seq=row.seq, prev_hash=row.prev_hash, hash=row.hash, content=row.model_dump())
        async for row in repository.stream_all(session)
    ]
    report = verify_entries(key, entries)
    latest = anchors.latest() if anchors is not None else None
    checked = {(a.seq, a.hash): a for a in (latest, anchor) if a is not None}
    for expected in checked.values():
        report.findings.extend(anchor_findings(entries, expected))
    report.findings.sort(key=lambda finding: (finding.seq, finding.kind.value))
    report.anchored_seq = max((seq for seq, _ in checked), default=None)
    if record and anchors is not None and report.intact and report.head_seq is not None:
        head = Anchor(seq=report.head_seq, hash=report.head_hash or "")
        if latest is None or (latest.seq, latest.hash) != (head.seq, head.hash):
            anchors.record(head)
            report.anchored_seq = head.seq
    return report


def anchor_findings(entries: Sequence[ChainEntry], anchor: Anchor) -> list[Finding]:
    """What is wrong if the chain no longer holds `anchor` as it was seen."""
    stored = next((entry for entry in entries if entry.seq == anchor.seq), None)
    if stored is not None:
        if stored.hash == anchor.hash:
            return []
        return [
            Finding(
                Tampering.EDITED,
                anchor.seq,
                f"{anchor.describe()} with another hash: the chain was rewritten from here, or "
                "an older copy of the database was restored and written to since",
            )
        ]
    last = entries[-1].seq if entries else 0
    if last > anchor.seq:
        return [Finding(Tampering.DELETED, anchor.seq, f"{anchor.describe()} and is gone")]
    first = last + 1
    span = f"seq {first}" if first == anchor.seq else f"seq {first}-{anchor.seq}"
    ends = f"the chain ends at seq {last}" if entries else "the chain is empty"
    return [
        Finding(
            Tampering.DELETED,
            first,
            f"{span} missing from the end (chain truncated): {ends}, but {anchor.describe()}; "
            "records were deleted or an older copy of the database was restored",
        )
    ]
