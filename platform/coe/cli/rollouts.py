"""`coe rollout …`, `coe ledger`, `coe drift`: template versions to plants, in waves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Group
from rich.table import Table

from coe.cli.api import (
    DEMO_SIGNER_PIPE,
    ApiUrlOption,
    ApprovalReasonOption,
    IntervalOption,
    MaybeWhyOption,
    OnlySiteOption,
    OnlyTemplateOption,
    SignerUserOption,
    TokenOption,
    WhyOption,
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
    table,
)
from coe.rollouts.states import RolloutStatus

app = typer.Typer(
    help="Roll a template version out to plant instances in waves.", no_args_is_help=True
)

ROLLOUT = """id template version environment status currentWave reason startedBy startedAt
finishedAt temporalUrl warnings waves { name maxParallel failureBudget gates sites { site state
reason sha256 previousSha256 violations } kpiGuard { metric verdict measuredAt maxDrop minUnits
threshold beforeUnits before beforeLow beforeHigh afterUnits after afterLow afterHigh
difference differenceLow differenceHigh } }"""
FINISHED = {"completed", "aborted", "failed"}
PLAN = "plans/sterile-barrier-sealing-2.1.0.yaml"  # make run's demo plans
RolloutIdArgument = typer.Argument(
    ..., help="Rollout id, `latest` (the newest rollout), or a unique prefix or tail of an id."
)
COLOURS = {
    "live": "green",
    "failed": "red",
    "rolled_back": "magenta",
    "skipped": "yellow",
    "pending": "dim",
    "validating": "cyan",
    "deploying": "cyan",
    "verifying": "cyan",
}
VERDICTS = {"pass": "green", "fail": "red", "wait": "cyan", "inconclusive": "yellow"}
MEANING = {
    "pass": "surely within the allowance",
    "fail": "surely worse than allowed",
    "wait": "measuring",
    "inconclusive": "undecided at the end of its window",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def guard_line(wave: str, guard: dict[str, Any]) -> str:
    """A wave's last kpiGuard measurement: both sides with their intervals, the difference and
    its interval against the limit, and the verdict."""
    colour = VERDICTS.get(guard["verdict"], "white")
    return (
        f"kpiGuard {wave}: {guard['metric'].replace('_', '-')} before {_pct(guard['before'])} "
        f"[{_pct(guard['beforeLow'])}, {_pct(guard['beforeHigh'])}] ({guard['beforeUnits']} "
        f"units), after {_pct(guard['after'])} [{_pct(guard['afterLow'])}, "
        f"{_pct(guard['afterHigh'])}] ({guard['afterUnits']} of at least {guard['minUnits']} "
        f"units); difference {_pct(guard['difference'])} [{_pct(guard['differenceLow'])}, "
        f"{_pct(guard['differenceHigh'])}] against {'+' if guard['threshold'] >= 0 else ''}"
        f"{_pct(guard['threshold'])} — [{colour}]{guard['verdict']}[/] "
        f"({MEANING.get(guard['verdict'], '')})"
    )


def _rollout(api: ApiClient, rollout_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.execute(
        f"query($id: String!) {{ rollout(id: $id) {{ {ROLLOUT} }} }}", {"id": rollout_id}
    )["rollout"]
    return result


def render(rollout: dict[str, Any]) -> Group:
    sites = [s for wave in rollout["waves"] for s in wave["sites"]]
    live = sum(1 for s in sites if s["state"] == "live")
    header = (
        f"[bold]{rollout['id']}[/] — {rollout['template']}@{rollout['version']} → "
        f"{rollout['environment']} — [bold]{rollout['status']}[/]"
        + (f" (wave {rollout['currentWave']})" if rollout["currentWave"] else "")
        + f" — {live}/{len(sites)} live"
    )
    grid = Table(header_style="bold")
    for column in ("wave", "site", "state", "reason / violations"):
        grid.add_column(column)
    for wave in rollout["waves"]:
        gates = f" [dim]gates: {'; '.join(wave['gates'])}[/]" if wave["gates"] else ""
        for index, site in enumerate(wave["sites"]):
            why = site["reason"] or "; ".join(
                f"{v['path']}: {v['reason']}" for v in site["violations"] or []
            )
            colour = COLOURS.get(site["state"], "white")
            grid.add_row(
                f"{wave['name']}{gates}" if index == 0 else "",
                site["site"],
                f"[{colour}]{site['state']}[/]",
                why or "",
            )
        if not wave["sites"]:
            grid.add_row(f"{wave['name']}{gates}", "[dim](no sites)[/]", "", "")
    parts: list[Any] = [header, grid]
    parts += [guard_line(w["name"], w["kpiGuard"]) for w in rollout["waves"] if w.get("kpiGuard")]
    parts += [f"[yellow]warning: {warning}[/]" for warning in rollout.get("warnings") or []]
    if rollout["reason"]:
        parts.append(f"[yellow]{rollout['reason']}[/]")
    parts.append(f"[dim]Temporal: {rollout['temporalUrl']}[/]")
    return Group(*parts)


@app.command(
    "start",
    epilog=examples(
        f"coe rollout start --plan {PLAN}",
        "coe rollout start --plan plans/sterile-barrier-sealing-2.2.0.yaml --json",
    ),
)
def start(
    plan: Path = typer.Option(
        ..., "--plan", help="A RolloutPlan file.", exists=True, dir_okay=False
    ),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Start a rollout (coe_architect): sites are resolved and the plan snapshotted now. Its
    id comes first; `latest` names it in the other rollout commands."""
    rollout = client(api_url, token).execute(
        f"mutation($p: String!) {{ startRollout(plan: $p) {{ {answers('Rollout', ROLLOUT)} }} }}",
        {"p": plan.read_text(encoding="utf-8")},
    )["startRollout"]

    def show() -> None:
        console.print(f"rollout [bold]{rollout['id']}[/] started", highlight=False)
        console.print(render(rollout))
        console.print(f"follow it: coe rollout status {rollout['id']} --watch", highlight=False)

    emit(rollout, as_json, show)


