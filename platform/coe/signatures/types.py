"""GraphQL view of electronic signatures."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.permissions import allow
from coe.models import Signature
from coe.signatures import repository
from coe.signatures.manifest import Meaning, manifestation

MeaningType = strawberry.enum(Meaning, description="What a signature means (Part 11 §11.50).")


@strawberry.type(
    name="Signature",
    description="An electronic signature: who signed, when, with which meaning, over which "
    "content hash.",
)
class SignatureType:
    id: UUID = strawberry.field(description="Signature id.")
    signer_id: str = strawberry.field(description="User id of the signer.")
    printed_name: str = strawberry.field(description="Printed name of the signer.")
    signed_at: datetime = strawberry.field(description="When it was signed (UTC).")
    meaning: str = strawberry.field(description="authored, reviewed, approved or released.")
    reason: str = strawberry.field(description="Why the signer signed.")
    entity_type: str = strawberry.field(description="Kind of record signed.")
    entity_id: str = strawberry.field(description="Id of the record signed.")
    content_sha256: str = strawberry.field(description="sha256 of the exact content signed.")
    manifestation: str = strawberry.field(
        description="Name, date/time and meaning as shown wherever the signature is displayed."
    )

    @classmethod
    def from_model(cls, row: Signature) -> SignatureType:
        return cls(
            id=row.id,
            signer_id=row.signer_id,
            printed_name=row.printed_name,
            signed_at=row.signed_at,
            meaning=row.meaning,
            reason=row.reason,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            content_sha256=row.content_sha256,
            manifestation=manifestation(row),
        )


@strawberry.input(description="Re-authentication for an electronic signature.")
class SignatureInput:
    meaning: MeaningType = strawberry.field(description="What the signature means.")  # type: ignore[valid-type]
    reason: str = strawberry.field(description="Why you sign.")
    username: str | None = strawberry.field(
        default=None, description="Your user id (development identity store)."
    )
    password: str | None = strawberry.field(
        default=None, description="Your password (development identity store)."
    )
    reauth_token: str | None = strawberry.field(
        default=None, description="A fresh ID token from the identity provider (production)."
    )


@strawberry.type
class SignatureQueries:
    @strawberry.field(
        extensions=allow(Role.AUDITOR, Role.QA_APPROVER, Role.COE_ARCHITECT),
        description="Signatures on one record, oldest first.",
    )
    async def signatures(
        self, info: Info[CoeContext, None], entity_type: str, entity_id: str
    ) -> list[SignatureType]:
        async with info.context.read() as session:
            rows = await repository.for_entity(session, entity_type, entity_id)
        return [SignatureType.from_model(row) for row in rows]
