"""Bearer tokens: the dev issuer (Ed25519-signed JWTs) and OIDC verification against a JWKS."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from coe.auth.lockout import SigningPolicy
from coe.auth.principal import SITE_BOUND_ROLES, Principal, Role, parse_roles
from coe.config import Settings
from coe.errors import UnauthenticatedError

DEV_ISSUER = "coe-dev"
DEV_AUDIENCE = "coe"


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The dev issuer's private key; created (mode 0600) on first use, never committed."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first; use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def parse_duration(text: str) -> timedelta:
    """'90s', '15m', '8h', '7d' (or a bare number of seconds)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    try:
        seconds = float(text[:-1]) * units[text[-1]] if text and text[-1] in units else float(text)
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 15m, 8h, 7d)") from None
    if seconds <= 0:
        raise ValueError(f"duration must be positive: {text!r}")
    return timedelta(seconds=seconds)


def issue_dev_token(
    key: Ed25519PrivateKey,
    *,
    subject: str,
    name: str,
    roles: Iterable[Role],
    sites: Iterable[str] = (),
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
    token_id: str | None = None,
) -> str:
    """Sign a token the way an identity provider would, for local use and demos; `token_id`
    (the `jti`, random when not given) lets an audit record name the token it issued."""
    roles = sorted(set(roles))
    sites = sorted(set(sites))
    if not roles:
        raise ValueError("a token needs at least one role")
    bound = [role for role in roles if role in SITE_BOUND_ROLES]
    if bound and not sites:
        raise ValueError(f"role {bound[0]} acts on sites: give at least one --site")
    issued = now or datetime.now(UTC)
    claims = {
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "sub": subject,
        "name": name,
        "coe_roles": [str(role) for role in roles],
        "coe_sites": sites,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": token_id or str(uuid.uuid4()),
    }
    return jwt.encode(claims, key, algorithm="EdDSA")


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    audience: str
    jwks_url: str
    roles_claim: str
    sites_claim: str
    name_claim: str


class TokenVerifier:
    """Turns a bearer token into a Principal, or raises UnauthenticatedError.

    It is also what every signing call receives for re-authentication, so it carries the
    signing lockout policy: one object decides how identities are proven, and how often a
    proof may fail.
    """

    def __init__(
        self,
        *,
        dev_public_key: Ed25519PublicKey | None,
        oidc: OidcConfig | None,
        leeway_seconds: int = 30,
        signing: SigningPolicy | None = None,
    ) -> None:
        self._dev_key = dev_public_key
        self._oidc = oidc
        self._jwks = jwt.PyJWKClient(oidc.jwks_url, cache_keys=True) if oidc else None
        self._leeway = leeway_seconds
        self.signing = signing or SigningPolicy()

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        dev_key = None
        if settings.dev_issuer:
            dev_key = load_or_create_signing_key(settings.signing_key_path).public_key()
        oidc = None
        if settings.oidc_issuer:
            oidc = OidcConfig(
                issuer=settings.oidc_issuer,
                audience=settings.oidc_audience,
                jwks_url=settings.oidc_jwks_url
                or settings.oidc_issuer.rstrip("/") + "/.well-known/jwks.json",
                roles_claim=settings.oidc_roles_claim,
                sites_claim=settings.oidc_sites_claim,
                name_claim=settings.oidc_name_claim,
            )
        return cls(
            dev_public_key=dev_key,
            oidc=oidc,
            leeway_seconds=settings.token_leeway_seconds,
            signing=SigningPolicy.from_settings(settings),
        )

    async def verify(self, token: str) -> Principal:
        claims = await self.verify_claims(token)
        return self.principal(claims)

    async def verify_claims(self, token: str) -> dict[str, Any]:
        """Check signature, issuer, audience and lifetime; return the claims."""
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError:
            raise UnauthenticatedError("malformed bearer token") from None
        if issuer == DEV_ISSUER and self._dev_key is not None:
            return self._decode(token, self._dev_key, ["EdDSA"], DEV_ISSUER, DEV_AUDIENCE)
        if self._oidc is not None and self._jwks is not None and issuer == self._oidc.issuer:
            jwks = self._jwks
            try:
                signing_key = await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWKClientError as error:
                raise UnauthenticatedError(
                    f"token key not found in the issuer's JWKS: {error}"
                ) from None
            except jwt.PyJWTError:
                raise UnauthenticatedError("malformed bearer token") from None
            return self._decode(
                token,
                signing_key.key,
                ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "EdDSA"],
                self._oidc.issuer,
                self._oidc.audience,
            )
        raise UnauthenticatedError("token issuer is not trusted")

    def _decode(
        self, token: str, key: Any, algorithms: list[str], issuer: str, audience: str
    ) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise UnauthenticatedError("token has expired") from None
        except jwt.InvalidSignatureError:
            raise UnauthenticatedError("token signature is invalid") from None
        except jwt.PyJWTError as error:
            raise UnauthenticatedError(f"token rejected: {error}") from None
        return claims

    def principal(self, claims: dict[str, Any]) -> Principal:
        """The caller that verified `claims` describe (roles and sites from their claims)."""
        oidc = self._oidc if claims["iss"] != DEV_ISSUER else None
        roles_claim = oidc.roles_claim if oidc else "coe_roles"
        sites_claim = oidc.sites_claim if oidc else "coe_sites"
        name_claim = oidc.name_claim if oidc else "name"
        try:
            roles = parse_roles(_string_list(claims.get(roles_claim)))
        except ValueError as error:
            raise UnauthenticatedError(f"token rejected: {error}") from None
        if not roles:
            raise UnauthenticatedError(f"token carries no COE role (claim {roles_claim!r})")
        sites = frozenset(_string_list(claims.get(sites_claim)))
        return Principal(
            subject=str(claims["sub"]),
            name=str(claims.get(name_claim) or claims["sub"]),
            roles=roles,
            sites=sites,
            issuer=str(claims["iss"]),
        )


def _string_list(value: Any) -> list[str]:
    """Claims arrive as a JSON list or as a space-separated string (the OAuth 'scope' style)."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise UnauthenticatedError("token claim has the wrong shape: expected a list of strings")
