"""`/ready` only checks: it is 503 while Temporal is down and ready once Temporal is back, and
the services every request shares are the same objects before and after (the connection the
lifespan owns connects itself, once, under a lock)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from coe.app import create_app
from coe.config import Settings
from coe.resources import Services
from coe.temporal_connection import TemporalConnection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Forwarder:
    """A TCP relay to Temporal on a port of its own, started when the test says so: Temporal
    "comes back" at an address the app already knows. It runs its own event loop in a thread,
    since the test client may block the test's loop while a request is served."""

    def __init__(self, target: str) -> None:
        host, port = target.rsplit(":", 1)
        self.target = (host, int(port))
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        serving = asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.server = asyncio.run_coroutine_threadsafe(serving, self.loop).result(timeout=10)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, upstream_writer]
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _close(self) -> None:
        for writer in self.writers:
            writer.close()
        if self.server is not None:
            self.server.close()
        relays = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in relays:
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)

    def stop(self) -> None:
        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(timeout=10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


@pytest.fixture
def forwarder(temporal_address: str) -> Iterator[Forwarder]:
    relay = Forwarder(temporal_address)
    try:
        yield relay
    finally:
        relay.stop()


def shared(services: Services) -> dict[str, Any]:
    return {field.name: getattr(services, field.name) for field in fields(services)}


async def test_ready_when_temporal_comes_back_without_touching_services(
    settings: Settings, forwarder: Forwarder
) -> None:
    late = settings.model_copy(update={"temporal_address": forwarder.address})
    async with AsyncTestClient(app=create_app(late)) as client:
        services: Services = client.app.state.services
        before = shared(services)
        down = await client.get("/ready")
        assert down.status_code == 503
        assert down.json()["checks"] == {"database": True, "temporal": False}
        assert services.temporal is None

        forwarder.start()
        back = await client.get("/ready")
        assert back.status_code == 200, back.json()
        assert back.json()["checks"] == {"database": True, "temporal": True}
        after = shared(services)
        assert all(after[name] is before[name] for name in before), "a probe replaced a service"
        assert services.temporal is not None  # requests now reach Temporal through the same
        assert services.temporal is services.temporal_connection.current


async def test_concurrent_callers_share_one_connection(settings: Settings) -> None:
    connection = TemporalConnection(settings)
    clients = await asyncio.gather(*(connection.client() for _ in range(5)))
    assert clients[0] is not None
    assert all(client is clients[0] for client in clients)
    assert await connection.healthy()
