"""The template registry's business logic: lifecycle, semver discipline, approval by
e-signature. Takes a unit of work; never commits.

draft → in_review → approved (e-signature by someone other than the author) → published
(frozen, content hash recorded) → deprecated → retired.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier
from coe.canonical import content_hash
from coe.documents import Violation
from coe.documents import parse_source as parse_source  # templates resolvers read with it
from coe.errors import ConflictError, NotFoundError, ValidationFailedError
from coe.models import TemplateStatus, TemplateVersion
from coe.models.registry import FROZEN_STATUSES
from coe.reasons import required_reason
from coe.signatures.manifest import Meaning, verifies
from coe.signatures.service import get_signature, sign
from coe.templates import repository
from coe.templates.diff import TemplateDiff, diff_templates, version_problems
from coe.templates.validation import template_violations
from coe.templates.versions import parse_version
from coe.work import UnitOfWork

APPROVERS = (Role.QA_APPROVER, Role.COE_ARCHITECT)


def require_valid_template(document: dict[str, Any]) -> None:
    violations = template_violations(document)
    if violations:
        raise ValidationFailedError(
            "the template is not valid", [violation.as_dict() for violation in violations]
        )


def snapshot(row: TemplateVersion) -> dict[str, Any]:
    return {
        "key": row.key,
        "version": row.version,
        "status": row.status,
        "sha256": row.content_sha256,
        "title": row.title,
    }


async def save_draft(work: UnitOfWork, document: dict[str, Any]) -> tuple[TemplateVersion, str]:
    """Create or update a draft from `document`. Returns the row and what happened:
    created, updated, unchanged (same content already there)."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    require_valid_template(document)
    key, version = document["metadata"]["key"], document["metadata"]["version"]
    digest = content_hash(document)
    row = await repository.get_for_update(work.session, key, version)
    if row is not None and row.content_sha256 == digest:
        return row, "unchanged"
    if row is not None and row.status in FROZEN_STATUSES:
        raise ConflictError(
            f"{key}@{version} is published and cannot change: publish a new version",
            template=key,
            version=version,
        )
    if row is None:
        await _require_newer(work.session, key, version)
        parsed = parse_version(version)
        row = TemplateVersion(
            key=key,
            version=version,
            major=parsed.major,
            minor=parsed.minor,
            patch=parsed.patch,
            prerelease=parsed.prerelease,
            status=TemplateStatus.DRAFT,
            title="",
            document={},
            content_sha256="",
            author=work.principal.subject,
        )
        before, action = None, "created"
    else:
        before, action = snapshot(row), "updated"
    _apply(row, document, digest)
    row.status = TemplateStatus.DRAFT
    row.author = work.principal.subject
    row.approval_signature_id = None
    return await _save_audited(work, row, f"draft_{action}", before), action


def _apply(row: TemplateVersion, document: dict[str, Any], digest: str) -> None:
    metadata = document["metadata"]
    row.document = document
    row.content_sha256 = digest
    row.title = metadata["title"]
    row.owner = metadata.get("owner")
    row.change_summary = metadata.get("changeSummary")
    row.updated_at = datetime.now(UTC)


async def _require_newer(session: AsyncSession, key: str, version: str) -> None:
    published = [row.version for row in await repository.published(session, key)]
    problems = version_problems(version, published, None)
    if problems:
        raise ValidationFailedError(
            f"{key}@{version} cannot be added",
            [Violation("/metadata/version", problem).as_dict() for problem in problems],
        )


async def find_version(session: AsyncSession, key: str, version: str) -> TemplateVersion | None:
    """One version of a template, or None."""
    return await repository.get(session, key, version)


async def get_version(session: AsyncSession, key: str, version: str | None) -> TemplateVersion:
    """One version; without `version`, the newest published (or deprecated) one."""
    row = (
        await repository.get(session, key, version)
        if version
        else await repository.latest_published(session, key)
    )
    if row is None:
        what = f"{key}@{version}" if version else f"a published version of {key!r}"
        raise NotFoundError(f"no {what}", template=key)
    return row


