"""GraphQL types of tech transfers."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from coe.config import Settings
from coe.graphql.results import ViolationType
from coe.kpis.types import RatioType
from coe.models import Transfer
from coe.transfers.contract import TransferProgress
from coe.transfers.package import Baseline, TransferPackage


@strawberry.type(name="TransferBaseline", description="The source's KPIs the target must reach.")
class BaselineType:
    version: str = strawberry.field(description="The version whose units make the baseline.")
    from_: date = strawberry.field(name="from", description="First day (UTC).")
    to: date = strawberry.field(description="Day after the last (UTC).")
    right_first_time: RatioType = strawberry.field(description="Right-first-time, with counts.")
    scrap_ratio: RatioType = strawberry.field(description="Scrap ratio, with counts.")
    rework_ratio: RatioType = strawberry.field(description="Rework ratio, with counts.")
    batches_released: int = strawberry.field(description="Batches behind release velocity.")
    release_median_hours: float | None = strawberry.field(description="Median release time.")
    release_p90_hours: float | None = strawberry.field(description="90th percentile (hours).")

    @classmethod
    def of(cls, baseline: Baseline) -> BaselineType:
        return cls(
            version=baseline.version,
            from_=baseline.start,
            to=baseline.end,
            right_first_time=RatioType.of(baseline.right_first_time),
            scrap_ratio=RatioType.of(baseline.scrap_ratio),
            rework_ratio=RatioType.of(baseline.rework_ratio),
            batches_released=baseline.batches_released,
            release_median_hours=baseline.release_median_hours,
            release_p90_hours=baseline.release_p90_hours,
        )


@strawberry.type(name="TransferDecision", description="A value the target must choose itself.")
class DecisionType:
    parameter: str = strawberry.field(description="Template parameter.")
    reason: str = strawberry.field(description="Why the target decides it.")
    source_value: JSON | None = strawberry.field(description="What the source uses.")
    chosen: JSON | None = strawberry.field(description="What the target chose, if it did.")
    resolved: bool = strawberry.field(description="Whether the target has chosen.")


@strawberry.type(name="EquipmentNeed", description="An equipment class an operation needs.")
class EquipmentNeedType:
    operation: str = strawberry.field(description="Operation id.")
    equipment_class: str = strawberry.field(description="Equipment class it needs.")
    where: list[str] = strawberry.field(
        description="Where the target has it (work centers, work units); empty = missing."
    )


@strawberry.type(name="DefinitionChange", description="One value that differs.")
class DefinitionChangeType:
    path: str = strawberry.field(description="JSON pointer into the effective definition.")
    before: JSON | None = strawberry.field(description="At the source.")
    after: JSON | None = strawberry.field(description="At the target, as proposed.")


@strawberry.type(
    name="TransferPackage",
    description="What a transfer moves: the source's definition and baseline, the proposed "
    "target overlay, the decisions left to the target, equipment, and what differs.",
)
class TransferPackageType:
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="The version the source runs (transferred).")
    source: str = strawberry.field(description="Source site.")
    target: str = strawberry.field(description="Target site.")
    source_sha256: str = strawberry.field(description="The source's effective definition hash.")
    source_definition: JSON = strawberry.field(description="The source's effective definition.")
    source_overlay: JSON | None = strawberry.field(description="The source's overlay.")
    baseline: BaselineType = strawberry.field(description="The source's KPIs in the window.")
    carried: JSON = strawberry.field(description="Values carried over from the source.")
    carried_steps: list[str] = strawberry.field(
        description="The source's extension steps carried over (point/step)."
    )
    decisions: list[DecisionType] = strawberry.field(description="What the target decides.")
    equipment: list[EquipmentNeedType] = strawberry.field(
        description="Equipment the process needs."
    )
    blockers: list[ViolationType] = strawberry.field(
        description="What blocks the transfer (missing equipment, invalid values)."
    )
    ready: bool = strawberry.field(description="No blockers and every decision made.")
    proposed_overlay: JSON = strawberry.field(description="The target's proposed overlay.")
    target_sha256: str | None = strawberry.field(description="Hash of the proposed definition.")
    changes: list[DefinitionChangeType] = strawberry.field(
        description="What differs between the source's definition and the target's proposed one."
    )
    warnings: list[str] = strawberry.field(
        description="What makes the qualification weaker than it looks: a baseline with fewer "
        "units than a comparison at the tolerance needs, or a baseline version other than "
        "the one the source runs now."
    )

    @classmethod
    def of(cls, found: TransferPackage) -> TransferPackageType:
        proposal = found.proposal
        return cls(
            template=found.template,
            version=found.version,
            source=found.source,
            target=found.target,
            source_sha256=found.source_sha256,
            source_definition=cast(JSON, found.source_definition),
            source_overlay=cast(JSON, found.source_overlay),
            baseline=BaselineType.of(found.baseline),
            carried=cast(JSON, proposal.carried),
            carried_steps=proposal.carried_steps,
            decisions=[
                DecisionType(
                    parameter=d.parameter,
                    reason=d.reason,
                    source_value=cast(JSON, d.source_value),
                    chosen=cast(JSON, d.chosen),
                    resolved=d.resolved,
                )
                for d in proposal.decisions
            ],
            equipment=[
                EquipmentNeedType(
                    operation=e.operation, equipment_class=e.equipment_class, where=list(e.where)
                )
                for e in proposal.equipment
            ],
            blockers=[ViolationType.of(v) for v in proposal.blockers],
            ready=proposal.ready,
            proposed_overlay=cast(JSON, proposal.overlay),
            target_sha256=found.target_sha256,
            changes=[
                DefinitionChangeType(path=p, before=cast(JSON, b), after=cast(JSON, a))
                for p, b, a in found.changes
            ],
            warnings=list(found.warnings),
        )


@strawberry.type(name="Transfer", description="A process moving from one site to another.")
class TransferType:
    id: str = strawberry.field(description="Transfer id.")
    template: str = strawberry.field(description="Template key.")
    version: str = strawberry.field(description="Template version transferred.")
    source: str = strawberry.field(description="Source site.")
    target: str = strawberry.field(description="Target site.")
    status: str = strawberry.field(
        description="awaiting_overlay, awaiting_approval, deploying, qualifying, "
        "awaiting_decision, qualified, failed, cancelled."
    )
    reason: str | None = strawberry.field(description="What it waits for, or why it ended.")
    tolerance: float = strawberry.field(
        description="How much worse than the source the target may be (right-first-time, "
        "lower end of the 95 % interval of the difference)."
    )
    min_units: int = strawberry.field(description="Units the target must produce first.")
    window_seconds: float = strawberry.field(description="Length of the qualification window.")
    overlay_version: int | None = strawberry.field(description="The target's overlay revision.")
    approvals: JSON = strawberry.field(description="Per side: signer, signature id, reason.")
    qualification: JSON = strawberry.field(
        description="The latest measurement: target units, right-first-time with its interval, "
        "the difference to the source with its interval, the window's deadline; and `history`, "
        "each measurement that counted new units (at, units, value, low, high), for a chart "
        "of the interval narrowing (at most 200 points, thinned evenly)."
    )
    package: JSON = strawberry.field(
        description="The package as kept at the start: baseline, carried values, decisions, "
        "equipment, proposed overlay, changes."
    )
    warnings: list[str] = strawberry.field(
        description="The package's warnings at the start (e.g. a baseline with fewer units "
        "than the qualification needs to mean anything)."
    )
    started_by: str = strawberry.field(description="Who started it.")
    started_at: datetime = strawberry.field(description="When (UTC).")
    updated_at: datetime = strawberry.field(description="Last change (UTC).")
    finished_at: datetime | None = strawberry.field(description="When it ended.")
    temporal_url: str = strawberry.field(description="The workflow in the Temporal UI.")

    def after(self, progress: TransferProgress) -> TransferType:
        """This transfer as the workflow answered the step (its record lands just after)."""
        return dataclasses.replace(
            self,
            status=progress.status,
            reason=progress.reason,
            approvals=cast(JSON, progress.approvals),
            overlay_version=progress.overlay_version,
            qualification=cast(
                JSON, progress.qualification if progress.qualification else self.qualification
            ),
        )

    @classmethod
    def from_model(cls, row: Transfer, settings: Settings) -> TransferType:
        assert row.started_at is not None
        assert row.updated_at is not None
        return cls(
            id=row.id,
            template=row.template,
            version=row.version,
            source=row.source,
            target=row.target,
            status=row.status,
            reason=row.reason,
            tolerance=row.tolerance,
            min_units=row.min_units,
            window_seconds=row.window_seconds,
            overlay_version=row.overlay_version,
            approvals=cast(JSON, row.approvals),
            qualification=cast(JSON, row.qualification),
            package=cast(JSON, row.package),
            warnings=list(row.package.get("warnings") or []),
            started_by=row.started_by,
            started_at=row.started_at,
            updated_at=row.updated_at,
            finished_at=row.finished_at,
            temporal_url=settings.workflow_url(row.workflow_id),
        )
