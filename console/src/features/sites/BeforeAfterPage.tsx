// Before/after: a template version's KPI against its predecessor's, per site — each side with
// its 95 % interval, the difference with Newcombe's 95 % interval, significant or not (in words).
import { useMemo } from "react";

import { useApiQuery } from "../../api/hooks";
import { Chart } from "../../components/Chart";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import {
  SitesCompareVersionsDocument,
  SitesVersionsWithDataDocument,
} from "../../generated/graphql";
import type {
  KpiMetric,
  SitesCompareVersionsQuery,
  SitesVersionComparisonFragment,
} from "../../generated/graphql";
import { dotChartHeight, dotWhiskerOption } from "./charts";
import { DateRange, EmptyRange } from "./DateRange";
import {
  METRICS,
  addDays,
  choices,
  higherIsBetter,
  newestFirst,
  interval,
  metricLabel,
  parseDate,
  parseMetric,
  percent,
  points,
} from "./logic";
import { useFilterOptions } from "./options";
import { Filters, MetricField, SelectField } from "./Field";
import { SitesNav } from "./SitesNav";
import { Loaded, SitesTable } from "./Table";
import type { Column } from "./Table";
import { useUrlState } from "./url";
import type { UrlChanges } from "./url";

const RATIOS = METRICS.filter((entry) => entry.value !== "RELEASE_VELOCITY");

export function BeforeAfterPage() {
  const [params, update] = useUrlState();
  const options = useFilterOptions();
  const parsed = parseMetric(params.get("metric"));
  const metric = parsed === "RELEASE_VELOCITY" ? "RIGHT_FIRST_TIME" : parsed;
  const from = parseDate(params.get("from")) ?? null;
  const to = parseDate(params.get("to")) ?? null;
  // Templates with at least two versions can be compared: the published versions the registry
  // lists, and every version with production data over the last ten years.
  const tenYears = useMemo(
    () => addDays(new Date().toISOString().slice(0, 10), -3650),
    [],
  );
  const withData = useApiQuery(SitesVersionsWithDataDocument, {
    from: tenYears,
    to: null,
  });
  const comparable = useMemo(() => {
    const known = new Map<string, string[]>();
    for (const entry of options.templates) {
      known.set(
        entry.key,
        entry.versions
          .filter((version) => version.status === "PUBLISHED")
          .map((version) => version.version),
      );
    }
    for (const row of withData.data?.kpis.rows ?? []) {
      const { template: key, version } = row.group;
      if (key && version) known.set(key, [...(known.get(key) ?? []), version]);
    }
    return [...known.entries()]
      .map(([key, versions]) => ({ key, versions: newestFirst(versions) }))
      .filter((entry) => entry.versions.length >= 2)
      .sort((a, b) => a.key.localeCompare(b.key));
  }, [options.templates, withData.data]);
  // By default, the newest version with data whose predecessor has data too.
  const withDataByTemplate = useMemo(() => {
    const found = new Map<string, string[]>();
    for (const row of withData.data?.kpis.rows ?? []) {
      const { template: key, version } = row.group;
      if (key && version) found.set(key, [...(found.get(key) ?? []), version]);
    }
    return found;
  }, [withData.data]);
  const measured = comparable.find(
    (entry) => (withDataByTemplate.get(entry.key)?.length ?? 0) >= 2,
  );
  const template =
    params.get("template") ?? (measured ?? comparable[0])?.key ?? "";
  const published =
    comparable.find((entry) => entry.key === template)?.versions ?? [];
  const withDataHere = newestFirst(withDataByTemplate.get(template) ?? []);
  const toVersion =
    params.get("version") ??
    (withDataHere.length >= 2 ? withDataHere[0] : undefined) ??
    published[0] ??
    "";
  // Newest first: the predecessor is the next one down.
  const predecessor = published[published.indexOf(toVersion) + 1];
  const fromVersion = params.get("against") ?? predecessor ?? "";
  const ready = !!template && !!toVersion && !!fromVersion;

  const report = useApiQuery(
    SitesCompareVersionsDocument,
    { template, fromVersion, toVersion, metric, from, to },
    { enabled: ready },
  );

  return (
    <Page
      title="Before/after"
      subtitle="A template version against its predecessor, per site"
    >
      <SitesNav />
      <Filters label="Before/after">
        <SelectField
          label="Template"
          value={template}
          options={choices(comparable.map((entry) => entry.key))}
          onChange={(value) =>
            update({ template: value, version: null, against: null })
          }
        />
        <SelectField
          label="Version"
          value={toVersion}
          options={choices(published.slice(0, -1))}
          onChange={(value) => update({ version: value, against: null })}
        />
        <SelectField
          label="Against"
          value={fromVersion}
          options={published
            .slice(published.indexOf(toVersion) + 1)
            .map((version) => ({
              value: version,
              label:
                version === predecessor ? `${version} (predecessor)` : version,
            }))}
          onChange={(value) => update({ against: value })}
        />
        <MetricField value={metric} options={RATIOS} update={update} />
        <DateRange
          from={from ?? undefined}
          to={to ?? undefined}
          shownFrom={undefined}
          shownTo={undefined}
          onChange={update}
        />
      </Filters>
      {options.pending || withData.isPending ? (
        <Loading what="Loading the templates" />
      ) : options.error || withData.error ? (
        <ErrorMessage error={(options.error ?? withData.error) as Error} />
      ) : !ready ? (
        <Empty>No template has two published versions to compare yet.</Empty>
      ) : (
        <Loaded query={report} what="Loading the comparison">
          {(data) => (
            <Comparison
              report={data.compareVersions}
              metric={metric}
              onRange={update}
            />
          )}
        </Loaded>
      )}
    </Page>
  );
}

