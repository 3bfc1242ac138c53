"""GraphQL types of validation records."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.models.validation import (
    DeviationStatus,
    Outcome,
    ResultKind,
    ValidationDeviation,
    ValidationRecord,
    ValidationResult,
    ValidationStatus,
)
from coe.signatures.types import SignatureType, load_signature
from coe.validation import execution
from coe.validation.coverage import SiteCoverage
from coe.validation.document import RiskLevel
from coe.validation.rules import display_order

ValidationStatusType = strawberry.enum(
    ValidationStatus,
    name="ValidationStatus",
    description="open: being executed; approved: concluded by a signed conclusion, frozen.",
)
RiskLevelType = strawberry.enum(
    RiskLevel,
    name="RiskLevel",
    description="high: scripted test cases; not-high: unscripted testing under the charter.",
)


ResultKindType = strawberry.enum(
    ResultKind,
    name="ValidationResultKind",
    description="automated: a check the platform ran itself (a system record); manual: "
    "recorded and e-signed (tested) by a tester; reused: carried from the previous version's "
    "approved record for an unchanged operation.",
)
OutcomeType = strawberry.enum(
    Outcome, name="ValidationOutcome", description="PASS or FAIL: the outcome of a test."
)
DeviationStatusType = strawberry.enum(
    DeviationStatus,
    name="ValidationDeviationStatus",
    description="open: being worked on (blocks the conclusion); closed: resolved.",
)


@strawberry.type(name="ValidationEvidence", description="An evidence attachment, by its hash.")
class EvidenceType:
    name: str = strawberry.field(description="File name (or a short label) of the evidence.")
    sha256: str = strawberry.field(description="sha256 of the evidence file's bytes.")


@strawberry.input(name="ValidationEvidenceInput", description="An evidence attachment.")
class EvidenceInput:
    name: str = strawberry.field(description="File name (or a short label) of the evidence.")
    sha256: str = strawberry.field(
        description="sha256 of the evidence file's bytes: 64 lower-case hexadecimal digits."
    )


@strawberry.type(
    name="ValidationResult",
    description="One execution of a test case (TC-SEAL-1, CHARTER) or of an automated check "
    "(limits:<TC-ID>, deployment:<site>). The latest per test case counts.",
)
class ValidationResultType:
    id: int = strawberry.field(description="Result id.")
    test_case: str = strawberry.field(
        description="The test case or check: a test case id, CHARTER, limits:<TC-ID> or "
        "deployment:<site>."
    )
    kind: ResultKindType = strawberry.field(description="automated, manual or reused.")  # type: ignore[valid-type]
    outcome: OutcomeType = strawberry.field(description="PASS or FAIL.")  # type: ignore[valid-type]
    actual: str = strawberry.field(description="What actually happened (the actual result).")
    parameters: JSON = strawberry.field(
        description="The parameter values the execution exercised, by name."
    )
    evidence: list[EvidenceType] = strawberry.field(description="Evidence attachments by sha256.")
    executed_by: str = strawberry.field(
        description="Who executed it (for automated checks: who had the platform run them)."
    )
    executed_at: datetime = strawberry.field(description="When (UTC).")
    reused_from: str | None = strawberry.field(
        description="For a reused result: the earlier version whose approved record it comes from."
    )
    signature_id: strawberry.Private[Any]

    @strawberry.field(
        description="The tester's e-signature (meaning tested): printed name, UTC date and time, "
        "meaning (Part 11 §11.50), linked to this result (§11.70). None for automated checks; "
        "for a reused result, the original tester's signature."
    )
    async def signature(self, info: Info[CoeContext, None]) -> SignatureType | None:
        return await load_signature(info, self.signature_id)

    @classmethod
    def from_model(cls, row: ValidationResult) -> ValidationResultType:
        assert row.id is not None
        assert row.executed_at is not None
        return cls(
            id=row.id,
            test_case=row.test_case,
            kind=ResultKind(row.kind),
            outcome=Outcome(row.outcome),
            actual=row.actual,
            parameters=cast(JSON, row.parameters),
            evidence=[EvidenceType(name=e["name"], sha256=e["sha256"]) for e in row.evidence],
            executed_by=row.executed_by,
            executed_at=row.executed_at,
            reused_from=row.reused_from,
            signature_id=row.signature_id,
        )


@strawberry.type(
    name="ValidationDeviation",
    description="An issue found while validating, opened and closed with reasons (CSA: issues "
    "and their resolution).",
)
class DeviationType:
    key: str = strawberry.field(description="DEV-1, DEV-2, … within the record.")
    title: str = strawberry.field(description="What went wrong, in a line.")
    description: str = strawberry.field(description="What was found, in full.")
    test_case: str | None = strawberry.field(description="The test case it concerns, if any.")
    status: DeviationStatusType = strawberry.field(description="open or closed.")  # type: ignore[valid-type]
    opened_by: str = strawberry.field(description="Who opened it.")
    opened_at: datetime = strawberry.field(description="When it was opened (UTC).")
    resolution: str | None = strawberry.field(description="How it was resolved, once closed.")
    closed_by: str | None = strawberry.field(description="Who closed it.")
    closed_at: datetime | None = strawberry.field(description="When it was closed (UTC).")

    @classmethod
    def from_model(cls, row: ValidationDeviation) -> DeviationType:
        assert row.opened_at is not None
        return cls(
            key=row.key,
            title=row.title,
            description=row.description,
            test_case=row.test_case,
            status=DeviationStatus(row.status),
            opened_by=row.opened_by,
            opened_at=row.opened_at,
            resolution=row.resolution,
            closed_by=row.closed_by,
            closed_at=row.closed_at,
        )


@strawberry.type(
    name="ValidationConclusion",
    description="The conclusion of a validation record, e-signed approved by a QA approver who "
    "neither authored the template version nor tested it.",
)
class ConclusionType:
    text: str = strawberry.field(description="The conclusion, as the approver wrote it.")
    concluded_at: datetime = strawberry.field(description="When it was concluded (UTC).")
    signature_id: strawberry.Private[Any]

    @strawberry.field(
        description="The approver's e-signature (meaning approved): printed name, UTC date "
        "and time, meaning (Part 11 §11.50), linked to the record (§11.70)."
    )
    async def signature(self, info: Info[CoeContext, None]) -> SignatureType | None:
        return await load_signature(info, self.signature_id)


def execution_loader(context: CoeContext) -> DataLoader[int, execution.Execution]:
    async def load(ids: list[int]) -> list[execution.Execution]:
        async with context.read() as session:
            found = await execution.executions(session, ids)
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


async def _execution(info: Info[CoeContext, None], record_id: int) -> execution.Execution:
    loaded: execution.Execution = await info.context.loader(
        "validation_executions", execution_loader
    ).load(record_id)
    return loaded


@strawberry.type(name="ValidationRisk", description="The process risk of one operation.")
class RiskType:
    operation: str = strawberry.field(description="Operation id of the template version.")
    level: RiskLevelType = strawberry.field(description="high or not-high.")  # type: ignore[valid-type]
    rationale: str = strawberry.field(description="Why the operation has this level.")


@strawberry.type(name="ValidationTestStep", description="One step of a scripted test case.")
class ScriptStepType:
    action: str = strawberry.field(description="What the tester does.")
    expected: str = strawberry.field(description="The result that passes the step.")


@strawberry.type(name="ValidationTestCase", description="A scripted test case of one operation.")
class ScriptedTestType:
    id: str = strawberry.field(description="Test case id, unique in the record (TC-SEAL-1).")
    operation: str = strawberry.field(description="The operation it tests.")
    title: str = strawberry.field(description="What it shows.")
    parameters: JSON = strawberry.field(
        description="The parameter values it exercises, by name (others at their default)."
    )
    steps: list[ScriptStepType] = strawberry.field(description="Its steps, in order.")
    reuse: bool = strawberry.field(
        description="Whether the previous version's result may be reused when the operation "
        "is unchanged."
    )


@strawberry.type(
    name="ValidationCharter", description="Unscripted testing of the not-high-risk operations."
)
class CharterType:
    mission: str = strawberry.field(description="What to explore.")
    operations: list[str] = strawberry.field(description="The operations it covers.")
    timebox: str = strawberry.field(description="How long the session lasts (2h).")


@strawberry.type(
    name="ValidationRecord",
    description="The CSA validation record of one template version: intended use, risk per "
    "operation, scripted test cases and charter (the ValidationRecord document as saved), and "
    "where its execution stands.",
)
class ValidationRecordType:
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="The template version it validates.")
    template_sha256: str = strawberry.field(
        description="Content sha256 of the template version when the record was saved."
    )
    document_sha256: str = strawberry.field(
        description="sha256 of the canonical JSON of the ValidationRecord document."
    )
    status: ValidationStatusType = strawberry.field(description="open or approved (frozen).")  # type: ignore[valid-type]
    title: str = strawberry.field(description="The record's title.")
    previous: str | None = strawberry.field(
        description="The earlier version whose results test cases marked reuse may carry over."
    )
    intended_use: str = strawberry.field(description="What the process is used for (CSA).")
    risk: list[RiskType] = strawberry.field(description="The risk of every operation.")
    test_cases: list[ScriptedTestType] = strawberry.field(description="The scripted test cases.")
    charter: CharterType | None = strawberry.field(
        description="The unscripted test charter, if any."
    )
    authored_by: str = strawberry.field(description="Who saved the current document.")
    created_at: datetime = strawberry.field(description="When the record was first saved.")
    updated_at: datetime = strawberry.field(description="When its document last changed.")
    document: JSON = strawberry.field(description="The full ValidationRecord document.")
    record_id: strawberry.Private[int]
    row: strawberry.Private[ValidationRecord]

    @strawberry.field(
        description="The latest result of each test case and automated check (what counts): "
        "the scripted test cases in record order, CHARTER, the limit checks, the deployments."
    )
    async def results(self, info: Info[CoeContext, None]) -> list[ValidationResultType]:
        found = {row.test_case: row for row in (await _execution(info, self.record_id)).latest}
        ordered = display_order(self.row.document, list(found))
        return [ValidationResultType.from_model(found[case_id]) for case_id in ordered]

    @strawberry.field(description="Every result ever recorded, newest first.")
    async def history(self, info: Info[CoeContext, None]) -> list[ValidationResultType]:
        found = await _execution(info, self.record_id)
        return [ValidationResultType.from_model(row) for row in found.history]

    @strawberry.field(description="Every deviation, in the order they were opened.")
    async def deviations(self, info: Info[CoeContext, None]) -> list[DeviationType]:
        found = await _execution(info, self.record_id)
        return [DeviationType.from_model(row) for row in found.deviations]

    @strawberry.field(description="The signed conclusion, once concluded (the record is frozen).")
    def conclusion(self) -> ConclusionType | None:
        row = self.row
        if row.conclusion is None or row.concluded_at is None:
            return None
        return ConclusionType(
            text=row.conclusion,
            concluded_at=row.concluded_at,
            signature_id=row.conclusion_signature_id,
        )

    @strawberry.field(
        description="What still stands in the way of concluding the record, in words (open "
        "deviations, test cases without a passed latest result, automated checks not run or "
        "failed); empty when a QA approver who neither authored the version nor tested it may "
        "conclude, and once concluded."
    )
    async def conclusion_blockers(self, info: Info[CoeContext, None]) -> list[str]:
        async with info.context.read() as session:
            return await execution.blockers(session, self.row)

    @classmethod
    def from_model(cls, row: ValidationRecord) -> ValidationRecordType:
        document: dict[str, Any] = row.document
        metadata, spec = document["metadata"], document["spec"]
        charter = spec.get("charter")
        assert row.created_at is not None
        assert row.updated_at is not None
        assert row.id is not None
        return cls(
            template=row.template,
            version=row.version,
            template_sha256=row.template_sha256,
            document_sha256=row.document_sha256,
            status=ValidationStatus(row.status),
            title=metadata["title"],
            previous=metadata.get("previous"),
            intended_use=spec["intendedUse"],
            risk=[
                RiskType(
                    operation=r["operation"], level=RiskLevel(r["level"]), rationale=r["rationale"]
                )
                for r in spec["risk"]
            ],
            test_cases=[
                ScriptedTestType(
                    id=case["id"],
                    operation=case["operation"],
                    title=case["title"],
                    parameters=cast(JSON, case.get("parameters") or {}),
                    steps=[
                        ScriptStepType(action=step["action"], expected=step["expected"])
                        for step in case["steps"]
                    ],
                    reuse=bool(case.get("reuse")),
                )
                for case in spec.get("testCases") or []
            ],
            charter=CharterType(
                mission=charter["mission"],
                operations=list(charter["operations"]),
                timebox=charter["timebox"],
            )
            if charter
            else None,
            authored_by=row.authored_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            document=cast(JSON, document),
            record_id=row.id,
            row=row,
        )


@strawberry.type(description="The outcome of saving a validation record.")
class SavedValidationRecord:
    record: ValidationRecordType = strawberry.field(description="The stored record.")
    outcome: str = strawberry.field(description="created, updated or unchanged.")


@strawberry.type(description="A manual result recorded, and the record it belongs to.")
class RecordedValidationResult:
    result: ValidationResultType = strawberry.field(description="The result as stored.")
    record: ValidationRecordType = strawberry.field(description="The record, with it.")


@strawberry.type(description="What running the automated checks did.")
class ValidationChecksRun:
    record: ValidationRecordType = strawberry.field(description="The record, with the checks.")
    checks: list[ValidationResultType] = strawberry.field(
        description="The current result of every check run (limits:<TC-ID>, deployment:<site>)."
    )
    recorded: int = strawberry.field(
        description="How many of them are new (a check whose outcome and actual result did not "
        "change is not recorded again)."
    )
    notes: list[str] = strawberry.field(
        description="What was not checked and why (e.g. no deployment to the validation "
        "environment yet)."
    )


@strawberry.type(description="A deviation opened or closed, and the record it belongs to.")
class ValidationDeviationChanged:
    deviation: DeviationType = strawberry.field(description="The deviation as stored.")
    record: ValidationRecordType = strawberry.field(description="The record, with it.")


@strawberry.type(description="Results reused from the previous version's approved record.")
class ValidationResultsReused:
    reused: list[ValidationResultType] = strawberry.field(
        description="The results copied (kind reused), one per test case."
    )
    not_reused: list[str] = strawberry.field(
        description="Each test case marked reuse that was not reused, and why."
    )
    record: ValidationRecordType = strawberry.field(description="The record, with them.")


@strawberry.type(
    name="UncoveredParameter",
    description="A site's effective value outside what the version's validation exercised.",
)
class UncoveredParameterType:
    parameter: str = strawberry.field(description="The parameter, by the version's name.")
    value: JSON = strawberry.field(description="The site's effective value.")
    validated: str = strawberry.field(
        description="What was validated: a range (170 to 190), a set ({de, en}) or 'not validated'."
    )


@strawberry.type(
    name="SiteCoverage",
    description="Whether a site's definition of a template version lies inside the version's "
    "validated design space (the parameter values its passed test cases exercised).",
)
class SiteCoverageType:
    site: str = strawberry.field(description="Site key.")
    covered: bool | None = strawberry.field(
        description="true: covered by validation; false: site verification required; null: "
        "not stated (no validation record, or the site's definition does not compose)."
    )
    verdict: str = strawberry.field(
        description="'covered by validation', 'site verification required', or why it "
        "cannot be stated."
    )
    uncovered_parameters: list[UncoveredParameterType] = strawberry.field(
        description="Effective values outside the validated ones."
    )
    uncovered_steps: list[str] = strawberry.field(
        description="The site's extension steps: central validation never covers them."
    )
    reasons: list[str] = strawberry.field(description="What is not covered, in words.")

    @classmethod
    def of(cls, found: SiteCoverage) -> SiteCoverageType:
        covered = found.coverage
        return cls(
            site=found.site,
            covered=None if covered is None else covered.covered,
            verdict=found.verdict,
            uncovered_parameters=[
                UncoveredParameterType(parameter=u.parameter, value=u.value, validated=u.validated)
                for u in (covered.uncovered_parameters if covered else ())
            ],
            uncovered_steps=list(covered.uncovered_steps) if covered else [],
            reasons=covered.reasons() if covered else [],
        )
