"""The reference agent's HTTP server: the plant contract v1, one path prefix per site
(`/sites/<site>/v1/…`), with the site credential checked in constant time and the configured
faults played before every answer.

Something may run beside the server for as long as it serves (`Companion`): the demo plugs
its production simulator in that way, so the agent itself knows nothing of the demo.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any, Protocol

from litestar import Litestar, Request, get, post, put
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import Response
from pydantic import ValidationError

from coe.agent.store import ContractError, SiteStore, reported
from coe.canonical import content_hash
from coe.plants.contract import CONTRACT, Deployment
from coe.plants.credentials import credential_matches

AGENT = "coe-reference-agent/1.0"


class Companion(Protocol):
    """Runs beside the agent from its start to its shutdown (e.g. the demo's production)."""

    async def run(self) -> None: ...


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
    return reported(running, store.faults())


@post("/sites/{site:str}/v1/definitions/{template:str}/rollback", status_code=200)
async def rollback(
    request: Request[Any, Any, Any], site: FromPath[str], template: FromPath[str]
) -> dict[str, Any]:
    store = await _site(request, site)
    return reported(await store.rollback(template), store.faults())


def _error_body(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    code = (error.extra or {}).get("error", "error") if isinstance(error.extra, dict) else "error"
    return Response({"error": code, "message": error.detail}, status_code=error.status_code)


def create_agent_app(stores: dict[str, SiteStore], companion: Companion | None = None) -> Litestar:
    tasks: list[asyncio.Task[None]] = []

    async def start_companion() -> None:
        if companion is not None:
            tasks.append(asyncio.create_task(companion.run()))

    async def stop_companion() -> None:
        for task in tasks:
            task.cancel()

    app = Litestar(
        route_handlers=[health, list_running, get_running, deploy, rollback],
        exception_handlers={HTTPException: _error_body},
        request_max_body_size=16 * 1024 * 1024,
        openapi_config=None,
        on_startup=[start_companion],
        on_shutdown=[stop_companion],
    )
    app.state.sites = stores
    return app
