"""Every SQL statement of the ingest: partitions, a COPY into a staging table, then set-based
inserts that keep the rollups current — never one INSERT per event."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from psycopg.errors import CheckViolation
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import Site
from coe.production.events import COLUMN_TYPES, COLUMNS, Row

_PARTITION_LOCK = 0x434F4550  # "COEP"


async def _driver(session: AsyncSession) -> Any:
    """The psycopg connection under the session (COPY is not in SQLAlchemy)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def lock_sites(session: AsyncSession, sites: Iterable[str]) -> None:
    """One ingest per site at a time: the unit outcome rollup assumes it (sorted: no
    deadlocks between batches of several sites)."""
    connection = await session.connection()
    for site in sorted(set(sites)):
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"coe-ingest:{site}"}
        )


async def create_partitions(session: AsyncSession, months: Iterable[tuple[int, int]]) -> None:
    """Create the month partitions that do not exist yet (idempotent; safe across processes).
    Run in a transaction of its own: a rolled-back batch must not take a partition with it."""
    connection = await session.connection()
    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PARTITION_LOCK})
    for year, month in months:
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1)
        await connection.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS production_event_y{year:04d}m{month:02d} "
                f"PARTITION OF production_event FOR VALUES FROM ('{start} 00:00+00') "
                f"TO ('{end} 00:00+00')"  # UTC months, whatever the server's time zone
            )
        )


def lost_partition(error: DBAPIError) -> bool:
    """The insert found no partition for a row: one the process knew of is gone (dropped or
    detached since)."""
    return isinstance(error.orig, CheckViolation) and "no partition" in str(error.orig)


async def known_sites(session: AsyncSession, keys: Iterable[str]) -> frozenset[str]:
    """Those of `keys` that are sites."""
    connection = await session.connection()
    rows = await connection.execute(
        select(col(Site.key)).where(col(Site.key).in_(sorted(set(keys))))
    )
    return frozenset(rows.scalars())


