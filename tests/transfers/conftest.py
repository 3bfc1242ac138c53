"""Transfers run on the rollouts' fleet: real plant agents, a real worker on the real
Temporal dev server, the API in front, short timings; and the CLI against a live API."""

from tests.cli.conftest import cli, live_api
from tests.rollouts.conftest import agent, client, fleet, settings, worker

__all__ = ["agent", "cli", "client", "fleet", "live_api", "settings", "worker"]
