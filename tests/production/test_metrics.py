"""The KPI gauges: what an OpenTelemetry exporter receives after a refresh from the rollups."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from coe.app import create_app
from coe.config import Settings
from coe.db import Sessions
from coe.kpis import metrics
from tests.production.conftest import DAY, KEY, VERSION, batch_event, sender, unit
from tests.world import World


def points(reader: InMemoryMetricReader) -> dict[str, dict[tuple[str, str, str], Any]]:
    data = reader.get_metrics_data()
    assert data is not None
    found: dict[str, dict[tuple[str, str, str], Any]] = {}
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    a = point.attributes or {}
                    key = (
                        str(a["site"]),
                        str(a["template"]),
                        str(a["template.version"]),
                    )
                    found.setdefault(metric.name, {})[key] = point.value  # type: ignore[union-attr]
    return found


async def test_gauges_carry_each_sites_kpis(production: World, sessions: Sessions) -> None:
    reader = InMemoryMetricReader()
    gauges = metrics.KpiGauges.on(MeterProvider(metric_readers=[reader]))
    penang, cork = sender(production.api), sender(production.api, "cork")
    outcomes = ["right_first_time"] * 3 + ["reworked"]
    assert (await penang([unit(n, o) for n, o in enumerate(outcomes)]))[1]["accepted"] == 4
    assert (await cork([unit(1, site="cork"), unit(2, "scrapped", site="cork")]))[0] == 200
    released = DAY + timedelta(hours=6)
    batch = [
        batch_event("batch.completed", "b1", DAY, units=4),
        batch_event("batch.released", "b1", released, disposition="released"),
    ]
    assert (await penang(batch))[1]["accepted"] == 2

    await gauges.refresh(sessions, now=DAY)

    seen = points(reader)
    penang_key, cork_key = ("penang", KEY, VERSION), ("cork", KEY, VERSION)
    assert seen["coe.kpi.units"] == {penang_key: 4, cork_key: 2}
    assert seen["coe.kpi.right_first_time"] == {
        penang_key: pytest.approx(0.75),
        cork_key: pytest.approx(0.5),
    }
    assert seen["coe.kpi.rework_ratio"][penang_key] == pytest.approx(0.25)
    assert seen["coe.kpi.scrap_ratio"][cork_key] == pytest.approx(0.5)
    assert seen["coe.kpi.release_velocity"] == {penang_key: pytest.approx(6.0)}


async def test_each_app_has_its_own_gauges(settings: Settings) -> None:
    """Two apps in one process: each lifespan makes, registers and closes its own snapshot."""
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    first, second = create_app(settings), create_app(settings)
    async with AsyncTestClient(app=first), AsyncTestClient(app=second):
        one, two = first.state.kpi_gauges, second.state.kpi_gauges
        assert one is not two
        assert one.snapshot is not two.snapshot
        mine = metrics.KpiGauges.on(provider)
        theirs = metrics.KpiGauges.on(provider)  # the same provider, as in one process
        mine.snapshot.units[("penang", KEY, VERSION)] = 4
        theirs.snapshot.units[("cork", KEY, VERSION)] = 2
        assert points(reader)["coe.kpi.units"] == {
            ("penang", KEY, VERSION): 4,
            ("cork", KEY, VERSION): 2,
        }
        assert ("penang", KEY, VERSION) not in one.snapshot.units
    assert one.closed
    assert two.closed
    theirs.close()
    assert points(reader)["coe.kpi.units"] == {("penang", KEY, VERSION): 4}
