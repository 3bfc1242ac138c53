// The waves × sites grid: one plain table per wave, one memoised row per site (no per-cell
// components beyond a badge), filtered by site name or state; a site opens its detail.
import { memo, useDeferredValue, useMemo, useState } from "react";

import { StateBadge } from "./StateBadge";
import {
  SITE_STATES,
  historyOf,
  shortHash,
  stateLook,
  utc,
  violationsOf,
} from "./model";
import type { SiteView, WaveView } from "./model";

const SiteRow = memo(function SiteRow({
  site,
  selected,
  onSelect,
}: {
  readonly site: SiteView;
  readonly selected: boolean;
  readonly onSelect: (key: string) => void;
}) {
  const violations = site.violations ? violationsOf(site) : [];
  return (
    <tr
      data-site={site.site}
      data-state={site.state}
      className={selected ? "selected" : undefined}
    >
      <th scope="row">
        <button
          type="button"
          className="link-button"
          aria-expanded={selected}
          onClick={() => onSelect(site.site)}
        >
          {site.site}
        </button>
      </th>
      <td>
        <StateBadge state={site.state} />
      </td>
      <td>
        {site.reason ?? ""}
        {violations.length ? (
          <ul className="violations">
            {violations.map((v, i) => (
              <li key={i}>
                <code>{v.path || "/"}</code> {v.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td>
        <code title={site.sha256 ?? undefined}>{shortHash(site.sha256)}</code>
      </td>
      <td>{utc(site.updatedAt)}</td>
    </tr>
  );
});

function WaveTable({
  wave,
  sites,
  selected,
  onSelect,
}: {
  readonly wave: WaveView;
  readonly sites: readonly SiteView[];
  readonly selected: string | null;
  readonly onSelect: (key: string) => void;
}) {
  const counts = useMemo(() => {
    const byState = new Map<string, number>();
    for (const site of wave.sites)
      byState.set(site.state, (byState.get(site.state) ?? 0) + 1);
    return [...byState.entries()];
  }, [wave.sites]);
  return (
    <section
      className="wave"
      aria-labelledby={`wave-${wave.name}`}
      data-wave={wave.name}
    >
      <h3 id={`wave-${wave.name}`}>
        Wave {wave.name}{" "}
        <span className="wave-facts">
          {wave.sites.length} site{wave.sites.length === 1 ? "" : "s"} · at most{" "}
          {wave.maxParallel} at once · failure budget {wave.failureBudget} ·{" "}
          {counts
            .map(([state, n]) => `${n} ${stateLook(state).label}`)
            .join(", ")}
        </span>
      </h3>
      {sites.length ? (
        <table className="site-grid">
          <caption className="visually-hidden">
            Sites of wave {wave.name}
          </caption>
          <thead>
            <tr>
              <th scope="col">Site</th>
              <th scope="col">State</th>
              <th scope="col">Reason</th>
              <th scope="col">Definition sha256</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {sites.map((site) => (
              <SiteRow
                key={site.site}
                site={site}
                selected={selected === site.site}
                onSelect={onSelect}
              />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No site of this wave matches the filter.</p>
      )}
    </section>
  );
}

export const SiteGrid = memo(function SiteGrid({
  waves,
  renderDetail,
}: {
  readonly waves: readonly WaveView[];
  /** The detail of the selected site (history, actions). */
  readonly renderDetail: (site: SiteView) => React.ReactNode;
}) {
  const [text, setText] = useState("");
  const [state, setState] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDeferredValue(text.trim().toLowerCase());
  const filtered = useMemo(
    () =>
      waves.map((wave) => ({
        wave,
        sites: wave.sites.filter(
          (site) =>
            (!query || site.site.toLowerCase().includes(query)) &&
            (!state || site.state === state),
        ),
      })),
    [waves, query, state],
  );
  const onSelect = useMemo(
    () => (key: string) =>
      setSelected((current) => (current === key ? null : key)),
    [],
  );
  const selectedSite = selected
    ? waves.flatMap((wave) => wave.sites).find((site) => site.site === selected)
    : undefined;
  const shown = filtered.reduce((n, f) => n + f.sites.length, 0);
  const total = waves.reduce((n, w) => n + w.sites.length, 0);
  return (
    <div className="site-grid-box" data-testid="site-grid">
      <div className="filters" role="search">
        <label>
          Filter sites
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label>
          Site state
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">any</option>
            {SITE_STATES.map((s) => (
              <option key={s} value={s}>
                {stateLook(s).label}
              </option>
            ))}
          </select>
        </label>
        <span role="status" data-testid="grid-count">
          {shown} of {total} sites shown
        </span>
      </div>
      {selectedSite ? (
        <SiteDetail site={selectedSite} onClose={() => setSelected(null)}>
          {renderDetail(selectedSite)}
        </SiteDetail>
      ) : null}
      {filtered.map(({ wave, sites }) => (
        <WaveTable
          key={wave.name}
          wave={wave}
          sites={sites}
          selected={selected}
          onSelect={onSelect}
        />
      ))}
    </div>
  );
});

function SiteDetail({
  site,
  onClose,
  children,
}: {
  readonly site: SiteView;
  readonly onClose: () => void;
  readonly children: React.ReactNode;
}) {
  const history = historyOf(site);
  return (
    <section
      className="panel site-detail"
      aria-labelledby="site-detail-title"
      data-testid="site-detail"
    >
      <h3 id="site-detail-title">
        Site {site.site} <StateBadge state={site.state} />
      </h3>
      <dl className="facts">
        <dt>Wave</dt>
        <dd>{site.wave}</dd>
        <dt>Reason</dt>
        <dd>{site.reason ?? "—"}</dd>
        <dt>Definition sha256</dt>
        <dd>
          <code>{site.sha256 ?? "—"}</code>
        </dd>
        <dt>Before</dt>
        <dd>
          <code>{site.previousSha256 ?? "—"}</code>
        </dd>
        <dt>Updated</dt>
        <dd>{utc(site.updatedAt)}</dd>
      </dl>
      {history.length ? (
        <table>
          <caption>History of {site.site}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">State</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {history.map((step, i) => (
              <tr key={i}>
                <td>{utc(step.at)}</td>
                <td>
                  <StateBadge state={step.state} />
                </td>
                <td>{step.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No state change yet.</p>
      )}
      {children}
      <button type="button" className="button-quiet" onClick={onClose}>
        Close site detail
      </button>
    </section>
  );
}
