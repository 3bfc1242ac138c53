"""NPI tech transfers: the package (what moves, the source's baseline, the proposed target
overlay and what differs), starting ProcessTransfer, and the people's steps it waits for.
The workflow holds the state and validates every step; this checks identity, scope and
e-signatures and writes what belongs to the request's transaction. Never commits."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe import steering
from coe.auth.principal import Principal, Role
from coe.auth.scope import Scope
from coe.auth.service import Credentials, reauthenticate
from coe.auth.tokens import TokenVerifier
from coe.canonical import content_hash
from coe.config import Settings
from coe.definitions.compose import CompositionError, PreparedTemplate, compose
from coe.definitions.service import effective_definition
from coe.documents import Violation, duration_seconds
from coe.errors import (
    BadUserInputError,
    ConflictError,
    NotFoundError,
    SignatureError,
    ValidationFailedError,
)
from coe.kpis import service as kpi_service
from coe.kpis.service import window
from coe.kpis.stats import Ratio, wilson
from coe.models import ACTIVE_TRANSFER, OverlayRevision, OverlayStatus, Transfer, TransferStatus
from coe.overlays import service as overlay_service
from coe.reasons import checked_reason, required_reason
from coe.rollouts import ledger
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
from coe.transfers.proposal import TransferProposal, definition_changes, propose
from coe.work import UnitOfWork

if TYPE_CHECKING:
    from temporalio.client import Client

DRIVERS = (Role.NPI_ENGINEER,)
# The qualification's defaults (StartTransferInput's; a package is judged by them too).
DEFAULT_TOLERANCE = 0.02
DEFAULT_MIN_UNITS = 200


@dataclass(frozen=True)
class Baseline:
    """The source's KPIs under `version` over [start, end) (UTC days)."""

    version: str
    start: date
    end: date
    right_first_time: Ratio
    scrap_ratio: Ratio
    rework_ratio: Ratio
    batches_released: int
    release_median_hours: float | None
    release_p90_hours: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "rightFirstTime": asdict(self.right_first_time),
            "scrapRatio": asdict(self.scrap_ratio),
            "reworkRatio": asdict(self.rework_ratio),
            "batchesReleased": self.batches_released,
            "releaseMedianHours": self.release_median_hours,
            "releaseP90Hours": self.release_p90_hours,
        }


@dataclass(frozen=True)
class BaselineChoice:
    """What the caller chose of the source's baseline (None: the default): a version the
    source ran, and a window (`30d` or `FROM..TO`, or the older `from`/`to` days)."""

    version: str | None = None
    window: str | None = None
    start: date | None = None
    end: date | None = None

    @property
    def chosen(self) -> bool:
        return any(value is not None for value in (self.version, self.window, self.start, self.end))


@dataclass(frozen=True)
class Terms:
    """How a transfer qualifies: the tolerance and the units the target makes first."""

    tolerance: float = DEFAULT_TOLERANCE
    min_units: int = DEFAULT_MIN_UNITS


@dataclass
class TransferPackage:
    template: str
    version: str
    source: str
    target: str
    source_definition: dict[str, Any]
    source_sha256: str
    source_overlay: dict[str, Any] | None
    source_overlay_version: int | None
    baseline: Baseline
    proposal: TransferProposal
    target_definition: dict[str, Any] | None = None
    target_sha256: str | None = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """What the transfer row keeps (the package as it was at the start)."""
        return {
            "sourceSha256": self.source_sha256,
            "sourceOverlay": self.source_overlay,
            "sourceOverlayVersion": self.source_overlay_version,
            "baseline": self.baseline.as_json(),
            "carried": self.proposal.carried,
            "carriedSteps": self.proposal.carried_steps,
            "decisions": [asdict(d) for d in self.proposal.decisions],
            "equipment": [asdict(e) for e in self.proposal.equipment],
            "proposedOverlay": self.proposal.overlay,
            "changes": [{"path": p, "before": b, "after": a} for p, b, a in self.changes],
            "warnings": self.warnings,
        }


