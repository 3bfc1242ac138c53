// `/templates/:key/impact?to=&from=`: what a version means for each site — compatible, needs an
// overlay change (with the exact violations its overlay would have) or not using the template.
import { Link, useParams, useSearchParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { TemplatesUpgradeImpactDocument } from "../../generated/graphql";
import type { ImpactStatus } from "../../generated/graphql";
import { useVersions, VersionSelect } from "./VersionPicker";

const impactLabels: Record<ImpactStatus, string> = {
  COMPATIBLE: "Compatible",
  NEEDS_OVERLAY_CHANGE: "Blocked: overlay must change",
  NOT_USING: "Not using",
};
const impactBadges: Record<ImpactStatus, string> = {
  COMPATIBLE: "badge-ok",
  NEEDS_OVERLAY_CHANGE: "badge-bad",
  NOT_USING: "badge-muted",
};

export function UpgradeImpactPage() {
  const { key = "" } = useParams();
  const [search, setSearch] = useSearchParams();
  const { query: list, versions } = useVersions(key);
  const to = search.get("to") ?? versions[0]?.version ?? "";
  const from = search.get("from") ?? "";
  const impact = useApiQuery(
    TemplatesUpgradeImpactDocument,
    { template: key, to, from: from || null },
    { enabled: !!to },
  );
  const base = `/templates/${encodeURIComponent(key)}`;

  function choose(name: "from" | "to", version: string) {
    const next = new URLSearchParams(search);
    next.set("to", to);
    if (version) next.set(name, version);
    else next.delete(name);
    setSearch(next);
  }

  const answer = impact.data?.upgradeImpact;
  const count = (status: ImpactStatus) =>
    answer?.sites.filter((site) => site.status === status).length ?? 0;
  return (
    <Page
      title={`Upgrade impact of ${key}`}
      subtitle={answer ? `${answer.fromVersion} → ${answer.toVersion}, per site` : undefined}
      actions={
        <>
          <Link to={to ? `${base}/${encodeURIComponent(to)}` : base}>Version {to}</Link>
          {answer ? (
            <Link
              to={`${base}/diff?from=${encodeURIComponent(answer.fromVersion)}&to=${encodeURIComponent(answer.toVersion)}`}
            >
              Changes {answer.fromVersion} → {answer.toVersion}
            </Link>
          ) : null}
        </>
      }
    >
      <div className="filters">
        <VersionSelect
          label="Candidate version"
          value={to}
          versions={versions}
          onChange={(v) => choose("to", v)}
        />
        <VersionSelect
          label="Compared with"
          value={from}
          versions={versions}
          onChange={(v) => choose("from", v)}
          allowNone="newest published before it"
        />
      </div>
      {list.isError ? <ErrorMessage error={list.error} /> : null}
      {!to && list.isPending ? <Loading what="Loading versions" /> : null}
      {!to && !list.isPending ? <Empty>This template has no version to assess.</Empty> : null}
      {to && impact.isPending ? <Loading what="Assessing every site" /> : null}
      {impact.isError ? <ErrorMessage error={impact.error} /> : null}
      {answer ? (
        <>
          <p data-testid="impact-summary">
            Changes {answer.fromVersion} → {answer.toVersion}:{" "}
            {answer.diff.breaking ? (
              <span className="badge badge-bad">Breaking</span>
            ) : (
              <span className="badge badge-ok">Compatible</span>
            )}
            . {answer.sites.length} sites: {count("COMPATIBLE")} compatible,{" "}
            {count("NEEDS_OVERLAY_CHANGE")} blocked until their overlay changes,{" "}
            {count("NOT_USING")} not using it.
          </p>
          {answer.sites.length === 0 ? (
            <Empty>No site you may see.</Empty>
          ) : (
            <div className="table-scroll">
              <table data-testid="impact">
                <thead>
                  <tr>
                    <th scope="col">Site</th>
                    <th scope="col">Impact</th>
                    <th scope="col" className="num">
                      Overlay revision
                    </th>
                    <th scope="col">Conflicts</th>
                    <th scope="col">Automatic migrations</th>
                  </tr>
                </thead>
                <tbody>
                  {answer.sites.map((site) => (
                    <tr key={site.site} data-site={site.site} data-impact={site.status}>
                      <th scope="row">{site.site}</th>
                      <td>
                        <span className={`badge ${impactBadges[site.status]}`}>
                          {impactLabels[site.status]}
                        </span>
                      </td>
                      <td className="num">{site.overlayVersion ?? "none"}</td>
                      <td>
                        {site.violations.length ? (
                          <ul className="violations">
                            {site.violations.map((violation, index) => (
                              <li key={index}>
                                <span className="badge badge-muted">
                                  {violation.severity.toLowerCase()}
                                </span>{" "}
                                <code>{violation.path || "/"}</code> {violation.reason}
                              </li>
                            ))}
                          </ul>
                        ) : (
                          "none"
                        )}
                      </td>
                      <td>{site.migrations.length ? site.migrations.join("; ") : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </Page>
  );
}
