"""Alembic migrations of the COE database (applied by `coe db upgrade` and `coe up`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from coe.db import sqlalchemy_url

LOCATION = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(LOCATION))
    config.attributes["database_url"] = sqlalchemy_url(database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to run from several processes at once."""
    command.upgrade(alembic_config(database_url), revision)
