"""`coe kpi …` against a real API server, on production events sent as a plant sends them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from coe.cli.kpis import parse_day
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


def test_days_are_iso_dates_or_relative_to_today() -> None:
    today = date(2026, 12, 1)
    assert parse_day("30d", "--from", today) == date(2026, 11, 1)
    assert parse_day("2w", "--from", today) == date(2026, 11, 17)
    assert parse_day("today", "--to", today) == today
    assert parse_day("Yesterday", "--to", today) == date(2026, 11, 30)
    assert parse_day("tomorrow", "--to", today) == date(2026, 12, 2)
    assert parse_day("2026-10-01", "--from", today) == date(2026, 10, 1)
    assert parse_day(None, "--from", today) is None


async def test_relative_days_and_an_empty_window_from_the_command_line(
    cli: Cli, world: World
) -> None:
    await world.publish(production_template())
    three_days_ago = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    three_days_ago -= timedelta(days=3)
    units = [unit(n, at=three_days_ago) for n in range(4)]
    assert (await sender(world.api)(units))[1]["accepted"] == 4

    recent = cli("kpi", "compare", "--from", "7d", "--to", "tomorrow", "--json", user="ada")
    assert recent.returncode == 0, recent.stderr
    [penang] = json.loads(recent.stdout)["rows"]
    assert penang["denominator"] == 4
    assert json.loads(recent.stdout)["warning"] is None

    day = three_days_ago.date().isoformat()
    for command in (
        ("compare", "--by", "region", "--by", "version", "--template", KEY),
        ("trend", "--period", "week"),
        ("versions", KEY, "--from-version", "1.0.0", "--to-version", "1.1.0"),
    ):
        empty = cli("kpi", *command, "--from", "2026-01-01", "--to", "2026-02-01", user="ada")
        assert empty.returncode == 0, empty.stderr
        assert (
            f"no data from 2026-01-01 to 2026-01-31; the data you can see runs from {day} to {day}"
        ) in " ".join(empty.stderr.split()), (command, empty.stderr)

    bad = cli("kpi", "compare", "--from", "last tuesday", user="ada")
    assert bad.returncode == 1
    assert "--from 'last tuesday': give YYYY-MM-DD, today" in " ".join(bad.stderr.split())
