"""Record the committed workflow histories: `.venv/bin/python -m tests.workflows.histories.record`.

Runs each scenario below for real — the rollouts' fleet (reference plant agents over HTTP), a
real worker on the Temporal dev server, the API in front — waits for every workflow it started
to close, replays each history once as a check, and writes `<scenario>.json` next to this file
(the parent's history and those of its child workflows). This module is not a test: pytest
collects it only when it is named, which `main` does. `test_replay_histories.py` replays what
it wrote, in `make test`, against the workflow code of the day.

Extra arguments go to pytest, e.g. `-k transfer` to re-record the transfer scenarios only.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import pytest
from temporalio.client import (
    Client,
    WorkflowContinuedAsNewError,
    WorkflowFailureError,
    WorkflowHistory,
)
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from coe.config import Settings
from coe.rollouts.contract import DRIFT_WORKFLOW
from coe_workflows.worker import WORKFLOWS
from tests.rollouts.conftest import (
    Agent,
    agent,
    client,
    fleet,
    plan,
    start,
    states,
    wait_for,
    worker,
)
from tests.rollouts.test_faults import APPROVE, signer
from tests.transfers.test_transfers import (
    produce,
    source_running,
    start_transfer,
    through_approval,
    wait_status,
    wait_until,
)
from tests.workflows.histories import write
from tests.workflows.test_audit_monitor import start_monitor, wait_for_check
from tests.world import World, template

__all__ = ["agent", "client", "fleet", "worker"]  # the fleet's fixtures


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The rollouts' short timings (tests/rollouts/conftest.py), polling qualification less
    often: fewer events to commit, the same commands."""
    return settings.model_copy(
        update={
            "plant_timeout_seconds": 1.5,
            "rollout_retry_initial_seconds": 0.1,
            "rollout_retry_maximum_seconds": 0.3,
            "rollout_retry_attempts": 3,
            "rollout_verify_attempts": 2,
            "rollout_verify_interval_seconds": 0.2,
            "rollout_kpi_guard_poll_seconds": 0.2,
            "transfer_poll_seconds": 1.0,
        }
    )


async def histories(
    temporal: Client, workflow_id: str, run_id: str | None = None
) -> list[WorkflowHistory]:
    """A closed workflow's history, then its child workflows' (depth first, in start order)."""
    handle = temporal.get_workflow_handle(workflow_id, run_id=run_id)
    with contextlib.suppress(WorkflowFailureError, WorkflowContinuedAsNewError):
        await handle.result(follow_runs=False)
    history = await handle.fetch_history()
    found = [history]
    for event in history.events:
        if event.HasField("child_workflow_execution_started_event_attributes"):
            child = event.child_workflow_execution_started_event_attributes.workflow_execution
            found += await histories(temporal, child.workflow_id, child.run_id)
    return found


async def save(temporal: Client, scenario: str, description: str, *workflow_ids: str) -> None:
    recorded = [h for workflow_id in workflow_ids for h in await histories(temporal, workflow_id)]
    replayer = Replayer(workflows=WORKFLOWS)
    for history in recorded:  # a recording the code of the day cannot replay is no fixture
        await replayer.replay_workflow(history)
    write(scenario, description, recorded)


async def test_rollout_with_an_approval_gate_and_a_soak(
    fleet: World, agent: Agent, worker: Worker, temporal_env: WorkflowEnvironment
) -> None:
    rollout = await start(
        fleet,
        plan(
            {
                "name": "pilot",
                "sites": ["cork"],
                "gates": [
                    {"approval": {"role": "qa_approver", "meaning": "approved"}},
                    {"soak": "1s"},
                ],
            },
            {"name": "rest", "sites": ["penang"]},
        ),
    )
    await wait_for(fleet, rollout["id"], "awaiting_approval")
    variables = {"id": rollout["id"], "w": "pilot", "s": signer("quinn")}
    (await fleet.as_user("quinn", APPROVE, variables)).ok()
    done = await wait_for(fleet, rollout["id"], "completed")
    assert states(done) == {"cork": "live", "penang": "live"}
    await save(
        temporal_env.client,
        "rollout-approval-soak",
        "pouch-sealing 1.0.0: wave pilot (cork) behind an e-signed qa_approver approval and a 1 s "
        "soak, then wave rest (penang, with its overlay); completed",
        f"rollout-{rollout['id']}",
    )


