import { describe, expect, it } from "vitest";

import { allowedActions, compareVersions, evaluateLimit, predecessor, resolveLimit } from "./model";

describe("evaluateLimit", () => {
  const values = { seal_temperature_c: 180, a: 4.1, min: 1.5, max: 5 };
  it("follows the template grammar with precedence and parentheses", () => {
    expect(evaluateLimit("${seal_temperature_c} - 5", values)).toBe(175);
    expect(evaluateLimit("(${min} + ${max}) / 2", values)).toBe(3.25);
    expect(evaluateLimit("2 + 3 * 4", values)).toBe(14);
    expect(evaluateLimit("-${max} + 1", values)).toBe(-4);
  });
  it("computes as the API does (decimal, not binary float)", () => {
    expect(evaluateLimit("${a} - 0.2", values)).toBe(3.9);
  });
  it("refuses what is not in the grammar", () => {
    expect(() => evaluateLimit("${nope} + 1", values)).toThrow(/unknown parameter/);
    expect(() => evaluateLimit("alert(1)", values)).toThrow();
    expect(() => evaluateLimit("(1 + 2", values)).toThrow();
    expect(() => evaluateLimit("1 / 0", values)).toThrow(/division/);
  });
  it("keeps numbers and reports broken expressions", () => {
    expect(resolveLimit(4, values)).toEqual({ written: "4", value: 4 });
    expect(resolveLimit(undefined, values)).toBeNull();
    expect(resolveLimit("${x}", values)?.value).toBeNull();
  });
});

describe("versions", () => {
  it("orders semantically", () => {
    expect(compareVersions("1.10.0", "1.9.0")).toBeGreaterThan(0);
    expect(compareVersions("2.0.0", "2.0.0")).toBe(0);
    expect(compareVersions("2.0.0-rc1", "2.0.0")).toBeLessThan(0);
  });
  it("finds the predecessor", () => {
    expect(predecessor(["2.1.0", "1.4.0", "2.0.0"], "2.1.0")).toBe("2.0.0");
    expect(predecessor(["2.1.0", "1.4.0"], "1.4.0")).toBeNull();
  });
});

describe("allowedActions", () => {
  const ada = { subject: "ada", roles: ["coe_architect"], sites: [] };
  const quinn = { subject: "quinn", roles: ["qa_approver"], sites: [] };
  const eve = { subject: "eve", roles: ["executive"], sites: [] };
  it("offers each role only its steps", () => {
    expect(allowedActions("DRAFT", ada, "ada")).toEqual(["submit"]);
    expect(allowedActions("DRAFT", quinn, "ada")).toEqual([]);
    expect(allowedActions("IN_REVIEW", quinn, "ada")).toEqual(["approve", "returnToDraft"]);
    expect(allowedActions("IN_REVIEW", ada, "ada")).toEqual(["returnToDraft"]);
    expect(allowedActions("APPROVED", ada, "ada")).toEqual(["publish", "returnToDraft"]);
    expect(allowedActions("PUBLISHED", ada, "ada")).toEqual(["deprecate"]);
    expect(allowedActions("DEPRECATED", ada, "ada")).toEqual(["retire"]);
    expect(allowedActions("PUBLISHED", eve, "ada")).toEqual([]);
  });
});
