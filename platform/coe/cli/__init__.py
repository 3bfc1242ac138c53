"""The `coe` command: run the platform, administer it, and use every capability."""

from __future__ import annotations

import typer

from coe.cli import (
    admin,
    audit,
    definitions,
    kpis,
    overlays,
    plants,
    rollouts,
    server,
    sites,
    templates,
    transfers,
)
from coe.cli.sync import sync

app = typer.Typer(
    name="coe",
    help="COE Platform: global process templates, site overlays, rollouts, KPIs and tech "
    "transfers.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

app.command()(server.up)
app.command()(server.api)
app.command("graphql-schema")(server.graphql_schema)
app.command("json-schemas")(server.json_schemas)
app.command("demo-rollouts")(server.demo_rollouts)
app.command()(admin.init)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.token_app, name="token")
app.add_typer(sites.app, name="site")
app.add_typer(templates.app, name="template")
app.add_typer(overlays.app, name="overlay")
app.add_typer(definitions.app, name="definition")
app.command()(sync)
app.add_typer(rollouts.app, name="rollout")
app.add_typer(kpis.app, name="kpi")
app.add_typer(transfers.app, name="transfer")
app.command()(rollouts.ledger)
app.command()(rollouts.drift)
app.command("plant-agent")(plants.plant_agent)
app.command("plant-faults")(plants.plant_faults)
app.command("plant-credential")(plants.plant_credential)
app.add_typer(audit.app, name="audit")


def main() -> None:
    app()
