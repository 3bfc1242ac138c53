// Pure helpers of the Sites pages: what the URL says, how rows are labelled and grouped, how
// numbers read, and the CSV of a table. No React here (Vitest covers it: logic.test.ts).
import type {
  KpiDimension,
  KpiMetric,
  KpiPeriod,
} from "../../generated/graphql";

/** One option of a select: the value it sets and the text it shows. */
export interface Choice<TValue extends string = string> {
  readonly value: TValue;
  readonly label: string;
}

export const METRICS: readonly Choice<KpiMetric>[] = [
  { value: "RIGHT_FIRST_TIME", label: "Right-first-time" },
  { value: "SCRAP_RATIO", label: "Scrap ratio" },
  { value: "REWORK_RATIO", label: "Rework ratio" },
  { value: "RELEASE_VELOCITY", label: "Release velocity" },
];

export const PERIODS: readonly Choice<KpiPeriod>[] = [
  { value: "DAY", label: "Day" },
  { value: "WEEK", label: "Week" },
  { value: "MONTH", label: "Month" },
];

/** What a comparison is grouped by (the URL's `by`), and the API's dimensions for it. */
export const GROUPINGS = {
  site: { label: "Site", dimensions: ["SITE"] },
  region: { label: "Region", dimensions: ["REGION"] },
  template: { label: "Template", dimensions: ["TEMPLATE"] },
  version: { label: "Template version", dimensions: ["TEMPLATE", "VERSION"] },
  product: { label: "Product", dimensions: ["PRODUCT"] },
} as const satisfies Record<
  string,
  { label: string; dimensions: readonly KpiDimension[] }
>;

export type Grouping = keyof typeof GROUPINGS;

export function metricLabel(metric: KpiMetric): string {
  return METRICS.find((entry) => entry.value === metric)?.label ?? metric;
}

/** Ratios have a value with a 95 % Wilson interval; release velocity has hours, no interval. */
export function isRatio(metric: KpiMetric): boolean {
  return metric !== "RELEASE_VELOCITY";
}

/** Lower is better for scrap, rework and release hours; higher for right-first-time. */
export function higherIsBetter(metric: KpiMetric): boolean {
  return metric === "RIGHT_FIRST_TIME";
}

export function parseMetric(raw: string | null): KpiMetric {
  return (
    METRICS.find((entry) => entry.value === raw)?.value ?? "RIGHT_FIRST_TIME"
  );
}

export function parsePeriod(raw: string | null): KpiPeriod {
  return PERIODS.find((entry) => entry.value === raw)?.value ?? "DAY";
}

