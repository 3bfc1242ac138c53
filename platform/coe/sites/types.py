"""GraphQL types of the equipment hierarchy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.models import PRODUCTION, Area, PlantInstance, Site, WorkCenter, WorkUnit
from coe.sites import service


def _children_loader(model: Any, parent_column: Any, to_type: Any, order_column: Any = None) -> Any:
    def factory(context: CoeContext) -> DataLoader[int, list[Any]]:
        async def load(parent_ids: list[int]) -> list[list[Any]]:
            async with context.read() as session:
                rows = await service.children_of(
                    session, model, parent_column, parent_ids, order_column
                )
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in rows:
                grouped[getattr(row, parent_column.key)].append(to_type(row))
            return [grouped[parent_id] for parent_id in parent_ids]

        return DataLoader(load_fn=load)

    return factory


@strawberry.type(description="A key/value label on a site, e.g. `business-unit: cardio`.")
class Label:
    key: str = strawberry.field(description="Label key.")
    value: str = strawberry.field(description="Label value.")


@strawberry.type(
    name="WorkUnit", description="A machine or station within a work center (ISA-95 work unit)."
)
class WorkUnitType:
    key: str = strawberry.field(description="Key, unique within the site.")
    name: str = strawberry.field(description="Display name.")
    equipment_class: str | None = strawberry.field(description="Equipment class of the unit.")

    @classmethod
    def from_model(cls, row: WorkUnit) -> WorkUnitType:
        return cls(key=row.key, name=row.name, equipment_class=row.equipment_class)


@strawberry.type(
    name="WorkCenter", description="A line or cell within an area (ISA-95 work center)."
)
class WorkCenterType:
    id: strawberry.Private[int]
    key: str = strawberry.field(description="Key, unique within the site.")
    name: str = strawberry.field(description="Display name.")
    equipment_classes: list[str] = strawberry.field(
        description="Equipment classes this work center provides (what processes it can run)."
    )

    @strawberry.field(description="The work units of this work center.")
    async def work_units(self, info: Info[CoeContext, None]) -> list[WorkUnitType]:
        loader = info.context.loader("work_units", WORK_UNITS)
        result: list[WorkUnitType] = await loader.load(self.id)
        return result

    @classmethod
    def from_model(cls, row: WorkCenter) -> WorkCenterType:
        assert row.id is not None
        return cls(
            id=row.id, key=row.key, name=row.name, equipment_classes=list(row.equipment_classes)
        )


@strawberry.type(name="Area", description="An area of a site, e.g. Packaging or Assembly.")
class AreaType:
    id: strawberry.Private[int]
    key: str = strawberry.field(description="Key, unique within the site.")
    name: str = strawberry.field(description="Display name.")

    @strawberry.field(description="The work centers (lines) of this area.")
    async def work_centers(self, info: Info[CoeContext, None]) -> list[WorkCenterType]:
        loader = info.context.loader("work_centers", WORK_CENTERS)
        result: list[WorkCenterType] = await loader.load(self.id)
        return result

    @classmethod
    def from_model(cls, row: Area) -> AreaType:
        assert row.id is not None
        return cls(id=row.id, key=row.key, name=row.name)


@strawberry.type(
    name="PlantInstance",
    description="Where a site's plant instance (its MES or the reference agent) listens in one "
    "environment (today: production).",
)
class PlantInstanceType:
    environment: str = strawberry.field(description="The environment, e.g. `production`.")
    endpoint: str = strawberry.field(description="Base URL of the instance.")
    updated_at: datetime = strawberry.field(description="When the endpoint last changed (UTC).")

    @classmethod
    def from_model(cls, row: PlantInstance) -> PlantInstanceType:
        assert row.updated_at
        return cls(environment=row.environment, endpoint=row.endpoint, updated_at=row.updated_at)


@strawberry.type(name="Site", description="A plant of the enterprise.")
class SiteType:
    id: strawberry.Private[int]
    key: str = strawberry.field(description="Site key, e.g. `cork`; unique in the enterprise.")
    name: str = strawberry.field(description="Display name.")
    region: str = strawberry.field(description="Region, e.g. `emea`, `apac`, `americas`.")
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    time_zone: str = strawberry.field(description="IANA time zone of the plant.")
    regulatory_scope: list[str] = strawberry.field(
        description="Regulations the site works under, e.g. `21 CFR 820`, `EU MDR`."
    )
    labels: list[Label] = strawberry.field(description="Free-form key/value labels.")
    created_at: datetime = strawberry.field(description="When the site was registered (UTC).")
    updated_at: datetime = strawberry.field(description="When its master data last changed.")

    async def _instances(self, info: Info[CoeContext, None]) -> list[PlantInstanceType]:
        loader = info.context.loader("plant_instances", INSTANCES)
        result: list[PlantInstanceType] = await loader.load(self.id)
        return result

    @strawberry.field(description="The site's plant instances, one per environment it runs in.")
    async def instances(self, info: Info[CoeContext, None]) -> list[PlantInstanceType]:
        return await self._instances(info)

    @strawberry.field(
        description="Base URL of the site's production plant instance (its MES or the "
        "reference agent); null when it has none. See `instances` for every environment."
    )
    async def plant_endpoint(self, info: Info[CoeContext, None]) -> str | None:
        for instance in await self._instances(info):
            if instance.environment == PRODUCTION:
                return instance.endpoint
        return None

    @strawberry.field(description="The areas of the site.")
    async def areas(self, info: Info[CoeContext, None]) -> list[AreaType]:
        loader = info.context.loader("areas", AREAS)
        result: list[AreaType] = await loader.load(self.id)
        return result

    @classmethod
    def from_model(cls, row: Site) -> SiteType:
        assert row.id is not None
        assert row.created_at
        assert row.updated_at
        return cls(
            id=row.id,
            key=row.key,
            name=row.name,
            region=row.region,
            country=row.country,
            time_zone=row.time_zone,
            regulatory_scope=list(row.regulatory_scope),
            labels=[Label(key=k, value=str(v)) for k, v in sorted(row.labels.items())],
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


AREAS = _children_loader(Area, Area.site_id, AreaType.from_model)
WORK_CENTERS = _children_loader(WorkCenter, WorkCenter.area_id, WorkCenterType.from_model)
WORK_UNITS = _children_loader(WorkUnit, WorkUnit.work_center_id, WorkUnitType.from_model)
INSTANCES = _children_loader(
    PlantInstance, PlantInstance.site_id, PlantInstanceType.from_model, PlantInstance.environment
)


@strawberry.input(description="A label to set on a site.")
class LabelInput:
    key: str = strawberry.field(description="Label key.")
    value: str = strawberry.field(description="Label value.")


@strawberry.input(description="A new site.")
class SiteInput:
    key: str = strawberry.field(description="Site key: lowercase letters, digits and '-'.")
    name: str = strawberry.field(description="Display name.")
    region: str = strawberry.field(description="Region key, e.g. `emea`.")
    time_zone: str = strawberry.field(description="IANA time zone, e.g. `Europe/Dublin`.")
    country: str | None = strawberry.field(default=None, description="ISO country code.")
    regulatory_scope: list[str] = strawberry.field(
        default_factory=list, description="Regulations the site works under."
    )
    labels: list[LabelInput] = strawberry.field(default_factory=list, description="Labels.")
    plant_endpoint: str | None = strawberry.field(
        default=None, description="Base URL of the site's production plant instance."
    )


@strawberry.input(description="Changes to a site; omitted fields stay as they are.")
class SitePatch:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name.")
    region: str | None = strawberry.field(default=strawberry.UNSET, description="Region key.")
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="IANA time zone."
    )
    country: str | None = strawberry.field(
        default=strawberry.UNSET, description="ISO country code; null clears it."
    )
    regulatory_scope: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the regulatory scope."
    )
    labels: list[LabelInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces all labels."
    )
    plant_endpoint: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Production plant instance URL; null removes the production instance.",
    )


def labels_dict(labels: Sequence[LabelInput] | None) -> dict[str, str] | None:
    return None if labels is None else {label.key: label.value for label in labels}
