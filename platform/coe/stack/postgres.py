"""Embedded PostgreSQL from the `pgserver` wheel: a real server, data kept under COE_HOME."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from coe.config import ProductionConfigError, Settings

log = logging.getLogger("coe.stack.postgres")

DATABASE = "coe"


def start(pgdata: Path) -> Any:
    """Start (or attach to) the server for `pgdata`; it stops when the last handle exits."""
    # pgserver picks its lock and socket fallback dir when imported; without XDG_RUNTIME_DIR
    # (containers, CI, ssh sessions) platformdirs' fallback is the right place, and its
    # RuntimeDirWarning would only confuse the user of an ordinary command.
    from platformdirs import RuntimeDirWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeDirWarning)
        import pgserver  # imported here: only the embedded mode needs it

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    return pgserver.get_server(pgdata, cleanup_mode="stop")


def ensure_database(server: Any, database: str = DATABASE) -> str:
    """Create `database` if missing; return its URL."""
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    url: str = server.get_uri(database=database)
    return url


def stop(server: Any) -> None:
    server.cleanup()


def resolve_database_url(settings: Settings) -> tuple[str, Any]:
    """DATABASE_URL when set; otherwise the embedded server (started if needed).

    Returns the URL and the embedded server handle (None for an external database); keep the
    handle alive as long as the database is in use.
    """
    if settings.database_url:
        return settings.database_url, None
    if settings.is_production:
        raise ProductionConfigError(
            "DATABASE_URL is not set: COE_ENV=production never starts an embedded PostgreSQL"
        )
    server = start(settings.pgdata)
    return ensure_database(server), server
