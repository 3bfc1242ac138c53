"""Every SQL query of the equipment hierarchy."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import Area, Enterprise, PlantInstance, Site, WorkCenter, WorkUnit

Row = TypeVar("Row", bound=SQLModel)


async def enterprise(session: AsyncSession) -> Enterprise | None:
    return (await session.exec(select(Enterprise).order_by(col(Enterprise.id)).limit(1))).first()


async def site_by_key(session: AsyncSession, key: str) -> Site | None:
    return (await session.exec(select(Site).where(Site.key == key))).first()


async def sites_page(
    session: AsyncSession,
    *,
    keys: Collection[str] | None,
    region: str | None,
    after_key: str | None,
    limit: int,
) -> tuple[list[Site], int]:
    """Sites ordered by key, keyset-paginated; `keys` restricts to a caller's sites."""
    filters: list[Any] = []
    if keys is not None:
        filters.append(col(Site.key).in_(list(keys)))
    if region is not None:
        filters.append(Site.region == region)
    total = (await session.exec(select(func.count()).select_from(Site).where(*filters))).one()
    if after_key is not None:
        filters.append(col(Site.key) > after_key)
    statement = select(Site).where(*filters).order_by(col(Site.key)).limit(limit)
    return list((await session.exec(statement)).all()), total


async def sites_by_keys(session: AsyncSession, keys: Sequence[str]) -> list[Site]:
    return list((await session.exec(select(Site).where(col(Site.key).in_(list(keys))))).all())


async def instance(session: AsyncSession, site_id: int, environment: str) -> PlantInstance | None:
    statement = select(PlantInstance).where(
        PlantInstance.site_id == site_id, PlantInstance.environment == environment
    )
    return (await session.exec(statement)).first()


async def sites_by_environment(session: AsyncSession) -> dict[str, list[str]]:
    """Environment → the keys of the sites with an instance there (key order)."""
    statement = (
        select(PlantInstance.environment, Site.key)
        .join(Site, col(Site.id) == col(PlantInstance.site_id))
        .order_by(col(Site.key))
    )
    found: dict[str, list[str]] = {}
    for environment, key in (await session.exec(statement)).all():
        found.setdefault(environment, []).append(key)
    return found


async def endpoints(
    session: AsyncSession, site_keys: Sequence[str], environment: str
) -> dict[str, str]:
    """Site key → endpoint of its instance in `environment`, for the sites that have one."""
    statement = (
        select(Site.key, PlantInstance.endpoint)
        .join(PlantInstance, col(PlantInstance.site_id) == col(Site.id))
        .where(col(Site.key).in_(list(site_keys)), PlantInstance.environment == environment)
    )
    return dict((await session.exec(statement)).all())


async def area_by_key(session: AsyncSession, site_id: int, key: str) -> Area | None:
    statement = select(Area).where(Area.site_id == site_id, Area.key == key)
    return (await session.exec(statement)).first()


async def work_center_by_key(session: AsyncSession, site_id: int, key: str) -> WorkCenter | None:
    statement = select(WorkCenter).where(WorkCenter.site_id == site_id, WorkCenter.key == key)
    return (await session.exec(statement)).first()


async def work_unit_by_key(session: AsyncSession, site_id: int, key: str) -> WorkUnit | None:
    statement = select(WorkUnit).where(WorkUnit.site_id == site_id, WorkUnit.key == key)
    return (await session.exec(statement)).first()


async def children(
    session: AsyncSession,
    model: type[Row],
    parent_column: Any,
    parent_ids: Sequence[int],
    order_column: Any = None,
) -> list[Row]:
    """All children of many parents in one query (the DataLoaders' batch), in key order
    unless `order_column` says otherwise."""
    order = model.key if order_column is None else order_column  # type: ignore[attr-defined]
    statement = select(model).where(col(parent_column).in_(list(parent_ids))).order_by(col(order))
    return list((await session.exec(statement)).all())


async def add(session: AsyncSession, row: Row) -> Row:
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
