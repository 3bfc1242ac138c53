"""Upgrade impact, the answer to upgrade paralysis: before any rollout, which sites a new
template version would break, and exactly why (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from coe.documents import Violation
from coe.overlays.validation import check_overlay
from coe.templates.renames import Rename


class ImpactStatus(StrEnum):
    COMPATIBLE = "compatible"
    NEEDS_OVERLAY_CHANGE = "needs_overlay_change"
    NOT_USING = "not_using"


@dataclass
class SiteImpact:
    site: str
    status: ImpactStatus
    overlay_version: int | None = None
    violations: list[Violation] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)


def upgrade_impact(
    target: Mapping[str, Any],
    sites: Sequence[str],
    overlays: Mapping[str, Mapping[str, Any]],
    renames: Sequence[Rename] | None = None,
) -> list[SiteImpact]:
    """For every site: does its current overlay fit `target` (migrations applied, each named
    with the version that declared it: `renames`, those `target` declares)?

    A site uses the template when it has an effective overlay for it; a site without one is
    `not_using` (it would run the template's defaults)."""
    impacts = []
    for site in sorted(sites):
        overlay = overlays.get(site)
        if overlay is None:
            impacts.append(SiteImpact(site, ImpactStatus.NOT_USING))
            continue
        check = check_overlay(overlay, target, renames=renames)
        impacts.append(
            SiteImpact(
                site=site,
                status=ImpactStatus.COMPATIBLE if check.ok else ImpactStatus.NEEDS_OVERLAY_CHANGE,
                overlay_version=int(overlay["metadata"]["version"]),
                violations=check.violations,
                migrations=check.migrations,
            )
        )
    return impacts
