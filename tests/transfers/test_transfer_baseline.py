"""The transfer baseline is a choice (version, window), its default is a version with enough
units, and a baseline too small to compare against is said — in the package, at the start,
and kept with the transfer. A version the source never ran, or an empty window, is refused."""

from __future__ import annotations

from typing import Any

from temporalio.worker import Worker

from tests.production.conftest import production_template
from tests.rollouts.conftest import KEY, Agent, plan, start, wait_for
from tests.transfers.test_transfers import START, VERSION, produce, source_running
from tests.world import World

NEW = "1.2.0"
PACKAGE = (
    """version warnings baseline { version from to rightFirstTime { numerator denominator } }"""
)
QUERY = (
    "query($v: String, $w: String, $from: Date, $tol: Float!, $min: Int!) { transferPackage("
    'template: "pouch-sealing", fromSite: "penang", toSite: "cork", baselineVersion: $v, '
    f"baselineWindow: $w, from: $from, tolerance: $tol, minUnits: $min) {{ {PACKAGE} }} }}"
)


async def upgraded_minutes_ago(fleet: World) -> None:
    """penang made 500 units of 1.1.0, then moved to 1.2.0 and has made 3 units of it."""
    await source_running(fleet)
    await fleet.publish(production_template(NEW))
    rollout = await start(fleet, plan({"name": "penang", "sites": ["penang"]}, version=NEW))
    await wait_for(fleet, rollout["id"], "completed")
    await produce(fleet, "penang", good=3, bad=0, tag="new", version=NEW)


async def preview(fleet: World, **chosen: Any) -> Any:
    terms = {"v": None, "w": None, "from": None, "tol": 0.05, "min": 100, **chosen}
    return await fleet.as_user("nina", QUERY, terms)


async def test_the_default_baseline_is_a_version_with_enough_units_and_says_so(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    await upgraded_minutes_ago(fleet)
    found = (await preview(fleet)).ok()["transferPackage"]
    assert found["version"] == NEW  # what is transferred: what penang runs now
    assert found["baseline"]["version"] == VERSION  # what it is measured against
    assert found["baseline"]["rightFirstTime"] == {"numerator": 480, "denominator": 500}
    assert len(found["warnings"]) == 1
    assert found["warnings"][0].startswith(
        f"the baseline is penang's 500 units of pouch-sealing@{VERSION} from "
    )
    assert f"not of {NEW} (which penang runs now and which is transferred)" in found["warnings"][0]
    assert f"{NEW} has 3 units there, fewer than the 122 a comparison" in found["warnings"][0]


async def test_a_baseline_too_small_to_mean_anything_is_warned_about_and_kept(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    await upgraded_minutes_ago(fleet)
    small = (await preview(fleet, v=NEW)).ok()["transferPackage"]
    assert small["baseline"]["rightFirstTime"] == {"numerator": 3, "denominator": 3}
    assert len(small["warnings"]) == 1
    assert small["warnings"][0].startswith(
        f"the baseline has only 3 units of pouch-sealing@{NEW} at penang from "
    )
    assert "(right-first-time 100.0% [43.8%, 100.0%])" in small["warnings"][0]
    assert "a comparison at the 5.0% tolerance needs about 122" in small["warnings"][0]

    result = await fleet.as_user(
        "nina",
        START.replace("package", "package warnings"),
        {
            "i": {
                "template": KEY,
                "fromSite": "penang",
                "toSite": "cork",
                "tolerance": 0.05,
                "minUnits": 100,
                "baselineVersion": NEW,
            }
        },
    )
    transfer = result.ok()["startTransfer"]
    assert transfer["warnings"] == small["warnings"]
    assert transfer["package"]["baseline"]["version"] == NEW
    kept = await fleet.as_user(
        "nina",
        "query($id: String!) { transfer(id: $id) { warnings } }",
        {"id": transfer["id"]},
    )
    assert kept.ok()["transfer"]["warnings"] == small["warnings"]


async def test_a_version_never_run_or_an_empty_window_is_refused_and_nothing_starts(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    await upgraded_minutes_ago(fleet)
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"v": "9.9.9"},
            "BAD_USER_INPUT",
            f"penang never ran pouch-sealing@9.9.9, so it cannot be the baseline "
            f"(versions penang ran: {VERSION}, {NEW})",
        ),
        (
            {"w": "2020-01-01..2020-02-01"},
            "VALIDATION_FAILED",
            f"penang made no units of pouch-sealing@{NEW} from 2020-01-01 to 2020-01-31 "
            f"(its units of {NEW} run from ",
        ),
        ({"w": "2020-02-01..2020-01-01"}, "BAD_USER_INPUT", "is empty: FROM must be before TO"),
        ({"w": "0d"}, "BAD_USER_INPUT", "is empty: give at least one day"),
        ({"w": "30d", "from": "2026-01-01"}, "BAD_USER_INPUT", "either as `baselineWindow`"),
    ]
    for chosen, code, message in cases:
        found = await preview(fleet, **chosen)
        assert found.codes == [code], (chosen, found.messages)
        assert message in found.messages[0], (chosen, found.messages)
        names = {"v": "baselineVersion", "w": "baselineWindow", "from": "baselineFrom"}
        terms = {names[k]: v for k, v in chosen.items()}
        started = await fleet.as_user(
            "nina",
            START,
            {"i": {"template": KEY, "fromSite": "penang", "toSite": "cork", **terms}},
        )
        assert started.codes == [code], (chosen, started.messages)
        assert message in started.messages[0], (chosen, started.messages)
    transfers = await fleet.as_user("nina", "{ transfers { totalCount } }")
    assert transfers.ok()["transfers"]["totalCount"] == 0
