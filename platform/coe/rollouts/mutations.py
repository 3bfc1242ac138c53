"""Write side of rollouts: start and steer; each a validated, audited step."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.documents import parse_source
from coe.graphql.context import CoeContext
from coe.graphql.permissions import PEOPLE, allow
from coe.graphql.results import Problems
from coe.rollouts import service
from coe.rollouts.contract import ABORT, PAUSE, RESUME, RETRY, SKIP_SITE
from coe.rollouts.types import RolloutType
from coe.signatures.types import SignerInput

RolloutResult: TypeAlias = Annotated[
    RolloutType | Problems,
    strawberry.union("RolloutResult", description="The rollout after the step, or why not."),
]


async def _reload(info: Info[CoeContext, None], rollout_id: str) -> RolloutType:
    scope = info.context.scope()
    async with info.context.read() as session:
        row, sites = await service.visible(session, scope, rollout_id)
    return RolloutType.from_model(row, sites, info.context.settings)


async def _control(
    info: Info[CoeContext, None], rollout_id: str, action: str, **options: object
) -> RolloutType:
    async with info.context.unit_of_work() as work:
        send = await service.control(work, rollout_id, action, **options)  # type: ignore[arg-type]
    await send(info.context.services.temporal)  # committed first: see coe.steering
    return await _reload(info, rollout_id)


@strawberry.type
class RolloutMutations:
    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Start a rollout from a RolloutPlan (YAML or JSON text). The "
        "plan and the exact template version are snapshotted; sites are "
        "resolved now (a site added later is not included). The same plan sent again by "
        "its starter while that rollout is active answers with it (a retry after "
        "SERVICE_UNAVAILABLE starts its workflow), instead of starting another.",
    )
    async def start_rollout(self, info: Info[CoeContext, None], plan: str) -> RolloutResult:
        document = parse_source(plan)
        async with info.context.unit_of_work() as work:
            row, send = await service.start(work, info.context.settings, document)
        await send(info.context.services.temporal)  # committed first: see coe.steering
        return await _reload(info, row.id)

    @strawberry.mutation(
        extensions=allow(*PEOPLE),
        description="Approve the gate a wave waits on, with an e-signature. "
        "Refused (and nothing recorded) for the wrong role, sites outside the "
        "approver's scope, the rollout's starter, or a wave not waiting; Conflict, naming "
        "how it ended, once the rollout has finished (as for every control).",
    )
    async def approve_rollout_gate(
        self, info: Info[CoeContext, None], id: str, wave: str, signature: SignerInput
    ) -> RolloutResult:
        async with info.context.unit_of_work() as work:
            send = await service.approve(
                work,
                info.context.services.verifier,
                id,
                wave,
                signature.credentials(),
                signature.reason,
                info.context.settings.reauth_max_age_seconds,
            )
        await send(info.context.services.temporal)  # committed first: see coe.steering
        return await _reload(info, id)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Pause: no new site deployments start (coe_architect).",
    )
    async def pause_rollout(
        self, info: Info[CoeContext, None], id: str, reason: str | None = None
    ) -> RolloutResult:
        return await _control(info, id, PAUSE, reason=reason)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Resume after a pause, a failure-budget stop or an inconclusive KPI guard.",
    )
    async def resume_rollout(
        self, info: Info[CoeContext, None], id: str, reason: str | None = None
    ) -> RolloutResult:
        return await _control(info, id, RESUME, reason=reason)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Abort; with rollback, every site this rollout changed is "
        "rolled back, newest first.",
    )
    async def abort_rollout(
        self,
        info: Info[CoeContext, None],
        id: str,
        rollback: bool = False,
        reason: str | None = None,
    ) -> RolloutResult:
        return await _control(info, id, ABORT, reason=reason, rollback=rollback)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Deploy the failed sites of the current wave again.",
    )
    async def retry_rollout(
        self, info: Info[CoeContext, None], id: str, reason: str | None = None
    ) -> RolloutResult:
        return await _control(info, id, RETRY, reason=reason)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Leave a site that has not started out of the rollout.",
    )
    async def skip_rollout_site(
        self, info: Info[CoeContext, None], id: str, site: str, reason: str
    ) -> RolloutResult:
        return await _control(info, id, SKIP_SITE, reason=reason, site=site)
