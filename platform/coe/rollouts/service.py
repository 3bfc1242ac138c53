"""Starting and steering rollouts. The workflows do the work; this validates plans, snapshots
them, starts TemplateRollout by name, and sends it validated updates. Never commits."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe import steering
from coe.auth.principal import SYSTEM, Principal
from coe.auth.scope import Scope
from coe.auth.service import Credentials, reauthenticate
from coe.auth.tokens import TokenVerifier
from coe.config import Settings
from coe.definitions.service import effective_definition
from coe.documents import Violation
from coe.environments import PRODUCTION
from coe.errors import (
    CoeError,
    ConflictError,
    NotFoundError,
    ValidationFailedError,
)
from coe.kpis import service as kpis
from coe.models import (
    DriftObservation,
    LedgerEntry,
    Rollout,
    RolloutSite,
    RolloutStatus,
    SiteState,
    TemplateStatus,
    TemplateVersion,
)
from coe.overlays import service as overlays
from coe.reasons import checked_reason, required_reason
from coe.rollouts import repository
from coe.rollouts.contract import (
    ABORT,
    APPROVE,
    PAUSE,
    RESUME,
    RETRY,
    ROLLOUT_WORKFLOW,
    SKIP_SITE,
    ApprovalUpdate,
    ControlUpdate,
    GateSpec,
    RolloutInput,
    Timings,
    WaveSpec,
)
from coe.rollouts.guard import NUMERATORS, estimate, estimate_warning
from coe.rollouts.plan import (
    RolloutPlan,
    SiteFacts,
    instance_violations,
    parse_plan,
    plan_violations,
    resolve_waves,
)
from coe.rollouts.rules import CONTROLLERS
from coe.signatures.manifest import now
from coe.sites import service as sites
from coe.templates import service as templates
from coe.work import UnitOfWork

if TYPE_CHECKING:
    from temporalio.client import Client

RECENT_DAYS = 28  # the volume and baseline a kpiGuard's estimate starts from


def timings(settings: Settings) -> Timings:
    return Timings(
        plant_timeout_seconds=settings.plant_timeout_seconds,
        retry_initial_seconds=settings.rollout_retry_initial_seconds,
        retry_maximum_seconds=settings.rollout_retry_maximum_seconds,
        retry_attempts=settings.rollout_retry_attempts,
        verify_attempts=settings.rollout_verify_attempts,
        verify_interval_seconds=settings.rollout_verify_interval_seconds,
        kpi_guard_poll_seconds=settings.rollout_kpi_guard_poll_seconds,
    )


def workflow_id(rollout_id: str) -> str:
    return f"rollout-{rollout_id}"


async def template_users(session: AsyncSession, template: str) -> set[str]:
    """Sites that use a template: an effective overlay for it, or a ledger entry."""
    using = {row.site for row in await overlays.approved_overlays(session, template)}
    return using | {row.site for row in await repository.live(session, template=template)}


async def start(
    work: UnitOfWork, settings: Settings, document: dict[str, Any]
) -> tuple[Rollout, steering.Send[None]]:
    """Validate the plan, snapshot it and the template version; and what starts the workflow
    once this is committed (see `coe.steering`). The same plan sent again by its starter
    while that rollout is active is the same start, retried: it is answered with that
    rollout, whose workflow is started if the first attempt could not."""
    work.principal.require_roles(*CONTROLLERS)
    plan, target = await _valid_plan(work.session, document)
    key, version, environment = plan.metadata.template, plan.metadata.version, plan.spec.environment
    for active in await repository.active_for(work.session, key, environment):
        if active.started_by == work.principal.subject and active.plan.get("document") == document:
            return active, _launch(active, settings)
        raise ConflictError(_under_way(key, environment))
    waves, estimates = await _waves_of(work.session, plan)
    rollout_id = f"{key}-{version}-{uuid.uuid4().hex[:6]}"
    row = Rollout(
        id=rollout_id,
        template=key,
        version=version,
        template_sha256=target.content_sha256,
        environment=environment,
        status=RolloutStatus.RUNNING,
        started_by=work.principal.subject,
        workflow_id=workflow_id(rollout_id),
        plan={
            "document": document,
            "waves": [asdict(wave) for wave in waves],
            "reason": plan.metadata.reason,
            "onIncompatibleOverlay": plan.spec.on_incompatible_overlay,
        },
        guard_estimates=estimates,
    )
    await repository.add(work.session, row)
    position = 0
    for wave in waves:
        for site in wave.sites:
            position += 1
            await repository.add(
                work.session,
                RolloutSite(
                    rollout_id=rollout_id,
                    site=site,
                    wave=wave.name,
                    position=position,
                    state=SiteState.PENDING,
                    history=[],
                ),
            )
    await work.audit(
        "rollout.started",
        "rollout",
        rollout_id,
        reason=plan.metadata.reason,
        after={
            "template": key,
            "version": version,
            "sha256": target.content_sha256,
            "environment": environment,
            "waves": {wave.name: wave.sites for wave in waves},
            "warnings": [e["warning"] for e in estimates if e["warning"]],
        },
    )
    return row, _launch(row, settings)


async def check(
    session: AsyncSession, principal: Principal, document: dict[str, Any]
) -> tuple[RolloutPlan, list[WaveSpec], list[dict[str, Any]]]:
    """What `start` would do with this plan, without starting it: the same refusals
    (VALIDATION_FAILED; CONFLICT while a rollout of the template or a transfer to one of its
    sites is under way), the waves resolved now, and what each kpiGuard needs to decide (with
    a warning when its window is too short)."""
    principal.require_roles(*CONTROLLERS)
    plan, _target = await _valid_plan(session, document)
    key, environment = plan.metadata.template, plan.spec.environment
    if await repository.active_for(session, key, environment):
        raise ConflictError(_under_way(key, environment))
    waves, estimates = await _waves_of(session, plan)
    return plan, waves, estimates


def _under_way(key: str, environment: str) -> str:
    where = "" if environment == PRODUCTION else f" to {environment}"
    return f"a rollout of {key}{where} is already under way; finish or abort it first"


async def _valid_plan(
    session: AsyncSession, document: dict[str, Any]
) -> tuple[RolloutPlan, TemplateVersion]:
    """The plan, if valid, and the published template version it rolls out."""
    violations = plan_violations(document)
    if violations:
        raise ValidationFailedError(
            "the rollout plan is not valid", [v.as_dict() for v in violations]
        )
    plan = parse_plan(document)
    key, version = plan.metadata.template, plan.metadata.version
    target = await templates.find_version(session, key, version)
    if target is None or target.status != TemplateStatus.PUBLISHED:
        state = target.status if target else "not in the registry"
        raise ValidationFailedError(
            f"{key}@{version} cannot be rolled out: it is {state}",
            [
                Violation(
                    "/metadata/version", f"{key}@{version} must be published (it is {state})"
                ).as_dict()
            ],
        )
    return plan, target


async def _waves_of(
    session: AsyncSession, plan: RolloutPlan
) -> tuple[list[WaveSpec], list[dict[str, Any]]]:
    """The plan's waves resolved against today's sites, checked against running transfers
    and (when the plan says block) overlay compatibility; and its kpiGuards' estimates."""
    key, version, environment = plan.metadata.template, plan.metadata.version, plan.spec.environment
    await _require_environment(session, environment)
    facts = [SiteFacts(s.key, s.region, s.country) for s in await sites.all_sites(session)]
    instances = set(await sites.endpoints(session, [f.key for f in facts], environment))
    # a selector picks only sites with an instance in the plan's environment
    users = await template_users(session, key) & instances
    waves, unknown = resolve_waves(plan, facts, users)
    if unknown:
        raise ValidationFailedError(
            "the rollout plan names unknown sites", [v.as_dict() for v in unknown]
        )
    missing = instance_violations(plan, instances)
    if missing:
        raise ValidationFailedError(
            f"the rollout plan names sites without a plant instance in {environment}",
            [v.as_dict() for v in missing],
        )
    if environment == PRODUCTION:  # transfers deploy to production instances only
        await _require_no_transfer_deploying(session, key, waves)
    if plan.spec.on_incompatible_overlay == "block":
        await _require_compatible(session, key, version, waves)
    return waves, await guard_estimates(session, key, waves)


