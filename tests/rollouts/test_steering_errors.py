"""Steering a rollout or a transfer that has finished is refused in the product's words — the
object, its final state and what could not be done, with the code CONFLICT — never in
Temporal's ("workflow execution already completed")."""

from __future__ import annotations

from typing import Any

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.rollouts.service import workflow_id as rollout_workflow
from coe.transfers.service import workflow_id as transfer_workflow
from tests.helpers import Result
from tests.rollouts.conftest import Agent, plan, start, wait_for
from tests.transfers.test_transfers import source_running, start_transfer
from tests.world import PASSWORD, World

CONTROLS = {
    "approve": (
        "mutation($id: String!, $s: SignerInput!) { approveRolloutGate(id: $id, wave: "
        '"pilot", signature: $s) { status } }'
    ),
    "pause": 'mutation($id: String!) { pauseRollout(id: $id, reason: "hold") { status } }',
    "resume": 'mutation($id: String!) { resumeRollout(id: $id, reason: "go") { status } }',
    "retry": 'mutation($id: String!) { retryRollout(id: $id, reason: "again") { status } }',
    "abort": (
        'mutation($id: String!) { abortRollout(id: $id, rollback: true, reason: "stop") '
        "{ status } }"
    ),
    "skip": (
        'mutation($id: String!) { skipRolloutSite(id: $id, site: "cork", reason: "later") '
        "{ status } }"
    ),
}
STEPS = {
    "extend": (
        'mutation($id: String!) { extendTransferQualification(id: $id, window: "1h", '
        'reason: "more units") { status } }'
    ),
    "fail": 'mutation($id: String!) { failTransfer(id: $id, reason: "no") { status } }',
    "cancel": 'mutation($id: String!) { cancelTransfer(id: $id, reason: "no") { status } }',
}


def refusal(result: Result) -> tuple[list[str], str]:
    return result.codes, result.messages[0] if result.messages else ""


async def ended(temporal: WorkflowEnvironment, workflow_id: str) -> str:
    """Wait for the workflow itself to end (its mirror says so a moment before)."""
    return str(await temporal.client.get_workflow_handle(workflow_id).result())


async def test_steering_a_finished_rollout_names_the_rollout_and_its_state(
    fleet: World, agent: Agent, worker: Worker, temporal_env: WorkflowEnvironment
) -> None:
    rollout = await start(fleet, plan({"name": "pilot", "sites": ["cork"]}))
    await wait_for(fleet, rollout["id"], "completed")
    assert await ended(temporal_env, rollout_workflow(rollout["id"])) == "completed"
    signature = {"username": "quinn", "password": PASSWORD, "reason": "pilot reviewed"}
    for verb, mutation in CONTROLS.items():
        variables: dict[str, Any] = {"id": rollout["id"]}
        user = "quinn" if verb == "approve" else "ada"
        if verb == "approve":
            variables["s"] = signature
        codes, message = refusal(await fleet.as_user(user, mutation, variables))
        assert codes == ["CONFLICT"], (verb, message)
        assert message == (
            f"rollout {rollout['id']} has finished (completed); nothing to {verb}"
        ), verb
        assert "workflow execution" not in message


async def test_steering_a_finished_transfer_names_the_transfer_and_its_state(
    fleet: World, agent: Agent, worker: Worker, temporal_env: WorkflowEnvironment
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, window="1m")
    (await fleet.as_user("nina", STEPS["cancel"], {"id": transfer["id"]})).ok()
    assert await ended(temporal_env, transfer_workflow(transfer["id"])) == "cancelled"
    for verb, mutation in STEPS.items():
        codes, message = refusal(await fleet.as_user("nina", mutation, {"id": transfer["id"]}))
        assert codes == ["CONFLICT"], (verb, message)
        assert message == (
            f"transfer {transfer['id']} has finished (cancelled); nothing to {verb}"
        ), verb
