"""The kpiGuard judgement, by hand: pass, fail, wait and inconclusive, for each metric."""

from __future__ import annotations

import pytest

from coe.rollouts.guard import GuardCounts, Verdict, judge


@pytest.mark.parametrize(
    ("metric", "counts", "verdict"),
    [
        # right-first-time 95 % -> 93 %: a drop of exactly 2 points is allowed
        ("right_first_time", GuardCounts(200, 190, 200, 186), Verdict.PASS),
        # 95 % -> 92.5 %: 2.5 points worse
        ("right_first_time", GuardCounts(200, 190, 200, 185), Verdict.FAIL),
        # better after: passes
        ("right_first_time", GuardCounts(200, 180, 200, 199), Verdict.PASS),
        # scrap 1 % -> 4 %: a rise is the worsening
        ("scrap_ratio", GuardCounts(100, 1, 200, 8), Verdict.FAIL),
        # scrap 5 % -> 1 %: better
        ("scrap_ratio", GuardCounts(100, 5, 200, 2), Verdict.PASS),
        ("rework_ratio", GuardCounts(100, 2, 200, 10), Verdict.FAIL),
    ],
)
def test_a_drop_beyond_the_allowance_fails(
    metric: str, counts: GuardCounts, verdict: Verdict
) -> None:
    assert judge(metric, 0.02, 200, counts, window_over=False).verdict is verdict


def test_the_reason_names_both_sides() -> None:
    found = judge("right_first_time", 0.02, 200, GuardCounts(200, 190, 200, 185), False)
    assert found.reason == (
        "right-first-time 95.00% before (200 units), 92.50% after (200 units): worse by 2.50%, "
        "more than the 2.00% allowed"
    )


def test_too_few_units_waits_then_is_inconclusive() -> None:
    few = GuardCounts(500, 480, 199, 199)
    assert judge("right_first_time", 0.02, 200, few, window_over=False).verdict is Verdict.WAIT
    over = judge("right_first_time", 0.02, 200, few, window_over=True)
    assert over.verdict is Verdict.INCONCLUSIVE
    assert over.reason == "199 of 200 units after the deployment"


def test_no_baseline_is_inconclusive_at_the_end() -> None:
    found = judge("right_first_time", 0.02, 10, GuardCounts(0, 0, 50, 50), window_over=True)
    assert found.verdict is Verdict.INCONCLUSIVE
    assert found.reason == "no units before the deployment to compare with"
