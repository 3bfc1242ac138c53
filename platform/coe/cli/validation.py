"""`coe validation …`: validate ValidationRecord files offline, save one, show and list them;
execute one: automated checks, e-signed test results, deviations, reuse, the conclusion."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import typer

from coe.cli.api import (
    DEMO_SIGNER_PIPE,
    ApiUrlOption,
    PasswordStdinOption,
    SignerUserOption,
    TokenOption,
    client,
    require_version,
    signer,
)
from coe.cli.client import answers
from coe.cli.output import JsonOption, console, emit, examples, fail, print_violations, table

app = typer.Typer(
    help="CSA validation records of template versions: validate offline, save, show, list; "
    "execute them (check, result, deviation, reuse) and conclude.",
    no_args_is_help=True,
)
deviation_app = typer.Typer(
    help="Deviations of a validation record: open, close.", no_args_is_help=True
)
app.add_typer(deviation_app, name="deviation")

SIGNATURE_FIELDS = "printedName signedAt meaning manifestation"
RESULT_FIELDS = f"""id testCase kind outcome actual parameters evidence {{ name sha256 }}
executedBy executedAt reusedFrom signature {{ {SIGNATURE_FIELDS} }}"""
DEVIATION_FIELDS = """key title description testCase status openedBy openedAt resolution closedBy
closedAt"""
RECORD_FIELDS = f"""template version status title previous templateSha256 documentSha256
authoredBy createdAt updatedAt intendedUse risk {{ operation level rationale }}
testCases {{ id operation title parameters reuse steps {{ action expected }} }}
charter {{ mission operations timebox }}
results {{ {RESULT_FIELDS} }} deviations {{ {DEVIATION_FIELDS} }}
conclusion {{ text concludedAt signature {{ {SIGNATURE_FIELDS} }} }} conclusionBlockers"""
RECORDED = f"result {{ {RESULT_FIELDS} }} record {{ conclusionBlockers }}"
DEVIATION = f"deviation {{ {DEVIATION_FIELDS} }}"
REUSED = f"notReused reused {{ {RESULT_FIELDS} }}"
LIST_FIELDS = "template version status title templateSha256 documentSha256 authoredBy updatedAt"


@app.command(
    "validate",
    epilog=examples(
        "coe validation validate templates/",
        "coe validation validate templates/sterile-barrier-sealing-2.1.0.validation.yaml --json",
        "coe validation validate records/ --templates templates/",
    ),
)
def validate(
    paths: list[Path] = typer.Argument(
        ..., help="ValidationRecord files, or folders (their other documents are skipped)."
    ),
    templates: list[Path] = typer.Option(
        [],
        "--templates",
        help="Where the template files are (default: the folders given, and each file's folder).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Check validation record files without a server, each against its template version's
    file; print FILE:JSON_POINTER: reason for every violation. Exit 1 if any."""
    from coe.templates.files import validate_templates
    from coe.validation.files import validate_records

    folders = templates or list(
        dict.fromkeys(path if path.is_dir() else path.parent for path in paths)
    )
    _, loaded = validate_templates(folders)
    report, _ = validate_records(paths, loaded)
    print_violations(report.violations, report.notes, report.files, as_json)


