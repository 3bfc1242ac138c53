"""NPI tech transfers: starting ProcessTransfer (from its package, `coe.transfers.package`),
and the people's steps it waits for (overlay, approvals, steering).
The workflow holds the state and validates every step; this checks identity, scope and
e-signatures and writes what belongs to the request's transaction. Never commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe import steering
from coe.auth.principal import Principal
from coe.auth.scope import Scope
from coe.auth.service import Credentials, reauthenticate
from coe.auth.tokens import TokenVerifier
from coe.canonical import content_hash
from coe.config import Settings
from coe.errors import (
    BadUserInputError,
    ConflictError,
    NotFoundError,
    SignatureError,
    ValidationFailedError,
)
from coe.models import ACTIVE_TRANSFER, OverlayRevision, OverlayStatus, Transfer, TransferStatus
from coe.overlays import service as overlay_service
from coe.reasons import checked_reason, required_reason
from coe.rollouts.service import timings
from coe.signatures.manifest import now
from coe.sites import service as sites
from coe.templates import service as template_service
from coe.transfers import baseline as baseline_rules
from coe.transfers import repository
from coe.transfers.contract import (
    APPROVE_TRANSFER,
    CANCEL,
    EXTEND,
    FAIL,
    OVERLAY_COMPLETED,
    PROGRESS,
    SIDES,
    TRANSFER_WORKFLOW,
    TransferInput,
    TransferProgress,
    TransferStep,
)
from coe.transfers.package import BaselineChoice, Terms, check_terms, package
from coe.transfers.proposal import TransferProposal, propose
from coe.transfers.rules import APPROVERS, DRIVERS
from coe.work import UnitOfWork

if TYPE_CHECKING:
    from temporalio.client import Client


def _blocked(proposal: TransferProposal, message: str) -> ValidationFailedError:
    return ValidationFailedError(message, [v.as_dict() for v in proposal.blockers])


async def start(
    work: UnitOfWork,
    settings: Settings,
    *,
    template: str,
    source: str,
    target: str,
    terms: Terms,
    window_seconds: float,
    chosen: BaselineChoice | None = None,
    reason: str | None = None,
) -> tuple[Transfer, steering.Send[None]]:
    """Check the transfer can happen, keep its package; and what starts ProcessTransfer once
    this is committed (see `coe.steering`). The same terms sent again by the starter while
    that transfer is active are the same start, retried: answered with that transfer."""
    work.principal.require_roles(*DRIVERS)
    reason = checked_reason(reason, argument="input.reason")
    check_terms(terms, window_seconds)
    found = await package(
        work.session, work.principal, template, source, target, None, chosen, terms
    )
    if found.proposal.blockers:
        raise _blocked(found.proposal, f"the transfer of {template} to {target} is blocked")
    baseline = found.baseline.right_first_time
    if not baseline.denominator:
        raise ValidationFailedError(
            f"{source} has no units of {template}@{found.baseline.version} between "
            f"{found.baseline.start} and {found.baseline.end}: no baseline to qualify against",
            [
                {
                    "path": f"/{baseline_rules.WINDOW_ARGUMENT}",
                    "reason": "choose a window (or a version) in which the source produced",
                }
            ],
        )
    tolerance, min_units = terms.tolerance, terms.min_units
    active = await repository.active_between(work.session, template, target, list(ACTIVE_TRANSFER))
    if active is not None:
        asked = (
            source,
            tolerance,
            min_units,
            window_seconds,
            work.principal.subject,
            found.baseline.version,
        )
        if asked == (
            active.source,
            active.tolerance,
            active.min_units,
            active.window_seconds,
            active.started_by,
            active.package.get("baseline", {}).get("version", found.baseline.version),
        ):
            return active, _launch(active, settings)
        raise ConflictError(f"a transfer of {template} to {target} is already under way")
    transfer_id = f"{template}-{source}-{target}-{uuid.uuid4().hex[:6]}"
    row = Transfer(
        id=transfer_id,
        template=template,
        version=found.version,
        source=source,
        target=target,
        status=TransferStatus.AWAITING_OVERLAY,
        reason=f"waiting for {target}'s site admin to complete the overlay",
        tolerance=tolerance,
        min_units=min_units,
        window_seconds=window_seconds,
        package=found.as_json(),
        started_by=work.principal.subject,
        workflow_id=workflow_id(transfer_id),
    )
    await repository.add(work.session, row)
    await work.audit(
        "transfer.started",
        "transfer",
        transfer_id,
        after={
            "template": template,
            "version": found.version,
            "source": source,
            "target": target,
            "tolerance": tolerance,
            "minUnits": min_units,
            "windowSeconds": window_seconds,
            "baseline": found.baseline.as_json(),
            "warnings": found.warnings,
        },
        reason=reason,
    )
    return row, _launch(row, settings)


def _launch(row: Transfer, settings: Settings) -> steering.Send[None]:
    """Start the transfer's workflow from its committed row (idempotent by its id)."""
    baseline = row.package["baseline"]["rightFirstTime"]
    request = TransferInput(
        transfer_id=row.id,
        template=row.template,
        version=row.version,
        source=row.source,
        target=row.target,
        started_by=row.started_by,
        tolerance=row.tolerance,
        min_units=row.min_units,
        window_seconds=row.window_seconds,
        baseline_units=baseline["denominator"],
        baseline_right_first_time=baseline["numerator"],
        timings=timings(settings),
        poll_seconds=settings.transfer_poll_seconds,
    )

    return steering.starter(
        TRANSFER_WORKFLOW,
        request,
        workflow_id=row.workflow_id,
        task_queue=settings.temporal_task_queue,
        recorded=f"transfer {row.id} is recorded but has not started",
        transfer=row.id,
    )


