"""`coe up`, `coe api`, `coe graphql-schema`: running the platform."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import typer

from coe.cli.output import JsonOption, console, emit, fail, table


def up(
    demo: bool = typer.Option(True, "--demo/--no-demo", help="Seed the demo enterprise."),
    verbose: bool = typer.Option(False, help="Show every child's output here, not in logs."),
) -> None:
    """Run the whole platform: PostgreSQL, Temporal, worker, API (Ctrl-C stops it all)."""
    from coe.config import load_settings
    from coe.stack.supervisor import run_stack

    raise typer.Exit(run_stack(load_settings(), demo=demo, verbose=verbose))


def api() -> None:
    """Serve the API alone (GraphQL at /graphql) on COE_HOST:COE_PORT, in COE_API_WORKERS
    processes (each with its own connection pool; more than one needs DATABASE_URL)."""
    import uvicorn

    from coe.cli.output import fail
    from coe.config import load_settings

    settings = load_settings()
    if settings.api_workers > 1 and not settings.database_url:
        fail(
            "COE_API_WORKERS > 1 needs DATABASE_URL (the embedded PostgreSQL belongs to one "
            "process; `coe up` passes it to the API)",
            code="BAD_USER_INPUT",
        )
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(
        "coe.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        server_header=False,
        workers=settings.api_workers,
    )


def json_schemas(
    folder: Path = typer.Argument(Path("schemas"), help="Where to write the *.schema.json files."),
    docs: Path = typer.Option(
        Path("docs/formats"),
        "--docs",
        help="Format pages whose generated field references are rewritten from the same "
        "schemas (skipped when the folder does not exist).",
    ),
) -> None:
    """Write the JSON Schemas of the formats (editors validate and complete with them) and the
    field references generated from them in docs/formats/*.md.

    Example: coe json-schemas schemas/ --docs docs/formats"""
    from coe.documents.reference import rewrite_sections
    from coe.kinds import reference_sections, schema_files, schema_text
    from coe.validation import package

    folder.mkdir(parents=True, exist_ok=True)
    for filename in schema_files():
        (folder / filename).write_text(schema_text(filename))
        print(folder / filename)
    # Not a kind users write (coe.kinds): the platform writes evidence packages; their JSON
    # form has a schema all the same.
    (folder / package.SCHEMA_FILE).write_text(package.schema_text())
    print(folder / package.SCHEMA_FILE)
    if not docs.is_dir():
        return
    sections = reference_sections()
    for page in sorted(docs.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        try:
            rewritten = rewrite_sections(text, sections)
        except ValueError as error:
            fail(f"{page}: {error}")
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
            print(page)


def graphql_schema() -> None:
    """Print the GraphQL schema (SDL); `make schema` writes it to schema.graphql."""
    from coe.graphql.schema import schema_sdl

    sys.stdout.write(schema_sdl())


def demo_rollouts(as_json: bool = JsonOption) -> None:
    """Roll the demo's templates out to the demo plants (coe up runs it on the first start);
    each rollout is reported as it ends, and one that did not start or end fails the command
    (after the others)."""
    from coe.cli.client import ApiClient
    from coe.config import load_settings
    from coe.demo.history import close_history
    from coe.demo.rollouts import DemoRollout
    from coe.demo.rollouts import demo_rollouts as run

    settings = load_settings()
    token = (settings.state_dir / "tokens" / "coe_architect").read_text().strip()
    api = ApiClient(f"http://{settings.host}:{settings.port}", token)

    def report(rollout: DemoRollout) -> None:
        outcome = rollout.error or rollout.status
        line = f"{rollout.template}@{rollout.version} {rollout.id or '-'}: {outcome}"
        console.print(line, highlight=False, markup=False)

    with console.status("rolling the demo templates out…"):
        rollouts = run(api, report=report)
    close_history(settings.state_dir / "plants")  # what comes next happens in real time
    emit(
        [r.as_json() for r in rollouts],
        as_json,
        lambda: table(
            "Demo rollouts",
            ["rollout", "template", "version", "status", "error"],
            [[r.id, r.template, r.version, r.status, r.error] for r in rollouts],
        ),
    )
    failed = [r for r in rollouts if r.error]
    if failed:
        fail(f"{len(failed)} of {len(rollouts)} demo rollouts did not start or end (see above)")
