"""GraphQL view of the caller, and of the signing lockout."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, TypeAlias

import strawberry
from strawberry.types import Info

from coe.auth import lockout, service
from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.permissions import PEOPLE, allow
from coe.graphql.results import Problems
from coe.models import SigningLockout


@strawberry.type(description="The authenticated caller, as the token presents them.")
class Me:
    subject: str = strawberry.field(description="User id (token subject).")
    name: str = strawberry.field(description="Printed name.")
    roles: list[str] = strawberry.field(description="Roles the token grants.")
    sites: list[str] = strawberry.field(
        description="Sites that site-scoped roles are limited to (empty: no site scope)."
    )
    issuer: str = strawberry.field(description="Token issuer (`coe-dev` or the OIDC issuer).")


@strawberry.type
class IdentityQueries:
    @strawberry.field(extensions=allow(*PEOPLE, Role.PLANT), description="Who the caller is.")
    def me(self, info: Info[CoeContext, None]) -> Me:
        principal = info.context.caller()
        return Me(
            subject=principal.subject,
            name=principal.name,
            roles=sorted(principal.roles),
            sites=sorted(principal.sites),
            issuer=principal.issuer,
        )

    @strawberry.field(
        extensions=allow(Role.COE_ARCHITECT),
        description="User ids with refused e-signature attempts on record, locked or still "
        "counting, latest failure first (coe_architect).",
    )
    async def signing_locks(self, info: Info[CoeContext, None]) -> list[SigningLockType]:
        async with info.context.read() as session:
            rows = await service.signing_lockouts(session)
        return [SigningLockType.from_model(row) for row in rows]


@strawberry.type(
    name="SigningLock",
    description="Refused e-signature attempts of one user id, counted towards a signing lock "
    "(21 CFR Part 11 §11.300(d)). Unknown user ids are counted like real ones.",
)
class SigningLockType:
    user_id: str = strawberry.field(description="The user id the attempts were made as.")
    consecutive_failures: int = strawberry.field(
        description="Refused attempts in a row since the last success, unlock or lapsed lock."
    )
    last_failure_at: datetime | None = strawberry.field(
        description="When the latest refused attempt was made (UTC)."
    )
    locked: bool = strawberry.field(description="Whether signing is locked right now.")
    locked_at: datetime | None = strawberry.field(description="When signing was locked (UTC).")
    locked_until: datetime | None = strawberry.field(
        description="When the lock lapses (UTC); null while locked means until unlocked."
    )

    @classmethod
    def from_model(cls, row: SigningLockout) -> SigningLockType:
        return cls(
            user_id=row.username,
            consecutive_failures=row.failures,
            last_failure_at=row.last_failure_at,
            locked=lockout.is_locked(row, datetime.now(UTC)),
            locked_at=row.locked_at,
            locked_until=row.locked_until,
        )


SigningLockResult: TypeAlias = Annotated[
    SigningLockType | Problems,
    strawberry.union("SigningLockResult", description="The lock as it was, or why not."),
]


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Lift a user id's signing lock and clear its failed-attempt count "
        "(coe_architect). Audited as signing.unlocked; returns the lock as it was.",
    )
    async def unlock_signing(
        self, info: Info[CoeContext, None], username: str, reason: str
    ) -> SigningLockResult:
        async with info.context.unit_of_work() as work:
            row = await service.unlock_signing(work, username, reason)
        return SigningLockType.from_model(row)
