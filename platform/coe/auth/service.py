"""Users of the local identity store, development sign-in, and re-authentication for
electronic signatures."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.audit import service as audit
from coe.auth import lockout, repository
from coe.auth.lockout import SigningPolicy
from coe.auth.passwords import hash_password, verify_password
from coe.auth.principal import SITE_BOUND_ROLES, Role, parse_roles
from coe.auth.tokens import TokenVerifier, issue_dev_token
from coe.db import create_sessions, read_only, transaction
from coe.errors import (
    ConflictError,
    SignatureError,
    SigningLockedError,
    UnauthenticatedError,
    ValidationFailedError,
)
from coe.models import SigningLockout, User
from coe.reasons import required_reason
from coe.sites import service as site_service
from coe.work import UnitOfWork

logger = logging.getLogger(__name__)

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
    unknown = await unknown_sites(work.session, sites)
    if unknown:
        violations.append({"path": "/sites", "reason": f"unknown site(s): {', '.join(unknown)}"})
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


async def unknown_sites(session: AsyncSession, keys: Iterable[str]) -> list[str]:
    """The keys among `keys` that name no registered site: a scope must name real sites."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    known = {site.key for site in await site_service.sites_by_keys(session, wanted)}
    return [key for key in wanted if key not in known]


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
    work: UnitOfWork,
    credentials: Credentials,
    verifier: TokenVerifier,
    *,
    max_age_seconds: int,
) -> Signer:
    """Part 11 §11.200: the signer proves again who they are, and it must be the caller.

    §11.300(d): every refused attempt is audited, and after `verifier.signing.max_failures`
    refusals in a row the caller's signing is locked. Those records are written in a
    transaction of their own, because the refusal rolls back the caller's transaction.
    Attempts count against the caller's user id — the only one a signer may claim — whether
    or not it exists in the identity store; claiming someone else's is refused before any
    password is checked and counts against the caller, so nobody can lock out a colleague.
    """
    username = work.principal.subject
    async with _own_read(work.session) as session:
        state = await repository.lockout(session, username)
    locked = _lock_of(state, username)
    if locked is not None:
        await _record_refusal(work, verifier.signing, credentials, locked.message, count=False)
        raise locked
    try:
        signer = await _prove_identity(work, credentials, verifier, max_age_seconds)
    except (SignatureError, UnauthenticatedError) as refusal:
        state = await _record_refusal(work, verifier.signing, credentials, refusal.message)
        locked = _lock_of(state, username, after=refusal.message)
        if locked is not None:
            raise locked from None
        raise
    if state is not None:
        async with _own_transaction(work.session) as session:
            await repository.clear_lockout(session, username)
    return signer


async def _prove_identity(
    work: UnitOfWork, credentials: Credentials, verifier: TokenVerifier, max_age_seconds: int
) -> Signer:
    principal = work.principal
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
    user = await repository.by_username(work.session, credentials.username)
    hashed = user.password_hash if user and user.active else None
    if not verify_password(hashed, credentials.password):
        raise SignatureError("user id or password is wrong")
    assert user is not None
    return Signer(id=user.username, printed_name=user.display_name)


# How long a refusal waits for the audit trail. Only the caller's own transaction holds it
# for long (when it audited something before signing); the refusal must not wait for that.
AUDIT_WAIT_SECONDS = 3.0


async def _record_refusal(
    work: UnitOfWork,
    policy: SigningPolicy,
    credentials: Credentials,
    refusal: str,
    *,
    count: bool = True,
) -> SigningLockout:
    """Count (unless already locked) and audit one refused attempt; never the password."""
    attempt = Attempt(
        username=work.principal.subject,
        claimed=credentials.username or work.principal.subject,
        method="reauth_token" if credentials.reauth_token else "password",
        action="signature.refused",
        entity_type="signing",
        audit_key=work.audit_key,
        request_id=work.request_id,
    )
    return await _count_refusal(work.session, policy, attempt, refusal, count=count)


@dataclass(frozen=True)
class Attempt:
    """One attempt to prove an identity, as the refusal records name it: `username` is the
    user id it counts against (and the audit actor), `claimed` the one given."""

    username: str
    claimed: str
    method: str
    action: str
    entity_type: str
    audit_key: bytes
    request_id: str | None


async def _count_refusal(
    caller: AsyncSession,
    policy: SigningPolicy,
    attempt: Attempt,
    refusal: str,
    *,
    count: bool = True,
) -> SigningLockout:
    """Count and audit a refusal in a transaction of its own: the caller's rolls back."""
    username = attempt.username
    now = datetime.now(UTC)
    async with _own_transaction(caller) as session:
        state = await repository.lockout_for_update(session, username, create=True)
        assert state is not None
        just_locked = lockout.count_failure(state, policy, now) if count else False
        await repository.save_lockout(session, state)
        after = {
            "claimedUserId": attempt.claimed,
            "method": attempt.method,
            "consecutiveFailures": state.failures,
            "locked": lockout.is_locked(state, now),
        }
        records = [(attempt.action, attempt.entity_type, after, refusal)]
        if just_locked:
            reason = f"{state.failures} consecutive failed signing attempts"
            records.append(("signing.locked", "signing", lockout_snapshot(state), reason))
        await _audit_beside(session, attempt, records)
    return state


