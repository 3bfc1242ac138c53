"""`coe rollout …` from the command line: a plan checked as start would (nothing started); a
rollout named by its id, `latest`, a prefix or its tail; a finished one refused in our words."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.rollouts.service import workflow_id
from tests.cli.conftest import Cli
from tests.rollouts.conftest import Agent, agent, client, fleet, plan, settings, wait_for, worker
from tests.world import PASSWORD, World, template

__all__ = ["agent", "client", "fleet", "settings", "worker"]  # the rollouts' fleet, as fixtures

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
    for site in ("penang", "cork"):
        await world.plant_at(site)
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


async def test_a_rollout_is_named_by_its_id_latest_or_a_prefix(
    cli: Cli,
    fleet: World,
    agent: Agent,
    worker: Worker,
    temporal_env: WorkflowEnvironment,
    tmp_path: Path,
) -> None:
    async def coe(*args: str, **options: Any) -> subprocess.CompletedProcess[str]:
        # in a thread: the worker shares this event loop and must keep running meanwhile
        return await asyncio.to_thread(cli, *args, **options)

    gate = {"approval": {"role": "qa_approver"}}
    path = tmp_path / "pilot.yaml"
    path.write_text(plan({"name": "pilot", "sites": ["cork"], "gates": [gate]}))
    started = await coe("rollout", "start", "--plan", str(path))
    assert started.returncode == 0, started.stderr
    headline = re.fullmatch(r"rollout (\S+) started", started.stdout.splitlines()[0])
    assert headline, started.stdout
    rollout_id = headline.group(1)
    tail = rollout_id.rsplit("-", 1)[1]
    for given in ("latest", rollout_id, "pouch-sealing-1.0", tail):
        shown = await coe("rollout", "status", given, "--json")
        assert shown.returncode == 0, (given, shown.stderr)
        assert json.loads(shown.stdout)["id"] == rollout_id, given
    unknown = await coe("rollout", "status", "sterile-barrier")
    assert unknown.returncode != 0
    assert "no rollout matches 'sterile-barrier'" in unknown.stderr
    await wait_for(fleet, rollout_id, "awaiting_approval")
    approved = await coe(
        "rollout",
        "approve",
        "latest",
        "--wave",
        "pilot",
        "--reason",
        "pilot batches released",
        "--password-stdin",
        user="quinn",
        stdin=PASSWORD + "\n",
    )
    assert approved.returncode == 0, approved.stderr
    assert f"coe rollout status {rollout_id} --watch" in approved.stdout
    await wait_for(fleet, rollout_id, "completed")
    await temporal_env.client.get_workflow_handle(workflow_id(rollout_id)).result()  # it ended
    late = await coe("rollout", "pause", tail, "--reason", "too late")
    assert late.returncode != 0
    assert "CONFLICT" in late.stderr
    assert f"rollout {rollout_id} has finished (completed); nothing to pause" in late.stderr
    assert "workflow execution" not in late.stderr
