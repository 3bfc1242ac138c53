"""E-signature re-authentication at the identity provider, for callers signed in through OIDC.

In production the caller's token comes from the company's identity provider, which holds the
password: the CLI asks it for a fresh sign-in through the OAuth 2.0 device authorization grant
(RFC 8628) — the person opens a link, signs in again (`prompt=login`, `max_age=0`: no single
sign-on session reused), and the fresh token goes with the signature as its `reauthToken`. The
API verifies it as any token of that issuer (signature, audience, subject, `auth_time`).
"""

from __future__ import annotations

import os
import time
from typing import Any

import httpx
import jwt

from coe.cli.output import errors, fail

DEV_ISSUER = "coe-dev"  # the dev issuer's tokens are signed with a password instead
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
MAX_WAIT_SECONDS = 600.0


def oidc_issuer(token: str | None) -> str | None:
    """The OIDC issuer of the caller's token, or None for the dev issuer (or no token).

    Read without verifying: it only says where to sign in again; the API verifies what comes
    back."""
    if not token:
        return None
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    return issuer if isinstance(issuer, str) and issuer != DEV_ISSUER else None


def client_id(token: str) -> str:
    """The CLI's OAuth client at the identity provider: COE_OIDC_CLIENT_ID, else the client
    the caller's own token was issued to (`azp`, or `client_id`)."""
    claims = jwt.decode(token, options={"verify_signature": False})
    chosen = os.environ.get("COE_OIDC_CLIENT_ID") or claims.get("azp") or claims.get("client_id")
    if not isinstance(chosen, str) or not chosen:
        fail(
            "to sign, the CLI signs you in again at your identity provider and needs its OAuth "
            "client id: set COE_OIDC_CLIENT_ID",
            code="BAD_USER_INPUT",
        )
    return chosen


def fresh_token(issuer: str, client: str, *, timeout: float = 30.0) -> str:
    """Sign in again at `issuer` through the device authorization grant; the fresh token."""
    endpoints = _get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout)
    device_endpoint = endpoints.get("device_authorization_endpoint")
    token_endpoint = endpoints.get("token_endpoint")
    if not isinstance(device_endpoint, str) or not isinstance(token_endpoint, str):
        fail(
            f"the identity provider {issuer} offers no device sign-in "
            "(device_authorization_endpoint): sign with --password-stdin where it is allowed",
            code="SIGNATURE_REJECTED",
        )
    grant = _post(
        device_endpoint,
        {"client_id": client, "scope": "openid", "prompt": "login", "max_age": "0"},
        timeout,
    )
    link = grant.get("verification_uri_complete") or grant.get("verification_uri")
    errors.print(
        f"To sign, open {link} and sign in again (code [bold]{grant.get('user_code')}[/]); "
        "waiting…",
        highlight=False,
    )
    return _poll(token_endpoint, client, grant, timeout)


def _poll(token_endpoint: str, client: str, grant: dict[str, Any], timeout: float) -> str:
    """RFC 8628 §3.4-3.5: poll at the given interval until signed in, refused or expired."""
    interval = float(grant.get("interval", 5))
    deadline = time.monotonic() + min(float(grant.get("expires_in", 600)), MAX_WAIT_SECONDS)
    form = {
        "grant_type": DEVICE_GRANT,
        "device_code": grant.get("device_code"),
        "client_id": client,
    }
    while True:
        if time.monotonic() >= deadline:
            fail(
                "the sign-in was not completed in time: nothing was signed",
                code="SIGNATURE_REJECTED",
            )
        time.sleep(interval)
        answer = _post(token_endpoint, form, timeout, accept_errors=True)
        error = answer.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += 5
            continue
        if error:
            reason = answer.get("error_description") or error
            fail(f"the identity provider refused the sign-in: {reason}", code="SIGNATURE_REJECTED")
        token = answer.get("access_token") or answer.get("id_token")
        if isinstance(token, str):
            return token
        fail("the identity provider answered without a token", code="SIGNATURE_REJECTED")


def _get(url: str, timeout: float) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=timeout)
    except httpx.TransportError as error:
        fail(f"cannot reach the identity provider at {url} ({error})", code="UNREACHABLE")
    return _json(response, url, accept_errors=False)


def _post(
    url: str, form: dict[str, Any], timeout: float, *, accept_errors: bool = False
) -> dict[str, Any]:
    try:
        response = httpx.post(url, data=form, timeout=timeout)
    except httpx.TransportError as error:
        fail(f"cannot reach the identity provider at {url} ({error})", code="UNREACHABLE")
    return _json(response, url, accept_errors=accept_errors)


def _json(response: httpx.Response, url: str, *, accept_errors: bool) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        fail(f"{url} answered HTTP {response.status_code}, not JSON", code="SIGNATURE_REJECTED")
    if response.status_code >= 400 and not (accept_errors and "error" in body):
        reason = body.get("error_description") or body.get("error") or response.status_code
        fail(f"the identity provider refused ({url}): {reason}", code="SIGNATURE_REJECTED")
    return body
