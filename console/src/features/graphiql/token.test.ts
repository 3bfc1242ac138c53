import { describe, expect, it } from "vitest";

import { cleanToken, tokenHint, withAuthorization } from "./token";

describe("cleanToken", () => {
  it("drops whitespace and a Bearer scheme copied along with the token", () => {
    expect(cleanToken("  Bearer abc.def\n")).toBe("abc.def");
    expect(cleanToken("bearer   abc")).toBe("abc");
    expect(cleanToken("abc")).toBe("abc");
  });
});

describe("withAuthorization", () => {
  it("fills an empty headers editor", () => {
    expect(JSON.parse(withAuthorization("", "t1"))).toEqual({ Authorization: "Bearer t1" });
  });

  it("replaces an old Authorization whatever its case and keeps the other headers", () => {
    const before = JSON.stringify({ authorization: "Bearer old", "X-Request-ID": "r1" });
    expect(JSON.parse(withAuthorization(before, "new"))).toEqual({
      Authorization: "Bearer new",
      "X-Request-ID": "r1",
    });
  });

  it("removes the header when the token is forgotten", () => {
    expect(withAuthorization('{"Authorization": "Bearer t"}', "")).toBe("");
    expect(JSON.parse(withAuthorization('{"Authorization": "x", "A": "b"}', ""))).toEqual({
      A: "b",
    });
  });

  it("starts again from text that is not a JSON object", () => {
    expect(JSON.parse(withAuthorization("{ half typed", "t"))).toEqual({
      Authorization: "Bearer t",
    });
    expect(JSON.parse(withAuthorization("[1]", "t"))).toEqual({ Authorization: "Bearer t" });
  });
});

describe("tokenHint", () => {
  it("shows the end of a long token only", () => {
    expect(tokenHint("eyJhbGciOiJFZERTQSJ9.payload.SIGNATURE")).toBe("…NATURE");
    expect(tokenHint("short")).toBe("set");
  });
});
