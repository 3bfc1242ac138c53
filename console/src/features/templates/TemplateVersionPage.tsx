// `/templates/:key/:version` (and `/templates/:key`: its current version): the configuration
// surface (parameters with types, bounds, units, who may change them), operations with their
// data-collection limits resolved, extension points, reason trees, lifecycle and signatures.
import { Link, Navigate, useParams } from "react-router";

import { GraphQLRequestError } from "../../api/client";
import { useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { formatUtc } from "../../components/signature/SignatureDialog";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import {
  SignaturesOfDocument,
  TemplatesListDocument,
  TemplatesVersionPageDocument,
} from "../../generated/graphql";
import type { TemplatesVersionPageQuery } from "../../generated/graphql";
import { LifecycleActions } from "./LifecycleActions";
import { numericDefaults, predecessor, resolveLimit, show } from "./model";
import type { ResolvedLimit } from "./model";
import { validationPath } from "../validation/model";
import { StatusBadge } from "./StatusBadge";

type Version = TemplatesVersionPageQuery["templateVersion"];
type Parameter = Version["parameters"][number];

/** `/templates/:key`: to the current (newest published) version, else the newest there is. */
export function TemplateCurrent() {
  const { key = "" } = useParams();
  const current = useApiQuery(TemplatesVersionPageDocument, { key, version: null });
  const notFound =
    current.error instanceof GraphQLRequestError && current.error.code === "NOT_FOUND";
  const list = useApiQuery(
    TemplatesListDocument,
    { first: 100, after: null },
    { enabled: notFound },
  );
  if (current.isPending || (notFound && list.isPending)) {
    return <Loading what="Finding the current version" />;
  }
  if (current.isError && !notFound) return <ErrorMessage error={current.error} />;
  if (list.isError) return <ErrorMessage error={list.error} />;
  const version =
    current.data?.templateVersion.version ??
    list.data?.templates.nodes.find((node) => node.key === key)?.versions[0]?.version;
  if (!version) {
    return (
      <Page title={`Template ${key}`}>
        <Empty>
          There is no template <code>{key}</code> you may see.{" "}
          <Link to="/templates">All templates</Link>
        </Empty>
      </Page>
    );
  }
  return (
    <Navigate to={`/templates/${encodeURIComponent(key)}/${encodeURIComponent(version)}`} replace />
  );
}

export function TemplateVersionPage() {
  const { key = "", version = "" } = useParams();
  const session = useSession();
  const query = useApiQuery(TemplatesVersionPageDocument, { key, version });
  const list = useApiQuery(TemplatesListDocument, { first: 100, after: null });
  const latest = useApiQuery(TemplatesVersionPageDocument, { key, version: null });
  const title = `${key} ${version}`;
  if (query.isPending) {
    return (
      <Page title={title}>
        <Loading what="Loading the template version" />
      </Page>
    );
  }
  if (query.isError) {
    return (
      <Page title={title}>
        <ErrorMessage error={query.error} />
      </Page>
    );
  }
  const template = query.data.templateVersion;
  // The versions the list knows, and the current published one (asked for itself).
  const versions = [
    ...(list.data?.templates.nodes.find((node) => node.key === key)?.versions ?? []).map(
      (v) => v.version,
    ),
    ...(latest.data ? [latest.data.templateVersion.version] : []),
  ];
  const previous = predecessor(versions, template.version);
  const base = `/templates/${encodeURIComponent(key)}`;
  return (
    <Page
      title={`${template.title} ${template.version}`}
      subtitle={
        <>
          <code>{template.key}</code> · <StatusBadge status={template.status} />
        </>
      }
      actions={
        <>
          <Link to="/templates">All templates</Link>
          {previous ? (
            <Link
              to={`${base}/diff?from=${encodeURIComponent(previous)}&to=${encodeURIComponent(template.version)}`}
            >
              Changes since {previous}
            </Link>
          ) : null}
          <Link to={`${base}/impact?to=${encodeURIComponent(template.version)}`}>
            Upgrade impact per site
          </Link>
          <Link to={validationPath(template.key, template.version)}>Validation</Link>
        </>
      }
    >
      <div className="grid-2">
        <section className="panel" aria-labelledby="tv-facts">
          <h2 id="tv-facts">Version</h2>
          <Facts template={template} />
        </section>
        <section className="panel" aria-labelledby="tv-lifecycle">
          <h2 id="tv-lifecycle">Lifecycle</h2>
          <LifecycleActions template={template} predecessorVersion={previous} />
        </section>
      </div>
      <Parameters parameters={template.parameters} document={template.document} />
      <Operations template={template} />
      <ExtensionPoints document={template.document} />
      <ReasonTrees document={template.document} />
      {hasRole(session, "coe_architect", "qa_approver", "auditor") ? (
        <Signatures entityId={`${template.key}@${template.version}`} />
      ) : null}
    </Page>
  );
}

function Facts({ template }: { readonly template: Version }) {
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd data-testid="version-status">
        <StatusBadge status={template.status} />
      </dd>
      <dt>Content sha256</dt>
      <dd>
        <code className="hash" data-testid="content-sha256">
          {template.contentSha256}
        </code>
      </dd>
      <dt>Owner</dt>
      <dd>{template.owner ?? "—"}</dd>
      <dt>Author</dt>
      <dd>{template.author}</dd>
      <dt>Change summary</dt>
      <dd>{template.changeSummary ?? "—"}</dd>
      <dt>Created</dt>
      <dd>{formatUtc(template.createdAt)}</dd>
      <dt>Last changed</dt>
      <dd>{formatUtc(template.updatedAt)}</dd>
      <dt>Published</dt>
      <dd>
        {template.publishedAt
          ? `${formatUtc(template.publishedAt)} by ${template.publishedBy ?? "?"}`
          : "not published"}
      </dd>
      <dt>Approval</dt>
      <dd>
        {template.approval
          ? `${template.approval.printedName} · ${formatUtc(template.approval.signedAt)} · ${template.approval.meaning}`
          : "not approved"}
      </dd>
    </dl>
  );
}

