"""Write side of transfers: start, complete the target's overlay, approve, and decide."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeAlias

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.permissions import PEOPLE, allow
from coe.graphql.results import Problems
from coe.models import Transfer
from coe.signatures.types import SignerInput
from coe.steering import Send
from coe.transfers import package, service
from coe.transfers.contract import CANCEL, EXTEND, FAIL, TransferProgress
from coe.transfers.types import TransferType


@strawberry.input(description="What to transfer, where, and what qualifies it.")
class StartTransferInput:
    template: str = strawberry.field(description="Template key (the version the source runs).")
    from_site: str = strawberry.field(description="Source site: runs the process today.")
    to_site: str = strawberry.field(description="Target site: receives it.")
    tolerance: float = strawberry.field(
        default=package.DEFAULT_TOLERANCE,
        description="How much lower the target's right-first-time may be: it qualifies when "
        "the lower end of the 95 % interval of (target - source) is at least -tolerance.",
    )
    min_units: int = strawberry.field(
        default=package.DEFAULT_MIN_UNITS,
        description="Units the target must complete before it can qualify.",
    )
    window: str = strawberry.field(
        default="30d", description="Qualification window after deployment (e.g. 30d, 72h)."
    )
    baseline_version: str | None = strawberry.field(
        default=None,
        description="The version whose units at the source make the baseline; one the source "
        "ran (refused otherwise). Default: the version the source runs now when it has enough "
        "units in the window (what a comparison at `tolerance` needs), else the newest version "
        "that has — `warnings` says so.",
    )
    baseline_window: str | None = strawberry.field(
        default=None,
        description="The baseline's window: `90d` (the last 90 UTC days, today included) or "
        "`FROM..TO` (ISO dates, TO excluded). Default: the last 30 days. A window without "
        "units of the baseline version is refused.",
    )
    baseline_from: date | None = strawberry.field(
        default=None,
        description="First day of the source's baseline (default: 30 days ago); or use "
        "`baselineWindow`.",
    )
    baseline_to: date | None = strawberry.field(
        default=None, description="Day after the baseline's last (default: tomorrow, UTC)."
    )
    reason: str | None = strawberry.field(default=None, description="Why (kept in the audit).")


TransferResult: TypeAlias = Annotated[
    TransferType | Problems,
    strawberry.union("TransferResult", description="The transfer after the step, or why not."),
]


async def _reload(info: Info[CoeContext, None], transfer_id: str) -> TransferType:
    async with info.context.read() as session:
        row = await service.get(session, info.context.caller(), transfer_id)
    return TransferType.from_model(row, info.context.settings)


async def _steered(
    info: Info[CoeContext, None], row: Transfer, send: Send[TransferProgress]
) -> TransferType:
    """Steer the workflow now that the step's transaction has committed (see coe.steering)."""
    progress = await send(info.context.services.temporal)
    return TransferType.from_model(row, info.context.settings).after(progress)


@strawberry.type
class TransferMutations:
    @strawberry.mutation(
        extensions=allow(Role.NPI_ENGINEER),
        description="Start a tech transfer (npi_engineer). Refused, with the reasons, when a "
        "site or the template is unknown, the source does not run it, source = target, the "
        "target lacks an equipment class the process needs, the source has no baseline, or "
        "the chosen baseline version was never run at the source (or has no units in the "
        "chosen window). A baseline with fewer units than the qualification needs is "
        "accepted with a warning (`warnings`, kept with the transfer). "
        "The same terms sent again by the starter while that transfer is active answer with "
        "it (a retry after SERVICE_UNAVAILABLE starts its workflow).",
    )
    async def start_transfer(
        self, info: Info[CoeContext, None], input: StartTransferInput
    ) -> TransferResult:
        async with info.context.unit_of_work() as work:
            row, send = await service.start(
                work,
                info.context.settings,
                template=input.template,
                source=input.from_site,
                target=input.to_site,
                terms=package.Terms(input.tolerance, input.min_units),
                window_seconds=package.seconds_of(input.window),
                chosen=package.BaselineChoice(
                    input.baseline_version,
                    input.baseline_window,
                    input.baseline_from,
                    input.baseline_to,
                ),
                reason=input.reason,
            )
        await send(info.context.services.temporal)  # committed first: see coe.steering
        return await _reload(info, row.id)

    @strawberry.mutation(
        extensions=allow(Role.SITE_ADMIN, Role.COE_ARCHITECT),
        description="The target's site admin makes the transfer's decisions (`choices`: a JSON "
        "object of parameter values, site-bound ones required); the completed overlay is "
        "proposed as the target's next overlay revision and the transfer goes to approval.",
    )
    async def complete_transfer_overlay(
        self,
        info: Info[CoeContext, None],
        id: str,
        choices: JSON | None = None,
        reason: str | None = None,
    ) -> TransferResult:
        async with info.context.unit_of_work() as work:
            row, send = await service.complete_overlay(
                work, info.context.services.temporal, id, package.choices_of(choices), reason
            )
        return await _steered(info, row, send)

    @strawberry.mutation(
        extensions=allow(*PEOPLE),
        description="Sign a transfer for its source or target side (`side`: source or "
        "target) as a QA approver of that site; two different people, neither the starter. "
        "The target's signature also approves the target's proposed overlay revision.",
    )
    async def approve_transfer(
        self, info: Info[CoeContext, None], id: str, side: str, signature: SignerInput
    ) -> TransferResult:
        async with info.context.unit_of_work() as work:
            row, send = await service.approve(
                work,
                info.context.services.temporal,
                info.context.services.verifier,
                id,
                side,
                signature.credentials(),
                signature.reason,
                info.context.settings.reauth_max_age_seconds,
            )
        return await _steered(info, row, send)

    @strawberry.mutation(
        extensions=allow(Role.NPI_ENGINEER),
        description="After an unqualified window: qualify for another `window` (e.g. 14d).",
    )
    async def extend_transfer_qualification(
        self, info: Info[CoeContext, None], id: str, window: str, reason: str | None = None
    ) -> TransferResult:
        async with info.context.unit_of_work() as work:
            row, send = await service.steer(
                work, id, EXTEND, reason=reason, window_seconds=package.seconds_of(window)
            )
        return await _steered(info, row, send)

    @strawberry.mutation(
        extensions=allow(Role.NPI_ENGINEER),
        description="After an unqualified window: end the transfer as failed.",
    )
    async def fail_transfer(
        self, info: Info[CoeContext, None], id: str, reason: str
    ) -> TransferResult:
        async with info.context.unit_of_work() as work:
            row, send = await service.steer(work, id, FAIL, reason=reason)
        return await _steered(info, row, send)

    @strawberry.mutation(
        extensions=allow(Role.NPI_ENGINEER),
        description="Cancel a transfer that has not ended (not while it deploys). What was "
        "already deployed stays; roll it back with a rollout if needed.",
    )
    async def cancel_transfer(
        self, info: Info[CoeContext, None], id: str, reason: str
    ) -> TransferResult:
        async with info.context.unit_of_work() as work:
            row, send = await service.steer(work, id, CANCEL, reason=reason)
        return await _steered(info, row, send)
