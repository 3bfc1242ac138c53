"""The transfer package, read-only: what a transfer moves and decides (the source's
definition and overlay, its KPI baseline, the proposed target overlay and what differs),
computed now and never written. `coe.transfers.service` starts, steers and approves with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal
from coe.definitions.compose import CompositionError, PreparedTemplate, compose
from coe.definitions.service import effective_definition
from coe.documents import Violation, duration_seconds
from coe.errors import BadUserInputError, ConflictError, NotFoundError, ValidationFailedError
from coe.kpis import service as kpi_service
from coe.kpis.service import window
from coe.kpis.stats import Ratio, wilson
from coe.overlays import service as overlay_service
from coe.rollouts import ledger
from coe.sites import service as sites
from coe.templates import service as template_service
from coe.transfers import baseline as baseline_rules
from coe.transfers import repository
from coe.transfers.proposal import TransferProposal, definition_changes, propose

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
