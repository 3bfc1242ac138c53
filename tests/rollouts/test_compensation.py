"""A rollout's compensation undoes a site the way a failed deployment does (`roll_back`), at
the plant endpoint the site's own deployment reported: it no longer prepares the site again
only to learn the endpoint (histories from before that still replay: tests/workflows)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.rollouts.conftest import Agent, plan, start, states, wait_for
from tests.world import World, template


async def test_an_aborted_rollout_rolls_back_where_its_deployment_ran(
    fleet: World, agent: Agent, worker: Worker, temporal_env: WorkflowEnvironment
) -> None:
    first = await start(fleet, plan({"name": "all", "sites": ["cork"]}))
    await wait_for(fleet, first["id"], "completed")
    before = agent.state("cork")["templates"]["pouch-sealing"]["current"]["sha256"]
    await fleet.publish(template("1.1.0", seal_temperature_c={"default": 183}))
    agent.faults("penang", down=True)
    second = await start(
        fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 1}, version="1.1.0")
    )
    await wait_for(fleet, second["id"], "paused")
    aborted = await fleet.as_user(
        "ada",
        "mutation($id: String!) { abortRollout(id: $id, rollback: true, "
        'reason: "penang not ready") { status } }',
        {"id": second["id"]},
    )
    aborted.ok()
    done = await wait_for(fleet, second["id"], "aborted")
    assert states(done)["cork"] == "rolled_back"
    assert agent.state("cork")["templates"]["pouch-sealing"]["current"]["sha256"] == before

    history = await temporal_env.client.get_workflow_handle(
        f"rollout-{second['id']}"
    ).fetch_history()
    scheduled = [
        event.activity_task_scheduled_event_attributes.activity_type.name
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert scheduled.count("rollback_plant") == 1, scheduled
    assert "prepare_site" not in scheduled, scheduled
