"""`coe sync`: reconcile templates/ and site_overlays/ into the registry (plan, then apply)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from coe.cli.api import ApiUrlOption, TokenOption, client
from coe.cli.client import ApiClient, answers
from coe.cli.output import JsonOption, console, emit, print_violations, table

COLOURS = {
    "create": "green",
    "update": "yellow",
    "submit": "green",
    "publish": "green",
    "propose": "green",
    "unchanged": "dim",
    "waiting": "cyan",
    "blocked": "yellow",
    "error": "red",
}


def sync(
    templates: Path = typer.Argument(..., help="Folder of template files, e.g. templates/."),
    overlays: Path = typer.Argument(..., help="Folder of site overlays, e.g. site_overlays/."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Make the registry match the folders, like plan/apply: files are validated first (any
    violation: nothing changes), then each template version is moved as far as it can go
    without a signature, changed overlays are proposed and the validation records beside the
    templates (*.validation.yaml) are saved. A second run changes nothing; a published version
    and an approved validation record are never changed."""
    from coe.overlays.files import validate_overlays
    from coe.sync import CHANGES, Step, plan, record_actions
    from coe.templates.files import validate_templates
    from coe.validation.files import validate_records

    template_report, local_templates = validate_templates([templates])
    overlay_report = validate_overlays([overlays], local_templates)
    record_report, local_records = validate_records([templates], local_templates)
    violations = template_report.violations + overlay_report.violations
    violations += record_report.violations
    if violations:
        checked = template_report.files + overlay_report.files + record_report.files
        print_violations(violations, [], checked, as_json)
    api = client(api_url, token)
    actions = plan(
        [(t.file, t.document) for t in local_templates],
        [(file, document) for file, document in _overlay_documents(overlays)],
        _remote_templates(api),
        _remote_overlays(api),
    )
    actions += record_actions(
        [(r.file, r.document) for r in local_records], _remote_records(api), actions
    )
    results = (
        [] if dry_run else [_apply(api, action) for action in actions if action.step in CHANGES]
    )
    rows = [
        {"step": a.step.value, "target": a.target, "file": a.file, "detail": a.detail}
        for a in actions
    ]
    emit(
        {"dryRun": dry_run, "actions": rows, "applied": results},
        as_json,
        lambda: _render(rows, dry_run),
    )
    if any(action.step is Step.ERROR for action in actions):
        raise typer.Exit(1)


def _overlay_documents(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    from coe.documents import read_mapping, yaml_files

    return [(str(path), read_mapping(path)) for path in yaml_files([folder])]


def _remote_templates(api: ApiClient) -> dict[tuple[str, str], Any]:
    from coe.sync import RemoteTemplate

    found, after = {}, None
    while True:
        page = api.execute(
            "query($after: String) { templates(first: 100, after: $after) { nodes { key "
            "versions { version status contentSha256 } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )["templates"]
        for template in page["nodes"]:
            for version in template["versions"]:
                # coe.sync compares the API's enum names; the client hands them lowercased.
                found[(template["key"], version["version"])] = RemoteTemplate(
                    status=version["status"].upper(), sha256=version["contentSha256"]
                )
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _remote_overlays(api: ApiClient) -> dict[tuple[str, str], Any]:
    from coe.sync import RemoteOverlay

    latest: dict[tuple[str, str], Any] = {}
    for row in api.execute("{ overlays { site template version status contentSha256 } }")[
        "overlays"
    ]:
        key = (row["site"], row["template"])
        if key not in latest or row["version"] > latest[key].version:
            latest[key] = RemoteOverlay(
                version=row["version"], status=row["status"].upper(), sha256=row["contentSha256"]
            )
    return latest


def _remote_records(api: ApiClient) -> dict[tuple[str, str], Any]:
    from coe.sync import RemoteRecord

    return {
        (row["template"], row["version"]): RemoteRecord(
            status=row["status"].upper(), sha256=row["documentSha256"]
        )
        for row in api.execute("{ validationRecords { template version status documentSha256 } }")[
            "validationRecords"
        ]
    }


def _apply(api: ApiClient, action: Any) -> dict[str, str]:
    from coe.canonical import canonical_json
    from coe.sync import Step

    source = canonical_json(action.document).decode() if action.document else None
    key, _, version = action.target.partition("@")
    if action.document is not None and action.document.get("kind") == "ValidationRecord":
        api.execute(
            "mutation($s: String!) { saveValidationRecord(source: $s) { "
            f"{answers('SavedValidationRecord', 'outcome')} }} }}",
            {"s": source},
        )
        return {"step": action.step.value, "target": action.target}
    if action.step in (Step.CREATE, Step.UPDATE):
        api.execute(
            "mutation($s: String!) { saveTemplateDraft(source: $s) { "
            f"{answers('SavedTemplate', 'outcome')} }} }}",
            {"s": source},
        )
    if action.step in (Step.CREATE, Step.UPDATE, Step.SUBMIT):
        api.execute(
            "mutation($k: String!, $v: String!) { submitTemplate(key: $k, version: $v) "
            f"{{ {answers('TemplateVersion', 'status')} }} }}",
            {"k": key, "v": version},
        )
    elif action.step is Step.PUBLISH:
        api.execute(
            "mutation($k: String!, $v: String!) { publishTemplate(key: $k, version: $v) "
            f"{{ {answers('TemplateVersion', 'status')} }} }}",
            {"k": key, "v": version},
        )
    elif action.step is Step.PROPOSE:
        api.execute(
            "mutation($s: String!) { proposeOverlay(source: $s) { "
            f"{answers('ProposedOverlay', 'outcome')} }} }}",
            {"s": source},
        )
    return {"step": action.step.value, "target": action.target}


def _render(rows: list[dict[str, str]], dry_run: bool) -> None:
    changing = [
        r for r in rows if r["step"] in ("create", "update", "submit", "publish", "propose")
    ]
    title = "Plan (dry run: nothing changed)" if dry_run else "Applied"
    table(
        f"{title} — {len(changing)} change(s)",
        ["", "target", "what", "file"],
        [
            (f"[{COLOURS[r['step']]}]{r['step']}[/]", r["target"], r["detail"], r["file"])
            for r in rows
        ],
    )
    errors = [r for r in rows if r["step"] == "error"]
    if errors:
        console.print(
            f"[red]{len(errors)} error(s)[/]: fix the files named above; "
            + ("nothing was changed" if dry_run else "the rest was applied")
        )
    elif not changing:
        console.print("nothing to change: the registry matches the folders")
