"""What `coe up` prints once the platform is running: where each part is, the dev tokens, and
the first commands to copy (tests/stack/test_banner.py runs them as printed)."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.console import Console
from rich.table import Table

from coe.config import Settings
from coe.demo.identities import DevTokens
from coe.demo.sites import validation_port, validation_sites


def print_banner(
    console: Console,
    settings: Settings,
    *,
    temporal: str,
    tokens: DevTokens,
    demo_rolling_out: bool,
    verbose: bool,
) -> None:
    """The "COE Platform is running" block."""
    s = settings
    api = f"http://{s.host}:{s.port}"
    logs = s.state_dir / "logs"
    console.print()
    console.rule("[bold green]COE Platform is running")
    console.print(
        f"  Console    [bold]{api}/[/]   sign in with a user and password below", highlight=False
    )
    console.print(
        f"  API        {api}   GraphQL {api}/graphql"
        f"{' (GraphiQL in the browser)' if not s.is_production else ''}"
    )
    console.print(f"             health {api}/health   ready {api}/ready")
    console.print(f"  Temporal   {temporal}   UI {s.temporal_web_url}")
    console.print(
        f"  Plants     reference agent http://127.0.0.1:{s.plant_agent_port}"
        "/sites/<site> (one per demo site); each sends production events"
    )
    console.print(
        f"  Validation reference agent http://127.0.0.1:{validation_port(s.plant_agent_port)}"
        f"/sites/<site> ({', '.join(validation_sites())}: validation instances)"
    )
    if demo_rolling_out:
        console.print(
            "  Demo       first start: rolling the demo templates out to the plants "
            f"(progress in {logs}/demo-rollouts.log)",
            highlight=False,
        )
    console.print(
        "  Database   "
        + ("embedded PostgreSQL" if s.embedded_postgres else "external (DATABASE_URL)")
    )
    if not verbose:
        console.print(f"  Logs       {logs}/")
    if tokens:
        _print_tokens(console, api, s.state_dir, tokens)
    console.rule("Ctrl-C stops everything")


def _print_tokens(console: Console, api: str, state_dir: Path, tokens: DevTokens) -> None:
    grid = Table(
        title=f"Dev tokens (12 h) — also in {state_dir}/tokens/<role>", title_justify="left"
    )
    for column in ("role", "user", "password (console sign-in, e-signatures)"):
        grid.add_column(column)
    for role, (username, password, _token) in tokens.items():
        grid.add_row(role, username, password or "—")
    console.print(grid)
    for line in first_steps(api, state_dir):
        # soft_wrap: a command cut into two lines by the terminal width breaks when pasted
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    for role, (_username, _password, token) in tokens.items():
        console.print(f"[bold]{role}[/]: {token}", highlight=False, soft_wrap=True)


def first_steps(api: str, state_dir: Path) -> tuple[str, str]:
    """The shell lines the banner offers to copy: take the architect's token, then ask the API.
    tests/stack/test_banner.py runs them as printed, so a broken example fails the tests."""
    query = '{"query":"{ sites { nodes { key } } }"}'
    return (
        f"export COE_TOKEN=$(cat {shlex.quote(str(state_dir / 'tokens' / 'coe_architect'))})",
        f"coe site list        # or: curl -s {api}/graphql "
        f"-H \"Authorization: Bearer $COE_TOKEN\" -H 'Content-Type: application/json' -d '{query}'",
    )
