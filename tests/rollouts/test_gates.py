"""Gates and controls: soak, kpiGuard, pause/resume, skip, block on incompatible overlays;
a replay test keeps the workflow code deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import yaml
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from coe.db import Sessions, read_only
from coe.models import AuditRecord
from coe_workflows.worker import WORKFLOWS
from tests.helpers import audit_count
from tests.production.conftest import production_template, sender, unit
from tests.rollouts.conftest import (
    KEY,
    Agent,
    plan,
    start,
    states,
    status,
    wait_for,
    wait_until,
)
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
                            "window": "1s",
                        }
                    },
                ],
            },
            {"name": "rest", "sites": ["penang"]},
        ),
    )
    paused = await wait_for(fleet, rollout["id"], "paused")
    assert paused["reason"] == (
        "kpiGuard after wave pilot is inconclusive: 0 of 200 units after the deployment by the "
        "end of its 1 s window; resume to continue, or abort"
    )
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


def guarded_plan(max_drop: float) -> str:
    """1.1.0 to cork first, guarded on right-first-time over 40 units, then penang."""
    guard = {"metric": "right_first_time", "maxDrop": max_drop, "minUnits": 40, "window": "1h"}
    return plan(
        {"name": "pilot", "sites": ["cork"], "gates": [{"kpiGuard": guard}]},
        {"name": "rest", "sites": ["penang"]},
        version="1.1.0",
    )


async def produce(world: World, version: str, good: int, reworked: int, tag: str) -> None:
    """Cork's plant reports `good` right-first-time and `reworked` units under `version`."""
    at = datetime.now(UTC) - (timedelta(minutes=1) if tag == "before" else timedelta())
    events = [
        unit(n, "right_first_time" if n < good else "reworked", site="cork", at=at, version=version)
        | {"id": f"{tag}-{n}", "unit": f"{tag}-{n}"}
        for n in range(good + reworked)
    ]
    status, body = await sender(world.api, site="cork")(events)
    assert (status, body["accepted"], body["errors"]) == (200, good + reworked, [])


async def test_a_kpi_guard_passes_when_the_wave_holds_its_right_first_time(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    await fleet.publish(production_template("1.1.0"))
    await produce(fleet, "1.0.0", good=40, reworked=0, tag="before")  # 100 %
    rollout = await start(fleet, guarded_plan(max_drop=0.05))
    await wait_until(fleet, rollout["id"], lambda r: states(r)["cork"] == "live")
    await produce(fleet, "1.1.0", good=39, reworked=1, tag="after")  # 97.5 %: within 5 points
    done = await wait_for(fleet, rollout["id"], "completed", "failed", "paused")
    assert done["status"] == "completed"
    assert states(done) == {"cork": "live", "penang": "live"}


async def test_a_kpi_guard_that_fails_rolls_the_wave_back_and_stops_the_rollout(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    first = await start(fleet, plan({"name": "all", "sites": ["cork"]}))
    await wait_for(fleet, first["id"], "completed")
    before = running(agent, "cork")
    await fleet.publish(production_template("1.1.0"))
    await produce(fleet, "1.0.0", good=40, reworked=0, tag="before")
    rollout = await start(fleet, guarded_plan(max_drop=0.05))
    live = await wait_until(fleet, rollout["id"], lambda r: states(r)["cork"] == "live")
    assert running(agent, "cork") != before
    assert live["status"] == "running"
    await produce(fleet, "1.1.0", good=30, reworked=10, tag="after")  # 75 %: 25 points worse
    failed = await wait_for(fleet, rollout["id"], "completed", "failed", "paused")
    reason = (
        "kpiGuard failed: right-first-time 100.00% before (40 units), 75.00% after (40 units): "
        "worse by 25.00%, more than the 5.00% allowed"
    )
    assert failed["status"] == "failed"
    assert failed["reason"] == reason
    assert states(failed) == {"cork": "rolled_back", "penang": "pending"}
    cork = failed["waves"][0]["sites"][0]
    assert cork["reason"] == f"rolled back: {reason}"
    assert running(agent, "cork") == before
    assert agent.state("penang")["deployments"] == 0
    async with read_only(sessions) as session:
        actions = (await session.exec(select(AuditRecord.action))).all()
    assert actions.count("rollout.kpi_guard_failed") == 1


def running(agent: Agent, site: str) -> str:
    sha256: str = agent.state(site)["templates"][KEY]["current"]["sha256"]
    return sha256
