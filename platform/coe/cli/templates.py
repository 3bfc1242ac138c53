"""`coe template …`: validate offline, publish, approve, list, show, diff, impact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from coe.cli.api import (
    DEMO_SIGNER_PIPE,
    ApiUrlOption,
    ApprovalReasonOption,
    PasswordStdinOption,
    SignerUserOption,
    TokenOption,
    WhyOption,
    client,
    require_version,
    signer,
    split_ref,
)
from coe.cli.client import ApiClient, answers
from coe.cli.output import JsonOption, console, emit, examples, fail, print_violations, table

app = typer.Typer(
    help="Global process templates: validate, publish, approve, diff, impact.", no_args_is_help=True
)

VERSION_FIELDS = """key version status title owner changeSummary contentSha256 author createdAt
publishedAt publishedBy approval { manifestation }"""


@app.command(
    "validate",
    epilog=examples(
        "coe template validate templates/",
        "coe template validate templates/sterile-barrier-sealing-2.1.0.yaml --json",
    ),
)
def validate(
    paths: list[Path] = typer.Argument(..., help="Template files or folders (offline)."),
    as_json: bool = JsonOption,
) -> None:
    """Check template files without a server; print FILE:JSON_POINTER: reason for every
    violation. Exit 1 if any."""
    from coe.templates.files import validate_templates

    report, _ = validate_templates(paths)
    print_violations(report.violations, report.notes, report.files, as_json)


def advance(api: ApiClient, row: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Move a version as far as it goes without a human signature: submit, then publish."""
    key, version = row["key"], row["version"]
    if row["status"] == "draft":
        row = api.execute(
            "mutation($k: String!, $v: String!) { submitTemplate(key: $k, version: $v) "
            f"{{ {answers('TemplateVersion', VERSION_FIELDS)} }} }}",
            {"k": key, "v": version},
        )["submitTemplate"]
    if row["status"] == "approved":
        row = api.execute(
            "mutation($k: String!, $v: String!) { publishTemplate(key: $k, version: $v) "
            f"{{ {answers('TemplateVersion', VERSION_FIELDS)} }} }}",
            {"k": key, "v": version},
        )["publishTemplate"]
        return row, f"{key}@{version} published (sha256 {row['contentSha256']})"
    if row["status"] == "in_review":
        return row, (
            f"{key}@{version} is in review: it needs an approval e-signature by a "
            f"qa_approver or another coe_architect: coe template approve {key}@{version}"
            f" --reason …; then run publish again"
        )
    return row, f"{key}@{version} is {row['status'].lower()}"