async def _transition(
    work: UnitOfWork,
    key: str,
    version: str,
    expected: tuple[TemplateStatus, ...],
    target: TemplateStatus,
    reason: str | None = None,
) -> TemplateVersion:
    row = await repository.get_for_update(work.session, key, version)
    if row is None:
        raise NotFoundError(f"no {key}@{version}", template=key)
    if row.status not in expected:
        wanted = " or ".join(expected)
        raise ConflictError(
            f"{key}@{version} is {row.status}, not {wanted}",
            template=key,
            version=version,
            status=row.status,
        )
    before = snapshot(row)
    row.status = target
    row.updated_at = datetime.now(UTC)
    return await _save_audited(work, row, target.value, before, reason)


async def _save_audited(
    work: UnitOfWork,
    row: TemplateVersion,
    action: str,
    before: dict[str, Any] | None,
    reason: str | None = None,
) -> TemplateVersion:
    """Store `row` and audit `template.<action>` with its snapshot before and after."""
    row = await repository.save(work.session, row)
    await work.audit(
        f"template.{action}",
        "template_version",
        f"{row.key}@{row.version}",
        before=before,
        after=snapshot(row),
        reason=reason,
    )
    return row


async def submit(work: UnitOfWork, key: str, version: str) -> TemplateVersion:
    """Send a draft for review."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    return await _transition(work, key, version, (TemplateStatus.DRAFT,), TemplateStatus.IN_REVIEW)


async def return_to_draft(work: UnitOfWork, key: str, version: str, reason: str) -> TemplateVersion:
    """Send a version under review (or approved, not yet published) back to its author."""
    work.principal.require_enterprise_wide(*APPROVERS)
    reason = required_reason(reason)
    row = await _transition(
        work,
        key,
        version,
        (TemplateStatus.IN_REVIEW, TemplateStatus.APPROVED),
        TemplateStatus.DRAFT,
        reason,
    )
    row.approval_signature_id = None
    return await repository.save(work.session, row)


async def approve(
    work: UnitOfWork,
    verifier: TokenVerifier,
    key: str,
    version: str,
    credentials: Credentials,
    reason: str,
    *,
    reauth_max_age_seconds: int = 300,
) -> TemplateVersion:
    """Approve a version under review with an e-signature over its exact content; the
    approver must be a qa_approver or coe_architect other than the author."""
    work.principal.require_enterprise_wide(*APPROVERS)
    row = await repository.get_for_update(work.session, key, version)
    if row is None:
        raise NotFoundError(f"no {key}@{version}", template=key)
    if row.status != TemplateStatus.IN_REVIEW:
        raise ConflictError(f"{key}@{version} is {row.status}, not in_review", status=row.status)
    signature = await sign(
        work,
        verifier,
        credentials=credentials,
        meaning=Meaning.APPROVED,
        reason=reason,
        entity_type="template_version",
        entity_id=f"{key}@{version}",
        content=row.document,
        author=row.author,
        reauth_max_age_seconds=reauth_max_age_seconds,
    )
    row.approval_signature_id = signature.id
    return await _transition(
        work, key, version, (TemplateStatus.IN_REVIEW,), TemplateStatus.APPROVED, reason
    )


async def publish(work: UnitOfWork, key: str, version: str) -> TemplateVersion:
    """Publish an approved version: semver discipline enforced, content frozen."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    row = await repository.get_for_update(work.session, key, version)
    if row is None:
        raise NotFoundError(f"no {key}@{version}", template=key)
    if row.status != TemplateStatus.APPROVED or row.approval_signature_id is None:
        raise ConflictError(
            f"{key}@{version} is {row.status}: only an approved version can be published",
            status=row.status,
        )
    signature = await get_signature(work.session, row.approval_signature_id)
    if signature is None or not verifies(signature, row.document):
        raise ConflictError(
            f"the approval of {key}@{version} no longer verifies against its "
            "content: submit it for review again"
        )
    await _require_discipline(work.session, row)
    row.published_at = datetime.now(UTC)
    row.published_by = work.principal.subject
    return await _transition(
        work, key, version, (TemplateStatus.APPROVED,), TemplateStatus.PUBLISHED
    )


