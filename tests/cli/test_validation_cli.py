"""`coe validation …` and `coe sync` with validation records, against a real API: tables,
--json, offline FILE:POINTER: reason lines, and a frozen record as a sync error."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import yaml
from sqlmodel import select

from coe.db import Sessions, transaction
from coe.models.validation import ValidationRecord, ValidationStatus
from tests.cli.conftest import Cli
from tests.validation.test_document import RECORD, RECORD_FILE, TEMPLATES
from tests.world import PASSWORD, World

KEY = "sterile-barrier-sealing"


def test_records_validate_offline(cli: Cli, tmp_path: Path) -> None:
    shipped = cli("validation", "validate", str(TEMPLATES), user=None)
    assert shipped.returncode == 0, shipped.stdout
    assert "1 file(s) checked, 0 violation(s)" in shipped.stdout

    bad = copy.deepcopy(RECORD)
    bad["spec"]["testCases"][1]["parameters"]["seal_temperature_c"] = 200
    bad["spec"]["risk"].pop(0)
    path = tmp_path / "bad.validation.yaml"
    path.write_text(yaml.safe_dump(bad, sort_keys=False))
    refused = cli("validation", "validate", str(path), "--templates", str(TEMPLATES), user=None)
    assert refused.returncode == 1
    assert refused.stdout.splitlines() == [
        f"{path}:/spec/risk: operation 'op10-line-clearance' has no risk entry",
        f"{path}:/spec/testCases/1/parameters/seal_temperature_c: 200 is above the maximum 190",
        "1 file(s) checked, 2 violation(s): failed",
    ]
    as_json = json.loads(
        cli("validation", "validate", str(path), "--templates", str(TEMPLATES), "--json").stdout
    )
    assert {"file": str(path), "path": "/spec/risk", "reason": (
        "operation 'op10-line-clearance' has no risk entry"
    )} in as_json["violations"]  # fmt: skip

    alone = cli("validation", "validate", str(path), user=None)  # no template file beside it
    assert alone.returncode == 1
    assert f"{path}:/metadata/version: {KEY}@2.1.0 is not among the valid template files" in (
        alone.stdout
    )


async def test_save_show_and_list_from_the_command_line(cli: Cli, world: World) -> None:
    for version in ("2.0.0", "2.1.0"):
        (await world.save(yaml.safe_load((TEMPLATES / f"{KEY}-{version}.yaml").read_text()))).ok()

    saved = cli("validation", "save", str(RECORD_FILE), user="quinn")
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.startswith(f"validation record {KEY}@2.1.0: created (open; sha256 ")
    again = json.loads(cli("validation", "save", str(RECORD_FILE), "--json", user="ada").stdout)
    assert again["outcome"] == "unchanged"

    shown = cli("validation", "show", f"{KEY}@2.1.0", user="sam")
    assert shown.returncode == 0, shown.stderr
    for text in (
        "CSA record of sterile barrier sealing 2.1.0",
        "op30-seal",
        "TC-SEAL-2",
        "seal_temperature_c=190",
        "reuses results of 2.0.0",
        "charter (2h",
    ):
        assert text in shown.stdout, text  # fmt: skip
    record = json.loads(cli("validation", "show", f"{KEY}@2.1.0", "--json").stdout)
    assert [c["id"] for c in record["testCases"]] == [
        "TC-SETUP-1", "TC-SEAL-1", "TC-SEAL-2", "TC-INSP-1", "TC-LABEL-1"
    ]  # fmt: skip
    listed = cli("validation", "list", "--template", KEY)
    assert "Validation records (1)" in listed.stdout
    assert json.loads(cli("validation", "list", "--json").stdout)[0]["version"] == "2.1.0"

    forbidden = cli("validation", "save", str(RECORD_FILE), user="sam")
    assert forbidden.returncode == 1
    assert "requires one of the roles" in forbidden.stderr
    missing = cli("validation", "show", f"{KEY}@2.0.0")
    assert missing.returncode == 1
    assert f"{KEY}@2.0.0 has no validation record" in missing.stderr
    unversioned = cli("validation", "show", KEY)
    assert unversioned.returncode == 1
    assert "give KEY@VERSION" in unversioned.stderr


async def test_sync_saves_records_after_the_templates(
    cli: Cli, world: World, sessions: Sessions, tmp_path: Path
) -> None:
    templates, overlays = tmp_path / "templates", tmp_path / "site_overlays"
    templates.mkdir()
    overlays.mkdir()
    for name in (f"{KEY}-2.0.0.yaml", f"{KEY}-2.1.0.yaml", RECORD_FILE.name):
        shutil.copy(TEMPLATES / name, templates / name)
    target = f"validation record {KEY}@2.1.0"

    plan = json.loads(cli("sync", str(templates), str(overlays), "--dry-run", "--json").stdout)
    assert [(a["step"], a["target"]) for a in plan["actions"]] == [
        ("create", f"{KEY}@2.0.0"),
        ("create", f"{KEY}@2.1.0"),
        ("create", target),
    ]
    first = json.loads(cli("sync", str(templates), str(overlays), "--json").stdout)
    assert first["applied"][-1] == {"step": "create", "target": target}
    again = json.loads(cli("sync", str(templates), str(overlays), "--json").stdout)
    assert again["applied"] == []
    assert again["actions"][-1]["step"] == "unchanged"

    changed = copy.deepcopy(RECORD)
    changed["spec"]["testCases"][1]["parameters"]["seal_temperature_c"] = 172
    (templates / RECORD_FILE.name).write_text(yaml.safe_dump(changed, sort_keys=False))
    update = cli("sync", str(templates), str(overlays))
    assert update.returncode == 0, update.stdout
    assert "validation record updated (open)" in update.stdout

    async with transaction(sessions) as session:
        row = (await session.exec(select(ValidationRecord))).one()
        row.status = ValidationStatus.APPROVED
        session.add(row)
    (templates / RECORD_FILE.name).write_text(yaml.safe_dump(RECORD, sort_keys=False))
    frozen = cli("sync", str(templates), str(overlays), "--json")
    assert frozen.returncode == 1
    last = json.loads(frozen.stdout)["actions"][-1]
    assert (last["step"], last["target"]) == ("error", target)
    assert "a concluded record is frozen" in last["detail"]


CASES = ["TC-SETUP-1", "TC-SEAL-1", "TC-SEAL-2", "TC-INSP-1", "TC-LABEL-1"]
REF = f"{KEY}@2.1.0"


async def test_a_record_is_executed_and_concluded_from_the_command_line(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    for version in ("2.0.0", "2.1.0"):
        await world.publish(yaml.safe_load((TEMPLATES / f"{KEY}-{version}.yaml").read_text()))
    assert cli("validation", "save", str(RECORD_FILE)).returncode == 0

    for command in (
        ("result",),
        ("check",),
        ("deviation", "open"),
        ("deviation", "close"),
        ("reuse",),
        ("conclude",),
    ):
        helped = cli("validation", *command, "--help", user=None)
        assert helped.returncode == 0, command
        assert "Examples" in helped.stdout, command

    checked = cli("validation", "check", REF, user="nina")
    assert checked.returncode == 0, checked.stderr
    assert "limits:TC-SEAL-1" in checked.stdout
    assert "5 new result(s)" in checked.stdout
    assert f"note: no site's validation instance runs {REF} yet" in checked.stdout
    again = json.loads(cli("validation", "check", REF, "--json", user="nina").stdout)
    assert again["recorded"] == 0

    evidence = tmp_path / "peel-strength.csv"
    evidence.write_text("strip,n_per_15mm\n1,1.4\n")
    recorded = cli(
        "validation",
        "result",
        REF,
        "TC-SEAL-1",
        "--outcome",
        "pass",
        "--actual",
        "1.4 N/15mm strip put the batch on hold",
        "--evidence",
        str(evidence),
        "--param",
        "seal_temperature_c=170",
        "--password-stdin",
        user="nina",
        stdin=PASSWORD + "\n",
    )
    assert recorded.returncode == 0, recorded.stderr
    assert "TC-SEAL-1: pass recorded — Nina Okafor (nina) — tested — " in recorded.stdout
    for case in CASES:
        if case == "TC-SEAL-1":
            continue
        answer = json.loads(
            cli(
                "validation",
                "result",
                REF,
                case,
                "--outcome",
                "pass",
                "--actual",
                "as expected",
                "--password-stdin",
                "--json",
                user="nina",
                stdin=PASSWORD + "\n",
            ).stdout
        )
        assert answer["result"]["outcome"] == "pass"
        assert answer["result"]["kind"] == "manual"
    out_of_bounds = cli(
        "validation",
        "result",
        REF,
        "TC-SEAL-1",
        "--outcome",
        "pass",
        "--actual",
        "x",
        "--param",
        "seal_temperature_c=200",
        "--password-stdin",
        user="nina",
        stdin=PASSWORD + "\n",
    )
    assert out_of_bounds.returncode == 1
    assert "/parameters/seal_temperature_c" in out_of_bounds.stderr
    assert "above the maximum 190" in out_of_bounds.stderr

    opened = cli(
        "validation",
        "deviation",
        "open",
        REF,
        "--title",
        "Peel tester out of calibration",
        "--description",
        "Calibration label expired",
        "--test-case",
        "TC-SEAL-1",
        user="grace",
    )
    assert opened.returncode == 0, opened.stderr
    assert f"{REF}: deviation DEV-1 opened — Peel tester out of calibration" in opened.stdout
    shown = cli("validation", "show", REF, user="sam")
    assert "Results (latest per test case and check)" in shown.stdout
    assert "deviation DEV-1 is open: Peel tester out of calibration" in shown.stdout
    blocked = cli(
        "validation",
        "conclude",
        REF,
        "--conclusion",
        "Fit for intended use",
        "--password-stdin",
        user="quinn",
        stdin=PASSWORD + "\n",
    )
    assert blocked.returncode == 1
    assert "deviation DEV-1 is open" in blocked.stderr
    closed = cli(
        "validation", "deviation", "close", REF, "DEV-1", "--resolution", "Recalibrated",
        user="nina",
    )  # fmt: skip
    assert closed.returncode == 0, closed.stderr
    assert "deviation DEV-1 closed — Recalibrated" in closed.stdout

    concluded = cli(
        "validation",
        "conclude",
        REF,
        "--conclusion",
        "Fit for intended use",
        "--password-stdin",
        user="quinn",
        stdin=PASSWORD + "\n",
    )
    assert concluded.returncode == 0, concluded.stderr
    assert f"{REF} validated (approved, frozen) — Quinn Murphy (quinn) — approved" in (
        concluded.stdout
    )
    shown = cli("validation", "show", REF, user="sam")
    assert "conclusion: Fit for intended use" in shown.stdout
    record = json.loads(cli("validation", "show", REF, "--json", user="sam").stdout)
    assert record["status"] == "approved"
    assert {r["testCase"] for r in record["results"]} >= set(CASES)
    assert record["deviations"][0]["status"] == "closed"
    frozen = cli("validation", "check", REF, user="nina")
    assert frozen.returncode == 1
    assert "frozen" in frozen.stderr
