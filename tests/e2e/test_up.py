"""`coe up` as a user runs it (what `make run` does): everything starts, the API answers with a
printed token and refuses without one, Ctrl-C stops every child, and the data survives."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.stack import Up

pytestmark = pytest.mark.e2e

SITES = {"query": "{ sites { totalCount nodes { key region } } }"}
PLANTS = {"cork", "galway", "penang", "suzhou", "minneapolis", "tijuana", "juncos"}
DEMO_SITES = PLANTS | {"validation-lab"}  # the central validation lab: a validation instance only
INSTANCES = """{ sites(first: 100) { nodes { key instances { environment endpoint } } } }"""


@pytest.fixture
def up(tmp_path: Path) -> Iterator[Up]:
    stack = Up(tmp_path / "coe-home")
    yield stack
    if stack.process is not None and stack.process.poll() is None:
        stack.process.kill()
        stack.process.wait()


def test_coe_up_runs_the_platform_and_stops_cleanly(up: Up) -> None:
    up.start()
    up.wait_ready()

    token = up.token("coe_architect")
    answer = httpx.post(
        f"{up.url}/graphql", json=SITES, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    assert {site["key"] for site in answer["data"]["sites"]["nodes"]} == DEMO_SITES
    assert {site["region"] for site in answer["data"]["sites"]["nodes"]} == {
        "emea",
        "apac",
        "americas",
    }
    # every plant runs a production instance; the lab, cork and suzhou a validation one, each
    # served by its own agent process that answers for that site
    sites = httpx.post(
        f"{up.url}/graphql",
        json={"query": INSTANCES},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["data"]["sites"]["nodes"]
    instances = {
        (site["key"], instance["environment"]): instance["endpoint"]
        for site in sites
        for instance in site["instances"]
    }
    assert {key for key, environment in instances if environment == "production"} == PLANTS
    assert {key for key, environment in instances if environment == "validation"} == {
        "validation-lab",
        "cork",
        "suzhou",
    }
    for (key, _environment), endpoint in instances.items():
        credential = up.cli("plant-credential", key).stdout.strip()
        health = httpx.get(
            f"{endpoint}/v1/health", headers={"Authorization": f"Bearer {credential}"}, timeout=10
        )
        assert health.status_code == 200, (key, endpoint, health.text)
    refused = httpx.post(f"{up.url}/graphql", json=SITES, timeout=10).json()
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    listed = up.cli("site", "list", "--json", token=token)
    assert listed.returncode == 0, listed.stderr
    assert {site["key"] for site in json.loads(listed.stdout)} == DEMO_SITES
    shown = up.cli("site", "show", "penang", token=up.token("site_admin"))
    assert shown.returncode == 0, shown.stderr
    assert "heat-sealer" in shown.stdout
    forbidden = up.cli("site", "show", "cork", token=up.token("site_admin"))
    assert forbidden.returncode == 1
    assert "FORBIDDEN" in forbidden.stderr

    # A crashed API is restarted; PostgreSQL and Temporal are left running.
    crashed = up.child("-m", "coe", "api")
    temporal = up.child("--log-level", "warn")  # the dev server's argv ends so
    postgres_pid = int((up.home / "pgdata" / "postmaster.pid").read_text().split()[0])
    crashed.send_signal(signal.SIGKILL)
    crashed.wait(timeout=30)
    up.wait_ready()
    assert up.child("-m", "coe", "api").pid != crashed.pid
    assert temporal.is_running()
    assert psutil.pid_exists(postgres_pid)
    again = httpx.post(
        f"{up.url}/graphql", json=SITES, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    assert again["data"]["sites"]["totalCount"] == len(DEMO_SITES)

    second = subprocess.run(
        [sys.executable, "-m", "coe", "up"],
        env=up.env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 1
    assert "another `coe up`" in second.stdout

    code, output, children, names = up.stop(signal.SIGINT)
    assert code == 0, output
    assert "COE Platform is running" in output
    assert "api exited unexpectedly (code -9); restarting it in 1 s" in output
    assert "api restarted" in output
    assert "stopped." in output
    assert "temporal" in names
    time.sleep(1)
    assert not [
        child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    ], "no orphans"
    assert not (up.home / "pgdata" / "postmaster.pid").exists(), "PostgreSQL stopped"

    # The next run reuses the data: the demo is not seeded twice, and SIGTERM stops it too.
    up.start()
    up.wait_ready()
    again = httpx.post(
        f"{up.url}/graphql",
        json=SITES,
        headers={"Authorization": f"Bearer {up.token('executive')}"},
        timeout=10,
    ).json()
    assert again["data"]["sites"]["totalCount"] == len(DEMO_SITES)
    code, output, _, _ = up.stop(signal.SIGTERM)
    assert code == 0, output
    assert "demo enterprise: already present" in output


def test_coe_up_refuses_a_port_in_use(up: Up) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", up.api_port))
        busy.listen()
        result = subprocess.run(
            [sys.executable, "-m", "coe", "up"],
            env=up.env,
            text=True,
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert f"port {up.api_port} already in use" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
