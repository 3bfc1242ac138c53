"""Read side of the template registry. Thin: the service decides."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from coe.errors import ValidationFailedError
from coe.graphql.context import CoeContext
from coe.graphql.pagination import Connection, connection, decode_cursor, page_size
from coe.graphql.permissions import PEOPLE, allow
from coe.graphql.results import ViolationType
from coe.overlays import service as overlay_service
from coe.templates import service
from coe.templates.diff import diff_templates
from coe.templates.types import (
    SiteImpactType,
    TemplateDiffType,
    TemplateType,
    TemplateVersionType,
    UpgradeImpactType,
)
from coe.templates.validation import template_violations


@strawberry.type
class TemplateQueries:
    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Templates by key, each with the versions the caller may see (drafts only "
        "for architects, approvers and auditors), newest first.",
    )
    async def templates(
        self, info: Info[CoeContext, None], first: int = 50, after: str | None = None
    ) -> Connection[TemplateType]:
        limit = page_size(first, info.context.settings.max_page_size)
        async with info.context.read() as session:
            keys, rows, total = await service.templates_page(
                session, info.context.caller(), decode_cursor(after), limit
            )
        grouped: dict[str, list[TemplateVersionType]] = {}
        for row in rows:  # newest first within each key, whatever the keys' order
            grouped.setdefault(row.key, []).append(TemplateVersionType.from_model(row))
        nodes = [TemplateType(key=key, versions=grouped.get(key, [])) for key in keys]
        return connection(nodes, total, limit, lambda template: template.key)

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="One version; without `version`, the newest published one.",
    )
    async def template_version(
        self, info: Info[CoeContext, None], key: str, version: str | None = None
    ) -> TemplateVersionType:
        async with info.context.read() as session:
            row = await service.get_version(session, key, version)
        service.require_readable(info.context.caller(), row)
        return TemplateVersionType.from_model(row)

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="What changed between two versions, each change classified breaking or "
        "compatible.",
    )
    async def template_diff(
        self, info: Info[CoeContext, None], key: str, from_version: str, to_version: str
    ) -> TemplateDiffType:
        async with info.context.read() as session:
            old = await service.get_version(session, key, from_version)
            new = await service.get_version(session, key, to_version)
        service.require_readable(info.context.caller(), old, new)
        return TemplateDiffType.of(diff_templates(old.document, new.document))

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="For every site the caller may see: compatible, needs_overlay_change (with "
        "the exact violations its current overlay would have) or not_using. `fromVersion` "
        "defaults to the newest published version older than `toVersion`.",
    )
    async def upgrade_impact(
        self,
        info: Info[CoeContext, None],
        template: str,
        to_version: str,
        from_version: str | None = None,
    ) -> UpgradeImpactType:
        async with info.context.read() as session:
            diff, impacts = await overlay_service.upgrade_impact(
                session, info.context.caller(), template, to_version, from_version
            )
        return UpgradeImpactType(
            template=template,
            from_version=diff.from_version,
            to_version=diff.to_version,
            diff=TemplateDiffType.of(diff),
            sites=[SiteImpactType.of(impact) for impact in impacts],
        )

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Check a ProcessTemplate document (YAML or JSON text) without storing it.",
    )
    def validate_template(self, source: str) -> list[ViolationType]:
        try:
            document = service.parse_source(source)
        except ValidationFailedError as error:
            return [ViolationType.from_dict(v) for v in error.violations]
        return [ViolationType.of(v) for v in template_violations(document)]
