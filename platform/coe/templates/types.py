"""GraphQL types of the template registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.graphql.results import ViolationType
from coe.models import TemplateStatus, TemplateVersion
from coe.overlays.impact import ImpactStatus, SiteImpact
from coe.signatures.types import SignatureType, load_signature
from coe.templates.diff import Change, TemplateDiff
from coe.validation.coverage import site_coverage
from coe.validation.types import SiteCoverageType

TemplateStatusType = strawberry.enum(
    TemplateStatus,
    name="TemplateStatus",
    description="Lifecycle: draft → in_review → approved → published → deprecated → retired.",
)
ImpactStatusType = strawberry.enum(
    ImpactStatus, name="ImpactStatus", description="What a new version means for a site."
)


@strawberry.type(description="One value of a template's configuration surface.")
class TemplateParameter:
    name: str = strawberry.field(description="Parameter name.")
    type: str = strawberry.field(description="number, integer, string, boolean, enum, duration.")
    default: JSON = strawberry.field(description="The global value.")
    minimum: JSON | None = strawberry.field(description="Lowest value (number, duration).")
    maximum: JSON | None = strawberry.field(description="Highest value (number, duration).")
    values: list[str] | None = strawberry.field(description="Allowed values (enum).")
    unit: str | None = strawberry.field(description="Unit of measure.")
    site_configurable: bool = strawberry.field(description="Whether sites may set a value.")
    site_bound: bool = strawberry.field(description="Whether the value belongs to the site.")
    description: str | None = strawberry.field(description="What it controls.")


@strawberry.type(name="TemplateVersion", description="One version of a global process template.")
class TemplateVersionType:
    key: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="Semantic version.")
    status: TemplateStatusType = strawberry.field(description="Lifecycle state.")  # type: ignore[valid-type]
    title: str = strawberry.field(description="Title.")
    owner: str | None = strawberry.field(description="The COE team that owns it.")
    change_summary: str | None = strawberry.field(description="What changed in this version.")
    content_sha256: str = strawberry.field(
        description="sha256 of the canonical JSON of the document (its identity once published)."
    )
    author: str = strawberry.field(description="Who wrote this version.")
    created_at: datetime = strawberry.field(description="When the draft was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    published_by: str | None = strawberry.field(description="Who published it.")
    document: JSON = strawberry.field(description="The full ProcessTemplate document.")
    approval_signature_id: strawberry.Private[Any]

    @strawberry.field(description="The approval e-signature, once approved.")
    async def approval(self, info: Info[CoeContext, None]) -> SignatureType | None:
        return await load_signature(info, self.approval_signature_id)

    @strawberry.field(description="The configuration surface, parameter by parameter.")
    def parameters(self) -> list[TemplateParameter]:
        declared = cast(dict[str, Any], self.document).get("spec", {}).get("parameters") or {}
        return [
            TemplateParameter(
                name=name,
                type=p["type"],
                default=p.get("default"),
                minimum=p.get("minimum"),
                maximum=p.get("maximum"),
                values=p.get("values"),
                unit=p.get("unit"),
                site_configurable=bool(p.get("siteConfigurable")),
                site_bound=bool(p.get("siteBound")),
                description=p.get("description"),
            )
            for name, p in sorted(declared.items())
        ]

    @classmethod
    def from_model(cls, row: TemplateVersion) -> TemplateVersionType:
        assert row.created_at
        assert row.updated_at
        return cls(
            key=row.key,
            version=row.version,
            status=TemplateStatus(row.status),
            title=row.title,
            owner=row.owner,
            change_summary=row.change_summary,
            content_sha256=row.content_sha256,
            author=row.author,
            created_at=row.created_at,
            updated_at=row.updated_at,
            published_at=row.published_at,
            published_by=row.published_by,
            document=cast(JSON, row.document),
            approval_signature_id=row.approval_signature_id,
        )


@strawberry.type(description="A template and its versions.")
class TemplateType:
    key: str = strawberry.field(description="Template key.")
    versions: list[TemplateVersionType] = strawberry.field(
        description="Versions the caller may see, newest first."
    )

    @strawberry.field(description="Title of the newest version.")
    def title(self) -> str:
        return self.versions[0].title if self.versions else self.key

    @strawberry.field(description="The newest published (or deprecated) version.")
    def latest_published(self) -> TemplateVersionType | None:
        runnable = (TemplateStatus.PUBLISHED, TemplateStatus.DEPRECATED)
        return next((v for v in self.versions if v.status in runnable), None)


@strawberry.type(name="TemplateChange", description="One difference between two versions.")
class TemplateChangeType:
    area: str = strawberry.field(
        description="metadata, parameters, operations, dataCollection, qualityChecks, "
        "extensionPoints, reasonCodes or kpis."
    )
    subject: str = strawberry.field(description="What changed (parameter, operation id, …).")
    kind: str = strawberry.field(description="added, removed, changed, renamed or moved.")
    breaking: bool = strawberry.field(description="True when site overlays may break.")
    description: str = strawberry.field(description="The change in plain words.")
    before: JSON | None = strawberry.field(description="The old value.")
    after: JSON | None = strawberry.field(description="The new value.")

    @classmethod
    def of(cls, change: Change) -> TemplateChangeType:
        return cls(
            area=change.area,
            subject=change.subject,
            kind=change.kind,
            breaking=change.breaking,
            description=change.description,
            before=cast(JSON, change.before),
            after=cast(JSON, change.after),
        )


@strawberry.type(name="TemplateDiff", description="What changed from one version to another.")
class TemplateDiffType:
    key: str = strawberry.field(description="Template key.")
    from_version: str = strawberry.field(description="The older version.")
    to_version: str = strawberry.field(description="The newer version.")
    breaking: bool = strawberry.field(description="True when any change is breaking.")
    changes: list[TemplateChangeType] = strawberry.field(description="Every change.")

    @classmethod
    def of(cls, diff: TemplateDiff) -> TemplateDiffType:
        return cls(
            key=diff.key,
            from_version=diff.from_version,
            to_version=diff.to_version,
            breaking=diff.breaking,
            changes=[TemplateChangeType.of(change) for change in diff.changes],
        )


@strawberry.type(name="SiteImpact", description="What a new template version means for a site.")
class SiteImpactType:
    site: str = strawberry.field(description="Site key.")
    status: ImpactStatusType = strawberry.field(  # type: ignore[valid-type]
        description="compatible, needs_overlay_change or not_using."
    )
    overlay_version: int | None = strawberry.field(description="The site's effective overlay.")
    violations: list[ViolationType] = strawberry.field(
        description="Exactly what the overlay would break."
    )
    migrations: list[str] = strawberry.field(
        description="Renames applied automatically, each with the version that declared it."
    )

    @classmethod
    def of(cls, impact: SiteImpact) -> SiteImpactType:
        return cls(
            site=impact.site,
            status=impact.status,
            overlay_version=impact.overlay_version,
            violations=[ViolationType.of(v) for v in impact.violations],
            migrations=impact.migrations,
        )


@strawberry.type(name="UpgradeImpact", description="Which sites a new version would break, why.")
class UpgradeImpactType:
    template: str = strawberry.field(description="Template key.")
    from_version: str = strawberry.field(description="The version sites run now.")
    to_version: str = strawberry.field(description="The candidate version.")
    diff: TemplateDiffType = strawberry.field(description="What changed between the two.")
    sites: list[SiteImpactType] = strawberry.field(description="Every site the caller may see.")

    @strawberry.field(
        description="For every site of `sites` that uses the template: whether its definition "
        "of the candidate version lies inside the version's validated design space (covered "
        "by validation) or not (site verification required, naming the parameters and "
        "extension steps outside it). Computed only when asked for."
    )
    async def coverage(self, info: Info[CoeContext, None]) -> list[SiteCoverageType]:
        using = [s.site for s in self.sites if s.status != ImpactStatus.NOT_USING]
        async with info.context.read() as session:
            found = await site_coverage(session, self.template, self.to_version, using)
        return [SiteCoverageType.of(item) for item in found]


@strawberry.type(description="The outcome of saving a template draft.")
class SavedTemplate:
    template: TemplateVersionType = strawberry.field(description="The stored version.")
    outcome: str = strawberry.field(description="created, updated or unchanged.")
