// /my-site/:site/:template — the overlay editor with validation as one types, the preview of
// the effective definition it gives and its diff against what runs now, propose, and the
// revision history with signatures.
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { parse, parseDocument, stringify } from "yaml";

import { isProblem } from "../../api/client";
import { useApiMutation, useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { Role } from "../../auth/roles";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading, ProblemMessage } from "../../components/States";
import { TextDiff } from "../../components/TextDiff";
import {
  MySiteEffectiveDocument,
  MySiteOverlaysDocument,
  MySiteProposeDocument,
} from "../../generated/graphql";
import type { MySiteOverlaysQuery, MySiteProposeMutation } from "../../generated/graphql";
import { shortHash, statusBadge, utc } from "./format";
import { OverlayEditor } from "./OverlayEditor";
import type { ValidationState } from "./OverlayEditor";
import { definitionText, previewDefinition } from "./preview";
import { useDebounced } from "../../components/useDebounced";

type Revision = MySiteOverlaysQuery["overlays"][number];

/** The text to start from: the newest revision as YAML, numbered as the next revision. */
function startingText(site: string, template: string, revisions: readonly Revision[]): string {
  const newest = revisions.reduce<Revision | undefined>(
    (best, revision) => (!best || revision.version > best.version ? revision : best),
    undefined,
  );
  if (!newest) {
    return stringify({
      apiVersion: "coe.dev/v1",
      kind: "SiteOverlay",
      metadata: { site, template, templateVersions: ">=1.0.0 <2.0.0", version: 1, reason: "" },
      spec: { set: {} },
    });
  }
  const document = structuredClone(newest.document) as Record<string, unknown>;
  const metadata = { ...(document.metadata as Record<string, unknown> | undefined) };
  metadata.version = newest.version + 1;
  document.metadata = metadata;
  return stringify(document, { lineWidth: 0 });
}

export function EditorPage() {
  const { site = "", template = "" } = useParams();
  const session = useSession();
  // Polled: a QA approver's signature shows in the history without a reload.
  const overlays = useApiQuery(MySiteOverlaysDocument, { site, template }, { poll: { every: 5000, upTo: 30_000 } });
  const title = `Overlay: ${template}`;
  const subtitle = (
    <>
      <Link to={`/my-site/${encodeURIComponent(site)}`}>{site}</Link> · {template}
    </>
  );
  if (overlays.isPending) return <Page title={title} subtitle={subtitle}><Loading what="Loading the overlay" /></Page>;
  if (overlays.error) return <Page title={title} subtitle={subtitle}><ErrorMessage error={overlays.error} /></Page>;
  const mayPropose =
    hasRole(session, Role.architect) || (hasRole(session, Role.siteAdmin) && session.sites.includes(site));
  return (
    <Page title={title} subtitle={subtitle}>
      <Editor site={site} template={template} data={overlays.data} mayPropose={mayPropose} />
    </Page>
  );
}

