// `/templates`: every template the user may see, its versions with their lifecycle status,
// and the current (newest published) version.
import { useState } from "react";
import type { ReactNode } from "react";
import { Link } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { TemplatesListDocument } from "../../generated/graphql";
import { StatusBadge } from "./StatusBadge";

const PAGE = 50;

export function TemplateList() {
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <Page title="Templates" subtitle="Global process templates, their versions and lifecycle">
      <table data-testid="templates-table">
        <caption className="visually-hidden">Templates and their versions</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Name</th>
            <th scope="col">Current version</th>
            <th scope="col">Versions (newest first)</th>
          </tr>
        </thead>
        {pages.map((after, index) => (
          <ListPage
            key={after ?? "first"}
            after={after}
            last={index === pages.length - 1}
            onMore={(cursor) => setPages((old) => [...old, cursor])}
          />
        ))}
      </table>
    </Page>
  );
}

function ListPage({
  after,
  last,
  onMore,
}: {
  readonly after: string | null;
  readonly last: boolean;
  readonly onMore: (cursor: string) => void;
}) {
  const query = useApiQuery(TemplatesListDocument, { first: PAGE, after });
  if (query.isPending)
    return (
      <StateRow>
        <Loading what="Loading templates" />
      </StateRow>
    );
  if (query.isError)
    return (
      <StateRow>
        <ErrorMessage error={query.error} />
      </StateRow>
    );
  const { nodes, pageInfo, totalCount } = query.data.templates;
  if (!after && totalCount === 0) {
    return (
      <StateRow>
        <Empty>
          No templates yet. An architect adds one with <code>coe template push</code>.
        </Empty>
      </StateRow>
    );
  }
  return (
    <tbody>
      {nodes.map((template) => (
        <tr key={template.key} data-template={template.key}>
          <th scope="row">
            <Link to={`/templates/${encodeURIComponent(template.key)}`}>
              <code>{template.key}</code>
            </Link>
          </th>
          <td>{template.title}</td>
          <td data-testid="current-version">
            {template.latestPublished ? (
              <Link
                to={`/templates/${encodeURIComponent(template.key)}/${encodeURIComponent(template.latestPublished.version)}`}
              >
                {template.latestPublished.version}
              </Link>
            ) : (
              <span className="muted">none published</span>
            )}
          </td>
          <td>
            <ul className="version-list">
              {template.versions.map((version) => (
                <li key={version.version} data-version={version.version}>
                  <Link
                    to={`/templates/${encodeURIComponent(template.key)}/${encodeURIComponent(version.version)}`}
                  >
                    {version.version}
                  </Link>{" "}
                  <StatusBadge status={version.status} />
                </li>
              ))}
            </ul>
          </td>
        </tr>
      ))}
      {last && pageInfo.hasNextPage && pageInfo.endCursor ? (
        <tr>
          <td colSpan={4}>
            <button type="button" onClick={() => onMore(pageInfo.endCursor ?? "")}>
              More templates (of {totalCount})
            </button>
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

function StateRow({ children }: { readonly children: ReactNode }) {
  return (
    <tbody>
      <tr>
        <td colSpan={4}>{children}</td>
      </tr>
    </tbody>
  );
}
