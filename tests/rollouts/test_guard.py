"""The kpiGuard judgement on intervals (pure): surely worse fails, surely not passes, otherwise
it keeps measuring and is inconclusive when its window ends; and what a decision needs."""

from __future__ import annotations

import pytest

from bench.guards import point_value_rule, simulate
from coe.kpis.stats import difference, wilson
from coe.rollouts.guard import (
    GuardCounts,
    Verdict,
    estimate,
    estimate_warning,
    judge,
    units_needed,
)

RFT = "right_first_time"


def test_a_surely_worse_wave_fails_with_the_measurement() -> None:
    # The pilot: about 95 % before (1,000 units), 80 % after (600 units).
    found = judge(RFT, 0.02, 300, GuardCounts(1000, 950, 600, 480), window_over=False)
    assert found.verdict is Verdict.FAIL
    assert found.reason == (
        "right-first-time 95.00% [93.47%, 96.19%] (1000 units) before, 80.00% [76.61%, "
        "83.01%] (600 units) after; difference -15.00%, 95 % interval [-18.59%, -11.63%] "
        "against -2.00%: surely worse than the 2.00% allowed"
    )


def test_equal_to_before_at_small_counts_keeps_measuring_then_is_inconclusive() -> None:
    # 95 % -> 92.7 % at 300 units a side: the old point-value rule rolled this back (a drop of
    # 2.3 points is within the noise of the difference, whose standard error is ~1.8 points).
    counts = GuardCounts(300, 285, 300, 278)
    assert point_value_rule(counts) is Verdict.FAIL
    assert judge(RFT, 0.02, 300, counts, window_over=False).verdict is Verdict.WAIT
    over = judge(RFT, 0.02, 300, counts, window_over=True)
    assert over.verdict is Verdict.INCONCLUSIVE
    assert over.reason.endswith("the interval reaches across the 2.00% allowed, not decided")
    equal = GuardCounts(300, 285, 300, 285)
    assert judge(RFT, 0.02, 300, equal, window_over=True).verdict is Verdict.INCONCLUSIVE


def test_a_surely_equal_wave_at_large_counts_passes() -> None:
    found = judge(RFT, 0.02, 300, GuardCounts(20_000, 19_000, 20_000, 19_000), False)
    assert found.verdict is Verdict.PASS
    assert found.reason.endswith("surely within the 2.00% allowed")
    assert found.measurement.difference_low is not None
    assert found.measurement.difference_low > -0.02


def test_a_better_wave_passes() -> None:
    assert judge(RFT, 0.02, 300, GuardCounts(2000, 1800, 2000, 1990), False).verdict is (
        Verdict.PASS
    )


@pytest.mark.parametrize("metric", ["scrap_ratio", "rework_ratio"])
def test_a_ratio_guard_fails_on_a_rise_and_passes_on_a_fall(metric: str) -> None:
    # 1 % -> 4 % scrapped: a rise is the worsening
    rise = judge(metric, 0.01, 300, GuardCounts(2000, 20, 2000, 80), window_over=False)
    assert rise.verdict is Verdict.FAIL
    assert rise.measurement.threshold == 0.01
    # 4 % -> 1 %: better, surely
    fall = judge(metric, 0.01, 300, GuardCounts(2000, 80, 2000, 20), window_over=False)
    assert fall.verdict is Verdict.PASS
    # 1 % -> 1.5 % at 400 units: undecided
    noise = judge(metric, 0.01, 300, GuardCounts(400, 4, 400, 6), window_over=False)
    assert noise.verdict is Verdict.WAIT


def test_min_units_stays_a_floor_before_any_decision() -> None:
    surely_worse = GuardCounts(5000, 4750, 299, 150)
    assert judge(RFT, 0.02, 300, surely_worse, window_over=False).verdict is Verdict.WAIT
    over = judge(RFT, 0.02, 300, surely_worse, window_over=True)
    assert over.verdict is Verdict.INCONCLUSIVE
    assert over.reason == "299 of 300 units after the deployment"


