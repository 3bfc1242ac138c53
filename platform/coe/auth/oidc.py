"""The console's sign-in at the identity provider: OpenID Connect Authorization Code with PKCE
(RFC 7636, S256), the API acting as the token-mediating backend of "OAuth 2.0 for
Browser-Based Applications" (§6.2).

The browser sends the person to the provider's authorization endpoint with a PKCE challenge
and comes back to `/auth/callback` with a code; it hands the code and its verifier to the API
(`POST /api/v1/auth/oidc/token`), which redeems them at the provider's token endpoint and
answers the token, verified like any bearer token. So the page talks to its own origin only
(its CSP says `connect-src 'self'`), the provider needs no CORS rule for the console, and no
client secret exists anywhere (a public client). The token stays in the page's memory.

The same flow, with `prompt=login` and `max_age=0`, signs the person in again for an
e-signature (Part 11 §11.200): the fresh token goes with the signature as its `reauthToken`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from coe.config import Settings
from coe.errors import CoeError, ServiceUnavailableError, UnauthenticatedError

CALLBACK_PATH = "/auth/callback"
METADATA_TTL_SECONDS = 3600.0
TIMEOUT_SECONDS = 10.0
MAX_CODE_LENGTH = 4096
# RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
VERIFIER_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)


@dataclass(frozen=True)
class ProviderMetadata:
    """What the console needs of the provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    end_session_endpoint: str | None


@dataclass(frozen=True)
class CodeRedemption:
    """A code from the provider's redirect, with the PKCE verifier that proves who asked."""

    code: str
    code_verifier: str
    redirect_uri: str


def redemption(document: Any, origin: str) -> CodeRedemption:
    """The code, verifier and redirect URI of a request body, checked: the redirect URI must
    be this origin's callback, so the endpoint redeems only the console's own codes."""
    if not isinstance(document, dict):
        raise CoeError('the body must be a JSON object {"code", "codeVerifier", "redirectUri"}')
    values: dict[str, str] = {}
    for field in ("code", "codeVerifier", "redirectUri"):
        value = document.get(field)
        if not isinstance(value, str) or not value:
            raise CoeError(f"{field} is required (a non-empty string)", field=field)
        if len(value) > MAX_CODE_LENGTH:
            raise CoeError(f"{field} is longer than {MAX_CODE_LENGTH} characters", field=field)
        values[field] = value
    verifier = values["codeVerifier"]
    if not 43 <= len(verifier) <= 128 or not set(verifier) <= VERIFIER_CHARACTERS:
        raise CoeError(
            "codeVerifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)",
            field="codeVerifier",
        )
    expected = origin.rstrip("/") + CALLBACK_PATH
    if values["redirectUri"] != expected:
        raise CoeError(f"redirectUri must be {expected}", field="redirectUri")
    return CodeRedemption(values["code"], verifier, values["redirectUri"])


class OidcClient:
    """The console's OAuth client at `COE_OIDC_ISSUER`: discovery (cached) and code redemption."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        scope: str,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.scope = scope
        self._metadata: ProviderMetadata | None = None
        self._fetched_at = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcClient | None:
        """The client when the console may sign in at a provider, else None."""
        if settings.oidc_issuer and settings.oidc_client_id:
            return cls(settings.oidc_issuer, settings.oidc_client_id, settings.oidc_scope)
        return None

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=TIMEOUT_SECONDS)

    async def metadata(self) -> ProviderMetadata:
        """The provider's endpoints from its discovery document (OpenID Connect Discovery
        1.0 §4), fetched at most once an hour."""
        now = time.monotonic()
        if self._metadata is not None and now - self._fetched_at < METADATA_TTL_SECONDS:
            return self._metadata
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            async with self._http() as http:
                response = await http.get(url)
            document = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as error:
            raise ServiceUnavailableError(
                f"cannot read the identity provider's discovery document at {url}: {error}"
            ) from None
        if not isinstance(document, dict):
            raise ServiceUnavailableError(
                f"the identity provider's discovery document at {url} answered "
                f"HTTP {response.status_code}, not a JSON object"
            )
        if document.get("issuer") != self.issuer:
            raise ServiceUnavailableError(
                f"the discovery document at {url} names issuer {document.get('issuer')!r}, "
                f"not COE_OIDC_ISSUER {self.issuer!r}"
            )
        endpoints = {}
        for name in ("authorization_endpoint", "token_endpoint"):
            value = document.get(name)
            if not isinstance(value, str) or not value.startswith(("https://", "http://")):
                raise ServiceUnavailableError(f"the discovery document at {url} has no {name}")
            endpoints[name] = value
        end_session = document.get("end_session_endpoint")
        self._metadata = ProviderMetadata(
            issuer=self.issuer,
            authorization_endpoint=endpoints["authorization_endpoint"],
            token_endpoint=endpoints["token_endpoint"],
            end_session_endpoint=end_session if isinstance(end_session, str) else None,
        )
        self._fetched_at = now
        return self._metadata

    async def redeem(self, code: CodeRedemption) -> str:
        """Exchange the code at the token endpoint (RFC 6749 §4.1.3, with the PKCE verifier);
        the bearer token it answers: the access token, else the ID token."""
        metadata = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code.code,
            "code_verifier": code.code_verifier,
            "redirect_uri": code.redirect_uri,
            "client_id": self.client_id,
        }
        try:
            async with self._http() as http:
                response = await http.post(
                    metadata.token_endpoint, data=form, headers={"Accept": "application/json"}
                )
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ServiceUnavailableError(
                f"cannot redeem the code at {metadata.token_endpoint}: {error}"
            ) from None
        if not isinstance(answer, dict):
            raise UnauthenticatedError("the identity provider answered without a token")
        if response.status_code != 200 or "error" in answer:
            reason = answer.get("error_description") or answer.get("error") or response.status_code
            raise UnauthenticatedError(f"the identity provider refused the sign-in: {reason}")
        token = answer.get("access_token") or answer.get("id_token")
        if not isinstance(token, str) or not token:
            raise UnauthenticatedError("the identity provider answered without a token")
        return token


__all__ = [
    "CALLBACK_PATH",
    "CodeRedemption",
    "OidcClient",
    "ProviderMetadata",
    "redemption",
]