async def complete_overlay(
    work: UnitOfWork,
    temporal: Client | None,
    transfer_id: str,
    choices: dict[str, Any],
    reason: str | None = None,
) -> tuple[Transfer, steering.Send[TransferProgress]]:
    """The target's site admin makes the decisions; the completed overlay is proposed (as any
    overlay revision) and, once that is committed, the transfer goes to approval. (`temporal`
    is only asked where the transfer stands.)"""
    reason = checked_reason(reason)
    row = await get(work.session, work.principal, transfer_id)
    work.principal.require_site(row.target, *overlay_service.PROPOSERS)
    await _require_state(temporal, row, TransferStatus.AWAITING_OVERLAY)
    template_row = await _template(work.session, row)
    site = await sites.get_site(work.session, work.principal, row.target)
    latest = await overlay_service.latest_revision(work.session, row.target, row.template)
    proposal = propose(
        template_row,
        row.package.get("sourceOverlay"),
        row.target,
        await repository.equipment(work.session, site.id or 0),
        choices,
        source=row.source,
        target_revision=(latest.version + 1) if latest else 1,
    )
    if reason:
        proposal.overlay["metadata"]["reason"] = reason
    problems = [v.as_dict() for v in proposal.blockers] + [
        {"path": f"/choices/{d.parameter}", "reason": f"to be chosen: {d.reason}"}
        for d in proposal.open_decisions
    ]
    if problems:
        raise ValidationFailedError(f"{row.target}'s overlay is not complete", problems)
    if _same_proposal(latest, proposal.overlay, work.principal.subject):
        version = latest.version if latest else 0  # this request, retried: proposed already
    else:
        version = (await overlay_service.propose(work, proposal.overlay))[0].version
    step = _step(work, overlay_version=version)
    return row, _update(row, OVERLAY_COMPLETED, step)


def _same_proposal(latest: OverlayRevision | None, document: dict[str, Any], by: str) -> bool:
    """The target's latest revision is this very proposal, by the same person, still open."""
    if latest is None or latest.status != OverlayStatus.PROPOSED or latest.proposed_by != by:
        return False
    renumbered = {**document, "metadata": {**document["metadata"], "version": latest.version}}
    return bool(latest.document == renumbered)


async def _require_state(temporal: Client | None, row: Transfer, wanted: str) -> TransferProgress:
    """The workflow's state (not its mirror, which may lag a step): refuse early, before
    anything is written, when the transfer is not where the step needs it."""
    state: TransferProgress = await steering.query(
        temporal, row.workflow_id, PROGRESS, TransferProgress, transfer=row.id
    )
    if state.status != wanted:
        raise ConflictError(f"transfer {row.id} is {state.status}, not {wanted}")
    return state


async def approve(
    work: UnitOfWork,
    temporal: Client | None,
    verifier: TokenVerifier,
    transfer_id: str,
    side: str,
    credentials: Credentials,
    reason: str,
    reauth_max_age_seconds: int,
) -> tuple[Transfer, steering.Send[TransferProgress]]:
    """A QA approver of `side` (source or target) re-authenticates to sign; once that is
    committed, the workflow is asked to accept the approval. It refuses a second signature by
    the same person, the starter, or a transfer not awaiting approval — and nothing is kept;
    once accepted, the workflow stores the signature (timed now, at the re-authentication)
    and, for the target, approves the target's proposed overlay revision with it. (`temporal`
    is only asked where the transfer stands.)"""
    if side not in SIDES:
        raise BadUserInputError(f"side must be source or target, not {side!r}")
    reason = required_reason(reason, argument="signature.reason")
    row = await get(work.session, work.principal, transfer_id)
    work.principal.require_roles(*APPROVERS)
    site = row.source if side == "source" else row.target
    work.principal.require_site(site, *APPROVERS)
    state = await _require_state(temporal, row, TransferStatus.AWAITING_APPROVAL)
    revision = (
        await overlay_service.revision(
            work.session, row.target, row.template, state.overlay_version
        )
        if state.overlay_version is not None
        else None
    )
    proposed = (
        revision
        if side == "target" and revision is not None and revision.status == OverlayStatus.PROPOSED
        else None
    )
    if proposed is not None:
        await _require_approvable(work, proposed)
    signer = await reauthenticate(
        work, credentials, verifier, max_age_seconds=reauth_max_age_seconds
    )
    signed_at = now()  # the signature's time, whenever the workflow stores it
    if signer.id in (row.started_by, proposed.proposed_by if proposed else None):
        raise SignatureError("four-eyes rule: the author cannot sign this")
    step = _step(
        work,
        side=side,
        reason=reason,
        printed_name=signer.printed_name,
        signed_at=signed_at.isoformat(),
        content_sha256=content_hash(
            _signed_content(row, side, revision.document if revision else None)
        ),
        overlay_version=proposed.version if proposed else None,
        overlay_sha256=content_hash(proposed.document) if proposed else None,
    )
    return row, _update(row, APPROVE_TRANSFER, step, side)


