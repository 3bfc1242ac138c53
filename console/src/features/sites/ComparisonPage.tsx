// Executive — Sites: a KPI compared across sites (or regions, templates, versions, products):
// a dot-and-whisker chart with 95 % intervals, the enterprise line and the rows that cannot be
// told apart banded together; the table behind it, downloadable as CSV. Everything that shapes
// the view is in the URL, so a link shows the same view and a reload keeps it.
import { useMemo } from "react";
import type { ReactNode } from "react";
import { Link } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { Chart } from "../../components/Chart";
import { Page } from "../../components/Page";
import { Empty } from "../../components/States";
import { SitesKpisDocument } from "../../generated/graphql";
import type {
  KpiFilter,
  SitesKpiRowFragment,
  SitesKpisQuery,
} from "../../generated/graphql";
import { dotChartHeight, dotWhiskerOption } from "./charts";
import { DateRange, EmptyRange } from "./DateRange";
import { useFilterOptions } from "./options";
import {
  GROUPINGS,
  HOURS_COLUMNS,
  RATIO_COLUMNS,
  choices,
  download,
  groupName,
  hours,
  isRatio,
  metricLabel,
  overlapGroups,
  parseDate,
  parseGrouping,
  parseMetric,
  parsePeriod,
  percent,
  rowKey,
  toCsv,
  windowText,
} from "./logic";
import type { Grouping } from "./logic";
import { Field, Filters, MetricField, PeriodField, SelectField } from "./Field";
import { SitesNav } from "./SitesNav";
import { Loaded, SitesTable } from "./Table";
import { useUrlState } from "./url";
import type { UrlChanges } from "./url";

const FILTERS = ["region", "site", "template", "version", "product"] as const;
const GROUPING_CHOICES = (Object.keys(GROUPINGS) as Grouping[]).map((key) => ({
  value: key,
  label: GROUPINGS[key].label,
}));

export function ComparisonPage() {
  const [params, update] = useUrlState();
  const metric = parseMetric(params.get("metric"));
  const by = parseGrouping(params.get("by"));
  const period = parsePeriod(params.get("period"));
  const from = parseDate(params.get("from"));
  const to = parseDate(params.get("to"));
  const region = params.get("region");
  const site = params.get("site");
  const template = params.get("template");
  const version = params.get("version");
  const product = params.get("product");
  const filter: KpiFilter = {
    ...(region ? { regions: [region] } : {}),
    ...(site ? { sites: [site] } : {}),
    ...(template ? { template } : {}),
    ...(template && version ? { version } : {}),
    ...(product ? { product } : {}),
  };
  const filtered = Object.keys(filter).length > 0;

  const report = useApiQuery(SitesKpisDocument, {
    metric,
    groupBy: [...GROUPINGS[by].dimensions],
    filter: filtered ? filter : null,
    from: from ?? null,
    to: to ?? null,
    period,
  });
  const options = useFilterOptions();
  const versions =
    options.templates.find((entry) => entry.key === template)?.versions ?? [];

  return (
    <Page
      title="Sites"
      subtitle={`${metricLabel(metric)} by ${GROUPINGS[by].label.toLowerCase()}, with 95 % intervals`}
    >
      <SitesNav />
      <Filters label="Comparison">
        <MetricField value={metric} update={update} />
        <SelectField
          label="Group by"
          value={by}
          options={GROUPING_CHOICES}
          onChange={(value) => update({ by: value })}
        />
        <PeriodField label="Trend period" value={period} update={update} />
        <DateRange
          from={from}
          to={to}
          shownFrom={report.data?.kpis.from}
          shownTo={report.data?.kpis.to}
          onChange={update}
        />
        <SelectField
          label="Region"
          value={region ?? ""}
          all="All regions"
          options={choices(options.regions)}
          onChange={(value) => update({ region: value })}
        />
        <SelectField
          label="Site"
          value={site ?? ""}
          all="All sites"
          options={options.sites.map((entry) => ({
            value: entry.key,
            label: entry.name,
          }))}
          onChange={(value) => update({ site: value })}
        />
        <SelectField
          label="Template"
          value={template ?? ""}
          all="All templates"
          options={choices(options.templates.map((entry) => entry.key))}
          onChange={(value) => update({ template: value, version: null })}
        />
        <SelectField
          label="Version"
          value={version ?? ""}
          all="All versions"
          disabled={!template}
          options={choices(versions.map((entry) => entry.version))}
          onChange={(value) => update({ version: value })}
        />
        <Field label="Product">
          {(id) => (
            <input
              id={id}
              key={product ?? ""}
              type="search"
              defaultValue={product ?? ""}
              placeholder="SKU"
              onBlur={(event) => {
                if (event.target.value !== (product ?? ""))
                  update({ product: event.target.value });
              }}
              onKeyDown={(event) => {
                if (event.key === "Enter")
                  update({ product: event.currentTarget.value });
              }}
            />
          )}
        </Field>
        {filtered ? (
          <button
            type="button"
            className="button-quiet"
            onClick={() =>
              update(Object.fromEntries(FILTERS.map((key) => [key, null])))
            }
          >
            Clear filters
          </button>
        ) : null}
      </Filters>
      <Loaded query={report} what="Loading the comparison">
        {(data) => (
          <Comparison
            report={data.kpis}
            by={by}
            period={params.get("period")}
            onRange={update}
          />
        )}
      </Loaded>
    </Page>
  );
}

