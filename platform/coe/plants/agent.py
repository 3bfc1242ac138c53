"""The reference plant agent: a real HTTP server implementing the plant contract v1.

It is what the demo and the tests deploy to, and what a plant's integration team copies to
write their MES adapter: receive a definition (idempotent by its sha256, checked against the
content), report what runs, keep the previous definition for rollback, answer health checks.
State lives in one JSON file per site, written atomically, so a restart loses nothing.

Faults for demos and tests come from `<site>.faults.json` next to the state (written by
`coe plant-faults`): `slowSeconds` delays every answer, `flaky` answers 503 at that rate,
`wrongHash` reports a wrong hash for what runs, `down` answers 503 to everything.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar, Request, get, post, put
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import Response
from pydantic import ValidationError

from coe.canonical import content_hash, sha256_hex
from coe.plants.contract import CONTRACT, Deployment
from coe.plants.credentials import credential_matches
from coe.plants.history import history_closed
from coe.plants.production import Line, produce

log = logging.getLogger("coe.plants.agent")

AGENT = "coe-reference-agent/1.0"
KEEP_PREVIOUS = 10


class ContractError(HTTPException):
    """An error answer in the contract's shape: {"error": code, "message": …}."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(status_code=status, detail=message, extra={"error": error})


@dataclass
class Faults:
    slow_seconds: float = 0.0
    flaky: float = 0.0
    wrong_hash: bool = False
    down: bool = False

    @classmethod
    def load(cls, path: Path) -> Faults:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        return cls(
            slow_seconds=float(raw.get("slowSeconds", 0)),
            flaky=float(raw.get("flaky", 0)),
            wrong_hash=bool(raw.get("wrongHash", False)),
            down=bool(raw.get("down", False)),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "slowSeconds": self.slow_seconds,
            "flaky": self.flaky,
            "wrongHash": self.wrong_hash,
            "down": self.down,
        }


def write_json(path: Path, value: Any) -> None:
    """Atomic: write a temporary file, then rename it over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(value, indent=2, sort_keys=True))
    os.replace(temporary, path)


class SiteStore:
    """One site's plant state on disk."""

    def __init__(self, folder: Path, site: str, credential: str) -> None:
        self.site = site
        self.credential = credential
        self.folder = folder
        self.path = folder / f"{site}.json"
        self.faults_path = folder / f"{site}.faults.json"
        self.lock = asyncio.Lock()
        self.state: dict[str, Any] = (
            json.loads(self.path.read_text())
            if self.path.exists()
            else {"templates": {}, "deployments": 0, "log": []}
        )

    def faults(self) -> Faults:
        return Faults.load(self.faults_path)

    def running(self, template: str, faults: Faults) -> dict[str, Any] | None:
        entry = self.state["templates"].get(template)
        if not entry or not entry.get("current"):
            return None
        return _public(entry["current"], faults)

    def all_running(self, faults: Faults) -> list[dict[str, Any]]:
        return [
            _public(entry["current"], faults)
            for _, entry in sorted(self.state["templates"].items())
            if entry.get("current")
        ]

    async def deploy(self, deployment: Deployment) -> dict[str, Any]:
        async with self.lock:
            entry = self.state["templates"].setdefault(
                deployment.template, {"current": None, "previous": []}
            )
            current: dict[str, Any] | None = entry["current"]
            if current and current["sha256"] == deployment.sha256:
                return current  # idempotent: the same definition delivered again
            if current:
                entry["previous"] = [current, *entry["previous"]][:KEEP_PREVIOUS]
            entry["current"] = {
                "template": deployment.template,
                "version": deployment.version,
                "sha256": deployment.sha256,
                "since": _now(),
                "rolloutId": deployment.rollout_id,
                "definition": deployment.definition,
            }
            self._record("deployed", entry["current"])
            self.state["deployments"] += 1
            write_json(self.path, self.state)
            return dict(entry["current"])

    async def rollback(self, template: str) -> dict[str, Any]:
        async with self.lock:
            entry = self.state["templates"].get(template)
            if not entry or not entry["previous"]:
                raise ContractError(
                    409,
                    "nothing_to_roll_back",
                    f"no previous definition of {template} at {self.site}",
                )
            entry["current"] = {**entry["previous"].pop(0), "since": _now()}
            self._record("rolled_back", entry["current"])
            write_json(self.path, self.state)
            return dict(entry["current"])

    def _record(self, event: str, running: Mapping[str, Any]) -> None:
        self.state["log"] = [
            *self.state["log"][-199:],
            {
                "event": event,
                "at": _now(),
                "template": running["template"],
                "version": running["version"],
                "sha256": running["sha256"],
                "rolloutId": running.get("rolloutId"),
            },
        ]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _public(running: Mapping[str, Any], faults: Faults) -> dict[str, Any]:
    reported = running["sha256"]
    if faults.wrong_hash:
        reported = sha256_hex(("wrong:" + reported).encode())
    return {
        "template": running["template"],
        "version": running["version"],
        "sha256": reported,
        "since": running["since"],
        "rolloutId": running.get("rolloutId"),
    }


