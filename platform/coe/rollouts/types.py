"""GraphQL types of rollouts, the ledger and drift."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from coe.config import Settings
from coe.models import Deployment, DriftObservation, Rollout, RolloutSite


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


@strawberry.type(name="RolloutWave", description="A wave: its sites and gates.")
class RolloutWaveType:
    name: str = strawberry.field(description="Wave name.")
    max_parallel: int = strawberry.field(description="Sites deployed at once at most.")
    failure_budget: int = strawberry.field(description="Failed sites tolerated.")
    gates: list[str] = strawberry.field(description="Gates run after the wave.")
    sites: list[RolloutSiteType] = strawberry.field(description="Its sites (those visible).")


@strawberry.type(name="Rollout", description="A template version rolled out in waves.")
class RolloutType:
    id: str = strawberry.field(description="Rollout id.")
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="Template version.")
    template_sha256: str = strawberry.field(description="The exact version rolled out.")
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

    @classmethod
    def from_model(cls, row: Rollout, sites: list[RolloutSite], settings: Settings) -> RolloutType:
        assert row.started_at is not None
        assert row.updated_at is not None
        by_wave: dict[str, list[RolloutSiteType]] = {}
        for site in sites:
            by_wave.setdefault(site.wave, []).append(RolloutSiteType.from_model(site))
        waves = [
            RolloutWaveType(
                name=w["name"],
                max_parallel=w["max_parallel"],
                failure_budget=w["failure_budget"],
                gates=[_describe(g) for g in w["gates"]],
                sites=by_wave.get(w["name"], []),
            )
            for w in row.plan.get("waves", [])
        ]
        return cls(
            id=row.id,
            template=row.template,
            version=row.version,
            template_sha256=row.template_sha256,
            status=row.status,
            current_wave=row.current_wave,
            reason=row.reason,
            started_by=row.started_by,
            started_at=row.started_at,
            updated_at=row.updated_at,
            finished_at=row.finished_at,
            temporal_url=f"{settings.temporal_web_url}/namespaces/"
            f"{settings.temporal_namespace}/workflows/{row.workflow_id}",
            waves=waves,
        )


def _describe(gate: dict[str, Any]) -> str:
    if gate["kind"] == "approval":
        return f"approval by {gate['role']} ({gate['meaning']})"
    if gate["kind"] == "soak":
        return f"soak {gate['soak_seconds']:g} s"
    return f"kpiGuard {gate['metric']} max drop {gate['max_drop']} over {gate['min_units']} units"


@strawberry.type(name="LedgerEntry", description="What runs where, since when, and why.")
class LedgerEntryType:
    site: str = strawberry.field(description="Site key.")
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
    def from_model(cls, row: Deployment) -> LedgerEntryType:
        assert row.since is not None
        return cls(
            site=row.site,
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
