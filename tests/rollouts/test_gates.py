"""Gates and controls: soak, kpiGuard, pause/resume, skip, block on incompatible overlays;
a replay test keeps the workflow code deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import yaml
from rich.console import Console
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from coe.auth.principal import Role
from coe.cli.rollouts import ROLLOUT as CLI_ROLLOUT
from coe.cli.rollouts import render
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
        "kpiGuard after wave pilot is inconclusive at the end of its 1 s window: 0 of 200 "
        "units after the deployment; resume to continue, or abort"
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
    assert "already paused" in again.messages[0]
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
    paths = [v["path"] for v in refused.violations]
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
        assert path in [v["path"] for v in result.violations], path
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


def guarded_plan(max_drop: float, window: str = "1h") -> str:
    """1.1.0 to cork first, guarded on right-first-time over 40 units, then penang."""
    guard = {"metric": "right_first_time", "maxDrop": max_drop, "minUnits": 40, "window": window}
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


async def guard_of(world: World, rollout_id: str) -> dict[str, Any]:
    """The rollout as `coe rollout status` reads it: waves with their kpiGuard measurement."""
    result = await world.api.as_role(
        Role.EXECUTIVE,
        f"query($id: String!) {{ rollout(id: $id) {{ {CLI_ROLLOUT} }} }}",
        {"id": rollout_id},
    )
    rollout: dict[str, Any] = result.ok()["rollout"]
    return rollout


async def guard_audit(sessions: Sessions, action: str) -> list[dict[str, Any]]:
    async with read_only(sessions) as session:
        rows = (await session.exec(select(AuditRecord).where(AuditRecord.action == action))).all()
    return [row.after or {} for row in rows]


async def test_a_kpi_guard_passes_when_the_wave_is_surely_not_worse(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    await fleet.publish(production_template("1.1.0"))
    await produce(fleet, "1.0.0", good=400, reworked=0, tag="before")  # 100 %
    rollout = await start(fleet, guarded_plan(max_drop=0.05))
    await wait_until(fleet, rollout["id"], lambda r: states(r)["cork"] == "live")
    await produce(fleet, "1.1.0", good=399, reworked=1, tag="after")  # 99.75 %
    done = await wait_for(fleet, rollout["id"], "completed", "failed", "paused")
    assert done["status"] == "completed"
    assert states(done) == {"cork": "live", "penang": "live"}
    guard = (await guard_of(fleet, rollout["id"]))["waves"][0]["kpiGuard"]
    assert (guard["verdict"], guard["beforeUnits"], guard["afterUnits"]) == ("pass", 400, 400)
    assert guard["differenceLow"] > -0.05, "the whole interval is within the allowance"
    (audited,) = await guard_audit(sessions, "rollout.kpi_guard_passed")
    assert audited["difference_low"] == guard["differenceLow"]
    assert (audited["wave"], audited["verdict"], audited["threshold"]) == ("pilot", "pass", -0.05)


async def test_a_kpi_guard_equal_at_small_counts_pauses_at_the_end_of_its_window(
    fleet: World,
    agent: Agent,
    worker: Worker,
    sessions: Sessions,
    temporal_env: WorkflowEnvironment,
) -> None:
    """39 of 40 after against 40 of 40 before: the point values differ by 2.5 points, more
    than the 2 allowed — but 40 units cannot tell; the gate measures until its window ends and
    then pauses for a person, with the measurement, instead of rolling the wave back."""
    await fleet.publish(production_template("1.1.0"))
    await produce(fleet, "1.0.0", good=40, reworked=0, tag="before")
    await produce(fleet, "1.1.0", good=39, reworked=1, tag="after")
    rollout = await start(fleet, guarded_plan(max_drop=0.02, window="2s"))
    started = await guard_of(fleet, rollout["id"])
    assert started["warnings"] == [
        "wave pilot: the kpiGuard on right-first-time (maxDrop 2.00%) needs about 19208 units "
        "per side to decide, but its sites made no units in the last 28 days: it will end "
        "inconclusive and pause the rollout"
    ]
    paused = await wait_for(fleet, rollout["id"], "paused", "failed", "completed")
    measured = (
        "right-first-time 100.00% [91.24%, 100.00%] (40 units) before, 97.50% [87.12%, "
        "99.56%] (40 units) after; difference -2.50%, 95 % interval [-12.88%, 6.50%] against "
        "-2.00%: the interval reaches across the 2.00% allowed, not decided"
    )
    assert paused["status"] == "paused"
    assert paused["reason"] == (
        f"kpiGuard after wave pilot is inconclusive at the end of its 2 s window: {measured}; "
        "resume to continue, or abort"
    )
    assert states(paused) == {"cork": "live", "penang": "pending"}
    shown = await guard_of(fleet, rollout["id"])
    guard = shown["waves"][0]["kpiGuard"]
    assert (guard["verdict"], guard["before"], guard["after"]) == ("inconclusive", 1.0, 0.975)
    (audited,) = await guard_audit(sessions, "rollout.kpi_guard_inconclusive")
    assert (audited["before_units"], audited["after_units"]) == (40, 40)
    assert audited["difference_high"] == guard["differenceHigh"]
    printed = Console(width=400, record=True)
    printed.print(render(shown))
    text = printed.export_text()
    assert (
        "kpiGuard pilot: right-first-time before 100.00% [91.24%, 100.00%] (40 units), after "
        "97.50% [87.12%, 99.56%] (40 of at least 40 units); difference -2.50% [-12.88%, "
        "6.50%] against -2.00% — inconclusive (undecided at the end of its window)"
    ) in text
    assert "warning: wave pilot: the kpiGuard" in text
    (await fleet.as_user("ada", CONTROL.format(name="resumeRollout"), {"id": rollout["id"]})).ok()
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}
    handle = temporal_env.client.get_workflow_handle(f"rollout-{rollout['id']}")
    await Replayer(workflows=WORKFLOWS).replay_workflow(await handle.fetch_history())


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
        "kpiGuard failed: right-first-time 100.00% [91.24%, 100.00%] (40 units) before, 75.00% "
        "[59.81%, 85.81%] (40 units) after; difference -25.00%, 95 % interval [-40.19%, "
        "-11.08%] against -5.00%: surely worse than the 5.00% allowed"
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
    (audited,) = await guard_audit(sessions, "rollout.kpi_guard_failed")
    assert (audited["before_hits"], audited["after_hits"], audited["verdict"]) == (40, 30, "fail")
    guard = (await guard_of(fleet, rollout["id"]))["waves"][0]["kpiGuard"]
    assert guard["differenceHigh"] == audited["difference_high"] < -0.05


def running(agent: Agent, site: str) -> str:
    sha256: str = agent.state(site)["templates"][KEY]["current"]["sha256"]
    return sha256


async def test_the_start_warns_of_a_kpi_guard_window_too_short_at_the_sites_volume(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    """Cork made 280 units in the last 28 days (10 a day, 95 % right-first-time): a guard at
    maxDrop 0.005 over 24 h cannot decide, one at 0.5 over 28 days can."""
    await fleet.publish(production_template("1.1.0"))
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    events = [
        # (under 1.1.0, whose reason codes a reworked unit needs; any version is volume)
        unit(
            n,
            "right_first_time" if n < 266 else "reworked",
            site="cork",
            at=three_days_ago,
            version="1.1.0",
        )
        | {"id": f"recent-{n}", "unit": f"recent-{n}"}
        for n in range(280)
    ]
    status_code, body = await sender(fleet.api, site="cork")(events)
    assert (status_code, body["accepted"]) == (200, 280)
    short = {"metric": "right_first_time", "maxDrop": 0.005, "minUnits": 40, "window": "24h"}
    ample = {"metric": "right_first_time", "maxDrop": 0.5, "minUnits": 40, "window": "28d"}
    plan_text = plan(
        {
            "name": "pilot",
            "sites": ["cork"],
            "gates": [{"kpiGuard": short}, {"kpiGuard": ample}],
        },
        {"name": "rest", "sites": ["galway"]},
        version="1.1.0",
    )
    warning = (
        "wave pilot: the kpiGuard on right-first-time (maxDrop 0.50%) needs about 58393 units "
        "per side to decide; at its sites' 10 units a day (baseline 95.00%) that takes 5839.3 "
        "days, longer than its 1.0 days window: it will likely end inconclusive and pause the "
        "rollout (lengthen the window or widen maxDrop)"
    )
    # Checked before starting: the same warning, the waves resolved, nothing started.
    checked = (
        await fleet.as_user(
            "ada",
            "query($p: String!) { checkRolloutPlan(plan: $p) { waves { name sites } warnings "
            "estimates { wave unitsNeeded unitsPerDay enough } } }",
            {"p": plan_text},
        )
    ).ok()["checkRolloutPlan"]
    assert checked["warnings"] == [warning]
    assert checked["waves"] == [
        {"name": "pilot", "sites": ["cork"]},
        {"name": "rest", "sites": ["galway"]},
    ]
    assert [e["enough"] for e in checked["estimates"]] == [False, True]
    assert checked["estimates"][0]["unitsNeeded"] == 58393
    listed = await fleet.as_user("ada", "{ rollouts { totalCount } }")
    assert listed.ok()["rollouts"]["totalCount"] == 0
    rollout = await start(fleet, plan_text)
    started = await guard_of(fleet, rollout["id"])
    assert started["warnings"] == [warning]
    async with read_only(sessions) as session:
        (audited,) = (
            await session.exec(select(AuditRecord).where(AuditRecord.action == "rollout.started"))
        ).all()
    assert (audited.after or {})["warnings"] == [warning]
    aborted = await fleet.as_user("ada", CONTROL.format(name="abortRollout"), {"id": rollout["id"]})
    aborted.ok()
