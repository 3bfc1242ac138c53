"""KPI reports: the same definition for every site, with the count behind every ratio, its 95 %
interval, ranks, and which differences are too small to read anything into."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal
from coe.auth.scope import Scope
from coe.errors import BadUserInputError
from coe.kpis import repository
from coe.kpis.repository import Filter as Filter  # the resolvers build report filters with it
from coe.kpis.stats import Difference, Ratio, difference, overlapping, wilson


class Metric(StrEnum):
    RIGHT_FIRST_TIME = "right_first_time"
    SCRAP_RATIO = "scrap_ratio"
    REWORK_RATIO = "rework_ratio"
    RELEASE_VELOCITY = "release_velocity"


RATIO_COLUMN = {
    Metric.RIGHT_FIRST_TIME: "rft",
    Metric.SCRAP_RATIO: "scrapped",
    Metric.REWORK_RATIO: "reworked",
}
HIGHER_IS_BETTER = {Metric.RIGHT_FIRST_TIME}
DIMENSIONS = tuple(repository.DIMENSIONS)
GRANULARITIES = ("day", "week", "month")
MAX_DAYS = 3660


@dataclass
class Row:
    group: dict[str, Any]
    ratio: Ratio | None = None
    count: int | None = None
    median_hours: float | None = None
    p90_hours: float | None = None
    rank: int | None = None
    overlaps_with: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "/".join(str(value) for value in self.group.values()) or "enterprise"


@dataclass
class Report:
    metric: Metric
    start: date
    end: date
    group_by: list[str]
    rows: list[Row]
    enterprise: Row
    coverage: Coverage | None = None  # set when the window holds no data


@dataclass(frozen=True)
class Coverage:
    """Which days hold data the caller can see under the same filters, on any day: what to say
    when a window comes back empty."""

    start: date  # first [start, end) of the empty window asked for
    end: date
    first: date | None  # first and last day with data; None: no data at all
    last: date | None

    @property
    def warning(self) -> str:
        asked = f"no data from {self.start} to {self.end - timedelta(days=1)}"
        if self.first is None or self.last is None:
            return f"{asked}; there is no data you can see for these filters on any day"
        return f"{asked}; the data you can see runs from {self.first} to {self.last}"


def window(start: date | None, end: date | None) -> tuple[date, date]:
    """[start, end) in UTC days; default: the last 30 days up to today."""
    end = end or (datetime.now(UTC).date() + timedelta(days=1))
    start = start or end - timedelta(days=30)
    if start >= end:
        raise BadUserInputError("`from` must be before `to`")
    if (end - start).days > MAX_DAYS:
        raise BadUserInputError(f"at most {MAX_DAYS} days per report")
    return start, end


def scoped(principal: Principal, asked: Sequence[str] | None) -> Sequence[str] | None:
    """What the caller may see, narrowed to what they asked for."""
    return Scope.of(principal).narrow(asked)


async def report(
    session: AsyncSession,
    principal: Principal,
    metric: Metric,
    group_by: Sequence[str],
    filters: Filter,
    start: date | None,
    end: date | None,
    granularity: str = "day",
) -> Report:
    unknown = [d for d in group_by if d not in DIMENSIONS]
    if unknown or granularity not in GRANULARITIES:
        raise BadUserInputError(f"unknown dimension or period: {unknown or granularity}")
    first, last = window(start, end)
    filters = Filter(
        sites=scoped(principal, filters.sites),
        regions=filters.regions,
        template=filters.template,
        version=filters.version,
        product=filters.product,
    )
    groups = list(dict.fromkeys(group_by))
    query = (
        repository.release_times if metric is Metric.RELEASE_VELOCITY else repository.unit_counts
    )
    rows = [
        _row(metric, groups, raw)
        for raw in await query(session, groups, filters, first, last, granularity)
    ]
    totals = await query(session, [], filters, first, last, granularity)
    enterprise = _row(metric, [], totals[0]) if totals else Row(group={})
    _rank(metric, rows)
    coverage = None
    if _empty(metric, enterprise):
        coverage = await _coverage(session, filters, metric is Metric.RELEASE_VELOCITY, first, last)
    return Report(metric, first, last, groups, rows, enterprise, coverage)


def _empty(metric: Metric, enterprise: Row) -> bool:
    if metric is Metric.RELEASE_VELOCITY:
        return not enterprise.count
    return enterprise.ratio is None or enterprise.ratio.denominator == 0


async def _coverage(
    session: AsyncSession, filters: Filter, release_velocity: bool, start: date, end: date
) -> Coverage:
    data_first, data_last = await repository.days_with_data(session, filters, release_velocity)
    return Coverage(start, end, data_first, data_last)


def _row(metric: Metric, groups: Sequence[str], raw: dict[str, Any]) -> Row:
    group = {d: raw[d] for d in groups}
    if metric is Metric.RELEASE_VELOCITY:
        return Row(
            group=group,
            count=int(raw["count"] or 0),
            median_hours=_float(raw["median"]),
            p90_hours=_float(raw["p90"]),
        )
    units = int(raw["units"] or 0)
    return Row(group=group, ratio=wilson(int(raw[RATIO_COLUMN[metric]] or 0), units))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _rank(metric: Metric, rows: list[Row]) -> None:
    """Best first; each row lists the rows whose 95 % intervals overlap its own."""
    if metric is Metric.RELEASE_VELOCITY:
        rows.sort(key=lambda r: (r.median_hours is None, r.median_hours or 0.0))
    else:
        rows.sort(key=lambda row: _ratio_order(metric, row))
        overlaps = overlapping([(r.label, r.ratio.low, r.ratio.high) for r in rows if r.ratio])
        for row in rows:
            row.overlaps_with = overlaps.get(row.label, [])
    for position, row in enumerate(rows, start=1):
        row.rank = position


def _ratio_order(metric: Metric, row: Row) -> tuple[int, float]:
    if row.ratio is None or row.ratio.value is None:
        return (1, 0.0)  # no units: last
    return (0, -row.ratio.value if metric in HIGHER_IS_BETTER else row.ratio.value)


def _ratio(metric: Metric, raw: dict[str, Any]) -> Ratio:
    return _row(metric, [], raw).ratio or wilson(0, 0)


@dataclass
class Comparison:
    site: str
    before: Ratio
    after: Ratio
    change: Difference

    @property
    def significant(self) -> bool:
        """The 95 % interval of the difference excludes zero."""
        return (
            self.change.low is not None
            and self.change.high is not None
            and (self.change.low > 0 or self.change.high < 0)
        )


async def compare_versions(
    session: AsyncSession,
    principal: Principal,
    template: str,
    old: str,
    new: str,
    metric: Metric,
    start: date | None,
    end: date | None,
) -> tuple[list[Comparison], Comparison, Coverage | None]:
    """A version's KPI against its predecessor's, per site and for the enterprise, and, when
    neither version has data in the window, which days of the template do.

    The enterprise figure pools only the sites that ran both versions in the window: pooling
    every site would compare different populations (a weak site that only ever ran the new
    version would make the new version look worse — Simpson's paradox)."""
    if metric is Metric.RELEASE_VELOCITY:
        raise BadUserInputError(
            "compareVersions compares ratios (right_first_time, scrap_ratio, rework_ratio)"
        )
    first, last = window(start, end)
    sites = scoped(principal, None)
    counts: dict[str, dict[str, Ratio]] = {}
    for version in (old, new):
        filters = Filter(sites=sites, template=template, version=version)
        for raw in await repository.unit_counts(session, ["site"], filters, first, last, "day"):
            counts.setdefault(raw["site"], {})[version] = _ratio(metric, raw)
    paired = [v for v in counts.values() if old in v and new in v]
    totals = {
        version: wilson(
            sum(v[version].numerator for v in paired), sum(v[version].denominator for v in paired)
        )
        for version in (old, new)
    }
    empty = wilson(0, 0)
    per_site = [
        Comparison(
            site,
            versions.get(old, empty),
            versions.get(new, empty),
            difference(versions.get(new, empty), versions.get(old, empty)),
        )
        for site, versions in sorted(counts.items())
    ]
    enterprise = Comparison(
        "enterprise", totals[old], totals[new], difference(totals[new], totals[old])
    )
    coverage = None
    if not counts:
        coverage = await _coverage(
            session, Filter(sites=sites, template=template), False, first, last
        )
    return per_site, enterprise, coverage


@dataclass
class Adoption:
    template: str
    current_version: str
    published_at: datetime | None
    sites_using: int
    sites_on_current: int
    lead_times: dict[str, float | None]

    @property
    def share(self) -> float | None:
        return self.sites_on_current / self.sites_using if self.sites_using else None


async def adoption(
    session: AsyncSession, principal: Principal, template: str | None
) -> list[Adoption]:
    """Share of sites on each template's current version, and the time from its publication
    to going live at each site (from the deployment ledger)."""
    result: dict[str, Adoption] = {}
    for raw in await repository.adoption(session, template, scoped(principal, None)):
        entry = result.setdefault(
            raw["template"],
            Adoption(raw["template"], raw["current_version"], raw["published_at"], 0, 0, {}),
        )
        if raw["site"] is None:
            continue
        entry.sites_using += 1
        if raw["running_version"] == raw["current_version"]:
            entry.sites_on_current += 1
        lead = None
        if raw["live_since"] is not None and raw["published_at"] is not None:
            lead = (raw["live_since"] - raw["published_at"]).total_seconds() / 3600
        entry.lead_times[raw["site"]] = lead
    return list(result.values())


async def site_totals(
    session: AsyncSession, site: str, template: str, version: str, start: date, end: date
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Unit counts and release times of one version at one site over [start, end]."""
    scope = Filter(sites=[site], template=template, version=version)
    counts = (await repository.unit_counts(session, [], scope, start, end, "day"))[0]
    releases = (await repository.release_times(session, [], scope, start, end, "day"))[0]
    return counts, releases


async def recent_volume(
    session: AsyncSession,
    template: str,
    sites: Sequence[str],
    numerator: str,
    since: date,
    until: date,
) -> tuple[int, int]:
    """Units and `numerator` of `sites` under any version of `template` over [since, until)."""
    return await repository.recent_volume(session, template, sites, numerator, since, until)
