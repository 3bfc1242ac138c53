"""The worker never runs more activities at once than its database pool has connections for
(it ran 64 against a pool of 8: under load activities waited on the pool and timed out)."""

from __future__ import annotations

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from coe.config import Settings
from coe.db import create_sessions
from coe.secrets import audit_key
from coe_workflows.worker import Resources, build_worker, worker_engine


@pytest.mark.parametrize("concurrency", [None, 3, 40])
async def test_activity_concurrency_fits_the_pool(
    temporal_env: WorkflowEnvironment, settings: Settings, concurrency: int | None
) -> None:
    if concurrency is not None:
        settings = settings.model_copy(update={"worker_max_concurrent_activities": concurrency})
    assert settings.database_url
    engine = worker_engine(settings, settings.database_url)
    try:
        async with httpx.AsyncClient() as http:
            resources = Resources(
                create_sessions(engine),
                http,
                audit_key(settings),
                b"k" * 32,
            )
            worker = build_worker(temporal_env.client, settings, resources)
        running_at_once = worker.config()["max_concurrent_activities"]
        assert running_at_once == settings.worker_max_concurrent_activities
        assert running_at_once is not None
        assert running_at_once <= engine.pool.size()  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
