"""Whether each site's definition of a template version lies inside the version's validated
design space: "covered by validation", or "site verification required" naming the parameters
and extension steps outside it. Read-only; for upgradeImpact, the rollout plan check and the
production gate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import SYSTEM
from coe.definitions import service as definitions
from coe.errors import CoeError
from coe.templates import service as templates
from coe.validation import service
from coe.validation.design_space import Coverage, definition_coverage, validated_space

NO_RECORD = "no validation record"


@dataclass(frozen=True)
class SiteCoverage:
    """One site's coverage; `coverage` None when it cannot be stated (`reason` says why)."""

    site: str
    coverage: Coverage | None
    reason: str | None = None

    @property
    def verdict(self) -> str:
        return self.coverage.verdict if self.coverage is not None else self.reason or NO_RECORD


async def site_coverage(
    session: AsyncSession, template: str, version: str, sites: Sequence[str]
) -> list[SiteCoverage]:
    """For each of `sites` (in the order given): is its effective definition of
    `template@version` inside what the version's passed test cases exercised?"""
    record = await service.record_for(session, template, version)
    if record is None:
        return [SiteCoverage(site, None, f"{template}@{version} has {NO_RECORD}") for site in sites]
    target = await templates.find_version(session, template, version)
    if target is None:
        return [SiteCoverage(site, None, f"no {template}@{version}") for site in sites]
    passed = await service.passed_test_cases(session, template, version)
    space = validated_space(target.document, record.document, passed)
    found = []
    for site in sites:
        try:
            composed = await definitions.effective_definition(
                session, SYSTEM, site, template, version
            )
        except CoeError as error:
            found.append(SiteCoverage(site, None, error.message))
            continue
        found.append(SiteCoverage(site, definition_coverage(space, composed.definition.document)))
    return found
