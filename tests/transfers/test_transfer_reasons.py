"""The one reason rule on a transfer's steps: approve, extend, fail and cancel with a reason
longer than the audit trail keeps are refused as BAD_USER_INPUT naming the argument, nothing
written, the workflow not steered; its validators hold the same rule."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.db import Sessions
from coe.reasons import MAX_REASON
from coe.transfers.contract import CANCEL, FAIL, TransferStep
from tests.helpers import audit_count
from tests.rollouts.conftest import Agent
from tests.transfers.test_transfers import (
    complete,
    source_running,
    start_transfer,
    status,
    wait_status,
)
from tests.world import PASSWORD, World

TOO_LONG = "x" * (MAX_REASON + 1)
STEPS = {
    "extend": "mutation($id: String!, $r: String) { extendTransferQualification(id: $id, "
    'window: "1d", reason: $r) { status } }',
    "fail": "mutation($id: String!, $r: String!) { failTransfer(id: $id, reason: $r) { status } }",
    "cancel": "mutation($id: String!, $r: String!) { cancelTransfer(id: $id, reason: $r) "
    "{ status } }",
}
APPROVE = (
    'mutation($id: String!, $s: SignerInput!) { approveTransfer(id: $id, side: "source", '
    "signature: $s) { status } }"
)


async def test_an_overlong_reason_is_refused_at_every_step_of_a_transfer(
    fleet: World,
    agent: Agent,
    worker: Worker,
    sessions: Sessions,
    temporal_env: WorkflowEnvironment,
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, window="1m")
    (await complete(fleet, transfer["id"], label_language="en")).ok()
    await wait_status(fleet, transfer["id"], "awaiting_approval")
    before = await audit_count(sessions)
    for name, mutation in STEPS.items():
        result = await fleet.as_user("nina", mutation, {"id": transfer["id"], "r": TOO_LONG})
        assert result.codes == ["BAD_USER_INPUT"], (name, result.messages)
        message = result.messages[0]
        assert message.startswith(f"reason: at most {MAX_REASON} characters"), (name, message)
    signature = {"username": "quinn", "password": PASSWORD, "reason": TOO_LONG}
    approval = await fleet.as_user("quinn", APPROVE, {"id": transfer["id"], "s": signature})
    assert approval.codes == ["BAD_USER_INPUT"], approval.messages
    assert approval.problems[0]["details"]["argument"] == "signature.reason"
    assert await audit_count(sessions) == before, "nothing is written"
    unchanged = await status(fleet, transfer["id"])
    assert (unchanged["status"], unchanged["approvals"]) == ("awaiting_approval", {})

    handle = temporal_env.client.get_workflow_handle(f"transfer-{transfer['id']}")
    for name in (CANCEL, FAIL):
        step = TransferStep(actor="nina", roles=["npi_engineer"], sites=[], reason=TOO_LONG)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(name, step)
        assert getattr(refused.value.cause, "type", None) == "BAD_USER_INPUT", name
    assert (await status(fleet, transfer["id"]))["status"] == "awaiting_approval"
    assert await audit_count(sessions) == before
