"""Gates and controls: soak, kpiGuard, pause/resume, skip, block on incompatible overlays;
a replay test keeps the workflow code deterministic."""

from __future__ import annotations

from typing import Any

import yaml
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from coe.db import Sessions
from coe_workflows.worker import WORKFLOWS
from tests.helpers import audit_count
from tests.rollouts.conftest import Agent, plan, start, states, status, wait_for, wait_until
from tests.world import World, overlay, template

CONTROL = "mutation($id: String!) {{ {name}(id: $id) {{ status reason }} }}"


async def test_soak_and_kpi_guard_gates(fleet: World, agent: Agent, worker: Worker) -> None:
    rollout = await start(
        fleet,
        plan(
            {
                "name": "pilot",
                "sites": ["cork"],
                "gates": [
                    {"soak": "1s"},
                    {
                        "kpiGuard": {
                            "metric": "right_first_time",
                            "maxDrop": 0.02,
                            "minUnits": 200,
                            "window": "72h",
                        }
                    },
                ],
            },
            {"name": "rest", "sites": ["penang"]},
        ),
    )
    paused = await wait_for(fleet, rollout["id"], "paused")
    assert "kpiGuard after wave pilot is inconclusive: no KPI data" in paused["reason"]
    assert states(paused) == {"cork": "live", "penang": "pending"}
    (await fleet.as_user("ada", CONTROL.format(name="resumeRollout"), {"id": rollout["id"]})).ok()
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}


async def test_pause_resume_and_skip(fleet: World, agent: Agent, worker: Worker) -> None:
    for site in ("galway", "suzhou"):
        document = overlay(site=site, seal_temperature_c=184)
        document["spec"].pop("extend")
        (await fleet.propose(document, user="ada")).ok()
        (await fleet.approve_overlay(site, "pouch-sealing", 1)).ok()
    agent.faults("galway", slow_seconds=0.5)
    rollout = await start(fleet, plan({"name": "all", "selector": {"all": True}, "maxParallel": 1}))
    paused = (
        await fleet.as_user("ada", CONTROL.format(name="pauseRollout"), {"id": rollout["id"]})
    ).ok()["pauseRollout"]
    assert paused["status"] == "paused"
    skipped = await fleet.as_user(
        "ada",
        'mutation($id: String!) { skipRolloutSite(id: $id, site: "suzhou", '
        'reason: "line down for maintenance") { status } }',
        {"id": rollout["id"]},
    )
    skipped.ok()
    again = await fleet.as_user("ada", CONTROL.format(name="pauseRollout"), {"id": rollout["id"]})
    assert again.codes == ["CONFLICT"]
    assert "already paused" in again.errors[0]["message"]
    current = await status(fleet, rollout["id"])
    assert "pending" in states(current).values(), "nothing new starts while paused"
    (await fleet.as_user("ada", CONTROL.format(name="resumeRollout"), {"id": rollout["id"]})).ok()
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"galway": "live", "penang": "live", "suzhou": "skipped"}
    assert agent.state("suzhou")["deployments"] == 0
    not_architect = await fleet.as_user(
        "quinn", CONTROL.format(name="pauseRollout"), {"id": rollout["id"]}
    )
    assert not_architect.codes == ["FORBIDDEN"]


async def test_incompatible_overlays_are_skipped_or_block_the_start(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    await fleet.publish(template("2.0.0", seal_temperature_c={"maximum": 185}))
    blocked_plan = plan(
        {"name": "all", "sites": ["cork", "penang"]}, version="2.0.0", incompatible="block"
    )
    before = await audit_count(sessions)
    refused = await fleet.as_user(
        "ada", "mutation($p: String!) { startRollout(plan: $p) { id } }", {"p": blocked_plan}
    )
    assert refused.codes == ["VALIDATION_FAILED"]
    paths = [v["path"] for v in refused.errors[0]["extensions"]["violations"]]
    assert "/sites/penang/metadata/templateVersions" in paths
    assert await audit_count(sessions) == before, "a blocked rollout does not start"
    rollout = await start(
        fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 2}, version="2.0.0")
    )
    done = await wait_for(fleet, rollout["id"], "completed")
    penang = next(s for s in done["waves"][0]["sites"] if s["site"] == "penang")
    assert penang["state"] == "skipped"
    assert {
        "path": "/spec/set/seal_temperature_c",
        "reason": "'seal_temperature_c' 186 is above the maximum 185",
    } in penang["violations"]
    assert states(done)["cork"] == "live"


async def test_bad_plans_are_refused_with_pointers(fleet: World, sessions: Sessions) -> None:
    before = await audit_count(sessions)
    cases: dict[str, dict[str, Any]] = {
        "/spec/waves/1/sites/0": {
            "waves": [{"name": "pilot", "sites": ["cork"]}, {"name": "rest", "sites": ["cork"]}]
        },
        "/spec/waves/0": {"waves": [{"name": "pilot"}]},
        "/spec/waves/0/sites/0": {"waves": [{"name": "pilot", "sites": ["atlantis"]}]},
        "/metadata/version": {"waves": [{"name": "pilot", "sites": ["cork"]}], "version": "9.9.9"},
    }
    for path, spec in cases.items():
        document = yaml.safe_load(plan(*spec["waves"], version=spec.get("version", "1.0.0")))
        result = await fleet.as_user(
            "ada",
            "mutation($p: String!) { startRollout(plan: $p) { id } }",
            {"p": yaml.safe_dump(document)},
        )
        assert result.codes == ["VALIDATION_FAILED"], path
        assert path in [v["path"] for v in result.errors[0]["extensions"]["violations"]], path
    assert await audit_count(sessions) == before


async def test_the_rollout_workflow_replays_deterministically(
    fleet: World, agent: Agent, worker: Worker, temporal_env: WorkflowEnvironment
) -> None:
    rollout = await start(
        fleet,
        plan(
            {"name": "pilot", "sites": ["cork"], "gates": [{"soak": "1s"}]},
            {"name": "rest", "sites": ["penang"]},
        ),
    )
    await wait_until(fleet, rollout["id"], lambda r: r["status"] == "completed")
    handle = temporal_env.client.get_workflow_handle(f"rollout-{rollout['id']}")
    await Replayer(workflows=WORKFLOWS).replay_workflow(await handle.fetch_history())
    child = temporal_env.client.get_workflow_handle(f"rollout-{rollout['id']}--cork--1")
    await Replayer(workflows=WORKFLOWS).replay_workflow(await child.fetch_history())
