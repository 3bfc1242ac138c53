"""`coe transfer …`: move a proven process from one site to another and qualify it there."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from coe.cli.api import (
    ApiUrlOption,
    ApprovalReasonOption,
    IntervalOption,
    SignerUserOption,
    TokenOption,
    client,
    signer,
)
from coe.cli.client import ApiClient, answers
from coe.cli.ids import Tracked, resolved
from coe.cli.output import (
    JsonOption,
    console,
    emit,
    examples,
    fail,
    table,
)
from coe.transfers.states import TransferStatus

app = typer.Typer(
    help="NPI tech transfers: package, target overlay, approvals, deployment, qualification.",
    no_args_is_help=True,
)

TRANSFER = """id template version source target status reason tolerance minUnits windowSeconds
overlayVersion approvals qualification package warnings startedBy startedAt finishedAt
temporalUrl"""
FINISHED = {"qualified", "failed", "cancelled"}
PACKAGE = """template version source target sourceSha256 targetSha256 ready carried carriedSteps
proposedOverlay warnings baseline { version from to
rightFirstTime { numerator denominator value low high }
scrapRatio { numerator denominator value low high } batchesReleased releaseMedianHours
releaseP90Hours } decisions { parameter reason sourceValue chosen resolved }
equipment { operation equipmentClass where } blockers { path reason }
changes { path before after }"""
ChoiceOption = typer.Option(
    None, "--set", help="A target value, NAME=VALUE (VALUE as JSON, else text); repeatable."
)
BaselineVersionOption = typer.Option(
    None,
    "--baseline-version",
    help="The version whose units at the source make the baseline (one the source ran). "
    "Default: the version it runs now if it has enough units, else the newest that has.",
)
BaselineWindowOption = typer.Option(
    None,
    "--baseline-window",
    help="The baseline's window: 90d (the last 90 days) or FROM..TO (ISO dates, TO "
    "excluded). Default: the last 30 days.",
)
ToleranceOption = typer.Option(
    0.02, help="How much lower the target's right-first-time may be (0.02 = 2 points)."
)
MinUnitsOption = typer.Option(200, help="Units the target completes before it can qualify.")
WHERE = "--template sterile-barrier-sealing --from cork --to tijuana"  # the demo's transfer
IdArgument = typer.Argument(
    ..., help="Transfer id: the full id, `latest`, or a unique prefix (coe transfer list)."
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"


def _interval(ratio: dict[str, Any]) -> str:
    return (
        f"{_pct(ratio['value'])} [{_pct(ratio['low'])}, {_pct(ratio['high'])}] "
        f"({ratio['numerator']}/{ratio['denominator']})"
    )


def choices(pairs: list[str] | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            fail(f"--set takes NAME=VALUE, not {pair!r}", code="BAD_USER_INPUT")
        try:
            found[name] = json.loads(text)
        except json.JSONDecodeError:
            found[name] = text
    return found


def render(transfer: dict[str, Any]) -> Group:
    lines: list[Any] = [
        f"[bold]{transfer['id']}[/] — {transfer['template']}@{transfer['version']} "
        f"{transfer['source']} → {transfer['target']} — [bold]{transfer['status']}[/]"
    ]
    if transfer["reason"]:
        lines.append(transfer["reason"])
    baseline = transfer["package"].get("baseline", {})
    if baseline:
        lines.append(
            f"baseline at {transfer['source']}"
            f"{' under ' + baseline['version'] if baseline.get('version') else ''} "
            f"({baseline['from']} to {baseline['to']}): "
            f"right-first-time {_interval(baseline['rightFirstTime'])}"
        )
    lines.extend(_warnings(transfer.get("warnings") or []))
    lines.append(
        f"qualifies when the target has ≥ {transfer['minUnits']} units and the 95 % interval "
        f"of (target - source) is above -{transfer['tolerance']:.1%}"
    )
    measured = transfer["qualification"]
    if measured:
        lines.append(
            f"target: {measured['units']} units, right-first-time {_pct(measured['value'])} "
            f"[{_pct(measured['low'])}, {_pct(measured['high'])}]; difference "
            f"{_pct(measured['difference'])} [{_pct(measured['differenceLow'])}, "
            f"{_pct(measured['differenceHigh'])}]; window ends {measured['deadline'][:19]}"
        )
    for side, approval in sorted(transfer["approvals"].items()):
        lines.append(f"{side} approved by {approval['signer']}: {approval['reason']}")
    lines.append(f"[dim]Temporal: {transfer['temporalUrl']}[/]")
    return Group(*lines)


def _warnings(warnings: list[str]) -> list[Text]:
    return [Text.assemble(("warning: ", "bold yellow"), text) for text in warnings]


def render_package(found: dict[str, Any]) -> Group:
    """The package; its blockers are not repeated here (`plan` reports them as its error)."""
    parts: list[Any] = [
        f"[bold]{found['template']}@{found['version']}[/] {found['source']} → {found['target']}"
        f" — {'[green]ready[/]' if found['ready'] else '[yellow]not ready[/]'}",
        f"baseline under {found['baseline']['version']} ({found['baseline']['from']} to "
        f"{found['baseline']['to']}): right-first-time "
        f"{_interval(found['baseline']['rightFirstTime'])}, scrap "
        f"{_interval(found['baseline']['scrapRatio'])}, release median "
        f"{_hours(found['baseline']['releaseMedianHours'])} over "
        f"{found['baseline']['batchesReleased']} batches",
    ]
    grid = Table(title="What the target gets", header_style="bold")
    for column in ("parameter / step", "value", "how"):
        grid.add_column(column)
    for name, value in sorted(found["carried"].items()):
        grid.add_row(name, json.dumps(value), "carried over from the source")
    for step in found["carriedSteps"]:
        grid.add_row(step, "", "extension step carried over")
    for decision in found["decisions"]:
        grid.add_row(
            decision["parameter"],
            json.dumps(decision["chosen"]) if decision["resolved"] else "[yellow]to choose[/]",
            decision["reason"],
        )
    parts.append(grid)
    equipment = Table(title="Equipment", header_style="bold")
    for column in ("operation", "equipment class", "at the target"):
        equipment.add_column(column)
    for need in found["equipment"]:
        equipment.add_row(
            need["operation"],
            need["equipmentClass"],
            ", ".join(need["where"]) or "[red]missing[/]",
        )
    parts.append(equipment)
    if found["changes"]:
        diff = Table(title="Source definition → proposed target definition", header_style="bold")
        for column in ("path", "source", "target"):
            diff.add_column(column)
        for change in found["changes"]:
            diff.add_row(change["path"], json.dumps(change["before"]), json.dumps(change["after"]))
        parts.append(diff)
    parts.extend(_warnings(found["warnings"]))
    return Group(*parts)


def _transfer(api: ApiClient, transfer_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.execute(
        f"query($id: String!) {{ transfer(id: $id) {{ {TRANSFER} }} }}", {"id": transfer_id}
    )["transfer"]
    return found


@app.command(
    "plan",
    epilog=examples(
        f"coe transfer plan {WHERE}",
        f"coe transfer plan {WHERE} --set label_language=es --baseline-window 90d",
        f"coe transfer plan {WHERE} --baseline-version 2.0.0 --tolerance 0.03 --json",
        "coe transfer plan --template sterile-barrier-sealing --from cork --to galway  "
        "# blocked: exits 1",
    ),
)
def plan(
    template: str = typer.Option(..., "--template", help="Template key."),
    source: str = typer.Option(..., "--from", help="Source site (runs the process)."),
    target: str = typer.Option(..., "--to", help="Target site."),
    values: list[str] | None = ChoiceOption,
    baseline_version: str | None = BaselineVersionOption,
    baseline_window: str | None = BaselineWindowOption,
    tolerance: float = ToleranceOption,
    min_units: int = MinUnitsOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Preview a transfer: baseline, carried values, decisions, equipment, diff (no change).
    Exits 1 when something blocks the transfer (each blocker on standard error)."""
    found = client(api_url, token).execute(
        "query($t: String!, $f: String!, $to: String!, $c: JSON, $bv: String, $bw: String, "
        "$tol: Float!, $min: Int!) { transferPackage(template: $t, fromSite: $f, toSite: $to, "
        "choices: $c, baselineVersion: $bv, baselineWindow: $bw, tolerance: $tol, "
        f"minUnits: $min) {{ {PACKAGE} }} }}",
        {
            "t": template,
            "f": source,
            "to": target,
            "c": choices(values),
            "bv": baseline_version,
            "bw": baseline_window,
            "tol": tolerance,
            "min": min_units,
        },
    )["transferPackage"]
    emit(found, as_json, lambda: console.print(render_package(found)))
    if found["blockers"]:
        count = len(found["blockers"])
        fail(
            f"the transfer of {template} from {source} to {target} is blocked "
            f"({count} blocker{'s' if count > 1 else ''}); it cannot start until "
            f"{'they are' if count > 1 else 'it is'} resolved:",
            code="BLOCKED",
            details={"violations": found["blockers"]},
        )


