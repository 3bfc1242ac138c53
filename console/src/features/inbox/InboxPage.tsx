// QA — Awaiting my signature: one inbox of everything waiting for this user (template versions
// in review, overlay revisions, rollout gates, transfer approvals). Each item opens the one
// SignatureDialog with what is signed; overlays and templates can also be sent back.
import { useId, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";

import { isProblem, request } from "../../api/client";
import type { ProblemTypename } from "../../api/client";
import { useApiMutation, useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { Page } from "../../components/Page";
import { ReasonDialog, useModalDialog } from "../../components/ReasonDialog";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import type { ProblemView } from "../../components/States";
import { SignatureDialog, formatUtc } from "../../components/signature/SignatureDialog";
import type { Signature, SignTarget } from "../../components/signature/SignatureDialog";
import {
  InboxApproveOverlayDocument,
  InboxApproveRolloutGateDocument,
  InboxApproveTemplateDocument,
  InboxApproveTransferDocument,
  InboxRejectOverlayDocument,
  InboxReturnTemplateDocument,
  InboxTemplateDocumentDocument,
  InboxWaitingDocument,
  SignaturesOfDocument,
} from "../../generated/graphql";
import type { SignerInput } from "../../generated/graphql";
import { inboxItems, kindLabels, prettyJson } from "./items";
import type { GateItem, InboxItem, OverlayItem, TemplateItem, TransferItem } from "./items";

export function InboxPage() {
  const session = useSession();
  const waiting = useApiQuery(InboxWaitingDocument, {}, { poll: { every: 5000, upTo: 30_000 } });
  const [signing, setSigning] = useState<InboxItem | null>(null);
  const [sendingBack, setSendingBack] = useState<OverlayItem | TemplateItem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const items = useMemo(
    () => (waiting.data ? inboxItems(waiting.data, session) : []),
    [waiting.data, session],
  );

  function finished(message: string | null) {
    setSigning(null);
    setSendingBack(null);
    if (message) setDone(message);
    void waiting.refetch();
  }

  return (
    <Page
      title="Awaiting my signature"
      subtitle="Everything waiting for your e-signature: template versions in review, overlay revisions, rollout gates and transfer approvals."
    >
      <p className="inbox-status" role="status" data-testid="inbox-done">
        {done}
      </p>
      {waiting.isPending ? (
        <Loading what="Loading what waits for you" />
      ) : waiting.error ? (
        <ErrorMessage error={waiting.error} />
      ) : items.length === 0 ? (
        <Empty>Nothing waits for your signature.</Empty>
      ) : (
        <table className="table inbox-table" data-testid="inbox-items">
          <caption>
            {items.length} {items.length === 1 ? "item waits" : "items wait"} for your signature
          </caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">What</th>
              <th scope="col">Site</th>
              <th scope="col">Waiting since (UTC)</th>
              <th scope="col">Requested by</th>
              <th scope="col">
                <span className="inbox-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr
                key={item.key}
                data-testid="inbox-item"
                data-entity={`${item.entityType} ${item.entityId}`}
              >
                <td>{kindLabels[item.kind]}</td>
                <th scope="row">{item.what}</th>
                <td>{item.sites.length ? item.sites.join(", ") : "enterprise"}</td>
                <td>
                  <time dateTime={item.since}>{formatUtc(item.since)}</time>
                </td>
                <td>{item.by}</td>
                <td>
                  <div className="inbox-actions">
                    <button
                      type="button"
                      onClick={() => setSigning(item)}
                      aria-label={`Review and sign: ${item.what}`}
                    >
                      Review and sign
                    </button>
                    {item.kind === "overlay" || item.kind === "template" ? (
                      <button
                        type="button"
                        className="button-quiet"
                        onClick={() => setSendingBack(item)}
                        aria-label={`${item.kind === "overlay" ? "Reject" : "Return to draft"}: ${item.what}`}
                      >
                        {item.kind === "overlay" ? "Reject" : "Return to draft"}
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {signing ? (
        <SignItem
          item={signing}
          onClose={(signed) =>
            finished(signed ? `Signed ${signing.what}: ${signed.manifestation}` : null)
          }
        />
      ) : null}
      {sendingBack ? (
        <SendBack item={sendingBack} onClose={(message) => finished(message)} />
      ) : null}
    </Page>
  );
}

type Sign = (signer: SignerInput) => Promise<ProblemView | null>;

function SignItem({
  item,
  onClose,
}: {
  readonly item: InboxItem;
  readonly onClose: (signed: Signature | null) => void;
}) {
  switch (item.kind) {
    case "template":
      return <SignTemplate item={item} onClose={onClose} />;
    case "overlay":
      return <SignOverlay item={item} onClose={onClose} />;
    case "gate":
      return <SignGate item={item} onClose={onClose} />;
    case "transfer":
      return <SignTransfer item={item} onClose={onClose} />;
  }
}

function targetOf(item: InboxItem, extra: Partial<SignTarget> = {}): SignTarget {
  return {
    entityType: item.entityType,
    entityId: item.entityId,
    label: item.what,
    meaning: item.meaning,
    contentSha256: item.contentSha256,
    ...extra,
  };
}

/** A mutation's result union as the dialog wants it: the problem, or null when it signed. */
function problemOf<T extends { readonly __typename: string }>(
  answer: T,
): Extract<T, { readonly __typename: ProblemTypename }> | null {
  return isProblem(answer) ? answer : null;
}

function SignOverlay({
  item,
  onClose,
}: {
  readonly item: OverlayItem;
  readonly onClose: (signed: Signature | null) => void;
}) {
  const approve = useApiMutation(InboxApproveOverlayDocument);
  const { revision, current } = item;
  const sign: Sign = async (signature) => {
    const answer = await approve.mutateAsync({
      site: revision.site,
      template: revision.template,
      version: revision.version,
      signature,
    });
    return problemOf(answer.approveOverlay);
  };
  const details = (
    <p className="inbox-details">
      For template versions <code>{revision.templateVersions}</code>, proposed by{" "}
      {revision.proposedBy}
      {revision.reason ? <> — “{revision.reason}”</> : null}.{" "}
      {current
        ? `Changes against revision ${current.version}, in effect now:`
        : "No revision is in effect at this site yet:"}
    </p>
  );
  return (
    <SignatureDialog
      target={targetOf(item, {
        details,
        diff: {
          before: current ? prettyJson(current.document) : "",
          after: prettyJson(revision.document),
        },
      })}
      onSign={sign}
      onClose={onClose}
    />
  );
}

function SignTemplate({
  item,
  onClose,
}: {
  readonly item: TemplateItem;
  readonly onClose: (signed: Signature | null) => void;
}) {
  const approve = useApiMutation(InboxApproveTemplateDocument);
  const { key, version } = item.version;
  const mine = useApiQuery(InboxTemplateDocumentDocument, { key, version });
  const previous = useApiQuery(
    InboxTemplateDocumentDocument,
    { key, version: item.predecessor ?? "" },
    { enabled: item.predecessor !== null },
  );
  const sign: Sign = async (signature) => {
    const answer = await approve.mutateAsync({ key, version, signature });
    return problemOf(answer.approveTemplate);
  };
  const loading = mine.isPending || (item.predecessor !== null && previous.isPending);
  const error = mine.error ?? previous.error;
  if (loading || error) {
    return (
      <WaitDialog title={`Sign: ${item.what}`} onClose={() => onClose(null)}>
        {error ? <ErrorMessage error={error} /> : <Loading what="Loading the version to sign" />}
      </WaitDialog>
    );
  }
  const details = (
    <p className="inbox-details">
      Written by {item.version.author}
      {item.version.changeSummary ? <> — “{item.version.changeSummary}”</> : null}.{" "}
      {item.predecessor
        ? `Changes against ${item.predecessor}, the newest published version before it:`
        : "No published version precedes it: the whole document."}
    </p>
  );
  return (
    <SignatureDialog
      target={targetOf(item, {
        contentSha256: mine.data?.templateVersion.contentSha256 ?? item.contentSha256,
        details,
        diff: {
          before: previous.data ? prettyJson(previous.data.templateVersion.document) : "",
          after: prettyJson(mine.data?.templateVersion.document),
        },
      })}
      onSign={sign}
      onClose={onClose}
    />
  );
}

/** The workflow keeps a gate's or transfer's signature just after accepting it: wait for it. */
function useSignatureStored(item: InboxItem) {
  const session = useSession();
  return async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const answer = await request(
        SignaturesOfDocument,
        { entityType: item.entityType, entityId: item.entityId },
        session.token,
      );
      if (answer.signatures.some((signature) => signature.signerId === session.subject)) return;
      await new Promise((resolve) => window.setTimeout(resolve, 250 * Math.min(4, attempt + 1)));
    }
  };
}

function SignGate({
  item,
  onClose,
}: {
  readonly item: GateItem;
  readonly onClose: (signed: Signature | null) => void;
}) {
  const approve = useApiMutation(InboxApproveRolloutGateDocument);
  const stored = useSignatureStored(item);
  const sign: Sign = async (signature) => {
    const answer = await approve.mutateAsync({ id: item.rollout.id, wave: item.wave, signature });
    const problem = problemOf(answer.approveRolloutGate);
    if (!problem) await stored();
    return problem;
  };
  const details = (
    <p className="inbox-details">
      Rollout <code>{item.rollout.id}</code> waits for an approval by {item.role} before it goes on
      after wave <strong>{item.wave}</strong> (sites: {item.sites.join(", ") || "none visible"}
      ). {item.rollout.reason} It rolls out {item.rollout.template} {item.rollout.version}, sha256{" "}
      <code className="inbox-hash">{item.rollout.templateSha256}</code>.
    </p>
  );
  return <SignatureDialog target={targetOf(item, { details })} onSign={sign} onClose={onClose} />;
}

function SignTransfer({
  item,
  onClose,
}: {
  readonly item: TransferItem;
  readonly onClose: (signed: Signature | null) => void;
}) {
  const approve = useApiMutation(InboxApproveTransferDocument);
  const stored = useSignatureStored(item);
  const sign: Sign = async (signature) => {
    const answer = await approve.mutateAsync({ id: item.transfer.id, side: item.side, signature });
    const problem = problemOf(answer.approveTransfer);
    if (!problem) await stored();
    return problem;
  };
  const { transfer } = item;
  const details = (
    <p className="inbox-details">
      Transfer <code>{transfer.id}</code> of {transfer.template} {transfer.version} from{" "}
      {transfer.source} to {transfer.target}: you sign for the <strong>{item.side}</strong> (
      {item.sites.join(", ")}).
      {item.side === "target" && transfer.overlayVersion !== null
        ? ` Your signature also approves the target's overlay revision ${transfer.overlayVersion}.`
        : ""}{" "}
      {transfer.reason}
    </p>
  );
  return <SignatureDialog target={targetOf(item, { details })} onSign={sign} onClose={onClose} />;
}

/** A modal that only waits (loading what the signature dialog will show, or its error). */
function WaitDialog({
  title,
  onClose,
  children,
}: {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
}) {
  const dialog = useModalDialog();
  const titleId = useId();
  return (
    <dialog ref={dialog} aria-labelledby={titleId} className="signature-dialog" onClose={onClose}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="page-actions">
        <button type="button" className="button-quiet" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** Reject an overlay revision, or return a template version to draft, with a reason. */
function SendBack({
  item,
  onClose,
}: {
  readonly item: OverlayItem | TemplateItem;
  readonly onClose: (message: string | null) => void;
}) {
  const reject = useApiMutation(InboxRejectOverlayDocument);
  const back = useApiMutation(InboxReturnTemplateDocument);
  const result = useRef<string | null>(null);
  const verb = item.kind === "overlay" ? "Reject" : "Return to draft";

  async function send(reason: string): Promise<ProblemView | null> {
    const answer =
      item.kind === "overlay"
        ? (
            await reject.mutateAsync({
              site: item.revision.site,
              template: item.revision.template,
              version: item.revision.version,
              reason,
            })
          ).rejectOverlay
        : (
            await back.mutateAsync({
              key: item.version.key,
              version: item.version.version,
              reason,
            })
          ).returnTemplateToDraft;
    const found = problemOf(answer);
    if (found) return found;
    result.current =
      item.kind === "overlay" ? `Rejected ${item.what}.` : `Returned ${item.what} to draft.`;
    return null;
  }

  return (
    <ReasonDialog
      title={`${verb}: ${item.what}`}
      details={
        <p>
          {item.kind === "overlay"
            ? "The revision stays in the site's history as rejected; the site keeps what is in effect now."
            : "The version goes back to its author as a draft."}
        </p>
      }
      submitLabel={verb}
      onSubmit={send}
      onClose={() => onClose(result.current)}
    />
  );
}
