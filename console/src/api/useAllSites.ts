// Every site the caller may see, page by page (the API gives at most 100 a page; an enterprise
// may have more): the site pickers of My site and of a transfer's plan.
import { useQuery } from "@tanstack/react-query";

import { useAuth } from "../auth/AuthContext";
import { AllSitesDocument } from "../generated/graphql";
import type { AllSitesQuery } from "../generated/graphql";
import { GraphQLRequestError, request } from "./client";

export type SiteOption = AllSitesQuery["sites"]["nodes"][number];

const MAX_PAGES = 100;

export function useAllSites(enabled = true) {
  const { session, expire } = useAuth();
  return useQuery<SiteOption[], Error>({
    queryKey: ["AllSites", session?.subject],
    enabled: enabled && !!session,
    queryFn: async ({ signal }) => {
      const all: SiteOption[] = [];
      let after: string | null = null;
      try {
        for (let page = 0; page < MAX_PAGES; page += 1) {
          const answer: AllSitesQuery = await request(
            AllSitesDocument,
            { after },
            session?.token,
            signal,
          );
          all.push(...answer.sites.nodes);
          if (!answer.sites.pageInfo.hasNextPage || !answer.sites.pageInfo.endCursor) break;
          after = answer.sites.pageInfo.endCursor;
        }
      } catch (error) {
        if (error instanceof GraphQLRequestError && error.code === "UNAUTHENTICATED") expire();
        throw error;
      }
      return all;
    },
  });
}
