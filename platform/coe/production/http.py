"""POST /api/v1/events: the plants' ingest endpoint (JSON array or NDJSON, gzip or deflate)."""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, post
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.response import Response
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
)
from sqlalchemy.exc import DBAPIError

from coe.auth.principal import Principal
from coe.config import Settings
from coe.db import Sessions, read_only, transaction
from coe.errors import CoeError
from coe.production import service
from coe.production.events import BatchError, BatchTooLarge, Checked
from coe.production.service import IngestLimits, IngestResult, IngestState
from coe.resources import Services


def ingest_route(settings: Settings) -> HTTPRouteHandler:
    """The route, with the body limit of the settings: a body announced (Content-Length) or
    streamed past COE_INGEST_MAX_BODY_BYTES is refused before the rest of it is read."""
    return post(
        "/api/v1/events",
        status_code=HTTP_200_OK,
        request_max_body_size=settings.ingest_max_body_bytes,
    )(ingest_events)


async def ingest_events(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """Store a plant's production events; answers counts and each rejected event's reason."""
    services: Services = request.app.state.services
    settings = services.settings
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(HTTP_401_UNAUTHORIZED, "UNAUTHENTICATED", "missing bearer token")
    try:
        principal = await services.verifier.verify(token.strip())
        service.plant_sites(principal)  # before the body is read: others send nothing
        body = await _body(request, settings)
        result = await _ingest(
            services,
            request.app.state.ingest,
            principal,
            body,
            request.headers.get("content-encoding"),
            request.headers.get("content-type"),
        )
    except BatchTooLarge as error:
        return _error(HTTP_413_REQUEST_ENTITY_TOO_LARGE, "PAYLOAD_TOO_LARGE", str(error))
    except BatchError as error:
        return _error(HTTP_400_BAD_REQUEST, "BAD_BATCH", str(error))
    except CoeError as error:
        status = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403}.get(error.code, 400)
        return _error(status, error.code, error.message)
    return Response(result.as_json(), status_code=HTTP_200_OK)


async def _body(request: Request[Any, Any, Any], settings: Settings) -> bytes:
    try:
        return await request.body()
    except HTTPException as error:
        if error.status_code != HTTP_413_REQUEST_ENTITY_TOO_LARGE:
            raise
        raise BatchTooLarge(
            f"the body is larger than {settings.ingest_max_body_bytes} bytes"
        ) from None


async def _ingest(
    services: Services,
    state: IngestState,
    principal: Principal,
    body: bytes,
    encoding: str | None,
    content_type: str | None,
) -> IngestResult:
    started = time.perf_counter()
    limits = IngestLimits.from_settings(services.settings)
    with service.tracer.start_as_current_span("ingest production events") as span:
        batch = await service.read(body, encoding, content_type, limits)
        async with read_only(services.sessions) as session:
            scope = await service.scope(session, principal, batch, state)
        checked = await service.check(batch, scope, limits)
        result = await _store(services.sessions, checked, state)
        service.record(span, principal, result, started)
    return result


async def _store(sessions: Sessions, checked: Checked, state: IngestState) -> IngestResult:
    """Partitions are created in a committed transaction of their own and only then
    remembered, so a batch that rolls back cannot leave the process believing in a partition
    that does not exist; one that has gone since (dropped, detached) is forgotten and the
    batch stored once more."""
    for attempt in range(2):
        missing = state.missing_partitions(checked.rows)
        if missing:
            async with transaction(sessions) as session:
                await service.create_partitions(session, missing)
            state.partitions.update(missing)
        try:
            async with transaction(sessions) as session:
                return await service.store(session, checked)
        except DBAPIError as error:
            if attempt or not service.lost_partition(error):
                raise
            state.partitions.clear()
    raise AssertionError("unreachable")


def _error(status: int, code: str, message: str) -> Response[dict[str, Any]]:
    return Response({"error": code, "message": message}, status_code=status)
