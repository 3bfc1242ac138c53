"""The `coe` command: run the platform, administer it, and use every capability."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

import typer
from typer._click.core import Command, Parameter
from typer._completion_shared import get_completion_script
from typer.main import get_command

from coe.cli import (
    admin,
    audit,
    definitions,
    evidence,
    kpis,
    overlays,
    plants,
    rollouts,
    server,
    sites,
    templates,
    transfers,
    validation,
)
from coe.cli.output import Output, choose_output, examples
from coe.cli.sync import sync

app = typer.Typer(
    name="coe",
    help="COE Platform: global process templates, site overlays, rollouts, KPIs and tech "
    "transfers.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

app.command(epilog=examples("coe up", "coe up --no-demo --verbose"))(server.up)
app.command(
    epilog=examples(
        "COE_PORT=8080 coe api",
        "DATABASE_URL=postgresql://coe@db.internal/coe COE_API_WORKERS=4 coe api",
    )
)(server.api)
app.command(
    "graphql-schema",
    epilog=examples("coe graphql-schema > schema.graphql", "coe graphql-schema | grep -n rollout"),
)(server.graphql_schema)
app.command(
    "json-schemas",
    epilog=examples("coe json-schemas", "coe json-schemas schemas/ --docs docs/formats"),
)(server.json_schemas)
app.command("demo-rollouts", epilog=examples("coe demo-rollouts", "coe demo-rollouts --json"))(
    server.demo_rollouts
)
app.command(epilog=examples('coe init --key acme --name "Acme Medical"'))(admin.init)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.token_app, name="token")
app.add_typer(sites.app, name="site")
app.add_typer(sites.environments_app, name="environments")
app.add_typer(templates.app, name="template")
app.add_typer(overlays.app, name="overlay")
app.add_typer(definitions.app, name="definition")
app.command(
    epilog=examples(
        "coe sync templates/ site_overlays/ --dry-run", "coe sync templates/ site_overlays/"
    )
)(sync)
app.add_typer(rollouts.app, name="rollout")
app.add_typer(kpis.app, name="kpi")
app.add_typer(transfers.app, name="transfer")
app.add_typer(validation.app, name="validation")
app.add_typer(evidence.app, name="evidence")
app.command(
    epilog=examples(
        "coe ledger --template sterile-barrier-sealing",
        "coe ledger --site penang --history",
        "coe ledger -o plain | cut -f1-3",
    )
)(rollouts.ledger)
app.command(epilog=examples("coe drift", "coe drift --json"))(rollouts.drift)
app.command(
    "plant-agent",
    epilog=examples(
        "coe plant-agent --site cork --site penang --port 9100",
        "coe plant-agent --site cork --produce --interval 2",
    ),
)(plants.plant_agent)
app.command(
    "plant-faults",
    epilog=examples(
        "coe plant-faults cork --wrong-hash",
        "coe plant-faults penang --slow 3 --flaky 0.3",
        "coe plant-faults cork --clear",
    ),
)(plants.plant_faults)
app.command(
    "plant-credential",
    epilog=examples(
        "coe plant-credential cork",
        'curl -s -H "Authorization: Bearer $(coe plant-credential cork)" '
        "http://127.0.0.1:9100/sites/cork/v1/definitions/sterile-barrier-sealing",
    ),
)(plants.plant_credential)
app.add_typer(audit.app, name="audit")


class Shell(StrEnum):
    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


PROG = "coe"
COMPLETE_VAR = "_COE_COMPLETE"


@app.command(
    "completion",
    epilog=examples(
        'eval "$(coe completion bash)"',
        "coe completion zsh > ~/.zfunc/_coe",
        "coe completion fish > ~/.config/fish/completions/coe.fish",
    ),
)
def completion(shell: Shell = typer.Argument(..., help="bash, zsh or fish.")) -> None:
    """Print the shell completion script for `coe` (source it from your shell's rc file)."""
    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell))


def _record_output(context: typer.Context, value: Output) -> None:
    choose_output(context.meta, value)


def _record_json(context: typer.Context, value: bool) -> None:
    choose_output(context.meta, json_flag=value)


def _output_options() -> tuple[Parameter, Parameter]:
    """`--output/-o` and `--json`, as typer builds them (help and choices rendered alike)."""
    carrier = typer.Typer(add_completion=False)

    @carrier.command()
    def carry(
        output: Output = typer.Option(
            Output.TABLE,
            "--output",
            "-o",
            help="table (for people), plain (tab-separated rows under a header line, no "
            "colour) or json.",
            callback=_record_output,
            expose_value=False,
        ),
        as_json: bool = typer.Option(
            False,
            "--json",
            help="Print machine-readable JSON (same as -o json).",
            callback=_record_json,
            expose_value=False,
        ),
    ) -> None: ...

    output, as_json = get_command(carrier).params
    return output, as_json


def leaves(group: Command) -> Iterator[Command]:
    """Every runnable command under `group` (the commands people type, not the groups)."""
    children = getattr(group, "commands", None)
    if children is None:
        yield group
        return
    for child in children.values():
        yield from leaves(child)


def command() -> Command:
    """The `coe` command tree, each command with `--output`/`-o` (and `--json` where it had
    none): one place decides how every command prints."""
    root = get_command(app)
    output, as_json = _output_options()
    for leaf in leaves(root):
        names = {name for param in leaf.params for name in param.opts}
        leaf.params.append(output)
        if "--json" not in names:
            leaf.params.append(as_json)
    return root


def main() -> None:
    command()(prog_name=PROG, complete_var=COMPLETE_VAR)
