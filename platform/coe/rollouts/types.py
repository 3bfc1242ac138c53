"""GraphQL types of rollouts, the ledger and drift."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from coe.config import Settings
from coe.environments import PRODUCTION
from coe.graphql.context import CoeContext
from coe.models import DriftObservation, LedgerEntry, Rollout, RolloutSite
from coe.validation.coverage import site_coverage
from coe.validation.types import SiteCoverageType


@strawberry.type(name="RolloutSite", description="One site in a rollout.")
class RolloutSiteType:
    site: str = strawberry.field(description="Site key.")
    wave: str = strawberry.field(description="The wave it belongs to.")
    state: str = strawberry.field(
        description="pending, validating, deploying, verifying, live, failed, rolled_back, skipped."
    )
    reason: str | None = strawberry.field(description="Why it is in this state.")
    violations: JSON | None = strawberry.field(
        description="For a skipped site: what its overlay breaks."
    )
    sha256: str | None = strawberry.field(description="Definition hash deployed.")
    previous_sha256: str | None = strawberry.field(description="What ran before.")
    updated_at: datetime | None = strawberry.field(description="Last change (UTC).")
    history: JSON | None = strawberry.field(description="Every state with its time and reason.")

    @classmethod
    def from_model(cls, row: RolloutSite) -> RolloutSiteType:
        return cls(
            site=row.site,
            wave=row.wave,
            state=row.state,
            reason=row.reason,
            violations=cast(JSON, row.violations),
            sha256=row.sha256,
            previous_sha256=row.previous_sha256,
            updated_at=row.updated_at,
            history=cast(JSON, row.history),
        )


@strawberry.type(
    name="KpiGuardMeasurement",
    description="What a wave's kpiGuard last measured: its sites under the new version "
    "(after) against the same sites before, each with its 95 % Wilson interval, and the "
    "difference after - before with Newcombe's 95 % interval against the allowance. "
    "Ratios and differences are fractions (0.95 is 95 %).",
)
class KpiGuardMeasurementType:
    metric: str = strawberry.field(description="right_first_time, scrap_ratio or rework_ratio.")
    verdict: str = strawberry.field(
        description="fail (the whole interval of the difference is beyond maxDrop in the bad "
        "direction: the wave is rolled back), pass (the whole interval is on the good side: "
        "surely not worse by more than maxDrop), wait (undecided or below minUnits: still "
        "measuring) or inconclusive (still undecided when the window ended: the rollout is "
        "paused for a person)."
    )
    reason: str = strawberry.field(description="The verdict and the measurement in words.")
    measured_at: datetime = strawberry.field(description="When it was measured (UTC).")
    max_drop: float = strawberry.field(description="The allowed worsening (maxDrop).")
    min_units: int = strawberry.field(description="Units after the deployment before deciding.")
    threshold: float = strawberry.field(
        description="The limit the difference is held against: -maxDrop for "
        "right-first-time (lower is worse), +maxDrop for the scrap and rework ratios."
    )
    before_units: int = strawberry.field(description="Units before the deployment.")
    before_hits: int = strawberry.field(description="Of those, units counted by the metric.")
    before: float | None = strawberry.field(description="The metric before.")
    before_low: float | None = strawberry.field(description="Its 95 % interval, low end.")
    before_high: float | None = strawberry.field(description="Its 95 % interval, high end.")
    after_units: int = strawberry.field(description="Units under the new version.")
    after_hits: int = strawberry.field(description="Of those, units counted by the metric.")
    after: float | None = strawberry.field(description="The metric after.")
    after_low: float | None = strawberry.field(description="Its 95 % interval, low end.")
    after_high: float | None = strawberry.field(description="Its 95 % interval, high end.")
    difference: float | None = strawberry.field(description="after - before.")
    difference_low: float | None = strawberry.field(
        description="Newcombe's 95 % interval of the difference, low end."
    )
    difference_high: float | None = strawberry.field(
        description="Newcombe's 95 % interval of the difference, high end."
    )

    @classmethod
    def from_record(cls, kept: dict[str, Any]) -> KpiGuardMeasurementType:
        """From what the workflow keeps with the rollout (`Rollout.guards`)."""
        return cls(
            metric=kept["metric"],
            verdict=kept["verdict"],
            reason=kept["reason"],
            measured_at=datetime.fromisoformat(kept["measured_at"]),
            max_drop=kept["max_drop"],
            min_units=kept["min_units"],
            threshold=kept["threshold"],
            before_units=kept["before_units"],
            before_hits=kept["before_hits"],
            before=kept["before"],
            before_low=kept["before_low"],
            before_high=kept["before_high"],
            after_units=kept["after_units"],
            after_hits=kept["after_hits"],
            after=kept["after"],
            after_low=kept["after_low"],
            after_high=kept["after_high"],
            difference=kept["difference"],
            difference_low=kept["difference_low"],
            difference_high=kept["difference_high"],
        )


@strawberry.type(name="PlannedWave", description="A wave of a plan, resolved to sites now.")
class PlannedWaveType:
    name: str = strawberry.field(description="Wave name.")
    sites: list[str] = strawberry.field(description="Its sites, in deployment order.")
    gates: list[str] = strawberry.field(description="Gates run after the wave.")


@strawberry.type(name="RolloutWave", description="A wave: its sites and gates.")
class RolloutWaveType:
    name: str = strawberry.field(description="Wave name.")
    max_parallel: int = strawberry.field(description="Sites deployed at once at most.")
    failure_budget: int = strawberry.field(description="Failed sites tolerated.")
    gates: list[str] = strawberry.field(description="Gates run after the wave.")
    sites: list[RolloutSiteType] = strawberry.field(description="Its sites (those visible).")
    kpi_guard: KpiGuardMeasurementType | None = strawberry.field(
        description="Its kpiGuard's last measurement (null before the guard has looked)."
    )


@strawberry.type(name="Rollout", description="A template version rolled out in waves.")
class RolloutType:
    id: str = strawberry.field(description="Rollout id.")
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="Template version.")
    template_sha256: str = strawberry.field(description="The exact version rolled out.")
    environment: str = strawberry.field(
        description="Whose plant instances it deploys to (the plan's spec.environment)."
    )
    status: str = strawberry.field(
        description="running, paused, awaiting_approval, completed, aborted, failed."
    )
    current_wave: str | None = strawberry.field(description="The wave under way.")
    reason: str | None = strawberry.field(description="Why it is paused, or what it waits for.")
    started_by: str = strawberry.field(description="Who started it.")
    started_at: datetime = strawberry.field(description="When (UTC).")
    updated_at: datetime = strawberry.field(description="Last change (UTC).")
    finished_at: datetime | None = strawberry.field(description="When it ended.")
    temporal_url: str = strawberry.field(description="The workflow in the Temporal UI.")
    waves: list[RolloutWaveType] = strawberry.field(description="Waves by sites, with states.")
    warnings: list[str] = strawberry.field(
        description="Non-blocking warnings from its start, e.g. a kpiGuard whose window is "
        "too short to decide at its maxDrop at its sites' recent volume."
    )

    @classmethod
    def from_model(cls, row: Rollout, sites: list[RolloutSite], settings: Settings) -> RolloutType:
        assert row.started_at is not None
        assert row.updated_at is not None
        guards: dict[str, dict[str, Any]] = row.guards or {}
        by_wave: dict[str, list[RolloutSiteType]] = {}
        for site in sites:
            by_wave.setdefault(site.wave, []).append(RolloutSiteType.from_model(site))
        waves = [
            RolloutWaveType(
                name=w["name"],
                max_parallel=w["max_parallel"],
                failure_budget=w["failure_budget"],
                gates=[describe_gate(g) for g in w["gates"]],
                sites=by_wave.get(w["name"], []),
                kpi_guard=(
                    KpiGuardMeasurementType.from_record(guards[w["name"]])
                    if w["name"] in guards
                    else None
                ),
            )
            for w in row.plan.get("waves", [])
        ]
        return cls(
            id=row.id,
            template=row.template,
            version=row.version,
            template_sha256=row.template_sha256,
            environment=row.environment,
            status=row.status,
            current_wave=row.current_wave,
            reason=row.reason,
            started_by=row.started_by,
            started_at=row.started_at,
            updated_at=row.updated_at,
            finished_at=row.finished_at,
            temporal_url=settings.workflow_url(row.workflow_id),
            waves=waves,
            warnings=[e["warning"] for e in row.guard_estimates or [] if e.get("warning")],
        )


def describe_gate(gate: dict[str, Any]) -> str:
    if gate["kind"] == "approval":
        return f"approval by {gate['role']} ({gate['meaning']})"
    if gate["kind"] == "soak":
        return f"soak {gate['soak_seconds']:g} s"
    return f"kpiGuard {gate['metric']} max drop {gate['max_drop']} over {gate['min_units']} units"


@strawberry.type(
    name="KpiGuardEstimate",
    description="What a kpiGuard needs to decide at its maxDrop, estimated from its wave's "
    "sites' recent volume and baseline (see docs/formats/rollout-plan-kpi-guard.md).",
)
class KpiGuardEstimateType:
    wave: str = strawberry.field(description="The wave the guard follows.")
    metric: str = strawberry.field(description="right_first_time, scrap_ratio or rework_ratio.")
    max_drop: float = strawberry.field(description="The worsening allowed (a fraction).")
    window_days: float = strawberry.field(description="The guard's window, in days.")
    units_per_day: float = strawberry.field(
        description="The wave's sites' units a day over the recent days."
    )
    baseline: float | None = strawberry.field(
        description="The metric over the recent days (none: no units)."
    )
    units_needed: int = strawberry.field(description="Units per side needed to decide.")
    days_needed: float | None = strawberry.field(
        description="Days to make them at the recent rate (none: no recent units)."
    )
    enough: bool = strawberry.field(description="True when the window is long enough.")
    warning: str | None = strawberry.field(description="Why the window may be too short.")

    @classmethod
    def from_dict(cls, found: dict[str, Any]) -> KpiGuardEstimateType:
        """From one of `service.guard_estimates`' entries."""
        return cls(
            wave=found["wave"],
            metric=found["metric"],
            max_drop=found["max_drop"],
            window_days=found["window_days"],
            units_per_day=found["units_per_day"],
            baseline=found["baseline"],
            units_needed=found["units_needed"],
            days_needed=found["days_needed"],
            enough=found["enough"],
            warning=found.get("warning"),
        )


