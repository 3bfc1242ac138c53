"""`coe site …`: the enterprise's plants and their equipment hierarchy, through the API."""

from __future__ import annotations

from typing import Any

import typer
from rich.tree import Tree

from coe.cli.api import ApiUrlOption, TokenOption, client
from coe.cli.client import answers
from coe.cli.output import JsonOption, console, emit, examples, fail, table

app = typer.Typer(help="Sites and their areas, work centers and work units.", no_args_is_help=True)
instance_app = typer.Typer(
    help="A site's plant instances: where its agent (or MES) listens in each environment.",
    no_args_is_help=True,
)
app.add_typer(instance_app, name="instance")
environments_app = typer.Typer(
    help="The enterprise's environments: the stages template versions are promoted through.",
    no_args_is_help=True,
)

SITE_FIELDS = """
key name region country timeZone regulatoryScope plantEndpoint labels { key value }
instances { environment endpoint updatedAt } createdAt updatedAt
"""
HIERARCHY = """
areas { key name workCenters { key name equipmentClasses workUnits { key name equipmentClass } } }
"""


@app.command("list", epilog=examples("coe site list", "coe site list --region emea -o plain"))
def site_list(
    region: str | None = typer.Option(None, help="Only sites of this region."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """List the sites you may see (all pages)."""
    api, sites, after = client(api_url, token), [], None
    while True:
        data = api.execute(
            "query($region: String, $after: String) { sites(region: $region, first: 100, "
            f"after: $after) {{ nodes {{ {SITE_FIELDS} }} "
            "pageInfo { hasNextPage endCursor } } }",
            {"region": region, "after": after},
        )["sites"]
        sites += data["nodes"]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    emit(
        sites,
        as_json,
        lambda: table(
            f"Sites ({len(sites)})",
            ["key", "name", "region", "time zone", "regulatory scope", "plant endpoint"],
            [
                (
                    s["key"],
                    s["name"],
                    s["region"],
                    s["timeZone"],
                    ", ".join(s["regulatoryScope"]),
                    s["plantEndpoint"],
                )
                for s in sites
            ],
        ),
    )


@app.command("show", epilog=examples("coe site show penang", "coe site show cork --json"))
def site_show(
    key: str = typer.Argument(..., help="Site key."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Show one site with its area → work center → work unit hierarchy."""
    site = client(api_url, token).execute(
        f"query($key: String!) {{ site(key: $key) {{ {SITE_FIELDS} {HIERARCHY} }} }}",
        {"key": key},
    )["site"]
    emit(site, as_json, lambda: _render_site(site))


def _render_site(site: dict[str, Any]) -> None:
    labels = ", ".join(f"{label['key']}={label['value']}" for label in site["labels"])
    console.print(
        f"[bold]{site['name']}[/] ([cyan]{site['key']}[/]) — region {site['region']}, "
        f"{site['country'] or '?'}, {site['timeZone']}"
    )
    console.print(f"regulatory scope: {', '.join(site['regulatoryScope']) or '—'}")
    instances = ", ".join(f"{i['environment']} {i['endpoint']}" for i in site["instances"])
    console.print(f"plant instances:  {instances or '—'}")
    console.print(f"labels:           {labels or '—'}")
    tree = Tree(f"[bold]{site['key']}[/]")
    for area in site["areas"]:
        branch = tree.add(f"area [bold]{area['key']}[/] — {area['name']}")
        for center in area["workCenters"]:
            classes = ", ".join(center["equipmentClasses"])
            line = branch.add(
                f"work center [bold]{center['key']}[/] — {center['name']} [dim]({classes})[/]"
            )
            for unit in center["workUnits"]:
                line.add(f"{unit['key']} — {unit['name']} [dim]({unit['equipmentClass']})[/]")
    console.print(tree)


def _labels(values: list[str]) -> list[dict[str, str]]:
    labels = []
    for value in values:
        key, sep, text = value.partition("=")
        if not sep:
            fail(f"--label {value!r}: use KEY=VALUE", code="BAD_USER_INPUT")
        labels.append({"key": key, "value": text})
    return labels


@app.command(
    "add",
    epilog=examples(
        'coe site add leuven --name "Leuven, Belgium" --region emea --country BE '
        '--time-zone Europe/Brussels --regulatory-scope "EU MDR" --reason "New plant"'
    ),
)
def site_add(
    key: str = typer.Argument(..., help="Site key, e.g. cork."),
    name: str = typer.Option(..., help="Display name."),
    region: str = typer.Option(..., help="Region key, e.g. emea."),
    time_zone: str = typer.Option(..., "--time-zone", help="IANA time zone, e.g. Europe/Dublin."),
    country: str | None = typer.Option(None, help="ISO 3166-1 alpha-2 code, e.g. IE."),
    regulatory_scope: list[str] = typer.Option(
        [], "--regulatory-scope", help="Regulation the site works under."
    ),
    label: list[str] = typer.Option([], "--label", help="KEY=VALUE label."),
    plant_endpoint: str | None = typer.Option(None, help="Base URL of the plant instance."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Register a site (coe_architect)."""
    site_input = {
        "key": key,
        "name": name,
        "region": region,
        "timeZone": time_zone,
        "country": country,
        "regulatoryScope": regulatory_scope,
        "labels": _labels(label),
        "plantEndpoint": plant_endpoint,
    }
    site = client(api_url, token).execute(
        "mutation($input: SiteInput!, $reason: String) { addSite(input: $input, reason: $reason)"
        f" {{ {answers('Site', SITE_FIELDS)} }} }}",
        {"input": site_input, "reason": reason},
    )["addSite"]
    emit(site, as_json, lambda: console.print(f"site [bold]{site['key']}[/] added"))


@app.command(
    "update",
    epilog=examples(
        'coe site update leuven --plant-endpoint http://10.20.0.5:9100 --reason "MES moved"'
    ),
)
def site_update(
    key: str = typer.Argument(..., help="Site key."),
    name: str | None = typer.Option(None, help="New display name."),
    region: str | None = typer.Option(None, help="New region key."),
    time_zone: str | None = typer.Option(None, "--time-zone", help="New IANA time zone."),
    plant_endpoint: str | None = typer.Option(None, help="New plant instance URL."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Change a site's master data (coe_architect); only the options given change."""
    patch = {
        name_: value
        for name_, value in (
            ("name", name),
            ("region", region),
            ("timeZone", time_zone),
            ("plantEndpoint", plant_endpoint),
        )
        if value is not None
    }
    if not patch:
        fail(
            "nothing to change: give at least one of --name, --region, --time-zone, "
            "--plant-endpoint",
            code="BAD_USER_INPUT",
        )
    site = client(api_url, token).execute(
        "mutation($key: String!, $patch: SitePatch!, $reason: String) { updateSite(key: $key, "
        f"patch: $patch, reason: $reason) {{ {answers('Site', SITE_FIELDS)} }} }}",
        {"key": key, "patch": patch, "reason": reason},
    )["updateSite"]
    emit(site, as_json, lambda: console.print(f"site [bold]{site['key']}[/] updated"))


@app.command(
    "add-area", epilog=examples('coe site add-area leuven packaging --name "Sterile packaging"')
)
def add_area(
    site: str = typer.Argument(..., help="Site key."),
    key: str = typer.Argument(..., help="Area key."),
    name: str = typer.Option(..., help="Display name."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Add an area to a site (coe_architect, or site_admin of the site)."""
    area = client(api_url, token).execute(
        "mutation($site: String!, $key: String!, $name: String!) "
        "{ addArea(site: $site, key: $key, name: $name) { "
        f"{answers('Area', 'key name')} }} }}",
        {"site": site, "key": key, "name": name},
    )["addArea"]
    emit(area, as_json, lambda: console.print(f"area [bold]{site}/{area['key']}[/] added"))


@app.command(
    "add-work-center",
    epilog=examples(
        'coe site add-work-center leuven packaging pkg-line-1 --name "Pouch line 1" '
        "--equipment-class heat-sealer"
    ),
)
def add_work_center(
    site: str = typer.Argument(..., help="Site key."),
    area: str = typer.Argument(..., help="Area key."),
    key: str = typer.Argument(..., help="Work center key."),
    name: str = typer.Option(..., help="Display name."),
    equipment_class: list[str] = typer.Option(
        [], "--equipment-class", help="Equipment class the line provides."
    ),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Add a work center (line) to an area."""
    center = client(api_url, token).execute(
        "mutation($site: String!, $area: String!, $key: String!, $name: String!, "
        "$classes: [String!]) { addWorkCenter(site: $site, area: $area, key: $key, name: $name, "
        "equipmentClasses: $classes) { "
        f"{answers('WorkCenter', 'key name equipmentClasses')} }} }}",
        {"site": site, "area": area, "key": key, "name": name, "classes": equipment_class},
    )["addWorkCenter"]
    emit(
        center, as_json, lambda: console.print(f"work center [bold]{site}/{center['key']}[/] added")
    )


@app.command(
    "add-work-unit",
    epilog=examples(
        'coe site add-work-unit leuven pkg-line-1 sealer-01 --name "Heat sealer 01" '
        "--equipment-class heat-sealer"
    ),
)
def add_work_unit(
    site: str = typer.Argument(..., help="Site key."),
    work_center: str = typer.Argument(..., help="Work center key."),
    key: str = typer.Argument(..., help="Work unit key."),
    name: str = typer.Option(..., help="Display name."),
    equipment_class: str | None = typer.Option(None, help="Equipment class of the unit."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Add a work unit (machine, station) to a work center."""
    unit = client(api_url, token).execute(
        "mutation($site: String!, $center: String!, $key: String!, $name: String!, "
        "$class: String) { addWorkUnit(site: $site, workCenter: $center, key: $key, "
        "name: $name, equipmentClass: $class) { "
        f"{answers('WorkUnit', 'key name equipmentClass')} }} }}",
        {"site": site, "center": work_center, "key": key, "name": name, "class": equipment_class},
    )["addWorkUnit"]
    emit(unit, as_json, lambda: console.print(f"work unit [bold]{site}/{unit['key']}[/] added"))


@instance_app.command(
    "set",
    epilog=examples(
        'coe site instance set cork validation http://10.20.0.6:9100 --reason "validation agent"'
    ),
)
def instance_set(
    site: str = typer.Argument(..., help="Site key."),
    environment: str = typer.Argument(..., help="One of the enterprise's environments."),
    endpoint: str = typer.Argument(..., help="Base URL of the plant instance there."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Create or move a site's plant instance in one environment (production: coe_architect;
    the others: also the site's site_admin)."""
    row = client(api_url, token).execute(
        "mutation($site: String!, $environment: String!, $endpoint: String!, $reason: String) "
        "{ setPlantInstance(site: $site, environment: $environment, endpoint: $endpoint, "
        f"reason: $reason) {{ {answers('Site', SITE_FIELDS)} }} }}",
        {"site": site, "environment": environment, "endpoint": endpoint, "reason": reason},
    )["setPlantInstance"]
    emit(
        row,
        as_json,
        lambda: console.print(f"site [bold]{site}[/] runs in {environment} at {endpoint}"),
    )


@instance_app.command(
    "remove",
    epilog=examples('coe site instance remove cork validation --reason "lab decommissioned"'),
)
def instance_remove(
    site: str = typer.Argument(..., help="Site key."),
    environment: str = typer.Argument(..., help="The environment whose instance goes."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Remove a site's plant instance in one environment (same roles as `set`)."""
    row = client(api_url, token).execute(
        "mutation($site: String!, $environment: String!, $reason: String) "
        "{ removePlantInstance(site: $site, environment: $environment, reason: $reason) "
        f"{{ {answers('Site', SITE_FIELDS)} }} }}",
        {"site": site, "environment": environment, "reason": reason},
    )["removePlantInstance"]
    emit(
        row,
        as_json,
        lambda: console.print(f"site [bold]{site}[/] has no instance in {environment} any more"),
    )


def _render_environments(environments: list[str]) -> None:
    table(
        f"Environments ({len(environments)})",
        ["stage", "environment"],
        [(str(stage), name) for stage, name in enumerate(environments, start=1)],
    )


@environments_app.command("list", epilog=examples("coe environments list --json"))
def environments_list(
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """The enterprise's environments, in promotion order (production last)."""
    enterprise = client(api_url, token).execute("{ enterprise { environments } }")["enterprise"]
    if enterprise is None:
        fail("no enterprise yet: run `coe init`", code="NOT_FOUND")
    environments = enterprise["environments"]
    emit(environments, as_json, lambda: _render_environments(environments))


@environments_app.command(
    "set",
    epilog=examples('coe environments set development validation production --reason "dev stage"'),
)
def environments_set(
    environments: list[str] = typer.Argument(..., help="In promotion order; production last."),
    reason: str | None = typer.Option(None, help="Why (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Set the enterprise's environments (coe_architect); one a site still has an instance in
    cannot be dropped."""
    result = client(api_url, token).execute(
        "mutation($environments: [String!]!, $reason: String) { setEnvironments("
        "environments: $environments, reason: $reason) "
        f"{{ {answers('Enterprise', 'environments')} }} }}",
        {"environments": environments, "reason": reason},
    )["setEnvironments"]
    emit(result["environments"], as_json, lambda: _render_environments(result["environments"]))
