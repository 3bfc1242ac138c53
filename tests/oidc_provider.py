"""A small OpenID Connect provider on a real localhost server, for the tests that sign in at
an identity provider: discovery, JWKS, the authorization endpoint (Authorization Code with
PKCE, RFC 7636 — the console) and the device authorization grant (RFC 8628 — the CLI), issuing
RS256 JWTs. The person "signs in" at once; what each endpoint was asked is recorded, and a
code is redeemed only with its PKCE verifier, once, by the client and redirect URI it was
issued to, as a real provider does."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from coe.config import Settings

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class IssuedCode:
    client_id: str
    redirect_uri: str
    challenge: str
    fresh_login: bool


class Provider:
    def __init__(self, subject: str = "quinn@acme", name: str = "Quinn Murphy") -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.subject = subject
        self.name = name
        self.roles = "qa_approver"
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.device_requests: list[dict[str, str]] = []
        self.polls = 0
        self._codes: dict[str, IssuedCode] = {}
        self.server = HTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, **overrides: Any) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": "coe",
            "azp": "coe-cli",
            "sub": self.subject,
            "name": self.name,
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "coe_roles": self.roles,
            **overrides,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    def stop(self) -> None:
        self.server.shutdown()

    def _authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        """The authorization endpoint: a redirect back with a code, or with an error."""
        self.authorize_requests.append(query)
        redirect = query.get("redirect_uri", "")
        if not redirect.endswith("/auth/callback"):  # the only redirect URI "registered"
            return 400, {}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            error = {"error": "invalid_request", "state": query.get("state", "")}
            return 302, {"Location": f"{redirect}?{urlencode(error)}"}
        code = secrets.token_urlsafe(16)
        self._codes[code] = IssuedCode(
            client_id=query.get("client_id", ""),
            redirect_uri=redirect,
            challenge=query.get("code_challenge", ""),
            fresh_login=query.get("prompt") == "login" or query.get("max_age") == "0",
        )
        answer = {"code": code, "state": query.get("state", "")}
        return 302, {"Location": f"{redirect}?{urlencode(answer)}"}

    def _redeem(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        issued = self._codes.pop(form.get("code", ""), None)
        if issued is None:
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != issued.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        if (form.get("client_id"), form.get("redirect_uri")) != (
            issued.client_id,
            issued.redirect_uri,
        ):
            return 400, {"error": "invalid_grant", "error_description": "client or redirect"}
        now = int(datetime.now(UTC).timestamp())
        token = self.token(azp=issued.client_id, auth_time=now)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 300}

    def _device_poll(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.polls += 1
        if self.polls == 1:
            return 400, {"error": "authorization_pending"}
        fresh = self.token(auth_time=int(datetime.now(UTC).timestamp()))
        return 200, {"access_token": fresh, "token_type": "Bearer"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwks = {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._answer(
                        200,
                        {
                            "issuer": provider.issuer,
                            "jwks_uri": f"{provider.issuer}/jwks",
                            "authorization_endpoint": f"{provider.issuer}/authorize",
                            "device_authorization_endpoint": f"{provider.issuer}/device",
                            "token_endpoint": f"{provider.issuer}/token",
                            "code_challenge_methods_supported": ["S256"],
                        },
                    )
                elif url.path == "/jwks":
                    self._answer(200, jwks)
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    status, headers = provider._authorize(query)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                else:
                    self._answer(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/device":
                    provider.device_requests.append(form)
                    self._answer(
                        200,
                        {
                            "device_code": "device-1",
                            "user_code": "WDJB-MJHT",
                            "verification_uri": f"{provider.issuer}/activate",
                            "verification_uri_complete": f"{provider.issuer}/activate?c=WDJB",
                            "expires_in": 60,
                            "interval": 0,
                        },
                    )
                    return
                provider.token_requests.append(form)
                grant = form.get("grant_type")
                if grant == "authorization_code":
                    self._answer(*provider._redeem(form))
                elif grant == DEVICE_GRANT:
                    self._answer(*provider._device_poll(form))
                else:
                    self._answer(400, {"error": "unsupported_grant_type"})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def provider() -> Iterator[Provider]:
    """A provider for the length of a test (a plugin of the root conftest: any test may ask)."""
    idp = Provider()
    yield idp
    idp.stop()


def trusting(settings: Settings, provider: Provider, client_id: str | None = None) -> Settings:
    """`settings` of an API that trusts `provider` (as production does), with the console's
    client id when given; the dev issuer stays on for the tests' own setup."""
    update: dict[str, Any] = {
        "oidc_issuer": provider.issuer,
        "oidc_jwks_url": f"{provider.issuer}/jwks",
    }
    if client_id:
        update["oidc_client_id"] = client_id
    return settings.model_copy(update=update)