function bounds(parameter: Parameter, declared: Record<string, unknown>): string {
  if (parameter.values?.length) return `one of ${parameter.values.join(", ")}`;
  if (parameter.minimum == null && parameter.maximum == null) {
    // Strings are bounded by a pattern and a length, which only the document says.
    const rules = [
      typeof declared.pattern === "string" ? `pattern ${declared.pattern}` : null,
      typeof declared.maxLength === "number" ? `at most ${declared.maxLength} characters` : null,
    ].filter(Boolean);
    return rules.length ? rules.join(", ") : "—";
  }
  return `${show(parameter.minimum)} … ${show(parameter.maximum)}`;
}

function whoMayChange(parameter: Parameter): string {
  if (!parameter.siteConfigurable) return "COE only (locked at the global value)";
  if (parameter.siteBound) return "Site (its own value; a transfer never carries it)";
  return "Site overlay, within the bounds";
}

function Parameters({
  parameters,
  document,
}: {
  readonly parameters: readonly Parameter[];
  readonly document: unknown;
}) {
  const declared = record(record(record(document).spec).parameters);
  return (
    <section className="panel" aria-labelledby="tv-parameters">
      <h2 id="tv-parameters">Parameters</h2>
      {parameters.length === 0 ? (
        <Empty>This version has no parameters.</Empty>
      ) : (
        <div className="table-scroll">
          <table data-testid="parameters">
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                <th scope="col">Type</th>
                <th scope="col" className="num">
                  Global value
                </th>
                <th scope="col">Bounds</th>
                <th scope="col">Unit</th>
                <th scope="col">Who may change it</th>
                <th scope="col">What it controls</th>
              </tr>
            </thead>
            <tbody>
              {parameters.map((parameter) => (
                <tr key={parameter.name} data-parameter={parameter.name}>
                  <th scope="row">
                    <code>{parameter.name}</code>
                  </th>
                  <td>{parameter.type}</td>
                  <td className="num">{show(parameter.default)}</td>
                  <td data-testid="bounds">
                    {bounds(parameter, record(declared[parameter.name]))}
                  </td>
                  <td data-testid="unit">{parameter.unit ?? "—"}</td>
                  <td>
                    <span
                      className={`badge ${parameter.siteConfigurable ? "badge-info" : "badge-muted"}`}
                    >
                      {parameter.siteConfigurable ? "Site-overridable" : "Locked"}
                    </span>{" "}
                    {whoMayChange(parameter)}
                  </td>
                  <td>{parameter.description ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// The document is JSON the API validated; these read it defensively all the same.
function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}
function text(value: unknown): string {
  return value === undefined || value === null ? "" : show(value);
}

function Limit({ limit }: { readonly limit: ResolvedLimit | null }) {
  if (!limit) return <>—</>;
  if (limit.value === null) {
    return (
      <span>
        <code>{limit.written}</code> <span className="badge badge-bad">{limit.error}</span>
      </span>
    );
  }
  const expression = limit.written !== String(limit.value);
  return (
    <span>
      <strong>{limit.value}</strong>
      {expression ? (
        <>
          {" "}
          <code className="muted">= {limit.written}</code>
        </>
      ) : null}
    </span>
  );
}

function Operations({ template }: { readonly template: Version }) {
  const operations = list(record(record(template.document).spec).operations);
  const values = numericDefaults(template.parameters);
  return (
    <section className="panel" aria-labelledby="tv-operations">
      <h2 id="tv-operations">Operations</h2>
      <p className="muted">Limits resolved with the global parameter values.</p>
      {operations.length === 0 ? <Empty>No operations.</Empty> : null}
      <ol className="operations">
        {operations.map((operation) => {
          const id = text(operation.id);
          const collected = list(operation.dataCollection);
          const checks = list(operation.qualityChecks);
          const signoff = Array.isArray(operation.signoff) ? operation.signoff.map(text) : [];
          return (
            <li key={id} data-operation={id}>
              <h3>
                <code>{id}</code> {text(operation.title)}
              </h3>
              <p className="muted">
                {text(operation.kind)}
                {operation.equipmentClass ? ` · equipment: ${text(operation.equipmentClass)}` : ""}
                {signoff.length ? ` · sign-off: ${signoff.join(", ")}` : ""}
              </p>
              {collected.length ? (
                <div className="table-scroll">
                  <table>
                    <caption>Data collection of {id}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Data point</th>
                        <th scope="col">Unit</th>
                        <th scope="col">Lower limit</th>
                        <th scope="col">Target</th>
                        <th scope="col">Upper limit</th>
                      </tr>
                    </thead>
                    <tbody>
                      {collected.map((point) => (
                        <tr key={text(point.id)} data-point={text(point.id)}>
                          <th scope="row">
                            <code>{text(point.id)}</code>
                          </th>
                          <td>{text(point.unit) || "—"}</td>
                          <td data-testid="lower">
                            <Limit limit={resolveLimit(point.lowerLimit, values)} />
                          </td>
                          <td data-testid="target">
                            <Limit limit={resolveLimit(point.target, values)} />
                          </td>
                          <td data-testid="upper">
                            <Limit limit={resolveLimit(point.upperLimit, values)} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
              {checks.length ? (
                <ul className="checks">
                  {checks.map((check) => {
                    const sampling = record(check.sampling);
                    return (
                      <li key={text(check.id)}>
                        Quality check <code>{text(check.id)}</code>: {text(check.method)}
                        {sampling.plan
                          ? ` · ${text(sampling.plan)} ${text(sampling.size)} per ${text(sampling.per)}`
                          : ""}
                        {check.onFail ? ` · on fail: ${text(check.onFail)}` : ""}
                      </li>
                    );
                  })}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ExtensionPoints({ document }: { readonly document: unknown }) {
  const points = list(record(record(document).spec).extensionPoints);
  return (
    <section className="panel" aria-labelledby="tv-extensions">
      <h2 id="tv-extensions">Extension points</h2>
      {points.length === 0 ? (
        <Empty>Sites may not add steps to this version.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Extension point</th>
              <th scope="col">After operation</th>
              <th scope="col">Allowed kinds</th>
              <th scope="col" className="num">
                Most steps
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((point) => (
              <tr key={text(point.id)}>
                <th scope="row">
                  <code>{text(point.id)}</code>
                </th>
                <td>
                  <code>{text(point.after)}</code>
                </td>
                <td>
                  {Array.isArray(point.allowedKinds)
                    ? point.allowedKinds.map(text).join(", ")
                    : "any"}
                </td>
                <td className="num">{text(point.maxSteps) || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ReasonNodes({ nodes }: { readonly nodes: Record<string, unknown>[] }) {
  return (
    <ul className="reason-tree">
      {nodes.map((node) => (
        <li key={text(node.code)}>
          <code>{text(node.code)}</code> {text(node.title)}
          {node.planned === true ? <span className="badge badge-muted">planned</span> : null}
          {Array.isArray(node.children) && node.children.length ? (
            <ReasonNodes nodes={list(node.children)} />
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function ReasonTrees({ document }: { readonly document: unknown }) {
  const trees = Object.entries(record(record(record(document).spec).reasonCodes));
  return (
    <section className="panel" aria-labelledby="tv-reasons">
      <h2 id="tv-reasons">Reason trees</h2>
      {trees.length === 0 ? (
        <Empty>No reason codes.</Empty>
      ) : (
        <div className="grid-3">
          {trees.map(([name, nodes]) => (
            <div key={name}>
              <h3>{name}</h3>
              <ReasonNodes nodes={list(nodes)} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function Signatures({ entityId }: { readonly entityId: string }) {
  const query = useApiQuery(SignaturesOfDocument, {
    entityType: "template_version",
    entityId,
  });
  return (
    <section className="panel" aria-labelledby="tv-signatures">
      <h2 id="tv-signatures">Signatures</h2>
      {query.isPending ? <Loading what="Loading signatures" /> : null}
      {query.isError ? <ErrorMessage error={query.error} /> : null}
      {query.data && query.data.signatures.length === 0 ? <Empty>No signatures yet.</Empty> : null}
      {query.data?.signatures.length ? (
        <table data-testid="signatures">
          <thead>
            <tr>
              <th scope="col">Signed by</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Meaning</th>
              <th scope="col">Reason</th>
              <th scope="col">Content sha256</th>
            </tr>
          </thead>
          <tbody>
            {query.data.signatures.map((signature) => (
              <tr key={signature.id}>
                <th scope="row">{signature.printedName}</th>
                <td>{formatUtc(signature.signedAt)}</td>
                <td>{signature.meaning}</td>
                <td>{signature.reason}</td>
                <td>
                  <code className="hash">{signature.contentSha256}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
