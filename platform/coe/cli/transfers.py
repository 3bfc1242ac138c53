"""`coe transfer …`: move a proven process from one site to another and qualify it there."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Group
from rich.table import Table

from coe.cli.api import ApiUrlOption, TokenOption, client
from coe.cli.client import ApiClient
from coe.cli.output import JsonOption, console, emit, fail, show_or_follow, table
from coe.cli.templates import signer

app = typer.Typer(
    help="NPI tech transfers: package, target overlay, approvals, deployment, qualification.",
    no_args_is_help=True,
)

TRANSFER = """id template version source target status reason tolerance minUnits windowSeconds
overlayVersion approvals qualification package startedBy startedAt finishedAt temporalUrl"""
FINISHED = {"qualified", "failed", "cancelled"}
PACKAGE = """template version source target sourceSha256 targetSha256 ready carried carriedSteps
proposedOverlay baseline { from to rightFirstTime { numerator denominator value low high }
scrapRatio { numerator denominator value low high } batchesReleased releaseMedianHours
releaseP90Hours } decisions { parameter reason sourceValue chosen resolved }
equipment { operation equipmentClass where } blockers { path reason }
changes { path before after }"""
ChoiceOption = typer.Option(
    None, "--set", help="A target value, NAME=VALUE (VALUE as JSON, else text); repeatable."
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
            f"baseline at {transfer['source']} ({baseline['from']} to {baseline['to']}): "
            f"right-first-time {_interval(baseline['rightFirstTime'])}"
        )
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


def render_package(found: dict[str, Any]) -> Group:
    parts: list[Any] = [
        f"[bold]{found['template']}@{found['version']}[/] {found['source']} → {found['target']}"
        f" — {'[green]ready[/]' if found['ready'] else '[yellow]not ready[/]'}",
        f"baseline ({found['baseline']['from']} to {found['baseline']['to']}): right-first-time "
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
    for blocker in found["blockers"]:
        parts.append(f"[red]blocked[/] {blocker['path']}: {blocker['reason']}")
    if found["changes"]:
        diff = Table(title="Source definition → proposed target definition", header_style="bold")
        for column in ("path", "source", "target"):
            diff.add_column(column)
        for change in found["changes"]:
            diff.add_row(change["path"], json.dumps(change["before"]), json.dumps(change["after"]))
        parts.append(diff)
    return Group(*parts)


def _transfer(api: ApiClient, transfer_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.execute(
        f"query($id: String!) {{ transfer(id: $id) {{ {TRANSFER} }} }}", {"id": transfer_id}
    )["transfer"]
    return found


@app.command("plan")
def plan(
    template: str = typer.Option(..., "--template", help="Template key."),
    source: str = typer.Option(..., "--from", help="Source site (runs the process)."),
    target: str = typer.Option(..., "--to", help="Target site."),
    values: list[str] | None = ChoiceOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Preview a transfer: baseline, carried values, decisions, equipment, diff (no change)."""
    found = client(api_url, token).execute(
        "query($t: String!, $f: String!, $to: String!, $c: JSON) { transferPackage("
        f"template: $t, fromSite: $f, toSite: $to, choices: $c) {{ {PACKAGE} }} }}",
        {"t": template, "f": source, "to": target, "c": choices(values)},
    )["transferPackage"]
    emit(found, as_json, lambda: console.print(render_package(found)))


