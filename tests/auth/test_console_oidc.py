"""The console's sign-in at the identity provider, through the API: `GET /api/v1/auth/config`
says which ways to sign in exist; `POST /api/v1/auth/oidc/token` redeems a code of the
provider (Authorization Code with PKCE) and answers a token that works. The provider is a real
one on localhost (tests/oidc_provider.py); its authorization endpoint is asked as a browser
would, and a code goes only with its own verifier."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from litestar.testing import AsyncTestClient

from coe.app import create_app
from coe.config import Settings
from tests.oidc_provider import Provider, trusting

CONFIG = "/api/v1/auth/config"
TOKEN = "/api/v1/auth/oidc/token"
CLIENT = "coe-console"
CALLBACK = "http://testserver.local/auth/callback"


@pytest.fixture
def settings(settings: Settings, provider: Provider) -> Settings:
    return trusting(settings, provider, CLIENT)


def authorize(provider: Provider, verifier: str, **extra: str) -> str:
    """What the browser does: ask the authorization endpoint, follow it back with a code."""
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": CLIENT,
        "redirect_uri": CALLBACK,
        "scope": "openid profile",
        "state": "s1",
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        **extra,
    }
    answer = httpx.get(f"{provider.issuer}/authorize?{urlencode(query)}")
    assert answer.status_code == 302
    back = parse_qs(urlsplit(answer.headers["location"]).query)
    assert back["state"] == ["s1"]
    return back["code"][0]


async def redeem(client: Any, code: str, verifier: str, redirect: str) -> Any:
    return await client.post(
        TOKEN, json={"code": code, "codeVerifier": verifier, "redirectUri": redirect}
    )


async def test_the_config_names_the_provider_and_the_console_client(
    client: Any, provider: Provider
) -> None:
    answer = await client.get(CONFIG)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == {
        "devSignIn": True,
        "oidc": {
            "issuer": provider.issuer,
            "authorizationEndpoint": f"{provider.issuer}/authorize",
            "endSessionEndpoint": None,
            "clientId": CLIENT,
            "scope": "openid profile",
            "redirectPath": "/auth/callback",
        },
    }


async def test_a_code_with_its_verifier_becomes_a_token_that_works(
    client: Any, provider: Provider
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = authorize(provider, verifier)

    answer = await redeem(client, code, verifier, CALLBACK)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["subject"], body["name"], body["roles"]) == (
        "quinn@acme",
        "Quinn Murphy",
        ["qa_approver"],
    )
    assert provider.token_requests[-1] == {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": CALLBACK,
        "client_id": CLIENT,
    }
    me = await client.post(
        "/graphql",
        json={"query": "{ me { name roles } }"},
        headers={"Authorization": f"Bearer {body['token']}"},
    )
    assert me.json()["data"]["me"] == {"name": "Quinn Murphy", "roles": ["qa_approver"]}


async def test_a_code_with_another_verifier_is_refused(client: Any, provider: Provider) -> None:
    code = authorize(provider, secrets.token_urlsafe(48))

    answer = await redeem(client, code, secrets.token_urlsafe(48), CALLBACK)

    assert answer.status_code == 401
    assert answer.json()["error"] == "UNAUTHENTICATED"
    assert "PKCE verification failed" in answer.json()["message"]


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"codeVerifier": "v" * 43, "redirectUri": CALLBACK}, "code", "code is required"),
        ({"code": "c", "codeVerifier": "short", "redirectUri": CALLBACK}, "codeVerifier", "43"),
        (
            {"code": "c", "codeVerifier": "v" * 43, "redirectUri": "https://evil.example/cb"},
            "redirectUri",
            f"must be {CALLBACK}",
        ),
    ],
)
async def test_a_bad_body_says_which_field_and_asks_the_provider_nothing(
    client: Any, provider: Provider, body: dict[str, str], field: str, says: str
) -> None:
    answer = await client.post(TOKEN, json=body)

    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert says in answer.json()["message"]
    assert provider.token_requests == []


async def test_an_unreachable_provider_is_a_503_that_names_it(
    client: Any, provider: Provider
) -> None:
    provider.stop()
    provider.server.server_close()

    answer = await client.get(CONFIG)

    assert answer.status_code == 503
    assert answer.json()["error"] == "SERVICE_UNAVAILABLE"
    assert provider.issuer in answer.json()["message"]


async def test_without_a_console_client_there_is_no_provider_sign_in(settings: Settings) -> None:
    without = settings.model_copy(update={"oidc_client_id": None})
    async with AsyncTestClient(app=create_app(without)) as client:
        config = await client.get(CONFIG)
        answer = await redeem(client, "c", "v" * 43, CALLBACK)

    assert config.json() == {"devSignIn": True, "oidc": None}
    assert answer.status_code == 404
    assert "COE_OIDC_CLIENT_ID" in answer.json()["message"]
