"""Qualification compares intervals: values worked out by hand (Wilson, Newcombe)."""

from __future__ import annotations

import pytest

from coe.transfers.qualification import assess, with_point


def test_too_few_units_never_qualify_even_at_100_percent() -> None:
    found = assess(1000, 960, 50, 50, tolerance=0.02, min_units=200)
    assert not found.qualified
    assert found.reason.startswith("50 of 200 units so far; target 100.0%")


def test_a_target_as_good_as_the_source_over_enough_units_qualifies() -> None:
    # source 960/1000 = 96.0 %, target 970/1000 = 97.0 %: difference +1.0 %,
    # Wilson: target [95.75 %, 97.89 %], source [94.60 %, 97.05 %]; Newcombe:
    # 0.01 - sqrt(0.01250^2 + 0.01049^2) = -0.63 %, 0.01 + sqrt(0.00891^2 + 0.01401^2) = +2.66 %
    found = assess(1000, 960, 1000, 970, tolerance=0.02, min_units=200)
    assert found.qualified
    assert found.difference.value == pytest.approx(0.01)
    assert found.difference.low == pytest.approx(-0.0063, abs=1e-4)
    assert found.difference.high == pytest.approx(0.0266, abs=1e-4)
    assert "within the 2.0% tolerance" in found.reason


def test_an_equal_point_value_on_a_small_sample_does_not_qualify() -> None:
    # both 96 %, but 200 target units give a wide interval: the lower end is below -2 %
    found = assess(1000, 960, 200, 192, tolerance=0.02, min_units=200)
    assert found.difference.value == pytest.approx(0.0, abs=1e-12)
    assert found.difference.low is not None
    assert found.difference.low < -0.02
    assert not found.qualified
    assert "reaches below -2.0%" in found.reason


def test_a_clearly_worse_target_does_not_qualify() -> None:
    found = assess(1000, 960, 1000, 900, tolerance=0.02, min_units=200)
    assert not found.qualified
    assert found.difference.high is not None
    assert found.difference.high < -0.02


def _point(units: int) -> dict[str, int]:
    return {"units": units}


def test_the_history_adds_a_measurement_only_when_it_counts_new_units() -> None:
    history = with_point([], _point(10))
    assert with_point(history, _point(10)) is history
    assert with_point(history, _point(25)) == [_point(10), _point(25)]


def test_a_long_history_keeps_its_first_and_newest_points_at_half_the_resolution() -> None:
    history = [_point(units) for units in range(1, 5)]
    thinned = with_point(history, _point(5), limit=4)
    assert thinned == [_point(1), _point(3), _point(5)]
    assert len(with_point(thinned, _point(6), limit=4)) == 4