async def _audit_beside(
    session: AsyncSession,
    attempt: Attempt,
    records: list[tuple[str, str, dict[str, Any], str]],
) -> None:
    username = attempt.username
    try:
        async with session.begin_nested():
            await repository.limit_lock_wait(session, AUDIT_WAIT_SECONDS)
            for action, entity_type, after, reason in records:
                await audit.append(
                    session,
                    attempt.audit_key,
                    actor=username,
                    action=action,
                    entity_type=entity_type,
                    entity_id=username,
                    after=after,
                    reason=reason,
                    request_id=attempt.request_id,
                )
    except OperationalError as error:
        if not repository.lock_wait_timed_out(error):
            raise
        logger.error(
            "signing refusal for %r counted but not audited: the audit trail is held by the "
            "caller's own transaction (request %s)",
            username,
            attempt.request_id,
        )


def _lock_of(
    state: SigningLockout | None, username: str, *, after: str | None = None
) -> SigningLockedError | None:
    """The error to refuse with while `state` locks `username` (`after`: the refusal that
    just locked it, named first), or None when it is not locked now."""
    if state is None or not lockout.is_locked(state, datetime.now(UTC)):
        return None
    message = lockout.locked_message(username, state.locked_until)
    return _locked_error(f"{after}; {message}" if after else message, state)


def _locked_error(message: str, state: SigningLockout) -> SigningLockedError:
    until = state.locked_until.isoformat() if state.locked_until else None
    return SigningLockedError(message, lockedUntil=until)


def lockout_snapshot(state: SigningLockout) -> dict[str, Any]:
    return {
        "userId": state.username,
        "consecutiveFailures": state.failures,
        "lockedAt": state.locked_at.isoformat() if state.locked_at else None,
        "lockedUntil": state.locked_until.isoformat() if state.locked_until else None,
    }


async def unlock_signing(work: UnitOfWork, username: str, reason: str) -> SigningLockout:
    """A coe_architect lifts a signing lock (and clears the failure count), audited; returns
    the lock as it was."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    reason = required_reason(reason)
    state = await repository.lockout_for_update(work.session, username)
    if state is None:
        raise ConflictError(f"signing for user id {username!r} is not locked")
    before = lockout_snapshot(state)
    await repository.clear_lockout(work.session, username)
    await work.audit("signing.unlocked", "signing", username, before=before, reason=reason)
    return state


async def signing_lockouts(session: AsyncSession) -> list[SigningLockout]:
    """User ids with refused attempts on record (locked or counting), newest failure first."""
    return await repository.lockouts(session)


@dataclass(frozen=True)
class SignedIn:
    """A development sign-in: a short-lived dev token for the user's roles and sites."""

    token: str
    expires_at: datetime
    subject: str
    name: str
    roles: list[str]
    sites: list[str]


SIGN_IN_REFUSED = "user id or password is wrong"


async def sign_in(
    session: AsyncSession,
    username: str,
    password: str,
    *,
    key: Ed25519PrivateKey,
    ttl: timedelta,
    policy: SigningPolicy,
    audit_key: bytes,
    request_id: str | None,
) -> SignedIn:
    """Development sign-in against the local identity store (issue 12).

    Part 11 §11.300(d): a refused attempt counts toward the same lockout as a refused
    e-signature, and is audited, in a transaction of its own (the caller's rolls back). Unknown,
    inactive and real user ids get the same answers in the same time: the password is checked
    against a dummy hash when there is no active user. A success clears the count.
    """
    attempt = Attempt(
        username=username,
        claimed=username,
        method="password",
        action="session.refused",
        entity_type="session",
        audit_key=audit_key,
        request_id=request_id,
    )
    state = await repository.lockout(session, username)
    locked = _lock_of(state, username)
    if locked is not None:
        await _count_refusal(session, policy, attempt, locked.message, count=False)
        raise locked
    user = await repository.by_username(session, username)
    hashed = user.password_hash if user and user.active else None
    if not verify_password(hashed, password):
        state = await _count_refusal(session, policy, attempt, SIGN_IN_REFUSED)
        locked = _lock_of(state, username, after=SIGN_IN_REFUSED)
        if locked is not None:
            raise locked
        raise UnauthenticatedError(SIGN_IN_REFUSED)
    assert user is not None
    if state is not None:
        await repository.clear_lockout(session, username)
    return await _signed_in(session, user, key, ttl, attempt)


async def _signed_in(
    session: AsyncSession, user: User, key: Ed25519PrivateKey, ttl: timedelta, attempt: Attempt
) -> SignedIn:
    now = datetime.now(UTC).replace(microsecond=0)  # JWT times are whole seconds
    token_id = str(uuid.uuid4())
    token = issue_dev_token(
        key,
        subject=user.username,
        name=user.display_name,
        roles=parse_roles(user.roles),
        sites=user.sites,
        ttl=ttl,
        now=now,
        token_id=token_id,
    )
    signed_in = SignedIn(
        token=token,
        expires_at=now + ttl,
        subject=user.username,
        name=user.display_name,
        roles=sorted(user.roles),
        sites=sorted(user.sites),
    )
    after = {
        "tokenId": token_id,
        "expiresAt": signed_in.expires_at.isoformat(),
        "roles": signed_in.roles,
        "sites": signed_in.sites,
    }
    await audit.append(
        session,
        attempt.audit_key,
        actor=user.username,
        action="session.signed_in",
        entity_type="session",
        entity_id=user.username,
        after=after,
        request_id=attempt.request_id,
    )
    return signed_in


def _engine(session: AsyncSession) -> AsyncEngine:
    engine = session.bind
    if not isinstance(engine, AsyncEngine):
        raise TypeError("signing needs a session bound to an engine, not to one connection")
    return engine


@asynccontextmanager
async def _own_transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A short transaction beside the caller's, committed even when the caller's rolls back."""
    async with transaction(create_sessions(_engine(session))) as own:
        yield own


@asynccontextmanager
async def _own_read(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Reads what is committed now, not what the caller's session has cached."""
    async with read_only(create_sessions(_engine(session))) as own:
        yield own
