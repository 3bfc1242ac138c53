"""ProcessTransfer end to end through GraphQL, on the real Temporal dev server: a transfer
that qualifies, one that fails qualification, one blocked by a missing equipment class,
cancellation, and the people who may (not) take each step."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from coe.db import Sessions, read_only
from coe.models import AuditRecord, LedgerEntry
from coe_workflows.worker import WORKFLOWS
from tests.production.conftest import production_template, sender, unit
from tests.rollouts.conftest import KEY, Agent, plan, start, wait_for
from tests.world import PASSWORD, World

VERSION = "1.1.0"
TRANSFER = """id template version source target status reason tolerance minUnits
overlayVersion approvals qualification package startedBy"""
START = f"mutation($i: StartTransferInput!) {{ startTransfer(input: $i) {{ {TRANSFER} }} }}"


async def line(world: World, site: str, *classes: str) -> None:
    """A packaging area with one line of the given equipment classes."""
    area = 'mutation($s: String!) { addArea(site: $s, key: "pack", name: "Packaging") { key } }'
    center = (
        'mutation($s: String!, $c: [String!]) { addWorkCenter(site: $s, area: "pack", '
        'key: "line-1", name: "Line 1", equipmentClasses: $c) { key } }'
    )
    for document, variables in ((area, {}), (center, {"c": list(classes)})):
        (await world.as_user("ada", document, {"s": site, **variables})).ok()


async def produce(
    world: World, site: str, good: int, bad: int, tag: str, version: str = VERSION
) -> None:
    events = [
        unit(n, "right_first_time" if n < good else "reworked", site=site, version=version)
        | {"id": f"{site}-{tag}-{n}", "unit": f"{tag}-{n}", "occurredAt": _now()}
        for n in range(good + bad)
    ]
    status, body = await sender(world.api, site=site)(events)
    assert (status, body["accepted"], body["errors"]) == (200, good + bad, [])


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def source_running(fleet: World) -> None:
    """pouch-sealing 1.1.0 live at penang (the source), with a 96 % baseline over 500 units;
    cork (the target) has a heat sealer."""
    await fleet.publish(production_template(VERSION))
    rollout = await start(fleet, plan({"name": "penang", "sites": ["penang"]}, version=VERSION))
    await wait_for(fleet, rollout["id"], "completed")
    await line(fleet, "cork", "heat-sealer")
    await produce(fleet, "penang", good=480, bad=20, tag="baseline")


async def start_transfer(fleet: World, **terms: Any) -> dict[str, Any]:
    result = await fleet.as_user(
        "nina",
        START,
        {"i": {"template": KEY, "fromSite": "penang", "toSite": "cork", "minUnits": 100, **terms}},
    )
    transfer: dict[str, Any] = result.ok()["startTransfer"]
    return transfer


async def status(fleet: World, transfer_id: str) -> dict[str, Any]:
    result = await fleet.as_user(
        "nina", f"query($id: String!) {{ transfer(id: $id) {{ {TRANSFER} }} }}", {"id": transfer_id}
    )
    transfer: dict[str, Any] = result.ok()["transfer"]
    return transfer


async def wait_status(fleet: World, transfer_id: str, *wanted: str) -> dict[str, Any]:
    return await wait_until(fleet, transfer_id, lambda t: t["status"] in wanted)


async def wait_until(
    fleet: World, transfer_id: str, done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        transfer = await status(fleet, transfer_id)
        if done(transfer):
            return transfer
        assert asyncio.get_running_loop().time() < deadline, transfer
        await asyncio.sleep(0.2)


async def complete(fleet: World, transfer_id: str, user: str = "cara", **choices: Any) -> Any:
    return await fleet.as_user(
        user,
        "mutation($id: String!, $c: JSON) { completeTransferOverlay(id: $id, choices: $c) "
        "{ status overlayVersion } }",
        {"id": transfer_id, "c": choices},
    )


async def approve(fleet: World, transfer_id: str, side: str, user: str) -> Any:
    return await fleet.as_user(
        user,
        "mutation($id: String!, $side: String!, $s: SignerInput!) { approveTransfer(id: $id, "
        "side: $side, signature: $s) { status approvals } }",
        {
            "id": transfer_id,
            "side": side,
            "s": {"username": user, "password": PASSWORD, "reason": "transfer protocol reviewed"},
        },
    )


async def through_approval(fleet: World, transfer_id: str) -> None:
    (await complete(fleet, transfer_id, label_language="en")).ok()
    (await approve(fleet, transfer_id, "source", "quinn")).ok()
    (await approve(fleet, transfer_id, "target", "rui")).ok()


async def test_a_transfer_that_reaches_the_source_qualifies(
    fleet: World,
    agent: Agent,
    worker: Worker,
    sessions: Sessions,
    temporal_env: WorkflowEnvironment,
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, tolerance=0.05, window="1m")
    assert transfer["status"] == "awaiting_overlay"
    assert transfer["version"] == VERSION
    baseline = transfer["package"]["baseline"]["rightFirstTime"]
    assert (baseline["numerator"], baseline["denominator"]) == (480, 500)
    assert transfer["package"]["carried"] == {"seal_temperature_c": 186}
    assert [d["parameter"] for d in transfer["package"]["decisions"]] == ["label_language"]

    incomplete = await complete(fleet, transfer["id"])
    assert incomplete.codes == ["VALIDATION_FAILED"]
    assert incomplete.violations[0]["path"] == "/choices/label_language"
    (await complete(fleet, transfer["id"], label_language="en")).ok()

    await produce(fleet, "cork", good=0, bad=50, tag="trial")  # before it goes live: not counted
    same_person = await approve(fleet, transfer["id"], "source", "quinn")
    same_person.ok()
    again = await approve(fleet, transfer["id"], "target", "quinn")
    assert again.codes == ["FORBIDDEN"]
    assert "two different QA approvers" in again.messages[0]
    approved = (await approve(fleet, transfer["id"], "target", "rui")).ok()["approveTransfer"]
    assert set(approved["approvals"]) == {"source", "target"}
    assert approved["status"] == "deploying"  # the answer says where the last signature led

    qualifying = await wait_status(fleet, transfer["id"], "qualifying", "failed")
    assert qualifying["status"] == "qualifying", qualifying
    running = agent.state("cork")["templates"][KEY]["current"]
    assert running["version"] == VERSION
    async with read_only(sessions) as session:
        ledger = (await session.exec(select(LedgerEntry).where(LedgerEntry.site == "cork"))).all()
    assert [(d.version, d.rollout_id, d.transfer_id, d.status) for d in ledger] == [
        (VERSION, None, transfer["id"], "live")
    ]
    await produce(fleet, "cork", good=196, bad=4, tag="after")  # 98 % over 200 units
    done = await wait_status(fleet, transfer["id"], "qualified", "awaiting_decision")
    assert done["status"] == "qualified"
    assert done["reason"].startswith("qualified: target 98.0%")
    assert done["qualification"]["units"] == 200
    history = done["qualification"]["history"]  # what the chart draws: units only grow
    assert history[-1]["units"] == 200
    assert [point["units"] for point in history] == sorted({p["units"] for p in history})
    assert history[-1]["low"] <= history[-1]["value"] <= history[-1]["high"]
    async with read_only(sessions) as session:
        actions = (
            await session.exec(
                select(AuditRecord.action)
                .where(AuditRecord.entity_id == transfer["id"])
                .order_by(col(AuditRecord.seq))
            )
        ).all()
    assert actions == [
        "transfer.started",
        "transfer.overlay_completed",
        "transfer.approved_source",
        "transfer.approved_target",
        "transfer.deploying",
        "transfer.deployed",
        "transfer.qualified",
    ]
    history = await temporal_env.client.get_workflow_handle(
        f"transfer-{transfer['id']}"
    ).fetch_history()
    await Replayer(workflows=WORKFLOWS).replay_workflow(history)  # deterministic


async def test_a_transfer_below_the_source_waits_for_a_decision_and_fails(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, tolerance=0.02, window="2s")
    await through_approval(fleet, transfer["id"])
    await wait_status(fleet, transfer["id"], "qualifying")
    await produce(fleet, "cork", good=170, bad=30, tag="after")  # 85 %
    waiting = await wait_status(fleet, transfer["id"], "awaiting_decision")
    assert "the qualification window ended unqualified" in waiting["reason"]
    assert waiting["qualification"]["units"] == 200
    not_npi = await fleet.as_user(
        "ada",
        'mutation($id: String!) { failTransfer(id: $id, reason: "x") { status } }',
        {"id": transfer["id"]},
    )
    assert not_npi.codes == ["FORBIDDEN"]
    extended = await fleet.as_user(
        "nina",
        'mutation($id: String!) { extendTransferQualification(id: $id, window: "1s") '
        "{ status reason qualification } }",
        {"id": transfer["id"]},
    )
    answer = extended.ok()["extendTransferQualification"]
    assert answer["status"] == "qualifying"
    deadline = waiting["qualification"]["deadline"]
    # the answer carries the extended window's end, not the one that passed
    assert answer["qualification"]["deadline"] > deadline
    assert answer["reason"].startswith(
        f"qualification extended by 1s, until {answer['qualification']['deadline'][:19]}"
    )
    again = await wait_until(
        fleet,
        transfer["id"],
        lambda t: t["status"] == "awaiting_decision" and t["qualification"]["deadline"] != deadline,
    )
    assert again["qualification"]["units"] == 200
    failed = await fleet.as_user(
        "nina",
        'mutation($id: String!) { failTransfer(id: $id, reason: "seal jaws out of spec") '
        "{ status reason } }",
        {"id": transfer["id"]},
    )
    assert failed.ok()["failTransfer"]["status"] == "failed"
    assert "seal jaws out of spec" in failed.ok()["failTransfer"]["reason"]


async def test_a_missing_equipment_class_blocks_the_transfer(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    await source_running(fleet)
    await line(fleet, "galway", "blister-former")
    result = await fleet.as_user(
        "nina",
        START,
        {"i": {"template": KEY, "fromSite": "penang", "toSite": "galway"}},
    )
    assert result.codes == ["VALIDATION_FAILED"]
    assert result.violations == [
        {
            "path": "/spec/operations/1/equipmentClass",
            "reason": "galway has no work center or work unit of equipment class "
            "'heat-sealer', which operation op20-seal needs",
            "severity": "ERROR",
        }
    ]
    preview = await fleet.as_user(
        "nina",
        '{ transferPackage(template: "pouch-sealing", fromSite: "penang", '
        'toSite: "galway") { ready blockers { path } equipment { equipmentClass where } } }',
    )
    assert preview.ok()["transferPackage"] == {
        "ready": False,
        "blockers": [{"path": "/spec/operations/1/equipmentClass"}],
        "equipment": [{"equipmentClass": "heat-sealer", "where": []}],
    }
    async with read_only(sessions) as session:
        actions = (await session.exec(select(AuditRecord.action))).all()
    assert "transfer.started" not in actions


async def test_bad_requests_are_refused_and_change_nothing(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    await source_running(fleet)
    cases = [
        ({"toSite": "penang"}, "BAD_USER_INPUT", "the source and the target are the same"),
        ({"toSite": "atlantis"}, "NOT_FOUND", "atlantis"),
        ({"fromSite": "cork", "toSite": "galway"}, "CONFLICT", "cork does not run pouch-sealing"),
        ({"template": "nope"}, "NOT_FOUND", "template 'nope' is unknown"),
        ({"window": "soon"}, "BAD_USER_INPUT", "`window` must be a duration"),
    ]
    for change, code, message in cases:
        terms = {"template": KEY, "fromSite": "penang", "toSite": "cork", **change}
        result = await fleet.as_user("nina", START, {"i": terms})
        assert result.codes == [code], (change, result.messages)
        assert message in result.messages[0], (change, result.messages)
    architect = await fleet.as_user(
        "ada", START, {"i": {"template": KEY, "fromSite": "penang", "toSite": "cork"}}
    )
    assert architect.codes == ["FORBIDDEN"]
    transfers = await fleet.as_user("nina", "{ transfers { totalCount } }")
    assert transfers.ok()["transfers"]["totalCount"] == 0


async def test_a_transfer_can_be_cancelled_and_the_wrong_people_are_refused(
    fleet: World, agent: Agent, worker: Worker
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, window="1m")
    other_site = await complete(fleet, transfer["id"], user="sam", label_language="en")
    assert other_site.codes == ["FORBIDDEN"]
    (await complete(fleet, transfer["id"], label_language="de")).ok()
    wrong_site = await approve(fleet, transfer["id"], "source", "rui")  # rui: QA of cork only
    assert wrong_site.codes == ["FORBIDDEN"]
    cancelled = await fleet.as_user(
        "nina",
        'mutation($id: String!) { cancelTransfer(id: $id, reason: "product moved to 2027") '
        "{ status reason } }",
        {"id": transfer["id"]},
    )
    assert cancelled.ok()["cancelTransfer"] == {
        "status": "cancelled",
        "reason": "cancelled by nina: product moved to 2027",
    }
    late = await approve(fleet, transfer["id"], "source", "quinn")
    assert late.codes == ["CONFLICT"]
    assert agent.state("cork")["deployments"] == 0