@app.command(
    "save",
    epilog=examples(
        "coe validation save templates/sterile-barrier-sealing-2.1.0.validation.yaml",
        "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe validation save "
        "templates/sterile-barrier-sealing-2.1.0.validation.yaml --json",
    ),
)
def save(
    file: Path = typer.Argument(..., help="A ValidationRecord file."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Store the validation record of a template version (coe_architect or qa_approver); it is
    checked against the version in the registry. Same document again: unchanged. An approved
    record is frozen."""
    try:
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{file}: cannot read: {error}", code="INVALID_FILE")
    saved = client(api_url, token).execute(
        "mutation($s: String!) { saveValidationRecord(source: $s) { "
        f"{answers('SavedValidationRecord', f'outcome record {{ {LIST_FIELDS} }}')} }} }}",
        {"s": source},
    )["saveValidationRecord"]
    record = saved["record"]
    emit(
        saved,
        as_json,
        lambda: console.print(
            f"validation record {record['template']}@{record['version']}: {saved['outcome']} "
            f"({record['status'].lower()}; sha256 {record['documentSha256']})",
            highlight=False,
        ),
    )


@app.command(
    "show",
    epilog=examples(
        "coe validation show sterile-barrier-sealing@2.1.0",
        "coe validation show sterile-barrier-sealing@2.1.0 --json",
    ),
)
def show(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Show a template version's validation record: intended use, risk, test cases, charter;
    the latest result of each test case and check, deviations, the conclusion, and what still
    blocks it."""
    key, version = require_version(reference)
    row = client(api_url, token).execute(
        "query($t: String!, $v: String!) { validationRecord(template: $t, version: $v) { "
        f"{RECORD_FIELDS} }} }}",
        {"t": key, "v": version},
    )["validationRecord"]
    emit(row, as_json, lambda: _render(row))


def _render(row: dict[str, Any]) -> None:
    console.print(
        f"[bold]{row['title']}[/] — {row['template']}@{row['version']} "
        f"([cyan]{row['status'].lower()}[/])",
        highlight=False,
    )
    previous = f"; reuses results of {row['previous']}" if row["previous"] else ""
    console.print(
        f"authored by {row['authoredBy']}; template sha256 {row['templateSha256']}; "
        f"record sha256 {row['documentSha256']}{previous}",
        highlight=False,
    )
    console.print(f"intended use: {row['intendedUse']}", highlight=False)
    table(
        "Risk",
        ["operation", "level", "rationale"],
        [
            (
                r["operation"],
                "[red]high[/]" if r["level"] == "high" else "not high",
                r["rationale"],
            )
            for r in row["risk"]
        ],
    )
    table(
        "Test cases",
        ["id", "operation", "title", "parameters", "steps", "reuse"],
        [
            (
                c["id"],
                c["operation"],
                c["title"],
                ", ".join(f"{name}={value}" for name, value in c["parameters"].items()),
                len(c["steps"]),
                "yes" if c["reuse"] else "",
            )
            for c in row["testCases"]
        ],
    )
    charter = row["charter"]
    if charter:
        console.print(
            f"charter ({charter['timebox']}, {', '.join(charter['operations'])}): "
            f"{charter['mission']}",
            highlight=False,
        )
    _results_table("Results (latest per test case and check)", row["results"])
    if row["deviations"]:
        table(
            "Deviations",
            ["key", "status", "test case", "title", "opened by", "resolution"],
            [
                (
                    d["key"],
                    d["status"],
                    d["testCase"],
                    d["title"],
                    d["openedBy"],
                    f"{d['resolution']} ({d['closedBy']})" if d["resolution"] else "",
                )
                for d in row["deviations"]
            ],
        )
    conclusion = row["conclusion"]
    if conclusion:
        console.print(
            f"[bold]conclusion[/]: {conclusion['text']}\n"
            f"signed: {(conclusion['signature'] or {}).get('manifestation', '')}",
            highlight=False,
        )
    elif row["conclusionBlockers"]:
        console.print("[bold]blocks the conclusion[/]:", highlight=False)
        for blocker in row["conclusionBlockers"]:
            console.print(f"  - {blocker}", highlight=False)
    else:
        console.print("ready to conclude: coe validation conclude …", highlight=False)


def _outcome(value: str) -> str:
    return "[green]pass[/]" if value == "pass" else "[red]fail[/]"


def _results_table(title: str, results: list[dict[str, Any]]) -> None:
    table(
        title,
        ["test case", "kind", "outcome", "actual", "executed by", "at", "signed"],
        [
            (
                r["testCase"],
                r["kind"] + (f" ({r['reusedFrom']})" if r.get("reusedFrom") else ""),
                _outcome(r["outcome"]),
                r["actual"],
                r["executedBy"],
                r["executedAt"],
                (r["signature"] or {}).get("meaning", ""),
            )
            for r in results
        ],
    )


@app.command(
    "list",
    epilog=examples(
        "coe validation list",
        "coe validation list --template sterile-barrier-sealing --json",
    ),
)
def list_records(
    template: str | None = typer.Option(None, "--template", help="Only this template's."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """List validation records, by template, newest version first."""
    rows = client(api_url, token).execute(
        f"query($t: String) {{ validationRecords(template: $t) {{ {LIST_FIELDS} }} }}",
        {"t": template},
    )["validationRecords"]
    emit(
        rows,
        as_json,
        lambda: table(
            f"Validation records ({len(rows)})",
            ["template", "version", "status", "title", "authored by", "updated"],
            [
                (
                    r["template"],
                    r["version"],
                    r["status"].lower(),
                    r["title"],
                    r["authoredBy"],
                    r["updatedAt"],
                )
                for r in rows
            ],
        ),
    )


def _parameters(pairs: list[str]) -> dict[str, Any] | None:
    """--param NAME=VALUE: VALUE as JSON (170, 0.6, true, "de"), else as text."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            fail(f"--param takes NAME=VALUE, not {pair!r}", code="BAD_USER_INPUT")
        try:
            found[name] = json.loads(text)
        except json.JSONDecodeError:
            found[name] = text
    return found or None


def _evidence(files: list[Path]) -> list[dict[str, str]]:
    found = []
    for file in files:
        try:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError as error:
            fail(f"{file}: cannot read the evidence: {error}", code="INVALID_FILE")
        found.append({"name": file.name, "sha256": digest})
    return found


@app.command(
    "result",
    epilog=examples(
        DEMO_SIGNER_PIPE.replace("quinn", "nina") + "COE_TOKEN=$(cat .coe/tokens/npi_engineer) "
        "coe validation result sterile-barrier-sealing@2.1.0 TC-SEAL-1 --outcome pass "
        '--actual "seal_temp 165-175 degC; 1.4 N/15mm strip put the batch on hold" '
        "--evidence peel-strength.csv --password-stdin",
        "coe validation result sterile-barrier-sealing@2.1.0 TC-LABEL-1 --outcome fail "
        '--actual "label printed in English" --param label_language=de',
    ),
)
def result(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    test_case: str = typer.Argument(..., help="The test case id (TC-SEAL-1), or CHARTER."),
    outcome: str = typer.Option(..., "--outcome", help="pass or fail."),
    actual: str = typer.Option(..., "--actual", help="What actually happened."),
    params: list[str] = typer.Option(
        [],
        "--param",
        help="A parameter value exercised, NAME=VALUE (VALUE as JSON, else text); repeatable. "
        "Default: the values the test case exercises.",
    ),
    evidence: list[Path] = typer.Option(
        [], "--evidence", help="An evidence file (its sha256 is recorded); repeatable."
    ),
    reason: str | None = typer.Option(
        None, "--reason", help="Why you sign (default: 'executed TC-ID: pass|fail')."
    ),
    user: str | None = SignerUserOption,
    password_stdin: bool = PasswordStdinOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Record your manual result of a test case, e-signed with meaning tested (re-enter your
    password); coe_architect, npi_engineer or qa_approver for the whole enterprise."""
    key, version = require_version(reference)
    chosen = outcome.strip().lower()
    if chosen not in ("pass", "fail"):
        fail(f"--outcome is pass or fail, not {outcome!r}", code="BAD_USER_INPUT")
    parameters = _parameters(params)
    attachments = _evidence(evidence)
    api = client(api_url, token)
    signature = signer(api, user, password_stdin, reason or f"executed {test_case}: {chosen}")
    recorded = api.execute(
        "mutation($t: String!, $v: String!, $c: String!, $o: ValidationOutcome!, $a: String!, "
        "$p: JSON, $e: [ValidationEvidenceInput!], $s: SignerInput!) { recordValidationResult("
        "template: $t, version: $v, testCase: $c, outcome: $o, actual: $a, parameters: $p, "
        "evidence: $e, signature: $s) { "
        f"{answers('RecordedValidationResult', RECORDED)} }} }}",
        {
            "t": key,
            "v": version,
            "c": test_case,
            "o": chosen.upper(),
            "a": actual,
            "p": parameters,
            "e": attachments,
            "s": signature,
        },
    )["recordValidationResult"]
    row = recorded["result"]
    emit(
        recorded,
        as_json,
        lambda: console.print(
            f"{key}@{version} {row['testCase']}: {_outcome(row['outcome'])} recorded — "
            f"{row['signature']['manifestation']}",
            highlight=False,
        ),
    )


@app.command(
    "check",
    epilog=examples(
        "coe validation check sterile-barrier-sealing@2.1.0",
        "COE_TOKEN=$(cat .coe/tokens/npi_engineer) coe validation check "
        "sterile-barrier-sealing@2.1.0 --json",
    ),
)
def check(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Run the platform's automated checks and record them: limits:<TC-ID> per test case,
    deployment:<site> per site whose validation instance runs the version (by hash)."""
    key, version = require_version(reference)
    run = client(api_url, token).execute(
        "mutation($t: String!, $v: String!) { runValidationChecks(template: $t, version: $v) { "
        f"{answers('ValidationChecksRun', f'recorded notes checks {{ {RESULT_FIELDS} }}')} }} }}",
        {"t": key, "v": version},
    )["runValidationChecks"]

    def render() -> None:
        _results_table(f"Automated checks of {key}@{version}", run["checks"])
        console.print(f"{run['recorded']} new result(s)", highlight=False)
        for note in run["notes"]:
            console.print(f"note: {note}", highlight=False)

    emit(run, as_json, render)


@deviation_app.command(
    "open",
    epilog=examples(
        "coe validation deviation open sterile-barrier-sealing@2.1.0 "
        '--title "Peel tester out of calibration" '
        '--description "Calibration label expired the day before" --test-case TC-SEAL-1',
    ),
)
def open_deviation(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    title: str = typer.Option(..., "--title", help="What went wrong, in a line."),
    description: str = typer.Option(..., "--description", help="What was found, in full."),
    test_case: str | None = typer.Option(None, "--test-case", help="The test case it concerns."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Open a deviation (DEV-1, DEV-2, …); the record is not concluded while it is open."""
    key, version = require_version(reference)
    changed = client(api_url, token).execute(
        "mutation($t: String!, $v: String!, $title: String!, $d: String!, $c: String) { "
        "openValidationDeviation(template: $t, version: $v, title: $title, description: $d, "
        f"testCase: $c) {{ {answers('ValidationDeviationChanged', DEVIATION)} }} }}",
        {"t": key, "v": version, "title": title, "d": description, "c": test_case},
    )["openValidationDeviation"]
    row = changed["deviation"]
    emit(
        changed,
        as_json,
        lambda: console.print(
            f"{key}@{version}: deviation {row['key']} opened — {row['title']}", highlight=False
        ),
    )


@deviation_app.command(
    "close",
    epilog=examples(
        "coe validation deviation close sterile-barrier-sealing@2.1.0 DEV-1 "
        '--resolution "Recalibrated (cert C-881); TC-SEAL-1 repeated"',
    ),
)
def close_deviation(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    key_: str = typer.Argument(..., metavar="KEY", help="The deviation (DEV-1)."),
    resolution: str = typer.Option(..., "--resolution", help="How it was resolved."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Close an open deviation with its resolution."""
    key, version = require_version(reference)
    changed = client(api_url, token).execute(
        "mutation($t: String!, $v: String!, $k: String!, $r: String!) { "
        "closeValidationDeviation(template: $t, version: $v, key: $k, resolution: $r) { "
        f"{answers('ValidationDeviationChanged', DEVIATION)} }} }}",
        {"t": key, "v": version, "k": key_, "r": resolution},
    )["closeValidationDeviation"]
    row = changed["deviation"]
    emit(
        changed,
        as_json,
        lambda: console.print(
            f"{key}@{version}: deviation {row['key']} closed — {row['resolution']}",
            highlight=False,
        ),
    )


@app.command(
    "reuse",
    epilog=examples("coe validation reuse sterile-barrier-sealing@2.1.0"),
)
def reuse(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Reuse the previous version's approved results for test cases marked reuse whose
    operation is unchanged; says which, and why the others are not."""
    key, version = require_version(reference)
    reused = client(api_url, token).execute(
        "mutation($t: String!, $v: String!) { reuseValidationResults(template: $t, "
        f"version: $v) {{ {answers('ValidationResultsReused', REUSED)} }} }}",
        {"t": key, "v": version},
    )["reuseValidationResults"]

    def render() -> None:
        _results_table(f"Reused in {key}@{version}", reused["reused"])
        for reason in reused["notReused"]:
            console.print(f"not reused: {reason}", highlight=False)

    emit(reused, as_json, render)


@app.command(
    "conclude",
    epilog=examples(
        DEMO_SIGNER_PIPE + "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe validation conclude "
        'sterile-barrier-sealing@2.1.0 --conclusion "Fit for intended use" --password-stdin',
    ),
)
def conclude(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    conclusion: str = typer.Option(..., "--conclusion", help="The conclusion of the record."),
    reason: str = typer.Option(
        "validation concluded", "--reason", help="Why you sign (kept with the signature)."
    ),
    user: str | None = SignerUserOption,
    password_stdin: bool = PasswordStdinOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Conclude the record with your e-signature, meaning approved (a qa_approver who neither
    authored the version nor tested it); refused, with every reason, while anything blocks
    it. The record is frozen from then on."""
    key, version = require_version(reference)
    api = client(api_url, token)
    signature = signer(api, user, password_stdin, reason)
    row = api.execute(
        "mutation($t: String!, $v: String!, $c: String!, $s: SignerInput!) { "
        "concludeValidation(template: $t, version: $v, conclusion: $c, signature: $s) { "
        f"{answers('ValidationRecord', RECORD_FIELDS)} }} }}",
        {"t": key, "v": version, "c": conclusion, "s": signature},
    )["concludeValidation"]
    emit(
        row,
        as_json,
        lambda: console.print(
            f"{key}@{version} validated (approved, frozen) — "
            f"{row['conclusion']['signature']['manifestation']}",
            highlight=False,
        ),
    )
