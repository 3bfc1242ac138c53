import { describe, expect, it } from "vitest";

import { compareVersions, covers, inboxItems, parseApprovalGate } from "./items";
import type { Signer, Waiting } from "./items";

const quinn: Signer = { subject: "quinn", roles: ["qa_approver"], sites: [] };
const at = (minute: number) => `2026-12-02T10:${String(minute).padStart(2, "0")}:00+00:00`;

function overlay(site: string, version: number, status: string, proposedBy = "sam", minute = 1) {
  return {
    site,
    template: "dispensing-weighing",
    version,
    templateVersions: ">=1.0.0 <2.0.0",
    status,
    reason: null,
    contentSha256: `sha-${site}-${version}`,
    proposedBy,
    createdAt: at(minute),
    document: { site, version },
  } as Waiting["overlays"][number];
}

function templateVersion(version: string, status: string, author = "ada", minute = 2) {
  return {
    key: "catheter-assembly",
    version,
    status,
    title: "Catheter assembly",
    changeSummary: null,
    contentSha256: `sha-${version}`,
    author,
    createdAt: at(minute),
    updatedAt: at(minute),
  } as Waiting["templates"]["nodes"][number]["versions"][number];
}

function waiting(parts: Partial<Waiting>): Waiting {
  return {
    overlays: [],
    templates: { nodes: [] },
    rollouts: { nodes: [] },
    transfers: { nodes: [] },
    ...parts,
  };
}

describe("what waits for this user's signature", () => {
  it("keeps proposed overlays others proposed at sites the user covers, with what runs now", () => {
    const data = waiting({
      overlays: [
        overlay("penang", 3, "PROPOSED", "sam", 5),
        overlay("penang", 2, "APPROVED"),
        overlay("cork", 4, "PROPOSED", "quinn"), // own proposal: not signed by its proposer
        overlay("tijuana", 1, "REJECTED"),
      ],
    });
    const items = inboxItems(data, quinn);
    expect(items.map((item) => item.key)).toEqual(["overlay:penang/dispensing-weighing#3"]);
    const [item] = items;
    expect(item.kind === "overlay" && item.current?.version).toBe(2);
    expect(item.entityType).toBe("overlay");
    expect(item.contentSha256).toBe("sha-penang-3");
    const scoped = { ...quinn, sites: ["cork"] };
    expect(inboxItems(data, scoped)).toEqual([]);
    expect(inboxItems(data, { subject: "eve", roles: ["executive"], sites: [] })).toEqual([]);
  });

  it("keeps template versions in review, not the author's, with the predecessor", () => {
    const data = waiting({
      templates: {
        nodes: [
          {
            key: "catheter-assembly",
            title: "Catheter assembly",
            versions: [
              templateVersion("1.10.0", "IN_REVIEW"),
              templateVersion("1.9.0", "PUBLISHED"),
              templateVersion("1.2.0", "PUBLISHED"),
              templateVersion("2.0.0", "IN_REVIEW", "quinn"),
              templateVersion("1.11.0", "DRAFT"),
            ],
          },
        ],
      },
    });
    const items = inboxItems(data, quinn);
    expect(items.map((item) => item.entityId)).toEqual(["catheter-assembly@1.10.0"]);
    expect(items[0].kind === "template" && items[0].predecessor).toBe("1.9.0");
    // a token scoped to some sites does not approve enterprise-wide content
    expect(inboxItems(data, { ...quinn, sites: ["penang"] })).toEqual([]);
  });

  it("keeps a rollout gate waiting for the user's role, not the starter's", () => {
    const rollout = {
      id: "r-1",
      template: "catheter-assembly",
      version: "1.1.0",
      templateSha256: "abc",
      status: "awaiting_approval",
      currentWave: "pilot",
      reason: "waits for approval",
      startedBy: "ada",
      updatedAt: at(3),
      waves: [
        {
          name: "pilot",
          gates: ["soak 60 s", "approval by qa_approver (approved)"],
          sites: [{ site: "cork" }],
        },
      ],
    };
    const data = waiting({ rollouts: { nodes: [rollout] } });
    const [item] = inboxItems(data, quinn);
    expect(item.entityId).toBe("r-1/pilot");
    expect(item.entityType).toBe("rollout_gate");
    expect(item.meaning).toBe("approved");
    expect(inboxItems(data, { ...quinn, subject: "ada" })).toEqual([]);
    expect(inboxItems(data, { ...quinn, sites: ["penang"] })).toEqual([]);
    const running = waiting({ rollouts: { nodes: [{ ...rollout, status: "running" }] } });
    expect(inboxItems(running, quinn)).toEqual([]);
  });

  it("keeps the unsigned sides of a transfer, never both for one person", () => {
    const transfer = {
      id: "t-1",
      template: "catheter-assembly",
      version: "1.0.0",
      source: "cork",
      target: "penang",
      status: "awaiting_approval",
      reason: null,
      approvals: {},
      startedBy: "nina",
      updatedAt: at(4),
      overlayVersion: 2,
    };
    const open = waiting({ transfers: { nodes: [transfer] } });
    expect(inboxItems(open, quinn).map((item) => item.entityId)).toEqual([
      "t-1/source",
      "t-1/target",
    ]);
    expect(inboxItems(open, { ...quinn, sites: ["penang"] }).map((i) => i.entityId)).toEqual([
      "t-1/target",
    ]);
    const half = waiting({
      transfers: { nodes: [{ ...transfer, approvals: { source: { signer: "quinn" } } }] },
    });
    expect(inboxItems(half, quinn)).toEqual([]);
    expect(inboxItems(half, { ...quinn, subject: "qiu" }).map((i) => i.entityId)).toEqual([
      "t-1/target",
    ]);
  });

  it("orders by waiting time, oldest first", () => {
    const data = waiting({
      overlays: [
        overlay("penang", 3, "PROPOSED", "sam", 9),
        overlay("cork", 2, "PROPOSED", "sam", 1),
      ],
    });
    expect(inboxItems(data, quinn).map((item) => item.sites[0])).toEqual(["cork", "penang"]);
  });
});

describe("helpers", () => {
  it("parses approval gates", () => {
    expect(parseApprovalGate("approval by qa_approver (approved)")).toEqual({
      role: "qa_approver",
      meaning: "approved",
    });
    expect(parseApprovalGate("soak 60 s")).toBeNull();
  });
  it("compares versions numerically", () => {
    expect(compareVersions("1.10.0", "1.9.0")).toBeGreaterThan(0);
    expect(compareVersions("1.0.0", "1.0.0")).toBe(0);
  });
  it("follows the role's site scope", () => {
    expect(covers(quinn, "qa_approver", "cork")).toBe(true);
    expect(covers({ ...quinn, sites: ["penang"] }, "qa_approver", "cork")).toBe(false);
    expect(
      covers({ subject: "sam", roles: ["site_admin"], sites: ["penang"] }, "site_admin", "penang"),
    ).toBe(true);
    expect(
      covers({ subject: "ada", roles: ["coe_architect"], sites: [] }, "coe_architect", "cork"),
    ).toBe(true);
  });
});
