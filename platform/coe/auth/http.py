"""How the console signs in: `GET /api/v1/auth/config` says which ways this installation
offers; `POST /api/v1/auth/sign-in` is the development sign-in (user id + password → a
short-lived token, only where the dev issuer is enabled); `POST /api/v1/auth/oidc/token`
redeems an authorization code of the identity provider (see `coe.auth.oidc`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Request, get, post
from litestar.response import Response
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_404_NOT_FOUND,
    HTTP_423_LOCKED,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from coe.auth import service
from coe.auth.oidc import CALLBACK_PATH, redemption
from coe.auth.tokens import load_or_create_signing_key
from coe.db import transaction
from coe.errors import CoeError
from coe.resources import Services

MAX_FIELD_LENGTH = 200
FIELDS = ("userId", "password")
STATUS = {
    "UNAUTHENTICATED": HTTP_401_UNAUTHORIZED,
    "SIGNING_LOCKED": HTTP_423_LOCKED,
    "SERVICE_UNAVAILABLE": HTTP_503_SERVICE_UNAVAILABLE,
}


@get("/api/v1/auth/config", cache=False)
async def auth_config(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """How to sign in here: `devSignIn` (the local identity store, development) and `oidc`
    (the identity provider's authorization endpoint and the console's public client id, for
    Authorization Code with PKCE), or null when not configured. Public: it holds no secret."""
    services: Services = request.app.state.services
    oidc: dict[str, Any] | None = None
    client = services.oidc
    if client is not None:
        try:
            metadata = await client.metadata()
        except CoeError as error:
            return _error(HTTP_503_SERVICE_UNAVAILABLE, error.code, error.message)
        oidc = {
            "issuer": metadata.issuer,
            "authorizationEndpoint": metadata.authorization_endpoint,
            "endSessionEndpoint": metadata.end_session_endpoint,
            "clientId": client.client_id,
            "scope": client.scope,
            "redirectPath": CALLBACK_PATH,
        }
    body = {"devSignIn": services.settings.dev_issuer, "oidc": oidc}
    return Response(body, status_code=HTTP_200_OK, headers={"Cache-Control": "no-store"})


@post("/api/v1/auth/oidc/token", status_code=HTTP_200_OK, request_max_body_size=16_384)
async def oidc_token(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """Redeem the identity provider's authorization code with its PKCE verifier (body
    `{"code", "codeVerifier", "redirectUri"}`); answers the provider's token, verified, with
    its expiry, roles and sites, as the development sign-in does."""
    services: Services = request.app.state.services
    client = services.oidc
    if client is None:
        return _error(
            HTTP_404_NOT_FOUND,
            "NOT_FOUND",
            "no identity provider is configured (COE_OIDC_ISSUER and COE_OIDC_CLIENT_ID)",
        )
    try:
        try:
            document = json.loads(await request.body())
        except (UnicodeDecodeError, json.JSONDecodeError):
            document = None
        code = redemption(document, str(request.base_url))
        token = await client.redeem(code)
        claims = await services.verifier.verify_claims(token)
        principal = services.verifier.principal(claims)
    except CoeError as error:
        status = STATUS.get(error.code, HTTP_400_BAD_REQUEST)
        return _error(status, error.code, error.message, **error.details)
    body = {
        "token": token,
        "expiresAt": datetime.fromtimestamp(float(claims["exp"]), UTC).isoformat(),
        "subject": principal.subject,
        "name": principal.name,
        "roles": sorted(role.value for role in principal.roles),
        "sites": sorted(principal.sites),
    }
    return Response(body, status_code=HTTP_200_OK, headers={"Cache-Control": "no-store"})


@post("/api/v1/auth/sign-in", status_code=HTTP_200_OK, request_max_body_size=16_384)
async def sign_in(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """Sign in with a user id and password of the local identity store; answers a dev token
    (hold it in memory, never in localStorage) with its expiry, roles and sites."""
    services: Services = request.app.state.services
    settings = services.settings
    if not settings.dev_issuer:
        return _error(HTTP_404_NOT_FOUND, "NOT_FOUND", "sign in through the identity provider")
    try:
        username, password = credentials(await request.body())
        async with transaction(services.sessions) as session:
            signed_in = await service.sign_in(
                session,
                username,
                password,
                key=_signing_key(settings.signing_key_path),
                ttl=timedelta(minutes=settings.sign_in_token_minutes),
                policy=services.verifier.signing,
                audit_key=services.audit_key,
                request_id=request.scope["state"]["request_id"],
            )
    except CoeError as error:
        status = STATUS.get(error.code, HTTP_400_BAD_REQUEST)
        return _error(status, error.code, error.message, **error.details)
    body = {
        "token": signed_in.token,
        "expiresAt": signed_in.expires_at.isoformat(),
        "subject": signed_in.subject,
        "name": signed_in.name,
        "roles": signed_in.roles,
        "sites": signed_in.sites,
    }
    return Response(body, status_code=HTTP_200_OK, headers={"Cache-Control": "no-store"})


@cache
def _signing_key(path: Path) -> Ed25519PrivateKey:
    """The dev issuer's key, read once (as the verifier reads its public half at start-up)."""
    return load_or_create_signing_key(path)


def credentials(body: bytes) -> tuple[str, str]:
    """The user id and password of a body `{"userId": ..., "password": ...}`, checked."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        document = None
    if not isinstance(document, dict):
        raise CoeError('the body must be a JSON object {"userId": …, "password": …}')
    values = []
    for field in FIELDS:
        value = document.get(field)
        if not isinstance(value, str) or not value:
            raise CoeError(f"{field} is required (a non-empty string)", field=field)
        if len(value) > MAX_FIELD_LENGTH:
            raise CoeError(f"{field} is longer than {MAX_FIELD_LENGTH} characters", field=field)
        values.append(value)
    return values[0], values[1]


def _error(status: int, code: str, message: str, **details: Any) -> Response[dict[str, Any]]:
    """The REST error shape of the app (see `coe.production.http`), plus the error's details
    (e.g. `lockedUntil`); never cached."""
    body = {"error": code, "message": message, **details}
    return Response(body, status_code=status, headers={"Cache-Control": "no-store"})
