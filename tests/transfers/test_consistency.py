"""A transfer approval and its e-signature agree, whatever PostgreSQL does meanwhile: the API
used to write the signature and audit record, steer the workflow, and only then commit — so
a failed commit left the workflow approved on a signature that does not exist. Now the
workflow, once it accepts the approval, stores the signature itself (retrying a transient
fault), and the API's own transaction commits before the workflow is steered."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.db import Sessions, read_only
from coe.models import AuditRecord, Signature
from coe.transfers.contract import PROGRESS, TransferProgress
from tests.consistency import attempts, failing_inserts
from tests.rollouts.conftest import Agent
from tests.transfers.test_transfers import approve, complete, source_running, start_transfer
from tests.world import World


async def stored(sessions: Sessions, entity_id: str) -> list[Signature]:
    async with read_only(sessions) as session:
        statement = select(Signature).where(Signature.entity_id == entity_id)
        return list((await session.exec(statement)).all())


async def eventually_stored(sessions: Sessions, entity_id: str) -> list[Signature]:
    deadline = asyncio.get_running_loop().time() + 30
    while not (found := await stored(sessions, entity_id)):
        if asyncio.get_running_loop().time() > deadline:
            return []
        await asyncio.sleep(0.2)
    return found


async def test_an_approval_and_its_signature_agree_when_the_commit_fails(
    fleet: World,
    agent: Agent,
    worker: Worker,
    sessions: Sessions,
    temporal_env: WorkflowEnvironment,
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, window="1m")
    (await complete(fleet, transfer["id"], label_language="en")).ok()
    await failing_inserts(
        sessions,
        "transfer_signature",
        "signature",
        "NEW.entity_type = 'transfer'",
        times=2,
        at_commit=True,
    )
    result = await approve(fleet, transfer["id"], "source", "quinn")
    handle = temporal_env.client.get_workflow_handle(f"transfer-{transfer['id']}")
    progress = await handle.query(PROGRESS, result_type=TransferProgress)
    entity = f"{transfer['id']}/source"
    if result.codes:  # the approval failed: then the workflow must not count it
        assert "source" not in progress.approvals, (result.errors, progress)
        assert await stored(sessions, entity) == []
        return
    approval: dict[str, Any] = progress.approvals["source"]
    assert approval["signer"] == "quinn"
    found = await eventually_stored(sessions, entity)
    assert len(found) == 1, "the workflow counts an approval whose signature is not stored"
    signature = found[0]
    assert await attempts(sessions, "transfer_signature") >= 3, "refused twice, then stored"
    assert signature.id == uuid.UUID(approval["signatureId"])
    assert (signature.signer_id, signature.reason) == ("quinn", "transfer protocol reviewed")
    async with read_only(sessions) as session:
        audited = (
            await session.exec(
                select(AuditRecord.signature_id).where(
                    AuditRecord.entity_id == entity, AuditRecord.action == "signature.approved"
                )
            )
        ).all()
    assert audited == [signature.id]


async def test_the_targets_signature_approves_its_overlay_through_the_workflow(
    fleet: World, agent: Agent, worker: Worker, sessions: Sessions
) -> None:
    """The target's approval still makes the target's proposed overlay revision effective,
    with its own signature, before the transfer deploys."""
    await source_running(fleet)
    transfer = await start_transfer(fleet, window="1m")
    completed = (await complete(fleet, transfer["id"], label_language="en")).ok()
    revision = completed["completeTransferOverlay"]["overlayVersion"]
    (await approve(fleet, transfer["id"], "source", "quinn")).ok()
    (await approve(fleet, transfer["id"], "target", "rui")).ok()
    [overlay_signature] = await eventually_stored(sessions, f"cork/pouch-sealing#{revision}")
    assert (overlay_signature.signer_id, overlay_signature.entity_type) == ("rui", "overlay")
    overlays = await fleet.as_user(
        "cara",
        '{ overlays(site: "cork", template: "pouch-sealing") { version status } }',
    )
    assert {"version": revision, "status": "APPROVED"} in overlays.ok()["overlays"]
