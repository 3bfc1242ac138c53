"""The registry from the command line, against a real API server, as the README shows it."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.cli.conftest import Cli
from tests.world import PASSWORD, World, overlay, template

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_content_validates_offline(cli: Cli) -> None:
    templates = cli("template", "validate", str(ROOT / "templates"), user=None)
    assert templates.returncode == 0, templates.stdout
    assert "7 file(s) checked, 0 violation(s)" in templates.stdout
    overlays = cli(
        "overlay",
        "validate",
        str(ROOT / "site_overlays"),
        "--template",
        str(ROOT / "templates"),
        user=None,
    )
    assert overlays.returncode == 0, overlays.stdout
    assert "migrates seal_temp → seal_temperature_c" in overlays.stdout


def test_offline_validation_prints_file_pointer_reason(cli: Cli, tmp_path: Path) -> None:
    bad = template(cycles={"default": 99})
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    result = cli("template", "validate", str(tmp_path), user=None)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"{tmp_path}/bad.yaml:/spec/parameters/cycles/default: the default 99 is above the "
        "maximum 5" in lines
    )
    assert f"{tmp_path}/list.yaml:: the document must be a mapping of fields, not list" in lines
    as_json = json.loads(
        cli("template", "validate", str(tmp_path / "bad.yaml"), "--json", user=None).stdout
    )
    assert as_json["violations"] == [
        {
            "file": f"{tmp_path}/bad.yaml",
            "path": "/spec/parameters/cycles/default",
            "reason": "the default 99 is above the maximum 5",
        }
    ]


def test_offline_diff_of_two_files(cli: Cli) -> None:
    result = cli(
        "template",
        "diff",
        str(ROOT / "templates/sterile-barrier-sealing-1.4.0.yaml"),
        str(ROOT / "templates/sterile-barrier-sealing-2.0.0.yaml"),
        "--json",
        user=None,
    )
    diff = json.loads(result.stdout)
    assert diff["breaking"] is True
    assert "parameter seal_temp renamed to seal_temperature_c (overlays migrate automatically)" in [
        c["description"] for c in diff["changes"]
    ]


async def test_publish_approve_apply_show_from_the_cli(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "pouch.yaml"
    path.write_text(yaml.safe_dump(template()))
    uploaded = cli("template", "publish", str(path))
    assert uploaded.returncode == 0, uploaded.stderr
    assert "is in review" in uploaded.stdout
    refused = cli(
        "template",
        "approve",
        "pouch-sealing@1.0.0",
        "--reason",
        "ok",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert refused.returncode == 1
    assert "four-eyes" in refused.stderr
    approved = cli(
        "template",
        "approve",
        "pouch-sealing@1.0.0",
        "--reason",
        "report reviewed",
        "--password-stdin",
        user="quinn",
        stdin=PASSWORD + "\n",
    )
    assert approved.returncode == 0, approved.stderr
    assert "Quinn Murphy (quinn) — approved" in approved.stdout
    published = cli("template", "publish", "pouch-sealing@1.0.0", "--json")
    assert json.loads(published.stdout)["status"] == "published"
    listed = json.loads(cli("template", "list", "--json", user="sam").stdout)
    assert listed[0]["versions"][0]["status"] == "published"
    shown = cli("template", "show", "pouch-sealing", user="sam")
    assert "seal_temperature_c" in shown.stdout
    assert "locked" in shown.stdout

    overlay_file = tmp_path / "penang.yaml"
    overlay_file.write_text(yaml.safe_dump(overlay(seal_temperature_c=187)))
    applied = cli("overlay", "apply", str(overlay_file), user="sam")
    assert applied.returncode == 0, applied.stderr
    assert "revision 1: proposed" in applied.stdout
    signed = cli(
        "overlay",
        "approve",
        "penang",
        "pouch-sealing",
        "--reason",
        "ok",
        "--password-stdin",
        user="quinn",
        stdin=PASSWORD + "\n",
    )
    assert signed.returncode == 0, signed.stderr
    definition = json.loads(
        cli("definition", "show", "penang", "pouch-sealing", "--json", user="sam").stdout
    )
    assert definition["overlayVersion"] == 1
    assert definition["definition"]["parameters"]["seal_temperature_c"]["value"] == 187
    canonical = cli(
        "definition", "show", "penang", "pouch-sealing@1.0.0", "--canonical", user="sam"
    )
    assert json.loads(canonical.stdout) == definition["definition"]

    breaking = tmp_path / "pouch-2.yaml"
    breaking.write_text(yaml.safe_dump(template("2.0.0", seal_temperature_c={"maximum": 185})))
    cli("template", "publish", str(breaking))
    cli(
        "template",
        "approve",
        "pouch-sealing@2.0.0",
        "--reason",
        "ok",
        "--password-stdin",
        user="quinn",
        stdin=PASSWORD + "\n",
    )
    cli("template", "publish", "pouch-sealing@2.0.0")
    impact = cli("template", "impact", "pouch-sealing@2.0.0", "--json", user="sam")
    sites = {s["site"]: s for s in json.loads(impact.stdout)["sites"]}
    assert sites["penang"]["status"] == "needs_overlay_change"
    online_diff = json.loads(
        cli("template", "diff", "pouch-sealing@1.0.0", "pouch-sealing@2.0.0", "--json").stdout
    )
    assert online_diff["breaking"] is True


async def test_sync_plans_applies_and_then_changes_nothing(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    templates, overlays = tmp_path / "templates", tmp_path / "site_overlays"
    (overlays / "penang").mkdir(parents=True)
    templates.mkdir()
    (templates / "pouch-1.0.0.yaml").write_text(yaml.safe_dump(template()))
    (overlays / "penang" / "pouch-sealing.yaml").write_text(yaml.safe_dump(overlay()))

    plan = json.loads(cli("sync", str(templates), str(overlays), "--dry-run", "--json").stdout)
    assert [(a["step"], a["target"]) for a in plan["actions"]] == [
        ("create", "pouch-sealing@1.0.0"),
        ("blocked", "penang/pouch-sealing#1"),
    ]
    assert json.loads(cli("template", "list", "--json").stdout) == [], "dry run changed nothing"

    first = json.loads(cli("sync", str(templates), str(overlays), "--json").stdout)
    assert first["applied"] == [{"step": "create", "target": "pouch-sealing@1.0.0"}]
    again = json.loads(cli("sync", str(templates), str(overlays), "--json").stdout)
    assert again["applied"] == []
    assert [a["step"] for a in again["actions"]] == ["waiting", "blocked"]

    cli(
        "template",
        "approve",
        "pouch-sealing@1.0.0",
        "--reason",
        "ok",
        "--password-stdin",
        user="quinn",
        stdin=PASSWORD + "\n",
    )
    third = json.loads(cli("sync", str(templates), str(overlays), "--json").stdout)
    assert third["applied"] == [
        {"step": "publish", "target": "pouch-sealing@1.0.0"},
        {"step": "propose", "target": "penang/pouch-sealing#1"},
    ]
    quiet = cli("sync", str(templates), str(overlays))
    assert "nothing to change" in quiet.stdout

    changed = template(seal_temperature_c={"default": 181})
    (templates / "pouch-1.0.0.yaml").write_text(yaml.safe_dump(changed))
    refused = cli("sync", str(templates), str(overlays), "--json")
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["actions"][0]["step"] == "error"


def test_sync_refuses_invalid_files_and_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "templates" / "broken.yaml").write_text("apiVersion: coe.dev/v1\n")
    result = cli("sync", str(tmp_path / "templates"), str(ROOT / "site_overlays"))
    assert result.returncode == 1
    assert "broken.yaml:/kind: required field is missing" in result.stdout
    assert json.loads(cli("template", "list", "--json").stdout) == []


def test_api_commands_explain_a_missing_token(cli: Cli) -> None:
    result = cli("template", "list", user=None)
    assert result.returncode == 1
    assert "no token" in result.stderr


def _on_a_terminal(cli: Cli, user: str, *args: str, typed: str) -> tuple[int, str]:
    """Run `coe` with a pseudo-terminal as its standard input (as a person at a terminal), type
    `typed` once asked for the password; return its exit code and everything it printed."""
    controller, terminal = pty.openpty()
    env = {
        **os.environ,
        "COE_API_URL": cli.url,
        "COE_TOKEN": cli.token_for(user),
        "COE_HOME": str(cli.settings.home),
        "COLUMNS": "200",
    }
    process = subprocess.Popen(  # no controlling terminal: getpass uses stdin, the terminal
        [sys.executable, "-m", "coe", *args],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    output = b""
    assert process.stdout is not None
    while b"(e-signature): " not in output:
        chunk = os.read(process.stdout.fileno(), 4096)
        assert chunk, f"no password prompt: {output!r}"
        output += chunk
    os.write(controller, typed.encode() + b"\n")
    rest, _ = process.communicate(timeout=120)
    os.close(controller)
    return process.returncode, (output + rest).decode()


async def test_signing_asks_for_the_password_on_a_terminal_only(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "pouch.yaml"
    path.write_text(yaml.safe_dump(template()))
    assert cli("template", "publish", str(path)).returncode == 0
    approve = ("template", "approve", "pouch-sealing@1.0.0", "--reason", "report reviewed")
    # No terminal and no --password-stdin: a clear refusal, not a warning or a hang.
    piped = cli(*approve, user="quinn", stdin="")
    assert piped.returncode == 1
    assert "GetPassWarning" not in piped.stderr
    assert "run this on a terminal to be asked for it, or pipe it in with --password-stdin" in (
        " ".join(piped.stderr.split())
    )
    empty = cli(*approve, "--password-stdin", user="quinn", stdin="")
    assert empty.returncode == 1
    assert "standard input held no password" in empty.stderr
    # On a terminal: asked, without echo, and signed.
    code, printed = _on_a_terminal(cli, "quinn", *approve, typed=PASSWORD)
    assert code == 0, printed
    assert "Password for quinn (e-signature): " in printed
    assert PASSWORD not in printed, "the password is not echoed"
    assert "Quinn Murphy (quinn) — approved" in printed


def test_every_registry_and_kpi_command_shows_examples() -> None:
    from coe.cli import kpis, overlays, templates

    for group, name in ((templates.app, "template"), (overlays.app, "overlay"), (kpis.app, "kpi")):
        for command in group.registered_commands:
            epilog = command.epilog or ""
            assert f"coe {name} {command.name}" in epilog, (name, command.name)