@app.command(
    "start",
    epilog=examples(
        f'TRANSFER=$(coe transfer start {WHERE} --min-units 50 --window 30m --reason "NPI-2207" '
        "-o plain | head -1)",
        f"coe transfer start {WHERE} --baseline-version 2.0.0 --baseline-window 90d "
        '--reason "NPI-2207"',
    ),
)
def start(
    template: str = typer.Option(..., "--template", help="Template key."),
    source: str = typer.Option(..., "--from", help="Source site (runs the process)."),
    target: str = typer.Option(..., "--to", help="Target site."),
    tolerance: float = ToleranceOption,
    min_units: int = MinUnitsOption,
    window: str = typer.Option("30d", help="Qualification window after deployment (30d, 72h)."),
    baseline_version: str | None = BaselineVersionOption,
    baseline_window: str | None = BaselineWindowOption,
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Start a transfer (npi_engineer); the target's site admin completes the overlay next.
    The first line printed is the transfer's id, alone (`| head -1` keeps it)."""
    transfer = client(api_url, token).execute(
        "mutation($i: StartTransferInput!) { startTransfer(input: $i) { "
        f"{answers('Transfer', TRANSFER)} }} }}",
        {
            "i": {
                "template": template,
                "fromSite": source,
                "toSite": target,
                "tolerance": tolerance,
                "minUnits": min_units,
                "window": window,
                "baselineVersion": baseline_version,
                "baselineWindow": baseline_window,
                "reason": reason,
            }
        },
    )["startTransfer"]

    def show() -> None:
        console.print(transfer["id"], highlight=False, markup=False, soft_wrap=True)
        console.print(render(transfer))
        console.print(
            f"next: the site admin of {target} runs "
            f"coe transfer complete {transfer['id']} --set NAME=VALUE …",
            highlight=False,
        )

    emit(transfer, as_json, show)


STATUSES = tuple(TransferStatus)
WAITS = {"awaiting_overlay", "awaiting_approval", "awaiting_decision"}  # a person acts next


def progress_line(transfer: dict[str, Any]) -> str:
    """One line of a followed transfer: its status and, while it waits, why."""
    reason = f" — {transfer['reason']}" if transfer.get("reason") else ""
    return f"{transfer['id']} {transfer['status']}{reason}"


TRANSFERS = Tracked("transfer", STATUSES, FINISHED, WAITS, _transfer, render, progress_line)


@app.command(
    "status",
    epilog=examples(
        "coe transfer status latest --watch",
        "coe transfer status latest --watch --until qualifying",
        "coe transfer status sterile-barrier-sealing-cork-tijuana --json",
    ),
)
def status(
    transfer_id: str = IdArgument,
    watch: bool = typer.Option(
        False,
        "--watch",
        help="Follow it until it ends or waits for a person to act (the "
        "target overlay, the approvals, a decision); piped, one line per change.",
    ),
    until: str | None = typer.Option(
        None,
        help="With --watch: follow it (through the steps people take) until its status "
        "is this one, or it ends.",
    ),
    interval: float = IntervalOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Where a transfer stands: status, baseline, the target's measurement, approvals."""
    TRANSFERS.status(
        transfer_id, api_url, token, watch=watch, until=until, interval=interval, as_json=as_json
    )


@app.command(
    "list",
    epilog=examples(
        "coe transfer list", "coe transfer list --template sterile-barrier-sealing -o plain"
    ),
)
def list_transfers(
    template: str | None = typer.Option(None, help="Only transfers of this template."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Transfers, newest first."""
    rows = client(api_url, token).execute(
        "query($t: String) { transfers(template: $t, first: 100) { nodes { id template "
        "version source target status startedBy startedAt } } }",
        {"t": template},
    )["transfers"]["nodes"]
    emit(
        rows,
        as_json,
        lambda: table(
            f"Transfers ({len(rows)})",
            ["id", "version", "from", "to", "status", "started by", "started (UTC)"],
            [
                (
                    r["id"],
                    r["version"],
                    r["source"],
                    r["target"],
                    r["status"],
                    r["startedBy"],
                    r["startedAt"][:19].replace("T", " "),
                )
                for r in rows
            ],
        ),
    )


def _step(
    mutation: str,
    transfer_id: str,
    api: ApiClient,
    as_json: bool,
    message: Callable[[dict[str, Any]], str],
    **arguments: tuple[str, Any],
) -> None:
    """Send one step (`transfer_id` resolved already); print the transfer as it answers."""
    transfer = api.mutate(mutation, "Transfer", TRANSFER, id=("String!", transfer_id), **arguments)

    def show() -> None:
        console.print(render(transfer))
        console.print(message(transfer), highlight=False)

    emit(transfer, as_json, show)


@app.command(
    "complete",
    epilog=examples(
        "COE_TOKEN=$(coe token issue --role site_admin --site tijuana --user tomas) "
        "coe transfer complete latest --set label_language=es "
        "--set label_printer_model=zebra-zt610",
    ),
)
def complete(
    transfer_id: str = IdArgument,
    values: list[str] | None = ChoiceOption,
    reason: str | None = typer.Option(None, help="Reason kept with the overlay revision."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Complete the target's overlay (the target's site admin): choose every site-bound value."""
    api, transfer_id = resolved(api_url, token, "transfer", transfer_id)
    _step(
        "completeTransferOverlay",
        transfer_id,
        api,
        as_json,
        lambda t: (
            "next: a QA approver of each site signs: coe transfer approve "
            f"{t['id']} --side source|target --reason …"
        ),
        choices=("JSON", choices(values)),
        reason=("String", reason),
    )


@app.command(
    "approve",
    epilog=examples(
        "echo 'a long password for tj' | COE_TOKEN=$(coe token issue --role qa_approver "
        "--site tijuana --user teresa) coe transfer approve latest --side target "
        '--reason "Tijuana PQ plan accepted" --password-stdin',
    ),
)
def approve(
    transfer_id: str = IdArgument,
    side: str = typer.Option(..., "--side", help="source or target: the site you sign for."),
    reason: str = ApprovalReasonOption,
    user: str | None = SignerUserOption,
    password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Sign the transfer for one side as its QA approver (re-enter your password)."""
    api, transfer_id = resolved(api_url, token, "transfer", transfer_id)
    _step(
        "approveTransfer",
        transfer_id,
        api,
        as_json,
        lambda t: (
            f"{side} approved (your e-signature is recorded); follow it: "
            f"coe transfer status {t['id']} --watch"
        ),
        side=("String!", side),
        signature=("SignerInput!", signer(api, user, password_stdin, reason)),
    )


def _window_end(transfer: dict[str, Any]) -> str:
    """The extended window's end, as the workflow answered the extension."""
    deadline = (transfer.get("qualification") or {}).get("deadline")
    if not deadline:
        return "qualifying again"
    return f"qualifying again until {deadline[:19].replace('T', ' ')} UTC"


@app.command(
    "extend",
    epilog=examples('coe transfer extend latest --window 8h --reason "the interval still narrows"'),
)
def extend(
    transfer_id: str = IdArgument,
    window: str = typer.Option(..., help="Another qualification window (e.g. 14d)."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """After an unqualified window: qualify for longer (npi_engineer)."""
    api, transfer_id = resolved(api_url, token, "transfer", transfer_id)
    _step(
        "extendTransferQualification",
        transfer_id,
        api,
        as_json,
        _window_end,
        window=("String!", window),
        reason=("String", reason),
    )


@app.command("fail", epilog=examples('coe transfer fail latest --reason "seal jaws out of spec"'))
def fail_transfer(
    transfer_id: str = IdArgument,
    reason: str = typer.Option(..., help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """After an unqualified window: end the transfer as failed (npi_engineer)."""
    api, transfer_id = resolved(api_url, token, "transfer", transfer_id)
    _step(
        "failTransfer",
        transfer_id,
        api,
        as_json,
        lambda _: "the transfer failed qualification",
        reason=("String!", reason),
    )


@app.command(
    "cancel", epilog=examples('coe transfer cancel latest --reason "product moved to 2027"')
)
def cancel(
    transfer_id: str = IdArgument,
    reason: str = typer.Option(..., help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Cancel a transfer that has not ended (npi_engineer)."""
    api, transfer_id = resolved(api_url, token, "transfer", transfer_id)
    _step(
        "cancelTransfer",
        transfer_id,
        api,
        as_json,
        lambda _: "cancelled",
        reason=("String!", reason),
    )
