"""The Temporal worker: `python -m coe_workflows.worker` (started by `coe up`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker

from coe import telemetry
from coe.audit.anchors import anchor_store
from coe.config import ProductionConfigError, Settings, check_production, load_settings
from coe.db import Sessions, create_engine, create_sessions
from coe.plants.credentials import plant_key
from coe.rollouts.contract import DRIFT_SCHEDULE, DRIFT_WORKFLOW
from coe.secrets import audit_key
from coe.stack.postgres import resolve_database_url
from coe_workflows.audit.activities import AuditActivities
from coe_workflows.audit.models import MonitorInput
from coe_workflows.audit.workflows import AuditChainMonitor
from coe_workflows.drift.activities import DriftActivities
from coe_workflows.drift.workflows import DriftCheck
from coe_workflows.failures import DataErrorsAreFinal
from coe_workflows.rollout.activities import RolloutActivities
from coe_workflows.rollout.deployment import SiteDeployment
from coe_workflows.rollout.workflows import TemplateRollout
from coe_workflows.transfer.activities import TransferActivities
from coe_workflows.transfer.workflows import ProcessTransfer

log = logging.getLogger("coe_workflows.worker")

AUDIT_MONITOR_ID = "audit-chain-monitor"
WORKFLOWS = [AuditChainMonitor, TemplateRollout, SiteDeployment, DriftCheck, ProcessTransfer]


@dataclass
class Resources:
    """What the activities share: one engine's sessions, one HTTP client, the keys."""

    sessions: Sessions
    http: httpx.AsyncClient
    audit_key: bytes
    plant_key: bytes

    def activities(self, settings: Settings) -> list[Any]:
        audit = AuditActivities(self.sessions, self.audit_key, anchor_store(settings))
        rollout = RolloutActivities(self.sessions, self.audit_key, self.plant_key, self.http)
        drift = DriftActivities(
            self.sessions, self.audit_key, self.plant_key, self.http, settings.plant_timeout_seconds
        )
        transfer = TransferActivities(self.sessions, self.audit_key)
        return [audit.verify_audit_chain, *rollout.all(), drift.check_drift, *transfer.all()]


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


def build_worker(client: Client, settings: Settings, resources: Resources) -> Worker:
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=resources.activities(settings),
        max_concurrent_activities=settings.worker_max_concurrent_activities,
        interceptors=[DataErrorsAreFinal()],
    )


def worker_engine(settings: Settings, database_url: str) -> AsyncEngine:
    """The worker's engine: its pool holds a connection for every activity that runs at once."""
    return create_engine(database_url, pool_size=settings.worker_db_pool_size)


async def start_audit_monitor(client: Client, settings: Settings) -> None:
    """Start the monitor once; a running one is left alone."""
    await client.start_workflow(
        AuditChainMonitor.run,
        MonitorInput(interval_seconds=settings.audit_check_interval_seconds),
        id=AUDIT_MONITOR_ID,
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def ensure_drift_schedule(client: Client, settings: Settings) -> None:
    """A Temporal Schedule runs DriftCheck every COE_DRIFT_CHECK_INTERVAL_SECONDS."""
    with contextlib.suppress(ScheduleAlreadyRunningError):
        await client.create_schedule(
            DRIFT_SCHEDULE,
            Schedule(
                action=ScheduleActionStartWorkflow(
                    DRIFT_WORKFLOW, id="drift-check-run", task_queue=settings.temporal_task_queue
                ),
                spec=ScheduleSpec(
                    intervals=[
                        ScheduleIntervalSpec(
                            every=timedelta(seconds=settings.drift_check_interval_seconds)
                        )
                    ]
                ),
            ),
        )


async def run(settings: Settings) -> None:
    check_production(settings)
    tel = telemetry.setup_telemetry(settings, "worker")
    database_url, embedded = resolve_database_url(settings)
    engine = worker_engine(settings, database_url)
    telemetry.instrument_engine(tel, engine)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=100)) as http:
            resources = Resources(
                create_sessions(engine), http, audit_key(settings), plant_key(settings)
            )
            client = await connect(settings)
            async with build_worker(client, settings, resources):
                await start_audit_monitor(client, settings)
                await ensure_drift_schedule(client, settings)
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
    try:
        asyncio.run(run(settings))
    except ProductionConfigError as error:
        log.error("%s", error)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
