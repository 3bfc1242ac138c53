"""RolloutPlan documents (docs/formats/rollout-plan.md): the model, every rule, and waves (pure).

Waves are resolved once, when the rollout starts, into explicit site lists that the workflow
keeps: a site added to the enterprise later is never silently included.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from coe.auth.principal import Role
from coe.documents import DURATION_PATTERN as DURATION
from coe.documents import (
    KEY_PATTERN,
    SEMVER_PATTERN,
    ApiVersion,
    Strict,
    Violation,
    duration_seconds,
    pointer,
    structural_violations,
)
from coe.environments import PRODUCTION
from coe.reasons import MAX_REASON
from coe.rollouts.contract import GateSpec, WaveSpec

APPROVER_ROLES = [role.value for role in Role if role is not Role.PLANT]


class ApprovalGate(Strict):
    role: str = Field(description="Role of the approver: " + ", ".join(APPROVER_ROLES))
    meaning: Literal["approved", "reviewed", "released"] = Field(
        default="approved", description="What the signature means."
    )


class KpiGuard(Strict):
    """The wave's sites after the deployment against the same sites before, decided on the 95 %
    interval of the difference (docs/formats/rollout-plan-kpi-guard.md)."""

    metric: Literal["right_first_time", "scrap_ratio", "rework_ratio"] = Field(
        description="What is guarded; a worsening is right-first-time down, a ratio up."
    )
    max_drop: float = Field(
        alias="maxDrop",
        ge=0,
        description="The worsening allowed, as a fraction (0.02: 2 points). Fails when the "
        "whole 95 % interval of the difference is worse than this; passes when all of it is "
        "within; otherwise keeps measuring.",
    )
    min_units: int = Field(
        alias="minUnits", ge=1, description="Units after the deployment before any decision."
    )
    window: str = Field(
        pattern=DURATION,
        description="How long it measures (and how far back 'before' reaches); undecided at "
        "its end, the rollout pauses for a person.",
    )


class Gate(Strict):
    """Exactly one of approval, soak or kpiGuard."""

    approval: ApprovalGate | None = Field(
        default=None, description="An electronic signature before the rollout goes on."
    )
    soak: str | None = Field(
        default=None, pattern=DURATION, description="A durable wait before the rollout goes on."
    )
    kpi_guard: KpiGuard | None = Field(default=None, alias="kpiGuard")

    @model_validator(mode="after")
    def exactly_one(self) -> Gate:
        given = [g for g in (self.approval, self.soak, self.kpi_guard) if g is not None]
        if len(given) != 1:
            raise ValueError("a gate is exactly one of approval, soak or kpiGuard")
        return self


class Selector(Strict):
    all: bool | None = Field(default=None, description="true: no narrowing by attribute.")
    region: str | None = Field(default=None, description="Only the sites of this region.")
    country: str | None = Field(default=None, description="Only the sites of this country.")


class Wave(Strict):
    name: str = Field(pattern=KEY_PATTERN, description="Unique within the plan.")
    sites: list[str] | None = Field(
        default=None, description="Site keys, explicitly (either sites or a selector)."
    )
    selector: Selector | None = Field(
        default=None,
        description="Sites chosen when the rollout starts: those that use the template, are "
        "named in no wave and are not taken by an earlier wave, matching every attribute given.",
    )
    max_parallel: int = Field(
        default=1, alias="maxParallel", ge=1, le=200, description="Sites deployed at a time."
    )
    failure_budget: int = Field(
        default=0,
        alias="failureBudget",
        ge=0,
        description="Failed sites the wave tolerates; one more pauses the rollout for a decision.",
    )
    gates: list[Gate] | None = Field(
        default=None, description="Run in order once all the wave's sites are done."
    )


class PlanMetadata(Strict):
    template: str = Field(pattern=KEY_PATTERN, description="Key of the template.")
    version: str = Field(pattern=SEMVER_PATTERN, description="The published version to roll out.")
    reason: str | None = Field(
        default=None, max_length=MAX_REASON, description="Why: kept with the rollout."
    )


class PlanSpec(Strict):
    environment: str = Field(
        default=PRODUCTION,
        pattern=KEY_PATTERN,
        description="Whose plant instances it deploys to: one of the enterprise's environments "
        "(`coe environments list`). Every site of the plan needs an instance there.",
    )
    on_incompatible_overlay: Literal["skip", "block"] = Field(
        default="skip",
        alias="onIncompatibleOverlay",
        description="A site whose overlay does not fit the version: skip it (reported with "
        "its violations) or block the whole rollout from starting.",
    )
    waves: list[Wave] = Field(min_length=1, description="In order; a site is in at most one wave.")


class RolloutPlan(Strict):
    """A template version rolled out to the plants in waves (docs/formats/rollout-plan.md)."""

    api_version: ApiVersion = Field(
        alias="apiVersion", description="The version of the file format."
    )
    kind: Literal["RolloutPlan"] = Field(description="What the document is.")
    metadata: PlanMetadata = Field(description="What is rolled out, and why.")
    spec: PlanSpec = Field(description="How: the waves and their gates.")


def plan_violations(document: Any) -> list[Violation]:
    """Everything wrong with a plan that can be seen without the enterprise's sites."""
    found = structural_violations(document, RolloutPlan)
    if found or not isinstance(document, dict):
        return found
    try:
        plan = RolloutPlan.model_validate(document)
    except ValidationError as error:  # rules the schema cannot say (a gate is exactly one kind)
        return [
            Violation(pointer(*problem["loc"]), problem["msg"].removeprefix("Value error, "))
            for problem in error.errors()
        ]
    seen: dict[str, str] = {}
    names: set[str] = set()
    for index, wave in enumerate(plan.spec.waves):
        at = ("spec", "waves", index)
        if wave.name in names:
            found.append(Violation(pointer(*at, "name"), f"wave {wave.name!r} appears twice"))
        names.add(wave.name)
        if (wave.sites is None) == (wave.selector is None):
            found.append(Violation(pointer(*at), "a wave has either sites or a selector"))
        for position, site in enumerate(wave.sites or []):
            if site in seen:
                found.append(
                    Violation(
                        pointer(*at, "sites", position),
                        f"site {site!r} is already in wave {seen[site]!r}",
                    )
                )
            seen[site] = wave.name
        for position, gate in enumerate(wave.gates or []):
            if gate.approval and gate.approval.role not in APPROVER_ROLES:
                found.append(
                    Violation(
                        pointer(*at, "gates", position, "approval", "role"),
                        f"{gate.approval.role!r} is not a role that approves",
                    )
                )
    return found


