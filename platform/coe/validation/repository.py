"""Every SQL query of validation records."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models.validation import ValidationDeviation, ValidationRecord, ValidationResult

Row = TypeVar("Row", ValidationResult, ValidationDeviation)


async def get(session: AsyncSession, template: str, version: str) -> ValidationRecord | None:
    statement = select(ValidationRecord).where(
        ValidationRecord.template == template, ValidationRecord.version == version
    )
    return (await session.exec(statement)).first()


async def get_for_update(
    session: AsyncSession, template: str, version: str
) -> ValidationRecord | None:
    statement = (
        select(ValidationRecord)
        .where(ValidationRecord.template == template, ValidationRecord.version == version)
        .with_for_update()
    )
    return (await session.exec(statement)).first()


async def listed(session: AsyncSession, template: str | None = None) -> list[ValidationRecord]:
    """Records by template, then version as stored (callers sort by semver)."""
    statement = select(ValidationRecord)
    if template is not None:
        statement = statement.where(ValidationRecord.template == template)
    ordered = statement.order_by(col(ValidationRecord.template), col(ValidationRecord.id))
    return list((await session.exec(ordered)).all())


async def latest_results(session: AsyncSession, record_id: int) -> list[ValidationResult]:
    """The latest result of each test case (or automated check) of a record."""
    statement = (
        select(ValidationResult)
        .where(ValidationResult.record_id == record_id)
        .order_by(
            col(ValidationResult.test_case),
            col(ValidationResult.executed_at).desc(),
            col(ValidationResult.id).desc(),
        )
        .distinct(col(ValidationResult.test_case))
    )
    return list((await session.exec(statement)).all())


async def history(session: AsyncSession, record_ids: list[int]) -> list[ValidationResult]:
    """Every result of the records, newest first."""
    statement = (
        select(ValidationResult)
        .where(col(ValidationResult.record_id).in_(record_ids))
        .order_by(col(ValidationResult.executed_at).desc(), col(ValidationResult.id).desc())
    )
    return list((await session.exec(statement)).all())


async def deviations(session: AsyncSession, record_ids: list[int]) -> list[ValidationDeviation]:
    """Every deviation of the records, in the order they were opened."""
    statement = (
        select(ValidationDeviation)
        .where(col(ValidationDeviation.record_id).in_(record_ids))
        .order_by(col(ValidationDeviation.record_id), col(ValidationDeviation.id))
    )
    return list((await session.exec(statement)).all())


async def deviation_for_update(
    session: AsyncSession, record_id: int, key: str
) -> ValidationDeviation | None:
    statement = (
        select(ValidationDeviation)
        .where(ValidationDeviation.record_id == record_id, ValidationDeviation.key == key)
        .with_for_update()
    )
    return (await session.exec(statement)).first()


async def deviation_count(session: AsyncSession, record_id: int) -> int:
    statement = (
        select(func.count())
        .select_from(ValidationDeviation)
        .where(ValidationDeviation.record_id == record_id)
    )
    count: int = (await session.exec(statement)).one()
    return count


async def add(session: AsyncSession, row: Row) -> Row:
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def save(session: AsyncSession, row: ValidationRecord) -> ValidationRecord:
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
