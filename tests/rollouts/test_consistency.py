"""PostgreSQL and Temporal agree: a rollout's workflow starts only after its rows are
committed; an approval's wave is taken at once (a concurrent second approval is refused);
every accepted step is recorded before the workflow ends; a signature is timed when its
signer re-authenticated. Faults are PostgreSQL's own (tests/consistency.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.db import Sessions, read_only
from coe.models import AuditRecord, Signature
from tests.consistency import attempts, failing_inserts, first_failure, slow_commits
from tests.rollouts.conftest import Agent, plan, start, states, wait_for
from tests.rollouts.test_faults import APPROVE, signer
from tests.world import World

GATED = {
    "name": "pilot",
    "sites": ["cork"],
    "gates": [{"approval": {"role": "qa_approver", "meaning": "approved"}}],
}


async def gate_signatures(sessions: Sessions, rollout_id: str) -> list[Signature]:
    async with read_only(sessions) as session:
        statement = select(Signature).where(Signature.entity_id == f"{rollout_id}/pilot")
        return list((await session.exec(statement)).all())


async def test_a_slow_commit_does_not_fail_the_rollouts_workflow(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    """The workflow's first activity mirrors the rollout row: started before the row is
    committed, it found nothing and the workflow failed; now the commit comes first."""
    await slow_commits(sessions, "rollout", seconds=2)
    rollout = await start(fleet, plan({"name": "all", "sites": ["cork"]}))
    done = await wait_for(fleet, rollout["id"], "completed", "failed", within=30)
    assert done["status"] == "completed", done
    assert states(done) == {"cork": "live"}


async def test_two_concurrent_approvals_of_a_wave_store_one_signature(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    """Storing the first signature is slow (it fails twice first): the approval used to wait
    for it before taking the wave, so the second approval's validator let it through too."""
    rollout = await start(fleet, plan(GATED, {"name": "rest", "sites": ["penang"]}))
    await wait_for(fleet, rollout["id"], "awaiting_approval")
    await failing_inserts(
        sessions,
        "slow_signature",
        "signature",
        "NEW.entity_type = 'rollout_gate'",
        times=2,
        at_commit=False,
    )
    variables = {"id": rollout["id"], "w": "pilot"}
    results = await asyncio.gather(
        fleet.as_user("quinn", APPROVE, {**variables, "s": signer("quinn")}),
        fleet.as_user("rui", APPROVE, {**variables, "s": signer("rui")}),
    )
    assert sorted(str(result.codes) for result in results) == ["['CONFLICT']", "[]"], [
        result.messages for result in results
    ]
    refused = next(result for result in results if result.codes)
    assert "already approved by" in refused.messages[0]
    await wait_for(fleet, rollout["id"], "completed")
    stored = await gate_signatures(sessions, rollout["id"])
    assert len(stored) == 1, [(s.signer_id, s.signed_at) for s in stored]
    async with read_only(sessions) as session:
        audited = (
            await session.exec(
                select(AuditRecord.actor).where(
                    AuditRecord.entity_id == f"{rollout['id']}/pilot",
                    AuditRecord.action == "signature.approved",
                )
            )
        ).all()
    assert audited == [stored[0].signer_id]


async def test_an_abort_is_audited_before_the_workflow_ends(
    fleet: World,
    agent: Agent,
    worker: Worker,
    sessions: Sessions,
    temporal_env: WorkflowEnvironment,
) -> None:
    """The abort's audit record fails twice (a transient fault): the workflow used to end
    without waiting for it, and the record was lost."""
    rollout = await start(fleet, plan(GATED))
    await wait_for(fleet, rollout["id"], "awaiting_approval")
    await failing_inserts(
        sessions,
        "abort_audit",
        "audit_record",
        "NEW.action = 'rollout.aborted'",
        times=2,
        at_commit=False,
    )
    aborted = await fleet.as_user(
        "ada",
        'mutation($id: String!) { abortRollout(id: $id, reason: "line stopped") { id } }',
        {"id": rollout["id"]},
    )
    aborted.ok()
    handle = temporal_env.client.get_workflow_handle(f"rollout-{rollout['id']}")
    assert await asyncio.wait_for(handle.result(), timeout=60) == "aborted"
    assert await attempts(sessions, "abort_audit") == 3, "refused twice, then written"
    async with read_only(sessions) as session:
        records = (
            await session.exec(
                select(AuditRecord).where(
                    AuditRecord.entity_id == rollout["id"], AuditRecord.action == "rollout.aborted"
                )
            )
        ).all()
    assert [(r.actor, r.reason) for r in records] == [("ada", "line stopped")]


async def test_a_signature_is_timed_at_the_re_authentication(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    """Storing the signature fails twice first; its time is still when the signer gave
    their password at the API — before the worker ever tried to store it — not when the
    worker finally did."""
    rollout = await start(fleet, plan(GATED))
    await wait_for(fleet, rollout["id"], "awaiting_approval")
    await failing_inserts(
        sessions,
        "gate_signature",
        "signature",
        "NEW.entity_type = 'rollout_gate'",
        2,
        at_commit=False,
    )
    approved = await fleet.as_user(
        "quinn", APPROVE, {"id": rollout["id"], "w": "pilot", "s": signer("quinn")}
    )
    approved.ok()
    await wait_for(fleet, rollout["id"], "completed")
    [signature] = await gate_signatures(sessions, rollout["id"])
    tried = await first_failure(sessions, "gate_signature")
    signed_at: datetime = signature.signed_at
    assert signed_at < tried, (signed_at, tried)
