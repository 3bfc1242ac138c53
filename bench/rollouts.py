"""Rollout benchmark (issue target: 200 plant agents in 4 waves, no gates, under 60 s).

Everything real and local: embedded PostgreSQL, the Temporal dev server, the worker, the API and
one reference plant agent process serving every site. A rollout is started through GraphQL and
timed until the ledger shows every site live; 50 and 200 sites show how it scales.

Baseline, same run: the same definitions PUT directly to the same agent, 25 at a time, with no
workflow at all (the floor any orchestration sits on).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.registry import free_port
from coe.auth import service as users
from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier, issue_dev_token, load_or_create_signing_key
from coe.canonical import content_hash
from coe.config import Settings
from coe.db import create_engine, create_sessions, transaction
from coe.migrations import upgrade
from coe.models import PRODUCTION, Enterprise, PlantInstance, Site
from coe.plants.credentials import plant_key, site_credential
from coe.secrets import audit_key
from coe.sites import repository as sites_repository
from coe.stack import postgres
from coe.stack.temporal import dev_server_argv
from coe.templates import service as templates
from coe.work import UnitOfWork

PARALLEL = 25
TEMPLATE = {
    "apiVersion": "coe.dev/v1",
    "kind": "ProcessTemplate",
    "metadata": {"key": "bench-sealing", "version": "1.0.0", "title": "Benchmark sealing"},
    "spec": {
        "parameters": {
            "t": {
                "type": "number",
                "default": 180,
                "minimum": 170,
                "maximum": 190,
                "siteConfigurable": True,
            }
        },
        "operations": [
            {
                "id": f"op{i}",
                "kind": "execution",
                "title": f"Step {i}",
                "dataCollection": [
                    {
                        "id": f"d{i}",
                        "target": "${t}",
                        "lowerLimit": "${t} - 5",
                        "upperLimit": "${t} + 5",
                    }
                ],
            }
            for i in range(20)
        ],
    },
}


def wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} did not open")


async def seed(url: str, settings: Settings, sites: list[str], agent_port: int) -> None:
    engine = create_engine(url, pool_size=2)
    key = audit_key(settings)
    admin = Principal(subject="bench", name="Bench", roles=frozenset(Role))
    async with transaction(create_sessions(engine)) as session:
        enterprise = await sites_repository.add(session, Enterprise(key="bench", name="Bench"))
        assert enterprise.id is not None
        for site in sites:
            row = await sites_repository.add(
                session,
                Site(
                    enterprise_id=enterprise.id, key=site, name=site, region="emea", time_zone="UTC"
                ),
            )
            assert row.id is not None
            session.add(
                PlantInstance(
                    site_id=row.id,
                    environment=PRODUCTION,
                    endpoint=f"http://127.0.0.1:{agent_port}/sites/{site}",
                )
            )
        work = UnitOfWork(session=session, principal=admin, audit_key=key)
        await users.add_user(
            work, username="qa", display_name="QA", password="x" * 16, roles=[Role.QA_APPROVER]
        )
        architect = UnitOfWork(
            session=session,
            audit_key=key,
            principal=Principal("ada", "Ada", frozenset({Role.COE_ARCHITECT})),
        )
        approver = UnitOfWork(
            session=session,
            audit_key=key,
            principal=Principal("qa", "QA", frozenset({Role.QA_APPROVER})),
        )
        await templates.save_draft(architect, TEMPLATE)
        await templates.submit(architect, "bench-sealing", "1.0.0")
        await templates.approve(
            approver,
            TokenVerifier(dev_public_key=None, oidc=None),
            "bench-sealing",
            "1.0.0",
            Credentials("qa", "x" * 16),
            "bench",
        )
        await templates.publish(architect, "bench-sealing", "1.0.0")
    await engine.dispose()


def plan(sites: list[str]) -> str:
    quarter = -(-len(sites) // 4)  # ceiling: the last wave takes what is left
    waves = [
        {
            "name": f"wave-{i + 1}",
            "sites": sites[i * quarter : (i + 1) * quarter],
            "maxParallel": PARALLEL,
            "failureBudget": 0,
        }
        for i in range(4)
    ]
    return yaml.safe_dump(
        {
            "apiVersion": "coe.dev/v1",
            "kind": "RolloutPlan",
            "metadata": {"template": "bench-sealing", "version": "1.0.0"},
            "spec": {"waves": waves},
        }
    )


class Stack:
    """The platform's processes for one measurement, on free ports, torn down afterwards."""

    def __init__(self, count: int) -> None:
        self.sites = [f"site-{i:03d}" for i in range(count)]
        self.home = Path(tempfile.mkdtemp(prefix="coe-bench-rollout-"))
        self.processes: list[subprocess.Popen[bytes]] = []
        self.pg: Any = None
        self.agent_port = 0

    def start(self) -> tuple[str, str, Settings]:
        self.pg = postgres.start(self.home / "pgdata")
        url = postgres.ensure_database(self.pg)
        upgrade(url)
        api_port, temporal_port, agent_port = free_port(), free_port(), free_port()
        self.agent_port = agent_port
        settings = Settings(
            home=self.home, database_url=url, temporal_address=f"127.0.0.1:{temporal_port}"
        )
        asyncio.run(seed(url, settings, self.sites, agent_port))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COE_HOME": str(self.home),
            "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
            "COE_PORT": str(api_port),
            "COE_LOG_LEVEL": "WARNING",
            "COE_TEMPORAL_TASK_QUEUE": "bench",
        }
        argv = dev_server_argv(self.home, temporal_port, free_port())
        argv[argv.index("--db-filename") : argv.index("--db-filename") + 2] = []  # in memory
        self._spawn(argv, env)
        wait_port(temporal_port)
        self._spawn([sys.executable, "-m", "coe_workflows.worker"], env)
        agent = [sys.executable, "-m", "coe", "plant-agent", "--port", str(agent_port)]
        for site in self.sites:
            agent += ["--site", site]
        self._spawn(agent, env)
        self._spawn([sys.executable, "-m", "coe", "api"], env)
        wait_port(api_port)
        wait_port(agent_port)
        token = issue_dev_token(
            load_or_create_signing_key(settings.signing_key_path),
            subject="ada",
            name="Ada",
            roles=[Role.COE_ARCHITECT],
        )
        return f"http://127.0.0.1:{api_port}", token, settings

    def _spawn(self, argv: list[str], env: dict[str, str]) -> None:
        self.processes.append(
            subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.pg is not None:
            self.pg.cleanup()


def measure(count: int) -> dict[str, float]:
    stack = Stack(count)
    try:
        api, token, settings = stack.start()
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=api, headers=headers, timeout=60) as http:
            for _ in range(100):  # the worker connects to Temporal in the background
                ready = http.get("/ready")
                if ready.status_code == 200:
                    break
                time.sleep(0.3)
            started = time.perf_counter()
            body = http.post(
                "/graphql",
                json={
                    "query": "mutation($p: String!) { startRollout(plan: $p) { "
                    "... on Rollout { id } ... on Problem { code message } } }",
                    "variables": {"p": plan(stack.sites)},
                },
            ).json()
            answered = (body.get("data") or {}).get("startRollout") or {}
            if "id" not in answered:
                raise RuntimeError(f"the benchmark rollout was not started: {body}")
            rollout_id = answered["id"]
            while True:
                rollout = http.post(
                    "/graphql",
                    json={
                        "query": "query($id: String!) { rollout(id: $id) { status "
                        "waves { sites { state } } } }",
                        "variables": {"id": rollout_id},
                    },
                ).json()["data"]["rollout"]
                if rollout["status"] in ("completed", "aborted", "paused"):
                    break
                time.sleep(0.25)
            elapsed = time.perf_counter() - started
        live = sum(s["state"] == "live" for w in rollout["waves"] for s in w["sites"])
        baseline = asyncio.run(direct_puts(stack.sites, settings, stack.agent_port))
        return {
            "sites": count,
            "seconds": elapsed,
            "live": live,
            "status": rollout["status"],
            "baseline_seconds": baseline,
        }
    finally:
        stack.stop()


