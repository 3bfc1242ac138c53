// ECharts options of the Sites pages: the dot-and-whisker comparison (a scatter for the value,
// a custom series for its 95 % interval, bands behind sites that cannot be told apart, a
// markLine for the enterprise) and the trend (a line with its interval as a stacked band).
import type {
  CustomSeriesRenderItemAPI,
  CustomSeriesRenderItemParams,
  CustomSeriesRenderItemReturn,
} from "echarts";
import { CustomChart, LineChart, ScatterChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";

import type { ChartOption } from "../../components/Chart";
import { groupName } from "./logic";

echarts.use([
  CustomChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
]);

const ACCENT = "#0969da";
const WHISKER = "#57606a";
const ENTERPRISE = "#bc4c00";
const BANDS = ["rgba(9, 105, 218, 0.10)", "rgba(130, 80, 223, 0.12)"];

export interface Dot {
  readonly label: string;
  readonly value: number | null | undefined;
  readonly low: number | null | undefined;
  readonly high: number | null | undefined;
  /** Its group of rows that cannot be told apart, or null. */
  readonly group: number | null;
}

/** How tall a dot-and-whisker chart of `rows` rows should be, px. */
export function dotChartHeight(rows: number): number {
  return Math.max(220, rows * 24 + 90);
}

interface Coordinates {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function dotWhiskerOption({
  dots,
  reference,
  referenceLabel,
  format,
  valueName,
}: {
  readonly dots: readonly Dot[];
  /** The enterprise value (or 0 for differences), drawn as a vertical line. */
  readonly reference?: number | null;
  readonly referenceLabel: string;
  readonly format: (value: number) => string;
  readonly valueName: string;
}): ChartOption {
  const labels = dots.map((dot) =>
    dot.group === null ? dot.label : `${dot.label} (${groupName(dot.group)})`,
  );
  const byLabel = new Map(labels.map((label, index) => [label, dots[index]]));
  const few = dots.length <= 60;

  const whisker = (
    _params: CustomSeriesRenderItemParams,
    api: CustomSeriesRenderItemAPI,
  ): CustomSeriesRenderItemReturn => {
    const index = api.value(2);
    const low = api.coord([api.value(0), index]);
    const high = api.coord([api.value(1), index]);
    const cap = 5;
    const style = { stroke: WHISKER, lineWidth: 2 };
    return {
      type: "group",
      children: [
        {
          type: "line",
          shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] },
          style,
        },
        {
          type: "line",
          shape: { x1: low[0], y1: low[1] - cap, x2: low[0], y2: low[1] + cap },
          style,
        },
        {
          type: "line",
          shape: {
            x1: high[0],
            y1: high[1] - cap,
            x2: high[0],
            y2: high[1] + cap,
          },
          style,
        },
      ],
    };
  };

  const band = (
    params: CustomSeriesRenderItemParams,
    api: CustomSeriesRenderItemAPI,
  ): CustomSeriesRenderItemReturn => {
    const grid = params.coordSys as unknown as Coordinates;
    const index = api.value(0);
    const group = Number(api.value(1));
    const center = api.coord([0, index])[1];
    const size = api.size?.([0, 1]);
    const height = Array.isArray(size) ? size[1] : 20;
    return {
      type: "rect",
      shape: { x: grid.x, y: center - height / 2, width: grid.width, height },
      style: { fill: BANDS[group % 2] },
      silent: true,
    };
  };

  return {
    animation: few,
    grid: { left: 8, right: 24, top: 36, bottom: 40, containLabel: true },
    legend: { top: 0, data: [valueName, "95 % interval"] },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params: unknown) => {
        const first = Array.isArray(params)
          ? (params[0] as { axisValue?: string })
          : undefined;
        const dot = first?.axisValue ? byLabel.get(first.axisValue) : undefined;
        if (!dot) return "";
        const value =
          dot.value === null || dot.value === undefined
            ? "—"
            : format(dot.value);
        const range =
          dot.low === null ||
          dot.low === undefined ||
          dot.high === null ||
          dot.high === undefined
            ? ""
            : `<br/>95 % interval ${format(dot.low)} – ${format(dot.high)}`;
        const group =
          dot.group === null
            ? ""
            : `<br/>cannot be told apart from group ${groupName(dot.group)}`;
        return `<strong>${escapeHtml(dot.label)}</strong><br/>${escapeHtml(valueName)} ${value}${range}${group}`;
      },
    },
    xAxis: {
      type: "value",
      scale: true,
      name: valueName,
      nameLocation: "middle",
      nameGap: 26,
      axisLabel: { formatter: (value: number) => format(value) },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: labels,
      axisTick: { alignWithLabel: true },
    },
    series: [
      {
        name: "Cannot be told apart",
        type: "custom",
        renderItem: band,
        silent: true,
        z: 0,
        encode: { y: 0 },
        data: dots.flatMap((dot, index) =>
          dot.group === null ? [] : [[index, dot.group]],
        ),
        tooltip: { show: false },
      },
      {
        name: "95 % interval",
        type: "custom",
        renderItem: whisker,
        itemStyle: { color: WHISKER },
        encode: { x: [0, 1], y: 2 },
        z: 2,
        data: dots.flatMap((dot, index) =>
          dot.low === null ||
          dot.low === undefined ||
          dot.high === null ||
          dot.high === undefined
            ? []
            : [[dot.low, dot.high, index]],
        ),
      },
      {
        name: valueName,
        type: "scatter",
        symbolSize: 9,
        itemStyle: { color: ACCENT },
        z: 3,
        data: dots.flatMap((dot, index) =>
          dot.value === null || dot.value === undefined
            ? []
            : [[dot.value, index]],
        ),
        markLine:
          reference === null || reference === undefined
            ? undefined
            : {
                silent: true,
                symbol: "none",
                lineStyle: { color: ENTERPRISE, type: "dashed", width: 2 },
                label: {
                  formatter: `${referenceLabel} ${format(reference)}`,
                  position: "start",
                }, // the top: the category axis is inverse
                data: [{ xAxis: reference }],
              },
      },
    ],
  };
}