export function parseGrouping(raw: string | null): Grouping {
  return raw !== null && Object.hasOwn(GROUPINGS, raw)
    ? (raw as Grouping)
    : "site";
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD date from the URL, or undefined (the API's default window then). */
export function parseDate(raw: string | null): string | undefined {
  return raw !== null && DATE.test(raw) && !Number.isNaN(Date.parse(raw))
    ? raw
    : undefined;
}

/** `date` (YYYY-MM-DD, UTC) moved by `days`. */
export function addDays(date: string, days: number): string {
  const moment = new Date(`${date}T00:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
}

export interface GroupValues {
  readonly site?: string | null;
  readonly region?: string | null;
  readonly template?: string | null;
  readonly version?: string | null;
  readonly product?: string | null;
  readonly period?: string | null;
}

/** A row's name as the API names it in `overlapsWith`: its group's values joined by "/". */
export function rowKey(group: GroupValues, groupBy: readonly string[]): string {
  return groupBy
    .map((dimension) => group[dimension as keyof GroupValues] ?? "—")
    .join("/");
}

/**
 * Sites (rows) that cannot be told apart: the API names, per row, the rows whose 95 % intervals
 * overlap it; overlap is chained (A~B, B~C: A, B and C together). Answers, per row, the
 * number of its group (1, 2, … in order of first row) or null when it stands alone.
 */
export function overlapGroups(
  rows: readonly {
    readonly key: string;
    readonly overlapsWith: readonly string[];
  }[],
): (number | null)[] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(key, root);
    return root;
  };
  for (const row of rows) parent.set(row.key, row.key);
  for (const row of rows) {
    for (const other of row.overlapsWith) {
      if (!parent.has(other)) continue; // a row not in this answer
      const a = find(row.key);
      const b = find(other);
      if (a !== b) parent.set(b, a);
    }
  }
  const sizes = new Map<string, number>();
  for (const row of rows)
    sizes.set(find(row.key), (sizes.get(find(row.key)) ?? 0) + 1);
  const numbers = new Map<string, number>();
  return rows.map((row) => {
    const root = find(row.key);
    if ((sizes.get(root) ?? 0) < 2) return null;
    if (!numbers.has(root)) numbers.set(root, numbers.size + 1);
    return numbers.get(root) ?? null;
  });
}

/** A group's name as the page shows it: A, B, … Z, AA, AB, … */
export function groupName(group: number): string {
  let name = "";
  for (let n = group; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}

/** Consecutive rows of the same group: [first, last] index runs, for the chart's bands. */
export function groupRuns(
  groups: readonly (number | null)[],
): { group: number; first: number; last: number }[] {
  const runs: { group: number; first: number; last: number }[] = [];
  groups.forEach((group, index) => {
    if (group === null) return;
    const last = runs.at(-1);
    if (last && last.group === group && last.last === index - 1)
      last.last = index;
    else runs.push({ group, first: index, last: index });
  });
  return runs;
}

export function percent(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined
    ? "—"
    : `${(value * 100).toFixed(digits)} %`;
}

/** A difference of two ratios, in percentage points, signed. */
export function points(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "—";
  const text = (value * 100).toFixed(digits);
  return `${value > 0 ? "+" : ""}${text} pp`;
}

export function hours(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined
    ? "—"
    : `${value.toFixed(digits)} h`;
}

export function interval(
  low: number | null | undefined,
  high: number | null | undefined,
  format: (value: number | null | undefined) => string = percent,
): string {
  return low === null ||
    low === undefined ||
    high === null ||
    high === undefined
    ? "—"
    : `${format(low)} – ${format(high)}`;
}

/** A window [from, to) as people read it: first and last day. */
export function windowText(from: string, to: string): string {
  return `${from} – ${addDays(to, -1)}`;
}

/** RFC 4180 CSV: every cell quoted when it holds a comma, quote or line break. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cell = (text: string) =>
    /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  return (
    [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") +
    "\r\n"
  );
}

/** Save `text` as a file in the browser (no server round trip). */
export function download(
  name: string,
  text: string,
  type = "text/csv;charset=utf-8",
): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Semantic versions newest first (numeric parts compared as numbers). */
export function newestFirst(versions: readonly string[]): string[] {
  const parts = (version: string) =>
    version
      .split(/[.+-]/)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return [...new Set(versions)].sort((a, b) => {
    const left = parts(a);
    const right = parts(b);
    for (
      let index = 0;
      index < Math.max(left.length, right.length);
      index += 1
    ) {
      const x = left[index] ?? -1;
      const y = right[index] ?? -1;
      if (x === y) continue;
      if (typeof x === "number" && typeof y === "number") return y - x;
      return String(y).localeCompare(String(x));
    }
    return 0;
  });
}

/** Options whose text is their value (regions, template keys, versions). */
export function choices(values: readonly string[]): Choice[] {
  return values.map((value) => ({ value, label: value }));
}

/** The query string with `changes` applied: a value sets its key, null/undefined/"" clears it. */
export function withChanges(
  params: URLSearchParams,
  changes: Record<string, string | null | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") next.delete(key);
    else next.set(key, value);
  }
  return next;
}

/** The figures' column headers of a ratio (with its interval) and of release hours. */
export const RATIO_COLUMNS = [
  "Value",
  "95 % interval",
  "Numerator",
  "Denominator",
] as const;
export const HOURS_COLUMNS = [
  "Median hours",
  "90th percentile hours",
  "Batches released",
] as const;
