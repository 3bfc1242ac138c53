"""The KPIs as OpenTelemetry gauges, one point per site, template and version, so the
dashboards and alerts a COE already runs (Grafana, Datadog, …) see the same numbers as the API.

The API refreshes a snapshot from the rollups every `kpi_metrics_interval_seconds`; the gauges'
callbacks only read that snapshot, so an export never waits on the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Meter, Observation

from coe.db import Sessions, read_only
from coe.kpis import repository
from coe.kpis.repository import Filter

log = logging.getLogger("coe.kpis")

WINDOW_DAYS = 30
GROUPS = ["site", "template", "version"]
Key = tuple[str, str, str]


@dataclass
class Snapshot:
    """The latest KPI values per (site, template, version) over the last `WINDOW_DAYS`."""

    units: dict[Key, int]
    ratios: dict[str, dict[Key, float]]
    release_median_hours: dict[Key, float]
    taken_at: datetime | None = None


SNAPSHOT = Snapshot(
    units={}, ratios={"rft": {}, "scrapped": {}, "reworked": {}}, release_median_hours={}
)


def _attributes(key: Key) -> dict[str, str]:
    site, template, version = key
    return {"site": site, "template": template, "template.version": version}


def _observe(values: Mapping[Key, float]) -> Iterable[Observation]:
    return [Observation(value, _attributes(key)) for key, value in sorted(values.items())]


def register(meter: Meter) -> None:
    """The KPI gauges on `meter`, all reading `SNAPSHOT`."""

    def gauge(name: str, values: Callable[[], Mapping[Key, float]], unit: str, text: str) -> None:
        def callback(_options: CallbackOptions) -> Iterable[Observation]:
            return _observe(values())

        meter.create_observable_gauge(
            name, callbacks=[callback], unit=unit, description=f"{text}, last {WINDOW_DAYS} days"
        )

    ratios = SNAPSHOT.ratios
    gauge("coe.kpi.right_first_time", lambda: ratios["rft"], "1", "Right first time / completed")
    gauge("coe.kpi.scrap_ratio", lambda: ratios["scrapped"], "1", "Scrapped / completed")
    gauge("coe.kpi.rework_ratio", lambda: ratios["reworked"], "1", "Reworked / completed")
    gauge("coe.kpi.units", lambda: SNAPSHOT.units, "{unit}", "Units completed (the count behind)")
    gauge(
        "coe.kpi.release_velocity",
        lambda: SNAPSHOT.release_median_hours,
        "h",
        "Median batch completion-to-release time",
    )


register(metrics.get_meter("coe.kpis"))


async def refresh(sessions: Sessions, now: datetime | None = None) -> Snapshot:
    """Recompute the snapshot from the rollups (every site: the gauges are for operators)."""
    end = (now or datetime.now(UTC)).date() + timedelta(days=1)
    start = end - timedelta(days=WINDOW_DAYS)
    async with read_only(sessions) as session:
        counts = await repository.unit_counts(session, GROUPS, Filter(), start, end, "day")
        releases = await repository.release_times(session, GROUPS, Filter(), start, end, "day")
    units: dict[Key, int] = {}
    ratios: dict[str, dict[Key, float]] = {"rft": {}, "scrapped": {}, "reworked": {}}
    for row in counts:
        key = (row["site"], row["template"], row["version"])
        units[key] = int(row["units"] or 0)
        if units[key]:
            for column, values in ratios.items():
                values[key] = int(row[column] or 0) / units[key]
    medians = {
        (row["site"], row["template"], row["version"]): float(row["median"])
        for row in releases
        if row["median"] is not None
    }
    SNAPSHOT.units, SNAPSHOT.release_median_hours = units, medians
    SNAPSHOT.ratios.update(ratios)
    SNAPSHOT.taken_at = datetime.now(UTC)
    return SNAPSHOT


async def keep_fresh(sessions: Sessions, interval: float) -> None:
    """Refresh the snapshot every `interval` seconds until cancelled."""
    while True:
        try:
            await refresh(sessions)
        except Exception:  # a database hiccup must not stop the gauges for good
            log.exception("KPI gauges not refreshed")
        await asyncio.sleep(interval)
