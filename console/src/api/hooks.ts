// Data for pages: TanStack Query over `request()`, with the session's token. An
// UNAUTHENTICATED answer ends the session (back to sign-in, then to this page). Polling backs off
// while nothing changes and stops when the page says so (a finished rollout).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { UseQueryResult } from "@tanstack/react-query";
import { getOperationAST } from "graphql";
import type { DocumentNode } from "graphql";

import { useAuth } from "../auth/AuthContext";
import { GraphQLRequestError, request } from "./client";

export interface Polling<TData> {
  /** First interval, ms (default 1000). */
  readonly every?: number;
  /** Longest interval while the answer does not change, ms (default 15000). */
  readonly upTo?: number;
  /** Stop polling once this says the data is final. */
  readonly until?: (data: TData) => boolean;
}

/** The next polling interval: doubles while answers repeat, back to `every` on a change. */
export function backoff(previous: number, changed: boolean, every: number, upTo: number): number {
  return changed ? every : Math.min(upTo, Math.max(every, previous * 2));
}

function operationName(document: DocumentNode): string {
  return getOperationAST(document)?.name?.value ?? "anonymous";
}

function useExpireOn401() {
  const { expire } = useAuth();
  return (error: unknown) => {
    if (error instanceof GraphQLRequestError && error.code === "UNAUTHENTICATED") expire();
  };
}

/** A query of the signed-in user; `enabled: false` waits (e.g. for a form). */
export function useApiQuery<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: { readonly enabled?: boolean; readonly poll?: Polling<TData> } = {},
): UseQueryResult<TData, Error> {
  const { session } = useAuth();
  const onError = useExpireOn401();
  const poll = options.poll;
  const every = poll?.every ?? 1000;
  const upTo = poll?.upTo ?? 15_000;
  return useQuery<TData, Error>({
    queryKey: [operationName(document), variables, session?.subject],
    queryFn: async ({ signal }) => {
      try {
        return await request(document, variables, session?.token, signal);
      } catch (error) {
        onError(error);
        throw error;
      }
    },
    enabled: (options.enabled ?? true) && !!session,
    retry: (count, error) =>
      !(error instanceof GraphQLRequestError && error.code !== "SERVICE_UNAVAILABLE") && count < 2,
    refetchInterval: poll
      ? (query) => {
          const data = query.state.data;
          if (data !== undefined && poll.until?.(data)) return false;
          // Structural sharing keeps the same object while the answer does not change.
          const last = polled.get(query.queryHash);
          const interval = backoff(last?.interval ?? 0, last?.data !== data, every, upTo);
          polled.set(query.queryHash, { data, interval });
          return interval;
        }
      : false,
  });
}

const polled = new Map<string, { data: unknown; interval: number }>();

/** A mutation of the signed-in user; resolves to its typed data (result unions included). */
export function useApiMutation<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
) {
  const { session } = useAuth();
  const onError = useExpireOn401();
  return useMutation<TData, Error, TVariables>({
    mutationFn: async (variables) => {
      try {
        return await request(document, variables, session?.token);
      } catch (error) {
        onError(error);
        throw error;
      }
    },
  });
}
