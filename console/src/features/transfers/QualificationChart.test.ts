import { describe, expect, it } from "vitest";

import { qualificationOption } from "./QualificationChart";

const baseline = {
  version: "2.0.0",
  from: "2026-11-01",
  to: "2026-12-01",
  rightFirstTime: { numerator: 960, denominator: 1000, value: 0.96, low: 0.947, high: 0.97 },
};

interface Series {
  readonly name: string;
  readonly data: readonly (readonly [number, number | null])[];
  readonly markArea?: { readonly data: readonly (readonly { readonly yAxis: number }[])[] };
}

describe("qualificationOption", () => {
  it("draws the target's interval as a band, the baseline as a line and the tolerance zone", () => {
    const option = qualificationOption(
      baseline,
      0.02,
      [
        { at: "2026-12-02T00:00:00Z", units: 50, value: 0.94, low: 0.84, high: 0.98 },
        { at: "2026-12-03T00:00:00Z", units: 400, value: 0.955, low: 0.93, high: 0.97 },
      ],
      { since: "2026-12-01T12:00:00Z", deadline: "2026-12-31T12:00:00Z" },
    ) as { series: readonly Series[]; xAxis: { min: number; max: number } };
    const byName = Object.fromEntries(option.series.map((s) => [s.name, s]));
    expect(byName["band-low"].data.map((p) => p[1])).toEqual([0.84, 0.93]);
    // the band's width narrows as units accumulate
    const widths = byName["Target (95 % interval)"].data.map((p) => p[1] ?? 0);
    expect(widths[0]).toBeCloseTo(0.14);
    expect(widths[1]).toBeCloseTo(0.04);
    expect(byName["Source baseline"].data.map((p) => p[1])).toEqual([0.96, 0.96]);
    const zone = byName["Source baseline"].markArea?.data[0] ?? [];
    expect(zone[0].yAxis).toBeCloseTo(0.94);
    expect(zone[1].yAxis).toBe(1);
    expect(option.xAxis.min).toBe(Date.parse("2026-12-01T12:00:00Z"));
    expect(option.xAxis.max).toBe(Date.parse("2026-12-31T12:00:00Z"));
  });

  it("spans the planned window before any measurement", () => {
    const option = qualificationOption(baseline, 0.02, [], { since: null, deadline: null }, {
      start: "2026-12-01T00:00:00Z",
      seconds: 86_400,
    }) as { xAxis: { min: number; max: number } };
    expect(option.xAxis.max - option.xAxis.min).toBe(86_400_000);
  });
});
