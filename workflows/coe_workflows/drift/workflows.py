"""DriftCheck: run by a Temporal Schedule; each run compares every plant with the ledger."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from coe.rollouts.contract import DRIFT_WORKFLOW
    from coe_workflows.drift.activities import DriftSummary


@workflow.defn(name=DRIFT_WORKFLOW)
class DriftCheck:
    @workflow.run
    async def run(self) -> DriftSummary:
        result: DriftSummary = await workflow.execute_activity(
            "check_drift",
            result_type=DriftSummary,
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return result
