import { describe, expect, it } from "vitest";

import { hasRole, safeNext, signInPath } from "./session";
import type { Session } from "./session";

describe("safeNext", () => {
  it("keeps a path of this origin with its query", () => {
    expect(safeNext("/rollouts/r-1?tab=gates")).toBe("/rollouts/r-1?tab=gates");
  });
  it.each([
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "javascript:alert(1)",
    "",
  ])("refuses %s (an open redirect)", (next) => {
    expect(safeNext(next)).toBe("/");
  });
  it("never returns to the sign-in page itself", () => {
    expect(safeNext("/sign-in?next=/x")).toBe("/");
  });
});

describe("signInPath", () => {
  it("carries the page to come back to", () => {
    expect(signInPath("/templates?x=1")).toBe(
      "/sign-in?next=%2Ftemplates%3Fx%3D1",
    );
  });
  it("has no next for the start page", () => {
    expect(signInPath("/")).toBe("/sign-in");
  });
});

describe("hasRole", () => {
  const session: Session = {
    token: "t",
    expiresAt: new Date(),
    subject: "quinn",
    name: "Quinn",
    roles: ["qa_approver"],
    sites: [],
    via: "dev",
  };
  it("answers by the token's roles", () => {
    expect(hasRole(session, "qa_approver", "coe_architect")).toBe(true);
    expect(hasRole(session, "site_admin")).toBe(false);
    expect(hasRole(null, "qa_approver")).toBe(false);
  });
});
