// Pure logic of the transfer pages: the steps a transfer goes through (from its status and
// what it recorded), the target's typed choices, the qualification measurement as the API keeps
// it, and the series of the qualification chart.
import type { Session } from "../../auth/session";

export const STATUSES = [
  "awaiting_overlay",
  "awaiting_approval",
  "deploying",
  "qualifying",
  "awaiting_decision",
  "qualified",
  "failed",
  "cancelled",
] as const;

export const FINISHED: readonly string[] = ["qualified", "failed", "cancelled"];
export const ACTIVE: readonly string[] = STATUSES.filter((s) => !FINISHED.includes(s));

export type StepState = "done" | "current" | "waiting" | "failed" | "cancelled";

export interface Step {
  readonly key: "started" | "overlay" | "approval" | "deployment" | "qualification" | "outcome";
  readonly label: string;
  readonly state: StepState;
}

const STEP_LABELS: readonly [Step["key"], string][] = [
  ["started", "Package and start"],
  ["overlay", "Target overlay"],
  ["approval", "Approvals (source and target QA)"],
  ["deployment", "Deployment to the target"],
  ["qualification", "Qualification"],
  ["outcome", "Outcome"],
];

/** Which step a status is at (for finished ones: the step it ended in). */
function stepOf(
  status: string,
  facts: { readonly overlayVersion: number | null; readonly approvals: number; readonly measured: boolean },
): number {
  switch (status) {
    case "awaiting_overlay":
      return 1;
    case "awaiting_approval":
      return 2;
    case "deploying":
      return 3;
    case "qualifying":
    case "awaiting_decision":
      return 4;
    case "qualified":
      return 5;
    default: {
      // failed or cancelled: where it was when it ended
      if (facts.measured) return 4;
      if (status === "failed") return 3; // failed without a measurement: the deployment failed
      if (facts.approvals >= 2) return 3;
      if (facts.overlayVersion !== null) return 2;
      return 1;
    }
  }
}

/** The transfer's steps with their state, from its status and what it recorded. */
export function stepsOf(transfer: {
  readonly status: string;
  readonly overlayVersion?: number | null;
  readonly approvals?: unknown;
  readonly qualification?: unknown;
}): Step[] {
  const approvals = isRecord(transfer.approvals) ? Object.keys(transfer.approvals).length : 0;
  const measured = measurementOf(transfer.qualification) !== null;
  const at = stepOf(transfer.status, {
    overlayVersion: transfer.overlayVersion ?? null,
    approvals,
    measured,
  });
  const ended = transfer.status === "failed" || transfer.status === "cancelled";
  return STEP_LABELS.map(([key, label], index) => {
    let state: StepState;
    if (transfer.status === "qualified") state = "done";
    else if (index < at) state = "done";
    else if (index === at) state = ended ? endState(transfer.status) : "current";
    else if (ended && key === "outcome") state = endState(transfer.status);
    else state = "waiting";
    return { key, label, state };
  });
}

function endState(status: string): StepState {
  return status === "failed" ? "failed" : "cancelled";
}

export const STEP_STATE_TEXT: Record<StepState, string> = {
  done: "done",
  current: "in progress",
  waiting: "not yet",
  failed: "failed",
  cancelled: "cancelled",
};

/** The latest measurement of the qualification (the transfer's `qualification` JSON). */
export interface Measurement {
  readonly units: number;
  readonly rightFirstTime: number;
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly difference: number | null;
  readonly differenceLow: number | null;
  readonly differenceHigh: number | null;
  readonly since: string | null;
  readonly deadline: string | null;
}

export function measurementOf(raw: unknown): Measurement | null {
  if (!isRecord(raw) || typeof raw.units !== "number") return null;
  const num = (key: string) => { const v = raw[key]; return typeof v === "number" ? v : null; };
  const str = (key: string) => { const v = raw[key]; return typeof v === "string" ? v : null; };
  return {
    units: raw.units,
    rightFirstTime: num("rightFirstTime") ?? 0,
    value: num("value"),
    low: num("low"),
    high: num("high"),
    difference: num("difference"),
    differenceLow: num("differenceLow"),
    differenceHigh: num("differenceHigh"),
    since: str("since"),
    deadline: str("deadline"),
  };
}

