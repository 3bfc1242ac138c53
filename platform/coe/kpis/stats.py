"""The statistics behind every KPI, as pure functions.

Ratios carry their numerator, denominator and a 95 % Wilson score interval (z = 1.96), so a
small site is not over-read; differences between two ratios (before/after a version) use
Newcombe's hybrid score interval, built from the two Wilson intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z = 1.96


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int
    value: float | None
    low: float | None
    high: float | None


def wilson(numerator: int, denominator: int, z: float = Z) -> Ratio:
    """The Wilson score interval of numerator/denominator."""
    if denominator <= 0:
        return Ratio(numerator, denominator, None, None, None)
    p = numerator / denominator
    z2 = z * z
    centre = (p + z2 / (2 * denominator)) / (1 + z2 / denominator)
    half = (z / (1 + z2 / denominator)) * math.sqrt(
        p * (1 - p) / denominator + z2 / (4 * denominator * denominator)
    )
    return Ratio(numerator, denominator, p, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Difference:
    value: float | None
    low: float | None
    high: float | None


def difference(after: Ratio, before: Ratio) -> Difference:
    """after - before, with Newcombe's hybrid score (method 10) 95 % interval."""
    if after.value is None or before.value is None:
        return Difference(None, None, None)
    assert after.low is not None
    assert after.high is not None
    assert before.low is not None
    assert before.high is not None
    d = after.value - before.value
    low = d - math.sqrt((after.value - after.low) ** 2 + (before.high - before.value) ** 2)
    high = d + math.sqrt((after.high - after.value) ** 2 + (before.value - before.low) ** 2)
    return Difference(d, max(-1.0, low), min(1.0, high))


def overlapping(
    intervals: Sequence[tuple[str, float | None, float | None]],
) -> dict[str, list[str]]:
    """For each key, the other keys whose intervals overlap its own (not distinguishable)."""
    known = [
        (key, low, high) for key, low, high in intervals if low is not None and high is not None
    ]
    return {
        key: [
            other
            for other, other_low, other_high in known
            if other != key and other_low <= high and low <= other_high
        ]
        for key, low, high in known
    }


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """Continuous percentile, as PostgreSQL's percentile_cont (linear interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
