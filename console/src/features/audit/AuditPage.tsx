// Auditor — Audit trail (/audit): search by entity, actor, site and UTC time (all in the URL),
// the matching records newest first with pagination, and the chain's verification status.
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { formatUtc } from "../../components/signature/SignatureDialog";
import { AuditRecordsDocument } from "../../generated/graphql";
import { ChainStatus } from "./ChainStatus";
import {
  FIELDS,
  PAGE_SIZE,
  auditFilter,
  readSearch,
  searchParams,
} from "./search";
import type { Search } from "./search";

const ENTITY_TYPES = [
  "template_version",
  "overlay",
  "rollout",
  "rollout_gate",
  "transfer",
  "deployment",
  "site",
  "user",
];

const LABELS: Record<(typeof FIELDS)[number], string> = {
  entityType: "Entity type",
  entityId: "Entity id",
  actor: "Actor (user id)",
  site: "Site",
  since: "From (UTC)",
  until: "Until (UTC)",
};

export function AuditPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const mayRead = hasRole(session, "auditor", "qa_approver");
  return (
    <Page
      title="Audit trail"
      subtitle="Every change, who made it and why, in a hash chain anchored outside the database."
    >
      {hasRole(session, "auditor") ? <ChainStatus /> : null}
      {mayRead ? (
        <>
          <SearchForm
            key={params.toString()}
            initial={readSearch(params)}
            onSearch={(search) => setParams(searchParams(search))}
          />
          <Results params={params} />
        </>
      ) : (
        <Empty>The audit trail is read by auditors and QA approvers.</Empty>
      )}
    </Page>
  );
}

function SearchForm({
  initial,
  onSearch,
}: {
  readonly initial: Search;
  readonly onSearch: (search: Search) => void;
}) {
  const [search, setSearch] = useState<Search>(initial);
  function submit(event: FormEvent) {
    event.preventDefault();
    onSearch(search);
  }
  return (
    <form
      className="filters audit-search"
      role="search"
      aria-label="Search the audit trail"
      onSubmit={submit}
    >
      {FIELDS.map((field) => (
        <label key={field}>
          {LABELS[field]}
          <input
            name={field}
            type={
              field === "since" || field === "until" ? "datetime-local" : "text"
            }
            step={field === "since" || field === "until" ? 1 : undefined}
            list={field === "entityType" ? "audit-entity-types" : undefined}
            value={search[field]}
            onChange={(event) =>
              setSearch({ ...search, [field]: event.target.value })
            }
          />
        </label>
      ))}
      <datalist id="audit-entity-types">
        {ENTITY_TYPES.map((type) => (
          <option key={type} value={type} />
        ))}
      </datalist>
      <button type="submit">Search</button>
      <button
        type="button"
        className="button-quiet"
        onClick={() => onSearch(readSearch(new URLSearchParams()))}
      >
        Clear
      </button>
    </form>
  );
}

function Results({ params }: { readonly params: URLSearchParams }) {
  const [, setParams] = useSearchParams();
  const search = readSearch(params);
  const after = params.get("after");
  const records = useApiQuery(AuditRecordsDocument, {
    filter: auditFilter(search),
    first: PAGE_SIZE,
    after,
  });
  const here = searchParams(search);
  if (after) here.set("after", after);

  if (records.isPending) return <Loading what="Searching the audit trail" />;
  if (records.error) return <ErrorMessage error={records.error} />;
  const { nodes, totalCount, pageInfo } = records.data.auditRecords;
  if (nodes.length === 0) {
    return (
      <Empty>
        No audit record matches this search{after ? " on this page" : ""}.
      </Empty>
    );
  }
  return (
    <>
      <table className="audit-table" data-testid="audit-results">
        <caption>
          {totalCount} {totalCount === 1 ? "record matches" : "records match"},
          newest first
          {after ? " (a later page)" : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Seq
            </th>
            <th scope="col">When (UTC)</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Entity</th>
            <th scope="col">Site</th>
            <th scope="col">Signature</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((record) => (
            <tr
              key={record.seq}
              data-testid="audit-record"
              data-seq={record.seq}
            >
              <th scope="row" className="num">
                <Link
                  to={`/audit/${record.seq}?${here.toString()}`}
                  aria-label={`Record ${record.seq}`}
                >
                  {record.seq}
                </Link>
              </th>
              <td>
                <time dateTime={record.occurredAt}>
                  {formatUtc(record.occurredAt)}
                </time>
              </td>
              <td>{record.actor}</td>
              <td>
                <code>{record.action}</code>
              </td>
              <td>
                <code>
                  {record.entityType} {record.entityId}
                </code>
              </td>
              <td>{record.site ?? "—"}</td>
              <td>
                {record.signatureId ? (
                  <span className="badge badge-info">signed</span>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="page-actions audit-pages" aria-label="Pages of results">
        {after ? (
          <button
            type="button"
            className="button-quiet"
            onClick={() => setParams(searchParams(search))}
          >
            First page
          </button>
        ) : null}
        {pageInfo.hasNextPage && pageInfo.endCursor ? (
          <button
            type="button"
            onClick={() => {
              const next = searchParams(search);
              next.set("after", pageInfo.endCursor ?? "");
              setParams(next);
            }}
          >
            Next page
          </button>
        ) : null}
      </nav>
    </>
  );
}
