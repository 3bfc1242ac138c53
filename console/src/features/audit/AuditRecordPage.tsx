// One audit record (/audit/:seq): what changed as a diff of before/after, who and why, the
// request that made it, its e-signature's manifestation, its place in the hash chain.
import { Link, useParams, useSearchParams } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { TextDiff } from "../../components/TextDiff";
import { formatUtc } from "../../components/signature/SignatureDialog";
import { GraphQLRequestError } from "../../api/client";
import {
  AuditRecordDocument,
  SignaturesOfDocument,
} from "../../generated/graphql";
import type { AuditRecordFieldsFragment } from "../../generated/graphql";
import { ChainStatus } from "./ChainStatus";
import { prettyJson } from "./search";

type AuditRecord = AuditRecordFieldsFragment;

export function AuditRecordPage() {
  const { seq: raw = "" } = useParams();
  const [params] = useSearchParams();
  const session = useSession();
  const seq = /^\d+$/.test(raw) ? Number(raw) : null;
  const found = useApiQuery(
    AuditRecordDocument,
    { seq: seq ?? 0 },
    { enabled: seq !== null },
  );
  const back = `/audit${params.toString() ? `?${params.toString()}` : ""}`;
  const record = found.data?.auditRecord;
  const missing =
    found.error instanceof GraphQLRequestError &&
    found.error.code === "NOT_FOUND";

  return (
    <Page
      title={seq === null ? "Audit record" : `Audit record ${seq}`}
      subtitle={<Link to={back}>← Back to the search</Link>}
    >
      {seq === null ? (
        <Empty>“{raw}” is not a record number.</Empty>
      ) : found.isPending ? (
        <Loading what="Loading the record" />
      ) : missing || !record ? (
        found.error && !missing ? (
          <ErrorMessage error={found.error} />
        ) : (
          <Empty>No audit record {seq} that you may see.</Empty>
        )
      ) : (
        <RecordView record={record} />
      )}
      {hasRole(session, "auditor") ? (
        <ChainStatus seq={seq ?? undefined} />
      ) : null}
    </Page>
  );
}

function RecordView({ record }: { readonly record: AuditRecord }) {
  return (
    <>
      <dl className="facts audit-facts" data-testid="audit-facts">
        <dt>When</dt>
        <dd>
          <time dateTime={record.occurredAt}>
            {formatUtc(record.occurredAt)}
          </time>
        </dd>
        <dt>Actor</dt>
        <dd data-testid="record-actor">{record.actor}</dd>
        <dt>Action</dt>
        <dd>
          <code data-testid="record-action">{record.action}</code>
        </dd>
        <dt>Entity</dt>
        <dd>
          <code data-testid="record-entity">
            {record.entityType} {record.entityId}
          </code>
        </dd>
        <dt>Site</dt>
        <dd>{record.site ?? "—"}</dd>
        <dt>Reason</dt>
        <dd data-testid="record-reason">{record.reason ?? "—"}</dd>
        <dt>Request id</dt>
        <dd>
          <code data-testid="record-request-id">{record.requestId ?? "—"}</code>
        </dd>
        <dt>Hash</dt>
        <dd>
          <code className="audit-hash" data-testid="record-hash">
            {record.hash}
          </code>
        </dd>
        <dt>Previous hash</dt>
        <dd>
          <code className="audit-hash">{record.prevHash}</code>
        </dd>
      </dl>
      <h2>Before and after</h2>
      {record.before == null && record.after == null ? (
        <Empty>This record keeps no values.</Empty>
      ) : (
        <TextDiff
          before={prettyJson(record.before)}
          after={prettyJson(record.after)}
          label="Before and after"
        />
      )}
      <h2>Signature</h2>
      {record.signatureId ? (
        <SignatureOf record={record} signatureId={record.signatureId} />
      ) : (
        <Empty>No e-signature is linked to this record.</Empty>
      )}
    </>
  );
}

function SignatureOf({
  record,
  signatureId,
}: {
  readonly record: AuditRecord;
  readonly signatureId: string;
}) {
  const signatures = useApiQuery(SignaturesOfDocument, {
    entityType: record.entityType,
    entityId: record.entityId,
  });
  if (signatures.isPending) return <Loading what="Loading the signature" />;
  if (signatures.error) return <ErrorMessage error={signatures.error} />;
  const signature = signatures.data.signatures.find(
    (s) => s.id === signatureId,
  );
  if (!signature) {
    return (
      <Empty>
        Signature <code>{signatureId}</code> is not among the signatures of this
        record that you may see.
      </Empty>
    );
  }
  return (
    <div className="panel manifestation" data-testid="record-signature">
      <p>
        <strong data-testid="signature-name">{signature.printedName}</strong> ·{" "}
        <span data-testid="signature-time">
          {formatUtc(signature.signedAt)}
        </span>{" "}
        · <strong data-testid="signature-meaning">{signature.meaning}</strong>
      </p>
      <dl className="facts">
        <dt>Signer</dt>
        <dd>{signature.signerId}</dd>
        <dt>Reason</dt>
        <dd>{signature.reason}</dd>
        <dt>Content sha256</dt>
        <dd>
          <code className="audit-hash">{signature.contentSha256}</code>
        </dd>
        <dt>Manifestation</dt>
        <dd className="mono" data-testid="signature-manifestation">
          {signature.manifestation}
        </dd>
        <dt>Signature id</dt>
        <dd>
          <code>{signature.id}</code>
        </dd>
      </dl>
    </div>
  );
}