export interface TrendPoint {
  readonly period: string;
  readonly value: number | null | undefined;
  readonly low: number | null | undefined;
  readonly high: number | null | undefined;
  readonly enterprise?: number | null;
}

export function trendOption({
  points,
  name,
  format,
  hasInterval,
}: {
  readonly points: readonly TrendPoint[];
  readonly name: string;
  readonly format: (value: number) => string;
  readonly hasInterval: boolean;
}): ChartOption {
  const periods = points.map((point) => point.period);
  const bandLow = points.map((point) => point.low ?? null);
  const bandWidth = points.map((point) =>
    point.low === null ||
    point.low === undefined ||
    point.high === null ||
    point.high === undefined
      ? null
      : point.high - point.low,
  );
  const hidden = { opacity: 0 };
  return {
    animation: points.length <= 120,
    grid: { left: 8, right: 24, top: 40, bottom: 30, containLabel: true },
    legend: {
      top: 0,
      data: hasInterval
        ? [name, "95 % interval", "Enterprise"]
        : [name, "Enterprise"],
    },
    tooltip: {
      trigger: "axis",
      valueFormatter: (value: unknown) =>
        typeof value === "number" ? format(value) : "—",
    },
    xAxis: { type: "category", data: periods, boundaryGap: false },
    yAxis: {
      type: "value",
      scale: true,
      axisLabel: { formatter: (value: number) => format(value) },
    },
    series: [
      ...(hasInterval
        ? [
            {
              name: "interval low",
              type: "line",
              data: bandLow,
              stack: "interval",
              symbol: "none",
              lineStyle: hidden,
              silent: true,
              tooltip: { show: false },
            },
            {
              name: "95 % interval",
              type: "line",
              data: bandWidth,
              stack: "interval",
              symbol: "none",
              lineStyle: hidden,
              areaStyle: { color: "rgba(9, 105, 218, 0.18)" },
              itemStyle: { color: "rgba(9, 105, 218, 0.35)" },
              silent: true,
              tooltip: { show: false },
            },
          ]
        : []),
      {
        name,
        type: "line",
        data: points.map((point) => point.value ?? null),
        symbol: "circle",
        symbolSize: 7,
        itemStyle: { color: ACCENT },
        lineStyle: { width: 2 },
      },
      {
        name: "Enterprise",
        type: "line",
        data: points.map((point) => point.enterprise ?? null),
        symbol: "diamond",
        symbolSize: 6,
        itemStyle: { color: ENTERPRISE },
        lineStyle: { type: "dashed" },
      },
    ],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
