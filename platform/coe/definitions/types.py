"""GraphQL view of effective definitions."""

from __future__ import annotations

from typing import cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.auth.principal import Role
from coe.definitions import service
from coe.graphql.context import CoeContext
from coe.graphql.permissions import PEOPLE, allow


@strawberry.type(
    name="EffectiveDefinition",
    description="Template version ⊕ site overlay: exactly what a plant runs.",
)
class EffectiveDefinitionType:
    site: str = strawberry.field(description="Site key.")
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="Template version.")
    sha256: str = strawberry.field(
        description="sha256 of the canonical JSON (what plants report back)."
    )
    overlay_version: int | None = strawberry.field(description="The overlay applied, if any.")
    migrations: list[str] = strawberry.field(description="Renames applied to the overlay.")
    definition: JSON = strawberry.field(description="The effective definition document.")
    canonical_json: str = strawberry.field(description="The exact bytes that are hashed.")


@strawberry.type
class DefinitionQueries:
    @strawberry.field(
        extensions=allow(*PEOPLE, Role.PLANT),
        description="The effective definition of `template` at `site` (default version: the "
        "newest published). FORBIDDEN outside the caller's sites.",
    )
    async def effective_definition(
        self, info: Info[CoeContext, None], site: str, template: str, version: str | None = None
    ) -> EffectiveDefinitionType:
        async with info.context.read() as session:
            result = await service.effective_definition(
                session, info.context.caller(), site, template, version
            )
        return EffectiveDefinitionType(
            site=site,
            template=template,
            version=result.template.version,
            sha256=result.definition.sha256,
            overlay_version=result.overlay.version if result.overlay else None,
            migrations=list(result.definition.migrations),
            definition=cast(JSON, result.definition.document),
            canonical_json=result.definition.canonical.decode("utf-8"),
        )
