// Pure facts about a template version's validation for the page: the stages of its promotion,
// each test case with its latest result, badges (words + icon, the colour never alone), the
// coverage verdicts and the evidence download's address and file name.
import type { ValidationCoverageQuery, ValidationPageQuery } from "../../generated/graphql";

export type RecordView = ValidationPageQuery["validationRecord"];
export type ResultView = RecordView["results"][number];
export type TestCaseView = RecordView["testCases"][number];
export type CoverageView = ValidationCoverageQuery["upgradeImpact"]["coverage"][number];

export type Tone = "ok" | "bad" | "warn" | "info" | "muted";

export interface Look {
  readonly label: string;
  readonly icon: string;
  readonly tone: Tone;
}

/** The console's own path of a version's validation page. */
export function validationPath(template: string, version: string): string {
  return `/validation/${encodeURIComponent(template)}/${encodeURIComponent(version)}`;
}

/** The API's download of the evidence package (GET, bearer token). */
export function evidenceUrl(template: string, version: string, format: "pdf" | "json"): string {
  return `/api/evidence/${encodeURIComponent(template)}/${encodeURIComponent(version)}?format=${format}`;
}

/** The file name a Content-Disposition header gives, else `fallback`. */
export function downloadName(disposition: string | null, fallback: string): string {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? "");
  const name = match?.[1]?.trim();
  return name ? decodeURIComponent(name) : fallback;
}

export function recordStatusLook(status: RecordView["status"]): Look {
  return status === "APPROVED"
    ? { label: "approved (frozen)", icon: "✓", tone: "ok" }
    : { label: "open", icon: "◔", tone: "warn" };
}

export function outcomeLook(outcome: ResultView["outcome"] | null): Look {
  if (outcome === "PASS") return { label: "pass", icon: "✓", tone: "ok" };
  if (outcome === "FAIL") return { label: "fail", icon: "✗", tone: "bad" };
  return { label: "not executed", icon: "○", tone: "muted" };
}

export function deviationLook(status: RecordView["deviations"][number]["status"]): Look {
  return status === "OPEN"
    ? { label: "open", icon: "!", tone: "bad" }
    : { label: "closed", icon: "✓", tone: "ok" };
}

export function coverageLook(covered: boolean | null): Look {
  if (covered === true) return { label: "covered by validation", icon: "✓", tone: "ok" };
  if (covered === false) return { label: "site verification required", icon: "!", tone: "warn" };
  return { label: "not stated", icon: "?", tone: "muted" };
}

/** One row of the test table: a scripted test case, the charter or an automated check. */
export interface TestRow {
  readonly id: string;
  readonly what: string;
  readonly operation: string | null;
  readonly scripted: boolean;
  readonly latest: ResultView | null;
}

/**
 * Every scripted test case in record order with its latest result (or none yet), then the
 * charter and the automated checks that have results (`record.results` holds the latest of each).
 */
export function testRows(record: Pick<RecordView, "testCases" | "results" | "charter">): TestRow[] {
  const latest = new Map(record.results.map((result) => [result.testCase, result]));
  const rows: TestRow[] = record.testCases.map((testCase) => ({
    id: testCase.id,
    what: testCase.title,
    operation: testCase.operation,
    scripted: true,
    latest: latest.get(testCase.id) ?? null,
  }));
  const scripted = new Set(record.testCases.map((testCase) => testCase.id));
  if (record.charter && !latest.has("CHARTER")) {
    rows.push({
      id: "CHARTER",
      what: `Unscripted: ${record.charter.mission}`,
      operation: record.charter.operations.join(", "),
      scripted: false,
      latest: null,
    });
  }
  for (const result of record.results) {
    if (scripted.has(result.testCase)) continue;
    rows.push({
      id: result.testCase,
      what: checkTitle(result.testCase, record.charter?.mission),
      operation: null,
      scripted: false,
      latest: result,
    });
  }
  return rows;
}

function checkTitle(id: string, mission: string | undefined): string {
  if (id === "CHARTER") return `Unscripted: ${mission ?? "test charter"}`;
  if (id.startsWith("limits:")) return `Automated: limits at the values of ${id.slice(7)}`;
  if (id.startsWith("deployment:")) {
    return `Automated: deployment verified by hash at ${id.slice(11)}`;
  }
  return id;
}

/** The test cases a tester may record a manual result for: the scripted ones and CHARTER. */
export function manualChoices(record: Pick<RecordView, "testCases" | "charter">): string[] {
  return [...record.testCases.map((testCase) => testCase.id), ...(record.charter ? ["CHARTER"] : [])];
}

export interface Stage {
  readonly key: string;
  readonly label: string;
  readonly look: Look;
  readonly detail: string;
}

/**
 * The promotion of the version as stages: the record, its tests, its deviations, the signed
 * conclusion, and production (open only once the record is approved).
 */
export function stages(
  record: Pick<RecordView, "status" | "testCases" | "results" | "deviations" | "conclusion" | "conclusionBlockers" | "charter">,
): Stage[] {
  const rows = testRows(record).filter((row) => row.scripted);
  const passed = rows.filter((row) => row.latest?.outcome === "PASS").length;
  const failed = rows.filter((row) => row.latest?.outcome === "FAIL").length;
  const open = record.deviations.filter((deviation) => deviation.status === "OPEN").length;
  const approved = record.status === "APPROVED";
  const ok: Look = { label: "done", icon: "✓", tone: "ok" };
  const waiting: Look = { label: "waiting", icon: "○", tone: "muted" };
  return [
    {
      key: "record",
      label: "Validation record",
      look: recordStatusLook(record.status),
      detail: `${record.testCases.length} scripted test case${record.testCases.length === 1 ? "" : "s"}`,
    },
    {
      key: "tests",
      label: "Test execution",
      look:
        rows.length > 0 && passed === rows.length
          ? ok
          : failed
            ? { label: "failed", icon: "✗", tone: "bad" }
            : { label: "in progress", icon: "◔", tone: passed ? "info" : "muted" },
      detail: `${passed} of ${rows.length} passed${failed ? `, ${failed} failed` : ""}`,
    },
    {
      key: "deviations",
      label: "Deviations",
      look: open ? { label: "open", icon: "!", tone: "bad" } : ok,
      detail: record.deviations.length
        ? `${open} open of ${record.deviations.length}`
        : "none opened",
    },
    {
      key: "conclusion",
      label: "Conclusion (approved)",
      look: approved
        ? ok
        : record.conclusionBlockers.length
          ? { label: "blocked", icon: "■", tone: "bad" }
          : { label: "ready to sign", icon: "✎", tone: "warn" },
      detail: approved
        ? `signed ${record.conclusion?.signature?.printedName ?? ""}`.trim()
        : `${record.conclusionBlockers.length} blocker${record.conclusionBlockers.length === 1 ? "" : "s"}`,
    },
    {
      key: "production",
      label: "Production",
      look: approved ? { label: "may be promoted", icon: "▶", tone: "ok" } : waiting,
      detail: approved
        ? "per site: its definition verified at its validation instance, or covered"
        : "blocked until the record is approved",
    },
  ];
}

/** A JSON value in a line: parameters of a test case or a result. */
export function showValues(values: unknown): string {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    return values === undefined || values === null ? "—" : JSON.stringify(values);
  }
  const entries = Object.entries(values as Record<string, unknown>);
  if (!entries.length) return "—";
  return entries.map(([name, value]) => `${name} = ${JSON.stringify(value)}`).join(", ");
}
