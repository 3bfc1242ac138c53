"""Validation records in the registry: saving the ValidationRecord document of a template
version (checked against that version's stored content) and reading it back. Takes a unit of
work; never commits.

A record is enterprise-wide (a template version is validated once, centrally): coe_architects
and enterprise-wide qa_approvers write it, every person may read it. Once its conclusion is
signed (status approved) it is frozen: the same document again is unchanged, a different one
is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Role
from coe.canonical import content_hash
from coe.documents import Violation
from coe.documents import parse_source as parse_source  # resolvers read sources with it
from coe.errors import ConflictError, NotFoundError, ValidationFailedError
from coe.models import TemplateStatus
from coe.models.validation import Outcome, ValidationRecord, ValidationStatus
from coe.templates import service as templates
from coe.templates.versions import SortableVersion
from coe.validation import repository
from coe.validation.document import identity, record_template_violations, record_violations
from coe.work import UnitOfWork

WRITERS = (Role.COE_ARCHITECT, Role.QA_APPROVER)


def _refuse(message: str, violations: list[Violation]) -> ValidationFailedError:
    return ValidationFailedError(message, [violation.as_dict() for violation in violations])


def snapshot(row: ValidationRecord) -> dict[str, Any]:
    return {
        "template": row.template,
        "version": row.version,
        "status": row.status,
        "documentSha256": row.document_sha256,
        "templateSha256": row.template_sha256,
    }


async def save_record(work: UnitOfWork, document: dict[str, Any]) -> tuple[ValidationRecord, str]:
    """Create or update the record of the template version `document` names. Returns the row
    and what happened: created, updated or unchanged. Refused, with nothing written: a record
    that breaks its rules or does not fit the stored version, a version not in the registry or
    retired, a different document for a frozen (approved) record."""
    work.principal.require_enterprise_wide(*WRITERS)
    problems = record_violations(document)
    named = identity(document)
    if named is None:
        raise _refuse("the validation record is not valid", problems)
    key, version = named
    template = await templates.find_version(work.session, key, version)
    if template is None and problems:
        raise _refuse("the validation record is not valid", problems)
    if template is None:
        raise NotFoundError(
            f"no {key}@{version} in the registry: save the template version first",
            template=key,
            version=version,
        )
    if template.status == TemplateStatus.RETIRED:
        raise ConflictError(
            f"{key}@{version} is retired: it is not validated any more",
            template=key,
            version=version,
            status=template.status,
        )
    problems += record_template_violations(document, template.document)
    problems += await _previous_problems(work.session, key, document)
    problems = list(dict.fromkeys(problems))
    if problems:
        raise _refuse(f"the validation record does not fit {key}@{version}", problems)
    digest = content_hash(document)
    row = await repository.get_for_update(work.session, key, version)
    if (
        row is not None
        and row.document_sha256 == digest
        and (
            row.template_sha256 == template.content_sha256
            or row.status == ValidationStatus.APPROVED
        )
    ):
        return row, "unchanged"
    if row is not None and row.status == ValidationStatus.APPROVED:
        raise ConflictError(
            f"the validation record of {key}@{version} is approved and frozen: its document "
            "cannot change (a new version needs its own record)",
            template=key,
            version=version,
            status=row.status,
        )
    now = datetime.now(UTC)
    if row is None:
        row = ValidationRecord(
            template=key,
            version=version,
            template_sha256="",
            document={},
            document_sha256="",
            status=ValidationStatus.OPEN,
            authored_by=work.principal.subject,
            created_at=now,
        )
        before, outcome = None, "created"
    else:
        before, outcome = snapshot(row), "updated"
    row.document = document
    row.document_sha256 = digest
    row.template_sha256 = template.content_sha256
    row.authored_by = work.principal.subject
    row.updated_at = now
    row = await repository.save(work.session, row)
    await work.audit(
        "validation.record_saved",
        "validation_record",
        f"{key}@{version}",
        before=before,
        after={**snapshot(row), "outcome": outcome},
    )
    return row, outcome


async def _previous_problems(
    session: AsyncSession, key: str, document: dict[str, Any]
) -> list[Violation]:
    previous = document["metadata"].get("previous")
    if not isinstance(previous, str) or await templates.find_version(session, key, previous):
        return []
    return [
        Violation(
            "/metadata/previous", f"no {key}@{previous} in the registry to reuse results from"
        )
    ]


async def record_for(session: AsyncSession, template: str, version: str) -> ValidationRecord | None:
    """The record of one template version, or None."""
    return await repository.get(session, template, version)


async def get_record(session: AsyncSession, template: str, version: str) -> ValidationRecord:
    """The record of one template version; NOT_FOUND when it has none."""
    row = await repository.get(session, template, version)
    if row is None:
        raise NotFoundError(
            f"{template}@{version} has no validation record", template=template, version=version
        )
    return row


async def records(session: AsyncSession, template: str | None = None) -> list[ValidationRecord]:
    """Every record (or one template's), by template key, newest version first."""
    rows = await repository.listed(session, template)
    rows.sort(key=lambda row: SortableVersion(row.version), reverse=True)
    rows.sort(key=lambda row: row.template)
    return rows


async def approved(session: AsyncSession, template: str, version: str) -> bool:
    """Whether the version has a concluded (approved) validation record."""
    row = await repository.get(session, template, version)
    return row is not None and row.status == ValidationStatus.APPROVED


async def passed_test_cases(session: AsyncSession, template: str, version: str) -> set[str]:
    """The test cases of the version's record whose latest result passed (none without a
    record): what its validated design space is made of."""
    row = await repository.get(session, template, version)
    if row is None or row.id is None:
        return set()
    return {
        result.test_case
        for result in await repository.latest_results(session, row.id)
        if result.outcome == Outcome.PASS
    }
