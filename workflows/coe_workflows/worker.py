"""The Temporal worker: `python -m coe_workflows.worker` (started by `coe up`)."""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker

from coe import telemetry
from coe.config import Settings, load_settings
from coe.db import create_engine, create_sessions
from coe.secrets import audit_key
from coe.stack.postgres import resolve_database_url
from coe_workflows.audit.activities import AuditActivities
from coe_workflows.audit.models import MonitorInput
from coe_workflows.audit.workflows import AuditChainMonitor

log = logging.getLogger("coe_workflows.worker")

AUDIT_MONITOR_ID = "audit-chain-monitor"
WORKFLOWS = [AuditChainMonitor]


async def connect(settings: Settings, attempts: int = 60) -> Client:
    """Connect, waiting for Temporal to come up (it may start after the worker)."""
    for attempt in range(1, attempts + 1):
        try:
            return await Client.connect(
                settings.temporal_target,
                namespace=settings.temporal_namespace,
                interceptors=telemetry.temporal_interceptors(),
            )
        except RuntimeError as error:
            if attempt == attempts:
                raise
            log.info("Temporal not reachable yet (%s); retrying", error)
            await asyncio.sleep(1)
    raise AssertionError("unreachable")


def build_worker(client: Client, settings: Settings, activities: AuditActivities) -> Worker:
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=[activities.verify_audit_chain],
    )


async def start_audit_monitor(client: Client, settings: Settings) -> None:
    """Start the monitor once; a running one is left alone."""
    await client.start_workflow(
        AuditChainMonitor.run,
        MonitorInput(interval_seconds=settings.audit_check_interval_seconds),
        id=AUDIT_MONITOR_ID,
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def run(settings: Settings) -> None:
    tel = telemetry.setup_telemetry(settings, "worker")
    database_url, embedded = resolve_database_url(settings)
    engine = create_engine(database_url, pool_size=4)
    telemetry.instrument_engine(tel, engine)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        client = await connect(settings)
        activities = AuditActivities(create_sessions(engine), audit_key(settings))
        async with build_worker(client, settings, activities):
            await start_audit_monitor(client, settings)
            log.info("worker polling task queue %r", settings.temporal_task_queue)
            await stop.wait()
    finally:
        await engine.dispose()
        tel.shutdown()
        if embedded is not None:
            embedded.cleanup()


def main() -> None:
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
