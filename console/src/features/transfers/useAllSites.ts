// Every site the caller may see (the API pages them by 100; an enterprise may have more).
import { useQuery } from "@tanstack/react-query";

import { request } from "../../api/client";
import { useAuth } from "../../auth/AuthContext";
import { TransferSitesDocument } from "../../generated/graphql";
import type { TransferSitesQuery } from "../../generated/graphql";

export type SiteOption = TransferSitesQuery["sites"]["nodes"][number];

export function useAllSites() {
  const { session } = useAuth();
  return useQuery<SiteOption[], Error>({
    queryKey: ["TransferSites:all", session?.subject],
    enabled: !!session,
    queryFn: async ({ signal }) => {
      const all: SiteOption[] = [];
      let after: string | null = null;
      for (let page = 0; page < 100; page++) {
        const answer: TransferSitesQuery = await request(
          TransferSitesDocument,
          { after },
          session?.token,
          signal,
        );
        all.push(...answer.sites.nodes);
        if (!answer.sites.pageInfo.hasNextPage || !answer.sites.pageInfo.endCursor) break;
        after = answer.sites.pageInfo.endCursor;
      }
      return all;
    },
  });
}
