"""Which of the source's units a transfer's baseline is made of (pure): the version and the
window, chosen or by default, and the warnings when they are too few to mean anything.

"Enough" is what a comparison at the transfer's tolerance needs: the units per side for the
95 % interval of the difference to be narrow enough to decide at that tolerance, the rule a
kpiGuard uses (`coe.rollouts.guard.units_needed`), at least the `minUnits` the target must
make. A baseline smaller than that makes the qualification a coin toss: a target may be
compared against 3 lucky units.

By default the baseline is the version the source runs now (the one transferred); when that
version has too few units in the window (it was deployed minutes ago), the newest version the
source made enough units of in the window, and the package says so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import semver

from coe.documents import duration_seconds
from coe.errors import BadUserInputError
from coe.kpis.stats import wilson
from coe.rollouts.guard import units_needed
from coe.templates.versions import VersionError, parse_version

DAY_SECONDS = 86_400
WINDOW_ARGUMENT = "baselineWindow"
VERSION_ARGUMENT = "baselineVersion"


@dataclass(frozen=True)
class VersionUnits:
    """What the source made under one version in the window."""

    version: str
    units: int
    right_first_time: int

    def needed(self, tolerance: float, min_units: int) -> int:
        """Units a comparison against this version at `tolerance` needs (the kpiGuard rule)."""
        rate = self.right_first_time / self.units if self.units else 0.5
        return units_needed(rate, tolerance, min_units)

    def enough(self, tolerance: float, min_units: int) -> bool:
        return self.units >= self.needed(tolerance, min_units)


def parse_window(text: str, today: date) -> tuple[date, date]:
    """`[first, end)` in UTC days from `90d` (the last 90 days, today included) or
    `FROM..TO` (ISO dates, TO excluded). An empty window is refused, saying why."""
    text = text.strip()
    first_text, dots, end_text = text.partition("..")
    if dots:
        try:
            first, end = date.fromisoformat(first_text), date.fromisoformat(end_text)
        except ValueError:
            raise _bad(f"`{WINDOW_ARGUMENT}` {text!r} is not FROM..TO with ISO dates") from None
        if first >= end:
            raise _bad(
                f"`{WINDOW_ARGUMENT}` {text!r} is empty: FROM must be before TO "
                "(TO is the day after the last)"
            )
        return first, end
    seconds = duration_seconds(text)
    if seconds is None:
        raise _bad(
            f"`{WINDOW_ARGUMENT}` must be a number of days such as 30d or 90d, or FROM..TO "
            f"(e.g. 2026-09-01..2026-10-01), not {text!r}"
        )
    if seconds <= 0:
        raise _bad(f"`{WINDOW_ARGUMENT}` {text!r} is empty: give at least one day (1d)")
    if seconds % DAY_SECONDS:
        raise _bad(
            f"`{WINDOW_ARGUMENT}` {text!r} is not whole days: the baseline counts whole UTC "
            "days (e.g. 30d)"
        )
    end = today + timedelta(days=1)
    return end - timedelta(days=int(seconds // DAY_SECONDS)), end


def _bad(message: str) -> BadUserInputError:
    return BadUserInputError(message, argument=WINDOW_ARGUMENT)


def default_version(
    running: str, made: Sequence[VersionUnits], tolerance: float, min_units: int
) -> str:
    """The running version if it has enough units; else the newest version that has; else
    the one with the most units (the running one on a tie, or when there are none)."""
    found = {v.version: v for v in made}
    if running in found and found[running].enough(tolerance, min_units):
        return running
    enough = [v.version for v in made if v.enough(tolerance, min_units)]
    if enough:
        return max(enough, key=_precedence)
    most = max(made, key=lambda v: (v.units, v.version == running), default=None)
    return most.version if most is not None and most.units else running


def _precedence(version: str) -> tuple[int, semver.Version | None, str]:
    """Semver order; a version that is not semver (kept by an old event) sorts first."""
    try:
        return 1, parse_version(version), version
    except VersionError:
        return 0, None, version


def units_of(version: str, made: Sequence[VersionUnits]) -> VersionUnits:
    return next((v for v in made if v.version == version), VersionUnits(version, 0, 0))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def warnings(
    *,
    template: str,
    source: str,
    running: str,
    chosen: str,
    by_default: bool,
    first: date,
    end: date,
    made: Sequence[VersionUnits],
    tolerance: float,
    min_units: int,
) -> list[str]:
    """What the package says about its baseline: a default other than the running version,
    and a baseline too small for the qualification to mean anything."""
    found: list[str] = []
    span = f"from {first} to {end - timedelta(days=1)}"
    baseline, now = units_of(chosen, made), units_of(running, made)
    if by_default and chosen != running:
        few = (
            f"has {now.units} units there, fewer than the {now.needed(tolerance, min_units)} "
            f"a comparison at the {tolerance:.1%} tolerance needs"
            if now.units
            else "has no units there yet"
        )
        found.append(
            f"the baseline is {source}'s {baseline.units} units of {template}@{chosen} {span}, "
            f"not of {running} (which {source} runs now and which is transferred): {running} "
            f"{few}"
        )
    needed = baseline.needed(tolerance, min_units)
    if baseline.units < needed:
        ratio = wilson(baseline.right_first_time, baseline.units)
        found.append(
            f"the baseline has only {baseline.units} units of {template}@{chosen} at {source} "
            f"{span} (right-first-time {_pct(ratio.value)} [{_pct(ratio.low)}, "
            f"{_pct(ratio.high)}]): a comparison at the {tolerance:.1%} tolerance needs about "
            f"{needed}, so the qualification would not mean much; choose another baseline "
            "version or a longer baseline window"
        )
    return found
