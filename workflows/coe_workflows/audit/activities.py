"""Activities of the audit-chain monitor: read-only, so retrying them is always safe."""

from __future__ import annotations

import logging

from opentelemetry import metrics
from temporalio import activity

from coe.audit import service
from coe.db import Sessions, read_only
from coe_workflows.audit.models import Anchor, ChainCheck, VerifyChainInput

log = logging.getLogger("coe_workflows.audit")


class AuditActivities:
    def __init__(self, sessions: Sessions, audit_key: bytes) -> None:
        self._sessions = sessions
        self._key = audit_key
        meter = metrics.get_meter("coe.audit")
        self._findings = meter.create_counter(
            "coe.audit.chain.findings", description="Tampering findings in the audit chain"
        )

    @activity.defn(name="verify_audit_chain")
    async def verify_audit_chain(self, request: VerifyChainInput) -> ChainCheck:
        """Verify every record's hash and link, and that the anchor is still in place."""
        anchor = (request.anchor.seq, request.anchor.hash) if request.anchor else None
        async with read_only(self._sessions) as session:
            report = await service.verify(session, self._key, anchor=anchor)
        findings = [str(finding) for finding in report.findings]
        if findings:
            self._findings.add(len(findings))
            log.error("audit chain tampering detected: %s", "; ".join(findings))
        head = None
        if report.head_seq is not None and report.head_hash is not None:
            head = Anchor(seq=report.head_seq, hash=report.head_hash)
        return ChainCheck(
            intact=report.intact, records=report.records, head=head, findings=findings
        )
