"""Executing a validation record: testers' manual results (e-signed *tested*), the platform's
automated checks, deviations opened and closed, results reused from the previous version's
approved record, and the conclusion a QA approver signs (*approved*), which freezes the record.
Takes a unit of work; never commits. The rules themselves are pure (`coe.validation.rules`).

Who: results, checks, deviations and reuse — enterprise-wide coe_architects, npi_engineers
and qa_approvers (the testers); the conclusion — an enterprise-wide qa_approver who neither
authored the template version nor recorded a manual result of it. Every person may read.
Every refusal writes nothing (a refused re-authentication is audited on its own, as always).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier
from coe.documents import Violation
from coe.errors import BadUserInputError, ConflictError, NotFoundError, ValidationFailedError
from coe.models import TemplateVersion
from coe.models.validation import (
    DeviationStatus,
    Outcome,
    ResultKind,
    ValidationDeviation,
    ValidationRecord,
    ValidationResult,
    ValidationStatus,
)
from coe.rollouts import ledger
from coe.rollouts.promotion import validation_environment
from coe.signatures.manifest import Meaning
from coe.signatures.service import sign
from coe.sites import service as sites
from coe.templates import service as templates
from coe.validation import repository, rules
from coe.validation.checks import check_limits
from coe.validation.rules import LatestResult, OpenDeviation
from coe.work import UnitOfWork

TESTERS = (Role.COE_ARCHITECT, Role.NPI_ENGINEER, Role.QA_APPROVER)
CONCLUDERS = (Role.QA_APPROVER,)
MAX_TITLE, MAX_TEXT = 200, 4000


@dataclass
class Execution:
    """Where one record's execution stands: every result (newest first) and deviation."""

    history: list[ValidationResult] = field(default_factory=list)
    deviations: list[ValidationDeviation] = field(default_factory=list)

    @property
    def latest(self) -> list[ValidationResult]:
        """The latest result of each test case and check, by test case."""
        found: dict[str, ValidationResult] = {}
        for result in self.history:
            found.setdefault(result.test_case, result)
        return [found[case] for case in sorted(found)]

    @property
    def testers(self) -> set[str]:
        return {r.executed_by for r in self.history if r.kind == ResultKind.MANUAL}


@dataclass
class ChecksRun:
    """What `run_checks` did: the current result of every check it ran, how many of them are
    new, and notes (e.g. no deployment to the validation environment yet)."""

    record: ValidationRecord
    checks: list[ValidationResult]
    recorded: int
    notes: list[str]


@dataclass
class Reused:
    """What `reuse_results` copied, and why each other test case marked reuse was not."""

    results: list[ValidationResult]
    not_reused: list[str]


def _label(template: str, version: str) -> str:
    return f"{template}@{version}"


def _text(value: str, argument: str, limit: int) -> str:
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise BadUserInputError(
            f"{argument}: required, at most {limit} characters", argument=argument
        )
    return text


async def _open_record(work: UnitOfWork, template: str, version: str) -> ValidationRecord:
    """The record, locked for the change; NOT_FOUND without one, CONFLICT once concluded."""
    row = await repository.get_for_update(work.session, template, version)
    if row is None:
        raise NotFoundError(
            f"{_label(template, version)} has no validation record: save one first",
            template=template,
            version=version,
        )
    if row.status == ValidationStatus.APPROVED:
        raise ConflictError(
            f"the validation record of {_label(template, version)} is concluded (approved) and "
            "frozen: nothing more is recorded in it",
            template=template,
            version=version,
            status=row.status,
        )
    return row


async def _template(session: AsyncSession, template: str, version: str) -> TemplateVersion:
    row = await templates.find_version(session, template, version)
    if row is None:
        raise NotFoundError(f"no {_label(template, version)} in the registry", template=template)
    return row


def result_snapshot(row: ValidationResult) -> dict[str, Any]:
    return {
        "testCase": row.test_case,
        "kind": row.kind,
        "outcome": row.outcome,
        "actual": row.actual,
        "parameters": row.parameters,
        "evidence": row.evidence,
        "executedBy": row.executed_by,
        "reusedFrom": row.reused_from,
    }


def deviation_snapshot(row: ValidationDeviation) -> dict[str, Any]:
    return {
        "key": row.key,
        "title": row.title,
        "testCase": row.test_case,
        "status": row.status,
        "resolution": row.resolution,
    }


# --- results --------------------------------------------------------------------------------


