"""Commands that act on this installation directly (database, signing key), not via the API.

They are the administrator's tools — creating users, issuing dev tokens, verifying the audit
chain independently of the service — and record their changes under a `local-admin:` actor.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from coe.auth.principal import Principal, Role
from coe.config import Settings
from coe.db import Sessions, create_engine, create_sessions, transaction
from coe.migrations import upgrade
from coe.secrets import audit_key
from coe.stack.postgres import resolve_database_url
from coe.work import UnitOfWork

T = TypeVar("T")


def local_admin() -> Principal:
    user = getpass.getuser()
    return Principal(subject=f"local-admin:{user}", name=user, roles=frozenset(Role))


@asynccontextmanager
async def local_database(settings: Settings) -> AsyncIterator[Sessions]:
    """The configured database (the embedded one when DATABASE_URL is unset), migrated."""
    url, server = await asyncio.to_thread(resolve_database_url, settings)
    try:
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url, pool_size=2)
        try:
            yield create_sessions(engine)
        finally:
            await engine.dispose()
    finally:
        if server is not None:
            server.cleanup()


def run_as_admin(settings: Settings, action: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run `action` in one transaction as the local administrator."""

    async def run() -> T:
        async with local_database(settings) as sessions, transaction(sessions) as session:
            work = UnitOfWork(
                session=session, principal=local_admin(), audit_key=audit_key(settings)
            )
            return await action(work)

    return asyncio.run(run())
