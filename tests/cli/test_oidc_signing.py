"""Signing from the CLI when the caller signed in through OIDC: the CLI signs them in again at
the identity provider (RFC 8628 device authorization grant, `prompt=login`, `max_age=0`) and
sends the fresh token with the signature; the API verifies it against the provider's JWKS.

The provider is a tiny one served on localhost by the test: discovery, JWKS, device and token
endpoints, issuing RS256 JWTs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa

from coe.config import Settings
from tests.cli.conftest import Cli
from tests.world import World, template

CLIENT = "coe-cli"


class DeviceProvider:
    """An OIDC provider with the device authorization grant, on a real localhost server. The
    person "signs in again" at once; the first poll is still pending, as in real life."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.device_requests: list[dict[str, str]] = []
        self.polls = 0
        self.subject = "quinn@acme"
        self.server = HTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, **overrides: Any) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": "coe",
            "azp": CLIENT,
            "sub": self.subject,
            "name": "Quinn Murphy",
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "coe_roles": "qa_approver",
            **overrides,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwks = {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._answer(
                        200,
                        {
                            "issuer": provider.issuer,
                            "jwks_uri": f"{provider.issuer}/jwks",
                            "device_authorization_endpoint": f"{provider.issuer}/device",
                            "token_endpoint": f"{provider.issuer}/token",
                        },
                    )
                elif self.path == "/jwks":
                    self._answer(200, jwks)
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
                provider.polls += 1
                if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code":
                    self._answer(400, {"error": "unsupported_grant_type"})
                elif provider.polls == 1:
                    self._answer(400, {"error": "authorization_pending"})
                else:
                    fresh = provider.token(auth_time=int(datetime.now(UTC).timestamp()))
                    self._answer(200, {"access_token": fresh, "token_type": "Bearer"})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def provider() -> Iterator[DeviceProvider]:
    idp = DeviceProvider()
    yield idp
    idp.server.shutdown()


@pytest.fixture
def settings(settings: Settings, provider: DeviceProvider) -> Settings:
    """The API trusts the provider (as in production) besides the dev issuer (for setup)."""
    return settings.model_copy(
        update={"oidc_issuer": provider.issuer, "oidc_jwks_url": f"{provider.issuer}/jwks"}
    )


def _as_oidc_user(cli: Cli, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COE_API_URL": cli.url, "COE_TOKEN": token, "COLUMNS": "200"}
    env.pop("COE_OIDC_CLIENT_ID", None)
    return subprocess.run(
        [sys.executable, "-m", "coe", *args],
        env=env,
        text=True,
        input="",  # no terminal: the sign-in happens in the browser, not here
        capture_output=True,
        timeout=120,
        check=False,
    )


async def test_an_oidc_user_signs_after_signing_in_again_at_the_provider(
    cli: Cli, world: World, provider: DeviceProvider, tmp_path: Path
) -> None:
    path = tmp_path / "pouch.yaml"
    path.write_text(yaml.safe_dump(template()))
    assert cli("template", "publish", str(path)).returncode == 0
    approve = ("template", "approve", "pouch-sealing@1.0.0", "--reason", "DR-231 passed")

    signed = _as_oidc_user(cli, provider.token(), *approve)
    assert signed.returncode == 0, signed.stderr
    assert provider.device_requests == [
        {"client_id": CLIENT, "scope": "openid", "prompt": "login", "max_age": "0"}
    ]
    assert provider.polls == 2, "polled until the person had signed in"
    assert f"open {provider.issuer}/activate?c=WDJB" in signed.stderr
    assert "WDJB-MJHT" in signed.stderr
    assert "approved" in signed.stdout
    assert "Quinn Murphy" in signed.stdout


async def test_a_stale_sign_in_is_refused(
    cli: Cli, world: World, provider: DeviceProvider, tmp_path: Path
) -> None:
    """The API, not the CLI, decides whether the sign-in is fresh: a provider that answered
    with an old session (no new login) gets the signature refused."""
    path = tmp_path / "pouch.yaml"
    path.write_text(yaml.safe_dump(template()))
    assert cli("template", "publish", str(path)).returncode == 0
    hour_ago = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    original = provider.token
    provider.token = lambda **claims: original(**{**claims, "auth_time": hour_ago})  # type: ignore[method-assign]
    refused = _as_oidc_user(
        cli, original(), "template", "approve", "pouch-sealing@1.0.0", "--reason", "ok"
    )
    assert refused.returncode == 1
    assert "SIGNATURE_REJECTED" in refused.stderr
    assert "re-authenticate: the sign-in is older than" in " ".join(refused.stderr.split())
