"""Write side of the template registry: one audited transaction per mutation."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.permissions import allow
from coe.graphql.results import Problems
from coe.signatures.types import SignerInput
from coe.templates import service
from coe.templates.types import SavedTemplate, TemplateVersionType

SaveTemplateResult: TypeAlias = Annotated[
    SavedTemplate | Problems,
    strawberry.union(
        "SaveTemplateResult", description="The stored draft, or why it was not stored."
    ),
]
TemplateVersionResult: TypeAlias = Annotated[
    TemplateVersionType | Problems,
    strawberry.union(
        "TemplateVersionResult", description="The template version after the step, or why not."
    ),
]


@strawberry.type
class TemplateMutations:
    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Create or update a draft from a ProcessTemplate document (YAML or JSON "
        "text). Same content as stored: unchanged. A published version never changes.",
    )
    async def save_template_draft(
        self, info: Info[CoeContext, None], source: str
    ) -> SaveTemplateResult:
        document = service.parse_source(source)
        async with info.context.unit_of_work() as work:
            row, outcome = await service.save_draft(work, document)
        return SavedTemplate(template=TemplateVersionType.from_model(row), outcome=outcome)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT), description="Send a draft for review."
    )
    async def submit_template(
        self, info: Info[CoeContext, None], key: str, version: str
    ) -> TemplateVersionResult:
        async with info.context.unit_of_work() as work:
            row = await service.submit(work, key, version)
        return TemplateVersionType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.QA_APPROVER, Role.COE_ARCHITECT),
        description="Approve a version under review with an e-signature (meaning: approved) "
        "over its exact content. The author cannot approve their own version.",
    )
    async def approve_template(
        self, info: Info[CoeContext, None], key: str, version: str, signature: SignerInput
    ) -> TemplateVersionResult:
        settings = info.context.settings
        async with info.context.unit_of_work() as work:
            row = await service.approve(
                work,
                info.context.services.verifier,
                key,
                version,
                signature.credentials(),
                signature.reason,
                reauth_max_age_seconds=settings.reauth_max_age_seconds,
            )
        return TemplateVersionType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.QA_APPROVER, Role.COE_ARCHITECT),
        description="Send a version under review (or approved, unpublished) back to draft.",
    )
    async def return_template_to_draft(
        self, info: Info[CoeContext, None], key: str, version: str, reason: str
    ) -> TemplateVersionResult:
        async with info.context.unit_of_work() as work:
            row = await service.return_to_draft(work, key, version, reason)
        return TemplateVersionType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Publish an approved version: it must be greater than every published "
        "version, and a breaking change needs a major version. Freezes its content.",
    )
    async def publish_template(
        self, info: Info[CoeContext, None], key: str, version: str
    ) -> TemplateVersionResult:
        async with info.context.unit_of_work() as work:
            row = await service.publish(work, key, version)
        return TemplateVersionType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Deprecate a published version (no new rollouts of it).",
    )
    async def deprecate_template(
        self, info: Info[CoeContext, None], key: str, version: str, reason: str
    ) -> TemplateVersionResult:
        async with info.context.unit_of_work() as work:
            row = await service.deprecate(work, key, version, reason)
        return TemplateVersionType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Retire a deprecated version: it may no longer run anywhere.",
    )
    async def retire_template(
        self, info: Info[CoeContext, None], key: str, version: str, reason: str
    ) -> TemplateVersionResult:
        async with info.context.unit_of_work() as work:
            row = await service.retire(work, key, version, reason)
        return TemplateVersionType.from_model(row)
