// Pure facts about rollouts for the pages: state labels (text + icon, colour never alone),
// the gates a wave runs and their state, progress, short hashes.
import type { RolloutDetailQuery } from "../../generated/graphql";

export type RolloutView = RolloutDetailQuery["rollout"];
export type WaveView = RolloutView["waves"][number];
export type SiteView = WaveView["sites"][number];

export const ROLLOUT_STATUSES = [
  "running",
  "paused",
  "awaiting_approval",
  "completed",
  "aborted",
  "failed",
] as const;

export const SITE_STATES = [
  "pending",
  "validating",
  "awaiting_approval",
  "deploying",
  "verifying",
  "live",
  "failed",
  "rolled_back",
  "skipped",
] as const;

type Tone = "ok" | "bad" | "warn" | "info" | "muted";

interface StateLook {
  readonly label: string;
  readonly icon: string;
  readonly tone: Tone;
}

const LOOKS: Record<string, StateLook> = {
  pending: { label: "pending", icon: "○", tone: "muted" },
  validating: { label: "validating", icon: "◔", tone: "info" },
  deploying: { label: "deploying", icon: "◑", tone: "info" },
  verifying: { label: "verifying", icon: "◕", tone: "info" },
  running: { label: "running", icon: "▶", tone: "info" },
  live: { label: "live", icon: "✓", tone: "ok" },
  completed: { label: "completed", icon: "✓", tone: "ok" },
  awaiting_approval: { label: "awaiting approval", icon: "✎", tone: "warn" },
  paused: { label: "paused", icon: "‖", tone: "warn" },
  failed: { label: "failed", icon: "✗", tone: "bad" },
  aborted: { label: "aborted", icon: "■", tone: "bad" },
  rolled_back: { label: "rolled back", icon: "↩", tone: "bad" },
  skipped: { label: "skipped", icon: "⤼", tone: "muted" },
};

/** How a rollout status or site state is shown: words, an icon and a tone (badge class). */
export function stateLook(state: string): StateLook {
  return (
    LOOKS[state] ?? {
      label: state.replaceAll("_", " "),
      icon: "?",
      tone: "muted",
    }
  );
}

/** A rollout that will not change any more: polling stops. */
export function isFinished(status: string): boolean {
  return status === "completed" || status === "aborted" || status === "failed";
}

/** The first 12 hex digits of a sha256 (the full one goes in a title). */
export function shortHash(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : "—";
}