PLAN_CHECK = (
    "template version environment waves { name sites gates } warnings estimates { wave metric "
    "maxDrop windowDays unitsPerDay baseline unitsNeeded daysNeeded enough } "
    "coverage { site covered verdict reasons }"
)


def render_check(checked: dict[str, Any]) -> Any:
    """The waves a plan resolves to now, and what each kpiGuard needs to decide."""
    grid = Table(
        title=f"{checked['template']} {checked['version']} → {checked['environment']}: "
        "waves if started now"
    )
    for column in ("wave", "sites", "gates"):
        grid.add_column(column)
    for wave in checked["waves"]:
        grid.add_row(wave["name"], ", ".join(wave["sites"]) or "-", "; ".join(wave["gates"]))
    parts: list[Any] = [grid]
    for found in checked["estimates"]:
        days = "no recent units" if found["daysNeeded"] is None else f"{found['daysNeeded']:.1f}"
        parts.append(
            f"kpiGuard {found['metric']} on {found['wave']}: needs {found['unitsNeeded']} units "
            f"a side to decide at {found['maxDrop']:.2%}, about {days} days at "
            f"{found['unitsPerDay']:.0f} units/day; window {found['windowDays']:g} days"
        )
    parts += [f"[yellow]warning: {warning}[/]" for warning in checked["warnings"]]
    for found in checked["coverage"]:
        colour = {True: "green", False: "yellow"}.get(found["covered"], "dim")
        reasons = "; ".join(found["reasons"])
        parts.append(
            f"validation of {found['site']}: [{colour}]{found['verdict']}[/]"
            + (f" ({reasons})" if reasons else "")
        )
    return Group(*parts)


