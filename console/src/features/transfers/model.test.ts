import { describe, expect, it } from "vitest";

import { choicesOf, duration, historyOf, stepsOf, typedChoice } from "./model";

const states = (t: Parameters<typeof stepsOf>[0]) => stepsOf(t).map((s) => `${s.key}:${s.state}`);

describe("stepsOf", () => {
  it("marks the step the status is at as current, earlier ones done", () => {
    expect(states({ status: "awaiting_approval", overlayVersion: 3, approvals: {} })).toEqual([
      "started:done",
      "overlay:done",
      "approval:current",
      "deployment:waiting",
      "qualification:waiting",
      "outcome:waiting",
    ]);
  });
  it("puts a qualified transfer's steps all done", () => {
    expect(stepsOf({ status: "qualified" }).every((s) => s.state === "done")).toBe(true);
  });
  it("ends a cancelled one where it was, and its outcome", () => {
    expect(states({ status: "cancelled", overlayVersion: null, approvals: {} })).toEqual([
      "started:done",
      "overlay:cancelled",
      "approval:waiting",
      "deployment:waiting",
      "qualification:waiting",
      "outcome:cancelled",
    ]);
  });
  it("fails the deployment when nothing was measured, else the qualification", () => {
    const both = { source: {}, target: {} };
    expect(states({ status: "failed", overlayVersion: 1, approvals: both })[3]).toBe("deployment:failed");
    const measured = { units: 10, rightFirstTime: 9 };
    expect(states({ status: "failed", approvals: both, qualification: measured })[4]).toBe(
      "qualification:failed",
    );
  });
});

describe("choices", () => {
  it("types a choice as the source's value is", () => {
    expect(typedChoice("12.5", 3)).toBe(12.5);
    expect(typedChoice("abc", 3)).toBe("abc");
    expect(typedChoice("true", false)).toBe(true);
    expect(typedChoice(" ", "en")).toBeUndefined();
    expect(typedChoice("de", "en")).toBe("de");
  });
  it("leaves out what is not chosen", () => {
    expect(choicesOf({ a: "", b: "es" }, { a: "en", b: "en" })).toEqual({ b: "es" });
    expect(choicesOf({ a: "" }, {})).toBeNull();
  });
});

describe("historyOf", () => {
  it("reads the workflow's measurements and skips what is not one", () => {
    const qualification = {
      units: 20,
      history: [
        { at: "2026-12-01T00:00:00Z", units: 10, value: 0.9, low: 0.6, high: 0.98 },
        { at: "2026-12-01T00:01:00Z", units: 20, value: null, low: null, high: null },
        { units: 30 },
        "nonsense",
      ],
    };
    expect(historyOf(qualification)).toEqual([
      { at: "2026-12-01T00:00:00Z", units: 10, value: 0.9, low: 0.6, high: 0.98 },
      { at: "2026-12-01T00:01:00Z", units: 20, value: null, low: null, high: null },
    ]);
    expect(historyOf({ units: 5 })).toEqual([]);
    expect(historyOf(null)).toEqual([]);
  });
});

describe("duration", () => {
  it("writes windows as the CLI does", () => {
    expect(duration(2592000)).toBe("30d");
    expect(duration(7200)).toBe("2h");
    expect(duration(90)).toBe("90s");
  });
});
