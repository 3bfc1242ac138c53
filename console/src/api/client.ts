// The console's one way to talk to the API: a typed GraphQL request over `fetch` to the same
// origin (no CORS, the page's CSP allows 'self' only). Operations are TypedDocumentNodes that
// `npm run codegen` makes from `.graphql` files, so `request()` knows their result and
// variables types; the schema's types themselves are in src/generated/schema.ts.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { getOperationAST, print } from "graphql";

import { paths } from "../config/paths";
import type {
  BadInput,
  Conflict,
  NotFound,
  Rollout,
  RolloutResult,
  SignatureRejected,
  ValidationFailed,
} from "../generated/schema";

/** One entry of a GraphQL response's `errors`; the API gives every one `extensions.code`. */
export interface GraphQLErrorEntry {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
}

/**
 * The API refused the request: GraphQL errors (UNAUTHENTICATED, FORBIDDEN,
 * GRAPHQL_VALIDATION_FAILED, SERVICE_UNAVAILABLE, …), or an HTTP answer that is no GraphQL
 * result at all. Expected business failures are not errors but answers: see `isProblem`.
 */
export class GraphQLRequestError extends Error {
  /** `extensions.code` of the first error; undefined when the API gave none. */
  readonly code: string | undefined;

  constructor(
    readonly errors: readonly GraphQLErrorEntry[],
    /** The HTTP status of the answer. */
    readonly status: number,
    /** What the API returned beside the errors, if anything (a partial result). */
    readonly data: unknown = undefined,
  ) {
    super(errors.map((error) => error.message).join("; ") || `HTTP ${status}`);
    this.name = "GraphQLRequestError";
    this.code = errors[0]?.extensions?.code;
  }
}

/**
 * Send one operation to the API and return its `data`, typed by the document.
 *
 * Throws `GraphQLRequestError` when the answer carries errors or is no GraphQL result; a
 * failure of the network itself (or an abort through `signal`) rejects as `fetch` does.
 */
export async function request<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  token?: string,
  signal?: AbortSignal,
): Promise<TData> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    "Content-Type": "application/json",
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(paths.graphql, {
    method: "POST",
    headers,
    credentials: "same-origin",
    body: JSON.stringify({
      query: print(document),
      variables,
      operationName: getOperationAST(document)?.name?.value,
    }),
    signal,
  });
  const result = await readResult(response);
  if (result?.errors?.length) {
    throw new GraphQLRequestError(result.errors, response.status, result.data ?? undefined);
  }
  if (!response.ok || result?.data == null) {
    const message = `the API answered HTTP ${response.status} without a GraphQL result`;
    throw new GraphQLRequestError([{ message }], response.status);
  }
  return result.data as TData;
}

interface Result {
  readonly data?: unknown;
  readonly errors?: readonly GraphQLErrorEntry[];
}

/** The body as a GraphQL result, or undefined when it is not one (e.g. a proxy's HTML page). */
async function readResult(response: Response): Promise<Result | undefined> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  const errors = Array.isArray(body.errors) ? body.errors.map(errorEntry) : undefined;
  return { data: body.data, errors };
}

function errorEntry(raw: unknown): GraphQLErrorEntry {
  if (!isObject(raw)) return { message: String(raw) };
  const message = typeof raw.message === "string" ? raw.message : JSON.stringify(raw);
  const entry: { -readonly [K in keyof GraphQLErrorEntry]: GraphQLErrorEntry[K] } = { message };
  if (Array.isArray(raw.path)) entry.path = raw.path as (string | number)[];
  if (isObject(raw.extensions)) entry.extensions = raw.extensions;
  return entry;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The types implementing the schema's `Problem`: what a mutation answers instead of its object. */
export type ProblemType = BadInput | Conflict | NotFound | SignatureRejected | ValidationFailed;
export type ProblemTypename = NonNullable<ProblemType["__typename"]>;

const PROBLEM_TYPENAMES: ReadonlySet<string> = new Set<ProblemTypename>([
  "BadInput",
  "Conflict",
  "NotFound",
  "SignatureRejected",
  "ValidationFailed",
]);

// Compile-time guard: every `XResult` union is `X | <the problems>`, so when the schema gains
// (or drops) a problem type, this stops type-checking until ProblemType above follows it.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const problemTypesFollowTheSchema: Same<Exclude<RolloutResult, Rollout>, ProblemType> = true;
void problemTypesFollowTheSchema;

/**
 * Whether a mutation's answer is a problem (ValidationFailed, NotFound, Conflict, BadInput,
 * SignatureRejected) rather than its object, narrowing the answer either way. The operation
 * must select `__typename` on the union (its generated type then has it, as this requires).
 */
export function isProblem<T extends { readonly __typename: string }>(
  answer: T,
): answer is Extract<T, { readonly __typename: ProblemTypename }> {
  return PROBLEM_TYPENAMES.has(answer.__typename);
}