async def stage(session: AsyncSession, rows: Sequence[Row]) -> None:
    """COPY the batch into a temporary table that disappears at commit."""
    driver = await _driver(session)
    async with driver.cursor() as cursor:
        await cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS incoming_event "
            "(LIKE production_event INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        await cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS accepted_event "
            "(LIKE production_event) ON COMMIT DELETE ROWS"
        )
        async with cursor.copy(
            f"COPY incoming_event ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(COLUMN_TYPES)  # binary: about half the cost of text per row
            for row in rows:
                await copy.write_row(row)


INSERT_ACCEPTED = f"""
WITH inserted AS (
    INSERT INTO production_event ({", ".join(COLUMNS)})
    SELECT {", ".join(COLUMNS)} FROM incoming_event
    ON CONFLICT DO NOTHING  -- also drops a repeat of an event within the same batch
    RETURNING *
)
INSERT INTO accepted_event SELECT * FROM inserted
"""  # noqa: S608

ROLL_UP_UNITS = """
WITH candidates AS (
    SELECT DISTINCT ON (site, unit) site, unit, id, occurred_at,
           (occurred_at AT TIME ZONE 'UTC')::date AS day, template,
           template_version AS version, product, outcome
    FROM accepted_event WHERE type = 'unit.completed'
    ORDER BY site, unit, occurred_at DESC, id DESC
), prior AS (
    SELECT u.* FROM unit_outcome u JOIN candidates c USING (site, unit) FOR UPDATE OF u
), winners AS (
    -- each winner carries what it replaces, so no second join is needed to take it back out
    SELECT c.*, p.site IS NOT NULL AS replaces, p.day AS old_day, p.template AS old_template,
           p.version AS old_version, p.product AS old_product, p.outcome AS old_outcome
    FROM candidates c LEFT JOIN prior p USING (site, unit)
    WHERE p.site IS NULL OR (c.occurred_at, c.id) > (p.occurred_at, p.event_id)
), stored AS (
    INSERT INTO unit_outcome (site, unit, event_id, occurred_at, day, template, version,
                              product, outcome)
    SELECT site, unit, id, occurred_at, day, template, version, product, outcome FROM winners
    ON CONFLICT (site, unit) DO UPDATE SET event_id = excluded.event_id,
        occurred_at = excluded.occurred_at, day = excluded.day, template = excluded.template,
        version = excluded.version, product = excluded.product, outcome = excluded.outcome
), deltas AS (
    SELECT site, template, version, product, day, 1 AS units,
           (outcome = 'right_first_time')::int AS rft, (outcome = 'reworked')::int AS rw,
           (outcome = 'scrapped')::int AS sc
    FROM winners
    UNION ALL
    SELECT site, old_template, old_version, old_product, old_day, -1,
           -(old_outcome = 'right_first_time')::int, -(old_outcome = 'reworked')::int,
           -(old_outcome = 'scrapped')::int
    FROM winners WHERE replaces
)
INSERT INTO kpi_daily (site, template, version, product, day, units, right_first_time,
                       reworked, scrapped)
SELECT site, template, version, product, day, sum(units), sum(rft), sum(rw), sum(sc)
FROM deltas GROUP BY site, template, version, product, day
ON CONFLICT (site, template, version, product, day) DO UPDATE SET
    units = kpi_daily.units + excluded.units,
    right_first_time = kpi_daily.right_first_time + excluded.right_first_time,
    reworked = kpi_daily.reworked + excluded.reworked,
    scrapped = kpi_daily.scrapped + excluded.scrapped
"""

ROLL_UP_COMPLETED_BATCHES = """
INSERT INTO batch_record (site, batch, template, version, product, units, completed_at,
                          completed_event_id)
SELECT DISTINCT ON (site, batch) site, batch, template, template_version, product, units,
       occurred_at, id
FROM accepted_event WHERE type = 'batch.completed'
ORDER BY site, batch, occurred_at DESC, id DESC
ON CONFLICT (site, batch) DO UPDATE SET template = excluded.template,
    version = excluded.version, product = excluded.product, units = excluded.units,
    completed_at = excluded.completed_at, completed_event_id = excluded.completed_event_id
WHERE batch_record.completed_at IS NULL
   OR (excluded.completed_at, excluded.completed_event_id)
      > (batch_record.completed_at, batch_record.completed_event_id)
"""

ROLL_UP_RELEASED_BATCHES = """
INSERT INTO batch_record (site, batch, template, version, product, released_at,
                          released_event_id, disposition)
SELECT DISTINCT ON (site, batch) site, batch, template, template_version, product,
       occurred_at, id, disposition
FROM accepted_event WHERE type = 'batch.released'
ORDER BY site, batch, occurred_at DESC, id DESC
ON CONFLICT (site, batch) DO UPDATE SET released_at = excluded.released_at,
    released_event_id = excluded.released_event_id, disposition = excluded.disposition,
    template = coalesce(batch_record.template, excluded.template),
    version = coalesce(batch_record.version, excluded.version),
    product = coalesce(batch_record.product, excluded.product)
WHERE batch_record.released_at IS NULL
   OR (excluded.released_at, excluded.released_event_id)
      > (batch_record.released_at, batch_record.released_event_id)
"""


async def store(session: AsyncSession) -> int:
    """Keep the staged events that are new, update the rollups; returns how many were new."""
    connection = await session.connection()
    result = await connection.execute(text(INSERT_ACCEPTED))
    accepted = result.rowcount or 0
    if accepted:
        for statement in (ROLL_UP_UNITS, ROLL_UP_COMPLETED_BATCHES, ROLL_UP_RELEASED_BATCHES):
            await connection.execute(text(statement))
    return accepted


async def published_reason_codes(
    session: AsyncSession, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The spec of each published (or deprecated) template version among `pairs`."""
    wanted = sorted(set(pairs))
    if not wanted:
        return {}
    connection = await session.connection()
    rows = await connection.execute(
        text(
            "SELECT key, version, document FROM template_version "
            "WHERE status IN ('published', 'deprecated', 'retired') "
            "AND (key, version) IN (SELECT unnest(CAST(:keys AS text[])), "
            "unnest(CAST(:versions AS text[])))"
        ),
        {"keys": [key for key, _ in wanted], "versions": [version for _, version in wanted]},
    )
    return {(row.key, row.version): row.document.get("spec", {}) for row in rows}