async def record_result(
    work: UnitOfWork,
    verifier: TokenVerifier,
    template: str,
    version: str,
    *,
    test_case: str,
    outcome: Outcome,
    actual: str,
    parameters: Mapping[str, Any] | None,
    evidence: Sequence[Mapping[str, Any]],
    credentials: Credentials,
    reason: str,
    reauth_max_age_seconds: int = 300,
) -> ValidationResult:
    """A tester's manual result of one test case (or CHARTER), e-signed *tested* over its
    content; the signature is linked to the result (§11.70)."""
    work.principal.require_enterprise_wide(*TESTERS)
    record = await _open_record(work, template, version)
    version_row = await _template(work.session, template, version)
    checked, problems = rules.manual_result(
        record.document, version_row.document, test_case, actual, parameters, evidence
    )
    if problems:
        raise ValidationFailedError(
            f"the result of {test_case} does not fit the validation record of "
            f"{_label(template, version)}",
            [problem.as_dict() for problem in problems],
        )
    assert record.id is not None
    row = await repository.add(
        work.session,
        ValidationResult(
            record_id=record.id,
            test_case=test_case,
            kind=ResultKind.MANUAL,
            outcome=outcome,
            actual=actual.strip(),
            parameters=checked.parameters,
            evidence=list(checked.evidence),
            executed_by=work.principal.subject,
            executed_at=datetime.now(UTC),
        ),
    )
    entity = f"{_label(template, version)}/{test_case}#{row.id}"
    signature = await sign(
        work,
        verifier,
        credentials=credentials,
        meaning=Meaning.TESTED,
        reason=reason,
        entity_type="validation_result",
        entity_id=entity,
        content={
            **result_snapshot(row),
            "template": template,
            "version": version,
            "templateSha256": record.template_sha256,
            "recordSha256": record.document_sha256,
        },
        reauth_max_age_seconds=reauth_max_age_seconds,
    )
    row.signature_id = signature.id
    row = await repository.add(work.session, row)
    await work.audit(
        "validation.result_recorded",
        "validation_result",
        entity,
        after=result_snapshot(row),
        reason=signature.reason,
        signature_id=signature.id,
    )
    return row


async def run_checks(work: UnitOfWork, template: str, version: str) -> ChecksRun:
    """The platform's automated checks, recorded as results of kind automated (a system
    record: no e-signature): `limits:<TC>` per test case, `deployment:<site>` per site whose
    validation instance runs the version (a live validation ledger entry, recorded only after
    the plant reported the hash). A check whose outcome and actual result are those of its
    latest result is not recorded again."""
    work.principal.require_enterprise_wide(*TESTERS)
    record = await _open_record(work, template, version)
    version_row = await _template(work.session, template, version)
    assert record.id is not None
    found: list[tuple[str, Outcome, str, dict[str, Any]]] = []
    for check in check_limits(version_row.document, record.document):
        actual = (
            "; ".join(f"{f.document} {f.pointer}: {f.reason}" for f in check.failures)
            if check.failures
            else "every limit resolves inside its spec"
        )
        outcome = Outcome.PASS if check.passed else Outcome.FAIL
        found.append((rules.limits_id(check.test_case), outcome, actual, dict(check.parameters)))
    notes: list[str] = []
    deployments, note = await _deployments(work.session, template, version)
    found += deployments
    notes += [note] if note else []
    latest = {r.test_case: r for r in await repository.latest_results(work.session, record.id)}
    checks, recorded = [], 0
    now = datetime.now(UTC)
    for case_id, outcome, actual, values in found:
        previous = latest.get(case_id)
        if (
            previous is not None
            and previous.kind == ResultKind.AUTOMATED
            and (previous.outcome, previous.actual, previous.parameters)
            == (outcome, actual, values)
        ):
            checks.append(previous)
            continue
        row = await repository.add(
            work.session,
            ValidationResult(
                record_id=record.id,
                test_case=case_id,
                kind=ResultKind.AUTOMATED,
                outcome=outcome,
                actual=actual[:MAX_TEXT],
                parameters=values,
                evidence=[],
                executed_by=work.principal.subject,
                executed_at=now,
            ),
        )
        checks.append(row)
        recorded += 1
        await work.audit(
            "validation.result_recorded",
            "validation_result",
            f"{_label(template, version)}/{case_id}#{row.id}",
            after=result_snapshot(row),
        )
    return ChecksRun(record, checks, recorded, notes)


async def _deployments(
    session: AsyncSession, template: str, version: str
) -> tuple[list[tuple[str, Outcome, str, dict[str, Any]]], str | None]:
    enterprise = await sites.enterprise(session)
    environment = validation_environment(enterprise.environments if enterprise else [])
    if environment is None:
        return [], "the enterprise has no validation environment: no deployment checks"
    entries = [
        entry
        for entry in await ledger.live(session, template=template, environment=environment)
        if entry.version == version
    ]
    if not entries:
        return [], (
            f"no site's {environment} instance runs {_label(template, version)} yet: no "
            "deployment checks"
        )
    found: list[tuple[str, Outcome, str, dict[str, Any]]] = []
    for entry in sorted(entries, key=lambda e: e.site):
        origin = (
            f"rollout {entry.rollout_id}" if entry.rollout_id else f"transfer {entry.transfer_id}"
        )
        actual = (
            f"{entry.site}'s {environment} instance runs sha256 {entry.sha256} (the hash the "
            f"plant reported), deployed by {origin}"
        )
        found.append((rules.deployment_id(entry.site), Outcome.PASS, actual, {}))
    return found, None


