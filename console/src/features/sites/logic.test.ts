import { describe, expect, it } from "vitest";

import {
  addDays,
  choices,
  groupName,
  groupRuns,
  interval,
  newestFirst,
  overlapGroups,
  parseDate,
  parseGrouping,
  parseMetric,
  points,
  rowKey,
  toCsv,
  windowText,
  withChanges,
} from "./logic";

describe("overlapGroups", () => {
  it("groups rows whose intervals overlap, chained, and leaves lone rows out", () => {
    const groups = overlapGroups([
      { key: "a", overlapsWith: [] },
      { key: "b", overlapsWith: ["c"] },
      { key: "c", overlapsWith: ["b", "d"] },
      { key: "d", overlapsWith: ["c"] },
      { key: "e", overlapsWith: [] },
      { key: "f", overlapsWith: ["g"] },
      { key: "g", overlapsWith: ["f"] },
    ]);
    expect(groups).toEqual([null, 1, 1, 1, null, 2, 2]);
  });

  it("ignores names of rows that are not in the answer", () => {
    expect(overlapGroups([{ key: "a", overlapsWith: ["zz"] }])).toEqual([null]);
  });

  it("numbers groups in order of their first row even when the overlap is named one way", () => {
    expect(
      overlapGroups([
        { key: "x", overlapsWith: [] },
        { key: "y", overlapsWith: [] },
        { key: "z", overlapsWith: ["y"] },
      ]),
    ).toEqual([null, 1, 1]);
  });
});

describe("groupRuns and groupName", () => {
  it("finds consecutive runs of the same group", () => {
    expect(groupRuns([null, 1, 1, null, 2, 2, 2, 1])).toEqual([
      { group: 1, first: 1, last: 2 },
      { group: 2, first: 4, last: 6 },
      { group: 1, first: 7, last: 7 },
    ]);
  });

  it("names groups A… Z, AA…", () => {
    expect([1, 2, 26, 27, 28].map(groupName)).toEqual([
      "A",
      "B",
      "Z",
      "AA",
      "AB",
    ]);
  });
});

describe("rowKey", () => {
  it("joins the grouped values as the API names rows", () => {
    expect(
      rowKey({ template: "sbs", version: "1.4.0" }, ["template", "version"]),
    ).toBe("sbs/1.4.0");
    expect(rowKey({ site: "cork" }, ["site"])).toBe("cork");
  });
});

describe("URL values", () => {
  it("falls back to defaults on anything unknown", () => {
    expect(parseMetric("SCRAP_RATIO")).toBe("SCRAP_RATIO");
    expect(parseMetric("nope")).toBe("RIGHT_FIRST_TIME");
    expect(parseGrouping("region")).toBe("region");
    expect(parseGrouping("toString")).toBe("site");
    expect(parseDate("2026-11-02")).toBe("2026-11-02");
    expect(parseDate("2026-13-45")).toBeUndefined();
    expect(parseDate(null)).toBeUndefined();
  });
});

describe("formatting", () => {
  it("reads dates, windows, intervals and differences", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(windowText("2026-11-03", "2026-12-03")).toBe(
      "2026-11-03 – 2026-12-02",
    );
    expect(interval(0.9, 0.95)).toBe("90.00 % – 95.00 %");
    expect(interval(null, 0.95)).toBe("—");
    expect(points(0.0134)).toBe("+1.34 pp");
    expect(points(-0.002)).toBe("-0.20 pp");
  });

  it("writes RFC 4180 CSV", () => {
    expect(toCsv(["a", "b"], [["1", 'say "hi", ok']])).toBe(
      'a,b\r\n1,"say ""hi"", ok"\r\n',
    );
  });
});

describe("newestFirst", () => {
  it("orders versions by number, newest first, without repeats", () => {
    expect(
      newestFirst(["1.4.0", "2.10.0", "2.2.0", "1.4.0", "10.0.0"]),
    ).toEqual(["10.0.0", "2.10.0", "2.2.0", "1.4.0"]);
  });
});

describe("choices", () => {
  it("offers each value under its own text, in order", () => {
    expect(choices(["north", "east"])).toEqual([
      { value: "north", label: "north" },
      { value: "east", label: "east" },
    ]);
    expect(choices([])).toEqual([]);
  });
});

describe("withChanges", () => {
  it("sets values, clears null, undefined and empty ones, keeps the rest", () => {
    const before = new URLSearchParams("metric=SCRAP_RATIO&region=EU&site=a");
    const after = withChanges(before, {
      region: "US",
      site: null,
      template: "",
      version: undefined,
      by: "region",
    });
    expect(after.toString()).toBe("metric=SCRAP_RATIO&region=US&by=region");
  });
  it("leaves the original untouched", () => {
    const before = new URLSearchParams("from=2026-01-01");
    withChanges(before, { from: null });
    expect(before.toString()).toBe("from=2026-01-01");
  });
});