async def _require_environment(session: AsyncSession, environment: str) -> None:
    """The plan's environment must be one of the enterprise's."""
    enterprise = await sites.enterprise(session)
    known = list(enterprise.environments) if enterprise is not None else [PRODUCTION]
    if environment not in known:
        reason = f"{environment!r} is not an environment of the enterprise ({', '.join(known)})"
        raise ValidationFailedError(
            f"the rollout plan's environment is unknown: {reason}",
            [Violation("/spec/environment", reason).as_dict()],
        )


async def guard_estimates(
    session: AsyncSession, key: str, waves: list[WaveSpec]
) -> list[dict[str, Any]]:
    """For each kpiGuard: how many units it needs to decide at its maxDrop and how long that
    takes at its wave's sites' volume of the last RECENT_DAYS days, with a warning when its
    window is too short (non-blocking: the rollout starts; the warning stays with it)."""
    until = datetime.now(UTC).date()
    since = until - timedelta(days=RECENT_DAYS)
    found: list[dict[str, Any]] = []
    for wave in waves:
        for gate in wave.gates:
            if gate.kind != "kpi_guard" or gate.metric is None or not wave.sites:
                continue
            units, hits = await kpis.recent_volume(
                session, key, wave.sites, NUMERATORS[gate.metric], since, until
            )
            needs = estimate(
                gate.metric,
                gate.max_drop or 0.0,
                gate.min_units or 1,
                gate.window_seconds or 0.0,
                units,
                hits,
                RECENT_DAYS,
            )
            found.append(
                {
                    "wave": wave.name,
                    **needs.as_dict(),
                    "warning": estimate_warning(wave.name, needs),
                }
            )
    return found


