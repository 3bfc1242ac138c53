// What the filters offer: the caller's sites (every page of them), their regions, the
// templates and their versions.
import { useApiQuery } from "../../api/hooks";
import { useAllSites } from "../../api/useAllSites";
import { SitesTemplatesDocument } from "../../generated/graphql";

export function useFilterOptions() {
  const all = useAllSites();
  const templates = useApiQuery(SitesTemplatesDocument, {});
  const sites = all.data ?? [];
  const regions = [...new Set(sites.map((site) => site.region))].sort();
  return {
    sites,
    regions,
    templates: templates.data?.templates.nodes ?? [],
    pending: templates.isPending,
    error: templates.error,
  };
}
