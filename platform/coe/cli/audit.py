"""`coe audit …`: verify the chain independently of the service, and read the trail."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from coe.cli.api import ApiUrlOption, TokenOption, client
from coe.cli.output import JsonOption, console, emit, examples, fail, table

if TYPE_CHECKING:
    from coe.audit.anchors import Anchor
    from coe.audit.chain import ChainReport

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


def _anchor(value: str | None) -> Anchor | None:
    from coe.audit.anchors import Anchor

    if value is None:
        return None
    seq, sep, digest = value.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        fail("--anchor must be SEQ:HASH as printed by an earlier verify", code="BAD_USER_INPUT")
    return Anchor(seq=int(seq), hash=digest)


@app.command(
    "verify",
    epilog=examples(
        "coe audit verify",
        "coe audit verify --json   # note head.seq and head.hash",
        'coe audit verify --anchor "$SEQ:$HASH"',
    ),
)
def verify(
    anchor: str | None = typer.Option(
        None, help="SEQ:HASH of a head seen earlier, checked besides the stored anchors."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Recompute every hash and link of the audit chain; name each tampered record.

    Reads the database directly (DATABASE_URL or the embedded one) with the audit key, so it
    does not trust the running service, and checks that the chain still holds the latest
    anchor kept outside the database (COE_AUDIT_ANCHOR_SINK), so deleted newest records, a
    truncated table or a restored older database show too. Exit 0 when intact, 1 when
    tampering is found.
    """
    from coe.audit import service
    from coe.audit.anchors import anchor_store
    from coe.cli.local import local_database
    from coe.config import load_settings
    from coe.db import read_only
    from coe.errors import CoeError
    from coe.secrets import audit_key

    settings = load_settings()
    expected = _anchor(anchor)

    async def run() -> ChainReport:
        anchors = anchor_store(settings)
        async with local_database(settings) as sessions, read_only(sessions) as session:
            return await service.verify(
                session, audit_key(settings), anchors=anchors, anchor=expected
            )

    try:
        report = asyncio.run(run())
    except CoeError as error:
        fail(error.message, code=error.code)
    result = {
        "intact": report.intact,
        "records": report.records,
        "head": {"seq": report.head_seq, "hash": report.head_hash},
        "anchored_seq": report.anchored_seq,
        "findings": [
            {**asdict(finding), "kind": finding.kind.value} for finding in report.findings
        ],
    }
    emit(result, as_json, lambda: _render(report))
    if not report.intact:
        raise typer.Exit(1)


def _render(report: ChainReport) -> None:
    if report.intact:
        console.print(f"[green]audit chain intact[/]: {report.records} records verified")
    else:
        console.print(
            f"[bold red]audit chain TAMPERED[/]: {len(report.findings)} finding(s) in "
            f"{report.records} records"
        )
        for finding in report.findings:
            console.print(f"  [red]{finding}[/]", highlight=False)
    if report.anchored_seq is None:
        console.print(
            "[yellow]no anchor recorded yet[/]: the monitor records one after its first check"
        )
    else:
        console.print(f"checked against the anchor at seq {report.anchored_seq}", highlight=False)
    if report.head_seq is not None:
        console.print(f"head: {report.head_seq}:{report.head_hash}", highlight=False)


@app.command(
    "log",
    epilog=examples(
        "coe audit log --entity-type site --limit 20",
        "coe audit log --actor ada --since 2026-11-01 -o plain",
    ),
)
def log(
    entity_type: str | None = typer.Option(None, help="Only records of this kind."),
    entity_id: str | None = typer.Option(None, help="Only records of this id."),
    actor: str | None = typer.Option(None, help="Only changes by this user id."),
    site: str | None = typer.Option(None, help="Only records of this site."),
    since: datetime | None = typer.Option(None, help="At or after (ISO 8601, UTC if no offset)."),
    until: datetime | None = typer.Option(None, help="Before (ISO 8601)."),
    limit: int = typer.Option(50, min=1, max=100, help="How many records (newest first)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Show the audit trail, newest first (auditor, qa_approver)."""
    criteria: dict[str, Any] = {
        "entityType": entity_type,
        "entityId": entity_id,
        "actor": actor,
        "site": site,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    records = client(api_url, token).execute(
        "query($filter: AuditFilter, $first: Int!) { auditRecords(filter: $filter, first: $first)"
        " { totalCount nodes { seq occurredAt actor action entityType entityId site reason "
        "requestId before after } } }",
        {"filter": criteria, "first": limit},
    )["auditRecords"]
    emit(
        records,
        as_json,
        lambda: table(
            f"Audit trail ({len(records['nodes'])} of {records['totalCount']})",
            ["seq", "when (UTC)", "actor", "action", "entity", "reason"],
            [
                (
                    r["seq"],
                    r["occurredAt"][:19].replace("T", " "),
                    r["actor"],
                    r["action"],
                    f"{r['entityType']}:{r['entityId']}",
                    r["reason"],
                )
                for r in records["nodes"]
            ],
        ),
    )
