// Rollouts, newest first: filter by template and status (in the URL, so links share them),
// paginated with the API's `after` cursor.
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { Role } from "../../auth/roles";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { RolloutsListDocument } from "../../generated/graphql";
import { StateBadge } from "./StateBadge";
import { ROLLOUT_STATUSES, progress, stateLook, utc } from "./model";

const PAGE_SIZE = 20;

export function RolloutsListPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const template = params.get("template") ?? "";
  const status = params.get("status") ?? "";
  const after = params.get("after");
  const [templateText, setTemplateText] = useState(template);
  const query = useApiQuery(
    RolloutsListDocument,
    {
      template: template || null,
      status: status ? [status] : null,
      first: PAGE_SIZE,
      after: after ?? null,
    },
    { poll: { every: 3000, upTo: 30_000 } },
  );

  function update(next: {
    template?: string;
    status?: string;
    after?: string | null;
  }) {
    const merged = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value) merged.set(key, value);
      else merged.delete(key);
    }
    if (!("after" in next)) merged.delete("after");
    setParams(merged);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    update({ template: templateText.trim() });
  }

  const connection = query.data?.rollouts;
  return (
    <Page
      title="Rollouts"
      subtitle="Template versions rolled out in waves, newest first"
      actions={
        hasRole(session, Role.architect) ? (
          <Link className="button" to="/rollouts/new">
            Start a rollout
          </Link>
        ) : null
      }
    >
      <form className="filters" onSubmit={submit} aria-label="Filter rollouts">
        <label>
          Template
          <input
            name="template"
            value={templateText}
            placeholder="any"
            onChange={(event) => setTemplateText(event.target.value)}
          />
        </label>
        <label>
          Status
          <select
            name="status"
            value={status}
            onChange={(event) =>
              update({
                template: templateText.trim(),
                status: event.target.value,
              })
            }
          >
            <option value="">any</option>
            {ROLLOUT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {stateLook(s).label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        {template || status ? (
          <button
            type="button"
            className="button-quiet"
            onClick={() => {
              setTemplateText("");
              setParams(new URLSearchParams());
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      {query.isPending ? (
        <Loading what="Loading rollouts" />
      ) : query.isError && !connection ? (
        <ErrorMessage error={query.error} />
      ) : !connection || connection.nodes.length === 0 ? (
        <Empty>
          No rollout{template || status ? " matches these filters" : " yet"}.
          {hasRole(session, Role.architect) ? (
            <>
              {" "}
              <Link to="/rollouts/new">Start one from a plan</Link>.
            </>
          ) : null}
        </Empty>
      ) : (
        <>
          <p role="status" data-testid="rollout-count">
            {connection.totalCount} rollout
            {connection.totalCount === 1 ? "" : "s"}
          </p>
          <table data-testid="rollouts">
            <thead>
              <tr>
                <th scope="col">Rollout</th>
                <th scope="col">Template</th>
                <th scope="col">Version</th>
                <th scope="col">Environment</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {connection.nodes.map((rollout) => {
                const p = progress(rollout.waves);
                return (
                  <tr key={rollout.id} data-rollout={rollout.id}>
                    <th scope="row">
                      <Link to={`/rollouts/${encodeURIComponent(rollout.id)}`}>
                        {rollout.id}
                      </Link>
                    </th>
                    <td>{rollout.template}</td>
                    <td>{rollout.version}</td>
                    <td>{rollout.environment}</td>
                    <td>
                      <StateBadge state={rollout.status} />
                      {rollout.currentWave
                        ? ` wave ${rollout.currentWave}`
                        : ""}
                    </td>
                    <td>
                      <span className="progress-bar" aria-hidden="true">
                        <span
                          style={{
                            width: `${p.total ? (100 * p.done) / p.total : 0}%`,
                          }}
                        />
                      </span>{" "}
                      {p.done} / {p.total} sites done
                    </td>
                    <td>
                      {utc(rollout.startedAt)} by {rollout.startedBy}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <nav className="page-actions pager" aria-label="Pages">
            {after ? (
              <button
                type="button"
                onClick={() => update({ template, status, after: null })}
              >
                First page
              </button>
            ) : null}
            {connection.pageInfo.hasNextPage &&
            connection.pageInfo.endCursor ? (
              <button
                type="button"
                onClick={() =>
                  update({
                    template,
                    status,
                    after: connection.pageInfo.endCursor,
                  })
                }
              >
                Next page
              </button>
            ) : null}
          </nav>
        </>
      )}
    </Page>
  );
}