# --- deviations -------------------------------------------------------------------------------


async def open_deviation(
    work: UnitOfWork,
    template: str,
    version: str,
    *,
    title: str,
    description: str,
    test_case: str | None = None,
) -> ValidationDeviation:
    """Open a deviation (DEV-1, DEV-2, … within the record), optionally about a test case."""
    work.principal.require_enterprise_wide(*TESTERS)
    record = await _open_record(work, template, version)
    assert record.id is not None
    title = _text(title, "title", MAX_TITLE)
    description = _text(description, "description", MAX_TEXT)
    if test_case is not None:
        known = rules.case_ids(record.document)
        if test_case not in known:
            raise ValidationFailedError(
                f"{test_case!r} is not a test case of the validation record of "
                f"{_label(template, version)}",
                [
                    Violation(
                        "/testCase", f"not a test case of the record (its: {', '.join(known)})"
                    ).as_dict()
                ],
            )
    number = await repository.deviation_count(work.session, record.id) + 1
    row = await repository.add(
        work.session,
        ValidationDeviation(
            record_id=record.id,
            key=f"DEV-{number}",
            title=title,
            description=description,
            test_case=test_case,
            status=DeviationStatus.OPEN,
            opened_by=work.principal.subject,
            opened_at=datetime.now(UTC),
        ),
    )
    await work.audit(
        "validation.deviation_opened",
        "validation_deviation",
        f"{_label(template, version)}/{row.key}",
        after={**deviation_snapshot(row), "description": description},
    )
    return row


async def close_deviation(
    work: UnitOfWork, template: str, version: str, key: str, *, resolution: str
) -> ValidationDeviation:
    """Close an open deviation with its resolution."""
    work.principal.require_enterprise_wide(*TESTERS)
    record = await _open_record(work, template, version)
    assert record.id is not None
    resolution = _text(resolution, "resolution", MAX_TEXT)
    row = await repository.deviation_for_update(work.session, record.id, key)
    if row is None:
        raise NotFoundError(
            f"the validation record of {_label(template, version)} has no deviation {key}",
            key=key,
        )
    if row.status == DeviationStatus.CLOSED:
        raise ConflictError(
            f"deviation {key} is already closed (by {row.closed_by})", key=key, status=row.status
        )
    before = deviation_snapshot(row)
    row.status = DeviationStatus.CLOSED
    row.resolution = resolution
    row.closed_by = work.principal.subject
    row.closed_at = datetime.now(UTC)
    row = await repository.add(work.session, row)
    await work.audit(
        "validation.deviation_closed",
        "validation_deviation",
        f"{_label(template, version)}/{key}",
        before=before,
        after=deviation_snapshot(row),
        reason=resolution[:2000],
    )
    return row


# --- reuse ------------------------------------------------------------------------------------


async def reuse_results(work: UnitOfWork, template: str, version: str) -> Reused:
    """Carry over, as results of kind reused, the latest passed result of every test case
    that may reuse it (`rules.reuse_problem`) from the approved record of `metadata.previous`;
    the others are named with the reason. A test case whose latest result is already that
    reuse is not copied again."""
    work.principal.require_enterprise_wide(*TESTERS)
    record = await _open_record(work, template, version)
    assert record.id is not None
    previous = record.document["metadata"].get("previous")
    if not isinstance(previous, str):
        raise ConflictError(
            f"the validation record of {_label(template, version)} names no previous version "
            "(metadata.previous) to reuse results from"
        )
    earlier = await repository.get(work.session, template, previous)
    if earlier is None or earlier.status != ValidationStatus.APPROVED or earlier.id is None:
        raise ConflictError(
            f"{_label(template, previous)} has no approved validation record: its results "
            "cannot be reused",
            previous=previous,
        )
    before = await _template(work.session, template, previous)
    after = await _template(work.session, template, version)
    passed = {
        r.test_case: r
        for r in await repository.latest_results(work.session, earlier.id)
        if r.outcome == Outcome.PASS and not rules.is_automated(r.test_case)
    }
    latest = {r.test_case: r for r in await repository.latest_results(work.session, record.id)}
    reused = Reused([], [])
    now = datetime.now(UTC)
    for case in rules.scripted_cases(record.document):
        case_id = str(case.get("id"))
        source = passed.get(case_id)
        problem = rules.reuse_problem(
            before.document, after.document, case, source.parameters if source else None
        )
        if problem is not None:
            if case.get("reuse"):
                reused.not_reused.append(problem)
            continue
        assert source is not None
        current = latest.get(case_id)
        if current is not None and current.kind == ResultKind.REUSED:
            continue
        row = await repository.add(
            work.session,
            ValidationResult(
                record_id=record.id,
                test_case=case_id,
                kind=ResultKind.REUSED,
                outcome=Outcome.PASS,
                actual=(
                    f"reused from {_label(template, previous)} (operation {case['operation']} "
                    f"unchanged): {source.actual}"
                )[:MAX_TEXT],
                parameters=dict(source.parameters),
                evidence=list(source.evidence),
                executed_by=source.executed_by,
                executed_at=now,
                signature_id=source.signature_id,
                reused_from=previous,
            ),
        )
        reused.results.append(row)
        await work.audit(
            "validation.result_reused",
            "validation_result",
            f"{_label(template, version)}/{case_id}#{row.id}",
            after=result_snapshot(row),
        )
    return reused