def check_terms(terms: Terms, window_seconds: float | None = None) -> None:
    """The qualification's terms make sense (all problems at once)."""
    problems = [
        Violation(path, why)
        for path, why, bad in (
            ("/tolerance", "between 0 and 0.5", not 0 <= terms.tolerance <= 0.5),
            ("/minUnits", "at least 1", terms.min_units < 1),
            ("/window", "longer than zero", window_seconds is not None and window_seconds <= 0),
        )
        if bad
    ]
    if problems:
        raise ValidationFailedError(
            "the transfer's terms are not valid", [v.as_dict() for v in problems]
        )


async def package(
    session: AsyncSession,
    principal: Principal,
    template: str,
    source: str,
    target: str,
    choices: dict[str, Any] | None = None,
    chosen: BaselineChoice | None = None,
    terms: Terms | None = None,
) -> TransferPackage:
    """Everything a transfer moves and decides, computed now (nothing is written)."""
    chosen, terms = chosen or BaselineChoice(), terms or Terms()
    check_terms(terms)
    if source == target:
        raise BadUserInputError(f"the source and the target are the same site ({source})")
    await sites.get_site(session, principal, source)
    target_site = await sites.get_site(session, principal, target)
    if not await template_service.versions(session, template):
        raise NotFoundError(
            f"template {template!r} is unknown: no version of it exists "
            "(`coe template list` shows the templates)",
            template=template,
        )
    running = await ledger.live(session, sites=[source], template=template)
    if not running:
        raise ConflictError(
            f"{source} does not run {template} (the ledger has no live deployment of it there): "
            "only a process that runs can be transferred",
            site=source,
        )
    version = running[0].version
    source_definition = await effective_definition(session, principal, source, template, version)
    template_row = source_definition.template
    overlay = source_definition.overlay
    latest = await overlay_service.latest_revision(session, target, template)
    proposal = propose(
        template_row.document,
        overlay.document if overlay else None,
        target,
        await repository.equipment(session, target_site.id or 0),
        choices,
        source=source,
        target_revision=(latest.version + 1) if latest else 1,
    )
    found_baseline, warnings = await _baseline(session, template, source, version, chosen, terms)
    result = TransferPackage(
        template=template,
        version=version,
        source=source,
        target=target,
        source_definition=source_definition.definition.document,
        source_sha256=source_definition.definition.sha256,
        source_overlay=overlay.document if overlay else None,
        source_overlay_version=overlay.version if overlay else None,
        baseline=found_baseline,
        proposal=proposal,
        warnings=warnings,
    )
    try:
        composed = compose(
            PreparedTemplate(template_row.document, template_row.content_sha256),
            target,
            proposal.overlay,
        )
    except CompositionError:
        return result  # the proposal's blockers say why
    result.target_definition, result.target_sha256 = composed.document, composed.sha256
    result.changes = definition_changes(result.source_definition, composed.document)
    return result


def _window(chosen: BaselineChoice) -> tuple[date, date]:
    """The baseline's [first, end) days: chosen, or the last 30 days."""
    if chosen.window is not None:
        if chosen.start is not None or chosen.end is not None:
            raise BadUserInputError(
                "give the baseline window either as `baselineWindow` or as `from`/`to`, not both",
                argument=baseline_rules.WINDOW_ARGUMENT,
            )
        first, end = baseline_rules.parse_window(chosen.window, datetime.now(UTC).date())
        return window(first, end)
    if chosen.start is not None and chosen.end is not None and chosen.start >= chosen.end:
        raise BadUserInputError(
            f"the baseline window {chosen.start}..{chosen.end} is empty: `from` must be "
            "before `to` (the day after the last)",
            argument="from",
        )
    return window(chosen.start, chosen.end)


