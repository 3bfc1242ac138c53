"""The `make run` banner's copy-and-paste example, run exactly as printed against a real API."""

from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import urlsplit

from rich.console import Console

from coe.auth.principal import Role
from coe.config import Settings
from coe.demo.identities import DevTokens, write_tokens
from coe.stack.banner import print_banner
from tests.cli.conftest import live_api
from tests.helpers import Tokens

__all__ = ["live_api"]  # the real uvicorn server fixture, shared with the CLI tests


def printed_banner(settings: Settings, tokens: Tokens) -> str:
    """What `coe up` prints once the platform is up, with the tokens it writes to disk."""
    token = tokens.issue(Role.COE_ARCHITECT, subject="ada")
    minted: DevTokens = {"coe_architect": ("ada", "pw", token)}
    write_tokens(settings.state_dir / "tokens", minted)
    console = Console()
    with console.capture() as captured:
        print_banner(
            console,
            settings,
            temporal="127.0.0.1:7233",
            tokens=minted,
            demo_rolling_out=False,
            verbose=False,
        )
    return captured.get()


def example_commands(banner: str) -> str:
    """The banner's shell example: the `export COE_TOKEN=…` line, then its `# or: curl` line."""
    lines = [line.strip() for line in banner.splitlines()]
    export = next(line for line in lines if line.startswith("export COE_TOKEN="))
    curl = next(line.split("# or: ", 1)[1] for line in lines if "# or: curl " in line)
    return f"{export}\n{curl}\n"


def test_the_banners_curl_example_gets_data_as_printed(
    live_api: str, settings: Settings, tokens: Tokens
) -> None:
    port = urlsplit(live_api).port
    assert port is not None
    running = settings.model_copy(update={"host": "127.0.0.1", "port": port})
    commands = example_commands(printed_banner(running, tokens))
    environment = {key: value for key, value in os.environ.items() if key != "COE_TOKEN"}
    result = subprocess.run(
        ["bash", "-c", commands],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "errors" not in answer, answer
    assert isinstance(answer["data"]["sites"]["nodes"], list)


def test_the_banner_names_the_consoles_url_first(settings: Settings, tokens: Tokens) -> None:
    banner = printed_banner(settings, tokens)
    first = next(line for line in banner.splitlines() if line.strip() and "─" not in line)
    assert first.split()[:2] == ["Console", f"http://{settings.host}:{settings.port}/"]