@strawberry.type(
    name="RolloutPlanCheck",
    description="What starting this plan would do now, without starting it.",
)
class RolloutPlanCheckType:
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="Template version.")
    environment: str = strawberry.field(description="Whose plant instances it would deploy to.")
    waves: list[PlannedWaveType] = strawberry.field(
        description="Waves with the sites resolved now."
    )
    estimates: list[KpiGuardEstimateType] = strawberry.field(
        description="What each kpiGuard needs to decide."
    )
    warnings: list[str] = strawberry.field(description="Warnings (the plan may still start).")

    @strawberry.field(
        description="For a production plan, each of its sites: whether its definition of the "
        "version lies inside the version's validated design space (covered by validation) "
        "or not (site verification required, with what is outside); empty for other "
        "environments. Computed only when asked for."
    )
    async def coverage(self, info: Info[CoeContext, None]) -> list[SiteCoverageType]:
        if self.environment != PRODUCTION:
            return []
        sites = [site for wave in self.waves for site in wave.sites]
        async with info.context.read() as session:
            found = await site_coverage(session, self.template, self.version, sites)
        return [SiteCoverageType.of(item) for item in found]


@strawberry.type(name="LedgerEntry", description="What runs where, since when, and why.")
class LedgerEntryType:
    site: str = strawberry.field(description="Site key.")
    environment: str = strawberry.field(
        description="Which of the site's plant instances runs it (production, validation, …)."
    )
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="Template version.")
    sha256: str = strawberry.field(description="Hash of the effective definition.")
    previous_sha256: str | None = strawberry.field(description="What it replaced.")
    rollout_id: str | None = strawberry.field(
        description="The rollout that deployed it; null when a transfer did (see transferId)."
    )
    transfer_id: str | None = strawberry.field(
        description="The tech transfer that deployed it to its target site; null when a "
        "rollout did (see rolloutId). Exactly one of the two is set."
    )
    deployed_by: str = strawberry.field(description="Who started that rollout or transfer.")
    status: str = strawberry.field(description="live, superseded or rolled_back.")
    since: datetime = strawberry.field(description="Live since (UTC).")
    ended_at: datetime | None = strawberry.field(description="No longer live since.")

    @classmethod
    def from_model(cls, row: LedgerEntry) -> LedgerEntryType:
        assert row.since is not None
        return cls(
            site=row.site,
            environment=row.environment,
            template=row.template,
            version=row.version,
            sha256=row.sha256,
            previous_sha256=row.previous_sha256,
            rollout_id=row.rollout_id,
            transfer_id=row.transfer_id,
            deployed_by=row.deployed_by,
            status=row.status,
            since=row.since,
            ended_at=row.ended_at,
        )


@strawberry.type(name="Drift", description="A plant running what the ledger does not expect.")
class DriftType:
    site: str = strawberry.field(description="Site key.")
    template: str = strawberry.field(description="Template key.")
    expected_sha256: str | None = strawberry.field(description="What the ledger says runs.")
    reported_sha256: str | None = strawberry.field(description="What the plant reports.")
    detail: str = strawberry.field(description="The difference in words.")
    first_seen: datetime = strawberry.field(description="First observed (UTC).")
    last_seen: datetime = strawberry.field(description="Last observed (UTC).")

    @classmethod
    def from_model(cls, row: DriftObservation) -> DriftType:
        assert row.first_seen is not None
        assert row.last_seen is not None
        return cls(
            site=row.site,
            template=row.template,
            expected_sha256=row.expected_sha256,
            reported_sha256=row.reported_sha256,
            detail=row.detail,
            first_seen=row.first_seen,
            last_seen=row.last_seen,
        )
