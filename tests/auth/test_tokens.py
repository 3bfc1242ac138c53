"""Bearer tokens: dev issuer and OIDC (JWKS served over real HTTP on localhost)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from coe.auth.principal import Role
from coe.auth.tokens import TokenVerifier, issue_dev_token, parse_duration
from coe.config import Settings
from coe.db import Sessions
from coe.errors import UnauthenticatedError
from tests.helpers import Api
from tests.sites.test_api import add_sites, seed_enterprise

ME = "{ me { subject name roles sites issuer } }"
ISSUER = "https://idp.example.test"


async def test_a_dev_token_authenticates(api: Api) -> None:
    token = api.tokens.issue(Role.SITE_ADMIN, sites=["penang"], subject="sam")
    result = await api.gql(ME, token=token)
    assert result.ok()["me"] == {
        "subject": "sam",
        "name": "Sam",
        "roles": ["site_admin"],
        "sites": ["penang"],
        "issuer": "coe-dev",
    }


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "missing bearer token"),
        ("Basic dXNlcjpwYXNz", "missing bearer token"),
        ("Bearer not.a.jwt", "malformed bearer token"),
        ("Bearer ", "missing bearer token"),
    ],
)
async def test_missing_or_malformed_tokens_are_unauthenticated(
    api: Api, header: str | None, message: str
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    result = await api.gql(ME, headers=headers)
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.errors[0]["message"] == message
    assert result.data is None


async def test_an_expired_token_is_refused(api: Api) -> None:
    token = issue_dev_token(
        api.tokens.key,
        subject="ada",
        name="Ada",
        roles=[Role.AUDITOR],
        now=datetime.now(UTC) - timedelta(hours=2),
        ttl=timedelta(hours=1),
    )
    result = await api.gql(ME, token=token)
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.errors[0]["message"] == "token has expired"


async def test_a_token_signed_by_another_key_is_refused(api: Api) -> None:
    token = issue_dev_token(
        Ed25519PrivateKey.generate(), subject="mallory", name="M", roles=[Role.COE_ARCHITECT]
    )
    result = await api.gql(ME, token=token)
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.errors[0]["message"] == "token signature is invalid"


async def test_a_tampered_token_is_refused(api: Api) -> None:
    token = api.tokens.issue(Role.SITE_ADMIN, sites=["penang"])
    header, payload, signature = token.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["coe_sites"] = ["cork", "penang"]
    forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    result = await api.gql(ME, token=f"{header}.{forged}.{signature}")
    assert result.codes == ["UNAUTHENTICATED"]


async def test_a_token_with_an_unknown_role_or_no_role_is_refused(api: Api) -> None:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": "coe-dev",
        "aud": "coe",
        "sub": "x",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "coe_roles": ["root"],
    }
    result = await api.gql(ME, token=jwt.encode(claims, api.tokens.key, algorithm="EdDSA"))
    assert result.codes == ["UNAUTHENTICATED"]
    assert "unknown role 'root'" in result.errors[0]["message"]
    claims["coe_roles"] = []
    result = await api.gql(ME, token=jwt.encode(claims, api.tokens.key, algorithm="EdDSA"))
    assert result.codes == ["UNAUTHENTICATED"]


async def test_an_algorithm_none_token_is_refused(api: Api) -> None:
    now = datetime.now(UTC)
    claims = {
        "iss": "coe-dev",
        "aud": "coe",
        "sub": "x",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "coe_roles": ["coe_architect"],
    }
    result = await api.gql(ME, token=jwt.encode(claims, "", algorithm="none"))
    assert result.codes == ["UNAUTHENTICATED"]


def test_site_bound_roles_need_a_site() -> None:
    with pytest.raises(ValueError, match="give at least one --site"):
        issue_dev_token(Ed25519PrivateKey.generate(), subject="p", name="p", roles=[Role.PLANT])


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("8h", 28800), ("7d", 604800), ("30", 30)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "0"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


# --- OIDC ------------------------------------------------------------------------------------


class Jwks:
    """An identity provider's JWKS endpoint on a real localhost HTTP server."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        document = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(document.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/jwks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, kid: str = "k1", **overrides: Any) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": "coe",
            "sub": "jdoe@acme",
            "name": "Jane Doe",
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "coe_roles": "site_admin executive",
            "coe_sites": ["cork"],
            **overrides,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def idp() -> Iterator[Jwks]:
    jwks = Jwks()
    yield jwks
    jwks.server.shutdown()


@pytest.fixture
def oidc_verifier(idp: Jwks, tmp_path: Any) -> TokenVerifier:
    settings = Settings(
        home=tmp_path, oidc_issuer=ISSUER, oidc_jwks_url=idp.url, dev_issuer_enabled=False
    )
    return TokenVerifier.from_settings(settings)


async def test_oidc_token_maps_roles_and_sites(oidc_verifier: TokenVerifier, idp: Jwks) -> None:
    principal = await oidc_verifier.verify(idp.token())
    assert principal.subject == "jdoe@acme"
    assert principal.name == "Jane Doe"
    assert principal.roles == {Role.SITE_ADMIN, Role.EXECUTIVE}
    assert principal.sites == {"cork"}
    assert principal.issuer == ISSUER


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"aud": "someone-else"}, "token rejected"),
        ({"exp": datetime.now(UTC) - timedelta(minutes=5)}, "token has expired"),
        ({"kid": "unknown"}, "JWKS"),
    ],
)
async def test_oidc_tokens_are_checked(
    oidc_verifier: TokenVerifier, idp: Jwks, overrides: dict[str, Any], message: str
) -> None:
    kid = overrides.pop("kid", "k1")
    with pytest.raises(UnauthenticatedError, match=message):
        await oidc_verifier.verify(idp.token(kid=kid, **overrides))


async def test_dev_tokens_are_refused_when_the_dev_issuer_is_off(
    oidc_verifier: TokenVerifier, tmp_path: Any
) -> None:
    token = issue_dev_token(
        Ed25519PrivateKey.generate(), subject="x", name="x", roles=[Role.COE_ARCHITECT]
    )
    with pytest.raises(UnauthenticatedError, match="issuer is not trusted"):
        await oidc_verifier.verify(token)


async def test_a_token_naming_sites_is_scoped_to_exactly_those_sites(
    api: Api, sessions: Sessions
) -> None:
    """The verifier takes the token's sites as the scope, and nothing else: a token for a site
    that does not exist (minted outside `coe token issue`, which refuses it) reaches no site."""
    await seed_enterprise(sessions)
    await add_sites(api, "cork", "penang")
    nowhere = api.tokens.issue(Role.QA_APPROVER, sites=["atlantis"], subject="quinn")
    listed = await api.gql("{ sites { totalCount } }", token=nowhere)
    assert listed.ok()["sites"]["totalCount"] == 0
    cork = await api.gql('{ site(key: "cork") { key } }', token=nowhere)
    assert cork.codes == ["FORBIDDEN"]
    scoped = api.tokens.issue(Role.QA_APPROVER, sites=["cork"], subject="quinn")
    mine = await api.gql("{ sites { nodes { key } } }", token=scoped)
    assert mine.ok()["sites"]["nodes"] == [{"key": "cork"}]
