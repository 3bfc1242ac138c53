import { describe, expect, it } from "vitest";

import { definitionText, evaluate, previewDefinition } from "./preview";

describe("evaluate", () => {
  it("computes parameter arithmetic", () => {
    expect(evaluate("${t} - 5", { t: 180 })).toBe(175);
    expect(evaluate("(${a} + 1) * 2 / 4", { a: 3 })).toBe(2);
    expect(evaluate("${p} + 0.3", { p: 4.5 })).toBe(4.8);
    expect(evaluate("-${a}", { a: 2 })).toBe(-2);
  });

  it("refuses what it cannot compute", () => {
    expect(evaluate("${missing} + 1", {})).toBeUndefined();
    expect(evaluate("${s}", { s: "zh" })).toBeUndefined();
    expect(evaluate("1 +", {})).toBeUndefined();
    expect(evaluate("alert(1)", {})).toBeUndefined();
  });
});

describe("previewDefinition", () => {
  const template = {
    spec: {
      parameters: {
        temp: { type: "number", default: 180, unit: "degC" },
        lang: { type: "enum", default: "en" },
      },
      migrations: { renamedParameters: { old_temp: "temp" } },
      operations: [
        { id: "op10", dataCollection: [{ id: "t", target: "${temp}", upperLimit: "${temp} + 5" }] },
        { id: "op20" },
      ],
      extensionPoints: [{ id: "after-10", after: "op10" }],
    },
  };
  const current = {
    parameters: { temp: { source: "template", unit: "degC", value: 180 } },
    operations: [
      { id: "op10", origin: "template", dataCollection: [{ id: "t", target: 180, upperLimit: 185 }] },
      { id: "old-step", origin: "site", extensionPoint: "after-10" },
      { id: "op20", origin: "template" },
    ],
    overlay: { sha256: "abc", version: 1, templateVersions: ">=1.0.0" },
  };

  it("applies values (renames too), recomputes limits and places extension steps", () => {
    const overlay = {
      metadata: { version: 2, templateVersions: ">=1.0.0" },
      spec: { set: { old_temp: 190, lang: "zh" }, extend: { "after-10": [{ id: "new", kind: "inspection" }] } },
    };
    const preview = previewDefinition(current, template, overlay);
    expect(preview.parameters).toEqual({
      temp: { source: "site", unit: "degC", value: 190 },
      lang: { source: "site", value: "zh" },
    });
    const ops = preview.operations as { id: string; dataCollection?: unknown }[];
    expect(ops.map((op) => op.id)).toEqual(["op10", "new", "op20"]);
    expect(ops[0]?.dataCollection).toEqual([{ id: "t", target: 190, upperLimit: 195 }]);
    expect(preview.overlay).toEqual({ version: 2, templateVersions: ">=1.0.0" });
    expect(current.operations).toHaveLength(3); // the input is not changed
  });

  it("gives sorted YAML without the overlay hash", () => {
    const text = definitionText(current);
    expect(text).not.toContain("abc");
    expect(text.indexOf("operations")).toBeLessThan(text.indexOf("parameters"));
  });
});
