"""Rollouts end to end on the real Temporal dev server against real plant agents."""

from __future__ import annotations

from temporalio.worker import Worker

from coe.auth.principal import Role
from tests.rollouts.conftest import Agent, plan, start, states, wait_for
from tests.world import World


async def test_a_rollout_reaches_every_plant_and_the_ledger_agrees(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    rollout = await start(
        fleet,
        plan(
            {"name": "pilot", "sites": ["cork"]},
            {"name": "rest", "selector": {"all": True}, "maxParallel": 2},
        ),
    )
    assert [w["name"] for w in rollout["waves"]] == ["pilot", "rest"]
    assert [s["site"] for s in rollout["waves"][1]["sites"]] == ["penang"], (
        "selectors take the sites that use the template"
    )
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}
    ledger = (
        await fleet.api.as_role(
            Role.EXECUTIVE, "{ ledger { site template version sha256 rolloutId status } }"
        )
    ).ok()["ledger"]
    assert {(e["site"], e["rolloutId"]) for e in ledger} == {
        ("cork", rollout["id"]),
        ("penang", rollout["id"]),
    }
    for entry in ledger:
        running = agent.state(entry["site"])["templates"]["pouch-sealing"]["current"]
        assert running["sha256"] == entry["sha256"], "plant and ledger agree"
        assert agent.state(entry["site"])["deployments"] == 1
    penang = next(e for e in ledger if e["site"] == "penang")
    cork = next(e for e in ledger if e["site"] == "cork")
    assert penang["sha256"] != cork["sha256"], "penang's overlay makes its definition differ"
