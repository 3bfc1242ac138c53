"""`coe evidence export`: download the evidence package of a template version (PDF or JSON)
through the API, as an auditor would."""

from __future__ import annotations

import contextlib
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
import typer

from coe.cli.api import ApiUrlOption, TokenOption, require_version
from coe.cli.output import JsonOption, console, emit, errors, examples, fail, table

app = typer.Typer(
    help="Evidence packages of template versions: everything an auditor asks for, from the "
    "platform's own records.",
    no_args_is_help=True,
)

# The nine sections every package has (coe.validation.package.SECTIONS; kept here so the
# command starts without loading the service's modules).
SECTIONS = (
    "Template version",
    "Validation record",
    "Test cases and results",
    "Deviations",
    "Environment history",
    "Site coverage",
    "Electronic signatures",
    "Audit trail",
    "Package",
)


class Format(StrEnum):
    PDF = "pdf"
    JSON = "json"


@app.command(
    "export",
    epilog=examples(
        "coe evidence export sterile-barrier-sealing@2.1.0 --format pdf",
        "coe evidence export sterile-barrier-sealing@2.1.0 --site cork --format json "
        "--file cork.json",
        "COE_TOKEN=$(cat .coe/tokens/auditor) coe evidence export "
        "sterile-barrier-sealing@2.1.0 --json",
    ),
)
def export(
    reference: str = typer.Argument(..., help="KEY@VERSION of the template version."),
    site: str | None = typer.Option(
        None, "--site", help="Only this site's deployments, coverage and site records."
    ),
    format: Format = typer.Option(Format.PDF, "--format", help="pdf or json."),
    file: Path | None = typer.Option(
        None,
        "--file",
        "-f",
        help="Where to write it (default: KEY-VERSION[-SITE].evidence.FORMAT here). "
        "(`--output` chooses how this command prints, as everywhere.)",
    ),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Export the evidence package of a template version (auditor, qa_approver or
    coe_architect; a site-scoped qa_approver with --site of their own): the version and its
    sha256, the validation record, every test case with its results, deviations, the
    environment history, the per-site coverage, every signature, the audit-trail excerpt
    with the chain verified now. The export is audited. Prints the file, the package's
    sha256 and its sections."""
    key, version = require_version(reference)
    if not token:
        fail(
            "no token: set COE_TOKEN (make run prints one per role) or pass --token",
            code="UNAUTHENTICATED",
        )
    with errors.status(f"gathering the evidence of {key}@{version} …"):
        response = _download(api_url, token, key, version, format, site)
    target = file or Path(_filename(response) or f"{key}-{version}.evidence.{format.value}")
    try:
        target.write_bytes(response.content)
    except OSError as error:
        fail(f"{target}: cannot write: {error}", code="INVALID_FILE")
    summary = {
        "file": str(target),
        "format": format.value,
        "bytes": len(response.content),
        "template": key,
        "version": version,
        "site": site,
        "sha256": response.headers.get("x-evidence-sha256", ""),
        "sections": [f"{n}. {title}" for n, title in enumerate(SECTIONS, 1)],
    }
    emit(summary, as_json, lambda: _render(summary))


def _download(
    api_url: str, token: str, key: str, version: str, format: Format, site: str | None
) -> httpx.Response:
    params = {"format": format.value, **({"site": site} if site else {})}
    url = f"{api_url.rstrip('/')}/api/evidence/{key}/{version}"
    try:
        response = httpx.get(
            url, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
    except httpx.TransportError as error:
        fail(
            f"cannot reach the COE API at {api_url} ({error}); is `make run` running? Set "
            "COE_API_URL to point elsewhere.",
            code="UNREACHABLE",
        )
    if response.status_code != 200:
        body: dict[str, Any] = {}
        with contextlib.suppress(ValueError):
            body = response.json()
        fail(
            str(body.get("message") or f"the API answered HTTP {response.status_code}"),
            code=str(body.get("error") or f"HTTP_{response.status_code}"),
        )
    return response


def _filename(response: httpx.Response) -> str | None:
    found = re.search(r'filename="([^"/\\]+)"', response.headers.get("content-disposition", ""))
    return found.group(1) if found else None


def _render(summary: dict[str, Any]) -> None:
    scope = f"site {summary['site']}" if summary["site"] else "the whole enterprise"
    console.print(
        f"evidence of {summary['template']}@{summary['version']} ({scope}) written to "
        f"{summary['file']} ({summary['format']}, {summary['bytes']} bytes)",
        highlight=False,
    )
    console.print(f"evidence sha256 {summary['sha256']}", highlight=False)
    table("Sections", ["#", "Section"], [title.split(". ", 1) for title in summary["sections"]])
