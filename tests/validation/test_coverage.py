"""Validated design-space coverage per site through the API: upgradeImpact and the rollout plan
check say, for each site using the version, "covered by validation" or "site verification
required" with what lies outside (a site inside and a site outside the validated ranges)."""

from __future__ import annotations

from typing import Any

import yaml

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions
from tests.validation.test_document import TEMPLATES
from tests.validation.test_execution import CASES, KEY, VERSION, Lab, lab
from tests.world import World

IMPACT = """query($k: String!, $v: String!) { upgradeImpact(template: $k, toVersion: $v) {
  coverage { site covered verdict reasons uncoveredSteps
             uncoveredParameters { parameter value validated } } } }"""
CHECK = """query($p: String!) { checkRolloutPlan(plan: $p) {
  ... on RolloutPlanCheck { environment coverage { site covered verdict } } } }"""


def overlay(site: str, **values: Any) -> dict[str, Any]:
    return {
        "apiVersion": "coe.dev/v1",
        "kind": "SiteOverlay",
        "metadata": {
            "site": site,
            "template": KEY,
            "templateVersions": ">=2.1.0 <3.0.0",
            "version": 1,
            "reason": "test overlay",
        },
        "spec": {"set": values},
    }


async def with_overlays(the: Lab) -> None:
    admins = {"cork": "cara", "penang": "sam"}
    for site, values in (
        ("cork", {"seal_temperature_c": 175, "dwell_time_s": 1.0}),  # inside every range
        ("penang", {"seal_temperature_c": 175, "label_language": "ms"}),  # a language untested
    ):
        (await the.world.propose(overlay(site, **values), user=admins[site])).ok()
        (await the.world.approve_overlay(site, KEY, 1)).ok()


async def coverage(world: World) -> dict[str, dict[str, Any]]:
    found = await world.api.as_role(Role.EXECUTIVE, IMPACT, {"k": KEY, "v": VERSION})
    return {row["site"]: row for row in found.ok()["upgradeImpact"]["coverage"]}


async def test_sites_inside_and_outside_the_validated_space_are_told_apart(
    world: World, sessions: Sessions, settings: Settings
) -> None:
    the = await lab(world, sessions, settings)
    await with_overlays(the)
    before = await coverage(world)
    assert {site: row["covered"] for site, row in before.items()} == {
        "cork": False,
        "penang": False,
    }, "nothing has passed yet: nothing is validated"
    (await the.checks()).ok()
    for case in CASES:
        (await the.result(case)).ok()
    after = await coverage(world)
    assert after["cork"]["covered"] is True
    assert after["cork"]["verdict"] == "covered by validation"
    assert after["cork"]["reasons"] == []
    penang = after["penang"]
    assert penang["covered"] is False
    assert penang["verdict"] == "site verification required"
    assert [(u["parameter"], u["value"]) for u in penang["uncoveredParameters"]] == [
        ("label_language", "ms")
    ]
    assert penang["uncoveredParameters"][0]["validated"] == "{de, en}"

    plan = {
        "apiVersion": "coe.dev/v1",
        "kind": "RolloutPlan",
        "metadata": {"template": KEY, "version": VERSION},
        "spec": {"waves": [{"name": "all", "sites": ["cork", "penang"]}]},
    }
    for site in ("cork", "penang"):
        await world.plant_at(site)
    checked = await world.api.as_role(Role.COE_ARCHITECT, CHECK, {"p": yaml.safe_dump(plan)})
    assert checked.ok()["checkRolloutPlan"]["coverage"] == [
        {"site": "cork", "covered": True, "verdict": "covered by validation"},
        {"site": "penang", "covered": False, "verdict": "site verification required"},
    ]


async def test_a_version_without_a_record_states_no_coverage(world: World) -> None:
    for version in ("2.0.0", VERSION):
        await world.publish(yaml.safe_load((TEMPLATES / f"{KEY}-{version}.yaml").read_text()))
    (await world.propose(overlay("penang", seal_temperature_c=175))).ok()
    (await world.approve_overlay("penang", KEY, 1)).ok()
    found = await coverage(world)
    assert found == {
        "penang": {
            "site": "penang",
            "covered": None,
            "verdict": f"{KEY}@{VERSION} has no validation record",
            "reasons": [],
            "uncoveredSteps": [],
            "uncoveredParameters": [],
        }
    }
