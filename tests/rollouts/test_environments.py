"""Rollouts per environment: a plan names whose plant instances it deploys to; each
environment keeps its own ledger; the same definition (by sha256) reaches validation first
and production after."""

from __future__ import annotations

from typing import Any

import yaml
from temporalio.worker import Worker

from coe.auth.principal import Role
from coe.rollouts.plan import instance_violations, parse_plan, plan_violations
from tests.rollouts.conftest import KEY, Agent, plan, start, states, wait_for
from tests.world import World

CHECK = "query($p: String!) { checkRolloutPlan(plan: $p) { environment waves { name sites } } }"
LEDGER = """query($e: String!) { ledger(environment: $e) { site environment version sha256
rolloutId status } }"""


def in_environment(environment: str, *waves: dict[str, Any]) -> str:
    document = yaml.safe_load(plan(*waves))
    document["spec"]["environment"] = environment
    return yaml.safe_dump(document)


async def set_instance(world: World, site: str, endpoint: str) -> None:
    (
        await world.api.as_role(
            Role.COE_ARCHITECT,
            "mutation($s: String!, $e: String!) { setPlantInstance(site: $s, "
            'environment: "validation", endpoint: $e, reason: "validation agent") '
            "{ ... on Site { key } } }",
            {"s": site, "e": endpoint},
        )
    ).ok()


async def ledger(world: World, environment: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = (
        await world.api.as_role(Role.EXECUTIVE, LEDGER, {"e": environment})
    ).ok()["ledger"]
    return entries


def test_the_environment_is_optional_and_production_by_default() -> None:
    document = yaml.safe_load(plan({"name": "all", "selector": {"all": True}}))
    assert plan_violations(document) == []
    assert parse_plan(document).spec.environment == "production"
    document["spec"]["environment"] = "Not A Key"
    assert [v.pointer for v in plan_violations(document)] == ["/spec/environment"]


def test_sites_named_without_an_instance_in_the_environment_are_each_named() -> None:
    document = yaml.safe_load(
        in_environment("validation", {"name": "one", "sites": ["cork", "galway", "penang"]})
    )
    found = instance_violations(parse_plan(document), {"cork"})
    assert [(v.pointer, v.reason) for v in found] == [
        (
            "/spec/waves/0/sites/1",
            "site 'galway' has no plant instance in validation (coe site instance set)",
        ),
        (
            "/spec/waves/0/sites/2",
            "site 'penang' has no plant instance in validation (coe site instance set)",
        ),
    ]


async def test_a_plan_for_an_unknown_environment_or_a_site_without_an_instance_is_refused(
    fleet: World, validation_agent: Agent
) -> None:
    await set_instance(fleet, "penang", validation_agent.endpoint("penang"))
    unknown = await fleet.api.as_role(
        Role.COE_ARCHITECT,
        CHECK,
        {"p": in_environment("staging", {"name": "one", "sites": ["penang"]})},
    )
    assert unknown.codes == ["VALIDATION_FAILED"]
    assert [(v["path"], v["reason"]) for v in unknown.violations] == [
        (
            "/spec/environment",
            "'staging' is not an environment of the enterprise (validation, production)",
        )
    ]
    missing = await fleet.api.as_role(
        Role.COE_ARCHITECT,
        "mutation($p: String!) { startRollout(plan: $p) { id } }",
        {"p": in_environment("validation", {"name": "one", "sites": ["penang", "galway"]})},
    )
    assert missing.codes == ["VALIDATION_FAILED"]
    assert [v["path"] for v in missing.violations] == ["/spec/waves/0/sites/1"]
    rollouts = await fleet.api.as_role(Role.EXECUTIVE, "{ rollouts { totalCount } }")
    assert rollouts.ok()["rollouts"]["totalCount"] == 0, "a refused start writes nothing"
    # a selector picks only the template's sites that have an instance there
    await set_instance(fleet, "cork", validation_agent.endpoint("cork"))
    checked = await fleet.api.as_role(
        Role.COE_ARCHITECT,
        CHECK,
        {"p": in_environment("validation", {"name": "all", "selector": {"all": True}})},
    )
    assert checked.ok()["checkRolloutPlan"] == {
        "environment": "validation",
        "waves": [{"name": "all", "sites": ["penang"]}],
    }


async def test_validation_first_then_production_deploys_the_same_bytes_to_each_instance(
    fleet: World, agent: Agent, validation_agent: Agent, worker: Worker
) -> None:
    for site in ("cork", "penang"):
        await set_instance(fleet, site, validation_agent.endpoint(site))
    waves = ({"name": "pilot", "sites": ["cork"]}, {"name": "rest", "sites": ["penang"]})
    validated = await start(fleet, in_environment("validation", *waves))
    done = await wait_for(fleet, validated["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}
    in_validation = await ledger(fleet, "validation")
    assert {(e["site"], e["environment"], e["rolloutId"]) for e in in_validation} == {
        ("cork", "validation", validated["id"]),
        ("penang", "validation", validated["id"]),
    }
    assert await ledger(fleet, "production") == [], "production is untouched"
    for entry in in_validation:
        running = validation_agent.state(entry["site"])
        assert running["templates"][KEY]["current"]["sha256"] == entry["sha256"]
        assert agent.state(entry["site"])["deployments"] == 0

    promoted = await start(fleet, plan(*waves))
    assert (await wait_for(fleet, promoted["id"], "completed"))["status"] == "completed"
    in_production = await ledger(fleet, "production")
    assert {e["site"]: e["sha256"] for e in in_production} == {
        e["site"]: e["sha256"] for e in in_validation
    }, "production runs the exact bytes validation verified"
    assert await ledger(fleet, "validation") == in_validation, "validation's ledger stays"
    rollouts = (
        await fleet.api.as_role(Role.EXECUTIVE, "{ rollouts { nodes { id environment } } }")
    ).ok()["rollouts"]["nodes"]
    assert {(r["id"], r["environment"]) for r in rollouts} == {
        (validated["id"], "validation"),
        (promoted["id"], "production"),
    }
