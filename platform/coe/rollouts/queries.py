"""Read side of rollouts, the ledger and drift: from PostgreSQL, without asking Temporal."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, TypeAlias

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.documents import parse_source
from coe.environments import PRODUCTION
from coe.graphql.context import CoeContext
from coe.graphql.pagination import (
    Connection,
    connection,
    decode_time_cursor,
    page_size,
    time_cursor,
)
from coe.graphql.permissions import PEOPLE, allow
from coe.graphql.results import Problems
from coe.rollouts import service
from coe.rollouts.types import (
    DriftType,
    KpiGuardEstimateType,
    LedgerEntryType,
    PlannedWaveType,
    RolloutPlanCheckType,
    RolloutType,
    describe_gate,
)

RolloutPlanCheckResult: TypeAlias = Annotated[
    RolloutPlanCheckType | Problems,
    strawberry.union(
        "RolloutPlanCheckResult", description="The plan as it would run, or its problems."
    ),
]


@strawberry.type
class RolloutQueries:
    @strawberry.field(
        extensions=allow(Role.COE_ARCHITECT),
        description="Check a RolloutPlan (YAML or JSON text) as startRollout would, without "
        "starting it: ValidationFailed with the violations, or the waves resolved now and "
        "what each kpiGuard needs to decide, with a warning when its window is too short.",
    )
    async def check_rollout_plan(
        self, info: Info[CoeContext, None], plan: str
    ) -> RolloutPlanCheckResult:
        document = parse_source(plan)
        async with info.context.read() as session:
            checked, waves, estimates = await service.check(
                session, info.context.caller(), document
            )
        return RolloutPlanCheckType(
            template=checked.metadata.template,
            version=checked.metadata.version,
            environment=checked.spec.environment,
            waves=[
                PlannedWaveType(
                    name=wave.name,
                    sites=list(wave.sites),
                    gates=[describe_gate(asdict(gate)) for gate in wave.gates],
                )
                for wave in waves
            ],
            estimates=[KpiGuardEstimateType.from_dict(found) for found in estimates],
            warnings=[found["warning"] for found in estimates if found.get("warning")],
        )

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="One rollout: waves by sites with states and reasons (site-scoped "
        "callers see their sites only; a rollout that touches none of them is NOT_FOUND).",
    )
    async def rollout(self, info: Info[CoeContext, None], id: str) -> RolloutType:
        scope = info.context.scope()
        async with info.context.read() as session:
            row, sites = await service.visible(session, scope, id)
        return RolloutType.from_model(row, sites, info.context.settings)

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Rollouts, newest first; filter by template and status (site-scoped "
        "callers: those that touch their sites, showing only their sites).",
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
        async with info.context.read() as session:
            rows, total = await service.visible_page(
                session,
                info.context.scope(),
                template=template,
                statuses=status,
                before=decode_time_cursor(after),
                limit=limit + 1,
            )
        nodes = [RolloutType.from_model(row, sites, info.context.settings) for row, sites in rows]
        return connection(nodes, total, limit, time_cursor)

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="The deployment ledger of one environment (production unless named): "
        "what runs where, since when, by which rollout or transfer. `history` includes "
        "superseded and rolled-back entries.",
    )
    async def ledger(
        self,
        info: Info[CoeContext, None],
        site: str | None = None,
        template: str | None = None,
        environment: Annotated[
            str,
            strawberry.argument(
                description="Whose instances: production (the default), or e.g. validation."
            ),
        ] = PRODUCTION,
        history: bool = False,
        first: int = 100,
    ) -> list[LedgerEntryType]:
        limit = page_size(first, info.context.settings.max_page_size)
        async with info.context.read() as session:
            rows = await service.visible_ledger(
                session,
                info.context.scope(),
                site=site,
                template=template,
                environment=environment,
                history=history,
                limit=limit,
            )
        return [LedgerEntryType.from_model(row) for row in rows]

    @strawberry.field(
        extensions=allow(*PEOPLE),
        description="Open drift: plants running a hash the ledger does not expect "
        "(checked by a Temporal Schedule).",
    )
    async def drift(self, info: Info[CoeContext, None]) -> list[DriftType]:
        async with info.context.read() as session:
            rows = await service.visible_drift(session, info.context.scope())
        return [DriftType.from_model(row) for row in rows]
