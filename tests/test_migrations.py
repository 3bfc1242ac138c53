"""Migrations and models agree: what Alembic builds is exactly what the code declares; and
migrations that move data move it right."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import coe.models  # noqa: F401 - registers the tables
from coe.db import libpq_url, sqlalchemy_url
from coe.migrations import alembic_config, upgrade


def test_models_match_the_migrated_schema(database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == [], "models and migrations differ: add a migration"


@pytest.fixture
def empty_database(postgres_admin_url: str) -> Iterator[str]:
    """A database with no tables yet, to migrate step by step."""
    name = f"coe_migrate_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(postgres_admin_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


TRANSFER_ID = "pouch-sealing-penang-cork-abc123"
STAND_IN_PLAN = {
    "kind": "transfer",
    "waves": [
        {"name": "transfer", "sites": ["cork"], "max_parallel": 1, "failure_budget": 0, "gates": []}
    ],
}


def _before_0007(connection: psycopg.Connection[tuple[Any, ...]]) -> None:
    """What a transfer left behind before 0007: a stand-in rollout (and its site row) named
    after the transfer, and a ledger entry pointing at it; beside a real rollout's."""
    connection.execute(
        "INSERT INTO transfer (id, template, version, source, target, status, tolerance, "
        "min_units, window_seconds, started_by, workflow_id) VALUES (%s, 'pouch-sealing', "
        "'1.1.0', 'penang', 'cork', 'qualifying', 0.02, 100, 60, 'nina', %s)",
        (TRANSFER_ID, f"transfer-{TRANSFER_ID}"),
    )
    for rollout_id, plan, site in (
        (TRANSFER_ID, STAND_IN_PLAN, "cork"),
        ("pouch-sealing-1.1.0-def456", {"document": {}, "waves": []}, "penang"),
    ):
        connection.execute(
            "INSERT INTO rollout (id, template, version, template_sha256, plan, status, "
            "started_by, workflow_id) VALUES (%s, 'pouch-sealing', '1.1.0', %s, %s, "
            "'completed', 'ada', %s)",
            (rollout_id, "a" * 64, Jsonb(plan), f"rollout-{rollout_id}"),
        )
        connection.execute(
            "INSERT INTO rollout_site (rollout_id, site, wave, position, state) "
            "VALUES (%s, %s, 'w', 1, 'live')",
            (rollout_id, site),
        )
        connection.execute(
            "INSERT INTO deployment (site, template, version, sha256, rollout_id, deployed_by, "
            "status) VALUES (%s, 'pouch-sealing', '1.1.0', %s, %s, 'ada', 'live')",
            (site, "b" * 64, rollout_id),
        )


def test_0007_moves_transfer_stand_ins_out_of_the_rollouts(empty_database: str) -> None:
    upgrade(empty_database, "0006")
    with psycopg.connect(libpq_url(empty_database)) as connection:
        _before_0007(connection)
    upgrade(empty_database, "0007")
    with psycopg.connect(libpq_url(empty_database)) as connection:
        rollouts = connection.execute("SELECT id FROM rollout").fetchall()
        rollout_sites = connection.execute("SELECT rollout_id, site FROM rollout_site").fetchall()
        ledger = connection.execute(
            "SELECT site, rollout_id, transfer_id FROM deployment ORDER BY site"
        ).fetchall()
        assert rollouts == [("pouch-sealing-1.1.0-def456",)]
        assert rollout_sites == [("pouch-sealing-1.1.0-def456", "penang")]
        assert ledger == [
            ("cork", None, TRANSFER_ID),
            ("penang", "pouch-sealing-1.1.0-def456", None),
        ]
        with pytest.raises(psycopg.errors.CheckViolation):
            connection.execute(
                "INSERT INTO deployment (site, template, version, sha256, rollout_id, "
                "transfer_id, deployed_by, status) VALUES ('cork', 'x', '1.0.0', 'c', 'r', %s, "
                "'ada', 'live')",
                (TRANSFER_ID,),
            )
    command.downgrade(alembic_config(empty_database), "0006")
    with psycopg.connect(libpq_url(empty_database)) as connection:
        back = connection.execute(
            "SELECT site, rollout_id FROM deployment ORDER BY site"
        ).fetchall()
        assert back == [("cork", TRANSFER_ID), ("penang", "pouch-sealing-1.1.0-def456")]
        assert connection.execute("SELECT count(*) FROM rollout").fetchone() == (2,)
    upgrade(empty_database, "head")


def test_0009_makes_every_plant_endpoint_the_sites_production_instance(
    empty_database: str,
) -> None:
    upgrade(empty_database, "0008")
    with psycopg.connect(libpq_url(empty_database)) as connection:
        connection.execute("INSERT INTO enterprise (key, name) VALUES ('acme', 'Acme')")
        for key, endpoint in (("cork", "http://cork.example:9100"), ("penang", None)):
            connection.execute(
                "INSERT INTO site (enterprise_id, key, name, region, time_zone, "
                "regulatory_scope, labels, plant_endpoint) SELECT id, %s, %s, 'emea', 'UTC', "
                "'{}', '{}', %s FROM enterprise",
                (key, key, endpoint),
            )
    upgrade(empty_database, "0009")
    with psycopg.connect(libpq_url(empty_database)) as connection:
        instances = connection.execute(
            "SELECT s.key, i.environment, i.endpoint FROM plant_instance i "
            "JOIN site s ON s.id = i.site_id ORDER BY s.key"
        ).fetchall()
        assert instances == [("cork", "production", "http://cork.example:9100")]
    command.downgrade(alembic_config(empty_database), "0008")
    with psycopg.connect(libpq_url(empty_database)) as connection:
        back = connection.execute("SELECT key, plant_endpoint FROM site ORDER BY key").fetchall()
        assert back == [("cork", "http://cork.example:9100"), ("penang", None)]
    upgrade(empty_database, "head")
