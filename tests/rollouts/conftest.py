"""A small fleet for rollout tests: real reference plant agents over HTTP, a real worker on the
real Temporal dev server, the API in front. Timings are short (they are settings)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from coe.agent.app import create_agent_app
from coe.agent.store import Faults, SiteStore, write_json
from coe.app import create_app
from coe.auth.principal import Role
from coe.config import Settings
from coe.db import Sessions
from coe.plants.credentials import plant_key, site_credential
from coe.secrets import audit_key
from coe_workflows.worker import Resources, build_worker
from tests.world import World, overlay, template

SITES = ["cork", "galway", "penang", "suzhou"]
KEY = "pouch-sealing"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings, with rollout timings short enough for tests."""
    return settings.model_copy(
        update={
            "plant_timeout_seconds": 1.5,
            "rollout_retry_initial_seconds": 0.1,
            "rollout_retry_maximum_seconds": 0.3,
            "rollout_retry_attempts": 3,
            "rollout_verify_attempts": 2,
            "rollout_verify_interval_seconds": 0.2,
            "rollout_kpi_guard_poll_seconds": 0.2,
            "transfer_poll_seconds": 0.2,
        }
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API as a real server in its own thread and event loop. (Litestar's test client
    runs the app through a blocking portal, which would stall this loop — where the worker
    runs — while a request waits for the workflow to accept an update.)"""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        await asyncio.sleep(0.05)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        yield http
    server.should_exit = True
    thread.join(timeout=15)


@dataclass
class Agent:
    """A reference plant agent serving every test site on one port."""

    url: str
    folder: Path

    def endpoint(self, site: str) -> str:
        return f"{self.url}/sites/{site}"

    def state(self, site: str) -> dict[str, Any]:
        path = self.folder / f"{site}.json"
        return yaml.safe_load(path.read_text()) if path.exists() else {"deployments": 0, "log": []}

    def faults(self, site: str, **faults: Any) -> None:
        write_json(self.folder / f"{site}.faults.json", Faults(**faults).as_json())


@pytest.fixture
def agent(settings: Settings, tmp_path: Path) -> Iterator[Agent]:
    """The test sites' production instances."""
    yield from _serve_agent(settings, tmp_path / "plants")


@pytest.fixture
def validation_agent(settings: Settings, tmp_path: Path) -> Iterator[Agent]:
    """A second agent, with its own state, for the test sites' validation instances."""
    yield from _serve_agent(settings, tmp_path / "plants-validation")


def _serve_agent(settings: Settings, folder: Path) -> Iterator[Agent]:
    key = plant_key(settings)
    stores = {site: SiteStore(folder, site, site_credential(key, site)) for site in SITES}
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_agent_app(stores), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield Agent(f"http://127.0.0.1:{port}", folder)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def worker(
    temporal_env: WorkflowEnvironment, settings: Settings, sessions: Sessions
) -> AsyncIterator[Worker]:
    async with httpx.AsyncClient() as http:
        resources = Resources(sessions, http, audit_key(settings), plant_key(settings))
        async with build_worker(temporal_env.client, settings, resources) as running:
            yield running


@pytest.fixture
async def fleet(world: World, agent: Agent) -> World:
    """Four sites with plant endpoints, pouch-sealing 1.0.0 published, penang's overlay."""
    await world.api.as_role(
        Role.COE_ARCHITECT,
        'mutation { addSite(input: {key: "galway", '
        'name: "Galway", region: "emea", timeZone: "Europe/Dublin"}) '
        "{ key } }",
    )
    await world.api.as_role(
        Role.COE_ARCHITECT,
        'mutation { addSite(input: {key: "suzhou", '
        'name: "Suzhou", region: "apac", timeZone: "Asia/Shanghai"}) '
        "{ key } }",
    )
    for site in SITES:
        result = await world.api.as_role(
            Role.COE_ARCHITECT,
            "mutation($k: String!, $e: String!) { updateSite(key: $k, "
            "patch: {plantEndpoint: $e}) { key } }",
            {"k": site, "e": agent.endpoint(site)},
        )
        result.ok()
    await world.publish(template("1.0.0"))
    (await world.propose(overlay(seal_temperature_c=186))).ok()
    (await world.approve_overlay("penang", KEY, 1)).ok()
    return world


def plan(*waves: dict[str, Any], version: str = "1.0.0", incompatible: str = "skip") -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "coe.dev/v1",
            "kind": "RolloutPlan",
            "metadata": {"template": KEY, "version": version, "reason": "test rollout"},
            "spec": {"onIncompatibleOverlay": incompatible, "waves": list(waves)},
        }
    )


ROLLOUT = """id status currentWave reason startedBy temporalUrl
waves { name gates sites { site state reason sha256 previousSha256 violations } }"""


async def start(world: World, plan_text: str, user: str = "ada") -> dict[str, Any]:
    result = await world.as_user(
        user,
        f"mutation($p: String!) {{ startRollout(plan: $p) {{ {ROLLOUT} }} }}",
        {"p": plan_text},
    )
    rollout: dict[str, Any] = result.ok()["startRollout"]
    return rollout


async def status(world: World, rollout_id: str) -> dict[str, Any]:
    result = await world.api.as_role(
        Role.EXECUTIVE,
        f"query($id: String!) {{ rollout(id: $id) {{ {ROLLOUT} }} }}",
        {"id": rollout_id},
    )
    rollout: dict[str, Any] = result.ok()["rollout"]
    return rollout


async def wait_for(
    world: World, rollout_id: str, *statuses: str, within: float = 60
) -> dict[str, Any]:
    return await wait_until(world, rollout_id, lambda r: r["status"] in statuses, within)


async def wait_until(
    world: World, rollout_id: str, done: Callable[[dict[str, Any]], bool], within: float = 60
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        rollout = await status(world, rollout_id)
        if done(rollout):
            return rollout
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"rollout still {rollout['status']}: {rollout}")
        await asyncio.sleep(0.2)


def states(rollout: dict[str, Any]) -> dict[str, str]:
    return {site["site"]: site["state"] for wave in rollout["waves"] for site in wave["sites"]}
