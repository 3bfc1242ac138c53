"""POST /api/v1/events: the plants' ingest endpoint (JSON array or NDJSON, gzip accepted)."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_401_UNAUTHORIZED

from coe.db import transaction
from coe.errors import CoeError
from coe.graphql.context import Services
from coe.production.events import BatchError
from coe.production.service import IngestLimits, IngestState, ingest


@post("/api/v1/events", status_code=HTTP_200_OK, request_max_body_size=64 * 1024 * 1024)
async def ingest_events(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """Store a plant's production events; answers counts and each rejected event's reason."""
    services: Services = request.app.state.services
    settings = services.settings
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(HTTP_401_UNAUTHORIZED, "UNAUTHENTICATED", "missing bearer token")
    body = await request.body()
    if len(body) > settings.ingest_max_body_bytes:
        return _error(
            413,
            "PAYLOAD_TOO_LARGE",
            f"the body is larger than {settings.ingest_max_body_bytes} bytes",
        )
    try:
        principal = await services.verifier.verify(token.strip())
        limits = IngestLimits(
            settings.ingest_max_body_bytes,
            settings.ingest_max_inflated_bytes,
            settings.ingest_max_events,
        )
        state: IngestState = request.app.state.ingest
        async with transaction(services.sessions) as session:
            result = await ingest(
                session, principal, body, request.headers.get("content-encoding"), limits, state
            )
    except BatchError as error:
        return _error(HTTP_400_BAD_REQUEST, "BAD_BATCH", str(error))
    except CoeError as error:
        status = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403}.get(error.code, 400)
        return _error(status, error.code, error.message)
    return Response(result.as_json(), status_code=HTTP_200_OK)


def _error(status: int, code: str, message: str) -> Response[dict[str, Any]]:
    return Response({"error": code, "message": message}, status_code=status)
