"""One reason rule for every step a person takes on a rollout: a reason longer than the audit
trail keeps (2,000 characters) is refused as BAD_USER_INPUT naming the argument, before
anything is written or the workflow is steered — by the API, and by the workflow's update
validators for a client that reaches Temporal directly. (Before, such a reason reached a record
activity whose database error was retried forever, and the request hung.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.db import Sessions
from coe.reasons import MAX_REASON
from coe.rollouts.contract import APPROVE, PAUSE, SKIP_SITE, ApprovalUpdate, ControlUpdate
from tests.helpers import audit_count
from tests.rollouts.conftest import Agent, plan, start, states, status, wait_for
from tests.world import PASSWORD, World

TOO_LONG = "x" * (MAX_REASON + 1)
APPROVE_GATE = (
    'mutation($id: String!, $s: SignerInput!) { approveRolloutGate(id: $id, wave: "pilot", '
    "signature: $s) { status } }"
)
STEPS: dict[str, tuple[str, str, str]] = {
    # step: (user, mutation, the argument the error names)
    "approve the gate": ("quinn", APPROVE_GATE, "signature.reason"),
    "pause": (
        "ada",
        "mutation($id: String!, $r: String) { pauseRollout(id: $id, reason: $r) { status } }",
        "reason",
    ),
    "abort": (
        "ada",
        "mutation($id: String!, $r: String) { abortRollout(id: $id, rollback: true, "
        "reason: $r) { status } }",
        "reason",
    ),
    "retry": (
        "ada",
        "mutation($id: String!, $r: String) { retryRollout(id: $id, reason: $r) { status } }",
        "reason",
    ),
    "skip a site": (
        "ada",
        'mutation($id: String!, $r: String!) { skipRolloutSite(id: $id, site: "penang", '
        "reason: $r) { status } }",
        "reason",
    ),
}


def _variables(rollout_id: str, reason: str) -> dict[str, Any]:
    signature = {"username": "quinn", "password": PASSWORD, "reason": reason}
    return {"id": rollout_id, "r": reason, "s": signature}


async def test_an_overlong_reason_is_refused_at_every_step_and_nothing_is_written(
    fleet: World,
    agent: Agent,
    worker: Worker,
    sessions: Sessions,
    temporal_env: WorkflowEnvironment,
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
    await wait_for(fleet, rollout["id"], "awaiting_approval")
    before = await audit_count(sessions)
    for step, (user, mutation, argument) in STEPS.items():
        variables = _variables(rollout["id"], TOO_LONG)
        if "$s" not in mutation:
            variables.pop("s")
        if "$r" not in mutation:
            variables.pop("r")
        result = await fleet.as_user(user, mutation, variables)
        assert result.codes == ["BAD_USER_INPUT"], (step, result.messages)
        message = result.messages[0]
        assert message.startswith(f"{argument}: at most {MAX_REASON} characters"), (step, message)
        assert result.problems[0]["details"]["argument"] == argument, step
    assert await audit_count(sessions) == before, "nothing is written"
    unchanged = await status(fleet, rollout["id"])
    assert unchanged["status"] == "awaiting_approval", "the workflow was not steered"
    assert states(unchanged) == {"cork": "live", "penang": "pending"}

    handle = temporal_env.client.get_workflow_handle(f"rollout-{rollout['id']}")
    direct: list[tuple[str, Any]] = [
        (PAUSE, ControlUpdate(actor="ada", roles=["coe_architect"], reason=TOO_LONG)),
        (SKIP_SITE, ControlUpdate(actor="ada", roles=["coe_architect"], site="penang")),
        (
            APPROVE,
            ApprovalUpdate(
                wave="pilot",
                signer_id="quinn",
                printed_name="Quinn Murphy",
                roles=["qa_approver"],
                sites=[],
                reason=TOO_LONG,
                signed_at=datetime.now(UTC).isoformat(),
            ),
        ),
    ]
    for name, update in direct:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(name, update)
        assert getattr(refused.value.cause, "type", None) == "BAD_USER_INPUT", name
        assert "reason: " in str(refused.value.cause), name
    assert await audit_count(sessions) == before

    longest = "y" * MAX_REASON  # the limit itself passes, and is kept whole
    approved = await fleet.as_user("quinn", APPROVE_GATE, _variables(rollout["id"], longest))
    approved.ok()
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}