@dataclass(frozen=True)
class SiteFacts:
    key: str
    region: str
    country: str | None


def _matches(selector: Selector, site: SiteFacts) -> bool:
    if selector.region is not None and site.region != selector.region:
        return False
    return not (selector.country is not None and site.country != selector.country)


def resolve_waves(
    plan: RolloutPlan, sites: Sequence[SiteFacts], users: Collection[str]
) -> tuple[list[WaveSpec], list[Violation]]:
    """Explicit sites as listed (they must exist); selectors pick, among the sites that use
    the template and are not listed elsewhere, those matching — in wave order."""
    known = {site.key: site for site in sites}
    explicit = {site for wave in plan.spec.waves for site in wave.sites or []}
    taken: set[str] = set()
    waves, violations = [], []
    for index, wave in enumerate(plan.spec.waves):
        if wave.sites is not None:
            chosen = list(wave.sites)
            violations += [
                Violation(
                    pointer("spec", "waves", index, "sites", position), f"unknown site {site!r}"
                )
                for position, site in enumerate(chosen)
                if site not in known
            ]
        else:
            assert wave.selector is not None
            chosen = [
                site.key
                for site in sorted(sites, key=lambda s: s.key)
                if site.key in users
                and site.key not in explicit
                and site.key not in taken
                and _matches(wave.selector, site)
            ]
        taken.update(chosen)
        waves.append(
            WaveSpec(
                name=wave.name,
                sites=chosen,
                max_parallel=wave.max_parallel,
                failure_budget=wave.failure_budget,
                gates=[_gate(gate) for gate in wave.gates or []],
            )
        )
    return waves, violations


def instance_violations(plan: RolloutPlan, instances: Collection[str]) -> list[Violation]:
    """Each site the plan names explicitly that has no plant instance in its environment
    (`instances`: the sites that have one)."""
    environment = plan.spec.environment
    return [
        Violation(
            pointer("spec", "waves", index, "sites", position),
            f"site {site!r} has no plant instance in {environment}"
            + ("" if environment == PRODUCTION else " (coe site instance set)"),
        )
        for index, wave in enumerate(plan.spec.waves)
        for position, site in enumerate(wave.sites or [])
        if site not in instances
    ]


def _gate(gate: Gate) -> GateSpec:
    if gate.approval is not None:
        return GateSpec(kind="approval", role=gate.approval.role, meaning=gate.approval.meaning)
    if gate.soak is not None:
        return GateSpec(kind="soak", soak_seconds=float(duration_seconds(gate.soak) or 0))
    guard = gate.kpi_guard
    assert guard is not None
    return GateSpec(
        kind="kpi_guard",
        metric=guard.metric,
        max_drop=guard.max_drop,
        min_units=guard.min_units,
        window_seconds=float(duration_seconds(guard.window) or 0),
    )


def parse_plan(document: Mapping[str, Any]) -> RolloutPlan:
    return RolloutPlan.model_validate(document)
