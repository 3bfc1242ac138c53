"""The central service: `create_app()` and the lifespan that owns its long-lived resources."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, get
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware import ASGIMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.response import Response
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import text

from coe import telemetry
from coe.auth.http import auth_config, oidc_token, sign_in
from coe.auth.oidc import OidcClient
from coe.auth.tokens import TokenVerifier
from coe.config import Settings, check_production, load_settings
from coe.console import console_assets, console_page
from coe.db import create_engine, create_sessions
from coe.errors import CoeError, UnauthenticatedError
from coe.graphql.context import CoeContext
from coe.graphql.endpoint import graphql_controller
from coe.graphql.schema import build_schema
from coe.kpis.metrics import KpiGauges
from coe.production.http import ingest_route
from coe.production.service import IngestState
from coe.resources import Services
from coe.secrets import audit_key
from coe.stack.postgres import resolve_database_url
from coe.temporal_connection import TemporalConnection
from coe.validation.http import download_evidence

log = logging.getLogger("coe.app")

# The REST description (/schema/openapi.json) is for developers, like GraphQL introspection:
# served in development only, as JSON (no viewer pages, which would load scripts from a CDN).
REST_DESCRIPTION = OpenAPIConfig(
    title="COE Platform REST API", version="1", path="/schema", render_plugins=[JsonRenderPlugin()]
)

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware(ASGIMiddleware):
    """Every request gets an id (the caller's X-Request-ID if sane), echoed in the response,
    attached to the trace, and written to each audit record the request causes."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        telemetry.tag_request(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)["x-request-id"] = request_id
            await send(message)

        await next_app(scope, receive, send_with_id)


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def graphql_context(scope: Scope) -> CoeContext:
    """Authenticate once per request; resolvers decide what the caller may do."""
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
    services: Services = connection.app.state.services
    context = CoeContext(services=services, request_id=scope["state"]["request_id"])
    token = bearer_token(connection)
    if token is None:
        context.auth_error = UnauthenticatedError("missing bearer token")
        return context
    try:
        context.principal = await services.verifier.verify(token)
    except CoeError as error:
        context.auth_error = error
    return context


def internal_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """Any unhandled exception (ingest, the GraphQL controller, readiness): logged with its
    request id and traceback; the caller gets that id and nothing of the error itself."""
    request_id = request.scope.get("state", {}).get("request_id")
    log.error(
        "unhandled error in %s %s (request %s)",
        request.method,
        request.url.path,
        request_id,
        exc_info=(type(error), error, error.__traceback__),
    )
    message = f"Internal error. Quote request id {request_id} when reporting it."
    if request.url.path.startswith("/graphql"):
        extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        body: dict[str, Any] = {"errors": [{"message": message, "extensions": extensions}]}
    else:  # the REST shape of the ingest endpoint's errors
        body = {"error": "INTERNAL_SERVER_ERROR", "message": message, "requestId": request_id}
    return Response(body, status_code=HTTP_500_INTERNAL_SERVER_ERROR)


@get("/health", sync_to_thread=False, include_in_schema=False)
def health() -> dict[str, str]:
    """Liveness: the process serves HTTP. Carries no data, so it needs no token."""
    return {"status": "ok"}


@get("/ready", include_in_schema=False)
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """Readiness: the database answers and Temporal is reachable."""
    services: Services = request.app.state.services
    temporal = await services.temporal_connection.healthy()
    checks = {"database": await _database_ok(services), "temporal": temporal}
    ok = all(checks.values())
    return Response(
        {"status": "ready" if ok else "not ready", "checks": checks},
        status_code=HTTP_200_OK if ok else HTTP_503_SERVICE_UNAVAILABLE,
    )


async def _database_ok(services: Services) -> bool:
    try:
        async with services.sessions() as session:
            connection = await session.connection()
            await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=2)
    except Exception:
        log.warning("readiness: database check failed", exc_info=True)
        return False
    return True


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the API. Resources (engine, Temporal client) live as long as the app does."""
    settings = settings or load_settings()
    schema = build_schema(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        check_production(settings)
        tel = telemetry.setup_telemetry(settings, "api")
        database_url, embedded = resolve_database_url(settings)
        engine = create_engine(database_url, pool_size=settings.db_pool_size)
        telemetry.instrument_engine(tel, engine)
        app.state.ingest = IngestState()
        temporal = TemporalConnection(settings)
        await temporal.client()  # the first attempt now; later ones when needed
        app.state.services = Services(
            settings=settings,
            sessions=create_sessions(engine),
            verifier=TokenVerifier.from_settings(settings),
            audit_key=audit_key(settings),
            temporal_connection=temporal,
            oidc=OidcClient.from_settings(settings),
        )
        app.state.kpi_gauges = kpi_gauges = KpiGauges.on(tel.meter_provider)
        gauges = asyncio.create_task(
            kpi_gauges.keep_fresh(
                app.state.services.sessions, settings.kpi_metrics_interval_seconds
            )
        )
        try:
            yield
        finally:
            gauges.cancel()
            kpi_gauges.close()
            await engine.dispose()
            tel.shutdown()
            if embedded is not None:
                embedded.cleanup()

    graphql = graphql_controller(
        schema, graphiql=not settings.is_production, context_getter=graphql_context
    )
    # The console everywhere; GraphiQL's page, like GraphiQL itself, in development only.
    assets = console_assets(graphiql=not settings.is_production)
    return Litestar(
        route_handlers=[
            graphql,
            health,
            ready,
            ingest_route(settings),
            download_evidence,
            auth_config,
            sign_in,
            oidc_token,
            console_page,
            assets,
        ],
        lifespan=[lifespan],
        middleware=[telemetry.http_middleware(), RequestIdMiddleware()],
        request_max_body_size=settings.max_body_bytes,
        exception_handlers={HTTP_500_INTERNAL_SERVER_ERROR: internal_error},
        openapi_config=None if settings.is_production else REST_DESCRIPTION,
        debug=False,
    )
