"""Per-request GraphQL context: who is calling, and how to reach the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.litestar.controller import BaseContext

from coe.auth.principal import Principal
from coe.auth.scope import Scope
from coe.config import Settings
from coe.db import read_only, transaction
from coe.errors import CoeError, UnauthenticatedError
from coe.resources import Services
from coe.work import UnitOfWork


class CoeContext(BaseContext, kw_only=True):
    """What every resolver sees as `info.context` (a Struct, as strawberry's Litestar
    integration requires)."""

    services: Services
    request_id: str
    principal: Principal | None = None
    auth_error: CoeError | None = None
    loaders: dict[str, DataLoader[Any, Any]] = msgspec.field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def caller(self) -> Principal:
        """The authenticated caller; raises UNAUTHENTICATED when there is none."""
        if self.principal is None:
            raise self.auth_error or UnauthenticatedError("missing bearer token")
        return self.principal

    def scope(self) -> Scope:
        """The sites the caller may see (raises UNAUTHENTICATED when there is no caller)."""
        return Scope.of(self.caller())

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session: one per resolver, since sibling resolvers run at once."""
        async with read_only(self.services.sessions) as session:
            yield session

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """One transaction per mutation: committed on success, nothing left on failure."""
        async with transaction(self.services.sessions) as session:
            yield UnitOfWork(
                session=session,
                principal=self.caller(),
                audit_key=self.services.audit_key,
                request_id=self.request_id,
            )

    def loader(self, name: str, factory: Any) -> DataLoader[Any, Any]:
        """A DataLoader built once per request, so lists resolve in one query per level."""
        if name not in self.loaders:
            self.loaders[name] = factory(self)
        return self.loaders[name]