async def _site(request: Request[Any, Any, Any], site: str) -> SiteStore:
    """Find the site, check the credential, and play the configured faults."""
    stores: dict[str, SiteStore] = request.app.state.sites
    store = stores.get(site)
    if store is None:
        raise ContractError(404, "unknown_site", f"this agent does not serve site {site!r}")
    header = request.headers.get("authorization", "")
    if not credential_matches(f"Bearer {store.credential}", header):
        raise ContractError(401, "unauthorized", "missing or wrong site credential")
    faults = store.faults()
    if faults.slow_seconds:
        await asyncio.sleep(faults.slow_seconds)
    if faults.down or (faults.flaky and random.random() < faults.flaky):  # noqa: S311
        raise ContractError(503, "unavailable", "the plant instance is unavailable")
    return store


@get("/sites/{site:str}/v1/health")
async def health(request: Request[Any, Any, Any], site: FromPath[str]) -> dict[str, Any]:
    await _site(request, site)
    return {"status": "ok", "site": site, "contract": CONTRACT, "agent": AGENT}


@get("/sites/{site:str}/v1/definitions")
async def list_running(
    request: Request[Any, Any, Any], site: FromPath[str]
) -> list[dict[str, Any]]:
    store = await _site(request, site)
    return store.all_running(store.faults())


@get("/sites/{site:str}/v1/definitions/{template:str}")
async def get_running(
    request: Request[Any, Any, Any], site: FromPath[str], template: FromPath[str]
) -> dict[str, Any]:
    store = await _site(request, site)
    running = store.running(template, store.faults())
    if running is None:
        raise ContractError(404, "not_running", f"nothing runs for {template} at {site}")
    return running


@put("/sites/{site:str}/v1/definitions/{template:str}", status_code=200)
async def deploy(
    request: Request[Any, Any, Any], site: FromPath[str], template: FromPath[str]
) -> dict[str, Any]:
    store = await _site(request, site)
    try:
        deployment = Deployment.model_validate(await request.json())
    except (ValidationError, ValueError) as error:
        raise ContractError(400, "bad_request", f"not a deployment: {error}") from None
    if deployment.template != template:
        raise ContractError(400, "bad_request", "template in the path and the body differ")
    if content_hash(deployment.definition) != deployment.sha256:
        raise ContractError(
            422, "hash_mismatch", "sha256 does not match the canonical JSON of the definition"
        )
    running = await store.deploy(deployment)
    return _public(running, store.faults())


@post("/sites/{site:str}/v1/definitions/{template:str}/rollback", status_code=200)
async def rollback(
    request: Request[Any, Any, Any], site: FromPath[str], template: FromPath[str]
) -> dict[str, Any]:
    store = await _site(request, site)
    return _public(await store.rollback(template), store.faults())


