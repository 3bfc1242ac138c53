"""The transfer baseline's rules (pure): the window as people write it, the default version,
and the warnings when the baseline is too small to compare against."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from coe.errors import BadUserInputError
from coe.rollouts.guard import units_needed
from coe.transfers.baseline import VersionUnits, default_version, parse_window, warnings

TODAY = date(2026, 12, 1)


def test_a_window_is_a_number_of_days_or_a_range_of_dates() -> None:
    assert parse_window("30d", TODAY) == (date(2026, 11, 2), date(2026, 12, 2))
    assert parse_window("2026-09-01..2026-10-01", TODAY) == (date(2026, 9, 1), date(2026, 10, 1))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2026-10-01..2026-10-01", "is empty: FROM must be before TO"),
        ("2026-10-02..2026-10-01", "is empty: FROM must be before TO"),
        ("0d", "is empty: give at least one day"),
        ("36h", "is not whole days"),
        ("last month", "must be a number of days such as 30d"),
        ("2026-10-01..soon", "is not FROM..TO with ISO dates"),
    ],
)
def test_an_empty_or_unreadable_window_is_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(BadUserInputError) as refused:
        parse_window(text, TODAY)
    assert why in str(refused.value)
    assert refused.value.extensions["argument"] == "baselineWindow"


def test_enough_is_what_a_kpi_guard_at_the_tolerance_would_need() -> None:
    few = VersionUnits("2.1.0", 3, 3)
    assert few.needed(0.02, 200) == units_needed(1.0, 0.02, 200) == 761
    assert not few.enough(0.02, 200)
    many = VersionUnits("1.4.0", 15_159, 14_789)
    assert many.needed(0.02, 200) == units_needed(14_789 / 15_159, 0.02, 200)
    assert many.enough(0.02, 200)


def test_the_default_is_the_running_version_unless_it_has_too_few_units() -> None:
    made = [VersionUnits("1.4.0", 15_159, 14_789), VersionUnits("2.1.0", 3, 3)]
    assert default_version("2.1.0", made, 0.02, 200) == "1.4.0"
    plenty = [VersionUnits("1.4.0", 15_159, 14_789), VersionUnits("2.1.0", 9_000, 8_800)]
    assert default_version("2.1.0", plenty, 0.02, 200) == "2.1.0"
    both = [VersionUnits("1.4.0", 15_159, 14_789), VersionUnits("2.0.0", 9_000, 8_800)]
    assert default_version("2.1.0", both, 0.02, 200) == "2.0.0"  # the newest with enough
    none = [VersionUnits("1.4.0", 40, 39), VersionUnits("2.1.0", 3, 3)]
    assert default_version("2.1.0", none, 0.02, 200) == "1.4.0"  # the most units
    assert default_version("2.1.0", [], 0.02, 200) == "2.1.0"


def test_a_small_baseline_and_a_default_other_than_the_running_version_are_said() -> None:
    made = [VersionUnits("1.4.0", 15_159, 14_789), VersionUnits("2.1.0", 3, 3)]
    terms: dict[str, Any] = {
        "template": "sterile-barrier-sealing",
        "source": "cork",
        "running": "2.1.0",
        "first": date(2026, 11, 1),
        "end": date(2026, 12, 1),
        "made": made,
        "tolerance": 0.02,
        "min_units": 200,
    }
    by_default = warnings(chosen="1.4.0", by_default=True, **terms)
    assert by_default == [
        "the baseline is cork's 15159 units of sterile-barrier-sealing@1.4.0 from 2026-11-01 "
        "to 2026-11-30, not of 2.1.0 (which cork runs now and which is transferred): 2.1.0 "
        "has 3 units there, fewer than the 761 a comparison at the 2.0% tolerance needs"
    ]
    chosen = warnings(chosen="2.1.0", by_default=False, **terms)
    assert len(chosen) == 1
    assert chosen[0].startswith(
        "the baseline has only 3 units of sterile-barrier-sealing@2.1.0 at cork from "
        "2026-11-01 to 2026-11-30 (right-first-time 100.0% [43.8%, 100.0%]): a comparison at "
        "the 2.0% tolerance needs about 761"
    )


def test_a_running_version_without_units_yet_is_said_plainly() -> None:
    made = [VersionUnits("2.0.0", 15_160, 14_790)]
    said = warnings(
        template="sterile-barrier-sealing",
        source="cork",
        running="2.1.0",
        chosen="2.0.0",
        by_default=True,
        first=date(2026, 11, 2),
        end=date(2026, 12, 2),
        made=made,
        tolerance=0.02,
        min_units=200,
    )
    assert said == [
        "the baseline is cork's 15160 units of sterile-barrier-sealing@2.0.0 from 2026-11-02 "
        "to 2026-12-01, not of 2.1.0 (which cork runs now and which is transferred): 2.1.0 "
        "has no units there yet"
    ]
