// `/templates/:key/diff?from=&to=`: what changed between two versions, each change breaking or
// compatible as the API classifies it, and the two documents as a text diff.
import { Link, useParams, useSearchParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { TextDiff } from "../../components/TextDiff";
import { TemplatesDiffDocument, TemplatesSourceDocument } from "../../generated/graphql";
import type { TemplatesDiffQuery } from "../../generated/graphql";
import { source } from "./LifecycleActions";
import { predecessor } from "./model";
import { useVersions, VersionSelect } from "./VersionPicker";

type Change = TemplatesDiffQuery["templateDiff"]["changes"][number];

export function TemplateDiffPage() {
  const { key = "" } = useParams();
  const [search, setSearch] = useSearchParams();
  const { query: list, versions } = useVersions(key);
  const newest = versions[0]?.version ?? "";
  const to = search.get("to") ?? newest;
  const from =
    search.get("from") ??
    predecessor(
      versions.map((version) => version.version),
      to,
    ) ??
    "";
  const ready = !!from && !!to;
  const diff = useApiQuery(TemplatesDiffDocument, { key, from, to }, { enabled: ready });
  const before = useApiQuery(TemplatesSourceDocument, { key, version: from }, { enabled: ready });
  const after = useApiQuery(TemplatesSourceDocument, { key, version: to }, { enabled: ready });
  const base = `/templates/${encodeURIComponent(key)}`;

  function choose(name: "from" | "to", version: string) {
    const next = new URLSearchParams(search);
    next.set("from", from);
    next.set("to", to);
    next.set(name, version);
    setSearch(next);
  }

  return (
    <Page
      title={`Changes of ${key}`}
      subtitle={ready ? `${from} → ${to}` : undefined}
      actions={
        <>
          <Link to={base}>Current version</Link>
          {to ? (
            <Link
              to={`${base}/impact?to=${encodeURIComponent(to)}&from=${encodeURIComponent(from)}`}
            >
              Upgrade impact of {to}
            </Link>
          ) : null}
        </>
      }
    >
      <div className="filters">
        <VersionSelect
          label="From version"
          value={from}
          versions={versions}
          onChange={(v) => choose("from", v)}
        />
        <VersionSelect
          label="To version"
          value={to}
          versions={versions}
          onChange={(v) => choose("to", v)}
        />
      </div>
      {list.isError ? <ErrorMessage error={list.error} /> : null}
      {!ready && list.isPending ? <Loading what="Loading versions" /> : null}
      {!ready && !list.isPending ? (
        <Empty>Pick two versions to compare (this template has {versions.length}).</Empty>
      ) : null}
      {ready && diff.isPending ? <Loading what="Comparing" /> : null}
      {diff.isError ? <ErrorMessage error={diff.error} /> : null}
      {diff.data ? <Changes diff={diff.data.templateDiff} /> : null}
      {ready ? (
        <section className="panel" aria-labelledby="diff-text">
          <h2 id="diff-text">Documents</h2>
          {before.isError ? <ErrorMessage error={before.error} /> : null}
          {after.isError ? <ErrorMessage error={after.error} /> : null}
          {before.data && after.data ? (
            <TextDiff
              before={source(before.data.templateVersion.document)}
              after={source(after.data.templateVersion.document)}
              label={`Document of ${key}: ${from} → ${to}`}
            />
          ) : before.isPending || after.isPending ? (
            <Loading what="Loading the documents" />
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}

function Changes({ diff }: { readonly diff: TemplatesDiffQuery["templateDiff"] }) {
  const breaking = diff.changes.filter((change) => change.breaking);
  const compatible = diff.changes.filter((change) => !change.breaking);
  return (
    <>
      <p data-testid="diff-verdict">
        {diff.breaking ? (
          <span className="badge badge-bad">Breaking</span>
        ) : (
          <span className="badge badge-ok">Compatible</span>
        )}{" "}
        {diff.changes.length} changes from {diff.fromVersion} to {diff.toVersion}: {breaking.length}{" "}
        breaking, {compatible.length} compatible.
      </p>
      <ChangeTable
        id="breaking"
        title="Breaking changes"
        changes={breaking}
        note="Site overlays may break."
      />
      <ChangeTable
        id="compatible"
        title="Compatible changes"
        changes={compatible}
        note="Overlays keep working."
      />
    </>
  );
}

function ChangeTable({
  id,
  title,
  changes,
  note,
}: {
  readonly id: string;
  readonly title: string;
  readonly changes: readonly Change[];
  readonly note: string;
}) {
  return (
    <section className="panel" aria-labelledby={`changes-${id}`}>
      <h2 id={`changes-${id}`}>
        {title} ({changes.length})
      </h2>
      <p className="muted">{note}</p>
      {changes.length === 0 ? (
        <Empty>None.</Empty>
      ) : (
        <div className="table-scroll">
          <table data-testid={`changes-${id}`}>
            <thead>
              <tr>
                <th scope="col">Area</th>
                <th scope="col">Subject</th>
                <th scope="col">Kind</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change, index) => (
                <tr key={index} data-subject={change.subject}>
                  <td>{change.area}</td>
                  <th scope="row">
                    <code>{change.subject}</code>
                  </th>
                  <td>{change.kind}</td>
                  <td>{change.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
