"""Read side of rollouts, the ledger and drift: from PostgreSQL, without asking Temporal."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.graphql.pagination import Connection, connection, decode_cursor, page_size
from coe.graphql.permissions import ANY_ROLE, allow
from coe.rollouts import repository, service
from coe.rollouts.types import DriftType, LedgerEntryType, RolloutType


@strawberry.type
class RolloutQueries:
    @strawberry.field(
        extensions=allow(*ANY_ROLE),
        description="One rollout: waves by sites with states and reasons "
        "(site-scoped callers see their sites only).",
    )
    async def rollout(self, info: Info[CoeContext, None], id: str) -> RolloutType:
        async with info.context.read() as session:
            row = await service.get(session, id)
            sites = await repository.sites_of(session, [row.id])
        return RolloutType.from_model(
            row, service.visible_sites(info.context.caller(), sites), info.context.settings
        )

    @strawberry.field(
        extensions=allow(*ANY_ROLE),
        description="Rollouts, newest first; filter by template and status.",
    )
    async def rollouts(
        self,
        info: Info[CoeContext, None],
        template: str | None = None,
        status: list[str] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[RolloutType]:
        limit = page_size(first, info.context.settings.max_page_size)
        cursor = decode_cursor(after)
        async with info.context.read() as session:
            rows, total = await repository.rollouts_page(
                session,
                template=template,
                statuses=status,
                before=datetime.fromisoformat(cursor) if cursor else None,
                limit=limit + 1,
            )
            sites = await repository.sites_of(session, [row.id for row in rows])
        principal = info.context.caller()
        nodes = [
            RolloutType.from_model(
                row,
                service.visible_sites(principal, [s for s in sites if s.rollout_id == row.id]),
                info.context.settings,
            )
            for row in rows
        ]
        return connection(nodes, total, limit, lambda node: node.started_at.isoformat())

    @strawberry.field(
        extensions=allow(*ANY_ROLE),
        description="The deployment ledger: what runs where, since when, by which "
        "rollout. `history` includes superseded and rolled-back entries.",
    )
    async def ledger(
        self,
        info: Info[CoeContext, None],
        site: str | None = None,
        template: str | None = None,
        history: bool = False,
        first: int = 100,
    ) -> list[LedgerEntryType]:
        principal = info.context.caller()
        if site is not None:
            principal.require_site(site)
        readable = principal.readable_sites()
        scope = [site] if site else (sorted(readable) if readable is not None else None)
        limit = page_size(first, info.context.settings.max_page_size)
        async with info.context.read() as session:
            rows = (
                await repository.history(session, sites=scope, template=template, limit=limit)
                if history
                else await repository.live(session, sites=scope, template=template)
            )
        return [LedgerEntryType.from_model(row) for row in rows[:limit]]

    @strawberry.field(
        extensions=allow(*ANY_ROLE),
        description="Open drift: plants running a hash the ledger does not expect "
        "(checked by a Temporal Schedule).",
    )
    async def drift(self, info: Info[CoeContext, None]) -> list[DriftType]:
        readable = info.context.caller().readable_sites()
        async with info.context.read() as session:
            rows = await repository.open_drift(
                session, sites=sorted(readable) if readable is not None else None
            )
        return [DriftType.from_model(row) for row in rows]