export interface RatioView {
  readonly numerator: number;
  readonly denominator: number;
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export interface BaselineView {
  readonly version: string;
  readonly from: string;
  readonly to: string;
  readonly rightFirstTime: RatioView;
}

/** The baseline the transfer kept at its start (`package.baseline`). */
export function baselineOf(pkg: unknown): BaselineView | null {
  if (!isRecord(pkg) || !isRecord(pkg.baseline)) return null;
  const b = pkg.baseline;
  const r = b.rightFirstTime;
  if (!isRecord(r) || typeof r.denominator !== "number") return null;
  const n = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    version: text(b.version),
    from: text(b.from),
    to: text(b.to),
    rightFirstTime: {
      numerator: Number(r.numerator ?? 0),
      denominator: r.denominator,
      value: n(r.value),
      low: n(r.low),
      high: n(r.high),
    },
  };
}

export interface Approval {
  readonly side: string;
  readonly signer: string;
  readonly signatureId: string;
  readonly reason: string;
}

export function approvalsOf(raw: unknown): Approval[] {
  if (!isRecord(raw)) return [];
  return ["source", "target"]
    .filter((side) => isRecord(raw[side]))
    .map((side) => {
      const a = raw[side] as Record<string, unknown>;
      return {
        side,
        signer: text(a.signer),
        signatureId: text(a.signatureId),
        reason: text(a.reason),
      };
    });
}

/**
 * A choice typed as the source's value is: a number for a number, true/false for a boolean,
 * else the text. Empty: not chosen (undefined). Unparseable numbers stay text, so the API
 * names the problem as a blocker.
 */
export function typedChoice(text: string, sourceValue: unknown): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (typeof sourceValue === "number") {
    const number = Number(trimmed);
    return Number.isFinite(number) ? number : trimmed;
  }
  if (typeof sourceValue === "boolean") {
    if (trimmed === "true") return true;
    if (trimmed === "false") return false;
  }
  return text;
}

/** The chosen values as the API's `choices` JSON object (null when none). */
export function choicesOf(
  texts: Readonly<Record<string, string>>,
  sourceValues: Readonly<Record<string, unknown>>,
): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [parameter, text] of Object.entries(texts)) {
    const value = typedChoice(text, sourceValues[parameter]);
    if (value !== undefined) out[parameter] = value;
  }
  return Object.keys(out).length ? out : null;
}

/** A value of the definition, as text ("—" for none). */
export function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** 0.9755 → "97.56 %" (two decimals: intervals of large baselines are narrow). */
export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(2)} %`;
}

/** Seconds as the CLI's window text: 2592000 → "30d", 5400 → "90m". */
export function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Whether the session may act with `role` on `site` (site-scoped roles: their sites only). */
export function mayActOn(session: Session, role: string, site: string): boolean {
  return session.roles.includes(role) && (session.sites.length === 0 || session.sites.includes(site));
}

/** One measurement of the qualification's history (the transfer's `qualification.history`). */
export interface Observed {
  readonly at: string;
  readonly units: number;
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

/** The measurements the workflow kept, oldest first (each counted new units). */
export function historyOf(raw: unknown): readonly Observed[] {
  if (!isRecord(raw) || !Array.isArray(raw.history)) return [];
  const num = (point: Record<string, unknown>, key: string) => {
    const v = point[key];
    return typeof v === "number" ? v : null;
  };
  return raw.history.filter(isRecord).flatMap((point) =>
    typeof point.at === "string" && typeof point.units === "number"
      ? [{ at: point.at, units: point.units, value: num(point, "value"), low: num(point, "low"), high: num(point, "high") }]
      : [],
  );
}

/** A JSON value as text for a field that should be a string ("" for none). */
export function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
