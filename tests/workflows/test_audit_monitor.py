"""The audit-chain monitor on a real Temporal dev server: it finds a truncated chain, which a
hash chain alone cannot, because its anchor lives in Temporal's history."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions, transaction
from coe.secrets import audit_key
from coe.work import UnitOfWork
from coe_workflows.audit.models import ChainCheck, MonitorInput
from coe_workflows.audit.workflows import AuditChainMonitor
from coe_workflows.worker import WORKFLOWS, Resources, build_worker
from tests.audit.test_trail import tamper, verify
from tests.helpers import ARCHITECT, Api


async def write_records(sessions: Sessions, settings: Settings, count: int) -> None:
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        for index in range(count):
            await work.audit("site.updated", "site", f"site-{index}", after={"n": index})


@pytest.fixture
async def worker(
    temporal_env: WorkflowEnvironment, settings: Settings, sessions: Sessions
) -> AsyncIterator[Worker]:
    async with httpx.AsyncClient() as http:
        resources = Resources(sessions, http, audit_key(settings), b"k" * 32)
        async with build_worker(temporal_env.client, settings, resources) as running:
            yield running


async def wait_for_check(
    handle: WorkflowHandle[AuditChainMonitor, None], predicate: object, within: float = 30
) -> ChainCheck:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        check = await handle.query(AuditChainMonitor.last_check)
        if check is not None and predicate(check):  # type: ignore[operator]
            return check
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no matching check within {within}s; last: {check}")
        await asyncio.sleep(0.2)


async def start_monitor(
    client: Client, settings: Settings, checks: int = 50
) -> WorkflowHandle[AuditChainMonitor, None]:
    return await client.start_workflow(
        AuditChainMonitor.run,
        MonitorInput(interval_seconds=0.3, checks_per_run=checks),
        id=f"audit-monitor-{uuid.uuid4()}",
        task_queue=settings.temporal_task_queue,
    )


async def test_monitor_detects_a_truncated_chain(
    temporal_env: WorkflowEnvironment, worker: Worker, settings: Settings, sessions: Sessions
) -> None:
    await write_records(sessions, settings, 3)
    handle = await start_monitor(temporal_env.client, settings)
    first = await wait_for_check(handle, lambda c: c.intact and c.records == 3)
    assert first.head is not None
    assert first.head.seq == 3

    await write_records(sessions, settings, 2)
    await wait_for_check(handle, lambda c: c.records == 5)
    tamper(settings, "DELETE FROM audit_record WHERE seq = 5")
    check = await wait_for_check(handle, lambda c: not c.intact)
    assert len(check.findings) == 1
    assert check.findings[0].startswith("seq 5: deleted: seq 5 missing from the end")
    await handle.terminate()


async def test_truncation_seen_by_the_monitor_is_seen_everywhere_and_survives_it(
    temporal_env: WorkflowEnvironment,
    worker: Worker,
    api: Api,
    settings: Settings,
    sessions: Sessions,
) -> None:
    """The anchor is kept outside the database, not only in the monitor's own state: the CLI,
    GraphQL and a monitor started afresh (a new run, a new deployment) all check it."""
    await write_records(sessions, settings, 4)
    handle = await start_monitor(temporal_env.client, settings)
    await wait_for_check(handle, lambda c: c.intact and c.records == 4)
    await handle.terminate()
    tamper(settings, "DELETE FROM audit_record WHERE seq >= 3")

    fresh = await start_monitor(temporal_env.client, settings)
    check = await wait_for_check(fresh, lambda c: c.records == 2)
    assert not check.intact
    assert [finding.split(":")[0] for finding in check.findings] == ["seq 3"]
    assert "seq 3-4 missing from the end" in check.findings[0]
    await fresh.terminate()

    query = "{ auditChain { intact anchoredSeq findings { seq kind } } }"
    report = (await api.as_role(Role.AUDITOR, query)).ok()["auditChain"]
    assert report == {
        "intact": False,
        "anchoredSeq": 4,
        "findings": [{"seq": 3, "kind": "deleted"}],
    }
    code, cli = await verify(settings)
    assert code == 1
    assert [(f["kind"], f["seq"]) for f in cli["findings"]] == [("deleted", 3)]


async def test_monitor_continues_as_new_and_replays_deterministically(
    temporal_env: WorkflowEnvironment, worker: Worker, settings: Settings, sessions: Sessions
) -> None:
    await write_records(sessions, settings, 2)
    handle = await start_monitor(temporal_env.client, settings, checks=2)
    await wait_for_check(handle, lambda c: c.intact)
    first_run = handle.first_execution_run_id
    # After two checks the run continues as new, carrying its anchor.
    for _ in range(100):
        description = await handle.describe()
        if description.run_id != first_run:
            break
        await asyncio.sleep(0.2)
    assert description.run_id != first_run
    history = await temporal_env.client.get_workflow_handle(
        handle.id, run_id=first_run
    ).fetch_history()
    await Replayer(workflows=WORKFLOWS).replay_workflow(history)
    await handle.terminate()