def _error_body(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    code = (error.extra or {}).get("error", "error") if isinstance(error.extra, dict) else "error"
    return Response({"error": code, "message": error.detail}, status_code=error.status_code)


class Producer:
    """Demo production: every `interval` seconds each site makes units and batches under the
    definitions it runs, and sends them to the platform's ingest endpoint with its plant token.

    The first time a site runs a template, `backfill` of history is made, split evenly between
    the versions the site has run (oldest first), so an upgrade already shows in the KPIs —
    for what the plants ran before the platform: deployments until the time written in
    `HISTORY_CLOSED` in the agent's folder (`coe demo-rollouts` writes it when done). A
    template deployed after that (a transfer, a new process) starts producing at its
    deployment. A line starts only once its deployment is `settle` old: a platform that has
    just started may still be rolling an upgrade out right behind the first version."""

    def __init__(
        self,
        stores: dict[str, SiteStore],
        api_url: str,
        tokens: Mapping[str, str],
        *,
        interval: float = 5.0,
        backfill: timedelta = timedelta(days=14),
        settle: timedelta = timedelta(seconds=20),
    ) -> None:
        self.stores, self.api_url, self.tokens = stores, api_url.rstrip("/"), tokens
        self.interval, self.backfill, self.settle = interval, backfill, settle
        self.rngs: dict[str, random.Random] = {}

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            while True:
                for store in self.stores.values():
                    try:
                        await self.tick(store, http)
                    except (httpx.HTTPError, OSError) as error:
                        log.warning("production for %s not sent yet: %s", store.site, error)
                await asyncio.sleep(self.interval)

    async def tick(self, store: SiteStore, http: httpx.AsyncClient) -> None:
        now = datetime.now(UTC)
        production = store.state.setdefault("production", {"lines": {}, "outbox": []})
        closed = history_closed(store.folder)
        for template, entry in sorted(store.state["templates"].items()):
            current = entry.get("current")
            if not current:
                continue
            raw = production["lines"].get(template)
            rng = self.rngs.setdefault(
                f"{store.site}/{template}",
                random.Random(f"{store.site}/{template}"),  # noqa: S311 - a simulation
            )
            since = datetime.fromisoformat(current["since"])
            if raw:
                line = Line.from_json(raw)
            elif now - since < self.settle:
                continue
            elif closed is not None and since > closed:
                line = Line(store.site, template, current["version"], [], since)  # no history
            else:
                line = Line(store.site, template, current["version"], [], now - self.backfill)
                history = [*reversed(entry["previous"])]
                share = self.backfill / (len(history) + 1)
                for number, past in enumerate(history, start=1):
                    line.version = past["version"]
                    until = now - self.backfill + share * number
                    production["outbox"] += produce(line, past["definition"], until, rng)
            line.version = current["version"]
            production["outbox"] += produce(line, current["definition"], now, rng)
            production["lines"][template] = line.as_json()
        await self.send(store, http, production)
        write_json(store.path, store.state)

    async def send(
        self, store: SiteStore, http: httpx.AsyncClient, production: dict[str, Any]
    ) -> None:
        """Send the outbox in batches; what is not accepted stays for the next tick."""
        outbox: list[dict[str, Any]] = production["outbox"]
        while outbox:
            chunk = outbox[:5000]
            response = await http.post(
                f"{self.api_url}/api/v1/events",
                json=chunk,
                headers={"Authorization": f"Bearer {self.tokens[store.site]}"},
            )
            response.raise_for_status()
            del outbox[: len(chunk)]


def create_agent_app(stores: dict[str, SiteStore], producer: Producer | None = None) -> Litestar:
    tasks: list[asyncio.Task[None]] = []

    async def start_production() -> None:
        if producer is not None:
            tasks.append(asyncio.create_task(producer.run()))

    async def stop_production() -> None:
        for task in tasks:
            task.cancel()

    app = Litestar(
        route_handlers=[health, list_running, get_running, deploy, rollback],
        exception_handlers={HTTPException: _error_body},
        request_max_body_size=16 * 1024 * 1024,
        openapi_config=None,
        on_startup=[start_production],
        on_shutdown=[stop_production],
    )
    app.state.sites = stores
    return app
