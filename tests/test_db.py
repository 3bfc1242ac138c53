"""`read_only` is enforced by PostgreSQL, and the pooled connection it used writes again after."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from coe.config import Settings
from coe.db import create_engine, create_sessions, read_only, transaction
from coe.models import Enterprise

READ_ONLY_SQL_TRANSACTION = "25006"


async def test_a_write_inside_read_only_fails(settings: Settings) -> None:
    assert settings.database_url
    engine = create_engine(settings.database_url, pool_size=1)
    sessions = create_sessions(engine)
    key = f"ro-{uuid.uuid4().hex[:8]}"
    try:
        async with read_only(sessions) as session:
            session.add(Enterprise(key=key, name="Read only"))
            with pytest.raises(DBAPIError) as raised:
                await session.flush()
        assert getattr(raised.value.orig, "sqlstate", None) == READ_ONLY_SQL_TRANSACTION
        async with read_only(sessions) as session:
            with pytest.raises(DBAPIError, match="read-only transaction"):
                await (await session.connection()).execute(
                    text("DELETE FROM enterprise WHERE false")
                )

        # The same (only) pooled connection is read-write again for the next transaction.
        async with transaction(sessions) as session:
            session.add(Enterprise(key=key, name="Written"))
        async with read_only(sessions) as session:
            found = (await session.exec(select(Enterprise).where(Enterprise.key == key))).one()
        assert found.name == "Written"  # readable after close
    finally:
        async with transaction(sessions) as session:
            connection = await session.connection()
            await connection.execute(text("DELETE FROM enterprise WHERE key = :key"), {"key": key})
        await engine.dispose()
