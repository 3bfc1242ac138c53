"""Write side of site overlays: one audited transaction per mutation."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.documents import parse_source
from coe.graphql.context import CoeContext
from coe.graphql.permissions import allow
from coe.graphql.results import Problems
from coe.overlays import service
from coe.overlays.types import OverlayRevisionType, ProposedOverlay
from coe.signatures.types import SignerInput

ProposeOverlayResult: TypeAlias = Annotated[
    ProposedOverlay | Problems,
    strawberry.union(
        "ProposeOverlayResult", description="The stored revision, or why it was not stored."
    ),
]
OverlayRevisionResult: TypeAlias = Annotated[
    OverlayRevisionType | Problems,
    strawberry.union(
        "OverlayRevisionResult", description="The revision after the step, or why not."
    ),
]


@strawberry.type
class OverlayMutations:
    @strawberry.mutation(
        extensions=allow(Role.SITE_ADMIN, Role.COE_ARCHITECT),
        description="Propose an overlay revision (site_admin of that site, or coe_architect). "
        "Validated against every published template version in its range; effective only "
        "once approved.",
    )
    async def propose_overlay(
        self, info: Info[CoeContext, None], source: str
    ) -> ProposeOverlayResult:
        document = parse_source(source)
        async with info.context.unit_of_work() as work:
            row, outcome = await service.propose(work, document)
        return ProposedOverlay(overlay=OverlayRevisionType.from_model(row), outcome=outcome)

    @strawberry.mutation(
        extensions=allow(Role.QA_APPROVER, Role.COE_ARCHITECT),
        description="Approve a proposed overlay revision with an e-signature (not by its "
        "proposer); it becomes the site's effective overlay.",
    )
    async def approve_overlay(
        self,
        info: Info[CoeContext, None],
        site: str,
        template: str,
        version: int,
        signature: SignerInput,
    ) -> OverlayRevisionResult:
        async with info.context.unit_of_work() as work:
            row = await service.approve(
                work,
                info.context.services.verifier,
                site,
                template,
                version,
                signature.credentials(),
                signature.reason,
                reauth_max_age_seconds=info.context.settings.reauth_max_age_seconds,
            )
        return OverlayRevisionType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.QA_APPROVER, Role.COE_ARCHITECT),
        description="Reject a proposed overlay revision; it stays in the history.",
    )
    async def reject_overlay(
        self, info: Info[CoeContext, None], site: str, template: str, version: int, reason: str
    ) -> OverlayRevisionResult:
        async with info.context.unit_of_work() as work:
            row = await service.reject(work, site, template, version, reason)
        return OverlayRevisionType.from_model(row)
