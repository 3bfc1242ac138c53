// What the filters offer: the caller's sites (every page of them, up to 1,000), their regions,
// the templates and their versions.
import { useApiQuery } from "../../api/hooks";
import {
  SitesFilterOptionsDocument,
  SitesTemplatesDocument,
} from "../../generated/graphql";
import type { SitesFilterOptionsQuery } from "../../generated/graphql";

const PAGES = 10; // of 100 sites

function usePage(previous: SitesFilterOptionsQuery | undefined, index: number) {
  const info = previous?.sites.pageInfo;
  const next = !!info?.hasNextPage && !!info.endCursor;
  // A page not to fetch (yet) gets a key of its own, not the first page's.
  const after =
    index === 0 ? null : next ? (info.endCursor ?? null) : `waiting-${index}`;
  return useApiQuery(
    SitesFilterOptionsDocument,
    { after },
    { enabled: index === 0 || next },
  );
}

export function useFilterOptions() {
  const pages: ReturnType<typeof usePage>[] = [];
  for (let index = 0; index < PAGES; index += 1) {
    // A fixed number of hooks, each waiting for the page before it.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    pages.push(usePage(pages[index - 1]?.data, index));
  }
  const templates = useApiQuery(SitesTemplatesDocument, {});
  const sites = pages.flatMap((page, index) =>
    index === 0 || pages[index - 1]?.data?.sites.pageInfo.hasNextPage
      ? (page.data?.sites.nodes ?? [])
      : [],
  );
  const regions = [...new Set(sites.map((site) => site.region))].sort();
  return {
    sites,
    regions,
    templates: templates.data?.templates.nodes ?? [],
    pending: templates.isPending,
    error: templates.error,
  };
}
