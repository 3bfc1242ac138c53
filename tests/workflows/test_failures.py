"""Data the database refuses is refused on every attempt: activities turn it into a
non-retryable ApplicationError (in one place, the worker's interceptor) instead of retrying it
forever; a unique violation (a concurrent duplicate) and other errors stay retryable."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from sqlalchemy import exc as sa_exc
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from coe.config import Settings
from coe.db import Sessions, transaction
from coe.secrets import audit_key
from coe.work import UnitOfWork
from coe_workflows.failures import (
    DATA_REFUSED,
    DataErrorsAreFinal,
    data_errors_are_final,
    refused_data,
)
from coe_workflows.worker import Resources, build_worker
from tests.helpers import ARCHITECT, audit_count


async def _audit_with_reason(sessions: Sessions, settings: Settings, reason: str) -> None:
    """What record activities do: write an audit record in their own transaction."""
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=ARCHITECT, audit_key=audit_key(settings))
        await work.audit("rollout.paused", "rollout", "r-1", reason=reason)


async def test_a_data_error_becomes_a_non_retryable_failure(
    sessions: Sessions, settings: Settings
) -> None:
    before = await audit_count(sessions)
    with pytest.raises(ApplicationError) as failure, data_errors_are_final("audit_rollout"):
        await _audit_with_reason(sessions, settings, "x" * 2001)
    assert failure.value.non_retryable
    assert failure.value.type == DATA_REFUSED
    assert failure.value.message.startswith("audit_rollout: the database refused the data (")
    assert "value too long" in failure.value.message
    assert "INSERT" not in failure.value.message, "no SQL (nor its values) in the failure"
    assert isinstance(failure.value.__cause__, sa_exc.DataError)
    assert await audit_count(sessions) == before


def test_a_unique_violation_and_other_errors_stay_retryable() -> None:
    duplicate = sa_exc.IntegrityError("INSERT …", {}, psycopg.errors.UniqueViolation("dup"))
    assert refused_data(duplicate, "record_deployment") is None
    foreign_key = sa_exc.IntegrityError("INSERT …", {}, psycopg.errors.ForeignKeyViolation("fk"))
    refused = refused_data(foreign_key, "record_site_state")
    assert refused is not None
    assert refused.non_retryable
    assert refused_data(sa_exc.OperationalError("SELECT 1", {}, OSError("down")), "x") is None
    with pytest.raises(sa_exc.IntegrityError), data_errors_are_final("record_deployment"):
        raise duplicate
    with pytest.raises(ConnectionError), data_errors_are_final("record_rollout"):
        raise ConnectionError("the database went away")


@pytest.fixture
async def worker_config(
    temporal_env: WorkflowEnvironment, settings: Settings, sessions: Sessions
) -> AsyncIterator[dict[str, object]]:
    async with httpx.AsyncClient() as http:
        resources = Resources(sessions, http, audit_key(settings), b"k" * 32)
        worker = build_worker(temporal_env.client, settings, resources)
        yield dict(worker.config())


async def test_the_worker_applies_it_to_every_activity(worker_config: dict[str, object]) -> None:
    interceptors = worker_config["interceptors"]
    assert isinstance(interceptors, list | tuple)
    assert any(isinstance(i, DataErrorsAreFinal) for i in interceptors)
