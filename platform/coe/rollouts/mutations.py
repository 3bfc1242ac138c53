"""Write side of rollouts: start and steer; each a validated, audited step."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.permissions import ANY_ROLE, allow
from coe.rollouts import repository, service
from coe.rollouts.contract import ABORT, PAUSE, RESUME, RETRY, SKIP_SITE
from coe.rollouts.types import RolloutType
from coe.signatures.types import SignerInput
from coe.templates import service as templates


async def _reload(info: Info[CoeContext, None], rollout_id: str) -> RolloutType:
    async with info.context.read() as session:
        row = await service.get(session, rollout_id)
        sites = await repository.sites_of(session, [rollout_id])
    return RolloutType.from_model(
        row, service.visible_sites(info.context.caller(), sites), info.context.settings
    )


async def _control(
    info: Info[CoeContext, None], rollout_id: str, action: str, **options: object
) -> RolloutType:
    async with info.context.unit_of_work() as work:
        await service.control(work, info.context.services.temporal, rollout_id, action, **options)  # type: ignore[arg-type]
    return await _reload(info, rollout_id)


@strawberry.type
class RolloutMutations:
    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Start a rollout from a RolloutPlan (YAML or JSON text). The "
        "plan and the exact template version are snapshotted; sites are "
        "resolved now (a site added later is not included).",
    )
    async def start_rollout(self, info: Info[CoeContext, None], plan: str) -> RolloutType:
        document = templates.parse_source(plan)
        async with info.context.unit_of_work() as work:
            row = await service.start(
                work, info.context.services.temporal, info.context.settings, document
            )
        return await _reload(info, row.id)

    @strawberry.mutation(
        extensions=allow(*ANY_ROLE),
        description="Approve the gate a wave waits on, with an e-signature. "
        "Refused (and nothing recorded) for the wrong role, sites outside the "
        "approver's scope, the rollout's starter, or a wave not waiting.",
    )
    async def approve_rollout_gate(
        self, info: Info[CoeContext, None], id: str, wave: str, signature: SignerInput
    ) -> RolloutType:
        async with info.context.unit_of_work() as work:
            await service.approve(
                work,
                info.context.services.temporal,
                info.context.services.verifier,
                id,
                wave,
                signature.credentials(),
                signature.reason,
                info.context.settings.reauth_max_age_seconds,
            )
        return await _reload(info, id)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Pause: no new site deployments start (coe_architect).",
    )
    async def pause_rollout(
        self, info: Info[CoeContext, None], id: str, reason: str | None = None
    ) -> RolloutType:
        return await _control(info, id, PAUSE, reason=reason)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Resume after a pause, a failure-budget stop or an inconclusive KPI guard.",
    )
    async def resume_rollout(
        self, info: Info[CoeContext, None], id: str, reason: str | None = None
    ) -> RolloutType:
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
    ) -> RolloutType:
        return await _control(info, id, ABORT, reason=reason, rollback=rollback)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Deploy the failed sites of the current wave again.",
    )
    async def retry_rollout(
        self, info: Info[CoeContext, None], id: str, reason: str | None = None
    ) -> RolloutType:
        return await _control(info, id, RETRY, reason=reason)

    @strawberry.mutation(
        extensions=allow(Role.COE_ARCHITECT),
        description="Leave a site that has not started out of the rollout.",
    )
    async def skip_rollout_site(
        self, info: Info[CoeContext, None], id: str, site: str, reason: str
    ) -> RolloutType:
        return await _control(info, id, SKIP_SITE, reason=reason, site=site)
