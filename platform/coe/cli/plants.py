"""`coe plant-agent`, `coe plant-faults`, `coe plant-credential`: the reference plant side."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from coe.cli.output import JsonOption, console, emit, fail

if TYPE_CHECKING:
    from coe.config import Settings

StateDirOption = typer.Option(
    None, "--state-dir", help="Where the agent keeps its state (default COE_HOME/plants)."
)


def _state_dir(state_dir: Path | None, settings: Settings) -> Path:
    return state_dir or settings.state_dir / "plants"


def plant_agent(
    site: list[str] = typer.Option(..., "--site", help="Site(s) this agent serves."),
    port: int = typer.Option(9100, help="Port; site X is served at /sites/X on it."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    state_dir: Path | None = StateDirOption,
    credential: str | None = typer.Option(
        None,
        envvar="COE_PLANT_CREDENTIAL",
        help="The site credential (one site only); default: derived from the plant key.",
    ),
    produce: bool = typer.Option(
        False, "--produce", help="Make demo production and send it to the platform."
    ),
    api_url: str = typer.Option(
        "http://127.0.0.1:8000",
        envvar="COE_API_URL",
        help="Where to send production events (with --produce).",
    ),
    interval: float = typer.Option(5.0, help="Seconds between production sends."),
    backfill_days: float = typer.Option(
        14, help="History made the first time a site runs a template (with --produce)."
    ),
) -> None:
    """Run the reference plant agent (contract v1) for one or more sites."""
    import logging

    import uvicorn

    from coe.agent.app import create_agent_app
    from coe.agent.store import SiteStore
    from coe.config import load_settings
    from coe.demo.producer import Producer
    from coe.plants.credentials import plant_key, site_credential

    if credential and len(site) > 1:
        fail(
            "--credential is for a single site; several sites derive theirs from the plant key",
            code="BAD_USER_INPUT",
        )
    settings = load_settings()  # once per command, passed down
    folder = _state_dir(state_dir, settings)
    key = None if credential else plant_key(settings)
    stores = {
        name: SiteStore(folder, name, credential or site_credential(key or b"", name))
        for name in site
    }
    producer = None
    if produce:
        producer = Producer(
            stores,
            api_url,
            _plant_tokens(settings, site),
            interval=interval,
            backfill=timedelta(days=backfill_days),
        )
    console.print(
        f"plant agent for {', '.join(site)} on http://{host}:{port}/sites/<site> "
        f"(state in {folder})" + (f"; production to {api_url}" if produce else ""),
        highlight=False,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per production send
    uvicorn.run(create_agent_app(stores, producer), host=host, port=port, log_level="warning")


def _plant_tokens(settings: Settings, sites: list[str]) -> dict[str, str]:
    """Plant tokens from this installation's dev issuer (demo production runs locally)."""
    from coe.auth.principal import Role
    from coe.auth.tokens import issue_dev_token, load_or_create_signing_key

    key = load_or_create_signing_key(settings.signing_key_path)
    return {
        site: issue_dev_token(
            key,
            subject=f"plant-{site}",
            name=f"Plant {site}",
            roles=[Role.PLANT],
            sites=[site],
            ttl=timedelta(days=365),
        )
        for site in sites
    }


def plant_faults(
    site: str = typer.Argument(..., help="Site key."),
    slow: float | None = typer.Option(None, help="Delay every answer by this many seconds."),
    flaky: float | None = typer.Option(None, help="Answer 503 at this rate (0..1)."),
    wrong_hash: bool | None = typer.Option(
        None, "--wrong-hash/--right-hash", help="Report a wrong hash for what runs."
    ),
    down: bool | None = typer.Option(None, "--down/--up", help="Answer 503 to everything."),
    clear: bool = typer.Option(False, help="Remove every fault."),
    state_dir: Path | None = StateDirOption,
    as_json: bool = JsonOption,
) -> None:
    """Make a running reference agent slow, flaky, down or lying about its hash (demos)."""
    from coe.agent.store import Faults, write_json
    from coe.config import load_settings

    path = _state_dir(state_dir, load_settings()) / f"{site}.faults.json"
    faults = Faults() if clear else Faults.load(path)
    if slow is not None:
        faults.slow_seconds = slow
    if flaky is not None:
        if not 0 <= flaky <= 1:
            fail("--flaky is a rate between 0 and 1", code="BAD_USER_INPUT")
        faults.flaky = flaky
    if wrong_hash is not None:
        faults.wrong_hash = wrong_hash
    if down is not None:
        faults.down = down
    write_json(path, faults.as_json())
    emit(
        {"site": site, **faults.as_json()},
        as_json,
        lambda: console.print(describe_faults(site, faults.as_json()), highlight=False),
    )


def describe_faults(site: str, faults: dict[str, Any]) -> str:
    """What the site's reference agent now does wrong, in words (`--json` has the fields)."""
    found = []
    if faults["slowSeconds"]:
        found.append(f"slow ({faults['slowSeconds']:g} s before every answer)")
    if faults["flaky"]:
        found.append(f"flaky ({faults['flaky']:.0%} of answers are HTTP 503)")
    if faults["wrongHash"]:
        found.append("lies about its hash (reports a wrong one for what runs)")
    if faults["down"]:
        found.append("down (HTTP 503 to everything)")
    return f"{site}: " + ("; ".join(found) if found else "no faults: the agent answers normally")


def plant_credential(
    site: str = typer.Argument(..., help="Site key."),
    as_json: bool = JsonOption,
) -> None:
    """Print a site's plant credential (give it to the site's MES integration team)."""
    from coe.config import load_settings
    from coe.plants.credentials import plant_key, site_credential

    credential = site_credential(plant_key(load_settings()), site)
    emit({"site": site, "credential": credential}, as_json, lambda: print(credential))
