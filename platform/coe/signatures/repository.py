"""Every SQL query of the signatures."""

from __future__ import annotations

from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import Signature


async def add(session: AsyncSession, signature: Signature) -> Signature:
    session.add(signature)
    await session.flush()
    return signature


async def by_id(session: AsyncSession, signature_id: UUID) -> Signature | None:
    return await session.get(Signature, signature_id)


async def for_entity(session: AsyncSession, entity_type: str, entity_id: str) -> list[Signature]:
    statement = (
        select(Signature)
        .where(Signature.entity_type == entity_type, Signature.entity_id == entity_id)
        .order_by(col(Signature.signed_at))
    )
    return list((await session.exec(statement)).all())


async def by_ids(session: AsyncSession, ids: list[UUID]) -> list[Signature]:
    return list((await session.exec(select(Signature).where(col(Signature.id).in_(ids)))).all())
