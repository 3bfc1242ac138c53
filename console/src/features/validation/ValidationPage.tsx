// `/validation/:template/:version`: the promotion of a template version through validation —
// the record's stages and what blocks its conclusion, each test case with its latest result
// (outcome, who executed it and when, the e-signature's manifestation), the deviations, the
// per-site coverage by the validated design space, the evidence download and, for testers,
// the forms to record a manual result and to open a deviation.
import { Link, useParams } from "react-router";

import { GraphQLRequestError } from "../../api/client";
import { useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { formatUtc } from "../../components/signature/SignatureDialog";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { ValidationCoverageDocument, ValidationPageDocument } from "../../generated/graphql";
import { LookBadge } from "./Badge";
import { EvidenceButton } from "./EvidenceButton";
import { DeviationForm, ManualResultForm } from "./Forms";
import {
  coverageLook,
  deviationLook,
  outcomeLook,
  recordStatusLook,
  showValues,
  stages,
  testRows,
} from "./model";
import type { RecordView } from "./model";

const TESTERS = ["coe_architect", "npi_engineer", "qa_approver"];
const EXPORTERS = ["auditor", "qa_approver", "coe_architect"];

export function ValidationPage() {
  const { template = "", version = "" } = useParams();
  const session = useSession();
  const query = useApiQuery(ValidationPageDocument, { template, version });
  const title = `Validation of ${template} ${version}`;
  const templateLink = `/templates/${encodeURIComponent(template)}/${encodeURIComponent(version)}`;
  const actions = (
    <>
      <Link to={templateLink}>Template version</Link>
      {hasRole(session, ...EXPORTERS) ? (
        <EvidenceButton template={template} version={version} />
      ) : null}
    </>
  );
  if (query.isPending) {
    return (
      <Page title={title} actions={actions}>
        <Loading what="Loading the validation record" />
      </Page>
    );
  }
  if (query.isError) {
    const missing =
      query.error instanceof GraphQLRequestError && query.error.code === "NOT_FOUND";
    return (
      <Page title={title} actions={actions}>
        {missing ? (
          <Empty>
            There is no validation record of <code>{template}</code> {version} yet: write one
            beside the template (kind ValidationRecord) and sync it.
          </Empty>
        ) : (
          <ErrorMessage error={query.error} />
        )}
      </Page>
    );
  }
  const record = query.data.validationRecord;
  const testing = hasRole(session, ...TESTERS) && record.status !== "APPROVED";
  return (
    <Page
      title={record.title}
      subtitle={
        <>
          <code>
            {record.template}@{record.version}
          </code>{" "}
          · <LookBadge look={recordStatusLook(record.status)} testId="record-status" />
        </>
      }
      actions={actions}
    >
      <StageStrip record={record} />
      <Blockers record={record} />
      <section className="panel" aria-labelledby="vr-facts">
        <h2 id="vr-facts">Record</h2>
        <dl className="facts">
          <dt>Intended use</dt>
          <dd data-testid="intended-use">{record.intendedUse}</dd>
          <dt>Template sha256</dt>
          <dd>
            <code className="hash">{record.templateSha256}</code>
          </dd>
          <dt>Record document sha256</dt>
          <dd>
            <code className="hash">{record.documentSha256}</code>
          </dd>
          <dt>Previous version</dt>
          <dd>{record.previous ?? "—"}</dd>
          <dt>Saved by</dt>
          <dd>
            {record.authoredBy} · {formatUtc(record.updatedAt)}
          </dd>
          {record.conclusion ? (
            <>
              <dt>Conclusion</dt>
              <dd data-testid="conclusion">
                {record.conclusion.text}
                {record.conclusion.signature ? (
                  <span className="mono manifestation-line">
                    {record.conclusion.signature.manifestation}
                  </span>
                ) : null}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <Risk record={record} />
      <TestCases record={record} />
      <Deviations record={record} />
      <Coverage template={template} version={version} />
      {testing ? (
        <div className="grid-2">
          <ManualResultForm record={record} />
          <DeviationForm record={record} />
        </div>
      ) : null}
    </Page>
  );
}

function StageStrip({ record }: { readonly record: RecordView }) {
  return (
    <nav className="panel" aria-label="Promotion stages">
      <ol className="stage-strip" data-testid="stages">
        {stages(record).map((stage) => (
          <li key={stage.key} data-stage={stage.key} className={`stage stage-${stage.look.tone}`}>
            <strong>{stage.label}</strong>
            <LookBadge look={stage.look} />
            <span className="muted">{stage.detail}</span>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Blockers({ record }: { readonly record: RecordView }) {
  return (
    <section className="panel" aria-labelledby="vr-blockers">
      <h2 id="vr-blockers">What blocks the conclusion</h2>
      {record.status === "APPROVED" ? (
        <p className="state state-info">Concluded: the record is approved and frozen.</p>
      ) : record.conclusionBlockers.length === 0 ? (
        <p className="state state-info" data-testid="no-blockers">
          Nothing: a QA approver who neither authored the version nor tested it may conclude.
        </p>
      ) : (
        <ul className="blockers" data-testid="blockers">
          {record.conclusionBlockers.map((blocker) => (
            <li key={blocker}>{blocker}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Risk({ record }: { readonly record: RecordView }) {
  return (
    <section className="panel" aria-labelledby="vr-risk">
      <h2 id="vr-risk">Risk per operation</h2>
      <div className="table-scroll">
        <table data-testid="risk">
          <thead>
            <tr>
              <th scope="col">Operation</th>
              <th scope="col">Risk</th>
              <th scope="col">Rationale</th>
            </tr>
          </thead>
          <tbody>
            {record.risk.map((risk) => (
              <tr key={risk.operation}>
                <th scope="row">
                  <code>{risk.operation}</code>
                </th>
                <td>
                  <span className={`badge ${risk.level === "HIGH" ? "badge-warn" : "badge-muted"}`}>
                    {risk.level === "HIGH" ? "high" : "not high"}
                  </span>
                </td>
                <td>{risk.rationale}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TestCases({ record }: { readonly record: RecordView }) {
  const rows = testRows(record);
  return (
    <section className="panel" aria-labelledby="vr-tests">
      <h2 id="vr-tests">Test cases and their latest result</h2>
      <div className="table-scroll">
        <table data-testid="test-cases">
          <thead>
            <tr>
              <th scope="col">Test case</th>
              <th scope="col">What it shows</th>
              <th scope="col">Operation</th>
              <th scope="col">Latest result</th>
              <th scope="col">Actual result</th>
              <th scope="col">Executed by, at (UTC)</th>
              <th scope="col">Signature</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-test-case={row.id}>
                <th scope="row">
                  <code>{row.id}</code>
                </th>
                <td>{row.what}</td>
                <td>{row.operation ? <code>{row.operation}</code> : "—"}</td>
                <td data-testid="outcome">
                  <LookBadge look={outcomeLook(row.latest?.outcome ?? null)} />
                  {row.latest ? (
                    <span className="muted">
                      {" "}
                      {row.latest.kind.toLowerCase()}
                      {row.latest.reusedFrom ? ` from ${row.latest.reusedFrom}` : ""}
                    </span>
                  ) : null}
                </td>
                <td>
                  {row.latest ? (
                    <>
                      {row.latest.actual}
                      {Object.keys((row.latest.parameters as object | null) ?? {}).length ? (
                        <span className="muted"> · at {showValues(row.latest.parameters)}</span>
                      ) : null}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  {row.latest
                    ? `${row.latest.executedBy} · ${formatUtc(row.latest.executedAt)}`
                    : "—"}
                </td>
                <td data-testid="signature">
                  {row.latest?.signature ? (
                    <span className="mono">{row.latest.signature.manifestation}</span>
                  ) : row.latest ? (
                    <span className="muted">system record (no e-signature)</span>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Deviations({ record }: { readonly record: RecordView }) {
  return (
    <section className="panel" aria-labelledby="vr-deviations">
      <h2 id="vr-deviations">Deviations</h2>
      {record.deviations.length === 0 ? (
        <Empty>No deviation has been opened.</Empty>
      ) : (
        <div className="table-scroll">
          <table data-testid="deviations">
            <thead>
              <tr>
                <th scope="col">Deviation</th>
                <th scope="col">Status</th>
                <th scope="col">Title</th>
                <th scope="col">Test case</th>
                <th scope="col">Opened</th>
                <th scope="col">Resolution</th>
              </tr>
            </thead>
            <tbody>
              {record.deviations.map((deviation) => (
                <tr key={deviation.key} data-deviation={deviation.key}>
                  <th scope="row">{deviation.key}</th>
                  <td>
                    <LookBadge look={deviationLook(deviation.status)} />
                  </td>
                  <td>
                    {deviation.title}
                    <div className="muted">{deviation.description}</div>
                  </td>
                  <td>{deviation.testCase ? <code>{deviation.testCase}</code> : "—"}</td>
                  <td>
                    {deviation.openedBy} · {formatUtc(deviation.openedAt)}
                  </td>
                  <td>
                    {deviation.resolution
                      ? `${deviation.resolution} (${deviation.closedBy ?? "?"}${deviation.closedAt ? ` · ${formatUtc(deviation.closedAt)}` : ""})`
                      : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Coverage({ template, version }: { readonly template: string; readonly version: string }) {
  const query = useApiQuery(ValidationCoverageDocument, { template, version });
  return (
    <section className="panel" aria-labelledby="vr-coverage">
      <h2 id="vr-coverage">Coverage per site</h2>
      <p className="muted">
        Whether each site&apos;s effective definition of {version} lies inside the validated design
        space.
      </p>
      {query.isPending ? <Loading what="Computing the coverage" /> : null}
      {query.isError ? <ErrorMessage error={query.error} /> : null}
      {query.data && query.data.upgradeImpact.coverage.length === 0 ? (
        <Empty>No site you may see uses this template.</Empty>
      ) : null}
      {query.data?.upgradeImpact.coverage.length ? (
        <div className="table-scroll">
          <table data-testid="coverage">
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">Verdict</th>
                <th scope="col">What is not covered</th>
              </tr>
            </thead>
            <tbody>
              {query.data.upgradeImpact.coverage.map((site) => (
                <tr key={site.site} data-site={site.site}>
                  <th scope="row">
                    <code>{site.site}</code>
                  </th>
                  <td data-testid="verdict">
                    <LookBadge look={coverageLook(site.covered)} />
                    {site.covered === null ? <div className="muted">{site.verdict}</div> : null}
                  </td>
                  <td>
                    {site.reasons.length ? (
                      <ul className="reasons">
                        {site.reasons.map((reason) => (
                          <li key={reason}>{reason}</li>
                        ))}
                      </ul>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
