"""The kpiGuard gate's judgement (pure): a wave's sites after the deployment against the same
sites before it (RolloutPlan; docs/formats/rollout-plan-kpi-guard.md).

"Before" is the units those sites completed under any other version of the template during the
`window` before the wave started; "after" is their units under the new version since. Counts
come from the daily rollup, so the before-window is whole UTC days (the day the wave started
belongs to both sides, split by version). A drop is a worsening: right-first-time going down,
scrap or rework ratio going up.

The gate decides on intervals, never on bare point values — the same statistics as transfers
(`coe.kpis.stats`): each side's 95 % Wilson interval and Newcombe's 95 % interval of the
difference after - before. It fails when the whole interval lies beyond `maxDrop` in the bad
direction (surely worse by more than allowed), passes when the whole interval lies on the good
side of the allowance (surely not worse by more than allowed: non-inferiority), and otherwise
keeps measuring; undecided at the end of the window it is inconclusive (a person decides)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from coe.kpis.stats import Z, difference, wilson

# The numerator of each guarded metric in the rollup; for the ratios, more is worse.
NUMERATORS = {
    "right_first_time": "right_first_time",
    "scrap_ratio": "scrapped",
    "rework_ratio": "reworked",
}
HIGHER_IS_BETTER = {"right_first_time": True, "scrap_ratio": False, "rework_ratio": False}
EPSILON = 1e-12  # exactly at the allowance counts as within it, whatever the float rounding


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    FAIL = "fail"
    WAIT = "wait"  # undecided (or too few units) and the window is still open: keep measuring
    INCONCLUSIVE = "inconclusive"  # still undecided when the window ended: a person decides


@dataclass(frozen=True)
class GuardCounts:
    """Units and the metric's numerator before and after the deployment."""

    before_units: int
    before_hits: int
    after_units: int
    after_hits: int


@dataclass(frozen=True)
class Measurement:
    """What a guard saw: each side's ratio with its 95 % Wilson interval, the difference
    after - before with Newcombe's 95 % interval, and the limit it is held against
    (`threshold`: -maxDrop for right-first-time, +maxDrop for the scrap and rework ratios).
    Ratios and differences are fractions (0.95 is 95 %); None where a side has no units."""

    metric: str
    max_drop: float
    min_units: int
    threshold: float
    before_units: int
    before_hits: int
    before: float | None
    before_low: float | None
    before_high: float | None
    after_units: int
    after_hits: int
    after: float | None
    after_low: float | None
    after_high: float | None
    difference: float | None
    difference_low: float | None
    difference_high: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str
    measurement: Measurement


