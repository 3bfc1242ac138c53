"""Read side of transfers: the package (computed now) and the transfers (from PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.graphql.context import CoeContext
from coe.graphql.pagination import (
    Connection,
    connection,
    decode_time_cursor,
    page_size,
    time_cursor,
)
from coe.graphql.permissions import PEOPLE, allow
from coe.transfers import package, service
from coe.transfers.types import TransferPackageType, TransferType


@strawberry.type
class TransferQueries:
    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Preview a transfer: the source's effective definition and KPI baseline "
        "(of `baselineVersion` over `baselineWindow` or [from, to); by default the last 30 "
        "days of the version the source runs, or of the newest version with enough units), "
        "the proposed target overlay, the decisions left to the target, equipment needed, "
        "blockers, what differs, and `warnings` (a baseline too small for a comparison at "
        "`tolerance`). `choices` are the target's values (JSON object). Nothing is written.",
    )
    async def transfer_package(
        self,
        info: Info[CoeContext, None],
        template: str,
        from_site: str,
        to_site: str,
        choices: JSON | None = None,
        from_: Annotated[
            date | None, strawberry.argument(name="from", description="First baseline day.")
        ] = None,
        to: Annotated[
            date | None, strawberry.argument(description="Day after the baseline's last.")
        ] = None,
        baseline_version: Annotated[
            str | None,
            strawberry.argument(
                description="The version whose units at the source make the baseline (one "
                "the source ran). Default: the running version if it has enough units, else "
                "the newest version that has."
            ),
        ] = None,
        baseline_window: Annotated[
            str | None,
            strawberry.argument(
                description="`90d` (the last 90 UTC days) or `FROM..TO` (ISO dates, TO "
                "excluded); instead of from/to. Default: the last 30 days."
            ),
        ] = None,
        tolerance: Annotated[
            float,
            strawberry.argument(
                description="The transfer's tolerance: what the baseline's size is judged by."
            ),
        ] = package.DEFAULT_TOLERANCE,
        min_units: Annotated[
            int, strawberry.argument(description="Units the target would make before qualifying.")
        ] = package.DEFAULT_MIN_UNITS,
    ) -> TransferPackageType:
        async with info.context.read() as session:
            found = await package.package(
                session,
                info.context.caller(),
                template,
                from_site,
                to_site,
                package.choices_of(choices),
                package.BaselineChoice(baseline_version, baseline_window, from_, to),
                package.Terms(tolerance, min_units),
            )
        return TransferPackageType.of(found)

    @strawberry.field(extensions=allow(*PEOPLE), description="One transfer.")
    async def transfer(self, info: Info[CoeContext, None], id: str) -> TransferType:
        async with info.context.read() as session:
            row = await service.get(session, info.context.caller(), id)
        return TransferType.from_model(row, info.context.settings)

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Transfers, newest first (site-scoped callers: those from or to their "
        "sites); filter by template and status.",
    )
    async def transfers(
        self,
        info: Info[CoeContext, None],
        template: str | None = None,
        status: list[str] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[TransferType]:
        limit = page_size(first, info.context.settings.max_page_size)
        async with info.context.read() as session:
            rows, total = await service.page(
                session,
                info.context.caller(),
                template=template,
                statuses=status,
                before=decode_time_cursor(after),
                limit=limit + 1,
            )
        nodes = [TransferType.from_model(row, info.context.settings) for row in rows]
        return connection(nodes, total, limit, time_cursor)
