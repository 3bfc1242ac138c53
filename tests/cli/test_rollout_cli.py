"""`coe rollout check`: a plan checked as start would, from the command line, nothing started."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.conftest import Cli
from tests.world import World, template

GUARD = {"metric": "right_first_time", "maxDrop": 0.01, "minUnits": 50, "window": "24h"}


def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "coe.dev/v1",
                "kind": "RolloutPlan",
                "metadata": {"template": "pouch-sealing", "version": "1.0.0", "reason": "t"},
                "spec": {
                    "waves": [
                        {"name": "pilot", "sites": ["penang"], "gates": [{"kpiGuard": GUARD}]},
                        {"name": "rest", "sites": ["cork"]},
                    ]
                },
            }
        )
    )
    return path


async def test_a_plan_is_checked_without_starting_it(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    await world.publish(template())
    path = plan_file(tmp_path)
    shown = cli("rollout", "check", "--plan", str(path))
    assert shown.returncode == 0, shown.stderr
    assert "pilot" in shown.stdout
    assert "kpiGuard right_first_time on pilot" in shown.stdout
    assert "warning:" in shown.stdout
    checked = json.loads(cli("rollout", "check", "--plan", str(path), "--json").stdout)
    assert [(w["name"], w["sites"]) for w in checked["waves"]] == [
        ("pilot", ["penang"]),
        ("rest", ["cork"]),
    ]
    assert checked["estimates"][0]["enough"] is False
    assert checked["warnings"]
    listed = json.loads(cli("rollout", "list", "--json").stdout)
    assert listed == [], "checking starts nothing"
    started = cli("rollout", "start", "--plan", str(path))
    assert started.returncode == 0, started.stderr
    busy = cli("rollout", "check", "--plan", str(path))
    assert busy.returncode == 1
    assert "CONFLICT" in busy.stderr
    assert "already under way" in busy.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: RolloutPlan\n")
    refused = cli("rollout", "check", "--plan", str(bad))
    assert refused.returncode == 1
    assert "VALIDATION_FAILED" in refused.stderr
    assert "/apiVersion: required field is missing" in refused.stderr
