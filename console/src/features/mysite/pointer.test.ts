import { describe, expect, it } from "vitest";

import { pointerRange, pointerTokens, syntaxErrorRange } from "./pointer";

const overlay = [
  "apiVersion: coe.dev/v1", // 1
  "kind: SiteOverlay", // 2
  "metadata:", // 3
  "  site: penang", // 4
  "  template: udi-labeling-final-inspection", // 5
  "spec:", // 6
  "  set:", // 7
  "    label_language: zh", // 8
  "    print_darkness: 999", // 9
  "    a/b: 1", // 10
  "    c~d: 2", // 11
  "  extend:", // 12
  "    after-udi-verification:", // 13
  "      - id: first", // 14
  "        kind: checklist", // 15
  "      - id: second", // 16
  "        kind: inspection", // 17
  "",
].join("\n");

function text(pointer: string) {
  const range = pointerRange(overlay, pointer);
  if (!range) throw new Error("no range");
  return { ...range, text: overlay.slice(range.from, range.to) };
}

describe("pointerTokens", () => {
  it("splits and unescapes ~1 and ~0", () => {
    expect(pointerTokens("/spec/set/a~1b")).toEqual(["spec", "set", "a/b"]);
    expect(pointerTokens("/c~0d")).toEqual(["c~d"]);
    expect(pointerTokens("/x~01")).toEqual(["x~1"]);
    expect(pointerTokens("")).toEqual([]);
  });
});

describe("pointerRange", () => {
  it("finds a value in nested maps at its line", () => {
    const found = text("/spec/set/print_darkness");
    expect(found.line).toBe(9);
    expect(found.exact).toBe(true);
    expect(found.text).toBe("print_darkness: 999");
  });

  it("follows sequences by index", () => {
    const found = text("/spec/extend/after-udi-verification/1/kind");
    expect(found.line).toBe(17);
    expect(found.text).toBe("kind: inspection");
    expect(text("/spec/extend/after-udi-verification/0").line).toBe(14);
  });

  it("falls back to the nearest existing parent of a missing key", () => {
    const found = text("/spec/set/no_such_parameter");
    expect(found.exact).toBe(false);
    expect(found.line).toBe(7); // the `set:` entry
    const index = text("/spec/extend/after-udi-verification/5/id");
    expect(index.exact).toBe(false);
    expect(index.line).toBe(13);
    const missingTop = text("/metadata/version");
    expect(missingTop.line).toBe(3);
  });

  it("unescapes ~1 and ~0 in keys", () => {
    expect(text("/spec/set/a~1b").line).toBe(10);
    expect(text("/spec/set/c~0d").line).toBe(11);
  });

  it("points at the whole document for the root pointer", () => {
    expect(text("").line).toBe(1);
    expect(text("/").exact).toBe(true);
  });

  it("works on JSON text too, and on nothing", () => {
    const json = '{\n  "spec": {\n    "set": {"x": 5}\n  }\n}';
    expect(pointerRange(json, "/spec/set/x")?.line).toBe(3);
    expect(pointerRange("", "/spec")).toBeUndefined();
  });
});

describe("syntaxErrorRange", () => {
  it("finds where the text stops being YAML", () => {
    const broken = "apiVersion: coe.dev/v1\nmetadata:\n  template: [unclosed\n";
    expect(syntaxErrorRange(broken)?.line).toBeGreaterThanOrEqual(3);
    expect(syntaxErrorRange(overlay)).toBeUndefined();
  });
});
