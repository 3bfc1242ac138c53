"""Write side of validation records: one audited transaction per mutation."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.auth.principal import Role
from coe.errors import BadUserInputError
from coe.graphql.context import CoeContext
from coe.graphql.permissions import allow
from coe.graphql.results import Problems
from coe.models.validation import Outcome
from coe.signatures.types import SignerInput
from coe.validation import execution, service
from coe.validation.types import (
    DeviationType,
    EvidenceInput,
    OutcomeType,
    RecordedValidationResult,
    SavedValidationRecord,
    ValidationChecksRun,
    ValidationDeviationChanged,
    ValidationRecordType,
    ValidationResultsReused,
    ValidationResultType,
)

TESTERS = execution.TESTERS

SaveValidationRecordResult: TypeAlias = Annotated[
    SavedValidationRecord | Problems,
    strawberry.union(
        "SaveValidationRecordResult", description="The stored record, or why it was not stored."
    ),
]
RecordValidationResultResult: TypeAlias = Annotated[
    RecordedValidationResult | Problems,
    strawberry.union(
        "RecordValidationResultResult",
        description="The recorded result, or why nothing was recorded.",
    ),
]
RunValidationChecksResult: TypeAlias = Annotated[
    ValidationChecksRun | Problems,
    strawberry.union(
        "RunValidationChecksResult", description="The checks run, or why none were run."
    ),
]
ValidationDeviationResult: TypeAlias = Annotated[
    ValidationDeviationChanged | Problems,
    strawberry.union(
        "ValidationDeviationResult",
        description="The deviation opened or closed, or why nothing changed.",
    ),
]
ConcludeValidationResult: TypeAlias = Annotated[
    ValidationRecordType | Problems,
    strawberry.union(
        "ConcludeValidationResult",
        description="The concluded (approved, frozen) record, or every reason it was not.",
    ),
]
ReuseValidationResultsResult: TypeAlias = Annotated[
    ValidationResultsReused | Problems,
    strawberry.union(
        "ReuseValidationResultsResult",
        description="The results reused, or why none could be.",
    ),
]


def _parameters(value: Any) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise BadUserInputError(
        "parameters: a JSON object of parameter name → value", argument="parameters"
    )


async def _record(info: Info[CoeContext, None], template: str, version: str) -> Any:
    async with info.context.read() as session:
        return ValidationRecordType.from_model(await service.get_record(session, template, version))


@strawberry.type
class ValidationMutations:
    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT, Role.QA_APPROVER),
        description="Create or update the validation record of a template version from a "
        "ValidationRecord document (YAML or JSON text), checked against the version's stored "
        "content (enterprise-wide coe_architect or qa_approver). Same document as stored: "
        "unchanged. An approved record is frozen.",
    )
    async def save_validation_record(
        self, info: Info[CoeContext, None], source: str
    ) -> SaveValidationRecordResult:
        document = service.parse_source(source)
        async with info.context.unit_of_work() as work:
            row, outcome = await service.save_record(work, document)
        return SavedValidationRecord(record=ValidationRecordType.from_model(row), outcome=outcome)

    @strawberry.mutation(
        extensions=allow(*TESTERS),
        description="Record a tester's manual result of a test case (or CHARTER, the "
        "unscripted session), e-signed with meaning tested (enterprise-wide coe_architect, "
        "npi_engineer or qa_approver). `parameters` default to the values the test case "
        "exercises; a value given must be the version's parameter, within its bounds, and agree "
        "with the test case. Evidence by sha256. Refused on a concluded (frozen) record.",
    )
    async def record_validation_result(
        self,
        info: Info[CoeContext, None],
        template: str,
        version: str,
        test_case: str,
        outcome: OutcomeType,  # type: ignore[valid-type]
        actual: str,
        signature: SignerInput,
        parameters: JSON | None = None,
        evidence: list[EvidenceInput] | None = None,
    ) -> RecordValidationResultResult:
        settings = info.context.settings
        async with info.context.unit_of_work() as work:
            row = await execution.record_result(
                work,
                info.context.services.verifier,
                template,
                version,
                test_case=test_case,
                outcome=Outcome(outcome),
                actual=actual,
                parameters=_parameters(parameters),
                evidence=[{"name": e.name, "sha256": e.sha256} for e in evidence or []],
                credentials=signature.credentials(),
                reason=signature.reason,
                reauth_max_age_seconds=settings.reauth_max_age_seconds,
            )
        return RecordedValidationResult(
            result=ValidationResultType.from_model(row),
            record=await _record(info, template, version),
        )

    @strawberry.mutation(
        extensions=allow(*TESTERS),
        description="Run the platform's automated checks and record them (kind automated, no "
        "e-signature): limits:<TC-ID> per test case (the definition composed at its values "
        "resolves every limit inside its spec) and deployment:<site> per site whose validation "
        "instance runs the version, verified by hash. Unchanged checks are not recorded again.",
    )
    async def run_validation_checks(
        self, info: Info[CoeContext, None], template: str, version: str
    ) -> RunValidationChecksResult:
        async with info.context.unit_of_work() as work:
            run = await execution.run_checks(work, template, version)
        return ValidationChecksRun(
            record=await _record(info, template, version),
            checks=[ValidationResultType.from_model(row) for row in run.checks],
            recorded=run.recorded,
            notes=run.notes,
        )

    @strawberry.mutation(
        extensions=allow(*TESTERS),
        description="Open a deviation (DEV-1, DEV-2, … within the record), optionally about "
        "one test case. The record cannot be concluded while it is open.",
    )
    async def open_validation_deviation(
        self,
        info: Info[CoeContext, None],
        template: str,
        version: str,
        title: str,
        description: str,
        test_case: str | None = None,
    ) -> ValidationDeviationResult:
        async with info.context.unit_of_work() as work:
            row = await execution.open_deviation(
                work, template, version, title=title, description=description, test_case=test_case
            )
        return ValidationDeviationChanged(
            deviation=DeviationType.from_model(row), record=await _record(info, template, version)
        )

    @strawberry.mutation(
        extensions=allow(*TESTERS),
        description="Close an open deviation with its resolution.",
    )
    async def close_validation_deviation(
        self, info: Info[CoeContext, None], template: str, version: str, key: str, resolution: str
    ) -> ValidationDeviationResult:
        async with info.context.unit_of_work() as work:
            row = await execution.close_deviation(
                work, template, version, key, resolution=resolution
            )
        return ValidationDeviationChanged(
            deviation=DeviationType.from_model(row), record=await _record(info, template, version)
        )

    @strawberry.mutation(
        extensions=allow(*TESTERS),
        description="Copy, as results of kind reused, the passed results of test cases marked "
        "reuse whose operation is unchanged since metadata.previous, from that version's "
        "approved record. Refused when the previous version's record is not approved.",
    )
    async def reuse_validation_results(
        self, info: Info[CoeContext, None], template: str, version: str
    ) -> ReuseValidationResultsResult:
        async with info.context.unit_of_work() as work:
            reused = await execution.reuse_results(work, template, version)
        return ValidationResultsReused(
            reused=[ValidationResultType.from_model(row) for row in reused.results],
            not_reused=reused.not_reused,
            record=await _record(info, template, version),
        )

    @strawberry.mutation(
        extensions=allow(*execution.CONCLUDERS),
        description="Conclude the validation record with an e-signature (meaning approved) by "
        "an enterprise-wide qa_approver who neither authored the template version nor recorded "
        "a manual result of it. Refused, listing each reason, while a deviation is open, a test "
        "case has no passed latest result, or an automated check failed or has not run. The "
        "record is frozen from then on.",
    )
    async def conclude_validation(
        self,
        info: Info[CoeContext, None],
        template: str,
        version: str,
        conclusion: str,
        signature: SignerInput,
    ) -> ConcludeValidationResult:
        settings = info.context.settings
        async with info.context.unit_of_work() as work:
            row = await execution.conclude(
                work,
                info.context.services.verifier,
                template,
                version,
                conclusion=conclusion,
                credentials=signature.credentials(),
                reason=signature.reason,
                reauth_max_age_seconds=settings.reauth_max_age_seconds,
            )
        return ValidationRecordType.from_model(row)
