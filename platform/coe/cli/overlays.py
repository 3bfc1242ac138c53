"""`coe overlay …`: validate offline, apply (propose), approve, reject, list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from coe.cli.api import (
    DEMO_SIGNER_PIPE,
    ApiUrlOption,
    ApprovalReasonOption,
    OnlySiteOption,
    OnlyTemplateOption,
    PasswordStdinOption,
    SignerUserOption,
    TokenOption,
    WhyOption,
    client,
    signer,
)
from coe.cli.client import answers
from coe.cli.output import JsonOption, console, emit, examples, fail, print_violations, table

app = typer.Typer(
    help="Site overlays: each site's bounded configuration of a template.", no_args_is_help=True
)

REVISION_FIELDS = """site template version templateVersions status reason contentSha256
proposedBy createdAt decidedAt approval { manifestation printedName signedAt }"""


@app.command(
    "validate",
    epilog=examples(
        "coe overlay validate site_overlays/ --template templates/",
        "coe overlay validate site_overlays/penang/sterile-barrier-sealing.yaml --template "
        "templates/ --site penang",
    ),
)
def validate(
    overlays: list[Path] = typer.Argument(..., help="Overlay files or folders (offline)."),
    template: list[Path] = typer.Option(
        ..., "--template", help="Template file(s) or folder(s) to check against."
    ),
    site: list[str] = typer.Option([], "--site", help="Known site keys (optional check)."),
    as_json: bool = JsonOption,
) -> None:
    """Check overlays against every given version of their template in their range, without a
    server; FILE:JSON_POINTER: reason per violation. Exit 1 if any."""
    from coe.overlays.files import validate_overlays
    from coe.templates.files import validate_templates

    template_report, templates = validate_templates(template)
    if template_report.violations:
        print_violations(template_report.violations, [], template_report.files, as_json)
    report = validate_overlays(overlays, templates, known_sites=site or None)
    print_violations(report.violations, report.notes, report.files, as_json)


@app.command(
    "apply",
    epilog=examples(
        "COE_TOKEN=$(cat .coe/tokens/site_admin) coe overlay apply "
        "site_overlays/penang/sterile-barrier-sealing.yaml",
    ),
)
def apply(
    file: Path = typer.Argument(..., help="A SiteOverlay file.", exists=True, dir_okay=False),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Propose the overlay (site_admin of its site, or coe_architect); it becomes effective
    when an approver signs it."""
    result = client(api_url, token).execute(
        "mutation($s: String!) { proposeOverlay(source: $s) { "
        f"{answers('ProposedOverlay', f'outcome overlay {{ {REVISION_FIELDS} }}')} }} }}",
        {"s": file.read_text(encoding="utf-8")},
    )["proposeOverlay"]
    row = result["overlay"]
    emit(
        result,
        as_json,
        lambda: console.print(
            f"overlay {row['site']}/{row['template']} revision {row['version']}: "
            f"{result['outcome']} ({row['status'].lower()})"
            + (
                f"\nnext: coe overlay approve {row['site']} {row['template']} --version "
                f"{row['version']} --reason …"
                if row["status"] == "proposed"
                else ""
            ),
            highlight=False,
        ),
    )


@app.command(
    "approve",
    epilog=examples(
        "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe overlay approve penang "
        'sterile-barrier-sealing --reason "CR-1187 reviewed"',
        DEMO_SIGNER_PIPE + "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe overlay approve penang "
        'sterile-barrier-sealing --reason "CR-1187 reviewed" --password-stdin',
    ),
)
def approve(
    site: str = typer.Argument(..., help="Site key."),
    template: str = typer.Argument(..., help="Template key."),
    version: int | None = typer.Option(None, help="Revision (default: the latest proposed)."),
    reason: str = ApprovalReasonOption,
    user: str | None = SignerUserOption,
    password_stdin: bool = PasswordStdinOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Approve a proposed revision with your e-signature; it becomes the site's overlay."""
    api = client(api_url, token)
    version = version or _latest_proposed(api, site, template)
    row = api.execute(
        "mutation($site: String!, $t: String!, $v: Int!, $s: SignerInput!) { approveOverlay("
        "site: $site, template: $t, version: $v, signature: $s) { "
        f"{answers('OverlayRevision', REVISION_FIELDS)} }} }}",
        {"site": site, "t": template, "v": version, "s": signer(api, user, password_stdin, reason)},
    )["approveOverlay"]
    emit(
        row,
        as_json,
        lambda: console.print(
            f"overlay {site}/{template} revision {version} approved — "
            f"{row['approval']['manifestation']}",
            highlight=False,
        ),
    )


def _latest_proposed(api: Any, site: str, template: str) -> int:
    rows = api.execute(
        "query($s: String, $t: String) { overlays(site: $s, template: $t) { version status } }",
        {"s": site, "t": template},
    )["overlays"]
    proposed: list[int] = [row["version"] for row in rows if row["status"] == "proposed"]
    if not proposed:
        fail(f"no proposed overlay revision for {site}/{template}", code="NOT_FOUND")
    return max(proposed)


@app.command(
    "reject",
    epilog=examples(
        "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe overlay reject penang "
        'sterile-barrier-sealing --version 5 --reason "PQ report missing"',
    ),
)
def reject(
    site: str = typer.Argument(..., help="Site key."),
    template: str = typer.Argument(..., help="Template key."),
    version: int = typer.Option(..., help="Revision to reject."),
    reason: str = WhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Reject a proposed revision (it stays in the history)."""
    row = client(api_url, token).execute(
        "mutation($site: String!, $t: String!, $v: Int!, $r: String!) { rejectOverlay("
        "site: $site, template: $t, version: $v, reason: $r) { "
        f"{answers('OverlayRevision', REVISION_FIELDS)} }} }}",
        {"site": site, "t": template, "v": version, "r": reason},
    )["rejectOverlay"]
    emit(
        row,
        as_json,
        lambda: console.print(
            f"overlay {site}/{template} revision {version} rejected", highlight=False
        ),
    )


@app.command(
    "list",
    epilog=examples(
        "coe overlay list",
        "coe overlay list --site penang --template sterile-barrier-sealing --json",
    ),
)
def list_overlays(
    site: str | None = OnlySiteOption,
    template: str | None = OnlyTemplateOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Overlay revisions with their history, newest first per site and template."""
    rows = client(api_url, token).execute(
        f"query($s: String, $t: String) {{ overlays(site: $s, template: $t) {{ "
        f"{REVISION_FIELDS} }} }}",
        {"s": site, "t": template},
    )["overlays"]
    emit(
        rows,
        as_json,
        lambda: table(
            f"Overlay revisions ({len(rows)})",
            [
                "site",
                "template",
                "rev",
                "template versions",
                "status",
                "proposed by",
                "approved by",
            ],
            [
                (
                    r["site"],
                    r["template"],
                    r["version"],
                    r["templateVersions"],
                    r["status"].lower(),
                    r["proposedBy"],
                    _approved_by(r["approval"]),
                )
                for r in rows
            ],
        ),
    )


def _approved_by(approval: dict[str, Any] | None) -> str:
    if not approval:
        return ""
    return f"{approval['printedName']} {approval['signedAt'][:10]}"
