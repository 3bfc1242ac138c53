"""`coe evidence export` against a real API server: the PDF and JSON files it writes, the
summary (table and --json), and the refusals as the API states them."""

from __future__ import annotations

import json
from pathlib import Path

from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions
from coe.validation.package import package_sha256
from tests.cli.conftest import Cli
from tests.validation.test_evidence import validated
from tests.validation.test_execution import KEY, VERSION
from tests.world import World

REFERENCE = f"{KEY}@{VERSION}"


def auditor(cli: Cli) -> dict[str, str | None]:
    return {"COE_TOKEN": cli.tokens.issue(Role.AUDITOR, subject="audrey")}


async def test_export_writes_the_pdf_and_json_and_prints_their_sha256(
    cli: Cli, world: World, sessions: Sessions, settings: Settings, tmp_path: Path
) -> None:
    await validated(world, sessions, settings)
    pdf = tmp_path / "evidence.pdf"
    shown = cli("evidence", "export", REFERENCE, "--file", str(pdf), user=None, env=auditor(cli))
    assert shown.returncode == 0, shown.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert f"evidence of {REFERENCE} (the whole enterprise) written to {pdf} (pdf, " in (
        shown.stdout
    )
    assert "evidence sha256 " in shown.stdout
    assert "Environment history" in shown.stdout

    target = tmp_path / "cork.json"
    answer = cli(
        "evidence",
        "export",
        REFERENCE,
        "--site",
        "cork",
        "--format",
        "json",
        "-f",
        str(target),
        "--json",
        user="rui",  # a QA approver scoped to cork
    )
    assert answer.returncode == 0, answer.stderr
    summary = json.loads(answer.stdout)
    package = json.loads(target.read_text())
    assert summary["file"] == str(target)
    assert summary["sha256"] == package["sha256"] == package_sha256(package)
    assert (summary["format"], summary["site"], package["site"]) == ("json", "cork", "cork")
    assert summary["sections"][0] == "1. Template version"
    assert len(summary["sections"]) == 9


async def test_export_refusals_come_back_with_the_api_code(
    cli: Cli, world: World, sessions: Sessions, settings: Settings, tmp_path: Path
) -> None:
    await validated(world, sessions, settings)
    target = tmp_path / "x.pdf"
    out = str(target)
    whole = cli("evidence", "export", REFERENCE, "-f", out, user="rui")
    assert whole.returncode == 1
    assert "(FORBIDDEN)" in whole.stderr
    other = cli("evidence", "export", REFERENCE, "--site", "penang", "-f", out, user="rui")
    assert "(FORBIDDEN)" in other.stderr
    unrecorded = cli("evidence", "export", f"{KEY}@2.0.0", "-f", out, user=None, env=auditor(cli))
    assert unrecorded.returncode == 1
    assert "(NOT_FOUND)" in unrecorded.stderr
    assert "has no validation record" in unrecorded.stderr
    no_version = cli("evidence", "export", KEY, user=None, env=auditor(cli))
    assert "(BAD_USER_INPUT)" in no_version.stderr
    no_token = cli("evidence", "export", REFERENCE, user=None)
    assert "(UNAUTHENTICATED)" in no_token.stderr
    assert not target.exists()
