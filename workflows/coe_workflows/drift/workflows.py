"""DriftCheck: run by a Temporal Schedule; each run compares every plant with the ledger."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from coe.rollouts.contract import DRIFT_WORKFLOW
    from coe_workflows.drift.activities import DriftActivities, DriftSummary
    from coe_workflows.policies import DRIFT_HEARTBEAT, DRIFT_RETRY, DRIFT_TIMEOUT


@workflow.defn(name=DRIFT_WORKFLOW)
class DriftCheck:
    @workflow.run
    async def run(self) -> DriftSummary:
        return await workflow.execute_activity_method(
            DriftActivities.check_drift,
            start_to_close_timeout=DRIFT_TIMEOUT,
            heartbeat_timeout=DRIFT_HEARTBEAT,
            retry_policy=DRIFT_RETRY,
        )
