"""Read side of validation records. Thin: the service decides."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.graphql.permissions import PEOPLE, allow
from coe.validation import service
from coe.validation.types import ValidationRecordType


@strawberry.type
class ValidationQueries:
    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="The validation record of one template version (enterprise-wide: every "
        "person may read it).",
    )
    async def validation_record(
        self, info: Info[CoeContext, None], template: str, version: str
    ) -> ValidationRecordType:
        async with info.context.read() as session:
            row = await service.get_record(session, template, version)
        return ValidationRecordType.from_model(row)

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Every validation record (or one template's), by template key, newest "
        "version first.",
    )
    async def validation_records(
        self, info: Info[CoeContext, None], template: str | None = None
    ) -> list[ValidationRecordType]:
        async with info.context.read() as session:
            rows = await service.records(session, template)
        return [ValidationRecordType.from_model(row) for row in rows]
