// My site: the site's hierarchy, the templates that run or are overlaid there (each opening the
// overlay editor), what runs at the site (the ledger) and drift.
import { Link, useNavigate, useParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { useAllSites } from "../../api/useAllSites";
import { Role } from "../../auth/roles";
import { hasRole } from "../../auth/session";
import { useSession } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { MySiteDocument, MySiteDriftDocument } from "../../generated/graphql";
import type { MySiteQuery } from "../../generated/graphql";
import { shortHash, statusBadge, utc } from "./format";

/** /my-site: the user's one site, or a choice of site (architects, or several sites). */
export function MySiteIndex() {
  const session = useSession();
  if (session.sites.length === 1 && session.sites[0]) return <SiteOverview site={session.sites[0]} />;
  return <SitePicker />;
}

/** /my-site/:site */
export function MySiteRoute() {
  const { site = "" } = useParams();
  return <SiteOverview site={site} />;
}

function SitePicker() {
  const session = useSession();
  const navigate = useNavigate();
  const scoped = session.sites.length > 0;
  const sites = useAllSites(!scoped);
  const options = scoped
    ? session.sites.map((key) => ({ key, name: key }))
    : (sites.data ?? []).map((site) => ({ key: site.key, name: `${site.name} (${site.key})` }));
  return (
    <Page title="My site" subtitle="Choose the site whose hierarchy, overlays and deployments to see">
      {!scoped && sites.isPending ? <Loading what="Loading sites" /> : null}
      {!scoped && sites.error ? <ErrorMessage error={sites.error} /> : null}
      {options.length === 0 && (scoped || sites.data) ? <Empty>No site to show.</Empty> : null}
      {options.length > 0 ? (
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            const key = new FormData(event.currentTarget).get("site");
            if (typeof key === "string" && key) void navigate(`/my-site/${encodeURIComponent(key)}`);
          }}
        >
          <label htmlFor="mysite-site">Site</label>{" "}
          <select id="mysite-site" name="site" defaultValue={options[0]?.key}>
            {options.map((option) => (
              <option key={option.key} value={option.key}>
                {option.name}
              </option>
            ))}
          </select>
          <button type="submit">Open</button>
        </form>
      ) : null}
    </Page>
  );
}

type SiteData = MySiteQuery["site"];

