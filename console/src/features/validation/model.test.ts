import { describe, expect, it } from "vitest";

import {
  coverageLook,
  downloadName,
  evidenceUrl,
  manualChoices,
  showValues,
  stages,
  testRows,
  validationPath,
} from "./model";
import type { RecordView, ResultView } from "./model";

function result(testCase: string, outcome: "PASS" | "FAIL", kind = "MANUAL"): ResultView {
  return {
    id: 1,
    testCase,
    kind: kind as ResultView["kind"],
    outcome,
    actual: "as expected",
    parameters: {},
    executedBy: "nina",
    executedAt: "2026-12-02T10:00:00Z",
    reusedFrom: null,
    evidence: [],
    signature: null,
  };
}

const base: Pick<
  RecordView,
  "status" | "testCases" | "results" | "deviations" | "conclusion" | "conclusionBlockers" | "charter"
> = {
  status: "OPEN",
  testCases: [
    { id: "TC-1", operation: "op20", title: "Setup", parameters: {}, reuse: false },
    { id: "TC-2", operation: "op30", title: "Seal", parameters: {}, reuse: false },
  ],
  charter: { mission: "Explore labels", operations: ["op50", "op60"], timebox: "2h" },
  results: [],
  deviations: [],
  conclusion: null,
  conclusionBlockers: ["TC-1 has no passed result", "TC-2 has no passed result"],
};

describe("testRows", () => {
  it("lists every scripted test case, then the charter, even without results", () => {
    const rows = testRows(base);
    expect(rows.map((row) => row.id)).toEqual(["TC-1", "TC-2", "CHARTER"]);
    expect(rows.every((row) => row.latest === null)).toBe(true);
  });

  it("pairs results with their test case and appends the automated checks", () => {
    const rows = testRows({
      ...base,
      results: [result("TC-2", "FAIL"), result("limits:TC-1", "PASS", "AUTOMATED"), result("CHARTER", "PASS")],
    });
    expect(rows.map((row) => row.id)).toEqual(["TC-1", "TC-2", "limits:TC-1", "CHARTER"]);
    expect(rows[1]?.latest?.outcome).toBe("FAIL");
    expect(rows[2]?.what).toContain("limits at the values of TC-1");
  });
});

describe("stages", () => {
  it("an open record without results is blocked and keeps production closed", () => {
    const shown = stages(base);
    expect(shown.map((stage) => stage.key)).toEqual([
      "record",
      "tests",
      "deviations",
      "conclusion",
      "production",
    ]);
    expect(shown[1]?.detail).toBe("0 of 2 passed");
    expect(shown[3]?.look.label).toBe("blocked");
    expect(shown[4]?.look.label).toBe("waiting");
  });

  it("an approved record opens production", () => {
    const shown = stages({
      ...base,
      status: "APPROVED",
      results: [result("TC-1", "PASS"), result("TC-2", "PASS")],
      conclusionBlockers: [],
    });
    expect(shown[1]?.look.label).toBe("done");
    expect(shown[4]?.look.label).toBe("may be promoted");
  });

  it("counts open deviations", () => {
    const deviation = {
      key: "DEV-1",
      title: "t",
      description: "d",
      testCase: null,
      status: "OPEN" as const,
      openedBy: "nina",
      openedAt: "2026-12-02T10:00:00Z",
      resolution: null,
      closedBy: null,
      closedAt: null,
    };
    expect(stages({ ...base, deviations: [deviation] })[2]?.detail).toBe("1 open of 1");
  });
});

describe("small helpers", () => {
  it("build paths and URLs with the names escaped", () => {
    expect(validationPath("a b", "2.1.0")).toBe("/validation/a%20b/2.1.0");
    expect(evidenceUrl("sbs", "2.1.0", "pdf")).toBe("/api/evidence/sbs/2.1.0?format=pdf");
  });

  it("read the file name of a download", () => {
    expect(downloadName('attachment; filename="evidence-sbs-2.1.0.pdf"', "x.pdf")).toBe(
      "evidence-sbs-2.1.0.pdf",
    );
    expect(downloadName(null, "x.pdf")).toBe("x.pdf");
  });

  it("say coverage in words", () => {
    expect(coverageLook(true).label).toBe("covered by validation");
    expect(coverageLook(false).label).toBe("site verification required");
    expect(coverageLook(null).label).toBe("not stated");
  });

  it("offer the scripted test cases and the charter for manual results", () => {
    expect(manualChoices(base)).toEqual(["TC-1", "TC-2", "CHARTER"]);
  });

  it("show parameter values", () => {
    expect(showValues({ t: 170, d: 0.6 })).toBe("t = 170, d = 0.6");
    expect(showValues({})).toBe("—");
  });
});
