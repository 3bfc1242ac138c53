"""A transfer's deployment is the transfer's own: no stand-in row in the rollouts table (so
`rollouts` does not list it, and a rollout of the same template to other sites is not refused
while it deploys), the ledger names the transfer as its origin, and the one rule "one
deployment of a template at a time per site" still holds the transfer's target."""

from __future__ import annotations

from sqlmodel import col, select
from temporalio.worker import Worker

from coe.auth.principal import Role
from coe.db import Sessions, read_only
from coe.models import Rollout, RolloutSite
from tests.rollouts.conftest import KEY, Agent, plan, start, wait_for
from tests.transfers.test_transfers import (
    VERSION,
    source_running,
    start_transfer,
    status,
    through_approval,
    wait_status,
)
from tests.world import World

START_ROLLOUT = "mutation($p: String!) { startRollout(plan: $p) { id } }"


async def test_a_transfer_deploys_as_itself_not_as_a_rollout(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, window="1m")
    agent.faults("cork", slow_seconds=1.2)  # cork's plant is slow: the deployment takes a while
    await through_approval(fleet, transfer["id"])
    await wait_status(fleet, transfer["id"], "deploying")

    held = await fleet.as_user(
        "ada", START_ROLLOUT, {"p": plan({"name": "cork", "sites": ["cork"]}, version=VERSION)}
    )
    assert held.codes == ["CONFLICT"], held.messages
    assert (
        f"a transfer is deploying {KEY} to cork (transfer {transfer['id']})" in (held.messages[0])
    )

    elsewhere = await start(fleet, plan({"name": "galway", "sites": ["galway"]}, version=VERSION))
    assert (await status(fleet, transfer["id"]))["status"] == "deploying", "started meanwhile"

    qualifying = await wait_status(fleet, transfer["id"], "qualifying", "failed")
    assert qualifying["status"] == "qualifying", qualifying
    await wait_for(fleet, elsewhere["id"], "completed")
    listed = await fleet.api.as_role(
        Role.EXECUTIVE,
        "query($t: String) { rollouts(template: $t, first: 50) { nodes { id } } }",
        {"t": KEY},
    )
    ids = [node["id"] for node in listed.ok()["rollouts"]["nodes"]]
    assert elsewhere["id"] in ids
    assert transfer["id"] not in ids, "a transfer is not listed as a rollout"
    as_rollout = await fleet.api.as_role(
        Role.EXECUTIVE, "query($id: String!) { rollout(id: $id) { id } }", {"id": transfer["id"]}
    )
    assert as_rollout.codes == ["NOT_FOUND"]

    ledger = await fleet.api.as_role(
        Role.EXECUTIVE,
        '{ ledger(site: "cork") { version status rolloutId transferId deployedBy } }',
    )
    assert ledger.ok()["ledger"] == [
        {
            "version": VERSION,
            "status": "live",
            "rolloutId": None,
            "transferId": transfer["id"],
            "deployedBy": transfer["startedBy"],
        }
    ]
    async with read_only(sessions) as session:
        stand_ins = (await session.exec(select(Rollout).where(Rollout.id == transfer["id"]))).all()
        site_rows = (
            await session.exec(
                select(RolloutSite).where(col(RolloutSite.rollout_id) == transfer["id"])
            )
        ).all()
    assert (stand_ins, site_rows) == ([], [])
