"""AuditChainMonitor: verifies the audit chain on a timer, for as long as the platform runs.

The last intact head is carried in the workflow's own state (Temporal history, outside the
database), so deleting the newest records — which a hash chain alone cannot reveal — is
detected at the next check.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from coe_workflows.audit.models import ChainCheck, MonitorInput, VerifyChainInput

VERIFY_TIMEOUT = timedelta(minutes=10)


@workflow.defn(name="AuditChainMonitor")
class AuditChainMonitor:
    def __init__(self) -> None:
        self._last: ChainCheck | None = None

    @workflow.run
    async def run(self, request: MonitorInput) -> None:
        anchor = request.anchor
        for _ in range(request.checks_per_run):
            check = await workflow.execute_activity(
                "verify_audit_chain",
                VerifyChainInput(anchor=anchor),
                result_type=ChainCheck,
                start_to_close_timeout=VERIFY_TIMEOUT,
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=5)),
            )
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
