import { describe, expect, it } from "vitest";

import {
  gateStates,
  isFinished,
  parseGate,
  progress,
  shortHash,
  stateLook,
  waitingApproval,
} from "./model";
import type { RolloutView } from "./model";

function rollout(overrides: Partial<RolloutView>): RolloutView {
  return {
    id: "r-1",
    template: "t",
    version: "1.0.0",
    templateSha256: "a".repeat(64),
    environment: "production",
    status: "running",
    currentWave: "pilot",
    reason: null,
    startedBy: "ada",
    startedAt: "2026-12-02T10:00:00Z",
    updatedAt: "2026-12-02T10:00:00Z",
    finishedAt: null,
    temporalUrl: "http://temporal/x",
    warnings: [],
    waves: [
      {
        name: "pilot",
        maxParallel: 1,
        failureBudget: 0,
        gates: ["approval by qa_approver (approved)", "soak 10 s"],
        sites: [
          {
            site: "cork",
            wave: "pilot",
            state: "live",
            reason: null,
            violations: null,
            sha256: "b".repeat(64),
            previousSha256: null,
            updatedAt: "2026-12-02T10:00:00Z",
            history: [],
          },
        ],
        kpiGuard: null,
      },
      {
        name: "rest",
        maxParallel: 5,
        failureBudget: 1,
        gates: [],
        sites: [],
        kpiGuard: null,
      },
    ],
    ...overrides,
  };
}

describe("rollout model", () => {
  it("parses the API's gate descriptions", () => {
    expect(parseGate("approval by qa_approver (approved)")).toMatchObject({
      kind: "approval",
      role: "qa_approver",
      meaning: "approved",
    });
    expect(parseGate("soak 10 s")).toMatchObject({ kind: "soak", seconds: 10 });
    expect(
      parseGate("kpiGuard right_first_time max drop 0.02 over 50 units").kind,
    ).toBe("kpiGuard");
  });

  it("says which gate waits and for whom", () => {
    const waiting = rollout({ status: "awaiting_approval" });
    const states = gateStates(waiting, 0, Date.parse("2026-12-02T10:00:05Z"));
    expect(states.map((s) => s.state)).toEqual(["waiting", "not reached"]);
    expect(waitingApproval(waiting)?.gate.role).toBe("qa_approver");
    expect(waitingApproval(rollout({}))).toBeNull();
  });

  it("counts the soak down after approval", () => {
    const states = gateStates(
      rollout({}),
      0,
      Date.parse("2026-12-02T10:00:04Z"),
    );
    expect(states[0].state).toBe("passed");
    expect(states[1]).toMatchObject({ state: "soaking", secondsLeft: 6 });
  });

  it("marks every gate passed once completed", () => {
    const done = rollout({ status: "completed", currentWave: null });
    expect(gateStates(done, 0, 0).every((s) => s.state === "passed")).toBe(
      true,
    );
    expect(isFinished("completed")).toBe(true);
    expect(isFinished("paused")).toBe(false);
  });

  it("shows states with words and icons, hashes short", () => {
    expect(stateLook("rolled_back")).toMatchObject({
      label: "rolled back",
      tone: "bad",
    });
    expect(stateLook("something_new").label).toBe("something new");
    expect(shortHash("0123456789abcdef")).toBe("0123456789ab");
    expect(progress(rollout({}).waves)).toEqual({ done: 1, live: 1, total: 1 });
  });
});
