"""Database faults for the PostgreSQL/Temporal consistency tests, made by PostgreSQL itself
(triggers on the test's own fresh database), not by mocks: a commit that takes a while, and
inserts that fail a given number of times the way a transient fault does (SQLSTATE 40001,
serialization failure: an error any client retries). Sequences are not transactional, so
what a failing attempt counts and notes survives its rollback."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from coe.db import Sessions, transaction


async def _run(sessions: Sessions, *statements: str) -> None:
    async with transaction(sessions) as session:
        connection = await session.connection()  # plain SQL: the connection, not the ORM
        for statement in statements:
            await connection.execute(text(statement))


async def slow_commits(sessions: Sessions, table: str, seconds: float) -> None:
    """Every transaction that inserts into `table` takes `seconds` longer to commit (a
    deferred constraint trigger runs at COMMIT), so its rows stay invisible meanwhile."""
    await _run(
        sessions,
        f"""CREATE FUNCTION slow_commit_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep({seconds}); RETURN NULL; END $$""",
        f"""CREATE CONSTRAINT TRIGGER slow_commit_{table} AFTER INSERT ON {table}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit_{table}()""",
    )


async def failing_inserts(
    sessions: Sessions, name: str, table: str, when: str, times: int, *, at_commit: bool
) -> None:
    """The first `times` transactions that insert a row of `table` matching `when` (SQL on
    NEW) fail, at the insert or (`at_commit`) at COMMIT; `first_failure(name)` says when the
    first of them failed."""
    timing = "DEFERRABLE INITIALLY DEFERRED" if at_commit else ""
    await _run(
        sessions,
        f"CREATE SEQUENCE fault_{name}_count",
        f"CREATE SEQUENCE fault_{name}_first_ms AS bigint MINVALUE 0 START 0",
        f"""CREATE FUNCTION fault_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF {when} THEN
            IF nextval('fault_{name}_count') <= {times} THEN
              IF (SELECT last_value FROM fault_{name}_first_ms) = 0 THEN
                PERFORM setval('fault_{name}_first_ms',
                               (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
              END IF;
              RAISE EXCEPTION 'injected fault {name}' USING ERRCODE = '40001';
            END IF;
          END IF;
          RETURN NULL;
        END $$""",  # noqa: S608 (test-made names, no input)
        f"""CREATE CONSTRAINT TRIGGER fault_{name} AFTER INSERT ON {table} {timing}
        FOR EACH ROW EXECUTE FUNCTION fault_{name}()""",
    )


async def attempts(sessions: Sessions, name: str) -> int:
    """How many matching inserts were tried so far (refused or not)."""
    async with transaction(sessions) as session:
        connection = await session.connection()
        query = text(f"SELECT last_value, is_called FROM fault_{name}_count")  # noqa: S608
        row = (await connection.execute(query)).one()
    return int(row[0]) if row[1] else 0


async def first_failure(sessions: Sessions, name: str) -> datetime:
    """When the fault first refused an insert."""
    async with transaction(sessions) as session:
        connection = await session.connection()
        query = text(f"SELECT last_value FROM fault_{name}_first_ms")  # noqa: S608
        ms = (await connection.execute(query)).one()
    assert ms[0] > 0, f"fault {name} never fired"
    return datetime.fromtimestamp(ms[0] / 1000, UTC)
