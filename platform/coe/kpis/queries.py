"""KPI queries: executives and auditors see every site, site admins only theirs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from coe.auth.principal import Role
from coe.graphql.context import CoeContext
from coe.graphql.permissions import allow
from coe.kpis import service
from coe.kpis.service import Filter, Metric
from coe.kpis.types import (
    Dimension,
    KpiFilter,
    KpiReport,
    KpiRow,
    MetricType,
    Period,
    TemplateAdoption,
    VersionComparison,
    VersionReport,
    coverage_fields,
)

READERS = (
    Role.EXECUTIVE,
    Role.AUDITOR,
    Role.COE_ARCHITECT,
    Role.SITE_ADMIN,
    Role.NPI_ENGINEER,
    Role.QA_APPROVER,
)


@strawberry.type
class KpiQueries:
    @strawberry.field(
        extensions=allow(*READERS),
        description="A KPI grouped by site, region, template, version, product and/or period, "
        "over [from, to) (UTC days; default the last 30 days), with the enterprise figure, ranks "
        "and overlapping intervals. A window without data says so in `warning`, with the days "
        "that hold data the caller can see under the same filters (`dataFrom`, `dataTo`).",
    )
    async def kpis(
        self,
        info: Info[CoeContext, None],
        metric: MetricType,  # type: ignore[valid-type]
        group_by: list[Dimension] | None = None,
        filter: KpiFilter | None = None,
        from_date: Annotated[date | None, strawberry.argument(name="from")] = None,
        to_date: Annotated[date | None, strawberry.argument(name="to")] = None,
        period: Period = Period.DAY,
    ) -> KpiReport:
        criteria = filter or KpiFilter()
        dimensions = [d.value for d in group_by] if group_by is not None else ["site"]
        async with info.context.read() as session:
            result = await service.report(
                session,
                info.context.caller(),
                Metric(metric),
                dimensions,
                Filter(
                    sites=criteria.sites,
                    regions=criteria.regions,
                    template=criteria.template,
                    version=criteria.version,
                    product=criteria.product,
                ),
                from_date,
                to_date,
                period.value,
            )
        return KpiReport(
            metric=result.metric,
            from_date=result.start,
            to_date=result.end,
            group_by=result.group_by,
            rows=[KpiRow.of(r) for r in result.rows],
            enterprise=KpiRow.of(result.enterprise),
            **coverage_fields(result.coverage),
        )

    @strawberry.field(
        extensions=allow(*READERS),
        description="Before/after: a template version's KPI against another version's, per site, "
        "with the difference and its 95 % interval; `warning` when neither version has data in "
        "the window.",
    )
    async def compare_versions(
        self,
        info: Info[CoeContext, None],
        template: str,
        from_version: str,
        to_version: str,
        metric: MetricType = Metric.RIGHT_FIRST_TIME,  # type: ignore[valid-type]
        from_date: Annotated[date | None, strawberry.argument(name="from")] = None,
        to_date: Annotated[date | None, strawberry.argument(name="to")] = None,
    ) -> VersionReport:
        async with info.context.read() as session:
            sites, enterprise, coverage = await service.compare_versions(
                session,
                info.context.caller(),
                template,
                from_version,
                to_version,
                Metric(metric),
                from_date,
                to_date,
            )
        return VersionReport(
            template=template,
            from_version=from_version,
            to_version=to_version,
            metric=metric,
            sites=[VersionComparison.of(s) for s in sites],
            enterprise=VersionComparison.of(enterprise),
            **coverage_fields(coverage),
        )

    @strawberry.field(
        extensions=allow(*READERS),
        description="Standard adoption velocity: share of sites on each template's current "
        "version, and hours from its publication to live at each site (from the ledger).",
    )
    async def adoption(
        self, info: Info[CoeContext, None], template: str | None = None
    ) -> list[TemplateAdoption]:
        async with info.context.read() as session:
            rows = await service.adoption(session, info.context.caller(), template)
        return [TemplateAdoption.of(row) for row in rows]