@app.command(
    "publish",
    epilog=examples(
        "coe template publish templates/sterile-barrier-sealing-2.2.0.yaml",
        "coe template publish sterile-barrier-sealing@2.2.0",
    ),
)
def publish(
    target: str = typer.Argument(..., help="A template FILE, or KEY@VERSION already uploaded."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Upload a template version and move it forward: draft → in review; once approved (by
    someone else's e-signature) → published. Run it again after the approval."""
    api = client(api_url, token)
    path = Path(target)
    if path.is_file():
        source = path.read_text(encoding="utf-8")
        saved = api.execute(
            "mutation($s: String!) { saveTemplateDraft(source: $s) { "
            f"{answers('SavedTemplate', f'outcome template {{ {VERSION_FIELDS} }}')} }} }}",
            {"s": source},
        )["saveTemplateDraft"]
        row = saved["template"]
        if not as_json:
            console.print(
                f"{row['key']}@{row['version']}: draft {saved['outcome']}", highlight=False
            )
    else:
        key, version = require_version(target)
        row = api.execute(
            "query($k: String!, $v: String) { templateVersion(key: $k, version: $v) "
            f"{{ {VERSION_FIELDS} }} }}",
            {"k": key, "v": version},
        )["templateVersion"]
    row, message = advance(api, row)
    emit(row, as_json, lambda: console.print(message, highlight=False))


@app.command(
    "approve",
    epilog=examples(
        "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe template approve "
        'sterile-barrier-sealing@2.2.0 --reason "Design review DR-231 passed"',
        DEMO_SIGNER_PIPE + "COE_TOKEN=$(cat .coe/tokens/qa_approver) coe template approve "
        'sterile-barrier-sealing@2.2.0 --reason "DR-231" --password-stdin',
    ),
)
def approve(
    reference: str = typer.Argument(..., help="KEY@VERSION under review."),
    reason: str = ApprovalReasonOption,
    user: str | None = SignerUserOption,
    password_stdin: bool = PasswordStdinOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Approve a version with your e-signature (re-enter your password)."""
    key, version = require_version(reference)
    api = client(api_url, token)
    signature = signer(api, user, password_stdin, reason)
    row = api.execute(
        "mutation($k: String!, $v: String!, $s: SignerInput!) { approveTemplate(key: $k, "
        f"version: $v, signature: $s) {{ {answers('TemplateVersion', VERSION_FIELDS)} }} }}",
        {"k": key, "v": version, "s": signature},
    )["approveTemplate"]
    emit(
        row,
        as_json,
        lambda: console.print(
            f"{key}@{version} approved — {row['approval']['manifestation']}\n"
            f"next: coe template publish {key}@{version}",
            highlight=False,
        ),
    )


def _lifecycle(
    mutation: str, reference: str, reason: str, api_url: str, token: str | None, as_json: bool
) -> None:
    key, version = require_version(reference)
    row = client(api_url, token).execute(
        f"mutation($k: String!, $v: String!, $r: String!) {{ {mutation}(key: $k, version: $v, "
        f"reason: $r) {{ {answers('TemplateVersion', VERSION_FIELDS)} }} }}",
        {"k": key, "v": version, "r": reason},
    )[mutation]
    emit(
        row,
        as_json,
        lambda: console.print(f"{key}@{version} is now {row['status'].lower()}", highlight=False),
    )


@app.command(
    "deprecate",
    epilog=examples(
        'coe template deprecate sterile-barrier-sealing@1.4.0 --reason "superseded by 2.x"',
    ),
)
def deprecate(
    reference: str = typer.Argument(..., help="KEY@VERSION (published)."),
    reason: str = WhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Deprecate a published version (no new rollouts of it)."""
    _lifecycle("deprecateTemplate", reference, reason, api_url, token, as_json)


@app.command(
    "retire",
    epilog=examples(
        'coe template retire sterile-barrier-sealing@1.4.0 --reason "no site runs it any more"',
    ),
)
def retire(
    reference: str = typer.Argument(..., help="KEY@VERSION (deprecated)."),
    reason: str = WhyOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Retire a deprecated version: it may no longer run anywhere."""
    _lifecycle("retireTemplate", reference, reason, api_url, token, as_json)


@app.command(
    "return",
    epilog=examples(
        'coe template return sterile-barrier-sealing@2.2.0 --reason "raise maxSteps only with a '
        'PQ"',
    ),
)
def return_to_draft(
    reference: str = typer.Argument(..., help="KEY@VERSION in review or approved."),
    reason: str = typer.Option(..., help="What the author must change."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Send a version under review back to its author as a draft."""
    _lifecycle("returnTemplateToDraft", reference, reason, api_url, token, as_json)


@app.command(
    "list",
    epilog=examples(
        "coe template list",
        "coe template list --json",
    ),
)
def list_templates(
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """List templates and their versions (all pages)."""
    api, nodes, after = client(api_url, token), [], None
    while True:
        page = api.execute(
            "query($after: String) { templates(first: 100, after: $after) { nodes { key title "
            "versions { version status publishedAt contentSha256 } } "
            "pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )["templates"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    emit(
        nodes,
        as_json,
        lambda: table(
            f"Templates ({len(nodes)})",
            ["key", "title", "versions (newest first)"],
            [
                (
                    t["key"],
                    t["title"],
                    ", ".join(f"{v['version']} ({v['status'].lower()})" for v in t["versions"]),
                )
                for t in nodes
            ],
        ),
    )


@app.command(
    "show",
    epilog=examples(
        "coe template show sterile-barrier-sealing",
        "coe template show sterile-barrier-sealing@2.1.0 --json",
    ),
)
def show(
    reference: str = typer.Argument(..., help="KEY (newest published) or KEY@VERSION."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Show a template version: metadata, parameters, operations."""
    key, version = split_ref(reference)
    row = client(api_url, token).execute(
        "query($k: String!, $v: String) { templateVersion(key: $k, version: $v) { "
        f"{VERSION_FIELDS} document parameters {{ name type default minimum maximum values unit "
        "siteConfigurable siteBound } } }",
        {"k": key, "v": version},
    )["templateVersion"]
    emit(row, as_json, lambda: _render_template(row))


def _render_template(row: dict[str, Any]) -> None:
    console.print(
        f"[bold]{row['title']}[/] — {row['key']}@{row['version']} "
        f"([cyan]{row['status'].lower()}[/])",
        highlight=False,
    )
    console.print(
        f"owner {row['owner'] or '—'}; author {row['author']}; sha256 {row['contentSha256']}",
        highlight=False,
    )
    if row["changeSummary"]:
        console.print(f"changes: {row['changeSummary']}", highlight=False)
    if row["approval"]:
        console.print(f"approval: {row['approval']['manifestation']}", highlight=False)
    table(
        "Parameters",
        ["name", "type", "default", "bounds / values", "unit", "site may set"],
        [
            (
                p["name"],
                p["type"],
                p["default"],
                ", ".join(p["values"])
                if p["values"]
                else f"{p['minimum']} … {p['maximum']}"
                if p["minimum"] is not None or p["maximum"] is not None
                else "",
                p["unit"],
                ("yes, site-bound" if p["siteBound"] else "yes")
                if p["siteConfigurable"]
                else "locked",
            )
            for p in row["parameters"]
        ],
    )
    spec = row["document"]["spec"]
    table(
        "Operations",
        ["#", "id", "kind", "title", "equipment"],
        [
            (index + 1, op["id"], op["kind"], op["title"], op.get("equipmentClass"))
            for index, op in enumerate(spec["operations"])
        ],
    )
    points = spec.get("extensionPoints") or []
    if points:
        table(
            "Extension points",
            ["id", "after", "allowed kinds", "max steps"],
            [(p["id"], p["after"], ", ".join(p["allowedKinds"]), p["maxSteps"]) for p in points],
        )


@app.command(
    "diff",
    epilog=examples(
        "coe template diff sterile-barrier-sealing@2.0.0 sterile-barrier-sealing@2.1.0",
        "coe template diff templates/sterile-barrier-sealing-1.4.0.yaml "
        "templates/sterile-barrier-sealing-2.0.0.yaml",
    ),
)
def diff(
    old: str = typer.Argument(..., help="KEY@A, or a template FILE (offline)."),
    new: str = typer.Argument(..., help="KEY@B, or a template FILE (offline)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """What changed between two versions, each change marked breaking or compatible."""
    if Path(old).is_file() and Path(new).is_file():
        result = _offline_diff(Path(old), Path(new))
    else:
        key, from_version = require_version(old)
        _, to_version = require_version(new)
        result = client(api_url, token).execute(
            "query($k: String!, $a: String!, $b: String!) { templateDiff(key: $k, "
            "fromVersion: $a, toVersion: $b) { key fromVersion toVersion breaking changes { "
            "area subject kind breaking description } } }",
            {"k": key, "a": from_version, "b": to_version},
        )["templateDiff"]
    emit(result, as_json, lambda: render_diff(result))


def _offline_diff(old: Path, new: Path) -> dict[str, Any]:
    from coe.documents import DocumentError, read_mapping
    from coe.templates.diff import diff_templates
    from coe.templates.validation import template_violations

    documents = []
    for path in (old, new):
        try:
            document = read_mapping(path)
        except DocumentError as error:
            fail(f"{path}:{error.pointer}: {error.reason}", code="INVALID_FILE")
        problems = template_violations(document)
        if problems:
            fail(f"{path}:{problems[0].pointer}: {problems[0].reason}", code="INVALID_FILE")
        documents.append(document)
    result = diff_templates(documents[0], documents[1])
    return {
        "key": result.key,
        "fromVersion": result.from_version,
        "toVersion": result.to_version,
        "breaking": result.breaking,
        "changes": [
            {
                "area": c.area,
                "subject": c.subject,
                "kind": c.kind,
                "breaking": c.breaking,
                "description": c.description,
            }
            for c in result.changes
        ],
    }


def render_diff(result: dict[str, Any]) -> None:
    verdict = "[bold red]BREAKING[/]" if result["breaking"] else "[green]compatible[/]"
    console.print(
        f"{result['key']} {result['fromVersion']} → {result['toVersion']}: {verdict} "
        f"({len(result['changes'])} change(s))",
        highlight=False,
    )
    table(
        None,
        ["", "area", "change"],
        [
            ("[red]breaking[/]" if c["breaking"] else "[green]ok[/]", c["area"], c["description"])
            for c in result["changes"]
        ],
    )


@app.command(
    "impact",
    epilog=examples(
        "coe template impact sterile-barrier-sealing@2.0.0 --from 1.4.0",
        "coe template impact sterile-barrier-sealing@2.1.0 --json",
    ),
)
def impact(
    reference: str = typer.Argument(..., help="KEY@NEW: the candidate version."),
    from_version: str | None = typer.Option(
        None, "--from", help="Compare with this version (default: the previous published)."
    ),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Which sites the new version breaks, and exactly why, before any rollout."""
    key, version = require_version(reference)
    result = client(api_url, token).execute(
        "query($k: String!, $to: String!, $from: String) { upgradeImpact(template: $k, "
        "toVersion: $to, fromVersion: $from) { template fromVersion toVersion diff { breaking "
        "changes { breaking description } } sites { site status overlayVersion migrations "
        "violations { path reason } } coverage { site covered verdict reasons } } }",
        {"k": key, "to": version, "from": from_version},
    )["upgradeImpact"]
    emit(result, as_json, lambda: _render_impact(result))


def _coverage_cell(found: dict[str, Any] | None) -> str:
    """A site's validation coverage in a table cell: the verdict, and what is outside."""
    if found is None:
        return ""
    colour = {True: "green", False: "yellow"}.get(found["covered"], "dim")
    reasons = "; ".join(found["reasons"])
    return f"[{colour}]{found['verdict']}[/]" + (f": {reasons}" if reasons else "")


def _render_impact(result: dict[str, Any]) -> None:
    breaking = [c["description"] for c in result["diff"]["changes"] if c["breaking"]]
    console.print(
        f"{result['template']} {result['fromVersion']} → {result['toVersion']}: "
        f"{len(breaking)} breaking change(s)",
        highlight=False,
    )
    for description in breaking:
        console.print(f"  [red]•[/] {description}", highlight=False)
    colours = {"compatible": "green", "needs_overlay_change": "red", "not_using": "dim"}
    validation = {c["site"]: c for c in result["coverage"]}
    table(
        "Sites",
        ["site", "impact", "overlay", "validation", "why"],
        [
            (
                s["site"],
                f"[{colours[s['status']]}]{s['status'].lower()}[/]",
                s["overlayVersion"],
                _coverage_cell(validation.get(s["site"])),
                "; ".join(
                    [f"{v['path']}: {v['reason']}" for v in s["violations"]]
                    + [f"migrates {m}" for m in s["migrations"]]
                ),
            )
            for s in result["sites"]
        ],
    )
