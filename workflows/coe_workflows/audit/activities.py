"""Activities of the audit-chain monitor: they read the chain and only append anchors (a repeat
appends the same head at most once more), so retrying them is always safe."""

from __future__ import annotations

import logging

from opentelemetry import metrics
from temporalio import activity
from temporalio.exceptions import ApplicationError

from coe.audit import anchors, service
from coe.db import Sessions, read_only
from coe_workflows.audit.models import Anchor, ChainCheck, VerifyChainInput

log = logging.getLogger("coe_workflows.audit")


class AuditActivities:
    def __init__(self, sessions: Sessions, audit_key: bytes, store: anchors.AnchorStore) -> None:
        self._sessions = sessions
        self._key = audit_key
        self._store = store
        meter = metrics.get_meter("coe.audit")
        self._findings = meter.create_counter(
            "coe.audit.chain.findings", description="Tampering findings in the audit chain"
        )

    @activity.defn(name="verify_audit_chain")
    async def verify_audit_chain(self, request: VerifyChainInput) -> ChainCheck:
        """Verify every record's hash and link, and that the stored anchor and the workflow's
        own are still in place; an intact head becomes the new stored anchor."""
        own = anchors.Anchor(request.anchor.seq, request.anchor.hash) if request.anchor else None
        try:
            async with read_only(self._sessions) as session:
                report = await service.verify(
                    session, self._key, anchors=self._store, anchor=own, record=True
                )
        except anchors.AnchorStoreError as error:  # a damaged anchor file does not heal itself
            log.error("audit chain cannot be checked against its anchors: %s", error)
            raise ApplicationError(error.message, type=error.code, non_retryable=True) from None
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