# --- the conclusion ---------------------------------------------------------------------------


def _latest_facts(execution: Execution) -> list[LatestResult]:
    return [
        LatestResult(r.test_case, r.kind, r.outcome, dict(r.parameters)) for r in execution.latest
    ]


def _open_deviations(execution: Execution) -> list[OpenDeviation]:
    return [
        OpenDeviation(d.key, d.title)
        for d in execution.deviations
        if d.status == DeviationStatus.OPEN
    ]


async def blockers(
    session: AsyncSession, row: ValidationRecord, signer: str | None = None
) -> list[str]:
    """What stands in the way of concluding the record (for `signer`, or for anyone)."""
    if row.status == ValidationStatus.APPROVED or row.id is None:
        return []
    version_row = await templates.find_version(session, row.template, row.version)
    execution = (await executions(session, [row.id]))[row.id]
    return rules.conclusion_blockers(
        row.document,
        _latest_facts(execution),
        _open_deviations(execution),
        signer,
        version_row.author if version_row else "",
        execution.testers,
        template_changed=version_row is None or version_row.content_sha256 != row.template_sha256,
    )


async def conclude(
    work: UnitOfWork,
    verifier: TokenVerifier,
    template: str,
    version: str,
    *,
    conclusion: str,
    credentials: Credentials,
    reason: str,
    reauth_max_age_seconds: int = 300,
) -> ValidationRecord:
    """Conclude the record with the caller's e-signature (*approved*) over the record, its
    template version's hash, the conclusion and every latest result: refused, listing each
    reason, while anything stands in the way (`rules.conclusion_blockers`). Frozen after."""
    work.principal.require_enterprise_wide(*CONCLUDERS)
    record = await _open_record(work, template, version)
    assert record.id is not None
    text = _text(conclusion, "conclusion", MAX_TEXT)
    found = await blockers(work.session, record, work.principal.subject)
    if found:
        raise ConflictError(
            f"the validation of {_label(template, version)} cannot be concluded: "
            + "; ".join(found),
            blockers=found,
        )
    execution = (await executions(work.session, [record.id]))[record.id]
    signature = await sign(
        work,
        verifier,
        credentials=credentials,
        meaning=Meaning.APPROVED,
        reason=reason,
        entity_type="validation_record",
        entity_id=_label(template, version),
        content={
            "template": template,
            "version": version,
            "templateSha256": record.template_sha256,
            "recordSha256": record.document_sha256,
            "conclusion": text,
            "results": [
                {"testCase": r.test_case, "outcome": r.outcome, "id": r.id}
                for r in execution.latest
            ],
            "deviations": [
                {"key": d.key, "resolution": d.resolution} for d in execution.deviations
            ],
        },
        reauth_max_age_seconds=reauth_max_age_seconds,
    )
    before = {"status": record.status}
    record.status = ValidationStatus.APPROVED
    record.conclusion = text
    record.conclusion_signature_id = signature.id
    record.concluded_at = datetime.now(UTC)
    record.updated_at = record.concluded_at
    record = await repository.save(work.session, record)
    await work.audit(
        "validation.concluded",
        "validation_record",
        _label(template, version),
        before=before,
        after={"status": record.status, "conclusion": text},
        reason=signature.reason,
        signature_id=signature.id,
    )
    return record


# --- reading ----------------------------------------------------------------------------------


async def executions(session: AsyncSession, record_ids: list[int]) -> dict[int, Execution]:
    """Every record's results and deviations, in two queries (a DataLoader's batch)."""
    found = {record_id: Execution() for record_id in record_ids}
    if not record_ids:
        return found
    for result in await repository.history(session, record_ids):
        found[result.record_id].history.append(result)
    for deviation in await repository.deviations(session, record_ids):
        found[deviation.record_id].deviations.append(deviation)
    return found