type Report = SitesCompareVersionsQuery["compareVersions"];
type Side = SitesVersionComparisonFragment["before"];

/** One side's cells: its value, its interval and its units (counted / completed). */
function SideCells({ side }: { readonly side: Side }) {
  return (
    <>
      <td className="num">{percent(side.value)}</td>
      <td className="num">{interval(side.low, side.high)}</td>
      <td className="num">
        {side.numerator} / {side.denominator}
      </td>
    </>
  );
}

function verdict(
  row: SitesVersionComparisonFragment,
  metric: KpiMetric,
): { text: string; tone: string } {
  if (row.difference === null || row.difference === undefined) {
    return {
      text: "Not comparable: no units under one of the versions",
      tone: "badge-muted",
    };
  }
  if (!row.significant)
    return {
      text: "Not significant: the interval includes zero",
      tone: "badge-muted",
    };
  const better = higherIsBetter(metric)
    ? row.difference > 0
    : row.difference < 0;
  return better
    ? { text: "Significant: better", tone: "badge-ok" }
    : { text: "Significant: worse", tone: "badge-bad" };
}

/** The three columns of one side: its value, its interval and its units. */
function sideColumns(side: string, version: string): Column[] {
  return [
    { label: `${side} (${version})`, num: true },
    { label: `${side} 95 % interval`, num: true },
    { label: `${side} units`, num: true },
  ];
}

function Comparison({
  report,
  metric,
  onRange,
}: {
  readonly report: Report;
  readonly metric: KpiMetric;
  readonly onRange: (changes: UrlChanges) => void;
}) {
  const option = useMemo(
    () =>
      dotWhiskerOption({
        dots: report.sites.map((row) => ({
          label: row.site,
          value: row.difference,
          low: row.low,
          high: row.high,
          group: null,
        })),
        reference: 0,
        referenceLabel: "No change",
        format: (value) => points(value, 1),
        valueName: `Difference in ${metricLabel(metric).toLowerCase()} (after − before)`,
      }),
    [report, metric],
  );
  const empty = report.sites.every(
    (row) => row.before.denominator === 0 && row.after.denominator === 0,
  );
  if (report.warning && empty) {
    return (
      <EmptyRange warning={report.warning} range={report} onRange={onRange} />
    );
  }
  if (report.sites.length === 0)
    return <Empty>No site ran either version in this window.</Empty>;
  const line = (row: SitesVersionComparisonFragment, header: boolean) => {
    const said = verdict(row, metric);
    const Name = header ? "th" : "td";
    return (
      <tr key={row.site}>
        <Name scope="row">
          {row.site === "enterprise" ? "Enterprise (sites on both)" : row.site}
        </Name>
        <SideCells side={row.before} />
        <SideCells side={row.after} />
        <td className="num">{points(row.difference)}</td>
        <td className="num">{interval(row.low, row.high, points)}</td>
        <td>
          <span className={`badge ${said.tone}`}>{said.text}</span>
        </td>
      </tr>
    );
  };
  return (
    <>
      {report.warning ? (
        <p className="state state-info">{report.warning}</p>
      ) : null}
      <Chart
        option={option}
        height={dotChartHeight(report.sites.length)}
        testId="sites-before-after-chart"
        label={`Difference of ${metricLabel(metric).toLowerCase()} between ${report.template} ${report.toVersion} and ${report.fromVersion} per site, with 95 % intervals and the zero line; the table below has the numbers.`}
      />
      <SitesTable
        title={
          <>
            {report.template} {report.toVersion} against {report.fromVersion}:{" "}
            {metricLabel(metric).toLowerCase()}
          </>
        }
        titleId="before-after-title"
        testId="sites-before-after-table"
        columns={[
          { label: "Site" },
          ...sideColumns("Before", report.fromVersion),
          ...sideColumns("After", report.toVersion),
          { label: "Difference", num: true },
          { label: "Difference 95 % interval", num: true },
          { label: "Significant?" },
        ]}
      >
        <tbody>{report.sites.map((row) => line(row, true))}</tbody>
        <tfoot>{line(report.enterprise, true)}</tfoot>
      </SitesTable>
      <p className="sites-legend">
        Units: counted by the metric / completed. Differences in percentage
        points (pp); significant when the whole 95 % interval of the difference
        is on one side of zero.
      </p>
    </>
  );
}
