"""The demo plants' production, plugged into the reference agent (`coe plant-agent --produce`):
it runs beside the agent's server (a `coe.agent.app.Companion`), reads what each site runs
from the agent's state and sends the events `coe.demo.production` makes to the platform."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from coe.agent.store import SiteStore, write_json
from coe.demo.history import history_closed
from coe.demo.production import Line, produce

log = logging.getLogger("coe.demo.producer")


class Producer:
    """Demo production: every `interval` seconds each site makes units and batches under the
    definitions it runs, and sends them to the platform's ingest endpoint with its plant token.

    The first time a site runs a template, `backfill` of history is made, split evenly between
    the versions the site has run (oldest first), so an upgrade already shows in the KPIs —
    for what the plants ran before the platform: deployments until the time written in
    `HISTORY_CLOSED` in the agent's folder (`coe demo-rollouts` writes it when done). A
    template deployed after that (a transfer, a new process) starts producing at its
    deployment. A line starts only once its deployment is `settle` old: a platform that has
    just started may still be rolling an upgrade out right behind the first version."""

    def __init__(
        self,
        stores: dict[str, SiteStore],
        api_url: str,
        tokens: Mapping[str, str],
        *,
        interval: float = 5.0,
        backfill: timedelta = timedelta(days=14),
        settle: timedelta = timedelta(seconds=20),
    ) -> None:
        self.stores, self.api_url, self.tokens = stores, api_url.rstrip("/"), tokens
        self.interval, self.backfill, self.settle = interval, backfill, settle
        self.rngs: dict[str, random.Random] = {}

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            while True:
                for store in self.stores.values():
                    try:
                        await self.tick(store, http)
                    except (httpx.HTTPError, OSError) as error:
                        log.warning("production for %s not sent yet: %s", store.site, error)
                await asyncio.sleep(self.interval)

    async def tick(self, store: SiteStore, http: httpx.AsyncClient) -> None:
        now = datetime.now(UTC)
        production = store.state.setdefault("production", {"lines": {}, "outbox": []})
        closed = history_closed(store.folder)
        for template, entry in sorted(store.state["templates"].items()):
            current = entry.get("current")
            if not current:
                continue
            raw = production["lines"].get(template)
            rng = self.rngs.setdefault(
                f"{store.site}/{template}",
                random.Random(f"{store.site}/{template}"),  # noqa: S311 - a simulation
            )
            since = datetime.fromisoformat(current["since"])
            if raw:
                line = Line.from_json(raw)
            elif now - since < self.settle:
                continue
            elif closed is not None and since > closed:
                line = Line(store.site, template, current["version"], [], since)  # no history
            else:
                line = Line(store.site, template, current["version"], [], now - self.backfill)
                history = [*reversed(entry["previous"])]
                share = self.backfill / (len(history) + 1)
                for number, past in enumerate(history, start=1):
                    line.version = past["version"]
                    until = now - self.backfill + share * number
                    production["outbox"] += produce(line, past["definition"], until, rng)
            line.version = current["version"]
            production["outbox"] += produce(line, current["definition"], now, rng)
            production["lines"][template] = line.as_json()
        await self.send(store, http, production)
        write_json(store.path, store.state)

    async def send(
        self, store: SiteStore, http: httpx.AsyncClient, production: dict[str, Any]
    ) -> None:
        """Send the outbox in batches; what is not accepted stays for the next tick."""
        outbox: list[dict[str, Any]] = production["outbox"]
        while outbox:
            chunk = outbox[:5000]
            response = await http.post(
                f"{self.api_url}/api/v1/events",
                json=chunk,
                headers={"Authorization": f"Bearer {self.tokens[store.site]}"},
            )
            response.raise_for_status()
            del outbox[: len(chunk)]
