"""Every SQL query of the KPIs. They read the rollups (kpi_daily, batch_record, the ledger),
never the raw events, so their cost follows sites x days, not the number of events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

DIMENSIONS = {
    "site": "k.site",
    "region": "s.region",
    "template": "k.template",
    "version": "k.version",
    "product": "k.product",
    "period": "date_trunc(:granularity, k.day)::date",
}


@dataclass(frozen=True)
class Filter:
    sites: Sequence[str] | None = None  # the caller's scope, intersected with what was asked
    regions: Sequence[str] | None = None
    template: str | None = None
    version: str | None = None
    product: str | None = None


def _where(filters: Filter, day_column: str | None) -> tuple[str, dict[str, Any]]:
    """The filters as SQL (and, given a day column, the [start, end) range on it)."""
    clauses = [f"{day_column} >= :start", f"{day_column} < :end"] if day_column else []
    values: dict[str, Any] = {}
    for name, column in (("sites", "k.site"), ("regions", "s.region")):
        chosen = getattr(filters, name)
        if chosen is not None:
            clauses.append(f"{column} = ANY(:{name})")
            values[name] = list(chosen)
    for name, column in (
        ("template", "k.template"),
        ("version", "k.version"),
        ("product", "k.product"),
    ):
        chosen = getattr(filters, name)
        if chosen is not None:
            clauses.append(f"{column} = :{name}")
            values[name] = chosen
    return " AND ".join(clauses), values


def _dimensions(group_by: Sequence[str]) -> tuple[str, str]:
    selected = ", ".join(f"{DIMENSIONS[d]} AS {d}" for d in group_by)
    grouped = ", ".join(DIMENSIONS[d] for d in group_by)
    return (selected + ", ") if selected else "", f"GROUP BY {grouped}" if grouped else ""


async def unit_counts(
    session: AsyncSession,
    group_by: Sequence[str],
    filters: Filter,
    start: date,
    end: date,
    granularity: str,
) -> list[dict[str, Any]]:
    """units, right-first-time, reworked, scrapped per group, from the daily rollup."""
    selected, grouped = _dimensions(group_by)
    where, values = _where(filters, "k.day")
    statement = (
        f"SELECT {selected}sum(k.units) AS units, sum(k.right_first_time) AS rft, "  # noqa: S608
        f"sum(k.reworked) AS reworked, sum(k.scrapped) AS scrapped "
        f"FROM kpi_daily k JOIN site s ON s.key = k.site WHERE {where} {grouped}"
    )
    connection = await session.connection()
    rows = await connection.execute(
        text(statement), {**values, "start": start, "end": end, "granularity": granularity}
    )
    return [dict(row._mapping) for row in rows]


async def days_with_data(
    session: AsyncSession, filters: Filter, release_velocity: bool
) -> tuple[date | None, date | None]:
    """The first and last day with data under `filters` (the caller's scope included), on any
    day: units completed (the daily rollup), or batches released for release velocity."""
    if release_velocity:
        statement = (
            "SELECT min((released_at AT TIME ZONE 'UTC')::date) AS first, "
            "max((released_at AT TIME ZONE 'UTC')::date) AS last FROM ("
            "SELECT site, coalesce(template, '') AS template, coalesce(version, '') AS version, "
            "coalesce(product, '') AS product, released_at FROM batch_record "
            "WHERE released_at >= completed_at) k JOIN site s ON s.key = k.site"
        )
    else:
        statement = (
            "SELECT min(k.day) AS first, max(k.day) AS last "
            "FROM kpi_daily k JOIN site s ON s.key = k.site WHERE k.units > 0"
        )
    where, values = _where(filters, None)
    if where:
        statement += (" AND " if not release_velocity else " WHERE ") + where
    connection = await session.connection()
    row = (await connection.execute(text(statement), values)).one()
    return row.first, row.last


async def release_times(
    session: AsyncSession,
    group_by: Sequence[str],
    filters: Filter,
    start: date,
    end: date,
    granularity: str,
) -> list[dict[str, Any]]:
    """Median and 90th percentile of completion-to-release hours, per group; a batch counts
    in the period of its release."""
    selected, grouped = _dimensions(group_by)
    where, values = _where(filters, "k.day")
    # the release-time range on the column itself (an index range, not a computed day), and
    # the site table only when a region is asked for
    regions = "region" in group_by or filters.regions is not None
    statement = (
        f"SELECT {selected}count(*) AS count, "  # noqa: S608
        "percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY k.hours) AS percentiles "
        "FROM (SELECT site, coalesce(template, '') AS template, coalesce(version, '') AS version, "
        "coalesce(product, '') AS product, (released_at AT TIME ZONE 'UTC')::date AS day, "
        "extract(epoch FROM released_at - completed_at) / 3600.0 AS hours FROM batch_record "
        "WHERE released_at >= completed_at AND released_at >= :released_from "
        "AND released_at < :released_to) k "
        f"{'JOIN site s ON s.key = k.site ' if regions else ''}WHERE {where} {grouped}"
    )
    connection = await session.connection()
    await connection.execute(text("SET LOCAL work_mem = '64MB'"))  # sort in memory
    rows = await connection.execute(
        text(statement),
        {
            **values,
            "start": start,
            "end": end,
            "granularity": granularity,
            "released_from": datetime.combine(start, time(), UTC),
            "released_to": datetime.combine(end, time(), UTC),
        },
    )
    answers = []
    for row in rows:
        answer = dict(row._mapping)
        median, p90 = answer.pop("percentiles") or (None, None)  # no batches: no percentiles
        answers.append({**answer, "median": median, "p90": p90})
    return answers


async def adoption(
    session: AsyncSession, template: str | None, sites: Sequence[str] | None
) -> list[dict[str, Any]]:
    """For each template: its newest published version, when it was published, and for every
    site that runs the template, what it runs and when the newest version went live there."""
    statement = """
    WITH current AS (
        SELECT DISTINCT ON (key) key, version, published_at FROM template_version
        WHERE status IN ('published', 'deprecated')
          AND (CAST(:template AS text) IS NULL OR key = :template)
        ORDER BY key, major DESC, minor DESC, patch DESC
    ), live AS (
        SELECT site, template, version FROM deployment WHERE status = 'live'
    ), first_live AS (
        SELECT site, template, version, min(since) AS since FROM deployment
        WHERE status IN ('live', 'superseded') GROUP BY site, template, version
    )
    SELECT c.key AS template, c.version AS current_version, c.published_at, l.site,
           l.version AS running_version, f.since AS live_since
    FROM current c
    LEFT JOIN live l ON l.template = c.key AND (CAST(:sites AS text[]) IS NULL
                                                OR l.site = ANY(:sites))
    LEFT JOIN first_live f ON f.template = c.key AND f.site = l.site AND f.version = c.version
    ORDER BY c.key, l.site
    """
    connection = await session.connection()
    rows = await connection.execute(
        text(statement), {"template": template, "sites": list(sites) if sites is not None else None}
    )
    return [dict(row._mapping) for row in rows]


# The kpi_daily columns a guard may count (`guard_counts` formats the name into its SQL).
GUARD_COLUMNS = ("right_first_time", "reworked", "scrapped")


def _require_count_column(caller: str, numerator: str) -> None:
    """`numerator` is formatted into the SQL: never anything but a count column (a real check,
    not an assert, which `python -O` would drop)."""
    if numerator not in GUARD_COLUMNS:
        raise ValueError(
            f"{caller}: {numerator!r} is not a kpi_daily count column "
            f"(expected one of {', '.join(GUARD_COLUMNS)})"
        )


async def guard_counts(
    session: AsyncSession,
    template: str,
    version: str,
    sites: Sequence[str],
    numerator: str,
    since: date,
    started: date,
) -> dict[str, int]:
    """Units and `numerator` (a kpi_daily column) of `sites` under other versions of `template`
    from `since` to `started` (days, inclusive), and under `version` from `started` on."""
    _require_count_column("guard_counts", numerator)
    before = "version <> :version AND day <= :started"
    after = "version = :version AND day >= :started"
    statement = (
        f"SELECT coalesce(sum(units) FILTER (WHERE {before}), 0) AS before_units, "  # noqa: S608
        f"coalesce(sum({numerator}) FILTER (WHERE {before}), 0) AS before_hits, "
        f"coalesce(sum(units) FILTER (WHERE {after}), 0) AS after_units, "
        f"coalesce(sum({numerator}) FILTER (WHERE {after}), 0) AS after_hits "
        "FROM kpi_daily WHERE template = :template AND site = ANY(:sites) AND day >= :since"
    )
    connection = await session.connection()
    row = (
        await connection.execute(
            text(statement),
            {
                "template": template,
                "version": version,
                "sites": list(sites),
                "since": since,
                "started": started,
            },
        )
    ).one()
    return {name: int(value) for name, value in row._mapping.items()}


async def units_since(
    session: AsyncSession, site: str, template: str, version: str, since: datetime
) -> tuple[int, int]:
    """Units (and right-first-time ones) `site` completed under `template`@`version` from
    `since` on, to the second: whole days after from the daily rollup, the day of `since`
    from the units themselves."""
    day = since.astimezone(UTC).date()
    statement = """
    SELECT coalesce(sum(units), 0) AS units, coalesce(sum(right_first_time), 0) AS rft
    FROM kpi_daily WHERE site = :site AND template = :template AND version = :version
      AND day > :day
    UNION ALL
    SELECT count(*), count(*) FILTER (WHERE outcome = 'right_first_time') FROM unit_outcome
    WHERE site = :site AND day = :day AND template = :template AND version = :version
      AND occurred_at >= :since
    """
    connection = await session.connection()
    rows = await connection.execute(
        text(statement),
        {"site": site, "template": template, "version": version, "day": day, "since": since},
    )
    units = right_first_time = 0
    for row in rows:
        units, right_first_time = units + int(row.units), right_first_time + int(row.rft)
    return units, right_first_time


async def recent_volume(
    session: AsyncSession,
    template: str,
    sites: Sequence[str],
    numerator: str,
    since: date,
    until: date,
) -> tuple[int, int]:
    """Units and `numerator` (a kpi_daily column) of `sites` under any version of `template`
    on the days from `since` up to (not including) `until`: their recent volume and baseline."""
    _require_count_column("recent_volume", numerator)
    statement = (
        f"SELECT coalesce(sum(units), 0) AS units, coalesce(sum({numerator}), 0) AS hits "  # noqa: S608
        "FROM kpi_daily WHERE template = :template AND site = ANY(:sites) "
        "AND day >= :since AND day < :until"
    )
    connection = await session.connection()
    row = (
        await connection.execute(
            text(statement),
            {"template": template, "sites": list(sites), "since": since, "until": until},
        )
    ).one()
    return int(row.units), int(row.hits)
