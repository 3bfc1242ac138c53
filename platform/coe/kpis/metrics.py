"""The KPIs as OpenTelemetry gauges, one point per site, template and version, so the
dashboards and alerts a COE already runs (Grafana, Datadog, …) see the same numbers as the API.

The API refreshes a snapshot from the rollups every `kpi_metrics_interval_seconds`; the gauges'
callbacks only read that snapshot, so an export never waits on the database. The snapshot and
the gauges belong to one app (`KpiGauges`, made by its lifespan), never to the module."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from opentelemetry.metrics import CallbackOptions, Meter, MeterProvider, Observation

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

    units: dict[Key, int] = field(default_factory=dict)
    ratios: dict[str, dict[Key, float]] = field(
        default_factory=lambda: {"rft": {}, "scrapped": {}, "reworked": {}}
    )
    release_median_hours: dict[Key, float] = field(default_factory=dict)
    taken_at: datetime | None = None


def _attributes(key: Key) -> dict[str, str]:
    site, template, version = key
    return {"site": site, "template": template, "template.version": version}


def _observe(values: Mapping[Key, float]) -> Iterable[Observation]:
    return [Observation(value, _attributes(key)) for key, value in sorted(values.items())]


class KpiGauges:
    """One app's KPI gauges: its own snapshot, and the gauges on a meter that read it. The app's
    lifespan makes one, registers it and closes it; after `close()` the gauges report nothing."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self.closed = False

    @classmethod
    def on(cls, provider: MeterProvider) -> KpiGauges:
        """New gauges on a meter of their own: OpenTelemetry keeps the first instrument of each
        name per meter, so two apps in one process (the tests) would otherwise share one set."""
        gauges = cls()
        gauges.register(provider.get_meter("coe.kpis", attributes={"coe.gauges": uuid4().hex}))
        return gauges

    def register(self, meter: Meter) -> None:
        """The KPI gauges on `meter`, all reading this object's snapshot."""

        def gauge(
            name: str, values: Callable[[], Mapping[Key, float]], unit: str, text: str
        ) -> None:
            def callback(_options: CallbackOptions) -> Iterable[Observation]:
                return [] if self.closed else _observe(values())

            meter.create_observable_gauge(
                name,
                callbacks=[callback],
                unit=unit,
                description=f"{text}, last {WINDOW_DAYS} days",
            )

        ratios = self.snapshot.ratios
        gauge(
            "coe.kpi.right_first_time", lambda: ratios["rft"], "1", "Right first time / completed"
        )
        gauge("coe.kpi.scrap_ratio", lambda: ratios["scrapped"], "1", "Scrapped / completed")
        gauge("coe.kpi.rework_ratio", lambda: ratios["reworked"], "1", "Reworked / completed")
        gauge(
            "coe.kpi.units",
            lambda: self.snapshot.units,
            "{unit}",
            "Units completed (the count behind)",
        )
        gauge(
            "coe.kpi.release_velocity",
            lambda: self.snapshot.release_median_hours,
            "h",
            "Median batch completion-to-release time",
        )

    async def refresh(self, sessions: Sessions, now: datetime | None = None) -> Snapshot:
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
        snapshot = self.snapshot
        snapshot.units, snapshot.release_median_hours = units, medians
        snapshot.ratios.update(ratios)
        snapshot.taken_at = datetime.now(UTC)
        return snapshot

    async def keep_fresh(self, sessions: Sessions, interval: float) -> None:
        """Refresh the snapshot every `interval` seconds until cancelled."""
        while True:
            try:
                await self.refresh(sessions)
            except Exception:  # a database hiccup must not stop the gauges for good
                log.exception("KPI gauges not refreshed")
            await asyncio.sleep(interval)

    def close(self) -> None:
        """The app is gone: its gauges report nothing from now on."""
        self.closed = True
