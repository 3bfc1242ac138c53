"""AuditChainMonitor: verifies the audit chain on a timer, for as long as the platform runs.

Each intact head is recorded as an anchor outside the database (the anchor store, see
`coe.audit.anchors`) and also carried in the workflow's own state (Temporal history), so deleting
the newest records, truncating the table or restoring an older database — which a hash chain
alone cannot reveal — is detected at the next check, by this monitor and by every other
verification (`coe audit verify`, GraphQL `auditChain`), even after the monitor restarts.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from coe_workflows.audit.activities import AuditActivities
    from coe_workflows.audit.models import ChainCheck, MonitorInput, VerifyChainInput
    from coe_workflows.policies import VERIFY_CHAIN_RETRY, VERIFY_CHAIN_TIMEOUT


@workflow.defn(name="AuditChainMonitor")
class AuditChainMonitor:
    def __init__(self) -> None:
        self._last: ChainCheck | None = None

    @workflow.run
    async def run(self, request: MonitorInput) -> None:
        anchor = request.anchor
        for _ in range(request.checks_per_run):
            try:
                check = await workflow.execute_activity_method(
                    AuditActivities.verify_audit_chain,
                    VerifyChainInput(anchor=anchor),
                    start_to_close_timeout=VERIFY_CHAIN_TIMEOUT,
                    retry_policy=VERIFY_CHAIN_RETRY,
                )
            except ActivityError as error:  # its retries ran out: the next interval tries again
                workflow.logger.warning("audit chain check failed: %s", error.cause or error)
            else:
                self._last = check
                if check.intact and check.head is not None:
                    anchor = check.head  # otherwise keep the old anchor: the finding persists
            await workflow.sleep(timedelta(seconds=request.interval_seconds))
        workflow.continue_as_new(
            MonitorInput(
                interval_seconds=request.interval_seconds,
                anchor=anchor,
                checks_per_run=request.checks_per_run,
            )
        )

    @workflow.query(name="lastCheck")
    def last_check(self) -> ChainCheck | None:
        """The result of the most recent verification."""
        return self._last
