// Adoption: per template, the share of the sites using it that run its current version, and
// the hours from the version's publication to live at each site (from the ledger).
import { useMemo } from "react";

import { useApiQuery } from "../../api/hooks";
import { Chart } from "../../components/Chart";
import type { ChartOption } from "../../components/Chart";
import { Page } from "../../components/Page";
import { Empty } from "../../components/States";
import { SitesAdoptionDocument } from "../../generated/graphql";
import type { SitesAdoptionQuery } from "../../generated/graphql";
import { percent } from "./logic";
import { SitesNav } from "./SitesNav";
import { Loaded, SitesTable } from "./Table";
import type { Column } from "./Table";

type Adoption = SitesAdoptionQuery["adoption"][number];

/** Lead time as people read it: minutes under an hour, hours under three days, else days. */
export function leadTime(hoursValue: number | null | undefined): string {
  if (hoursValue === null || hoursValue === undefined) return "Not on it yet";
  if (hoursValue * 60 < 1) return "under a minute";
  if (hoursValue < 1) return `${Math.round(hoursValue * 60)} min`;
  if (hoursValue < 72) return `${hoursValue.toFixed(1)} h`;
  return `${(hoursValue / 24).toFixed(1)} days`;
}

export function AdoptionPage() {
  const answer = useApiQuery(SitesAdoptionDocument, { template: null });
  const rows = useMemo(() => answer.data?.adoption ?? [], [answer.data]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 24, top: 16, bottom: 30, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: (value: unknown) =>
          typeof value === "number" ? `${value.toFixed(0)} %` : "—",
      },
      xAxis: {
        type: "value",
        min: 0,
        max: 100,
        axisLabel: { formatter: "{value} %" },
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: rows.map((row) => `${row.template} ${row.currentVersion}`),
      },
      series: [
        {
          name: "Sites on the current version",
          type: "bar",
          itemStyle: { color: "#0969da" },
          label: {
            show: true,
            position: "right",
            formatter: (item: { value: unknown }) =>
              typeof item.value === "number"
                ? `${item.value.toFixed(0)} %`
                : "no site uses it",
          },
          data: rows.map((row) =>
            row.share === null || row.share === undefined
              ? null
              : row.share * 100,
          ),
        },
      ],
    }),
    [rows],
  );
  return (
    <Page
      title="Adoption"
      subtitle="Share of sites on each template's current version, and lead times"
    >
      <SitesNav />
      <Loaded query={answer} what="Loading adoption">
        {() =>
          rows.length === 0 ? (
            <Empty>No template is published yet.</Empty>
          ) : (
            <>
              <Chart
                option={option}
                height={Math.max(200, rows.length * 36 + 60)}
                testId="sites-adoption-chart"
                label="Share of the sites using each template that run its current version; the table below has the numbers."
              />
              <AdoptionTables rows={rows} />
            </>
          )
        }
      </Loaded>
    </Page>
  );
}

const TEMPLATE_COLUMNS: readonly Column[] = [
  { label: "Template" },
  { label: "Current version" },
  { label: "Published (UTC)" },
  { label: "Sites using it", num: true },
  { label: "On the current version", num: true },
  { label: "Share", num: true },
];
const LEAD_TIME_COLUMNS: readonly Column[] = [
  { label: "Template" },
  { label: "Site" },
  { label: "Publication to live", num: true },
];

/** Per template, its current version's adoption; then each site's lead time to it. */
function AdoptionTables({ rows }: { readonly rows: readonly Adoption[] }) {
  return (
    <>
      <SitesTable
        title="Templates"
        titleId="adoption-title"
        testId="sites-adoption-table"
        wrap={false}
        columns={TEMPLATE_COLUMNS}
      >
        <tbody>
          {rows.map((row) => (
            <tr key={row.template}>
              <th scope="row">{row.template}</th>
              <td>{row.currentVersion}</td>
              <td>
                {row.publishedAt
                  ? row.publishedAt.slice(0, 16).replace("T", " ")
                  : "—"}
              </td>
              <td className="num">{row.sitesUsing}</td>
              <td className="num">{row.sitesOnCurrent}</td>
              <td className="num">
                {row.share === null || row.share === undefined
                  ? "— (no site uses it)"
                  : percent(row.share, 0)}
              </td>
            </tr>
          ))}
        </tbody>
      </SitesTable>
      <SitesTable
        title="Lead times: publication to live"
        titleId="lead-times-title"
        testId="sites-lead-times-table"
        wrap={false}
        columns={LEAD_TIME_COLUMNS}
      >
        <tbody>
          {rows.flatMap((row) =>
            row.leadTimes.map((lead) => (
              <tr key={`${row.template}/${lead.site}`}>
                <th scope="row">
                  {row.template} {row.currentVersion}
                </th>
                <td>{lead.site}</td>
                <td className="num">{leadTime(lead.hours)}</td>
              </tr>
            )),
          )}
        </tbody>
      </SitesTable>
    </>
  );
}
