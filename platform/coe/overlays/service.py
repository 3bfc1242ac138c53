"""Site overlays: proposed by a site admin of the site (or an architect), validated against
every published template version in their range, effective only once approved by
e-signature. Every revision is kept. Takes a unit of work; never commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal, Role
from coe.auth.scope import Scope
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier
from coe.canonical import content_hash
from coe.documents import Violation, structural_violations
from coe.errors import ConflictError, NotFoundError, ValidationFailedError
from coe.models import OverlayRevision, OverlayStatus, TemplateVersion
from coe.overlays import repository
from coe.overlays.impact import SiteImpact
from coe.overlays.impact import upgrade_impact as site_impacts
from coe.overlays.validation import check_overlay
from coe.reasons import required_reason
from coe.signatures.manifest import Meaning
from coe.signatures.service import sign
from coe.sites import service as site_service
from coe.templates import renames
from coe.templates import service as template_service
from coe.templates.diff import TemplateDiff, diff_templates
from coe.templates.documents import SiteOverlay
from coe.templates.versions import VersionError, parse_range, parse_version
from coe.work import UnitOfWork

PROPOSERS = (Role.SITE_ADMIN, Role.COE_ARCHITECT)
APPROVERS = (Role.QA_APPROVER, Role.COE_ARCHITECT)


def snapshot(row: OverlayRevision) -> dict[str, Any]:
    return {
        "site": row.site,
        "template": row.template,
        "version": row.version,
        "templateVersions": row.template_versions,
        "status": row.status,
        "sha256": row.content_sha256,
    }


async def versions_in_range(
    session: AsyncSession, template: str, text: str
) -> list[TemplateVersion]:
    """Published (not retired) versions of `template` that `text` (a semver range) covers."""
    try:
        wanted = parse_range(text)
    except VersionError:
        return []
    rows = await template_service.versions(session, template, ["published", "deprecated"])
    return [row for row in rows if wanted.contains(row.version)]


async def overlay_violations(
    session: AsyncSession, document: dict[str, Any]
) -> tuple[list[Violation], list[str]]:
    """Check against every published version in range; violations name the version."""
    structural = structural_violations(document, SiteOverlay)
    if structural:
        return structural, []
    metadata = document["metadata"]
    site, template = metadata["site"], metadata["template"]
    if await site_service.find_site(session, site) is None:
        return [Violation("/metadata/site", f"unknown site {site!r}")], []
    published = await template_service.latest_published(session, template)
    if published is None:
        return [
            Violation("/metadata/template", f"unknown template {template!r} (no published version)")
        ], []
    targets = await versions_in_range(session, template, metadata["templateVersions"])
    history = renames.history(
        row.document for row in await template_service.published_versions(session, template)
    )
    violations: list[Violation] = []
    migrations: list[str] = []
    for target in targets or [published]:
        check = check_overlay(
            document, target.document, renames=renames.of_version(history, target.document)
        )
        suffix = f" (against {template}@{target.version})" if len(targets) > 1 else ""
        violations += [Violation(v.pointer, v.reason + suffix) for v in check.violations]
        migrations += [f"{note}{suffix}" for note in check.migrations]
    return violations, migrations


async def propose(work: UnitOfWork, document: dict[str, Any]) -> tuple[OverlayRevision, str]:
    """Store a new overlay revision (status proposed). Returns the row and what happened:
    proposed, or unchanged when the latest revision has the same content."""
    work.principal.require_roles(*PROPOSERS)
    metadata: dict[str, Any] = document.get("metadata") or {}
    site = metadata.get("site") if isinstance(metadata, dict) else None
    if isinstance(site, str):
        work.principal.require_site(site, *PROPOSERS)
    violations, _ = await overlay_violations(work.session, document)
    if violations:
        raise ValidationFailedError(
            "the overlay is not valid", [violation.as_dict() for violation in violations]
        )
    site, template, version = metadata["site"], metadata["template"], metadata["version"]
    digest = content_hash(document)
    latest = await repository.latest(work.session, site, template, lock=True)
    if latest is not None and latest.content_sha256 == digest:
        return latest, "unchanged"
    if latest is not None and version <= latest.version:
        raise ValidationFailedError(
            "the overlay version must increase",
            [
                Violation(
                    "/metadata/version",
                    f"revision {latest.version} exists; use {latest.version + 1} or higher",
                ).as_dict()
            ],
        )
    row = OverlayRevision(
        site=site,
        template=template,
        version=version,
        template_versions=metadata["templateVersions"],
        status=OverlayStatus.PROPOSED,
        document=document,
        content_sha256=digest,
        reason=metadata.get("reason"),
        proposed_by=work.principal.subject,
    )
    row = await repository.save(work.session, row)
    await work.audit(
        "overlay.proposed",
        "overlay",
        f"{site}/{template}#{version}",
        site=site,
        after={**snapshot(row), "set": document.get("spec", {}).get("set")},
        reason=row.reason,
    )
    return row, "proposed"


async def _pending(work: UnitOfWork, site: str, template: str, version: int) -> OverlayRevision:
    row = await repository.revision(work.session, site, template, version, lock=True)
    if row is None:
        raise NotFoundError(f"no overlay revision {version} for {site}/{template}")
    if row.status != OverlayStatus.PROPOSED:
        raise ConflictError(
            f"overlay {site}/{template}#{version} is {row.status}, not proposed", status=row.status
        )
    return row


async def approve(
    work: UnitOfWork,
    verifier: TokenVerifier,
    site: str,
    template: str,
    version: int,
    credentials: Credentials,
    reason: str,
    *,
    reauth_max_age_seconds: int = 300,
) -> OverlayRevision:
    """Make a proposed revision effective, with an e-signature by an approver of the site
    other than the proposer; the previously effective revision is superseded."""
    work.principal.require_roles(*APPROVERS)
    work.principal.require_site(site, *APPROVERS)
    row = await _pending(work, site, template, version)
    violations, _ = await overlay_violations(work.session, row.document)
    if violations:
        raise ValidationFailedError(
            "the overlay no longer fits the published template versions",
            [violation.as_dict() for violation in violations],
        )
    signature = await sign(
        work,
        verifier,
        credentials=credentials,
        meaning=Meaning.APPROVED,
        reason=reason,
        entity_type="overlay",
        entity_id=f"{site}/{template}#{version}",
        content=row.document,
        author=row.proposed_by,
        reauth_max_age_seconds=reauth_max_age_seconds,
    )
    return await make_effective(work, row, signature.id, reason)


async def make_effective(
    work: UnitOfWork, row: OverlayRevision, signature_id: uuid.UUID, reason: str
) -> OverlayRevision:
    """The proposed revision `row` (locked) becomes effective under the approval signature
    `signature_id`; the previously effective revision is superseded. (Also how a transfer's
    target approval, recorded by its workflow, approves the target's overlay.)"""
    site, template = row.site, row.template
    previous = await repository.approved_for(work.session, site, template)
    if previous is not None:
        previous.status = OverlayStatus.SUPERSEDED
        await repository.save(work.session, previous)
    return await _decide(work, row, OverlayStatus.APPROVED, reason, signature_id)


async def reject(
    work: UnitOfWork, site: str, template: str, version: int, reason: str
) -> OverlayRevision:
    """Refuse a proposed revision; it stays in the history."""
    work.principal.require_roles(*APPROVERS)
    work.principal.require_site(site, *APPROVERS)
    reason = required_reason(reason)
    row = await _pending(work, site, template, version)
    return await _decide(work, row, OverlayStatus.REJECTED, reason)


async def _decide(
    work: UnitOfWork,
    row: OverlayRevision,
    status: OverlayStatus,
    reason: str,
    signature_id: uuid.UUID | None = None,
) -> OverlayRevision:
    """Record the decision on the proposed revision `row` (approved under `signature_id`, or
    rejected) and audit `overlay.<status>`."""
    before = snapshot(row)
    row.status = status
    if signature_id is not None:
        row.approval_signature_id = signature_id
    row.decided_at = datetime.now(UTC)
    row = await repository.save(work.session, row)
    await work.audit(
        f"overlay.{status.value}",
        "overlay",
        f"{row.site}/{row.template}#{row.version}",
        site=row.site,
        before=before,
        after=snapshot(row),
        reason=reason,
        signature_id=signature_id,
    )
    return row


async def visible_revisions(
    session: AsyncSession, principal: Principal, *, site: str | None, template: str | None
) -> list[OverlayRevision]:
    sites = Scope.of(principal).narrow_to(site)
    return await repository.revisions(session, site=site, template=template, sites=sites)


async def upgrade_impact(
    session: AsyncSession,
    principal: Principal,
    key: str,
    to_version: str,
    from_version: str | None,
) -> tuple[TemplateDiff, list[SiteImpact]]:
    """Upgrade impact of `to_version` for every site the caller may see."""
    target = await template_service.get_version(session, key, to_version)
    source = (
        await template_service.get_version(session, key, from_version)
        if from_version
        else await template_service.predecessor(session, key, target)
    )
    site_rows, _ = await site_service.list_sites(session, principal, limit=site_service.ALL_SITES)
    approved = await repository.approved(session, key)
    published = await template_service.published_versions(session, key)
    history = renames.history(
        [*(row.document for row in published if row.version != target.version), target.document]
    )
    impacts = site_impacts(
        target.document,
        [site.key for site in site_rows],
        {row.site: row.document for row in approved},
        renames.of_version(history, target.document),
    )
    between = (
        renames.between(history, source.version, target.version)
        if parse_version(source.version) < parse_version(target.version)
        else None
    )
    return diff_templates(source.document, target.document, between), impacts


async def latest_revision(
    session: AsyncSession, site: str, template: str
) -> OverlayRevision | None:
    """The newest revision of `site`'s overlay for `template`, whatever its status."""
    return await repository.latest(session, site, template)


async def revision(
    session: AsyncSession, site: str, template: str, version: int
) -> OverlayRevision | None:
    """One revision of `site`'s overlay for `template`."""
    return await repository.revision(session, site, template, version)


async def approved_for(session: AsyncSession, site: str, template: str) -> OverlayRevision | None:
    """The approved (effective) revision of `site`'s overlay for `template`, or None."""
    return await repository.approved_for(session, site, template)


async def approved_overlays(session: AsyncSession, template: str) -> list[OverlayRevision]:
    """The effective overlays of `template`, one per site that has one."""
    return await repository.approved(session, template)
