"""`coe environments …` and `coe site instance …` against a real API: tables, --json, and the
refusals as errors that say what is wrong."""

from __future__ import annotations

import json

from tests.cli.conftest import Cli
from tests.world import World


async def test_environments_and_instances_from_the_command_line(cli: Cli, world: World) -> None:
    listed = cli("environments", "list")
    assert listed.returncode == 0, listed.stderr
    assert "validation" in listed.stdout
    assert "production" in listed.stdout
    assert json.loads(cli("environments", "list", "--json").stdout) == ["validation", "production"]

    added = cli(
        "site", "instance", "set", "cork", "validation", "http://127.0.0.1:9301",
        "--reason", "validation agent", user="cara",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "site cork runs in validation at http://127.0.0.1:9301"
    shown = json.loads(cli("site", "show", "cork", "--json", user="cara").stdout)
    assert {"environment": "validation", "endpoint": "http://127.0.0.1:9301"} in [
        {"environment": i["environment"], "endpoint": i["endpoint"]} for i in shown["instances"]
    ]
    assert "validation http://127.0.0.1:9301" in cli("site", "show", "cork", user="cara").stdout

    refused = cli("environments", "set", "production")
    assert refused.returncode == 1
    assert "'validation' still has the instances of cork: remove them first" in refused.stderr

    unknown = cli("site", "instance", "set", "cork", "staging", "http://127.0.0.1:9", user="cara")
    assert unknown.returncode == 1
    assert "'staging' is not one of the enterprise's environments" in unknown.stderr

    removed = cli("site", "instance", "remove", "cork", "validation", "--json", user="cara")
    assert removed.returncode == 0, removed.stderr
    assert "validation" not in [i["environment"] for i in json.loads(removed.stdout)["instances"]]

    changed = cli("environments", "set", "development", "validation", "production", "--json")
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout) == ["development", "validation", "production"]
