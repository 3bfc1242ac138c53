import { describe, expect, it } from "vitest";

import {
  auditFilter,
  prettyJson,
  readSearch,
  searchParams,
  utcInstant,
} from "./search";

describe("the audit search in the URL", () => {
  it("round-trips its fields and leaves empty ones out", () => {
    const params = searchParams({
      entityType: "overlay",
      actor: " quinn ",
      entityId: "",
    });
    expect(params.toString()).toBe("entityType=overlay&actor=quinn");
    expect(readSearch(params)).toEqual({
      entityType: "overlay",
      entityId: "",
      actor: "quinn",
      site: "",
      since: "",
      until: "",
    });
  });

  it("reads the time range as UTC", () => {
    expect(utcInstant("2026-12-02T14:30")).toBe("2026-12-02T14:30:00.000Z");
    expect(utcInstant("2026-12-02T14:30:05")).toBe("2026-12-02T14:30:05.000Z");
    expect(utcInstant("2026-12-02T14:30:05+01:00")).toBe(
      "2026-12-02T13:30:05.000Z",
    );
    expect(utcInstant("")).toBeNull();
    expect(utcInstant("soon")).toBeNull();
    const filter = auditFilter(
      readSearch(new URLSearchParams("actor=quinn&since=2026-12-01T00:00")),
    );
    expect(filter).toEqual({
      entityType: null,
      entityId: null,
      actor: "quinn",
      site: null,
      since: "2026-12-01T00:00:00.000Z",
      until: null,
    });
  });

  it("pretty-prints JSON with sorted keys", () => {
    expect(prettyJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      JSON.stringify({ a: { c: null, d: [2, { e: 0, f: 1 }] }, b: 1 }, null, 2),
    );
    expect(prettyJson(null)).toBe("");
  });
});