@app.command(
    "check",
    epilog=examples(f"coe rollout check --plan {PLAN}", f"coe rollout check --plan {PLAN} --json"),
)
def check(
    plan: Path = typer.Option(
        ..., "--plan", help="A RolloutPlan file.", exists=True, dir_okay=False
    ),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Check a plan as start would, without starting it: waves resolved now, and whether each
    kpiGuard's window is long enough to decide."""
    checked = client(api_url, token).execute(
        "query($p: String!) { checkRolloutPlan(plan: $p) { "
        f"{answers('RolloutPlanCheck', PLAN_CHECK)} }} }}",
        {"p": plan.read_text(encoding="utf-8")},
    )["checkRolloutPlan"]
    emit(checked, as_json, lambda: console.print(render_check(checked)))


STATUSES = tuple(RolloutStatus)
WAITS = {"awaiting_approval", "paused"}  # a person decides before it goes on


def progress_line(rollout: dict[str, Any]) -> str:
    """One line of a followed rollout: status, wave, sites live, and each site that changed
    state away from the happy path (failed, rolled back, skipped) with its reason."""
    sites = [s for wave in rollout["waves"] for s in wave["sites"]]
    live = sum(1 for s in sites if s["state"] == "live")
    wave = f" wave {rollout['currentWave']}" if rollout["currentWave"] else ""
    moving = [f"{s['site']} {s['state']}" for s in sites if s["state"] not in ("pending", "live")]
    reason = f" — {rollout['reason']}" if rollout["reason"] else ""
    return (
        f"{rollout['id']} {rollout['status']}{wave}: {live}/{len(sites)} live"
        + (f" ({', '.join(moving)})" if moving else "")
        + reason
    )


ROLLOUTS = Tracked("rollout", STATUSES, FINISHED, WAITS, _rollout, render, progress_line)


@app.command(
    "status",
    epilog=examples(
        "coe rollout status latest --watch",
        "coe rollout status latest --watch --until completed",
        "coe rollout status sterile-barrier-sealing-2.1.0 --json",
    ),
)
def status(
    rollout_id: str = RolloutIdArgument,
    watch: bool = typer.Option(
        False,
        "--watch",
        help="Follow it until it ends or waits for a person to decide "
        "(an approval gate, a pause); piped, one line per change.",
    ),
    until: str | None = typer.Option(
        None,
        help="With --watch: follow it (through approvals and pauses) until its status is "
        "this one, or it ends.",
    ),
    interval: float = IntervalOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Waves by sites, with states and reasons; --watch follows it live."""
    ROLLOUTS.status(
        rollout_id, api_url, token, watch=watch, until=until, interval=interval, as_json=as_json
    )


@app.command(
    "list",
    epilog=examples("coe rollout list", "coe rollout list --template sterile-barrier-sealing"),
)
def list_rollouts(
    template: str | None = typer.Option(None, help="Only rollouts of this template."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Rollouts, newest first."""
    rows = client(api_url, token).execute(
        "query($t: String) { rollouts(template: $t, first: 100) { nodes { id template version "
        "environment status currentWave startedBy startedAt waves { sites { state } } } } }",
        {"t": template},
    )["rollouts"]["nodes"]
    emit(
        rows,
        as_json,
        lambda: table(
            f"Rollouts ({len(rows)})",
            ["id", "version", "env", "status", "wave", "live", "started by", "started (UTC)"],
            [
                (
                    r["id"],
                    r["version"],
                    r["environment"],
                    r["status"],
                    r["currentWave"],
                    f"{sum(s['state'] == 'live' for w in r['waves'] for s in w['sites'])}/"
                    f"{sum(len(w['sites']) for w in r['waves'])}",
                    r["startedBy"],
                    r["startedAt"][:19].replace("T", " "),
                )
                for r in rows
            ],
        ),
    )


@app.command(
    "approve",
    epilog=examples(
        DEMO_SIGNER_PIPE
        + "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe rollout approve latest --wave pilot "
        '--reason "Pilot batches released" --password-stdin',
    ),
)
def approve(
    rollout_id: str = RolloutIdArgument,
    wave: str = typer.Option(..., "--wave", help="The wave whose gate you approve."),
    reason: str = ApprovalReasonOption,
    user: str | None = SignerUserOption,
    password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Approve a wave's gate with your e-signature (re-enter your password)."""
    api, rollout_id = resolved(api_url, token, "rollout", rollout_id)
    rollout = api.execute(
        "mutation($id: String!, $w: String!, $s: SignerInput!) { approveRolloutGate(id: $id, "
        f"wave: $w, signature: $s) {{ {answers('Rollout', ROLLOUT)} }} }}",
        {"id": rollout_id, "w": wave, "s": signer(api, user, password_stdin, reason)},
    )["approveRolloutGate"]
    emit(
        rollout,
        as_json,
        lambda: console.print(
            f"wave {wave} approved (your e-signature is recorded); the rollout continues: "
            f"coe rollout status {rollout_id} --watch",
            highlight=False,
        ),
    )


def _control(
    mutation: str, rollout_id: str, api_url: str, token: str | None, as_json: bool, **arguments: Any
) -> None:
    api, rollout_id = resolved(api_url, token, "rollout", rollout_id)
    rollout = api.mutate(mutation, "Rollout", ROLLOUT, id=("String!", rollout_id), **arguments)
    emit(rollout, as_json, lambda: console.print(render(rollout)))


@app.command("pause", epilog=examples('coe rollout pause latest --reason "line 2 maintenance"'))
def pause(
    rollout_id: str = RolloutIdArgument,
    reason: str | None = MaybeWhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Stop starting new site deployments."""
    _control("pauseRollout", rollout_id, api_url, token, as_json, reason=("String", reason))


@app.command("resume", epilog=examples('coe rollout resume latest --reason "maintenance done"'))
def resume(
    rollout_id: str = RolloutIdArgument,
    reason: str | None = MaybeWhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Continue after a pause, a failure-budget stop, or an inconclusive KPI guard."""
    _control("resumeRollout", rollout_id, api_url, token, as_json, reason=("String", reason))


@app.command(
    "abort",
    epilog=examples(
        'coe rollout abort latest --reason "wrong version"',
        'coe rollout abort latest --rollback --reason "seal failures at cork"',
    ),
)
def abort(
    rollout_id: str = RolloutIdArgument,
    rollback: bool = typer.Option(
        False, "--rollback", help="Roll back every site this rollout changed."
    ),
    reason: str | None = MaybeWhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Stop the rollout (optionally undoing it, newest sites first)."""
    _control(
        "abortRollout",
        rollout_id,
        api_url,
        token,
        as_json,
        rollback=("Boolean", rollback),
        reason=("String", reason),
    )


@app.command(
    "retry", epilog=examples('coe rollout retry latest --reason "cork plant agent restarted"')
)
def retry(
    rollout_id: str = RolloutIdArgument,
    reason: str | None = MaybeWhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Deploy the failed sites of the current wave again."""
    _control("retryRollout", rollout_id, api_url, token, as_json, reason=("String", reason))


@app.command(
    "skip",
    epilog=examples('coe rollout skip latest suzhou --reason "line down for requalification"'),
)
def skip(
    rollout_id: str = RolloutIdArgument,
    site: str = typer.Argument(..., help="A site that has not started."),
    reason: str = WhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Leave a pending site out of the rollout."""
    _control(
        "skipRolloutSite",
        rollout_id,
        api_url,
        token,
        as_json,
        site=("String!", site),
        reason=("String!", reason),
    )


def ledger(
    site: str | None = OnlySiteOption,
    template: str | None = OnlyTemplateOption,
    history: bool = typer.Option(False, "--history", help="Also superseded and rolled back."),
    environment: str = typer.Option(
        "production",
        "--environment",
        "-e",
        help="Whose instances: production, or another environment (coe environments list).",
    ),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """What runs where (in one environment's instances), since when, deployed by which
    rollout (or transfer)."""
    rows = client(api_url, token).execute(
        "query($s: String, $t: String, $e: String!, $h: Boolean!) { ledger(site: $s, "
        "template: $t, environment: $e, history: $h) { site environment template version "
        "sha256 rolloutId transferId deployedBy status since } }",
        {"s": site, "t": template, "e": environment, "h": history},
    )["ledger"]
    emit(
        rows,
        as_json,
        lambda: table(
            f"Ledger of {environment} ({len(rows)})",
            ["site", "template", "version", "sha256", "status", "since (UTC)", "by"],
            [
                (
                    r["site"],
                    r["template"],
                    r["version"],
                    r["sha256"][:12] + "…",
                    r["status"],
                    r["since"][:19].replace("T", " "),
                    r["rolloutId"] or f"transfer {r['transferId']}",
                )
                for r in rows
            ],
        ),
    )


def drift(
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Plants running a hash the ledger does not expect (checked on a schedule)."""
    rows = client(api_url, token).execute(
        "{ drift { site template expectedSha256 reportedSha256 detail firstSeen lastSeen } }"
    )["drift"]
    emit(
        rows,
        as_json,
        lambda: (
            table(
                f"Drift ({len(rows)} open)",
                ["site", "template", "detail", "first seen", "last seen"],
                [
                    (
                        r["site"],
                        r["template"],
                        r["detail"],
                        r["firstSeen"][:19].replace("T", " "),
                        r["lastSeen"][:19].replace("T", " "),
                    )
                    for r in rows
                ],
            )
            if rows
            else console.print("no drift: every plant runs what the ledger says")
        ),
    )
