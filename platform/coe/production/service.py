"""Ingesting a batch of production events: check each, store the new ones, keep rollups.

The phases, in the order the edge (http.py) runs them: `plant_sites` (who may send), `read` and
`check` (CPU-bound, in a worker thread so the event loop keeps serving), `scope` (the sites and
template versions the batch names), then `create_partitions` in a transaction of its own and
`store` in the batch's transaction.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from opentelemetry import metrics, trace
from sqlalchemy.exc import DBAPIError
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal, Role
from coe.config import Settings
from coe.errors import ForbiddenError
from coe.production import repository
from coe.production.events import (
    MAX_AGE,
    Checked,
    ReasonTrees,
    Row,
    check_batch,
    decompress,
    is_json_array_type,
    months,
    parse_batch,
)
from coe.templates.validation import reason_codes

tracer = trace.get_tracer("coe.production")
meter = metrics.get_meter("coe.production")
EVENTS = meter.create_counter(
    "coe.ingest.events", unit="{event}", description="Production events received, by outcome"
)
BATCH_SIZE = meter.create_histogram(
    "coe.ingest.batch_size", unit="{event}", description="Events per ingest request"
)
DURATION = meter.create_histogram(
    "coe.ingest.duration", unit="s", description="Time to check and store one batch"
)


@dataclass
class IngestLimits:
    max_body_bytes: int
    max_inflated_bytes: int
    max_events: int
    max_age: timedelta = MAX_AGE

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        return cls(
            settings.ingest_max_body_bytes,
            settings.ingest_max_inflated_bytes,
            settings.ingest_max_events,
            timedelta(days=settings.ingest_max_age_days),
        )


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "errors": self.rejected,
        }


@dataclass
class IngestState:
    """Per-process memo: partitions known to exist (learnt only once their creation has
    committed), and reason trees of published versions (immutable once published, so they
    never go stale)."""

    partitions: set[tuple[int, int]] = field(default_factory=set)
    trees: dict[tuple[str, str], ReasonTrees] = field(default_factory=dict)

    def missing_partitions(self, rows: list[Row]) -> list[tuple[int, int]]:
        return [month for month in months(rows) if month not in self.partitions]


@dataclass(frozen=True)
class Batch:
    """A decoded body: (locator, event) pairs and the template versions they name."""

    events: list[tuple[str, Any]]
    versions: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Scope:
    """What the checks need from the database: the token's sites that exist (and those that
    do not), and the reason trees of the published template versions the batch names."""

    sites: frozenset[str]
    unknown_sites: frozenset[str]
    trees: Mapping[tuple[str, str], ReasonTrees]


def plant_sites(principal: Principal) -> frozenset[str]:
    """The sites a caller sends events for; only plant tokens bound to a site send any."""
    if Role.PLANT not in principal.roles or not principal.sites:
        raise ForbiddenError("only a plant token (role plant, bound to its site) sends events")
    return frozenset(principal.sites)


async def read(
    body: bytes, encoding: str | None, content_type: str | None, limits: IngestLimits
) -> Batch:
    """Inflate and decode the body in a worker thread (CPU-bound: the loop stays free)."""
    return await asyncio.to_thread(_read, body, encoding, content_type, limits)


def _read(
    body: bytes, encoding: str | None, content_type: str | None, limits: IngestLimits
) -> Batch:
    events = parse_batch(
        decompress(body, encoding, limits.max_inflated_bytes),
        limits.max_events,
        json_array=is_json_array_type(content_type),
    )
    versions = frozenset(
        (event["template"], event["templateVersion"])
        for _, event in events
        if isinstance(event, dict)
        and isinstance(event.get("template"), str)
        and isinstance(event.get("templateVersion"), str)
    )
    return Batch(events, versions)


async def scope(
    session: AsyncSession, principal: Principal, batch: Batch, state: IngestState
) -> Scope:
    """The token's sites that exist and the reason trees the batch needs (read-only). A token
    whose sites are all unknown (minted for a site that does not exist, or no longer does)
    stores nothing."""
    sites = plant_sites(principal)
    known = await repository.known_sites(session, sites)
    if not known:
        raise ForbiddenError(
            f"the token's site {', '.join(sorted(sites))} is not a known site; "
            "nothing is stored for it"
        )
    return Scope(known, sites - known, await _trees(session, batch.versions, state))


async def check(batch: Batch, scope: Scope, limits: IngestLimits) -> Checked:
    """Every event checked on its own, in a worker thread (CPU-bound: the loop stays free)."""
    return await asyncio.to_thread(
        partial(
            check_batch,
            batch.events,
            scope.sites,
            scope.trees,
            max_age=limits.max_age,
            unknown_sites=scope.unknown_sites,
        )
    )


async def create_partitions(session: AsyncSession, missing: Iterable[tuple[int, int]]) -> None:
    """Create the month partitions a batch needs; the caller commits, then remembers them."""
    await repository.create_partitions(session, missing)


def lost_partition(error: DBAPIError) -> bool:
    """Storing failed because a partition the process remembered no longer exists."""
    return repository.lost_partition(error)


async def store(session: AsyncSession, checked: Checked) -> IngestResult:
    """Store the valid new events of a checked batch and update the rollups (flushes only)."""
    result = IngestResult(rejected=checked.rejected)
    if checked.rows:
        await repository.lock_sites(session, (row[0] for row in checked.rows))
        await repository.stage(session, checked.rows)
        result.accepted = await repository.store(session)
        result.duplicates = len(checked.rows) - result.accepted
    return result


def record(span: trace.Span, principal: Principal, result: IngestResult, started: float) -> None:
    """The batch's span attributes and the ingest metrics."""
    site = ",".join(sorted(principal.sites))
    events = result.accepted + result.duplicates + len(result.rejected)
    span.set_attributes(
        {
            "coe.site": site,
            "coe.events": events,
            "coe.accepted": result.accepted,
            "coe.duplicates": result.duplicates,
            "coe.rejected": len(result.rejected),
        }
    )
    for outcome, count in (
        ("accepted", result.accepted),
        ("duplicate", result.duplicates),
        ("rejected", len(result.rejected)),
    ):
        if count:
            EVENTS.add(count, {"site": site, "outcome": outcome})
    BATCH_SIZE.record(events, {"site": site})
    DURATION.record(time.perf_counter() - started, {"site": site})


async def _trees(
    session: AsyncSession, pairs: Iterable[tuple[str, str]], state: IngestState
) -> Mapping[tuple[str, str], ReasonTrees]:
    missing = [pair for pair in pairs if pair not in state.trees]
    if missing:
        for pair, spec in (await repository.published_reason_codes(session, missing)).items():
            codes = reason_codes(spec)
            state.trees[pair] = ReasonTrees(
                downtime=frozenset(codes.get("downtime", ())),
                scrap=frozenset(codes.get("scrap", ())),
                rework=frozenset(codes.get("rework", ())),
            )
    return state.trees