async def direct_puts(sites: list[str], settings: Settings, agent_port: int) -> float:
    """The same number of deployments straight to the agent (a second template key, so the
    plants really take each one), 25 at a time."""
    key = plant_key(settings)
    definition = {"kind": "EffectiveDefinition", "bench": True}
    body = {
        "template": "baseline",
        "version": "1.0.0",
        "sha256": content_hash(definition),
        "definition": definition,
    }
    limit = asyncio.Semaphore(PARALLEL)
    async with httpx.AsyncClient(timeout=30) as http:

        async def put(site: str) -> None:
            async with limit:
                response = await http.put(
                    f"http://127.0.0.1:{agent_port}/sites/{site}/v1/definitions/baseline",
                    json=body,
                    headers={"Authorization": f"Bearer {site_credential(key, site)}"},
                )
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(put(site) for site in sites))
        return time.perf_counter() - started


def main() -> None:
    print(f"rollouts: one version to N plant agents in 4 waves, no gates, maxParallel {PARALLEL}")
    for count in (50, 200):
        result = measure(count)
        rate = result["live"] / result["seconds"]
        target = (
            ""
            if count != 200
            else (f" (target < 60 s: {'met' if result['seconds'] < 60 else 'MISSED'})")
        )
        print(
            f"  {count:>3} sites: {result['seconds']:.1f} s, {rate:.1f} deployments/s, "
            f"{int(result['live'])} live, rollout {result['status']}{target}"
        )
        print(
            f"       baseline (direct PUTs, no workflow): {result['baseline_seconds']:.2f} s; "
            f"ratio {result['seconds'] / result['baseline_seconds']:.0f}x"
        )


if __name__ == "__main__":
    main()