function Hierarchy({ site }: { readonly site: SiteData }) {
  if (site.areas.length === 0) return <Empty>This site has no areas yet.</Empty>;
  return (
    <ul className="hierarchy" aria-label="Site hierarchy" data-testid="hierarchy">
      {site.areas.map((area) => (
        <li key={area.key} data-kind="area" data-key={area.key}>
          <span className="node">
            <span className="kind">Area</span> {area.name} <code>{area.key}</code>
          </span>
          {area.workCenters.length ? (
            <ul>
              {area.workCenters.map((center) => (
                <li key={center.key} data-kind="work-center" data-key={center.key}>
                  <span className="node">
                    <span className="kind">Work center</span> {center.name} <code>{center.key}</code>
                    {center.equipmentClasses.length ? (
                      <span className="muted"> · {center.equipmentClasses.join(", ")}</span>
                    ) : null}
                  </span>
                  {center.workUnits.length ? (
                    <ul>
                      {center.workUnits.map((unit) => (
                        <li key={unit.key} data-kind="work-unit" data-key={unit.key}>
                          <span className="node">
                            <span className="kind">Work unit</span> {unit.name} <code>{unit.key}</code>
                            {unit.equipmentClass ? <span className="muted"> · {unit.equipmentClass}</span> : null}
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function SiteOverview({ site: key }: { readonly site: string }) {
  const session = useSession();
  const data = useApiQuery(MySiteDocument, { site: key });
  const drift = useApiQuery(MySiteDriftDocument, {}, { poll: { every: 15_000, upTo: 60_000 } });
  const mayEdit = hasRole(session, Role.architect) || (hasRole(session, Role.siteAdmin) && session.sites.includes(key));

  if (data.isPending) return <Page title="My site"><Loading what="Loading the site" /></Page>;
  if (data.error) return <Page title="My site"><ErrorMessage error={data.error} /></Page>;
  const { site, overlays, ledger } = data.data;
  const templates = [...new Set([...ledger.map((entry) => entry.template), ...overlays.map((o) => o.template)])].sort();
  const siteDrift = (drift.data?.drift ?? []).filter((entry) => entry.site === key);

  return (
    <Page title={`My site: ${site.name}`} subtitle={`${site.key} · ${site.region} · ${site.timeZone}`}>
      <div className="grid-2">
        <section className="panel" aria-labelledby="hierarchy-title">
          <h2 id="hierarchy-title">Hierarchy</h2>
          <Hierarchy site={site} />
        </section>
        <section className="panel" aria-labelledby="templates-title">
          <h2 id="templates-title">Templates and overlays</h2>
          {templates.length === 0 ? (
            <Empty>No template runs or is overlaid at this site.</Empty>
          ) : (
            <table aria-labelledby="templates-title">
              <thead>
                <tr>
                  <th scope="col">Template</th>
                  <th scope="col">Runs</th>
                  <th scope="col">Overlay</th>
                  <th scope="col"><span className="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {templates.map((template) => {
                  const live = ledger.find((entry) => entry.template === template && entry.status === "live");
                  const revisions = overlays.filter((o) => o.template === template);
                  const approved = revisions.find((o) => o.status === "APPROVED");
                  const proposed = revisions.filter((o) => o.status === "PROPOSED");
                  return (
                    <tr key={template}>
                      <th scope="row">{template}</th>
                      <td>{live ? live.version : "not running"}</td>
                      <td>
                        {approved ? `revision ${approved.version} approved` : "none approved"}
                        {proposed.length ? (
                          <span className="badge badge-warn"> {proposed.length} awaiting QA</span>
                        ) : null}
                      </td>
                      <td>
                        <Link to={`/my-site/${encodeURIComponent(key)}/${encodeURIComponent(template)}`}>
                          {mayEdit ? "Edit overlay" : "View overlay"}
                          <span className="visually-hidden"> of {template}</span>
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="ledger-title">
        <h2 id="ledger-title">What runs at the site</h2>
        <LedgerTable entries={ledger} labelledBy="ledger-title" />
      </section>

      <section className="panel" aria-labelledby="drift-title">
        <h2 id="drift-title">Drift</h2>
        {drift.isPending ? <Loading what="Checking drift" /> : null}
        {drift.error ? <ErrorMessage error={drift.error} /> : null}
        {drift.data && siteDrift.length === 0 ? (
          <Empty>No drift: every plant of this site runs what the ledger expects.</Empty>
        ) : null}
        {siteDrift.length ? (
          <table aria-labelledby="drift-title" data-testid="drift">
            <thead>
              <tr>
                <th scope="col">Template</th>
                <th scope="col">Expected</th>
                <th scope="col">Reported</th>
                <th scope="col">Detail</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {siteDrift.map((entry) => (
                <tr key={`${entry.template}-${entry.firstSeen}`}>
                  <th scope="row">{entry.template}</th>
                  <td><code title={entry.expectedSha256 ?? undefined}>{shortHash(entry.expectedSha256)}</code></td>
                  <td><code title={entry.reportedSha256 ?? undefined}>{shortHash(entry.reportedSha256)}</code></td>
                  <td>{entry.detail}</td>
                  <td>{utc(entry.firstSeen)}</td>
                  <td>{utc(entry.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </Page>
  );
}

export function LedgerTable({
  entries,
  labelledBy,
}: {
  readonly entries: MySiteQuery["ledger"];
  readonly labelledBy: string;
}) {
  if (entries.length === 0) return <Empty>Nothing has been deployed to this site yet.</Empty>;
  return (
    <table aria-labelledby={labelledBy} data-testid="ledger">
      <thead>
        <tr>
          <th scope="col">Template</th>
          <th scope="col">Version</th>
          <th scope="col">Status</th>
          <th scope="col">Definition hash</th>
          <th scope="col">Since</th>
          <th scope="col">Deployed by</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={`${entry.template}-${entry.version}-${entry.since}`}>
            <th scope="row">{entry.template}</th>
            <td>{entry.version}</td>
            <td><span className={statusBadge(entry.status)}>{entry.status}</span></td>
            <td><code title={entry.sha256}>{shortHash(entry.sha256)}</code></td>
            <td>{utc(entry.since)}</td>
            <td>
              {entry.deployedBy}
              {entry.rolloutId ? (
                <>
                  {" "}· <Link to={`/rollouts/${encodeURIComponent(entry.rolloutId)}`}>rollout {entry.rolloutId}</Link>
                </>
              ) : null}
              {entry.transferId ? (
                <>
                  {" "}· <Link to={`/transfers/${encodeURIComponent(entry.transferId)}`}>transfer {entry.transferId}</Link>
                </>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