def _launch(row: Rollout, settings: Settings) -> steering.Send[None]:
    """Start the rollout's workflow from its committed snapshot (idempotent by its id)."""
    waves = [
        WaveSpec(**{**wave, "gates": [GateSpec(**gate) for gate in wave.get("gates", [])]})
        for wave in row.plan["waves"]
    ]
    request = RolloutInput(
        rollout_id=row.id,
        template=row.template,
        version=row.version,
        template_sha256=row.template_sha256,
        started_by=row.started_by,
        waves=waves,
        timings=timings(settings),
        environment=row.environment,
    )

    return steering.starter(
        ROLLOUT_WORKFLOW,
        request,
        workflow_id=row.workflow_id,
        task_queue=settings.temporal_task_queue,
        recorded=f"rollout {row.id} is recorded but has not started",
        rollout=row.id,
    )


async def _require_no_transfer_deploying(
    session: AsyncSession, key: str, waves: list[WaveSpec]
) -> None:
    """One deployment of a template at a time per site: a transfer deploying `key` to one of
    the plan's sites holds it (the template's other sites are free)."""
    sites = [site for wave in waves for site in wave.sites]
    busy = await repository.deploying_transfers(session, key, sites)
    if busy:
        names = ", ".join(f"{t.target} (transfer {t.id})" for t in busy)
        raise ConflictError(
            f"a transfer is deploying {key} to {names}: leave the site out of this rollout, "
            "or start it once the transfer has deployed",
            sites=sorted(t.target for t in busy),
        )


async def _require_compatible(
    session: AsyncSession, key: str, version: str, waves: list[WaveSpec]
) -> None:
    problems: list[dict[str, str]] = []
    for wave in waves:
        for site in wave.sites:
            try:
                await effective_definition(session, SYSTEM, site, key, version)
            except CoeError as error:
                problems += [
                    {"path": f"/sites/{site}{v.get('path', '')}", "reason": v.get("reason", "")}
                    for v in error.details.get("violations", [])
                ] or [{"path": f"/sites/{site}", "reason": error.message}]
    if problems:
        raise ValidationFailedError(
            "onIncompatibleOverlay is block and some sites' overlays do not fit: the rollout "
            "does not start",
            problems,
        )


async def get(session: AsyncSession, rollout_id: str) -> Rollout:
    row = await repository.rollout(session, rollout_id)
    if row is None:
        raise NotFoundError(f"no rollout {rollout_id!r}")
    return row


