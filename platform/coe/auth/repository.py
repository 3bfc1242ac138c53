"""Every SQL query of the local identity store and of the signing lockout."""

from __future__ import annotations

from psycopg.errors import LockNotAvailable
from sqlalchemy import delete, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.models import SigningLockout, User


async def by_username(session: AsyncSession, username: str) -> User | None:
    return (await session.exec(select(User).where(User.username == username))).first()


async def all_users(session: AsyncSession) -> list[User]:
    return list((await session.exec(select(User).order_by(col(User.username)))).all())


async def add(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def lockout(session: AsyncSession, username: str) -> SigningLockout | None:
    statement = select(SigningLockout).where(SigningLockout.username == username)
    return (await session.exec(statement)).first()


async def lockout_for_update(
    session: AsyncSession, username: str, *, create: bool = False
) -> SigningLockout | None:
    """The user id's row, locked until the transaction ends; with `create`, made if missing."""
    if create:
        connection = await session.connection()
        await connection.execute(
            insert(SigningLockout)
            .values(username=username, failures=0)
            .on_conflict_do_nothing(index_elements=["username"])
        )
    statement = (
        select(SigningLockout)
        .where(SigningLockout.username == username)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).first()


async def lockouts(session: AsyncSession) -> list[SigningLockout]:
    """Every user id with failed attempts on record, most recent failure first."""
    statement = select(SigningLockout).order_by(
        col(SigningLockout.last_failure_at).desc().nulls_last(), col(SigningLockout.username)
    )
    return list((await session.exec(statement)).all())


async def save_lockout(session: AsyncSession, row: SigningLockout) -> SigningLockout:
    session.add(row)
    await session.flush()
    return row


async def clear_lockout(session: AsyncSession, username: str) -> None:
    connection = await session.connection()
    await connection.execute(delete(SigningLockout).where(col(SigningLockout.username) == username))


async def limit_lock_wait(session: AsyncSession, seconds: float) -> None:
    """Give up (LockNotAvailable) rather than wait longer than `seconds` for a lock."""
    milliseconds = max(1, int(seconds * 1000))
    connection = await session.connection()
    await connection.execute(text(f"SET LOCAL lock_timeout = {milliseconds}"))


def lock_wait_timed_out(error: OperationalError) -> bool:
    return isinstance(error.orig, LockNotAvailable)