def measure(metric: str, max_drop: float, min_units: int, counts: GuardCounts) -> Measurement:
    """Both sides' Wilson intervals and Newcombe's interval of after - before."""
    before = wilson(counts.before_hits, counts.before_units)
    after = wilson(counts.after_hits, counts.after_units)
    gap = difference(after, before)
    return Measurement(
        metric=metric,
        max_drop=max_drop,
        min_units=min_units,
        threshold=-max_drop if HIGHER_IS_BETTER[metric] else max_drop,
        before_units=counts.before_units,
        before_hits=counts.before_hits,
        before=before.value,
        before_low=before.low,
        before_high=before.high,
        after_units=counts.after_units,
        after_hits=counts.after_hits,
        after=after.value,
        after_low=after.low,
        after_high=after.high,
        difference=gap.value,
        difference_low=gap.low,
        difference_high=gap.high,
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def _side(value: float | None, low: float | None, high: float | None, units: int) -> str:
    return f"{_pct(value)} [{_pct(low)}, {_pct(high)}] ({units} units)"


def describe(found: Measurement) -> str:
    """The measurement in one line: both sides, and the difference against the limit."""
    label = found.metric.replace("_", "-")
    return (
        f"{label} {_side(found.before, found.before_low, found.before_high, found.before_units)}"
        f" before, {_side(found.after, found.after_low, found.after_high, found.after_units)}"
        f" after; difference {_pct(found.difference)}, 95 % interval "
        f"[{_pct(found.difference_low)}, {_pct(found.difference_high)}] against "
        f"{'-' if found.threshold < 0 else '+'}{found.max_drop:.2%}"
    )


def judge(
    metric: str, max_drop: float, min_units: int, counts: GuardCounts, window_over: bool
) -> Judgement:
    """Fail when surely worse by more than `max_drop`, pass when surely not, otherwise wait
    for more units — inconclusive once the window is over. `min_units` after the deployment
    (and some units before it) come first: no decision on fewer."""
    found = measure(metric, max_drop, min_units, counts)
    undecided = Verdict.INCONCLUSIVE if window_over else Verdict.WAIT
    if counts.after_units < min_units or counts.before_units == 0:
        missing = (
            f"{counts.after_units} of {min_units} units after the deployment"
            if counts.after_units < min_units
            else "no units before the deployment to compare with"
        )
        return Judgement(undecided, missing, found)
    assert found.difference_low is not None
    assert found.difference_high is not None
    # In the metric's bad direction: how much worse at best (near) and at worst (far).
    if HIGHER_IS_BETTER[metric]:
        near, far = -found.difference_high, -found.difference_low
    else:
        near, far = found.difference_low, found.difference_high
    measured = describe(found)
    if near > max_drop + EPSILON:
        return Judgement(
            Verdict.FAIL,
            f"{measured}: surely worse than the {max_drop:.2%} allowed",
            found,
        )
    if far <= max_drop + EPSILON:
        return Judgement(
            Verdict.PASS,
            f"{measured}: surely within the {max_drop:.2%} allowed",
            found,
        )
    return Judgement(
        undecided,
        f"{measured}: the interval reaches across the {max_drop:.2%} allowed, not decided",
        found,
    )


# --- how much data a decision needs ------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """What a kpiGuard needs to decide, at the wave's sites' recent volume and baseline."""

    metric: str
    max_drop: float
    window_days: float
    recent_days: int
    units_per_day: float
    baseline: float | None
    units_needed: int
    days_needed: float | None  # None: the sites made no units recently
    enough: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def units_needed(baseline: float, max_drop: float, min_units: int, z: float = Z) -> int:
    """Units per side for the guard to be able to decide at `max_drop`.

    With n units on each side at the baseline rate p, the 95 % interval of the difference has
    a half-width of about h = z·√(2·p·(1 - p)/n). Asking h < maxDrop/2 gives

        n = ⌈8 · z² · p · (1 - p) / maxDrop²⌉        (at least `min_units`)

    and with it an unchanged process passes by the end of its window about 97.5 % of the time
    (the interval's low end d - h, d the measured difference, stays above -maxDrop unless
    d < -h, a 1.96-sigma draw), while a wave worse by 2 · maxDrop or more fails as often.
    p is held within [1 %, 99 %] so a spotless baseline (no scrap at all) still asks for a
    sample. A zero `max_drop` can never be shown: the count is then unbounded (reported as
    the largest int)."""
    if max_drop <= 0:
        return 2**63 - 1
    p = min(max(baseline, 0.01), 0.99)
    return max(min_units, math.ceil(8 * z * z * p * (1 - p) / (max_drop * max_drop)))


def estimate(
    metric: str,
    max_drop: float,
    min_units: int,
    window_seconds: float,
    recent_units: int,
    recent_hits: int,
    recent_days: int,
) -> Estimate:
    """From the wave's sites' last `recent_days` days (units and the metric's numerator): the
    units a decision needs, how long they take at that rate, and whether `window` is enough.
    The before-window is as long as the window, so both sides grow at the same rate."""
    rate = recent_units / recent_days if recent_days > 0 else 0.0
    baseline = recent_hits / recent_units if recent_units > 0 else None
    needed = units_needed(baseline if baseline is not None else 0.5, max_drop, min_units)
    days = needed / rate if rate > 0 else None
    window_days = window_seconds / 86_400
    return Estimate(
        metric=metric,
        max_drop=max_drop,
        window_days=window_days,
        recent_days=recent_days,
        units_per_day=rate,
        baseline=baseline,
        units_needed=needed,
        days_needed=days,
        enough=days is not None and days <= window_days,
    )


def _duration(days: float) -> str:
    return f"{days:.1f} days" if days >= 1 else f"{days * 24:.1f} h"


def estimate_warning(wave: str, found: Estimate) -> str | None:
    """A sentence for a window too short to decide in (None when it is long enough)."""
    if found.enough:
        return None
    label = found.metric.replace("_", "-")
    if found.max_drop <= 0:
        return (
            f"wave {wave}: the kpiGuard on {label} has maxDrop 0: no sample shows a wave "
            f"surely not worse at all, so it can only fail or end inconclusive"
        )
    head = f"wave {wave}: the kpiGuard on {label} (maxDrop {found.max_drop:.2%}) needs about "
    needed = f"{found.units_needed}"
    if found.days_needed is None:
        return (
            f"{head}{needed} units per side to decide, but its sites made no units in the last "
            f"{found.recent_days} days: it will end inconclusive and pause the rollout"
        )
    return (
        f"{head}{needed} units per side to decide; at its sites' {found.units_per_day:.0f} "
        f"units a day (baseline {_pct(found.baseline)}) that takes "
        f"{_duration(found.days_needed)}, longer than its {_duration(found.window_days)} "
        f"window: it will likely end inconclusive and pause the rollout (lengthen the window "
        f"or widen maxDrop)"
    )