def test_no_baseline_is_inconclusive_at_the_end() -> None:
    found = judge(RFT, 0.02, 10, GuardCounts(0, 0, 50, 50), window_over=True)
    assert found.verdict is Verdict.INCONCLUSIVE
    assert found.reason == "no units before the deployment to compare with"
    assert found.measurement.before is None


def test_the_measurement_is_the_transfers_statistics() -> None:
    found = judge(RFT, 0.02, 300, GuardCounts(1000, 950, 600, 480), False).measurement
    before, after = wilson(950, 1000), wilson(480, 600)
    gap = difference(after, before)
    assert (found.before, found.before_low, found.before_high) == (
        before.value,
        before.low,
        before.high,
    )
    assert (found.after_low, found.after_high) == (after.low, after.high)
    assert (found.difference, found.difference_low, found.difference_high) == (
        gap.value,
        gap.low,
        gap.high,
    )
    assert found.threshold == -0.02


def test_an_unchanged_process_is_rarely_rolled_back_where_point_values_often_are() -> None:
    """2,000 seeded waves at 95 % before and after, 300-1,000 units a side, looked at every 50
    units: the interval rule rolls back at most 5 % of them; the point-value rule far more."""
    same = simulate(waves=2_000, seed=18)
    assert same.interval_fail_rate <= 0.05
    assert same.point_fail_rate > 0.05
    assert same.point_fail_rate > 10 * same.interval_fail_rate
    assert same.interval_failed + same.interval_passed + same.interval_inconclusive == 2_000


# --- how much data a decision needs --------------------------------------------------------


def test_units_needed_follows_the_formula() -> None:
    # 8 * 1.96² * 0.95 * 0.05 / 0.02² = 3649.4
    assert units_needed(0.95, 0.02, 300) == 3650
    assert units_needed(0.95, 0.02, 5000) == 5000, "minUnits stays a floor"
    assert units_needed(0.0, 0.01, 1) == units_needed(0.01, 0.01, 1), "a spotless baseline"
    # with that many units a side, Newcombe's half-width is about maxDrop/2 (the formula is
    # its normal approximation)
    gap = difference(wilson(3467, 3650), wilson(3467, 3650))
    assert gap.high is not None
    assert gap.high == pytest.approx(0.01, abs=2e-4)


def test_a_short_window_at_a_small_site_is_warned_of() -> None:
    # maxDrop 0.5 points, a 24 h window, 50 units a day at 95 %
    found = estimate(RFT, 0.005, 100, 86_400, 1_400, 1_330, 28)
    assert found.units_per_day == 50
    assert found.units_needed == 58_393
    assert found.days_needed is not None
    assert round(found.days_needed) == 1168
    assert not found.enough
    assert estimate_warning("pilot", found) == (
        "wave pilot: the kpiGuard on right-first-time (maxDrop 0.50%) needs about 58393 units "
        "per side to decide; at its sites' 50 units a day (baseline 95.00%) that takes "
        "1167.9 days, longer than its 1.0 days window: it will likely end inconclusive and "
        "pause the rollout (lengthen the window or widen maxDrop)"
    )


def test_a_long_enough_window_is_not_warned_of() -> None:
    # 2,000 units a day at 95 %, maxDrop 2 points: 3,650 units in under two days of a week
    found = estimate(RFT, 0.02, 300, 7 * 86_400, 56_000, 53_200, 28)
    assert found.enough
    assert estimate_warning("pilot", found) is None


def test_sites_without_recent_units_are_warned_of() -> None:
    found = estimate("scrap_ratio", 0.01, 100, 86_400, 0, 0, 28)
    assert found.days_needed is None
    assert found.baseline is None
    warning = estimate_warning("apac", found)
    assert warning is not None
    assert "made no units in the last 28 days" in warning
