"""The API's one connection to Temporal, owned by the app's lifespan.

The API starts and serves while Temporal is down. Whoever next needs Temporal (the readiness
probe, say) asks `client()`: it connects under a lock, so concurrent callers make one attempt
and share its client. Nothing else holds or replaces the client, so a probe never changes the
services the requests share."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from coe import telemetry
from coe.config import Settings

if TYPE_CHECKING:
    from temporalio.client import Client

log = logging.getLogger("coe.temporal")

CONNECT_TIMEOUT_SECONDS = 5.0
HEALTH_TIMEOUT_SECONDS = 2.0


class TemporalConnection:
    """A Temporal client made once, when first needed; None while Temporal is unreachable."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    @property
    def current(self) -> Client | None:
        """The client if connected already (never waits, never connects)."""
        return self._client

    async def client(self) -> Client | None:
        """The client, connecting first if need be (one attempt at a time)."""
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await self._connect()
        return self._client

    async def healthy(self) -> bool:
        """Temporal answers its health check (connecting first if need be)."""
        client = await self.client()
        if client is None:
            return False
        try:
            await asyncio.wait_for(
                client.service_client.check_health(), timeout=HEALTH_TIMEOUT_SECONDS
            )
        except Exception:
            log.warning("readiness: Temporal health check failed", exc_info=True)
            return False
        return True

    async def _connect(self) -> Client | None:
        from temporalio.client import Client

        settings = self._settings
        try:
            return await asyncio.wait_for(
                Client.connect(
                    settings.temporal_target,
                    namespace=settings.temporal_namespace,
                    interceptors=telemetry.temporal_interceptors(),
                ),
                timeout=CONNECT_TIMEOUT_SECONDS,
            )
        except Exception as error:
            log.warning("Temporal at %s is not reachable: %s", settings.temporal_target, error)
            return None
