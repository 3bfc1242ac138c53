"""Engine and session factory; transactions are owned by the edge (mutation, activity, CLI)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

Sessions = async_sessionmaker[AsyncSession]


def sqlalchemy_url(url: str) -> str:
    """Accept the usual libpq spellings and select the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    raise ValueError(f"DATABASE_URL must be a postgresql:// URL, got {url.split(':', 1)[0]}://…")


def libpq_url(url: str) -> str:
    """The same URL as plain libpq/psycopg understands it."""
    return "postgresql://" + sqlalchemy_url(url).removeprefix("postgresql+psycopg://")


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )


def create_sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: Sessions) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits when the block succeeds, rolls back on any exception."""
    async with sessions() as session, session.begin():
        yield session


@asynccontextmanager
async def read_only(sessions: Sessions) -> AsyncIterator[AsyncSession]:
    """A session for queries, enforced by PostgreSQL: its transaction is READ ONLY, so a write
    (or a `SELECT … FOR UPDATE`) fails instead of being silently rolled back at the end.
    Closing it ends its transaction without committing; the rows it loaded stay readable
    (closing detaches them, it does not expire them). The pool resets the connection's
    read-only flag when the session gives it back."""
    async with sessions() as session:
        await session.connection(execution_options={"postgresql_readonly": True})
        yield session
