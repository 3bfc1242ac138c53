// /transfers: transfers, newest first; template and status filters live in the URL.
import { useState } from "react";
import { Link, useSearchParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { hasRole } from "../../auth/session";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { Page } from "../../components/Page";
import { TransferOptionsDocument, TransfersListDocument } from "../../generated/graphql";
import { StatusBadge, stepLabel } from "./parts";
import { STATUSES } from "./model";

const PAGE = 50;

export function TransfersList() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const template = params.get("template") || null;
  const status = params.get("status") || null;
  const [after, setAfter] = useState<string | null>(null);
  const options = useApiQuery(TransferOptionsDocument, {});
  const list = useApiQuery(TransfersListDocument, {
    template,
    status: status ? [status] : null,
    first: PAGE,
    after,
  });

  function filter(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setAfter(null);
    setParams(next);
  }

  const data = list.data?.transfers;
  return (
    <Page
      title="Transfers"
      subtitle="Processes moving from one site to another, newest first"
      actions={
        hasRole(session, "npi_engineer", "coe_architect") ? (
          <Link className="button" to="/transfers/new">
            Plan a transfer
          </Link>
        ) : null
      }
    >
      <form className="filters" role="search" aria-label="Filter transfers" onSubmit={(e) => e.preventDefault()}>
        <label>
          Template
          <select value={template ?? ""} onChange={(e) => filter("template", e.target.value)}>
            <option value="">All templates</option>
            {options.data?.templates.nodes.map((t) => (
              <option key={t.key} value={t.key}>
                {t.key}
              </option>
            ))}
            {template && !options.data?.templates.nodes.some((t) => t.key === template) ? (
              <option value={template}>{template}</option>
            ) : null}
          </select>
        </label>
        <label>
          Status
          <select value={status ?? ""} onChange={(e) => filter("status", e.target.value)}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      {list.isPending ? <Loading what="Loading transfers" /> : null}
      {list.error ? <ErrorMessage error={list.error} /> : null}
      {data && data.nodes.length === 0 ? (
        <Empty>
          No transfers{template || status ? " match these filters" : " yet"}.
        </Empty>
      ) : null}
      {data && data.nodes.length > 0 ? (
        <>
          <p className="transfers-count" data-testid="transfers-total">
            {data.totalCount} transfer{data.totalCount === 1 ? "" : "s"}
          </p>
          <table data-testid="transfers-table">
            <caption className="visually-hidden">Transfers</caption>
            <thead>
              <tr>
                <th scope="col">Transfer</th>
                <th scope="col">Template</th>
                <th scope="col">From → to</th>
                <th scope="col">Status</th>
                <th scope="col">Current step</th>
                <th scope="col">Started (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {data.nodes.map((t) => (
                <tr key={t.id} data-transfer={t.id}>
                  <th scope="row">
                    <Link to={`/transfers/${encodeURIComponent(t.id)}`}>{t.id}</Link>
                  </th>
                  <td>
                    {t.template}@{t.version}
                  </td>
                  <td>
                    {t.source} → {t.target}
                  </td>
                  <td>
                    <StatusBadge status={t.status} />
                  </td>
                  <td>{stepLabel(t.status)}</td>
                  <td>{utc(t.startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="page-actions transfers-pager">
            {after ? (
              <button type="button" className="button-quiet" onClick={() => setAfter(null)}>
                Newest
              </button>
            ) : null}
            {data.pageInfo.hasNextPage ? (
              <button
                type="button"
                className="button-quiet"
                onClick={() => setAfter(data.pageInfo.endCursor ?? null)}
              >
                Older
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </Page>
  );
}

export function utc(iso: string | null | undefined): string {
  if (!iso) return "—";
  return `${new Date(iso).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}