async def _require_discipline(session: AsyncSession, row: TemplateVersion) -> None:
    published = await repository.published(session, row.key)
    candidate = parse_version(row.version)
    older = [p for p in published if parse_version(p.version) < candidate]
    predecessor = diff_templates(older[0].document, row.document) if older else None
    problems = version_problems(row.version, [p.version for p in published], predecessor)
    if problems:
        raise ValidationFailedError(
            f"{row.key}@{row.version} cannot be published",
            [Violation("/metadata/version", problem).as_dict() for problem in problems],
        )


async def deprecate(work: UnitOfWork, key: str, version: str, reason: str) -> TemplateVersion:
    """Mark a published version as not to be used for new rollouts."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    reason = required_reason(reason)
    return await _transition(
        work, key, version, (TemplateStatus.PUBLISHED,), TemplateStatus.DEPRECATED, reason
    )


async def retire(work: UnitOfWork, key: str, version: str, reason: str) -> TemplateVersion:
    """Retire a deprecated version: it may no longer run anywhere."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    reason = required_reason(reason)
    return await _transition(
        work, key, version, (TemplateStatus.DEPRECATED,), TemplateStatus.RETIRED, reason
    )


async def diff(session: AsyncSession, key: str, old: str, new: str) -> TemplateDiff:
    before, after = await get_version(session, key, old), await get_version(session, key, new)
    return diff_templates(before.document, after.document)


def may_read_drafts(principal: Principal) -> bool:
    """Drafts are the COE's work in progress: architects, approvers and auditors see them."""
    return principal.has_role(Role.COE_ARCHITECT, Role.QA_APPROVER, Role.AUDITOR)


def readable(principal: Principal, rows: list[TemplateVersion]) -> list[TemplateVersion]:
    """The versions among `rows` the caller may read: drafts only for those who see drafts."""
    if may_read_drafts(principal):
        return rows
    return [row for row in rows if row.status in FROZEN_STATUSES]


def require_readable(principal: Principal, *rows: TemplateVersion) -> None:
    """NOT_FOUND for a version the caller may not read, as if it did not exist."""
    for row in rows:
        if not readable(principal, [row]):
            raise NotFoundError(f"no published {row.key}@{row.version}", template=row.key)


async def templates_page(
    session: AsyncSession, principal: Principal, after_key: str | None, limit: int
) -> tuple[list[str], list[TemplateVersion], int]:
    """A page of template keys after `after_key`, in key order: `limit + 1` keys at most (the
    extra one only says more follow), the versions of the first `limit` the caller may read
    (newest first), and how many keys there are over all pages."""
    keys, total = await repository.keys_page(session, after_key, limit + 1)
    rows = readable(principal, await repository.versions_of(session, keys[:limit]))
    return keys, rows, total


async def predecessor(session: AsyncSession, key: str, target: TemplateVersion) -> TemplateVersion:
    """The newest published version older than `target`."""
    candidate = parse_version(target.version)
    for row in await repository.published(session, key):
        if parse_version(row.version) < candidate:
            return row
    raise NotFoundError(f"no published version of {key} older than {target.version}")


async def versions(
    session: AsyncSession, key: str, statuses: Sequence[str] | None = None
) -> list[TemplateVersion]:
    """Versions of one template, newest first (only those in `statuses` when given)."""
    return await repository.versions(session, key, statuses)


async def published_versions(session: AsyncSession, key: str) -> list[TemplateVersion]:
    """Every published version of a template (deprecated and retired too), newest first."""
    return await repository.published(session, key)


async def latest_published(session: AsyncSession, key: str) -> TemplateVersion | None:
    """The newest published version of a template, or None."""
    return await repository.latest_published(session, key)