async def approve(
    work: UnitOfWork,
    verifier: TokenVerifier,
    rollout_id: str,
    wave: str,
    credentials: Credentials,
    reason: str,
    reauth_max_age_seconds: int,
) -> steering.Send[str]:
    """Re-authenticate the signer; then (after the commit) ask the workflow to accept the
    approval. Its validator refuses the wrong role, the wrong sites, the starter, a wave not
    waiting, a duplicate — and nothing is recorded then; once accepted, the workflow stores
    the signature, timed now (the re-authentication), and its audit record."""
    reason = required_reason(reason, argument="signature.reason")
    row, _ = await visible(work.session, Scope.of(work.principal), rollout_id)
    signer = await reauthenticate(
        work, credentials, verifier, max_age_seconds=reauth_max_age_seconds
    )
    update = ApprovalUpdate(
        wave=wave,
        signer_id=signer.id,
        printed_name=signer.printed_name,
        roles=sorted(work.principal.roles),
        sites=sorted(work.principal.sites),
        reason=reason,
        request_id=work.request_id,
        signed_at=now().isoformat(),
    )
    return _update(row, APPROVE, update, steering.update_id(APPROVE, work.request_id, wave))


async def control(
    work: UnitOfWork,
    rollout_id: str,
    action: str,
    *,
    reason: str | None = None,
    rollback: bool = False,
    site: str | None = None,
) -> steering.Send[str]:
    """pause, resume, abort, retry or skipSite — sent after the commit, validated by the
    workflow, audited there."""
    work.principal.require_roles(*CONTROLLERS)
    if action not in (PAUSE, RESUME, ABORT, RETRY, SKIP_SITE):
        raise ValidationFailedError("unknown action", [{"path": "/action", "reason": action}])
    reason = checked_reason(reason, required=action == SKIP_SITE)
    row = await get(work.session, rollout_id)
    update = ControlUpdate(
        actor=work.principal.subject,
        roles=sorted(work.principal.roles),
        reason=reason,
        rollback=rollback,
        site=site,
        request_id=work.request_id,
    )
    return _update(row, action, update, steering.update_id(action, work.request_id))


def _update(row: Rollout, name: str, argument: Any, update_id: str | None) -> steering.Send[str]:
    async def send(temporal: Client | None) -> str:
        answer = await steering.update(
            temporal, row.workflow_id, name, argument, None, id=update_id, rollout=row.id
        )
        return str(answer)

    return send


async def visible(
    session: AsyncSession, scope: Scope, rollout_id: str
) -> tuple[Rollout, list[RolloutSite]]:
    """A rollout and the rows of it the scope covers; NOT_FOUND when it touches none of the
    caller's sites (as when it does not exist)."""
    row = await repository.rollout(session, rollout_id)
    sites = await repository.sites_of(session, [rollout_id]) if row is not None else []
    found = scope.found(row, lambda _: [site.site for site in sites], f"rollout {rollout_id!r}")
    return found, scope.keep(sites, lambda site: site.site)


async def visible_page(
    session: AsyncSession,
    scope: Scope,
    *,
    template: str | None,
    statuses: list[str] | None,
    before: datetime | None,
    limit: int,
) -> tuple[list[tuple[Rollout, list[RolloutSite]]], int]:
    """Rollouts started before `before`, newest first, at most `limit`, each with the rows of
    it the scope covers (a site-scoped caller sees those touching its sites); and how many
    match over all pages."""
    rows, total = await repository.rollouts_page(
        session,
        sites=scope.narrow(),
        template=template,
        statuses=statuses,
        before=before,
        limit=limit,
    )
    sites = await repository.sites_of(session, [row.id for row in rows])
    return [
        (row, scope.keep([s for s in sites if s.rollout_id == row.id], lambda s: s.site))
        for row in rows
    ], total


async def visible_ledger(
    session: AsyncSession,
    scope: Scope,
    *,
    site: str | None,
    template: str | None,
    environment: str,
    history: bool,
    limit: int,
) -> list[LedgerEntry]:
    """Ledger entries of one environment the scope covers, at most `limit`: the live ones by
    site and template, or with `history` every entry newest first (FORBIDDEN for a `site`
    outside the scope)."""
    sites = scope.narrow_to(site)
    if history:
        return await repository.history(
            session, sites=sites, template=template, environment=environment, limit=limit
        )
    return await repository.live(
        session, sites=sites, template=template, environment=environment, limit=limit
    )


async def visible_drift(session: AsyncSession, scope: Scope) -> list[DriftObservation]:
    """Open drift at the sites the scope covers, by site and template."""
    return await repository.open_drift(session, sites=scope.narrow())


async def wave_sites(session: AsyncSession, rollout_id: str, wave: str) -> list[str]:
    """The sites of one wave of a rollout (none when either is unknown)."""
    return await repository.wave_sites(session, rollout_id, wave)