async def test_rollout_with_a_failed_site_rolled_back_and_an_aborted_rollout_compensated(
    fleet: World,
    agent: Agent,
    worker: Worker,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
) -> None:
    first = await start(fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 2}))
    await wait_for(fleet, first["id"], "completed")
    await fleet.publish(template("1.1.0", seal_temperature_c={"default": 182}))
    agent.faults("cork", wrong_hash=True)
    lying = await start(
        fleet,
        plan(
            {"name": "all", "sites": ["cork", "penang"], "maxParallel": 2, "failureBudget": 1},
            version="1.1.0",
        ),
    )
    done = await wait_for(fleet, lying["id"], "completed")
    assert states(done) == {"cork": "failed", "penang": "live"}
    await save(
        temporal_env.client,
        "rollout-site-rolled-back",
        "pouch-sealing 1.1.0 to cork and penang (failure budget 1): cork's plant reports a wrong "
        "hash after deploying, so its SiteDeployment rolls it back and fails it; penang goes "
        "live; completed",
        f"rollout-{lying['id']}",
    )

    agent.faults("cork")
    await fleet.publish(template("1.2.0", seal_temperature_c={"default": 183}))
    agent.faults("penang", down=True)
    broken = await start(
        fleet, plan({"name": "all", "sites": ["cork", "penang"], "maxParallel": 1}, version="1.2.0")
    )
    await wait_for(fleet, broken["id"], "paused")
    agent.faults("penang")
    (
        await fleet.as_user(
            "ada",
            "mutation($id: String!) { abortRollout(id: $id, rollback: true, "
            'reason: "penang not ready") { status } }',
            {"id": broken["id"]},
        )
    ).ok()
    aborted = await wait_for(fleet, broken["id"], "aborted")
    assert states(aborted) == {"cork": "rolled_back", "penang": "failed"}
    await save(
        temporal_env.client,
        "rollout-aborted-compensated",
        "pouch-sealing 1.2.0 one site at a time: cork goes live, penang's plant is down (HTTP "
        "503 through every retry), the wave exceeds its failure budget and pauses; aborted with "
        "rollback, the rollout compensates cork back to 1.1.0",
        f"rollout-{broken['id']}",
    )

    drift_id = f"drift-{broken['id']}"
    summary = await temporal_env.client.execute_workflow(
        DRIFT_WORKFLOW, id=drift_id, task_queue=settings.temporal_task_queue
    )
    assert summary["drifting"] == [], summary
    await save(
        temporal_env.client,
        "drift-check",
        "one DriftCheck run over the fleet above: every plant agrees with the ledger",
        drift_id,
    )


async def test_transfer_through_qualification(
    fleet: World, agent: Agent, worker: Worker, temporal_env: WorkflowEnvironment
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, tolerance=0.05, window="1m")
    await through_approval(fleet, transfer["id"])
    await wait_status(fleet, transfer["id"], "qualifying")
    await produce(fleet, "cork", good=196, bad=4, tag="after")  # 98 % against 96 %
    done = await wait_status(fleet, transfer["id"], "qualified", "awaiting_decision")
    assert done["status"] == "qualified", done
    await save(
        temporal_env.client,
        "transfer-qualified",
        "pouch-sealing 1.1.0 from penang (96 % right first time over 500 units) to cork: overlay "
        "completed, source and target QA approvals, the SiteDeployment child, then 98 % over 200 "
        "units within the 1 min window; qualified",
        f"transfer-{transfer['id']}",
    )


async def test_transfer_extended_then_failed(
    fleet: World, agent: Agent, worker: Worker, temporal_env: WorkflowEnvironment
) -> None:
    await source_running(fleet)
    transfer = await start_transfer(fleet, tolerance=0.02, window="2s")
    await through_approval(fleet, transfer["id"])
    await wait_status(fleet, transfer["id"], "qualifying")
    await produce(fleet, "cork", good=170, bad=30, tag="after")  # 85 %
    waiting = await wait_status(fleet, transfer["id"], "awaiting_decision")
    deadline = waiting["qualification"]["deadline"]
    (
        await fleet.as_user(
            "nina",
            'mutation($id: String!) { extendTransferQualification(id: $id, window: "1s") '
            "{ status } }",
            {"id": transfer["id"]},
        )
    ).ok()
    await wait_until(
        fleet,
        transfer["id"],
        lambda t: t["status"] == "awaiting_decision" and t["qualification"]["deadline"] != deadline,
    )
    (
        await fleet.as_user(
            "nina",
            'mutation($id: String!) { failTransfer(id: $id, reason: "seal jaws out of spec") '
            "{ status } }",
            {"id": transfer["id"]},
        )
    ).ok()
    await save(
        temporal_env.client,
        "transfer-extended-failed",
        "pouch-sealing 1.1.0 from penang to cork, 85 % against 96 % with a 2 s window: awaits a "
        "decision, extended by 1 s, awaits again, failed by the NPI engineer",
        f"transfer-{transfer['id']}",
    )


async def test_audit_monitor_continues_as_new(
    fleet: World, worker: Worker, temporal_env: WorkflowEnvironment, settings: Settings
) -> None:
    handle = await start_monitor(temporal_env.client, settings, checks=2)
    await wait_for_check(handle, lambda c: c.intact)
    first_run = handle.first_execution_run_id
    for _ in range(150):
        if (await handle.describe()).run_id != first_run:
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("the monitor did not continue as new")
    await handle.terminate()
    recorded = await histories(temporal_env.client, handle.id, first_run)
    await Replayer(workflows=WORKFLOWS).replay_workflow(recorded[0])
    write(
        "audit-monitor",
        "AuditChainMonitor's first run over the fleet's audit trail: two intact checks 0.3 s "
        "apart, then continue-as-new carrying the anchor",
        recorded,
    )


def main() -> int:
    """Run the scenarios above (and nothing else) with pytest; they write the fixtures."""
    here = Path(__file__).resolve()
    options = ["-p", "no:cacheprovider", "-q", "--rootdir", str(here.parents[3])]
    return pytest.main([str(here), *options, *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
