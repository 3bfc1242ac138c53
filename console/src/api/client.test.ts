import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { ProblemCode, Severity } from "../generated/schema";
import { GraphQLRequestError, isProblem, request } from "./client";

// What `npm run codegen` makes of a `.graphql` file holding this operation, written out here
// so the test does not depend on the console's own operations.
type PauseRolloutMutation = {
  readonly pauseRollout:
    | { readonly __typename: "Rollout"; readonly id: string; readonly status: string }
    | {
        readonly __typename: "ValidationFailed";
        readonly code: ProblemCode;
        readonly message: string;
        readonly violations: readonly {
          readonly path: string;
          readonly reason: string;
          readonly severity: Severity;
        }[];
      }
    | { readonly __typename: "NotFound"; readonly code: ProblemCode; readonly message: string };
};
type PauseRolloutMutationVariables = { readonly id: string };

const PauseRollout = parse(`
  mutation PauseRollout($id: String!) {
    pauseRollout(id: $id) {
      __typename
      ... on Rollout { id status }
      ... on Problem { code message }
      ... on ValidationFailed { violations { path reason severity } }
    }
  }
`) as TypedDocumentNode<PauseRolloutMutation, PauseRolloutMutationVariables>;

/** Stand in for the network: `fetch` answers `body` (JSON unless a string) with `status`. */
function answer(body: unknown, status = 200) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const fetchMock = vi.fn<(url: string, init: RequestInit) => Promise<Response>>(() =>
    Promise.resolve(new Response(text, { status })),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("request", () => {
  it("posts the operation to the same origin's /graphql with the bearer token", async () => {
    const fetchMock = answer({ data: { pauseRollout: { __typename: "Rollout", id: "r1" } } });

    await request(PauseRollout, { id: "r1" }, "tok");

    expect(fetchMock).toHaveBeenCalledOnce();
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/graphql");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(init.headers).toMatchObject({
      Authorization: "Bearer tok",
      "Content-Type": "application/json",
    });
    const body = JSON.parse(init.body as string) as Record<string, unknown>;
    expect(body.operationName).toBe("PauseRollout");
    expect(body.variables).toEqual({ id: "r1" });
    expect(body.query).toContain("pauseRollout(id: $id)");
  });

  it("sends no Authorization header without a token", async () => {
    const fetchMock = answer({ data: { pauseRollout: { __typename: "Rollout", id: "r1" } } });

    await request(PauseRollout, { id: "r1" });

    expect(fetchMock.mock.calls[0][1].headers).not.toHaveProperty("Authorization");
  });

  it("returns the data, typed by the document", async () => {
    answer({ data: { pauseRollout: { __typename: "Rollout", id: "r1", status: "PAUSED" } } });

    const data = await request(PauseRollout, { id: "r1" }, "tok");

    expect(data.pauseRollout).toEqual({ __typename: "Rollout", id: "r1", status: "PAUSED" });
  });

  it("raises the GraphQL errors with their code, status and partial data", async () => {
    answer({
      data: null,
      errors: [
        {
          message: "sign in first",
          path: ["pauseRollout"],
          extensions: { code: "UNAUTHENTICATED" },
        },
        { message: "and again" },
      ],
    });

    const error = await request(PauseRollout, { id: "r1" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GraphQLRequestError);
    const refused = error as GraphQLRequestError;
    expect(refused.code).toBe("UNAUTHENTICATED");
    expect(refused.status).toBe(200);
    expect(refused.message).toBe("sign in first; and again");
    expect(refused.errors[0]?.path).toEqual(["pauseRollout"]);
    expect(refused.errors[1]?.extensions).toBeUndefined();
    expect(refused.data).toBeUndefined();
  });

  it("reads the API's HTTP-level refusals, which come in the errors shape too", async () => {
    answer({ errors: [{ message: "body too large", extensions: { code: "BAD_REQUEST" } }] }, 413);

    await expect(request(PauseRollout, { id: "r1" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      status: 413,
      message: "body too large",
    });
  });

  it("raises, without a code, when the answer is no GraphQL result", async () => {
    answer("<html>Bad gateway</html>", 502);

    await expect(request(PauseRollout, { id: "r1" })).rejects.toMatchObject({
      name: "GraphQLRequestError",
      code: undefined,
      status: 502,
      message: "the API answered HTTP 502 without a GraphQL result",
    });
  });

  it("raises when a 200 answer has neither data nor errors", async () => {
    answer({});

    await expect(request(PauseRollout, { id: "r1" })).rejects.toBeInstanceOf(GraphQLRequestError);
  });

  it("leaves a network failure as fetch rejects it", async () => {
    const offline = new TypeError("Failed to fetch");
    vi.stubGlobal("fetch", vi.fn(() => Promise.reject(offline)));

    await expect(request(PauseRollout, { id: "r1" })).rejects.toBe(offline);
  });
});

describe("isProblem", () => {
  it("tells a problem from the object and narrows the answer", async () => {
    answer({
      data: {
        pauseRollout: {
          __typename: "ValidationFailed",
          code: "VALIDATION_FAILED",
          message: "the plan is invalid",
          violations: [{ path: "/waves/0", reason: "empty wave", severity: "ERROR" }],
        },
      },
    });

    const { pauseRollout } = await request(PauseRollout, { id: "r1" });

    expect(isProblem(pauseRollout)).toBe(true);
    if (!isProblem(pauseRollout)) throw new Error("expected a problem");
    // narrowed: `code` exists on every problem, and no `Rollout` field is reachable here
    expect(pauseRollout.code).toBe("VALIDATION_FAILED");
    if (pauseRollout.__typename !== "ValidationFailed") throw new Error("expected violations");
    expect(pauseRollout.violations[0]?.reason).toBe("empty wave");
  });

  it("is false for the object itself", () => {
    const rollout = { __typename: "Rollout", id: "r1", status: "PAUSED" } as const;
    expect(isProblem(rollout)).toBe(false);
  });

  it("is true for each of the schema's problem types", () => {
    for (const typename of [
      "BadInput",
      "Conflict",
      "NotFound",
      "SignatureRejected",
      "ValidationFailed",
    ]) {
      expect(isProblem({ __typename: typename })).toBe(true);
    }
  });
});
