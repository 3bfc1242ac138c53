"""kpiGuard benchmark (issue 18 target: at most 5 % of waves from an unchanged process rolled
back for noise).

Pure and seeded: no services. Each simulated wave draws its sites' units from a process at 95 %
right-first-time before *and* after the deployment — nothing changed — with 300 to 1,000 units
before, and 300 to 1,000 units after by the end of its window; the gate looks every 50 units
(its poll interval), `maxDrop: 0.02`, `minUnits: 300`. The figure is the share of those waves
the gate rolls back (`coe.rollouts.guard.judge`, on Newcombe's interval of the difference).

Baseline, same run and the same draws: the point-value rule the gate used before (roll back at
the first look with `minUnits` units when after is lower than before by more than `maxDrop`).
It lives here only, as the comparison. A second figure shows the other side: waves that are
truly 3 points worse, and how often each rule lets them pass.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from coe.rollouts.guard import GuardCounts, Verdict, judge

METRIC = "right_first_time"
MAX_DROP = 0.02
MIN_UNITS = 300
LOOK_EVERY = 50  # units between two looks of the gate
TARGET = 0.05  # at most this share of unchanged waves rolled back


def point_value_rule(counts: GuardCounts, max_drop: float = MAX_DROP) -> Verdict:
    """The old gate: bare point values, decided at the first look with enough units."""
    before = counts.before_hits / counts.before_units
    after = counts.after_hits / counts.after_units
    return Verdict.FAIL if before - after > max_drop + 1e-12 else Verdict.PASS


@dataclass(frozen=True)
class Outcomes:
    waves: int
    interval_failed: int  # rolled back by the interval rule
    interval_passed: int
    interval_inconclusive: int
    point_failed: int  # rolled back by the point-value rule

    @property
    def interval_fail_rate(self) -> float:
        return self.interval_failed / self.waves

    @property
    def interval_pass_rate(self) -> float:
        return self.interval_passed / self.waves

    @property
    def point_fail_rate(self) -> float:
        return self.point_failed / self.waves

    @property
    def point_pass_rate(self) -> float:
        return 1 - self.point_fail_rate


def _binomial(draw: random.Random, units: int, rate: float) -> int:
    return sum(draw.random() < rate for _ in range(units))


def simulate(
    waves: int = 2_000, seed: int = 18, before_rate: float = 0.95, after_rate: float = 0.95
) -> Outcomes:
    """Seeded waves, each judged by both rules on the same draws (see the module docstring)."""
    draw = random.Random(seed)
    interval = {Verdict.FAIL: 0, Verdict.PASS: 0, Verdict.INCONCLUSIVE: 0}
    point_failed = 0
    for _ in range(waves):
        before_units = draw.randint(300, 1_000)
        before = _binomial(draw, before_units, before_rate)
        by_window_end = draw.randint(MIN_UNITS, 1_000)
        units = MIN_UNITS
        hits = _binomial(draw, units, after_rate)
        first = GuardCounts(before_units, before, units, hits)
        point_failed += point_value_rule(first) is Verdict.FAIL
        while True:
            counts = GuardCounts(before_units, before, units, hits)
            found = judge(METRIC, MAX_DROP, MIN_UNITS, counts, units >= by_window_end)
            if found.verdict is not Verdict.WAIT:
                interval[found.verdict] += 1
                break
            more = min(LOOK_EVERY, by_window_end - units)
            hits += _binomial(draw, more, after_rate)
            units += more
    return Outcomes(
        waves,
        interval[Verdict.FAIL],
        interval[Verdict.PASS],
        interval[Verdict.INCONCLUSIVE],
        point_failed,
    )


def main() -> None:
    print(
        f"guards: kpiGuard on {METRIC}, maxDrop {MAX_DROP:.0%}, minUnits {MIN_UNITS}, "
        f"300-1,000 units a side, a look every {LOOK_EVERY} units, seeded"
    )
    same = simulate()
    met = "met" if same.interval_fail_rate <= TARGET else "MISSED"
    print(
        f"  unchanged process (95 % -> 95 %), {same.waves} waves: rolled back for noise "
        f"{same.interval_fail_rate:.2%} (target <= {TARGET:.0%}: {met}); passed "
        f"{same.interval_pass_rate:.1%}, inconclusive (paused for a person) "
        f"{same.interval_inconclusive / same.waves:.1%}"
    )
    ratio = same.point_fail_rate / max(same.interval_fail_rate, 1 / same.waves)
    print(
        f"       baseline (point values, the old rule): rolled back {same.point_fail_rate:.2%}; "
        f"ratio {ratio:.0f}x"
    )
    worse = simulate(seed=19, after_rate=0.92)
    print(
        f"  3 points worse (95 % -> 92 %), {worse.waves} waves: passed "
        f"{worse.interval_pass_rate:.2%}, rolled back {worse.interval_fail_rate:.1%}, inconclusive "
        f"{worse.interval_inconclusive / worse.waves:.1%}"
    )
    print(f"       baseline (point values): passed {worse.point_pass_rate:.2%}")


if __name__ == "__main__":
    main()
