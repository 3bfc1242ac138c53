import { describe, expect, it } from "vitest";

import { backoff } from "./hooks";

describe("polling backoff", () => {
  it("doubles while the answer repeats, up to the ceiling", () => {
    let interval = 0;
    const seen: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      interval = backoff(interval, i === 0, 1000, 15_000);
      seen.push(interval);
    }
    expect(seen).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
  });
  it("goes back to the first interval when the answer changes", () => {
    expect(backoff(8000, true, 1000, 15_000)).toBe(1000);
  });
});
