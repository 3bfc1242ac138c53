"""GraphQL types of the KPIs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import strawberry

from coe.kpis.service import Adoption, Comparison, Coverage, Metric, Row
from coe.kpis.stats import Ratio

MetricType = strawberry.enum(
    Metric, name="KpiMetric", description="A KPI, as docs/formats/kpis.md defines it."
)


@strawberry.enum(name="KpiDimension", description="What to group a KPI by.")
class Dimension(StrEnum):
    SITE = "site"
    REGION = "region"
    TEMPLATE = "template"
    VERSION = "version"
    PRODUCT = "product"
    PERIOD = "period"


@strawberry.enum(name="KpiPeriod", description="Length of a period when grouping by period.")
class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.input(description="Narrow a KPI; every given field must match.")
class KpiFilter:
    sites: list[str] | None = strawberry.field(default=None, description="Site keys.")
    regions: list[str] | None = strawberry.field(default=None, description="Regions.")
    template: str | None = strawberry.field(default=None, description="Template key.")
    version: str | None = strawberry.field(default=None, description="Template version.")
    product: str | None = strawberry.field(default=None, description="Product / SKU.")


@strawberry.type(description="The group a KPI row is for (only the grouped-by fields are set).")
class KpiGroup:
    site: str | None = strawberry.field(default=None, description="Site key.")
    region: str | None = strawberry.field(default=None, description="Region.")
    template: str | None = strawberry.field(default=None, description="Template key.")
    version: str | None = strawberry.field(default=None, description="Template version.")
    product: str | None = strawberry.field(default=None, description="Product.")
    period: date | None = strawberry.field(default=None, description="First day of the period.")


@strawberry.type(description="One KPI value with the evidence behind it.")
class KpiRow:
    group: KpiGroup = strawberry.field(description="What this row is for.")
    numerator: int | None = strawberry.field(description="Ratios: units counted in the numerator.")
    denominator: int | None = strawberry.field(description="Ratios: units completed.")
    value: float | None = strawberry.field(description="Ratios: numerator / denominator.")
    low: float | None = strawberry.field(description="Lower end of the 95 % Wilson interval.")
    high: float | None = strawberry.field(description="Upper end of the 95 % Wilson interval.")
    count: int | None = strawberry.field(description="Release velocity: batches released.")
    median_hours: float | None = strawberry.field(description="Release velocity: median hours.")
    p90_hours: float | None = strawberry.field(description="Release velocity: 90th percentile.")
    rank: int | None = strawberry.field(description="1 = best among the rows.")
    overlaps_with: list[str] = strawberry.field(
        description="Rows whose 95 % intervals overlap this one: differences not to be read into."
    )

    @classmethod
    def of(cls, row: Row) -> KpiRow:
        ratio = row.ratio
        return cls(
            group=KpiGroup(**row.group),
            numerator=ratio.numerator if ratio else None,
            denominator=ratio.denominator if ratio else None,
            value=ratio.value if ratio else None,
            low=ratio.low if ratio else None,
            high=ratio.high if ratio else None,
            count=row.count,
            median_hours=row.median_hours,
            p90_hours=row.p90_hours,
            rank=row.rank,
            overlaps_with=row.overlaps_with,
        )


@strawberry.type
class WindowCoverage:
    """What a report says when its window came back empty (`coverage_fields` fills it); a base
    of the reports, not a GraphQL type of its own."""

    warning: str | None = strawberry.field(
        default=None,
        description="Set when the window holds no data: says so and names the days that do "
        "(for the caller's sites and the same filters).",
    )
    data_from: date | None = strawberry.field(
        default=None,
        description="With `warning`: the first day with data the caller can see (none at all: "
        "null).",
    )
    data_to: date | None = strawberry.field(
        default=None, description="With `warning`: the last day with data the caller can see."
    )


@strawberry.type(description="A KPI over a window, grouped, with the enterprise figure beside.")
class KpiReport(WindowCoverage):
    metric: MetricType = strawberry.field(description="The KPI.")  # type: ignore[valid-type]
    from_date: date = strawberry.field(name="from", description="First day (UTC).")
    to_date: date = strawberry.field(name="to", description="Day after the last (UTC).")
    group_by: list[str] = strawberry.field(description="Grouped by.")
    rows: list[KpiRow] = strawberry.field(description="Best first.")
    enterprise: KpiRow = strawberry.field(description="All the caller's sites together.")


def coverage_fields(coverage: Coverage | None) -> dict[str, Any]:
    """The `warning`, `dataFrom` and `dataTo` of a report whose window came back empty."""
    if coverage is None:
        return {}
    return {"warning": coverage.warning, "data_from": coverage.first, "data_to": coverage.last}


@strawberry.type(description="A ratio with its interval.")
class RatioType:
    numerator: int = strawberry.field(description="Units in the numerator.")
    denominator: int = strawberry.field(description="Units completed.")
    value: float | None = strawberry.field(description="The ratio.")
    low: float | None = strawberry.field(description="95 % Wilson lower bound.")
    high: float | None = strawberry.field(description="95 % Wilson upper bound.")

    @classmethod
    def of(cls, ratio: Ratio) -> RatioType:
        return cls(
            numerator=ratio.numerator,
            denominator=ratio.denominator,
            value=ratio.value,
            low=ratio.low,
            high=ratio.high,
        )


@strawberry.type(description="A KPI under two versions at one site, and the difference.")
class VersionComparison:
    site: str = strawberry.field(description="Site key, or `enterprise`.")
    before: RatioType = strawberry.field(description="Under the older version.")
    after: RatioType = strawberry.field(description="Under the newer version.")
    difference: float | None = strawberry.field(description="after - before.")
    low: float | None = strawberry.field(description="95 % interval of the difference (low).")
    high: float | None = strawberry.field(description="95 % interval of the difference (high).")
    significant: bool = strawberry.field(description="The interval excludes zero.")

    @classmethod
    def of(cls, comparison: Comparison) -> VersionComparison:
        return cls(
            site=comparison.site,
            before=RatioType.of(comparison.before),
            after=RatioType.of(comparison.after),
            difference=comparison.change.value,
            low=comparison.change.low,
            high=comparison.change.high,
            significant=comparison.significant,
        )


@strawberry.type(description="Before/after: a version's KPI against its predecessor's.")
class VersionReport(WindowCoverage):
    template: str = strawberry.field(description="Template key.")
    from_version: str = strawberry.field(description="The older version.")
    to_version: str = strawberry.field(description="The newer version.")
    metric: MetricType = strawberry.field(description="The KPI compared.")  # type: ignore[valid-type]
    sites: list[VersionComparison] = strawberry.field(description="Per site.")
    enterprise: VersionComparison = strawberry.field(
        description="The sites that ran both versions in the window, pooled (sites that ran "
        "only one are left out so that the two figures cover the same plants)."
    )


@strawberry.type(description="How far a site is on a template's current version.")
class SiteLeadTime:
    site: str = strawberry.field(description="Site key.")
    hours: float | None = strawberry.field(
        description="Hours from publication to live at the site (none: not on it yet)."
    )


@strawberry.type(description="Standard adoption velocity of one template.")
class TemplateAdoption:
    template: str = strawberry.field(description="Template key.")
    current_version: str = strawberry.field(description="Newest published version.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    sites_using: int = strawberry.field(description="Sites running the template.")
    sites_on_current: int = strawberry.field(description="Of those, on the current version.")
    share: float | None = strawberry.field(description="sites_on_current / sites_using.")
    lead_times: list[SiteLeadTime] = strawberry.field(description="Per site.")

    @classmethod
    def of(cls, adoption: Adoption) -> TemplateAdoption:
        return cls(
            template=adoption.template,
            current_version=adoption.current_version,
            published_at=adoption.published_at,
            sites_using=adoption.sites_using,
            sites_on_current=adoption.sites_on_current,
            share=adoption.share,
            lead_times=[
                SiteLeadTime(site=s, hours=h) for s, h in sorted(adoption.lead_times.items())
            ],
        )
