// The qualification chart: the target's right-first-time with its 95 % interval (a band, narrowing
// as units accumulate — one point per measurement the workflow kept) against the source's
// baseline (a line, its interval a thin band) and the tolerance (the shaded zone the target's
// interval must reach: from baseline − tolerance up). The numbers are in the table beside it.
import { useMemo } from "react";

import { Chart } from "../../components/Chart";
import type { ChartOption } from "../../components/Chart";
import { baselineOf, pct } from "./model";
import type { BaselineView, Measurement, Observed } from "./model";

export function qualificationOption(
  baseline: BaselineView,
  tolerance: number,
  series: readonly Observed[],
  window: { readonly since: string | null; readonly deadline: string | null },
  fallback: { readonly start: string; readonly seconds: number } | null = null,
): ChartOption {
  const base = baseline.rightFirstTime.value ?? 0;
  const floor = base - tolerance;
  const points = series.filter((p) => p.value !== null);
  const times = points.map((p) => Date.parse(p.at));
  const planned = fallback ? Date.parse(fallback.start) : Date.now();
  const start = window.since ? Date.parse(window.since) : (times[0] ?? planned);
  const end = window.deadline
    ? Date.parse(window.deadline)
    : (times[times.length - 1] ?? start + (fallback?.seconds ?? 86_400) * 1000);
  const lows = points.map((p) => p.low ?? 0);
  const minY = Math.max(0, Math.min(floor, ...lows) - 0.02);
  const percent = (v: number) => `${(v * 100).toFixed(1)} %`;
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 40, bottom: 48 },
    legend: { top: 0, data: ["Target (95 % interval)", "Target", "Source baseline"] },
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? percent(v) : String(v)) },
    xAxis: { type: "time", min: start, max: Math.max(end, start + 1), name: "UTC" },
    yAxis: {
      type: "value",
      min: Number(minY.toFixed(3)),
      max: 1,
      axisLabel: { formatter: (v: number) => percent(v) },
      name: "Right-first-time",
    },
    series: [
      // the band: an invisible lower line and the interval's width stacked on it
      {
        name: "band-low",
        type: "line",
        stack: "target-band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        data: points.map((p, i) => [times[i], p.low ?? 0]),
        tooltip: { show: false },
      },
      {
        name: "Target (95 % interval)",
        type: "line",
        stack: "target-band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        itemStyle: { color: "#0969da" },
        areaStyle: { color: "#0969da", opacity: 0.25 },
        data: points.map((p, i) => [times[i], (p.high ?? 0) - (p.low ?? 0)]),
      },
      {
        name: "Target",
        type: "line",
        symbol: "circle",
        symbolSize: 7,
        itemStyle: { color: "#0a3069" },
        data: points.map((p, i) => [times[i], p.value]),
      },
      {
        name: "Source baseline",
        type: "line",
        symbol: "none",
        lineStyle: { color: "#1a7f37", type: "dashed", width: 2 },
        itemStyle: { color: "#1a7f37" },
        data: [
          [start, base],
          [Math.max(end, start + 1), base],
        ],
        markArea: {
          silent: true,
          data: [
            [
              {
                name: `Tolerance: ≥ ${percent(floor)}`,
                yAxis: floor,
                itemStyle: { color: "#1a7f37", opacity: 0.08 },
                label: { position: "insideBottomRight", color: "#116329" },
              },
              { yAxis: 1 },
            ],
          ],
        },
        markLine: {
          silent: true,
          symbol: "none",
          label: { formatter: `baseline − tolerance ${percent(floor)}`, position: "insideEndTop" },
          lineStyle: { color: "#9a6700", type: "dotted" },
          data: [{ yAxis: floor }],
        },
      },
    ],
  };
}

export function QualificationChart({
  pkg,
  tolerance,
  minUnits,
  series,
  latest,
  planned,
}: {
  /** The transfer's `package` (its baseline as kept at the start). */
  readonly pkg: unknown;
  readonly tolerance: number;
  readonly minUnits: number;
  readonly series: readonly Observed[];
  readonly latest: Measurement | null;
  /** Where the chart's time axis starts before any measurement: the transfer's start, its window. */
  readonly planned: { readonly start: string; readonly seconds: number };
}) {
  const { start: plannedStart, seconds: plannedSeconds } = planned;
  const baseline = useMemo(() => baselineOf(pkg), [pkg]);
  const option = useMemo(
    () =>
      baseline &&
      qualificationOption(
        baseline,
        tolerance,
        series,
        { since: latest?.since ?? null, deadline: latest?.deadline ?? null },
        { start: plannedStart, seconds: plannedSeconds },
      ),
    [baseline, tolerance, series, latest?.since, latest?.deadline, plannedStart, plannedSeconds],
  );
  if (!baseline || !option) return <p>The transfer kept no baseline.</p>;
  const r = baseline.rightFirstTime;
  const label =
    `Qualification chart: source baseline right-first-time ${pct(r.value)} ` +
    `[${pct(r.low)}, ${pct(r.high)}] over ${r.denominator} units; tolerance ${pct(tolerance)}; ` +
    (latest
      ? `target ${pct(latest.value)} [${pct(latest.low)}, ${pct(latest.high)}] over ${latest.units} units.`
      : "no target measurement yet.");
  return (
    <div className="transfer-qualification">
      <Chart option={option} label={label} height={320} testId="qualification-chart" />
      <table data-testid="qualification-table">
        <caption>Qualification numbers</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col" className="num">
              95 % low
            </th>
            <th scope="col" className="num">
              95 % high
            </th>
            <th scope="col" className="num">
              Units
            </th>
          </tr>
        </thead>
        <tbody>
          <tr data-row="baseline">
            <th scope="row">Source baseline ({baseline.version})</th>
            <td className="num">{pct(r.value)}</td>
            <td className="num">{pct(r.low)}</td>
            <td className="num">{pct(r.high)}</td>
            <td className="num">
              {r.numerator}/{r.denominator}
            </td>
          </tr>
          <tr data-row="tolerance">
            <th scope="row">Tolerance (difference may reach down to)</th>
            <td className="num">{pct(tolerance)}</td>
            <td className="num">−{pct(tolerance)}</td>
            <td className="num">—</td>
            <td className="num">at least {minUnits}</td>
          </tr>
          <tr data-row="target">
            <th scope="row">Target (latest)</th>
            <td className="num">{pct(latest?.value)}</td>
            <td className="num">{pct(latest?.low)}</td>
            <td className="num">{pct(latest?.high)}</td>
            <td className="num">{latest ? `${latest.rightFirstTime}/${latest.units}` : "—"}</td>
          </tr>
          <tr data-row="difference">
            <th scope="row">Difference (target − source)</th>
            <td className="num">{pct(latest?.difference)}</td>
            <td className="num">{pct(latest?.differenceLow)}</td>
            <td className="num">{pct(latest?.differenceHigh)}</td>
            <td className="num">—</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
