"""GraphQL view of the caller."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.graphql.permissions import ANY_ROLE, allow


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
    @strawberry.field(extensions=allow(*ANY_ROLE), description="Who the caller is.")
    def me(self, info: Info[CoeContext, None]) -> Me:
        principal = info.context.caller()
        return Me(
            subject=principal.subject,
            name=principal.name,
            roles=sorted(principal.roles),
            sites=sorted(principal.sites),
            issuer=principal.issuer,
        )
