"""Drift: the scheduled check compares every plant with the ledger."""

from __future__ import annotations

import uuid

from temporalio.client import ScheduleDescription
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.auth.principal import Role
from coe.config import Settings
from coe.rollouts.contract import DRIFT_SCHEDULE, DRIFT_WORKFLOW
from coe_workflows.drift.activities import DriftSummary
from coe_workflows.worker import ensure_drift_schedule
from tests.rollouts.conftest import Agent, plan, start, wait_for
from tests.world import World

DRIFT = "{ drift { site template expectedSha256 reportedSha256 detail } }"


async def check(temporal_env: WorkflowEnvironment, settings: Settings) -> DriftSummary:
    summary: DriftSummary = await temporal_env.client.execute_workflow(
        DRIFT_WORKFLOW,
        id=f"drift-{uuid.uuid4()}",
        task_queue=settings.temporal_task_queue,
        result_type=DriftSummary,
    )
    return summary


async def test_drift_is_detected_and_resolved(
    fleet: World,
    agent: Agent,
    worker: Worker,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
) -> None:
    rollout = await start(
        fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 2})
    )
    await wait_for(fleet, rollout["id"], "completed")
    clean = await check(temporal_env, settings)
    assert clean.sites_checked == 2
    assert clean.drifting == []
    assert (await fleet.api.as_role(Role.EXECUTIVE, DRIFT)).ok()["drift"] == []

    agent.faults("penang", wrong_hash=True)  # the plant now runs something else
    drifting = await check(temporal_env, settings)
    assert drifting.drifting == ["penang"]
    [observation] = (await fleet.api.as_role(Role.EXECUTIVE, DRIFT)).ok()["drift"]
    assert observation["site"] == "penang"
    assert observation["reportedSha256"] != observation["expectedSha256"]
    scoped = await fleet.as_user("sam", DRIFT)
    assert [d["site"] for d in scoped.ok()["drift"]] == ["penang"]

    agent.faults("penang")
    await check(temporal_env, settings)
    assert (await fleet.api.as_role(Role.EXECUTIVE, DRIFT)).ok()["drift"] == []


async def test_the_drift_check_runs_on_a_temporal_schedule(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> None:
    await ensure_drift_schedule(temporal_env.client, settings)
    await ensure_drift_schedule(temporal_env.client, settings)  # idempotent
    handle = temporal_env.client.get_schedule_handle(DRIFT_SCHEDULE)
    description: ScheduleDescription = await handle.describe()
    interval = description.schedule.spec.intervals[0].every
    assert interval.total_seconds() == settings.drift_check_interval_seconds
    await handle.delete()
