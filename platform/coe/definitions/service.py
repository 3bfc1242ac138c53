"""Effective definitions for sites, from the registry's published versions and approved
overlays."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal
from coe.definitions.compose import CompositionError, EffectiveDefinition, PreparedTemplate, compose
from coe.errors import ConflictError, ValidationFailedError
from coe.models import OverlayRevision, TemplateStatus, TemplateVersion
from coe.overlays import service as overlay_service
from coe.overlays.validation import check_overlay
from coe.sites import service as sites
from coe.templates import service as templates
from coe.templates.versions import parse_range

RUNNABLE = (TemplateStatus.PUBLISHED, TemplateStatus.DEPRECATED)


@dataclass(frozen=True)
class SiteDefinition:
    definition: EffectiveDefinition
    template: TemplateVersion
    overlay: OverlayRevision | None


async def effective_definition(
    session: AsyncSession, principal: Principal, site: str, template: str, version: str | None
) -> SiteDefinition:
    """What `site` runs for `template` at `version` (default: the newest published)."""
    await sites.get_site(session, principal, site)
    row = await templates.get_version(session, template, version)
    if row.status not in RUNNABLE:
        raise ConflictError(
            f"{template}@{row.version} is {row.status}: only published versions "
            "have effective definitions",
            status=row.status,
        )
    overlay = await overlay_service.approved_for(session, site, template)
    if overlay is not None and not parse_range(overlay.template_versions).contains(row.version):
        # Report everything the overlay would break, not only the range it declares.
        violations = check_overlay(overlay.document, row.document).violations
        raise ValidationFailedError(
            f"{site}'s overlay (revision {overlay.version}, {overlay.template_versions!r}) does "
            f"not cover {template}@{row.version}: the overlay needs a change first",
            [violation.as_dict() for violation in violations],
        )
    try:
        definition = compose(
            PreparedTemplate(document=row.document, sha256=row.content_sha256),
            site,
            overlay.document if overlay else None,
        )
    except CompositionError as error:
        raise ValidationFailedError(
            f"{site}'s overlay does not fit {template}@{row.version}",
            [violation.as_dict() for violation in error.violations],
        ) from None
    return SiteDefinition(definition=definition, template=row, overlay=overlay)
