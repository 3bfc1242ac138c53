"""Read side of site overlays."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from coe.documents import parse_source
from coe.errors import ValidationFailedError
from coe.graphql.context import CoeContext
from coe.graphql.permissions import PEOPLE, allow
from coe.graphql.results import ViolationType
from coe.overlays import service
from coe.overlays.types import OverlayRevisionType, OverlayValidation

MAX_REVISIONS = 1000


@strawberry.type
class OverlayQueries:
    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Overlay revisions (history included), newest first per site and template; "
        "site-scoped callers see only their sites. At most 1000: narrow by site or template.",
    )
    async def overlays(
        self, info: Info[CoeContext, None], site: str | None = None, template: str | None = None
    ) -> list[OverlayRevisionType]:
        async with info.context.read() as session:
            rows = await service.visible_revisions(
                session, info.context.caller(), site=site, template=template
            )
        return [OverlayRevisionType.from_model(row) for row in rows[:MAX_REVISIONS]]

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Check a SiteOverlay document (YAML or JSON text) against every published "
        "version of its template in its range, without storing it.",
    )
    async def validate_overlay(
        self, info: Info[CoeContext, None], source: str
    ) -> OverlayValidation:
        try:
            document = parse_source(source)
        except ValidationFailedError as error:
            return OverlayValidation(
                violations=[ViolationType.from_dict(v) for v in error.violations],
                migrations=[],
            )
        async with info.context.read() as session:
            violations, migrations = await service.overlay_violations(session, document)
        return OverlayValidation(
            violations=[ViolationType.of(v) for v in violations], migrations=migrations
        )
