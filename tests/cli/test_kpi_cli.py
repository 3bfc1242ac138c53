"""`coe kpi …` against a real API server, on production events sent as a plant sends them."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Cli
from tests.production.conftest import KEY, production_template, sender, unit
from tests.world import World

WINDOW = ("--from", "2026-10-01", "--to", "2026-12-01")


async def test_compare_versions_and_trend_from_the_command_line(cli: Cli, world: World) -> None:
    await world.publish(production_template())
    await world.publish(production_template("1.1.0"))
    penang, cork = sender(world.api), sender(world.api, "cork")
    # penang 1.0.0: 8/10 right first time, then 1.1.0: 10/10; cork 1.0.0: 5/10.
    before = [unit(n, "right_first_time" if n < 8 else "reworked") for n in range(10)]
    after = [unit(100 + n, version="1.1.0") for n in range(10)]
    assert (await penang(before + after))[1]["accepted"] == 20
    cork_units = [
        unit(n, "right_first_time" if n < 5 else "scrapped", site="cork") for n in range(10)
    ]
    assert (await cork(cork_units))[1]["accepted"] == 10

    compare = cli("kpi", "compare", *WINDOW, "--json", user="ada")
    assert compare.returncode == 0, compare.stderr
    rows = {r["group"]["site"]: r for r in json.loads(compare.stdout)["rows"]}
    assert (rows["penang"]["numerator"], rows["penang"]["denominator"]) == (18, 20)
    assert (rows["cork"]["numerator"], rows["cork"]["denominator"]) == (5, 10)
    human = cli("kpi", "compare", *WINDOW, "--metric", "scrap_ratio", user="ada")
    assert human.returncode == 0, human.stderr
    assert "scrap ratio by site" in human.stdout
    assert "5/10" in human.stdout
    assert "0/20" in human.stdout

    versions = cli(
        "kpi",
        "versions",
        KEY,
        "--from-version",
        "1.0.0",
        "--to-version",
        "1.1.0",
        *WINDOW,
        "--json",
        user="ada",
    )
    assert versions.returncode == 0, versions.stderr
    result = json.loads(versions.stdout)
    assert result["enterprise"]["before"]["denominator"] == 10, "cork never ran 1.1.0"
    assert result["enterprise"]["difference"] == pytest.approx(0.2)

    trend = cli("kpi", "trend", *WINDOW, "--period", "month", user="ada")
    assert trend.returncode == 0, trend.stderr
    assert "penang" in trend.stdout
    assert "90.0 %" in trend.stdout

    bad = cli("kpi", "compare", "--metric", "oee", user="ada")
    assert bad.returncode == 1
    assert "--metric must be one of" in bad.stderr
    refused = cli("kpi", "compare", user=None)
    assert refused.returncode == 1
