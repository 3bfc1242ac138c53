import { describe, expect, it } from "vitest";

import { choicesOf, duration, observe, stepsOf, typedChoice } from "./model";

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

describe("observe", () => {
  const point = (at: string, units: number) => ({ at, units, value: 0.9, low: 0.8, high: 0.95 });
  it("adds new measurements only", () => {
    const one = observe([], point("2026-12-01T00:00:00Z", 10));
    expect(observe(one, point("2026-12-01T00:00:00Z", 10))).toBe(one);
    expect(observe(one, point("2026-12-01T00:01:00Z", 20))).toHaveLength(2);
    expect(observe(one, null)).toBe(one);
  });
});

describe("duration", () => {
  it("writes windows as the CLI does", () => {
    expect(duration(2592000)).toBe("30d");
    expect(duration(7200)).toBe("2h");
    expect(duration(90)).toBe("90s");
  });
});
