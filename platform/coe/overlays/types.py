"""GraphQL types of site overlays."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.graphql.results import ViolationType
from coe.models import OverlayRevision, OverlayStatus
from coe.signatures.types import SignatureType, load_signature

OverlayStatusType = strawberry.enum(
    OverlayStatus,
    name="OverlayStatus",
    description="proposed → approved (effective) → superseded; or rejected.",
)


@strawberry.type(name="OverlayRevision", description="One revision of a site's overlay.")
class OverlayRevisionType:
    site: str = strawberry.field(description="Site key.")
    template: str = strawberry.field(description="Template key.")
    version: int = strawberry.field(description="Overlay revision number.")
    template_versions: str = strawberry.field(description="Template versions it applies to.")
    status: OverlayStatusType = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
    reason: str | None = strawberry.field(description="Why the site needs it.")
    content_sha256: str = strawberry.field(description="sha256 of its canonical JSON.")
    proposed_by: str = strawberry.field(description="Who proposed it.")
    created_at: datetime = strawberry.field(description="When it was proposed.")
    decided_at: datetime | None = strawberry.field(description="When it was approved/rejected.")
    document: JSON = strawberry.field(description="The full SiteOverlay document.")
    approval_signature_id: strawberry.Private[Any]

    @strawberry.field(description="The approval e-signature, once approved.")
    async def approval(self, info: Info[CoeContext, None]) -> SignatureType | None:
        return await load_signature(info, self.approval_signature_id)

    @classmethod
    def from_model(cls, row: OverlayRevision) -> OverlayRevisionType:
        assert row.created_at is not None
        return cls(
            site=row.site,
            template=row.template,
            version=row.version,
            template_versions=row.template_versions,
            status=OverlayStatus(row.status),
            reason=row.reason,
            content_sha256=row.content_sha256,
            proposed_by=row.proposed_by,
            created_at=row.created_at,
            decided_at=row.decided_at,
            document=cast(JSON, row.document),
            approval_signature_id=row.approval_signature_id,
        )


@strawberry.type(description="The outcome of proposing an overlay.")
class ProposedOverlay:
    overlay: OverlayRevisionType = strawberry.field(description="The stored revision.")
    outcome: str = strawberry.field(description="proposed, or unchanged (same content).")


@strawberry.type(description="An overlay checked against the published template versions.")
class OverlayValidation:
    violations: list[ViolationType] = strawberry.field(description="Every problem found.")
    migrations: list[str] = strawberry.field(description="Renames applied automatically.")
