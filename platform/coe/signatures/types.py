"""GraphQL view of electronic signatures."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from coe.auth.principal import Role
from coe.auth.service import Credentials
from coe.graphql.context import CoeContext
from coe.graphql.permissions import allow
from coe.models import Signature
from coe.signatures import scoping, service
from coe.signatures.manifest import manifestation


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
    meaning: str = strawberry.field(description="authored, reviewed, approved, released or tested.")
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


@strawberry.input(
    description="An electronic signature: re-authenticate and say why. The meaning (approved, "
    "released, …) follows from the mutation that takes it."
)
class SignerInput:
    reason: str = strawberry.field(description="Why you sign (kept with the signature).")
    username: str | None = strawberry.field(
        default=None, description="Your user id (development identity store)."
    )
    password: str | None = strawberry.field(
        default=None, description="Your password (development identity store)."
    )
    reauth_token: str | None = strawberry.field(
        default=None, description="A fresh ID token from the identity provider (production)."
    )

    def credentials(self) -> Credentials:
        return Credentials(
            username=self.username, password=self.password, reauth_token=self.reauth_token
        )


def signature_loader(context: CoeContext) -> DataLoader[UUID, SignatureType | None]:
    async def load(ids: list[UUID]) -> list[SignatureType | None]:
        async with context.read() as session:
            rows = {row.id: row for row in await service.signatures_by_ids(session, ids)}
        return [SignatureType.from_model(rows[i]) if i in rows else None for i in ids]

    return DataLoader(load_fn=load)


async def load_signature(
    info: Info[CoeContext, None], signature_id: UUID | None
) -> SignatureType | None:
    if signature_id is None:
        return None
    loaded: SignatureType | None = await info.context.loader("signatures", signature_loader).load(
        signature_id
    )
    return loaded


@strawberry.type
class SignatureQueries:
    @strawberry.field(
        # npi_engineers sign as testers (validation results): they read back what they signed
        extensions=allow(Role.AUDITOR, Role.QA_APPROVER, Role.COE_ARCHITECT, Role.NPI_ENGINEER),
        description="Signatures on one record, oldest first (site-scoped callers: none on "
        "records of other sites).",
    )
    async def signatures(
        self, info: Info[CoeContext, None], entity_type: str, entity_id: str
    ) -> list[SignatureType]:
        scope = info.context.scope()
        async with info.context.read() as session:
            rows = await scoping.visible_for_entity(session, scope, entity_type, entity_id)
        return [SignatureType.from_model(row) for row in rows]
