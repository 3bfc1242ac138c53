"""GraphQL view of the audit trail, for auditors."""

from __future__ import annotations

from datetime import datetime
from typing import cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.audit import service
from coe.audit.anchors import anchor_store
from coe.audit.chain import ChainReport
from coe.auth.principal import Role
from coe.errors import NotFoundError
from coe.graphql.context import CoeContext
from coe.graphql.pagination import Connection, connection, decode_cursor, page_size
from coe.graphql.permissions import allow
from coe.models import AuditRecord

AUDIT_READERS = (Role.AUDITOR, Role.QA_APPROVER)


@strawberry.type(name="AuditRecord", description="One change: who, what, when, why.")
class AuditRecordType:
    seq: int = strawberry.field(description="Position in the chain.")
    occurred_at: datetime = strawberry.field(description="When (UTC).")
    actor: str = strawberry.field(description="Who: user id, or `system`.")
    action: str = strawberry.field(description="What, e.g. `site.updated`.")
    entity_type: str = strawberry.field(description="Kind of record changed.")
    entity_id: str = strawberry.field(description="Id of the record changed.")
    site: str | None = strawberry.field(description="Site the record belongs to, if any.")
    before: JSON | None = strawberry.field(description="Values before the change.")
    after: JSON | None = strawberry.field(description="Values after the change.")
    reason: str | None = strawberry.field(description="Why, as the actor stated it.")
    request_id: str | None = strawberry.field(description="Request that made the change.")
    signature_id: UUID | None = strawberry.field(description="Linked e-signature, if any.")
    prev_hash: str = strawberry.field(description="Hash of the previous record.")
    hash: str = strawberry.field(description="This record's chain hash.")

    @classmethod
    def from_model(cls, row: AuditRecord) -> AuditRecordType:
        return cls(
            seq=row.seq,
            occurred_at=row.occurred_at,
            actor=row.actor,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            site=row.site,
            before=cast(JSON, row.before),
            after=cast(JSON, row.after),
            reason=row.reason,
            request_id=row.request_id,
            signature_id=row.signature_id,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


@strawberry.input(description="Narrow the audit trail; every given field must match.")
class AuditFilter:
    entity_type: str | None = strawberry.field(default=None, description="Kind of record.")
    entity_id: str | None = strawberry.field(default=None, description="Id of the record.")
    actor: str | None = strawberry.field(default=None, description="User id of the actor.")
    site: str | None = strawberry.field(default=None, description="Site key.")
    since: datetime | None = strawberry.field(default=None, description="At or after (UTC).")
    until: datetime | None = strawberry.field(default=None, description="Before (UTC).")


@strawberry.type(description="One sign of tampering found in the audit chain.")
class AuditFinding:
    seq: int = strawberry.field(description="The record concerned.")
    kind: str = strawberry.field(description="edited, deleted, inserted or reordered.")
    detail: str = strawberry.field(description="What was found.")


@strawberry.type(description="The result of verifying the whole audit chain.")
class AuditChainReport:
    intact: bool = strawberry.field(description="True when no tampering was found.")
    records: int = strawberry.field(description="Records verified.")
    head_seq: int | None = strawberry.field(description="Last record's seq (to anchor).")
    head_hash: str | None = strawberry.field(description="Last record's hash (to anchor).")
    anchored_seq: int | None = strawberry.field(
        description="Seq of the latest anchor (kept outside the database) that the chain was "
        "checked against; null before the monitor recorded one."
    )
    findings: list[AuditFinding] = strawberry.field(description="Every problem found.")

    @classmethod
    def from_report(cls, report: ChainReport) -> AuditChainReport:
        return cls(
            intact=report.intact,
            records=report.records,
            head_seq=report.head_seq,
            head_hash=report.head_hash,
            anchored_seq=report.anchored_seq,
            findings=[
                AuditFinding(seq=f.seq, kind=f.kind.value, detail=f.detail) for f in report.findings
            ],
        )


@strawberry.type
class AuditQueries:
    @strawberry.field(
        extensions=allow(*AUDIT_READERS),
        description="The audit trail, newest first (auditor, qa_approver).",
    )
    async def audit_records(
        self,
        info: Info[CoeContext, None],
        filter: AuditFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[AuditRecordType]:
        limit = page_size(first, info.context.settings.max_page_size)
        criteria = filter or AuditFilter()
        async with info.context.read() as session:
            rows, total = await service.visible_records(
                session,
                info.context.scope(),
                entity_type=criteria.entity_type,
                entity_id=criteria.entity_id,
                actor=criteria.actor,
                site=criteria.site,
                since=criteria.since,
                until=criteria.until,
                before_seq=decode_cursor(after),
                limit=limit + 1,
            )
        return connection(
            [AuditRecordType.from_model(row) for row in rows],
            total,
            limit,
            lambda record: record.seq,
        )

    @strawberry.field(
        extensions=allow(*AUDIT_READERS),
        description="One audit record by its sequence number (auditor; a qa_approver for "
        "their sites); NOT_FOUND when there is none the caller may see.",
    )
    async def audit_record(self, info: Info[CoeContext, None], seq: int) -> AuditRecordType:
        async with info.context.read() as session:
            rows, _total = await service.visible_records(
                session,
                info.context.scope(),
                entity_type=None,
                entity_id=None,
                actor=None,
                site=None,
                since=None,
                until=None,
                before_seq=seq + 1,
                limit=1,
            )
        if not rows or rows[0].seq != seq:
            raise NotFoundError(f"no audit record {seq} that you may see", seq=seq)
        return AuditRecordType.from_model(rows[0])

    @strawberry.field(
        extensions=allow(Role.AUDITOR),
        description="Verify the hash chain of the whole audit trail now, and that it still "
        "holds the latest anchor kept outside the database, so deleted newest records, a "
        "truncated table or a restored older database show too (auditor).",
    )
    async def audit_chain(self, info: Info[CoeContext, None]) -> AuditChainReport:
        anchors = anchor_store(info.context.settings)
        async with info.context.read() as session:
            report = await service.verify(session, info.context.services.audit_key, anchors=anchors)
        return AuditChainReport.from_report(report)
