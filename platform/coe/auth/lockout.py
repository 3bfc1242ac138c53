"""Signing lockout (21 CFR Part 11 §11.300(d)) as pure functions: no database, no clock.

After `max_failures` consecutive refused signing attempts a user id's signing is locked for
`lockout` (None: until a coe_architect unlocks it). A lapsed lock starts a fresh count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from coe.config import Settings
from coe.models import SigningLockout


@dataclass(frozen=True)
class SigningPolicy:
    max_failures: int = 5
    lockout: timedelta | None = timedelta(minutes=30)

    @classmethod
    def from_settings(cls, settings: Settings) -> SigningPolicy:
        minutes = settings.signing_lockout_minutes
        return cls(
            max_failures=settings.signing_max_failures,
            lockout=timedelta(minutes=minutes) if minutes > 0 else None,
        )


def is_locked(row: SigningLockout | None, now: datetime) -> bool:
    """Whether signing is locked at `now` (a lock with no end lasts until it is unlocked)."""
    if row is None or row.locked_at is None:
        return False
    return row.locked_until is None or row.locked_until > now


def count_failure(row: SigningLockout, policy: SigningPolicy, now: datetime) -> bool:
    """Count one more refused attempt on `row`; True when this very attempt locks signing."""
    if row.locked_at is not None and not is_locked(row, now):
        row.failures, row.locked_at, row.locked_until = 0, None, None
    row.failures += 1
    row.last_failure_at = now
    if row.locked_at is not None or row.failures < policy.max_failures:
        return False
    row.locked_at = now
    row.locked_until = now + policy.lockout if policy.lockout is not None else None
    return True


def locked_message(username: str, locked_until: datetime | None) -> str:
    """The same words for every user id, known or not, so the answer reveals nothing."""
    until = (
        f"until {locked_until.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC "
        "or until a coe_architect unlocks it"
        if locked_until is not None
        else "until a coe_architect unlocks it"
    )
    return f"signing is locked for user id {username!r} after too many failed attempts, {until}"
