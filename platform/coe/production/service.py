"""Ingesting a batch of production events: check each, store the new ones, keep rollups."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import metrics, trace
from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal, Role
from coe.errors import ForbiddenError
from coe.production import repository
from coe.production.events import (
    ReasonTrees,
    check_batch,
    decompress,
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
    """Per-process memo: partitions known to exist, and reason trees of published versions
    (immutable once published, so they never go stale)."""

    partitions: set[tuple[int, int]] = field(default_factory=set)
    trees: dict[tuple[str, str], ReasonTrees] = field(default_factory=dict)


async def ingest(
    session: AsyncSession,
    principal: Principal,
    body: bytes,
    encoding: str | None,
    limits: IngestLimits,
    state: IngestState,
) -> IngestResult:
    """Check every event of a plant's batch and store the valid new ones (one transaction)."""
    if Role.PLANT not in principal.roles or not principal.sites:
        raise ForbiddenError("only a plant token (role plant, bound to its site) sends events")
    started = time.perf_counter()
    with tracer.start_as_current_span("ingest production events") as span:
        events = parse_batch(
            decompress(body, encoding, limits.max_inflated_bytes), limits.max_events
        )
        pairs = {
            (e.get("template"), e.get("templateVersion"))
            for _, e in events
            if isinstance(e, dict)
            and isinstance(e.get("template"), str)
            and isinstance(e.get("templateVersion"), str)
        }
        trees = await _trees(session, pairs, state)
        checked = check_batch(events, frozenset(principal.sites), trees)
        result = IngestResult(rejected=checked.rejected)
        if checked.rows:
            await repository.lock_sites(session, (row[0] for row in checked.rows))
            await repository.ensure_partitions(session, months(checked.rows), state.partitions)
            await repository.stage(session, checked.rows)
            result.accepted = await repository.store(session)
            result.duplicates = len(checked.rows) - result.accepted
        span.set_attributes(
            {
                "coe.site": ",".join(sorted(principal.sites)),
                "coe.events": len(events),
                "coe.accepted": result.accepted,
                "coe.duplicates": result.duplicates,
                "coe.rejected": len(result.rejected),
            }
        )
    site = ",".join(sorted(principal.sites))
    for outcome, count in (
        ("accepted", result.accepted),
        ("duplicate", result.duplicates),
        ("rejected", len(result.rejected)),
    ):
        if count:
            EVENTS.add(count, {"site": site, "outcome": outcome})
    BATCH_SIZE.record(len(events), {"site": site})
    DURATION.record(time.perf_counter() - started, {"site": site})
    return result


async def _trees(
    session: AsyncSession, pairs: set[Any], state: IngestState
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
