"""What every command shares: ids as people type them, output for pipes (`-o table|plain|json`,
watch as lines), one spelling of enums, --help with examples, and shell completion."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from sqlalchemy import update
from sqlmodel import col

from coe.cli import command, leaves
from coe.cli.client import ApiClient
from coe.cli.enums import ENUM_FIELDS, enum_fields
from coe.cli.ids import resolve_id
from coe.config import Settings
from coe.db import Sessions, transaction
from coe.graphql.schema import build_schema
from coe.models import Rollout
from tests.cli.conftest import Cli
from tests.world import World, template

BOX = set("─│┃┏┓┗┛━┡┩╇┼┬┴├┤╭╮╰╯")
LONG_KEY = "pouch-sealing-with-a-rather-long-template-key"


def plan(tmp_path: Path, key: str) -> Path:
    path = tmp_path / f"{key}.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "coe.dev/v1",
                "kind": "RolloutPlan",
                "metadata": {"template": key, "version": "1.0.0", "reason": "t"},
                "spec": {"waves": [{"name": "pilot", "sites": ["penang"]}]},
            }
        )
    )
    return path


async def started(cli: Cli, world: World, tmp_path: Path, *keys: str) -> list[str]:
    """Publish a template per key and start a rollout of each, in order; their ids."""
    await world.plant_at("penang")
    for key in keys:
        document = template()
        document["metadata"]["key"] = key
        await world.publish(document)
        run = cli("rollout", "start", "--plan", str(plan(tmp_path, key)), "--json")
        assert run.returncode == 0, run.stderr
    listed = json.loads(cli("rollout", "list", "--json").stdout)
    return [row["id"] for row in reversed(listed)]


def failure(api: ApiClient, kind: str, given: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(typer.Exit) as exited:
        resolve_id(api, kind, given)  # type: ignore[arg-type]
    assert exited.value.exit_code == 1
    return capsys.readouterr().err


# Item 8: ids are a full id, `latest`, or a unique prefix (or the random tail).
async def test_ids_resolve_from_latest_prefixes_and_tails(
    cli: Cli, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = await started(cli, world, tmp_path, "pouch-sealing", "pouch-sealing-x")
    api = ApiClient(cli.url, cli.token_for("ada"))
    assert resolve_id(api, "rollout", first) == first
    assert resolve_id(api, "rollout", "latest") == second
    assert resolve_id(api, "rollout", "pouch-sealing-x") == second
    assert resolve_id(api, "rollout", "pouch-sealing-1") == first
    assert resolve_id(api, "rollout", first.rsplit("-", 1)[1]) == first
    ambiguous = failure(api, "rollout", "pouch-sea", capsys)
    assert "AMBIGUOUS" in ambiguous
    assert first in ambiguous
    assert second in ambiguous
    unknown = failure(api, "rollout", "nothing-like-it", capsys)
    assert "NOT_FOUND" in unknown
    assert "no rollout matches 'nothing-like-it'" in unknown
    none_yet = failure(api, "transfer", "latest", capsys)
    assert "NOT_FOUND" in none_yet
    assert "no transfer you can see" in none_yet


# Item 9: piped tables are never cut, -o plain is rows under a header, -o json is --json.
async def test_piped_tables_keep_ids_whole_and_every_command_takes_output(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    (rollout_id,) = await started(cli, world, tmp_path, LONG_KEY)
    narrow = {"COLUMNS": "80"}
    shown = cli("rollout", "list", env=narrow)
    assert shown.returncode == 0, shown.stderr
    assert rollout_id in shown.stdout, shown.stdout
    assert "…" not in shown.stdout
    plain = cli("rollout", "list", "-o", "plain", env=narrow)
    assert plain.returncode == 0, plain.stderr
    header, *rows = plain.stdout.splitlines()
    assert "\t" in header
    assert header.split("\t")[0] == "id"
    assert rows[0].split("\t")[0] == rollout_id
    assert not BOX & set(plain.stdout), plain.stdout
    assert "\x1b[" not in plain.stdout
    status = cli("rollout", "status", rollout_id, "--output", "plain", env=narrow)
    assert status.returncode == 0, status.stderr
    assert not BOX & set(status.stdout)
    assert rollout_id in status.stdout
    as_json = cli("rollout", "list", "-o", "json")
    assert json.loads(as_json.stdout) == json.loads(cli("rollout", "list", "--json").stdout)
    faults = cli("plant-faults", "penang", "--down", "-o", "json", user=None)
    assert json.loads(faults.stdout)["down"] is True
    wrong = cli("rollout", "list", "-o", "yaml")
    assert wrong.returncode == 2
    assert "yaml" in wrong.stderr


async def _set_status(sessions: Sessions, rollout_id: str, status: str) -> None:
    async with transaction(sessions) as session:
        await session.exec(
            update(Rollout).where(col(Rollout.id) == rollout_id).values(status=status)
        )


# Item 9: piped, --watch prints a line per change; it stops where a person must act (or, with
# --until, at that status), and when the rollout has finished.
@pytest.mark.parametrize(
    ("until", "statuses"),
    [
        (None, ("awaiting_approval",)),
        ("completed", ("awaiting_approval", "running", "completed")),
    ],
)
async def test_piped_watch_prints_a_line_per_change_until_it_stops(
    cli: Cli,
    world: World,
    tmp_path: Path,
    sessions: Sessions,
    until: str | None,
    statuses: tuple[str, ...],
) -> None:
    (rollout_id,) = await started(cli, world, tmp_path, "pouch-sealing")
    watching = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "coe", "rollout", "status", rollout_id, "--watch"),
        *("--interval", "0.2", *(("--until", until) if until else ())),
        env=cli.environment("ada"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert watching.stdout is not None

    async def line() -> str:
        assert watching.stdout is not None
        return (await asyncio.wait_for(watching.stdout.readline(), 60)).decode().rstrip("\n")

    try:
        seen = [await line()]
        for status in statuses:
            await _set_status(sessions, rollout_id, status)
            seen.append(await line())
        assert await line() == "", "the watch ends there"
        assert await asyncio.wait_for(watching.wait(), 60) == 0
    finally:
        if watching.returncode is None:
            watching.kill()
    for shown, status in zip(seen, ("running", *statuses), strict=True):
        assert rollout_id in shown, seen
        assert status in shown, seen


# Item 10: enums are lowercase everywhere the CLI prints them, as tables and docs spell them.
def test_the_cli_knows_every_enum_field_of_the_schema() -> None:
    assert enum_fields(build_schema(Settings())._schema) == ENUM_FIELDS, (
        "coe/cli/enums.py ENUM_FIELDS is stale: set it to the value on the left"
    )


async def test_json_and_tables_spell_statuses_alike(cli: Cli, world: World) -> None:
    await world.publish(template())
    shown = cli("template", "show", "pouch-sealing@1.0.0", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "published"
    listed = json.loads(cli("template", "list", "-o", "json").stdout)
    assert listed[0]["versions"][0]["status"] == "published"
    assert "PUBLISHED" not in cli("template", "list").stdout


# Item 10: plant-faults says what it did in words.
def test_plant_faults_prints_a_sentence_not_a_dict(cli: Cli) -> None:
    slow = cli("plant-faults", "cork", "--slow", "2", "--flaky", "0.3", user=None)
    assert slow.returncode == 0, slow.stderr
    assert slow.stdout.strip() == (
        "cork: slow (2 s before every answer); flaky (30% of answers are HTTP 503)"
    )
    cleared = cli("plant-faults", "cork", "--clear", user=None)
    assert cleared.stdout.strip() == "cork: no faults: the agent answers normally"
    assert json.loads(cli("plant-faults", "cork", "--json", user=None).stdout) == {
        "site": "cork",
        "slowSeconds": 0.0,
        "flaky": 0.0,
        "wrongHash": False,
        "down": False,
    }


# Item 10: no RuntimeDirWarning (embedded database) or GetPassWarning (hidden prompt, no tty).
def test_local_commands_print_no_library_warnings(cli: Cli, tmp_path: Path) -> None:
    embedded = cli(
        "db",
        "upgrade",
        user=None,
        env={"XDG_RUNTIME_DIR": None, "DATABASE_URL": None, "COE_HOME": str(tmp_path / "home")},
    )
    assert embedded.returncode == 0, embedded.stderr
    assert "Warning" not in embedded.stderr, embedded.stderr
    prompted = cli(
        "user", "add", "jdoe", "--name", "Jane Doe", "--role", "executive", stdin="secret\n"
    )
    assert "GetPassWarning" not in prompted.stderr, prompted.stderr
    assert prompted.returncode == 1
    assert "--password-stdin" in prompted.stderr
    assert "jdoe" not in cli("user", "list", "--json").stdout, "nothing was written"


# Item 12: every command's --help ends with examples; completion for bash, zsh and fish.
def _paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    children = getattr(group, "commands", None)
    if children is None:
        return [(prefix, group)]
    return [found for name, child in children.items() for found in _paths(child, (*prefix, name))]


def test_every_command_has_examples_in_its_help() -> None:
    commands = _paths(command())
    assert len(commands) == len(list(leaves(command()))) > 40
    missing = [" ".join(path) for path, leaf in commands if "Examples" not in (leaf.epilog or "")]
    assert missing == [], f"commands without an Examples epilog: {missing}"


def test_help_renders_examples_one_command_a_line(cli: Cli) -> None:
    shown = cli("completion", "--help", user=None)
    assert shown.returncode == 0, shown.stderr
    after = shown.stdout.split("Examples", 1)[1].splitlines()
    commands = [line.strip() for line in after if line.strip()]
    assert commands[:3] == [
        'eval "$(coe completion bash)"',
        "coe completion zsh > ~/.zfunc/_coe",
        "coe completion fish > ~/.config/fish/completions/coe.fish",
    ]


def test_completion_scripts_and_the_completion_protocol(cli: Cli) -> None:
    bash = cli("completion", "bash", user=None)
    assert bash.returncode == 0, bash.stderr
    assert "complete -o default -F _coe_completion coe" in bash.stdout
    assert "_COE_COMPLETE=complete_bash" in bash.stdout
    for shell, marker in (("zsh", "#compdef coe"), ("fish", "complete --command coe")):
        assert marker in cli("completion", shell, user=None).stdout
    offered = cli(
        user=None,
        env={"_COE_COMPLETE": "complete_bash", "COMP_WORDS": "coe roll", "COMP_CWORD": "1"},
    )
    assert offered.returncode == 0, offered.stderr
    assert offered.stdout.split() == ["rollout"]
    formats = cli(
        user=None,
        env={
            "_COE_COMPLETE": "complete_bash",
            "COMP_WORDS": "coe rollout list -o ",
            "COMP_CWORD": "4",
        },
    )
    assert formats.stdout.split() == ["table", "plain", "json"]
