// One site's KPI over days, weeks or months: the value as a line and its 95 % interval as a
// band, the enterprise beside it; the table of the points.
import { useMemo } from "react";
import { useNavigate, useParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { Chart } from "../../components/Chart";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage } from "../../components/States";
import { SitesKpisDocument } from "../../generated/graphql";
import type { SitesKpiRowFragment } from "../../generated/graphql";
import { trendOption } from "./charts";
import { DateRange, EmptyRange } from "./DateRange";
import {
  HOURS_COLUMNS,
  PERIODS,
  RATIO_COLUMNS,
  hours,
  interval,
  isRatio,
  metricLabel,
  parseDate,
  parseMetric,
  parsePeriod,
  percent,
  windowText,
} from "./logic";
import { useFilterOptions } from "./options";
import { Filters, MetricField, PeriodField, SelectField } from "./Field";
import { SitesNav } from "./SitesNav";
import { Loaded, SitesTable } from "./Table";
import { useUrlState } from "./url";

export function TrendPage() {
  const { site = "" } = useParams();
  const navigate = useNavigate();
  const [params, update] = useUrlState();
  const metric = parseMetric(params.get("metric"));
  const period = parsePeriod(params.get("period"));
  const from = parseDate(params.get("from")) ?? null;
  const to = parseDate(params.get("to")) ?? null;
  const options = useFilterOptions();
  const own = useApiQuery(SitesKpisDocument, {
    metric,
    groupBy: ["SITE", "PERIOD"],
    filter: { sites: [site] },
    from,
    to,
    period,
  });
  const enterprise = useApiQuery(SitesKpisDocument, {
    metric,
    groupBy: ["PERIOD"],
    from,
    to,
    period,
  });
  const ratio = isRatio(metric);
  const name = options.sites.find((entry) => entry.key === site)?.name ?? site;

  const points = useMemo(
    () =>
      trendPoints(
        own.data?.kpis.rows ?? [],
        enterprise.data?.kpis.rows ?? [],
        isRatio(metric),
      ),
    [own.data, enterprise.data, metric],
  );
  const option = useMemo(
    () =>
      trendOption({
        points,
        name,
        format: isRatio(metric)
          ? (value: number) => percent(value, 1)
          : (value: number) => hours(value),
        hasInterval: isRatio(metric),
      }),
    [points, name, metric],
  );
  const periodName =
    PERIODS.find((entry) => entry.value === period)?.label.toLowerCase() ??
    "day";

  return (
    <Page
      title={`Trend: ${name}`}
      subtitle={`${metricLabel(metric)} per ${periodName}, with the 95 % interval as a band`}
    >
      <SitesNav />
      <Filters label="Trend">
        <SelectField
          label="Site"
          value={site}
          options={[
            ...(options.sites.some((entry) => entry.key === site)
              ? []
              : [{ value: site, label: site }]),
            ...options.sites.map((entry) => ({
              value: entry.key,
              label: entry.name,
            })),
          ]}
          onChange={(value) =>
            void navigate({
              pathname: `/sites/${encodeURIComponent(value)}/trend`,
              search: params.toString(),
            })
          }
        />
        <MetricField value={metric} update={update} />
        <PeriodField label="Period" value={period} update={update} />
        <DateRange
          from={from ?? undefined}
          to={to ?? undefined}
          shownFrom={own.data?.kpis.from}
          shownTo={own.data?.kpis.to}
          onChange={update}
        />
      </Filters>
      <Loaded query={own} what="Loading the trend">
        {({ kpis }) =>
          points.length === 0 ? (
            kpis.warning ? (
              <EmptyRange
                warning={kpis.warning}
                range={kpis}
                onRange={update}
              />
            ) : (
              <Empty>
                No figures for {name} from {windowText(kpis.from, kpis.to)}.
              </Empty>
            )
          ) : (
            <>
              {enterprise.isError ? (
                <ErrorMessage error={enterprise.error} />
              ) : null}
              <Chart
                option={option}
                testId="sites-trend-chart"
                label={`${metricLabel(metric)} of ${name} per ${periodName}: ${points.length} points${ratio ? " with the 95 % interval as a band" : ""} and the enterprise as a dashed line; the table below has the numbers.`}
              />
              <TrendTable points={points} ratio={ratio} />
            </>
          )
        }
      </Loaded>
    </Page>
  );
}

/** The site's rows in period order, each with the enterprise's figure of the same period. */
function trendPoints(
  rows: readonly SitesKpiRowFragment[],
  enterpriseRows: readonly SitesKpiRowFragment[],
  ratio: boolean,
) {
  const overall = new Map(
    enterpriseRows.map((row) => [
      row.group.period,
      ratio ? row.value : row.medianHours,
    ]),
  );
  return [...rows]
    .filter((row) => row.group.period)
    .sort((a, b) => (a.group.period ?? "").localeCompare(b.group.period ?? ""))
    .map((row) => ({
      row,
      period: row.group.period ?? "",
      value: ratio ? row.value : row.medianHours,
      low: ratio ? row.low : null,
      high: ratio ? row.high : null,
      enterprise: overall.get(row.group.period) ?? null,
    }));
}

/** The points as a table: the site's figures and the enterprise's, period by period. */
function TrendTable({
  points,
  ratio,
}: {
  readonly points: ReturnType<typeof trendPoints>;
  readonly ratio: boolean;
}) {
  return (
    <SitesTable
      title="Points"
      titleId="trend-table-title"
      testId="sites-trend-table"
      columns={[
        { label: "Period starting" },
        ...(ratio ? RATIO_COLUMNS : HOURS_COLUMNS).map((label) => ({
          label,
          num: true,
        })),
        { label: "Enterprise", num: true },
      ]}
    >
      <tbody>
        {points.map(({ row, period: start, enterprise: overall }) => (
          <tr key={start}>
            <th scope="row">{start}</th>
            {ratio ? (
              <>
                <td className="num">{percent(row.value)}</td>
                <td className="num">{interval(row.low, row.high)}</td>
                <td className="num">{row.numerator ?? "—"}</td>
                <td className="num">{row.denominator ?? "—"}</td>
              </>
            ) : (
              <>
                <td className="num">{hours(row.medianHours)}</td>
                <td className="num">{hours(row.p90Hours)}</td>
                <td className="num">{row.count ?? "—"}</td>
              </>
            )}
            <td className="num">{ratio ? percent(overall) : hours(overall)}</td>
          </tr>
        ))}
      </tbody>
    </SitesTable>
  );
}