async def _require_approvable(work: UnitOfWork, revision: OverlayRevision) -> None:
    """The target's proposed overlay revision can be approved by the caller (as
    `overlays.service.approve` would check): an approver of the site, an overlay that still
    fits."""
    work.principal.require_site(revision.site, *overlay_service.APPROVERS)
    violations, _ = await overlay_service.overlay_violations(work.session, revision.document)
    if violations:
        raise ValidationFailedError(
            "the target's overlay no longer fits the published template versions",
            [violation.as_dict() for violation in violations],
        )


async def steer(
    work: UnitOfWork,
    transfer_id: str,
    action: str,
    *,
    reason: str | None = None,
    window_seconds: float | None = None,
) -> tuple[Transfer, steering.Send[TransferProgress]]:
    """extend (a new qualification window), fail, or cancel — sent after the commit,
    validated by the workflow."""
    work.principal.require_roles(*DRIVERS)
    if action not in (EXTEND, FAIL, CANCEL):
        raise BadUserInputError(f"unknown action {action!r}")
    reason = checked_reason(reason, required=action in (FAIL, CANCEL))
    row = await get(work.session, work.principal, transfer_id)
    return row, _update(row, action, _step(work, reason=reason, window_seconds=window_seconds))


async def get(session: AsyncSession, principal: Principal, transfer_id: str) -> Transfer:
    """One transfer; NOT_FOUND outside the caller's sites (as when it does not exist)."""
    row = await repository.get(session, transfer_id)
    return Scope.of(principal).found(row, sites_of, f"transfer {transfer_id!r}")


async def page(
    session: AsyncSession,
    principal: Principal,
    *,
    template: str | None,
    statuses: list[str] | None,
    before: datetime | None,
    limit: int,
) -> tuple[list[Transfer], int]:
    """Transfers of the caller's sites (source or target), newest first, and how many match."""
    return await repository.page(
        session,
        sites=Scope.of(principal).narrow(),
        template=template,
        statuses=statuses,
        before=before,
        limit=limit,
    )


def sites_of(row: Transfer) -> tuple[str, str]:
    """A transfer belongs to its source and its target."""
    return row.source, row.target


def workflow_id(transfer_id: str) -> str:
    return f"transfer-{transfer_id}"


def _step(work: UnitOfWork, **fields: Any) -> TransferStep:
    return TransferStep(
        actor=work.principal.subject,
        roles=sorted(work.principal.roles),
        sites=sorted(work.principal.sites),
        request_id=work.request_id,
        **fields,
    )


def _signed_content(row: Transfer, side: str, overlay: dict[str, Any] | None) -> dict[str, Any]:
    """What a transfer approval signs: this transfer, this side, its terms, the baseline and
    the target's overlay revision."""
    return {
        "transfer": row.id,
        "side": side,
        "template": row.template,
        "version": row.version,
        "source": row.source,
        "target": row.target,
        "tolerance": row.tolerance,
        "minUnits": row.min_units,
        "windowSeconds": row.window_seconds,
        "overlay": overlay,
        "baseline": row.package.get("baseline"),
    }


async def _template(session: AsyncSession, row: Transfer) -> dict[str, Any]:
    version = await template_service.find_version(session, row.template, row.version)
    if version is None:
        raise NotFoundError(f"{row.template}@{row.version} is gone")
    document: dict[str, Any] = version.document
    return document


def _update(
    row: Transfer, name: str, step: TransferStep, *keys: str
) -> steering.Send[TransferProgress]:
    """The update to send once the request's transaction has committed."""
    update_id = steering.update_id(name, step.request_id, *keys)

    async def send(temporal: Client | None) -> TransferProgress:
        progress: TransferProgress = await steering.update(
            temporal, row.workflow_id, name, step, TransferProgress, id=update_id, transfer=row.id
        )
        return progress

    return send


async def find(session: AsyncSession, transfer_id: str) -> Transfer | None:
    """A transfer by id, whoever asks (callers apply the scope: `get` does)."""
    return await repository.get(session, transfer_id)
