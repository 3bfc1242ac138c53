"""Registry benchmarks (issue targets: compose 500 overlays < 2 s; effectiveDefinition p50 < 20 ms).

1. Validate and compose a 200-operation, 50-parameter template for 500 sites' overlays.
   Baseline, same run: canonical JSON + sha256 of the same 500 definitions (the floor: the
   bytes have to be produced and hashed whatever else is done).
2. `effectiveDefinition` through GraphQL over HTTP against a real API process and PostgreSQL:
   p50/p95 latency. Baseline, same run: the `me` query (authentication and GraphQL, no
   database, no composition).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from coe.auth import service as users
from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier, issue_dev_token, load_or_create_signing_key
from coe.canonical import canonical_json, sha256_hex
from coe.config import Settings
from coe.db import create_engine, create_sessions, transaction
from coe.definitions.compose import PreparedTemplate, compose
from coe.migrations import upgrade
from coe.models import Enterprise
from coe.overlays import service as overlays
from coe.secrets import audit_key
from coe.sites import repository as sites_repository
from coe.sites import service as sites
from coe.sites.validation import SiteFields
from coe.stack import postgres
from coe.templates import service as templates
from coe.templates.validation import template_violations
from coe.work import UnitOfWork

OPERATIONS, PARAMETERS, SITES = 200, 50, 500
REQUESTS = 400


def big_template() -> dict[str, Any]:
    parameters = {
        f"p{i:02d}": {
            "type": "number",
            "default": 100 + i,
            "minimum": 50,
            "maximum": 300,
            "unit": "degC",
            "siteConfigurable": i % 5 != 0,
        }
        for i in range(PARAMETERS)
    }
    operations = [
        {
            "id": f"op{i:03d}",
            "kind": ("execution", "inspection", "checklist")[i % 3],
            "title": f"Step {i}",
            "equipmentClass": "heat-sealer",
            "dataCollection": [
                {
                    "id": f"dc{i:03d}-{j}",
                    "unit": "degC",
                    "target": f"${{p{(i + j) % PARAMETERS:02d}}}",
                    "lowerLimit": f"${{p{(i + j) % PARAMETERS:02d}}} - 5",
                    "upperLimit": f"(${{p{(i + j) % PARAMETERS:02d}}} + 5) * 1",
                }
                for j in range(2)
            ],
            "qualityChecks": [
                {
                    "id": f"qc{i:03d}",
                    "onFail": "rework",
                    "sampling": {"plan": "fixed", "size": 5, "per": "batch"},
                }
            ],
        }
        for i in range(OPERATIONS)
    ]
    return {
        "apiVersion": "coe.dev/v1",
        "kind": "ProcessTemplate",
        "metadata": {"key": "bench-template", "version": "1.0.0", "title": "Benchmark"},
        "spec": {
            "parameters": parameters,
            "operations": operations,
            "extensionPoints": [
                {
                    "id": f"ext{i}",
                    "after": f"op{i * 40:03d}",
                    "allowedKinds": ["inspection", "checklist"],
                    "maxSteps": 2,
                }
                for i in range(5)
            ],
            "reasonCodes": {"scrap": [{"code": "SC-X", "title": "Scrap"}]},
            "kpis": ["right_first_time"],
        },
    }


def site_overlay(index: int) -> dict[str, Any]:
    return {
        "apiVersion": "coe.dev/v1",
        "kind": "SiteOverlay",
        "metadata": {
            "site": f"site-{index:03d}",
            "template": "bench-template",
            "templateVersions": ">=1.0.0 <2.0.0",
            "version": 1,
        },
        "spec": {
            "set": {
                f"p{j:02d}": 60 + (index + j) % 200
                for j in range(1, PARAMETERS)
                if j % 5 != 0 and (index + j) % 3 == 0
            },
            "extend": {
                "ext1": [{"id": f"s{index}-check", "kind": "inspection", "title": "Local check"}]
            },
        },
    }


def compose_benchmark() -> dict[str, float]:
    document = big_template()
    overlays_ = [site_overlay(i) for i in range(SITES)]
    start = time.perf_counter()
    assert template_violations(document) == []
    prepared = PreparedTemplate.of(document)
    results = [compose(prepared, o["metadata"]["site"], o) for o in overlays_]
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    for result in results:
        sha256_hex(canonical_json(result.document))
    baseline = time.perf_counter() - start
    return {"seconds": elapsed, "baseline_seconds": baseline}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def seed(url: str, settings: Settings) -> None:
    engine = create_engine(url, pool_size=2)
    sessions = create_sessions(engine)
    admin = Principal(subject="bench", name="Bench", roles=frozenset(Role))
    key = audit_key(settings)
    async with transaction(sessions) as session:
        work = UnitOfWork(session=session, principal=admin, audit_key=key)
        await sites_repository.add(session, Enterprise(key="bench", name="Bench"))
        await sites.add_site(
            work, "site-001", SiteFields(name="S", region="emea", time_zone="UTC"), None
        )
        await users.add_user(
            work, username="qa", display_name="QA", password="x" * 16, roles=[Role.QA_APPROVER]
        )
        architect = UnitOfWork(
            session=session,
            audit_key=key,
            principal=Principal(subject="ada", name="Ada", roles=frozenset({Role.COE_ARCHITECT})),
        )
        approver = UnitOfWork(
            session=session,
            audit_key=key,
            principal=Principal(subject="qa", name="QA", roles=frozenset({Role.QA_APPROVER})),
        )
        await templates.save_draft(architect, big_template())
        await templates.submit(architect, "bench-template", "1.0.0")
        await templates.approve(
            approver,
            TokenVerifier(dev_public_key=None, oidc=None),
            "bench-template",
            "1.0.0",
            Credentials("qa", "x" * 16),
            "bench",
        )
        await templates.publish(architect, "bench-template", "1.0.0")
        await overlays.propose(architect, site_overlay(1))
        await overlays.approve(
            approver,
            TokenVerifier(dev_public_key=None, oidc=None),
            "site-001",
            "bench-template",
            1,
            Credentials("qa", "x" * 16),
            "bench",
        )
    await engine.dispose()


def latencies(client: httpx.Client, url: str, query: str, token: str) -> list[float]:
    samples = []
    for index in range(REQUESTS + 20):
        start = time.perf_counter()
        response = client.post(
            url, json={"query": query}, headers={"Authorization": f"Bearer {token}"}
        )
        elapsed = (time.perf_counter() - start) * 1000
        body = response.json()
        assert "errors" not in body, body
        if index >= 20:  # warm-up excluded
            samples.append(elapsed)
    return samples


def api_benchmark() -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="coe-bench-"))
    server = postgres.start(home / "pgdata")
    try:
        url = postgres.ensure_database(server)
        upgrade(url)
        settings = Settings(home=home, database_url=url)
        asyncio.run(seed(url, settings))
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COE_HOME": str(home),
            "COE_PORT": str(port),
            "TEMPORAL_ADDRESS": "127.0.0.1:9",
            "COE_LOG_LEVEL": "WARNING",
        }
        api = subprocess.Popen(
            [sys.executable, "-m", "coe", "api"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            token = issue_dev_token(
                load_or_create_signing_key(settings.signing_key_path),
                subject="exec",
                name="Exec",
                roles=[Role.EXECUTIVE],
            )
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(timeout=10) as client:
                for _ in range(200):
                    try:
                        client.get(f"{base}/health")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                definition = latencies(
                    client,
                    f"{base}/graphql",
                    '{ effectiveDefinition(site: "site-001", '
                    'template: "bench-template") { sha256 } }',
                    token,
                )
                baseline = latencies(client, f"{base}/graphql", "{ me { subject } }", token)
        finally:
            api.terminate()
            api.wait(10)
    finally:
        server.cleanup()
    return {
        "p50_ms": statistics.median(definition),
        "p95_ms": statistics.quantiles(definition, n=20)[18],
        "baseline_p50_ms": statistics.median(baseline),
        "baseline_p95_ms": statistics.quantiles(baseline, n=20)[18],
    }


def main() -> None:
    print(
        f"registry: validate + compose a {OPERATIONS}-operation, {PARAMETERS}-parameter "
        f"template for {SITES} overlays"
    )
    result = compose_benchmark()
    print(
        f"  total {result['seconds']:.3f} s (target < 2 s: "
        f"{'met' if result['seconds'] < 2 else 'MISSED'}); "
        f"{result['seconds'] / SITES * 1000:.2f} ms per site"
    )
    ratio = result["seconds"] / result["baseline_seconds"]
    print(
        f"  baseline (canonical JSON + sha256 of the same definitions) "
        f"{result['baseline_seconds']:.3f} s; ratio {ratio:.1f}x"
    )
    print(
        f"registry: effectiveDefinition over HTTP/GraphQL, {REQUESTS} sequential requests "
        f"({OPERATIONS}-operation template)"
    )
    latency = api_benchmark()
    print(
        f"  p50 {latency['p50_ms']:.1f} ms, p95 {latency['p95_ms']:.1f} ms (target p50 < 20 ms: "
        f"{'met' if latency['p50_ms'] < 20 else 'MISSED'})"
    )
    print(
        f"  baseline `me` query p50 {latency['baseline_p50_ms']:.1f} ms, p95 "
        f"{latency['baseline_p95_ms']:.1f} ms; ratio p50 "
        f"{latency['p50_ms'] / latency['baseline_p50_ms']:.1f}x"
    )


if __name__ == "__main__":
    main()