type Report = SitesKpisQuery["kpis"];

function Comparison({
  report,
  by,
  period,
  onRange,
}: {
  readonly report: Report;
  readonly by: Grouping;
  readonly period: string | null;
  readonly onRange: (changes: UrlChanges) => void;
}) {
  const ratio = isRatio(report.metric);
  const name = metricLabel(report.metric);
  const view = useMemo(() => tableOf(report, ratio), [report, ratio]);
  const option = useMemo(
    () =>
      dotWhiskerOption({
        dots: report.rows.map((row, index) => ({
          label: view.keys[index] ?? "",
          value: ratio ? row.value : row.medianHours,
          low: ratio ? row.low : null,
          high: ratio ? row.high : null,
          group: view.groups[index] ?? null,
        })),
        reference: ratio
          ? report.enterprise.value
          : report.enterprise.medianHours,
        referenceLabel: "Enterprise",
        format: ratio ? (value) => percent(value, 1) : (value) => hours(value),
        valueName: ratio ? name : `${name} (median hours)`,
      }),
    [report, view, ratio, name],
  );

  if (report.rows.length === 0) {
    return report.warning ? (
      <EmptyRange warning={report.warning} range={report} onRange={onRange} />
    ) : (
      <Empty>
        No {name.toLowerCase()} figures match these filters from{" "}
        {windowText(report.from, report.to)}.
      </Empty>
    );
  }

  const groupCount = new Set(view.groups.filter((group) => group !== null))
    .size;
  const file = `${report.metric.toLowerCase()}-by-${by}-${report.from}-${report.to}.csv`;
  const trendQuery = (site: string) => {
    const query = new URLSearchParams({
      metric: report.metric,
      from: report.from,
      to: report.to,
    });
    if (period) query.set("period", period);
    return `/sites/${encodeURIComponent(site)}/trend?${query.toString()}`;
  };

  return (
    <>
      <Chart
        option={option}
        height={dotChartHeight(report.rows.length)}
        testId="sites-chart"
        label={`${name} by ${GROUPINGS[by].label.toLowerCase()}: ${report.rows.length} rows, best first, with 95 % intervals and the enterprise line; the table below has the numbers.`}
      />
      <p className="sites-legend">
        {ratio
          ? "Dot: the value; whisker: its 95 % Wilson interval; dashed line: the enterprise. "
          : "Dot: median hours from batch completion to release (no interval); dashed line: the enterprise. "}
        {groupCount > 0
          ? `Rows banded and labelled with the same letter (${groupCount} group${groupCount > 1 ? "s" : ""}) have overlapping intervals: they cannot be told apart.`
          : ratio
            ? "No two intervals overlap: every difference shown is beyond chance."
            : ""}
      </p>
      <div className="sites-table-actions">
        <h2 id="sites-table-title">The table behind the chart</h2>
        <button
          type="button"
          onClick={() =>
            download(file, toCsv(view.header, [...view.rows, view.enterprise]))
          }
        >
          Download CSV
        </button>
      </div>
      <SitesTable
        titleId="sites-table-title"
        testId="sites-table"
        columns={view.header.map((label, index) => ({
          label,
          num: index >= view.firstNumber,
        }))}
      >
        <tbody>
          {view.rows.map((cells, index) => {
            const group = view.groups[index] ?? null;
            const siteKey = report.rows[index]?.group.site;
            return (
              <tr
                key={view.keys[index]}
                className={
                  group === null
                    ? undefined
                    : group % 2
                      ? "sites-group-odd"
                      : "sites-group-even"
                }
              >
                <RowCells
                  cells={cells}
                  firstNumber={view.firstNumber}
                  name={(cell) =>
                    by === "site" && siteKey ? (
                      <Link
                        to={trendQuery(siteKey)}
                        aria-label={`${cell}: trend`}
                      >
                        {cell}
                      </Link>
                    ) : (
                      cell
                    )
                  }
                />
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <RowCells
              cells={view.enterprise}
              firstNumber={view.firstNumber}
              name={(cell) => cell}
            />
          </tr>
        </tfoot>
      </SitesTable>
      {by === "site" ? (
        <p className="sites-legend">Open a site&apos;s trend from its name.</p>
      ) : null}
    </>
  );
}

interface RowCellsProps {
  readonly cells: readonly string[];
  readonly firstNumber: number;
  readonly name: (cell: string) => ReactNode;
}

/** A row's cells: the second names the row (shown by `name`), numbers from `firstNumber` on. */
function RowCells({ cells, firstNumber, name }: RowCellsProps) {
  return cells.map((cell, column) =>
    column === 1 ? (
      <th key={column} scope="row">
        {name(cell)}
      </th>
    ) : (
      <td key={column} className={column >= firstNumber ? "num" : undefined}>
        {cell}
      </td>
    ),
  );
}

/** The table as text cells (what the page shows is what the CSV holds). */
function tableOf(report: Report, ratio: boolean) {
  const groupBy = report.groupBy;
  const keys = report.rows.map((row) => rowKey(row.group, groupBy));
  const groups = overlapGroups(
    report.rows.map((row, index) => ({
      key: keys[index] ?? "",
      overlapsWith: row.overlapsWith,
    })),
  );
  const groupLabel = groupBy
    .map((dimension) => dimension[0]?.toUpperCase() + dimension.slice(1))
    .join(" / ");
  const window = windowText(report.from, report.to);
  const header = ratio
    ? ["Rank", groupLabel, "Cannot be told apart", ...RATIO_COLUMNS, "Period"]
    : ["Rank", groupLabel, "Cannot be told apart", ...HOURS_COLUMNS, "Period"];
  const cells = (
    row: SitesKpiRowFragment,
    label: string,
    group: number | null,
    rank: string,
  ): string[] =>
    ratio
      ? [
          rank,
          label,
          group === null ? "—" : `Group ${groupName(group)}`,
          percent(row.value),
          row.low === null || row.low === undefined
            ? "—"
            : `${percent(row.low)} – ${percent(row.high)}`,
          String(row.numerator ?? "—"),
          String(row.denominator ?? "—"),
          window,
        ]
      : [
          rank,
          label,
          group === null ? "—" : `Group ${groupName(group)}`,
          hours(row.medianHours),
          hours(row.p90Hours),
          String(row.count ?? "—"),
          window,
        ];
  return {
    keys,
    groups,
    header,
    firstNumber: 3,
    rows: report.rows.map((row, index) =>
      cells(
        row,
        keys[index] ?? "",
        groups[index] ?? null,
        String(row.rank ?? "—"),
      ),
    ),
    enterprise: cells(report.enterprise, "Enterprise", null, ""),
  };
}
