"""Users of the local identity store, and re-authentication for electronic signatures."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth import repository
from coe.auth.passwords import hash_password, verify_password
from coe.auth.principal import SITE_BOUND_ROLES, Principal, Role
from coe.auth.tokens import TokenVerifier
from coe.errors import ConflictError, SignatureError, ValidationFailedError
from coe.models import User
from coe.work import UnitOfWork

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12


def user_violations(
    username: str, display_name: str, password: str, roles: Iterable[Role], sites: Iterable[str]
) -> list[dict[str, str]]:
    violations = []
    if not USERNAME.match(username):
        violations.append(
            {"path": "/username", "reason": "lowercase letters, digits, '.', '_' or '-'; 2-64"}
        )
    if not display_name.strip():
        violations.append({"path": "/displayName", "reason": "a printed name is required"})
    if len(password) < MIN_PASSWORD_LENGTH:
        violations.append(
            {"path": "/password", "reason": f"at least {MIN_PASSWORD_LENGTH} characters"}
        )
    roles = set(roles)
    if not roles:
        violations.append({"path": "/roles", "reason": "at least one role"})
    bound = sorted(roles & SITE_BOUND_ROLES)
    if bound and not list(sites):
        violations.append({"path": "/sites", "reason": f"role {bound[0]} needs at least one site"})
    return violations


async def add_user(
    work: UnitOfWork,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    sites: Iterable[str] = (),
) -> User:
    """Create a local user; the password is stored only as an argon2id hash."""
    roles, sites = sorted(set(roles)), sorted(set(sites))
    violations = user_violations(username, display_name, password, roles, sites)
    if violations:
        raise ValidationFailedError("user is not valid", violations)
    if await repository.by_username(work.session, username):
        raise ConflictError(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        roles=[str(role) for role in roles],
        sites=sites,
    )
    await repository.add(work.session, user)
    await work.audit(
        "user.created",
        "user",
        username,
        after={
            "username": username,
            "displayName": user.display_name,
            "roles": user.roles,
            "sites": sites,
        },
    )
    return user


@dataclass(frozen=True)
class Credentials:
    """What a signer gives to re-authenticate: a password (dev) or a fresh OIDC token."""

    username: str | None = None
    password: str | None = None
    reauth_token: str | None = None


@dataclass(frozen=True)
class Signer:
    id: str
    printed_name: str


async def reauthenticate(
    session: AsyncSession,
    principal: Principal,
    credentials: Credentials,
    verifier: TokenVerifier,
    *,
    max_age_seconds: int,
) -> Signer:
    """Part 11 §11.200: the signer proves again who they are, and it must be the caller."""
    if credentials.reauth_token:
        claims = await verifier.verify_claims(credentials.reauth_token)
        if claims["sub"] != principal.subject:
            raise SignatureError("the re-authentication token belongs to someone else")
        authenticated_at = claims.get("auth_time", claims["iat"])
        age = datetime.now(UTC).timestamp() - float(authenticated_at)
        if age > max_age_seconds:
            raise SignatureError(
                f"re-authenticate: the sign-in is older than {max_age_seconds} seconds"
            )
        return Signer(id=principal.subject, printed_name=principal.name)
    if not credentials.username or credentials.password is None:
        raise SignatureError("a signature needs your user id and password")
    if credentials.username != principal.subject:
        raise SignatureError("you can only sign as yourself")
    user = await repository.by_username(session, credentials.username)
    hashed = user.password_hash if user and user.active else None
    if not verify_password(hashed, credentials.password):
        raise SignatureError("user id or password is wrong")
    assert user is not None
    return Signer(id=user.username, printed_name=user.display_name)