/** "2026-12-02 14:51:24 UTC", or "—". */
export function utc(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

const DONE = new Set(["live", "skipped", "rolled_back", "failed"]);

/** Sites that have reached an end state (live, skipped, failed, rolled back) of all. */
export function progress(
  waves: readonly { readonly sites: readonly { readonly state: string }[] }[],
): {
  done: number;
  live: number;
  total: number;
} {
  let done = 0;
  let live = 0;
  let total = 0;
  for (const wave of waves) {
    for (const site of wave.sites) {
      total += 1;
      if (DONE.has(site.state)) done += 1;
      if (site.state === "live") live += 1;
    }
  }
  return { done, live, total };
}

/** A gate as the API describes it ("approval by qa_approver (approved)", "soak 10 s", "kpiGuard …"). */
export type Gate =
  | {
      readonly kind: "approval";
      readonly role: string;
      readonly meaning: string;
      readonly text: string;
    }
  | { readonly kind: "soak"; readonly seconds: number; readonly text: string }
  | { readonly kind: "kpiGuard"; readonly text: string }
  | { readonly kind: "other"; readonly text: string };

export function parseGate(text: string): Gate {
  const approval = /^approval by (\S+) \((.+)\)$/.exec(text);
  if (approval)
    return { kind: "approval", role: approval[1], meaning: approval[2], text };
  const soak = /^soak ([\d.]+) s$/.exec(text);
  if (soak) return { kind: "soak", seconds: Number(soak[1]), text };
  if (text.startsWith("kpiGuard")) return { kind: "kpiGuard", text };
  return { kind: "other", text };
}

export type GateState =
  "passed" | "waiting" | "soaking" | "measuring" | "not reached" | "stopped";

export interface GateStatus {
  readonly gate: Gate;
  readonly state: GateState;
  /** For a soak under way: seconds left (estimated from the wave's last site change). */
  readonly secondsLeft?: number;
}

/** The state of each gate of a wave, from the rollout's status and current wave. */
export function gateStates(
  rollout: RolloutView,
  waveIndex: number,
  now: number,
): GateStatus[] {
  const wave = rollout.waves[waveIndex];
  const gates = wave.gates.map(parseGate);
  const current = rollout.currentWave
    ? rollout.waves.findIndex((w) => w.name === rollout.currentWave)
    : -1;
  const allPassed =
    rollout.status === "completed" || (current >= 0 && waveIndex < current);
  if (allPassed) return gates.map((gate) => ({ gate, state: "passed" }));
  if (current < 0 || waveIndex > current)
    return gates.map((gate) => ({ gate, state: "not reached" }));
  // The wave under way.
  const sitesDone = wave.sites.every((site) => DONE.has(site.state));
  if (isFinished(rollout.status))
    return gates.map((gate) => ({ gate, state: "stopped" }));
  const waitingApproval = rollout.status === "awaiting_approval";
  const lastChange = Math.max(
    0,
    ...wave.sites.map((site) =>
      site.updatedAt ? Date.parse(site.updatedAt) : 0,
    ),
  );
  let reached = sitesDone;
  return gates.map((gate): GateStatus => {
    if (!reached) return { gate, state: "not reached" };
    if (gate.kind === "approval") {
      if (waitingApproval) {
        reached = false;
        return { gate, state: "waiting" };
      }
      return { gate, state: "passed" };
    }
    if (gate.kind === "soak") {
      const left = Math.max(
        0,
        gate.seconds -
          (now - Math.max(lastChange, Date.parse(rollout.updatedAt))) / 1000,
      );
      reached = false;
      return { gate, state: "soaking", secondsLeft: Math.round(left) };
    }
    if (gate.kind === "kpiGuard") {
      reached = false;
      return { gate, state: "measuring" };
    }
    return { gate, state: "passed" };
  });
}

/** The approval gate the current wave waits on, if the rollout waits for one. */
export function waitingApproval(
  rollout: RolloutView,
): { wave: WaveView; gate: Extract<Gate, { kind: "approval" }> } | null {
  if (rollout.status !== "awaiting_approval" || !rollout.currentWave)
    return null;
  const wave = rollout.waves.find((w) => w.name === rollout.currentWave);
  if (!wave) return null;
  for (const text of wave.gates) {
    const gate = parseGate(text);
    if (gate.kind === "approval") return { wave, gate };
  }
  return null;
}

/** A site's state history, as the API's JSON gives it ([{state, reason, at}]). */
export function historyOf(
  site: SiteView,
): { state: string; reason: string | null; at: string }[] {
  if (!Array.isArray(site.history)) return [];
  return site.history.flatMap((step: unknown) => {
    if (typeof step !== "object" || step === null) return [];
    const entry = step as Record<string, unknown>;
    return [
      {
        state: text(entry.state),
        reason: typeof entry.reason === "string" ? entry.reason : null,
        at: text(entry.at),
      },
    ];
  });
}

/** A skipped site's violations (JSON), as "path: reason" lines. */
export function violationsOf(
  site: SiteView,
): { path: string; reason: string }[] {
  const raw = site.violations;
  if (!Array.isArray(raw)) return [];
  return raw.map((entry: unknown) => {
    if (typeof entry === "object" && entry !== null) {
      const v = entry as Record<string, unknown>;
      return {
        path: text(v.path),
        reason: typeof v.reason === "string" ? v.reason : JSON.stringify(v),
      };
    }
    return { path: "", reason: String(entry) };
  });
}

function text(value: unknown): string {
  if (value == null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Percent with one decimal, from a fraction. */
export function pct(value: number | null | undefined): string {
  return value == null ? "—" : `${(value * 100).toFixed(1)} %`;
}
