"""When a transferred process is qualified at its target (pure).

The target qualifies when it has at least `min_units` units under the transferred version and
the 95 % interval of the difference in right-first-time (target - source baseline, Newcombe's
hybrid score interval) lies above -tolerance: with 95 % confidence the target is at most
`tolerance` worse than the source. A comparison of intervals, never of bare point values, so
a lucky small sample does not qualify and an unlucky one is not over-read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coe.kpis.stats import Difference, Ratio, difference, wilson


@dataclass(frozen=True)
class Qualification:
    qualified: bool
    reason: str
    baseline: Ratio
    target: Ratio
    difference: Difference


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def assess(
    baseline_units: int,
    baseline_right_first_time: int,
    target_units: int,
    target_right_first_time: int,
    *,
    tolerance: float,
    min_units: int,
) -> Qualification:
    baseline = wilson(baseline_right_first_time, baseline_units)
    target = wilson(target_right_first_time, target_units)
    gap = difference(target, baseline)
    measured = (
        f"target {_pct(target.value)} [{_pct(target.low)}, {_pct(target.high)}] over "
        f"{target_units} units vs source {_pct(baseline.value)} [{_pct(baseline.low)}, "
        f"{_pct(baseline.high)}] over {baseline_units}"
    )
    if target_units < min_units:
        return Qualification(
            False, f"{target_units} of {min_units} units so far; {measured}", baseline, target, gap
        )
    if gap.low is not None and gap.low >= -tolerance - 1e-12:
        reason = (
            f"qualified: {measured}; difference {_pct(gap.value)}, 95 % interval "
            f"[{_pct(gap.low)}, {_pct(gap.high)}] within the {tolerance:.1%} tolerance"
        )
        return Qualification(True, reason, baseline, target, gap)
    reason = (
        f"not yet qualified: {measured}; difference {_pct(gap.value)}, 95 % interval "
        f"[{_pct(gap.low)}, {_pct(gap.high)}] reaches below -{tolerance:.1%}"
    )
    return Qualification(False, reason, baseline, target, gap)


# Points of the qualification's history kept with the transfer: enough for a chart of the
# interval narrowing over weeks, bounded however long the window runs.
HISTORY_POINTS = 200


def with_point(
    history: list[dict[str, Any]], point: dict[str, Any], limit: int = HISTORY_POINTS
) -> list[dict[str, Any]]:
    """`history` with the measurement `point` added when it counts new units (a poll that found
    nothing new adds nothing). Past `limit` points, every second older point goes (the first
    and the newest stay), so the series keeps its shape at half the resolution."""
    if history and history[-1]["units"] == point["units"]:
        return history
    grown = [*history, point]
    if len(grown) <= limit:
        return grown
    return [*grown[:-1:2], grown[-1]]
