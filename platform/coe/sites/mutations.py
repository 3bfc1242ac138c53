"""Write side of the equipment hierarchy: one transaction per mutation."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.permissions import allow
from coe.graphql.results import Problems
from coe.sites import service
from coe.sites.queries import EnterpriseType
from coe.sites.types import (
    AreaType,
    SiteInput,
    SitePatch,
    SiteType,
    WorkCenterType,
    WorkUnitType,
    labels_dict,
)
from coe.sites.validation import SiteFields

NULLABLE = frozenset({"country", "plant_endpoint"})
PATCHABLE = (
    "name",
    "region",
    "time_zone",
    "country",
    "regulatory_scope",
    "labels",
    "plant_endpoint",
)


SiteResult: TypeAlias = Annotated[
    SiteType | Problems,
    strawberry.union("SiteResult", description="The site, or why it was not saved."),
]
EnterpriseResult: TypeAlias = Annotated[
    EnterpriseType | Problems,
    strawberry.union("EnterpriseResult", description="The enterprise, or why it was not saved."),
]
AreaResult: TypeAlias = Annotated[
    AreaType | Problems,
    strawberry.union("AreaResult", description="The area, or why it was not added."),
]
WorkCenterResult: TypeAlias = Annotated[
    WorkCenterType | Problems,
    strawberry.union("WorkCenterResult", description="The work center, or why not."),
]
WorkUnitResult: TypeAlias = Annotated[
    WorkUnitType | Problems,
    strawberry.union("WorkUnitResult", description="The work unit, or why not."),
]


def patch_fields(patch: SitePatch) -> SiteFields:
    """UNSET (omitted) leaves a field alone; an explicit null clears a nullable field."""
    given: dict[str, Any] = {
        name: getattr(patch, name)
        for name in PATCHABLE
        if getattr(patch, name) is not strawberry.UNSET
    }
    cleared = frozenset(name for name, value in given.items() if value is None and name in NULLABLE)
    values = {name: value for name, value in given.items() if value is not None}
    if "labels" in values:
        values["labels"] = labels_dict(values["labels"])
    return SiteFields(**values, clear=cleared)


@strawberry.type
class SiteMutations:
    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Register a site (coe_architect). Audited.",
    )
    async def add_site(
        self, info: Info[CoeContext, None], input: SiteInput, reason: str | None = None
    ) -> SiteResult:
        fields = SiteFields(
            name=input.name,
            region=input.region,
            country=input.country,
            time_zone=input.time_zone,
            regulatory_scope=input.regulatory_scope,
            labels=labels_dict(input.labels),
            plant_endpoint=input.plant_endpoint,
        )
        async with info.context.unit_of_work() as work:
            site = await service.add_site(work, input.key, fields, reason)
        return SiteType.from_model(site)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Change a site's master data (coe_architect). Audited with before/after.",
    )
    async def update_site(
        self,
        info: Info[CoeContext, None],
        key: str,
        patch: SitePatch,
        reason: str | None = None,
    ) -> SiteResult:
        fields = patch_fields(patch)
        async with info.context.unit_of_work() as work:
            site = await service.update_site(work, key, fields, reason)
        return SiteType.from_model(site)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Set the enterprise's environments in promotion order, production last "
        "(coe_architect), e.g. [development, validation, production]. An environment a site "
        "still has an instance in cannot be dropped. Audited.",
    )
    async def set_environments(
        self, info: Info[CoeContext, None], environments: list[str], reason: str | None = None
    ) -> EnterpriseResult:
        async with info.context.unit_of_work() as work:
            enterprise = await service.set_environments(work, environments, reason)
        return EnterpriseType.from_model(enterprise)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT, Role.SITE_ADMIN),
        description="Create or move a site's plant instance in one of the enterprise's "
        "environments: where its agent (or MES) listens there. Production is the "
        "coe_architect's (as plantEndpoint); the other environments also the site's "
        "site_admin's. Audited.",
    )
    async def set_plant_instance(
        self,
        info: Info[CoeContext, None],
        site: str,
        environment: str,
        endpoint: str,
        reason: str | None = None,
    ) -> SiteResult:
        async with info.context.unit_of_work() as work:
            row = await service.set_plant_instance(work, site, environment, endpoint, reason)
        return SiteType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT, Role.SITE_ADMIN),
        description="Remove a site's plant instance in one environment (same roles as "
        "setPlantInstance). NOT_FOUND when it has none there. Audited.",
    )
    async def remove_plant_instance(
        self,
        info: Info[CoeContext, None],
        site: str,
        environment: str,
        reason: str | None = None,
    ) -> SiteResult:
        async with info.context.unit_of_work() as work:
            row = await service.remove_plant_instance(work, site, environment, reason)
        return SiteType.from_model(row)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT, Role.SITE_ADMIN),
        description="Add an area to a site (coe_architect, or site_admin of that site).",
    )
    async def add_area(
        self, info: Info[CoeContext, None], site: str, key: str, name: str
    ) -> AreaResult:
        async with info.context.unit_of_work() as work:
            area = await service.add_area(work, site, key, name)
        return AreaType.from_model(area)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT, Role.SITE_ADMIN),
        description="Add a work center (line) to an area (coe_architect, or site_admin of the "
        "site).",
    )
    async def add_work_center(
        self,
        info: Info[CoeContext, None],
        site: str,
        area: str,
        key: str,
        name: str,
        equipment_classes: list[str] | None = None,
    ) -> WorkCenterResult:
        async with info.context.unit_of_work() as work:
            center = await service.add_work_center(
                work, site, area, key, name, equipment_classes or []
            )
        return WorkCenterType.from_model(center)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT, Role.SITE_ADMIN),
        description="Add a work unit (machine, station) to a work center (coe_architect, or "
        "site_admin of the site).",
    )
    async def add_work_unit(
        self,
        info: Info[CoeContext, None],
        site: str,
        work_center: str,
        key: str,
        name: str,
        equipment_class: str | None = None,
    ) -> WorkUnitResult:
        async with info.context.unit_of_work() as work:
            unit = await service.add_work_unit(work, site, work_center, key, name, equipment_class)
        return WorkUnitType.from_model(unit)