async def _baseline(
    session: AsyncSession,
    template: str,
    source: str,
    running: str,
    chosen: BaselineChoice,
    terms: Terms,
) -> tuple[Baseline, list[str]]:
    """The source's baseline (the chosen version and window, or the defaults; see
    `coe.transfers.baseline`) and what the package says about it."""
    first, end = _window(chosen)
    made = [
        baseline_rules.VersionUnits(*row)
        for row in await repository.units_by_version(session, source, template, first, end)
    ]
    if chosen.version is not None:
        await _require_ran(session, template, source, chosen.version)
    version = chosen.version or baseline_rules.default_version(
        running, made, terms.tolerance, terms.min_units
    )
    if chosen.chosen and not baseline_rules.units_of(version, made).units:
        raise await _empty_window(session, template, source, version, first, end)
    counts, releases = await kpi_service.site_totals(session, source, template, version, first, end)
    units = int(counts["units"] or 0)
    found = Baseline(
        version=version,
        start=first,
        end=end,
        right_first_time=wilson(int(counts["rft"] or 0), units),
        scrap_ratio=wilson(int(counts["scrapped"] or 0), units),
        rework_ratio=wilson(int(counts["reworked"] or 0), units),
        batches_released=int(releases["count"] or 0),
        release_median_hours=releases["median"],
        release_p90_hours=releases["p90"],
    )
    warnings = baseline_rules.warnings(
        template=template,
        source=source,
        running=running,
        chosen=version,
        by_default=chosen.version is None,
        first=first,
        end=end,
        made=made,
        tolerance=terms.tolerance,
        min_units=terms.min_units,
    )
    return found, warnings


async def _require_ran(session: AsyncSession, template: str, source: str, version: str) -> None:
    """A baseline version is one the source ran: deployed there, or units made under it."""
    ran = set(await repository.deployed_versions(session, source, template))
    ran |= set(await repository.produced_versions(session, source, template))
    if version not in ran:
        listed = ", ".join(sorted(ran)) or "none"
        raise BadUserInputError(
            f"{source} never ran {template}@{version}, so it cannot be the baseline "
            f"(versions {source} ran: {listed})",
            argument=baseline_rules.VERSION_ARGUMENT,
        )


async def _empty_window(
    session: AsyncSession, template: str, source: str, version: str, first: date, end: date
) -> ValidationFailedError:
    """A chosen baseline without a single unit: say where the units are."""
    made_from, made_to = await repository.version_days(session, source, template, version)
    where = (
        f"its units of {version} run from {made_from} to {made_to}"
        if made_from is not None
        else f"it made no units of {version} on any day"
    )
    return ValidationFailedError(
        f"{source} made no units of {template}@{version} from {first} to "
        f"{end - timedelta(days=1)} ({where}): no baseline to qualify against",
        [
            {
                "path": f"/{baseline_rules.WINDOW_ARGUMENT}",
                "reason": "choose a window in which the source produced under this version",
            }
        ],
    )


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
    work.principal.require_roles(Role.QA_APPROVER)
    site = row.source if side == "source" else row.target
    work.principal.require_site(site, Role.QA_APPROVER)
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


def choices_of(value: Any) -> dict[str, Any]:
    """The target's choices: a JSON object of parameter values."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadUserInputError("`choices` must be a JSON object of parameter values")
    return value


def seconds_of(text: str, argument: str = "window") -> float:
    """A duration such as 30d, 72h, 90m or 45s, in seconds."""
    seconds = duration_seconds(text)
    if seconds is None or seconds <= 0:
        raise BadUserInputError(
            f"`{argument}` must be a duration such as 30d, 72h, 90m or 45s, not {text!r}",
            argument=argument,
        )
    return float(seconds)


async def find(session: AsyncSession, transfer_id: str) -> Transfer | None:
    """A transfer by id, whoever asks (callers apply the scope: `get` does)."""
    return await repository.get(session, transfer_id)
