"""Faults a rollout must survive, each on the real Temporal dev server: plants that are down,
slow, failing or lying; the worker dying mid-rollout; approvals by the wrong people."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions
from coe.plants.credentials import plant_key
from coe.secrets import audit_key
from coe_workflows.worker import Resources, build_worker
from tests.helpers import audit_count
from tests.rollouts.conftest import Agent, plan, start, states, status, wait_for, wait_until
from tests.world import PASSWORD, World, template

APPROVE = (
    "mutation($id: String!, $w: String!, $s: SignerInput!) { approveRolloutGate(id: $id, "
    "wave: $w, signature: $s) { status } }"
)


def signer(user: str, password: str = PASSWORD) -> dict[str, str]:
    return {"username": user, "password": password, "reason": "pilot results reviewed"}


async def test_a_plant_reporting_a_wrong_hash_is_rolled_back(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    first = await start(fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 2}))
    await wait_for(fleet, first["id"], "completed")
    before = agent.state("cork")["templates"]["pouch-sealing"]["current"]["sha256"]
    await fleet.publish(template("1.1.0", seal_temperature_c={"default": 182}))
    agent.faults("cork", wrong_hash=True)
    second = await start(
        fleet,
        plan(
            {"name": "all", "sites": ["cork", "penang"], "maxParallel": 2, "failureBudget": 1},
            version="1.1.0",
        ),
    )
    done = await wait_for(fleet, second["id"], "completed")
    cork = next(s for s in done["waves"][0]["sites"] if s["site"] == "cork")
    assert cork["state"] == "failed"
    assert "after deployment the plant reports" in cork["reason"]
    lying = agent.state("cork")["templates"]["pouch-sealing"]["current"]
    assert lying["sha256"] == before
    # named by the definition it went back to — the version and the ledger's hash — not by
    # the hash the lying plant reports (which matches no definition), though that is shown
    assert (
        f"; rolled back to 1.0.0 (ledger sha256 {before[:12]}…; the plant reports "
        in (cork["reason"])
    ), cork["reason"]
    assert states(done)["penang"] == "live"
    ledger = (
        await fleet.api.as_role(
            Role.EXECUTIVE, '{ ledger(site: "cork") { version sha256 rolloutId } }'
        )
    ).ok()["ledger"]
    assert [(e["version"], e["sha256"]) for e in ledger] == [("1.0.0", before)], (
        "the ledger still says what really runs"
    )


@pytest.mark.parametrize(
    ("faults", "words"),
    [
        ({"down": True}, "HTTP 503"),
        ({"slow_seconds": 3.0}, "no answer within"),
    ],
)
async def test_an_unavailable_plant_fails_after_retries_and_pauses_the_wave(
    fleet: World, agent: Agent, worker: Worker, faults: dict[str, Any], words: str
) -> None:
    agent.faults("penang", **faults)
    rollout = await start(
        fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 2})
    )
    paused = await wait_for(fleet, rollout["id"], "paused")
    assert states(paused) == {"cork": "live", "penang": "failed"}
    penang = next(s for s in paused["waves"][0]["sites"] if s["site"] == "penang")
    assert words in penang["reason"]
    assert "failure budget of 0" in paused["reason"]
    agent.faults("penang")  # the plant is back
    retried = await fleet.as_user(
        "ada", "mutation($id: String!) { retryRollout(id: $id) { status } }", {"id": rollout["id"]}
    )
    retried.ok()
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}


async def test_a_plant_that_is_not_listening_fails_with_connection_refused(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    result = await fleet.api.as_role(
        Role.COE_ARCHITECT,
        'mutation { updateSite(key: "galway", patch: {plantEndpoint: '
        '"http://127.0.0.1:9"}) { key } }',
    )
    result.ok()
    rollout = await start(fleet, plan({"name": "all", "sites": ["galway"], "failureBudget": 1}))
    done = await wait_for(fleet, rollout["id"], "completed")
    galway = done["waves"][0]["sites"][0]
    assert galway["state"] == "failed"
    assert "unreachable" in galway["reason"]


async def test_a_failed_wave_can_be_aborted_with_rollback(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    first = await start(fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 2}))
    await wait_for(fleet, first["id"], "completed")
    original = {
        site: agent.state(site)["templates"]["pouch-sealing"]["current"]["sha256"]
        for site in ("cork", "penang")
    }
    await fleet.publish(template("1.1.0", seal_temperature_c={"default": 183}))
    agent.faults("penang", down=True)
    second = await start(
        fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 1}, version="1.1.0")
    )
    await wait_for(fleet, second["id"], "paused")
    agent.faults("penang")
    aborted = await fleet.as_user(
        "ada",
        "mutation($id: String!) { abortRollout(id: $id, rollback: true, "
        'reason: "penang not ready") { status } }',
        {"id": second["id"]},
    )
    aborted.ok()
    done = await wait_for(fleet, second["id"], "aborted")
    assert states(done) == {"cork": "rolled_back", "penang": "failed"}
    assert (
        agent.state("cork")["templates"]["pouch-sealing"]["current"]["sha256"] == original["cork"]
    )
    ledger = (
        await fleet.api.as_role(Role.EXECUTIVE, '{ ledger(site: "cork") { version rolloutId } }')
    ).ok()["ledger"]
    assert ledger == [{"version": "1.0.0", "rolloutId": first["id"]}]


async def test_approvals_by_the_wrong_people_are_refused_and_nothing_is_recorded(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    rollout = await start(
        fleet,
        plan(
            {
                "name": "pilot",
                "sites": ["cork"],
                "gates": [{"approval": {"role": "qa_approver", "meaning": "approved"}}],
            },
            {"name": "rest", "sites": ["penang"]},
        ),
    )
    waiting = await wait_for(fleet, rollout["id"], "awaiting_approval")
    assert "approval of wave pilot by a qa_approver" in waiting["reason"]
    assert states(waiting) == {"cork": "live", "penang": "pending"}
    before = await audit_count(sessions)
    variables = {"id": rollout["id"], "w": "pilot"}
    refusals: list[tuple[str, dict[str, Any], str | None, str | None]] = [
        ("sam", {"s": signer("sam")}, "FORBIDDEN", "needs a qa_approver"),  # wrong role
        ("rui", {"s": signer("rui")}, None, None),  # QA of cork only: covers the pilot
        ("quinn", {"s": signer("quinn", "wrong password!!")}, "SIGNATURE_REJECTED", "wrong"),
        ("quinn", {"s": signer("quinn"), "w": "rest"}, "CONFLICT", "not waiting"),
    ]
    for user, changes, code, words in refusals[:1] + refusals[2:]:
        result = await fleet.as_user(user, APPROVE, {**variables, **changes})
        assert result.codes == [code], (user, result.messages)
        assert words is not None
        assert words in result.messages[0]
    # only the wrong password leaves a trace: its signature.refused record (Part 11 §11.300(d))
    assert await audit_count(sessions) == before + 1, "refused approvals record nothing else"
    approved = await fleet.as_user("quinn", APPROVE, {**variables, "s": signer("quinn")})
    # the approver's answer already shows the gate passed, not the wait it ended
    assert approved.ok()["approveRolloutGate"]["status"] == "running"
    duplicate = await fleet.as_user("grace", APPROVE, {**variables, "s": signer("grace")})
    assert duplicate.codes == ["CONFLICT"]
    assert "already approved by quinn" in duplicate.messages[0]
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}
    signatures = (
        await fleet.api.as_role(
            Role.AUDITOR,
            'query($id: String!) { signatures(entityType: "rollout_gate", '
            "entityId: $id) { signerId meaning } }",
            {"id": f"{rollout['id']}/pilot"},
        )
    ).ok()
    assert signatures["signatures"] == [{"signerId": "quinn", "meaning": "approved"}]


async def test_the_starter_and_scoped_approvers_outside_the_wave_are_refused(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    rollout = await start(
        fleet,
        plan(
            {
                "name": "pilot",
                "sites": ["cork", "penang"],
                "maxParallel": 2,
                "gates": [{"approval": {"role": "coe_architect", "meaning": "approved"}}],
            },
        ),
        user="grace",
    )
    await wait_for(fleet, rollout["id"], "awaiting_approval")
    starter = await fleet.as_user(
        "grace", APPROVE, {"id": rollout["id"], "w": "pilot", "s": signer("grace")}
    )
    assert starter.codes == ["FORBIDDEN"]
    assert "started the rollout cannot approve" in starter.messages[0]
    await fleet.as_user(
        "ada", "mutation($id: String!) { abortRollout(id: $id) { status } }", {"id": rollout["id"]}
    )
    await wait_for(fleet, rollout["id"], "aborted")
    scoped = await start(
        fleet,
        plan(
            {
                "name": "pilot",
                "sites": ["cork", "penang"],
                "maxParallel": 2,
                "gates": [{"approval": {"role": "qa_approver", "meaning": "approved"}}],
            }
        ),
    )
    await wait_for(fleet, scoped["id"], "awaiting_approval")
    rui = await fleet.as_user(
        "rui", APPROVE, {"id": scoped["id"], "w": "pilot", "s": signer("rui")}
    )
    assert rui.codes == ["FORBIDDEN"]
    assert "also has penang" in rui.messages[0]


async def test_a_site_added_during_a_rollout_is_not_included(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    rollout = await start(
        fleet,
        plan(
            {
                "name": "pilot",
                "sites": ["cork"],
                "gates": [{"approval": {"role": "qa_approver", "meaning": "approved"}}],
            },
            {"name": "rest", "selector": {"all": True}},
        ),
    )
    await wait_for(fleet, rollout["id"], "awaiting_approval")
    from tests.world import overlay

    suzhou = overlay(site="suzhou", seal_temperature_c=175)
    (await fleet.propose(suzhou, user="ada")).ok()
    (await fleet.approve_overlay("suzhou", "pouch-sealing", 1)).ok()
    (
        await fleet.as_user(
            "quinn", APPROVE, {"id": rollout["id"], "w": "pilot", "s": signer("quinn")}
        )
    ).ok()
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}
    assert agent.state("suzhou")["deployments"] == 0


async def test_the_worker_dies_mid_rollout_and_a_new_one_finishes_without_double_deploys(
    fleet: World,
    agent: Agent,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    sessions: Sessions,
) -> None:
    for site in ("penang", "galway", "suzhou"):
        agent.faults(site, slow_seconds=0.4)
    from tests.world import overlay

    for site in ("galway", "suzhou"):
        document = overlay(site=site, seal_temperature_c=184)
        document["spec"].pop("extend")
        (await fleet.propose(document, user="ada")).ok()
        (await fleet.approve_overlay(site, "pouch-sealing", 1)).ok()
    async with httpx.AsyncClient() as http:
        resources = Resources(sessions, http, audit_key(settings), plant_key(settings))
        first = build_worker(temporal_env.client, settings, resources)
        runner = asyncio.create_task(first.run())
        rollout = await start(
            fleet, plan({"name": "all", "selector": {"all": True}, "maxParallel": 1})
        )
        await wait_until(fleet, rollout["id"], lambda r: states(r).get("galway") == "live")
        await first.shutdown()  # the worker process dies mid-rollout
        await runner
        assert "pending" in states(await status(fleet, rollout["id"])).values()
        async with build_worker(temporal_env.client, settings, resources):
            done = await wait_for(fleet, rollout["id"], "completed", within=90)
    assert set(states(done).values()) == {"live"}
    assert sorted(states(done)) == ["galway", "penang", "suzhou"]
    for site in ("galway", "penang", "suzhou"):
        assert agent.state(site)["deployments"] == 1, f"{site} deployed once"
    ledger = (await fleet.api.as_role(Role.EXECUTIVE, "{ ledger { site } }")).ok()["ledger"]
    assert sorted(e["site"] for e in ledger) == ["galway", "penang", "suzhou"]