function Editor({
  site,
  template,
  data,
  mayPropose,
}: {
  readonly site: string;
  readonly template: string;
  readonly data: MySiteOverlaysQuery;
  readonly mayPropose: boolean;
}) {
  // The starting text is fixed for this page: refetched history must not reset the editor.
  const [initial, setInitial] = useState(() => startingText(site, template, data.overlays));
  const [text, setText] = useState(initial);
  const [validation, setValidation] = useState<ValidationState | undefined>();
  const debouncedText = useDebounced(text, 300);
  const live = data.ledger.find((entry) => entry.status === "live");
  const effective = useApiQuery(MySiteEffectiveDocument, { site, template, version: live?.version ?? null });
  const queryClient = useQueryClient();
  const propose = useApiMutation(MySiteProposeDocument);
  const [proposed, setProposed] = useState<MySiteProposeMutation["proposeOverlay"] | undefined>();

  const validated = validation?.text === text ? validation : undefined;
  const errors = validated?.violations.filter((violation) => violation.severity !== "WARNING") ?? [];

  const preview = useMemo((): { error: string } | { before: string; after: string } | undefined => {
    if (!effective.data) return undefined;
    let overlay: unknown;
    try {
      overlay = parse(debouncedText);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    const current = effective.data.effectiveDefinition.definition;
    return {
      before: definitionText(current),
      after: definitionText(previewDefinition(current, effective.data.templateVersion.document, overlay)),
    };
  }, [effective.data, debouncedText]);

  const parameters = effective.data?.templateVersion.parameters.filter((p) => p.siteConfigurable) ?? [];

  return (
    <>
      <section className="panel" aria-labelledby="editor-title">
        <h2 id="editor-title">Overlay</h2>
        <p className="muted">
          Runs now: {live ? `${template} ${live.version}` : "nothing yet"}
          {live ? <> · definition <code title={live.sha256}>{shortHash(live.sha256)}</code></> : null}
          . Validated against every published version in the overlay&apos;s range as you type.
        </p>
        <OverlayEditor initial={initial} onChange={setText} onValidated={setValidation} />
        <div className="violations-panel" aria-live="polite" aria-atomic="true">
          {validation?.error ? (
            <p className="state state-error" role="alert">Validation failed: {validation.error}</p>
          ) : !validated ? (
            <p className="state state-loading">Validating…</p>
          ) : validated.violations.length === 0 ? (
            <p className="state state-info" data-testid="valid">✓ Valid: no violations.</p>
          ) : (
            <>
              <h3 id="violations-title">
                {validated.violations.length} violation{validated.violations.length === 1 ? "" : "s"}
              </h3>
              <table aria-labelledby="violations-title" data-testid="violations">
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Path</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {validated.violations.map((violation, index) => (
                    <tr key={index}>
                      <td>
                        {violation.line === undefined
                          ? "—"
                          : `Line ${violation.line}${violation.exact ? "" : " (nearest parent)"}`}
                      </td>
                      <td><code>{violation.path || "/"}</code></td>
                      <td>
                        <span className={violation.severity === "WARNING" ? "badge badge-warn" : "badge badge-bad"}>
                          {violation.severity.toLowerCase()}
                        </span>
                      </td>
                      <td>{violation.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
        {mayPropose ? (
          <div className="propose">
            <button
              type="button"
              disabled={propose.isPending || !validated || errors.length > 0}
              onClick={() => {
                setProposed(undefined);
                propose.mutate(
                  { source: text },
                  {
                    onSuccess: (answer) => {
                      setProposed(answer.proposeOverlay);
                      const result = answer.proposeOverlay;
                      if (!isProblem(result) && result.outcome !== "unchanged") {
                        // The next change is the next revision: renumber the text (comments kept).
                        const next = parseDocument(text);
                        next.setIn(["metadata", "version"], result.overlay.version + 1);
                        const renumbered = next.toString({ lineWidth: 0 });
                        setInitial(renumbered);
                        setText(renumbered);
                      }
                      void queryClient.invalidateQueries({ queryKey: ["MySiteOverlays"] });
                      void queryClient.invalidateQueries({ queryKey: ["MySite"] });
                    },
                  },
                );
              }}
            >
              {propose.isPending ? "Proposing…" : "Propose"}
            </button>
            {errors.length > 0 ? <span className="muted"> Fix the violations to propose.</span> : null}
            {propose.error ? <ErrorMessage error={propose.error} /> : null}
            {proposed ? (
              isProblem(proposed) ? (
                <ProblemMessage problem={proposed} />
              ) : (
                <p className="state state-info" role="status" data-testid="proposed">
                  {proposed.outcome === "unchanged"
                    ? `Unchanged: revision ${proposed.overlay.version} already has this content`
                    : `Proposed revision ${proposed.overlay.version}`}{" "}
                  ({proposed.overlay.status.toLowerCase()}, content{" "}
                  <code title={proposed.overlay.contentSha256}>{shortHash(proposed.overlay.contentSha256)}</code>
                  ) — it awaits a QA approver&apos;s signature before it takes effect. The editor now holds
                  the next revision for further changes.
                </p>
              )
            ) : null}
          </div>
        ) : (
          <p className="muted">Only a site admin of {site} or a COE architect may propose.</p>
        )}
      </section>

      {parameters.length ? (
        <details className="panel">
          <summary>Parameters a site may set ({effective.data?.templateVersion.version})</summary>
          <table aria-label="Site-configurable parameters">
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
                <th scope="col">Bounds or values</th>
              </tr>
            </thead>
            <tbody>
              {parameters.map((parameter) => (
                <tr key={parameter.name}>
                  <th scope="row"><code>{parameter.name}</code></th>
                  <td>{parameter.type}</td>
                  <td>{JSON.stringify(parameter.default)} {parameter.unit ?? ""}</td>
                  <td>
                    {parameter.values?.length
                      ? parameter.values.join(", ")
                      : parameter.minimum !== null || parameter.maximum !== null
                        ? `${JSON.stringify(parameter.minimum) ?? "…"} – ${JSON.stringify(parameter.maximum) ?? "…"}`
                        : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}

      <section className="panel" aria-labelledby="preview-title">
        <h2 id="preview-title">Preview: effective definition against what runs now</h2>
        <p className="muted">
          Computed in the browser from {template} {effective.data?.templateVersion.version ?? ""} and this overlay
          (parameter values, data-collection limits, extension steps); the platform computes the exact definition and
          its hash when the revision is approved.
        </p>
        {effective.isPending ? <Loading what="Loading what runs now" /> : null}
        {effective.error ? <ErrorMessage error={effective.error} /> : null}
        {preview && "error" in preview ? (
          <p className="state state-error">The YAML does not parse: {preview.error}</p>
        ) : null}
        {preview && "before" in preview ? (
          <div data-testid="preview-diff">
            <TextDiff before={preview.before} after={preview.after} label="Effective definition changes" />
          </div>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">Revision history</h2>
        <History revisions={data.overlays} />
      </section>
    </>
  );
}

function History({ revisions }: { readonly revisions: readonly Revision[] }) {
  if (revisions.length === 0) return <Empty>No revision yet: propose the first one above.</Empty>;
  return (
    <table aria-labelledby="history-title" data-testid="history">
      <thead>
        <tr>
          <th scope="col">Revision</th>
          <th scope="col">Status</th>
          <th scope="col">Template versions</th>
          <th scope="col">Reason</th>
          <th scope="col">Proposed</th>
          <th scope="col">Signature</th>
        </tr>
      </thead>
      <tbody>
        {revisions.map((revision) => (
          <tr key={revision.version} data-revision={revision.version}>
            <th scope="row">{revision.version}</th>
            <td>
              <span className={statusBadge(revision.status)}>{revision.status.toLowerCase()}</span>
              {revision.status === "PROPOSED" ? <div className="muted">awaits QA signature</div> : null}
            </td>
            <td><code>{revision.templateVersions}</code></td>
            <td>{revision.reason ?? "—"}</td>
            <td>
              {revision.proposedBy}, {utc(revision.createdAt)}
              <div className="muted">
                content <code title={revision.contentSha256}>{shortHash(revision.contentSha256)}</code>
              </div>
            </td>
            <td>
              {revision.approval ? (
                <div className="manifestation">
                  <strong>{revision.approval.printedName}</strong>
                  <div>{utc(revision.approval.signedAt)}</div>
                  <div>Meaning: {revision.approval.meaning}</div>
                  {revision.approval.reason ? <div className="muted">Reason: {revision.approval.reason}</div> : null}
                </div>
              ) : revision.decidedAt ? (
                `decided ${utc(revision.decidedAt)}`
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
