"""A real API server (uvicorn on a free localhost port) for the CLI to talk to."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pytest
import uvicorn

from coe.app import create_app
from coe.auth.principal import Role
from coe.config import Settings
from tests.helpers import Tokens
from tests.world import PEOPLE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cli:
    """Runs `coe` as a user does: a subprocess with COE_API_URL and COE_TOKEN set."""

    url: str
    settings: Settings
    tokens: Tokens

    def token_for(self, user: str) -> str:
        _name, role, sites = PEOPLE[user]
        return self.tokens.issue(role, sites=sites, subject=user)

    def __call__(
        self,
        *args: str,
        user: str | None = "ada",
        stdin: str | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "coe", *args],
            env=self.environment(user, env),
            text=True,
            input=stdin,
            capture_output=True,
            timeout=120,
            check=False,
        )

    def environment(
        self, user: str | None, extra: Mapping[str, str | None] | None = None
    ) -> dict[str, str]:
        """What a user's shell has: the API, their token, and `extra` (None values unset)."""
        env: dict[str, str | None] = {
            **os.environ,
            "COE_API_URL": self.url,
            "COE_TOKEN": self.token_for(user) if user else "",
            "DATABASE_URL": self.settings.database_url or "",
            "COE_HOME": str(self.settings.home),
            "COLUMNS": "200",
            **(extra or {}),
        }
        return {name: value for name, value in env.items() if value is not None}


@pytest.fixture
def live_api(settings: Settings) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def cli(live_api: str, settings: Settings, tokens: Tokens) -> Cli:
    return Cli(live_api, settings, tokens)


__all__ = ["Cli", "Role"]
