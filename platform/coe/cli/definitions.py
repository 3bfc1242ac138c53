"""`coe definition show`: what a plant runs."""

from __future__ import annotations

import sys
from typing import Any

import typer

from coe.cli.api import ApiUrlOption, TokenOption, client, split_ref
from coe.cli.output import JsonOption, console, emit, examples, table

app = typer.Typer(
    help="Effective definitions: template version ⊕ site overlay.", no_args_is_help=True
)


@app.command(
    "show",
    epilog=examples(
        "coe definition show penang sterile-barrier-sealing@2.1.0",
        "coe definition show penang sterile-barrier-sealing@2.1.0 --canonical | sha256sum",
    ),
)
def show(
    site: str = typer.Argument(..., help="Site key."),
    template: str = typer.Argument(..., help="KEY (newest published) or KEY@VERSION."),
    canonical: bool = typer.Option(False, help="Print the exact canonical JSON that is hashed."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Show the effective definition a site runs for a template, with its sha256."""
    key, version = split_ref(template)
    result = client(api_url, token).execute(
        "query($s: String!, $k: String!, $v: String) { effectiveDefinition(site: $s, "
        "template: $k, version: $v) { site template version sha256 overlayVersion migrations "
        "definition canonicalJson } }",
        {"s": site, "k": key, "v": version},
    )["effectiveDefinition"]
    if canonical:
        # Exactly the hashed bytes (no trailing newline): `| sha256sum` prints the sha256.
        sys.stdout.write(result["canonicalJson"])
        return
    emit(result, as_json, lambda: _render(result))


def _render(result: dict[str, Any]) -> None:
    definition = result["definition"]
    overlay = (
        f"overlay revision {result['overlayVersion']}"
        if result["overlayVersion"]
        else "no overlay (template defaults)"
    )
    console.print(
        f"[bold]{result['site']}[/] runs {result['template']}@{result['version']} with "
        f"{overlay}\nsha256 {result['sha256']}",
        highlight=False,
    )
    for migration in result["migrations"]:
        console.print(f"[dim]migrated {migration}[/]", highlight=False)
    table(
        "Parameters",
        ["name", "value", "unit", "from"],
        [
            (name, p["value"], p.get("unit"), p["source"])
            for name, p in definition["parameters"].items()
        ],
    )
    table(
        "Operations",
        ["#", "id", "kind", "title", "from", "limits"],
        [
            (
                index + 1,
                op["id"],
                op["kind"],
                op["title"],
                "site" if op["origin"] == "site" else "template",
                "; ".join(
                    f"{d['id']} {d.get('lowerLimit', '')}…{d.get('upperLimit', '')} "
                    f"{d.get('unit', '')}".strip()
                    for d in op.get("dataCollection", [])
                ),
            )
            for index, op in enumerate(definition["operations"])
        ],
    )