@app.command("start")
def start(
    template: str = typer.Option(..., "--template", help="Template key."),
    source: str = typer.Option(..., "--from", help="Source site (runs the process)."),
    target: str = typer.Option(..., "--to", help="Target site."),
    tolerance: float = typer.Option(
        0.02, help="How much lower the target's right-first-time may be (0.02 = 2 points)."
    ),
    min_units: int = typer.Option(200, help="Units the target completes before it can qualify."),
    window: str = typer.Option("30d", help="Qualification window after deployment (30d, 72h)."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Start a transfer (npi_engineer); the target's site admin completes the overlay next."""
    transfer = client(api_url, token).execute(
        f"mutation($i: StartTransferInput!) {{ startTransfer(input: $i) {{ {TRANSFER} }} }}",
        {
            "i": {
                "template": template,
                "fromSite": source,
                "toSite": target,
                "tolerance": tolerance,
                "minUnits": min_units,
                "window": window,
                "reason": reason,
            }
        },
    )["startTransfer"]

    def show() -> None:
        console.print(render(transfer))
        console.print(
            f"next: the site admin of {target} runs "
            f"coe transfer complete {transfer['id']} --set NAME=VALUE …",
            highlight=False,
        )

    emit(transfer, as_json, show)


@app.command("status")
def status(
    transfer_id: str = typer.Argument(..., help="Transfer id."),
    watch: bool = typer.Option(False, "--watch", help="Refresh until the transfer ends."),
    interval: float = typer.Option(2.0, help="Seconds between refreshes with --watch."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Where a transfer stands: status, baseline, the target's measurement, approvals."""
    api = client(api_url, token)
    show_or_follow(
        lambda: _transfer(api, transfer_id),
        render,
        FINISHED,
        watch=watch,
        interval=interval,
        as_json=as_json,
    )


@app.command("list")
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
    message: str,
    **arguments: tuple[str, Any],
) -> None:
    transfer = api.mutate(mutation, TRANSFER, id=("String!", transfer_id), **arguments)

    def show() -> None:
        console.print(render(transfer))
        console.print(message, highlight=False)

    emit(transfer, as_json, show)


@app.command("complete")
def complete(
    transfer_id: str = typer.Argument(..., help="Transfer id."),
    values: list[str] | None = ChoiceOption,
    reason: str | None = typer.Option(None, help="Reason kept with the overlay revision."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Complete the target's overlay (the target's site admin): choose every site-bound value."""
    _step(
        "completeTransferOverlay",
        transfer_id,
        client(api_url, token),
        as_json,
        "next: a QA approver of each site signs: coe transfer approve "
        f"{transfer_id} --side source|target --reason …",
        choices=("JSON", choices(values)),
        reason=("String", reason),
    )


@app.command("approve")
def approve(
    transfer_id: str = typer.Argument(..., help="Transfer id."),
    side: str = typer.Option(..., "--side", help="source or target: the site you sign for."),
    reason: str = typer.Option(..., help="Why you approve (kept with the signature)."),
    user: str | None = typer.Option(None, help="Your user id (default: the token's subject)."),
    password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Sign the transfer for one side as its QA approver (re-enter your password)."""
    api = client(api_url, token)
    _step(
        "approveTransfer",
        transfer_id,
        api,
        as_json,
        f"{side} approved (your e-signature is recorded); follow it: "
        f"coe transfer status {transfer_id} --watch",
        side=("String!", side),
        signature=("SignerInput!", signer(api, user, password_stdin, reason)),
    )


@app.command("extend")
def extend(
    transfer_id: str = typer.Argument(..., help="Transfer id."),
    window: str = typer.Option(..., help="Another qualification window (e.g. 14d)."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """After an unqualified window: qualify for longer (npi_engineer)."""
    _step(
        "extendTransferQualification",
        transfer_id,
        client(api_url, token),
        as_json,
        "qualifying again",
        window=("String!", window),
        reason=("String", reason),
    )


@app.command("fail")
def fail_transfer(
    transfer_id: str = typer.Argument(..., help="Transfer id."),
    reason: str = typer.Option(..., help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """After an unqualified window: end the transfer as failed (npi_engineer)."""
    _step(
        "failTransfer",
        transfer_id,
        client(api_url, token),
        as_json,
        "the transfer failed qualification",
        reason=("String!", reason),
    )


@app.command("cancel")
def cancel(
    transfer_id: str = typer.Argument(..., help="Transfer id."),
    reason: str = typer.Option(..., help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Cancel a transfer that has not ended (npi_engineer)."""
    _step(
        "cancelTransfer",
        transfer_id,
        client(api_url, token),
        as_json,
        "cancelled",
        reason=("String!", reason),
    )
