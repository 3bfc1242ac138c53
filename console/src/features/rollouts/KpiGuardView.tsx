// A wave's kpiGuard measurement: before vs after with their 95 % intervals, the difference with
// Newcombe's interval against the threshold — a small chart and the table behind it.
import { useMemo } from "react";

import { Chart } from "../../components/Chart";
import type { ChartOption } from "../../components/Chart";
import type { WaveView } from "./model";
import { pct, utc } from "./model";

type Measurement = NonNullable<WaveView["kpiGuard"]>;

const VERDICT_TONE: Record<string, string> = {
  pass: "ok",
  fail: "bad",
  wait: "info",
  inconclusive: "warn",
};

export function KpiGuardView({
  wave,
  measurement: m,
}: {
  readonly wave: string;
  readonly measurement: Measurement;
}) {
  const option = useMemo((): ChartOption => {
    const rows = [
      {
        name: "difference",
        value: m.difference,
        low: m.differenceLow,
        high: m.differenceHigh,
      },
    ];
    return {
      animation: false,
      grid: { left: 90, right: 30, top: 24, bottom: 30 },
      xAxis: {
        type: "value",
        // The threshold is always on the axis, with the interval and zero.
        min: (extent: { min: number }) =>
          Math.min(extent.min, m.threshold, 0) - 0.005,
        max: (extent: { max: number }) =>
          Math.max(extent.max, m.threshold, 0) + 0.005,
        axisLabel: { formatter: (v: number) => `${(v * 100).toFixed(1)} %` },
      },
      yAxis: { type: "category", data: rows.map((r) => r.name) },
      series: [
        {
          type: "custom",
          name: "95 % interval",
          renderItem: (
            _params: unknown,
            api: {
              value: (i: number) => number;
              coord: (p: [number, number]) => [number, number];
            },
          ) => {
            const a = api.coord([api.value(1), api.value(0)]);
            const b = api.coord([api.value(2), api.value(0)]);
            return {
              type: "group",
              children: [
                {
                  type: "line",
                  shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] },
                  style: { stroke: "#0969da", lineWidth: 2 },
                },
                {
                  type: "line",
                  shape: { x1: a[0], y1: a[1] - 6, x2: a[0], y2: a[1] + 6 },
                  style: { stroke: "#0969da", lineWidth: 2 },
                },
                {
                  type: "line",
                  shape: { x1: b[0], y1: b[1] - 6, x2: b[0], y2: b[1] + 6 },
                  style: { stroke: "#0969da", lineWidth: 2 },
                },
              ],
            };
          },
          encode: { x: [1, 2], y: 0 },
          data: rows
            .filter((r) => r.low != null && r.high != null)
            .map((r, i) => [i, r.low, r.high]),
        },
        {
          type: "scatter",
          name: "after − before",
          itemStyle: { color: "#1f2328" },
          data: rows
            .filter((r) => r.value != null)
            .map((r) => [r.value, r.name]),
          markLine: {
            symbol: "none",
            label: { formatter: "threshold" },
            lineStyle: { color: "#cf222e", type: "dashed" },
            data: [{ xAxis: m.threshold }],
          },
        },
      ],
    };
  }, [m]);
  const tone = VERDICT_TONE[m.verdict] ?? "muted";
  return (
    <section
      aria-labelledby={`guard-${wave}`}
      className="kpi-guard"
      data-testid={`kpi-guard-${wave}`}
    >
      <h3 id={`guard-${wave}`}>
        kpiGuard of wave {wave}: {m.metric.replaceAll("_", " ")}{" "}
        <span className={`badge badge-${tone}`}>{m.verdict}</span>
      </h3>
      <p>{m.reason}</p>
      <p className="muted">
        Measured {utc(m.measuredAt)} · max drop {pct(m.maxDrop)} · threshold{" "}
        {pct(m.threshold)} · at least {m.minUnits} units after
      </p>
      <Chart
        option={option}
        label={`Difference after − before of ${m.metric} with its 95 % interval against the threshold ${pct(m.threshold)}`}
        height={140}
      />
      <table>
        <caption>Before and after, 95 % intervals</caption>
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col" className="num">
              Units
            </th>
            <th scope="col" className="num">
              Counted
            </th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col" className="num">
              95 % interval
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Before</th>
            <td className="num">{m.beforeUnits}</td>
            <td className="num">{m.beforeHits}</td>
            <td className="num">{pct(m.before)}</td>
            <td className="num">
              {pct(m.beforeLow)} – {pct(m.beforeHigh)}
            </td>
          </tr>
          <tr>
            <th scope="row">After</th>
            <td className="num">{m.afterUnits}</td>
            <td className="num">{m.afterHits}</td>
            <td className="num">{pct(m.after)}</td>
            <td className="num">
              {pct(m.afterLow)} – {pct(m.afterHigh)}
            </td>
          </tr>
          <tr>
            <th scope="row">Difference</th>
            <td className="num" colSpan={2}>
              threshold {pct(m.threshold)}
            </td>
            <td className="num">{pct(m.difference)}</td>
            <td className="num">
              {pct(m.differenceLow)} – {pct(m.differenceHigh)}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
