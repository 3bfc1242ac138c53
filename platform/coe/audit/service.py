"""Appending to (through `coe.audit.writer`) and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.audit import repository
from coe.audit.anchors import Anchor, AnchorStore
from coe.audit.chain import ChainEntry, ChainReport, Finding, Tampering
from coe.audit.chain import verify_chain as verify_entries
from coe.audit.writer import append as append  # callers append through the service too
from coe.auth.scope import Scope
from coe.models import AuditRecord


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


async def visible_records(
    session: AsyncSession,
    scope: Scope,
    *,
    entity_type: str | None,
    entity_id: str | None,
    actor: str | None,
    site: str | None,
    since: datetime | None,
    until: datetime | None,
    before_seq: int | None,
    limit: int,
) -> tuple[list[AuditRecord], int]:
    """Audit records newest first, at most `limit` before `before_seq`, and how many match.
    Auditors read everything; a site-scoped QA approver reads only their sites' records
    (FORBIDDEN for a `site` outside the scope)."""
    sites = scope.narrow_to(site)
    return await repository.search(
        session,
        entity_type=entity_type,
        entity_id=entity_id,
        actor=actor,
        sites=None if sites is None else frozenset(sites),
        since=since,
        until=until,
        before_seq=before_seq,
        limit=limit,
    )
