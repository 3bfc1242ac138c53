"""Every SQL query of the template registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import TemplateStatus, TemplateVersion
from coe.models.registry import FROZEN_STATUSES


def _newest_first() -> list[Any]:
    return [
        col(TemplateVersion.major).desc(),
        col(TemplateVersion.minor).desc(),
        col(TemplateVersion.patch).desc(),
        col(TemplateVersion.id).desc(),
    ]


async def get(session: AsyncSession, key: str, version: str) -> TemplateVersion | None:
    statement = select(TemplateVersion).where(
        TemplateVersion.key == key, TemplateVersion.version == version
    )
    return (await session.exec(statement)).first()


async def get_for_update(session: AsyncSession, key: str, version: str) -> TemplateVersion | None:
    statement = (
        select(TemplateVersion)
        .where(TemplateVersion.key == key, TemplateVersion.version == version)
        .with_for_update()
    )
    return (await session.exec(statement)).first()


async def versions(
    session: AsyncSession, key: str, statuses: Sequence[str] | None = None
) -> list[TemplateVersion]:
    """Versions of one template, newest first."""
    statement = select(TemplateVersion).where(TemplateVersion.key == key)
    if statuses is not None:
        statement = statement.where(col(TemplateVersion.status).in_(list(statuses)))
    return list((await session.exec(statement.order_by(*_newest_first()))).all())


async def published(session: AsyncSession, key: str) -> list[TemplateVersion]:
    """Published (incl. deprecated and retired) versions, newest first."""
    return await versions(session, key, [str(s) for s in FROZEN_STATUSES])


async def latest_published(session: AsyncSession, key: str) -> TemplateVersion | None:
    rows = await versions(session, key, [TemplateStatus.PUBLISHED, TemplateStatus.DEPRECATED])
    return rows[0] if rows else None


async def keys_page(
    session: AsyncSession, after_key: str | None, limit: int
) -> tuple[list[str], int]:
    keys = select(TemplateVersion.key).distinct()
    total = (await session.exec(select(func.count()).select_from(keys.subquery()))).one()
    if after_key is not None:
        keys = keys.where(TemplateVersion.key > after_key)
    rows = (await session.exec(keys.order_by(col(TemplateVersion.key)).limit(limit))).all()
    return list(rows), total


async def versions_of(session: AsyncSession, keys: Sequence[str]) -> list[TemplateVersion]:
    """Every version of `keys`, by key, newest first."""
    statement = select(TemplateVersion).where(col(TemplateVersion.key).in_(list(keys)))
    ordered = statement.order_by(col(TemplateVersion.key), *_newest_first())
    return list((await session.exec(ordered)).all())


async def save(session: AsyncSession, row: TemplateVersion) -> TemplateVersion:
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
