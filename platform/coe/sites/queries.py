"""Read side of the equipment hierarchy. Thin: the service decides what the caller may see."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.pagination import Connection, connection, decode_cursor, page_size
from coe.graphql.permissions import PEOPLE, allow
from coe.models import Enterprise
from coe.sites import service
from coe.sites.types import SiteType


@strawberry.type(
    name="Enterprise", description="The enterprise: the root of the equipment hierarchy."
)
class EnterpriseType:
    key: str = strawberry.field(description="Enterprise key.")
    name: str = strawberry.field(description="Display name.")
    environments: list[str] = strawberry.field(
        description="The environments template versions are promoted through, in order; "
        "production is the last. A site has a plant instance in some of them."
    )

    @classmethod
    def from_model(cls, row: Enterprise) -> EnterpriseType:
        return cls(key=row.key, name=row.name, environments=list(row.environments))


@strawberry.type
class SiteQueries:
    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="The enterprise this platform serves.",
    )
    async def enterprise(self, info: Info[CoeContext, None]) -> EnterpriseType | None:
        async with info.context.read() as session:
            row = await service.enterprise(session)
        return EnterpriseType.from_model(row) if row else None

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Sites the caller may see, ordered by key. Site-scoped roles see only their "
        "own sites.",
    )
    async def sites(
        self,
        info: Info[CoeContext, None],
        region: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[SiteType]:
        limit = page_size(first, info.context.settings.max_page_size)
        async with info.context.read() as session:
            rows, total = await service.list_sites(
                session,
                info.context.caller(),
                region=region,
                after_key=decode_cursor(after),
                limit=limit + 1,
            )
        return connection(
            [SiteType.from_model(row) for row in rows], total, limit, lambda site: site.key
        )

    @strawberry.field(
        extensions=allow(*PEOPLE, Role.PLANT),
        description="One site by key, with its hierarchy. FORBIDDEN outside the caller's sites "
        "(a plant token: its own site).",
    )
    async def site(self, info: Info[CoeContext, None], key: str) -> SiteType:
        async with info.context.read() as session:
            row = await service.get_site(session, info.context.caller(), key)
        return SiteType.from_model(row)
