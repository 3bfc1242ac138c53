"""The kpiGuard gate's judgement (pure): a wave's sites after the deployment against the same
sites before it (FORMATS.md, RolloutPlan).

"Before" is the units those sites completed under any other version of the template during the
`window` before the wave started; "after" is their units under the new version since. Counts
come from the daily rollup, so the before-window is whole UTC days (the day the wave started
belongs to both sides, split by version). A drop is a worsening: right-first-time going down,
scrap or rework ratio going up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The numerator of each guarded metric in the rollup; for the ratios, more is worse.
NUMERATORS = {
    "right_first_time": "right_first_time",
    "scrap_ratio": "scrapped",
    "rework_ratio": "reworked",
}
HIGHER_IS_BETTER = {"right_first_time": True, "scrap_ratio": False, "rework_ratio": False}


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    FAIL = "fail"
    WAIT = "wait"  # not enough units yet, the window is still open
    INCONCLUSIVE = "inconclusive"  # not enough units by the end of the window


@dataclass(frozen=True)
class GuardCounts:
    """Units and the metric's numerator before and after the deployment."""

    before_units: int
    before_hits: int
    after_units: int
    after_hits: int


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str


def judge(
    metric: str, max_drop: float, min_units: int, counts: GuardCounts, window_over: bool
) -> Judgement:
    """Pass, fail, wait for more units, or give up as inconclusive."""
    label = metric.replace("_", "-")
    if counts.after_units < min_units or counts.before_units == 0:
        missing = (
            f"{counts.after_units} of {min_units} units after the deployment"
            if counts.after_units < min_units
            else "no units before the deployment to compare with"
        )
        return Judgement(Verdict.INCONCLUSIVE if window_over else Verdict.WAIT, missing)
    before = counts.before_hits / counts.before_units
    after = counts.after_hits / counts.after_units
    drop = before - after if HIGHER_IS_BETTER[metric] else after - before
    summary = (
        f"{label} {before:.2%} before ({counts.before_units} units), {after:.2%} after "
        f"({counts.after_units} units)"
    )
    if drop > max_drop + 1e-12:  # exactly the allowance passes, whatever the float rounding
        return Judgement(
            Verdict.FAIL, f"{summary}: worse by {drop:.2%}, more than the {max_drop:.2%} allowed"
        )
    return Judgement(Verdict.PASS, f"{summary}: within the {max_drop:.2%} allowed")
