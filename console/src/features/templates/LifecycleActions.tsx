// The lifecycle steps the signed-in user may take on a version, and only those: submit,
// approve (through the one SignatureDialog), return to draft, publish, deprecate, retire.
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { FormEvent } from "react";
import { stringify } from "yaml";

import { isProblem } from "../../api/client";
import { useApiMutation, useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { ReasonField } from "../../components/ReasonDialog";
import { SignatureDialog } from "../../components/signature/SignatureDialog";
import { ErrorMessage, ProblemMessage } from "../../components/States";
import type { ProblemView } from "../../components/States";
import {
  TemplatesApproveDocument,
  TemplatesDeprecateDocument,
  TemplatesPublishDocument,
  TemplatesRetireDocument,
  TemplatesReturnToDraftDocument,
  TemplatesSourceDocument,
  TemplatesSubmitDocument,
} from "../../generated/graphql";
import type { TemplateStatus } from "../../generated/graphql";
import { allowedActions } from "./model";
import type { LifecycleAction } from "./model";

interface Target {
  readonly key: string;
  readonly version: string;
  readonly status: TemplateStatus;
  readonly author: string;
  readonly title: string;
  readonly contentSha256: string;
  readonly document: unknown;
}

type ReasonAction = "returnToDraft" | "deprecate" | "retire";

const labels: Record<LifecycleAction, string> = {
  submit: "Submit for review",
  approve: "Approve (sign)",
  returnToDraft: "Return to draft",
  publish: "Publish",
  deprecate: "Deprecate",
  retire: "Retire",
};

const explanations: Record<LifecycleAction, string> = {
  submit: "Sends this draft to QA for review.",
  approve: "Signs this exact content with the meaning “approved”.",
  returnToDraft: "Sends it back to its author for changes.",
  publish: "Freezes this content and makes it the current version for rollouts.",
  deprecate: "No new rollouts of this version.",
  retire: "It may no longer run anywhere.",
};

/** A template document as the YAML an architect writes (what the diff compares). */
export function source(document: unknown): string {
  return stringify(document, { lineWidth: 0 });
}

export function LifecycleActions({
  template,
  predecessorVersion,
}: {
  readonly template: Target;
  readonly predecessorVersion: string | null;
}) {
  const session = useSession();
  const queries = useQueryClient();
  const [asking, setAsking] = useState<ReasonAction | null>(null);
  const [signing, setSigning] = useState(false);
  const [problem, setProblem] = useState<ProblemView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = useApiMutation(TemplatesSubmitDocument);
  const publish = useApiMutation(TemplatesPublishDocument);
  const approve = useApiMutation(TemplatesApproveDocument);
  const returnToDraft = useApiMutation(TemplatesReturnToDraftDocument);
  const deprecate = useApiMutation(TemplatesDeprecateDocument);
  const retire = useApiMutation(TemplatesRetireDocument);
  const previous = useApiQuery(
    TemplatesSourceDocument,
    { key: template.key, version: predecessorVersion ?? "" },
    { enabled: signing && !!predecessorVersion },
  );
  const actions = allowedActions(template.status, session, template.author);
  const ids = { key: template.key, version: template.version };
  const failure = [submit, publish, approve, returnToDraft, deprecate, retire].find(
    (mutation) => mutation.isError,
  )?.error;
  const busy = [submit, publish, returnToDraft, deprecate, retire].some(
    (mutation) => mutation.isPending,
  );

  /** After a step: its problem, or refresh everything that shows this version. */
  async function settle(
    answer: { readonly __typename: string } & Partial<ProblemView>,
    what: string,
  ): Promise<ProblemView | null> {
    if (isProblem(answer)) {
      const found = answer as unknown as ProblemView;
      return found;
    }
    setDone(what);
    await queries.invalidateQueries();
    return null;
  }

  async function run(action: "submit" | "publish") {
    setProblem(null);
    setDone(null);
    const mutation = action === "submit" ? submit : publish;
    const { result } = await mutation.mutateAsync(ids);
    setProblem(await settle(result, action === "submit" ? "Submitted for review." : "Published."));
  }

  async function runWithReason(action: ReasonAction, reason: string) {
    setProblem(null);
    setDone(null);
    const mutation =
      action === "returnToDraft" ? returnToDraft : action === "deprecate" ? deprecate : retire;
    const { result } = await mutation.mutateAsync({ ...ids, reason });
    const found = await settle(result, `${labels[action]}: done.`);
    setProblem(found);
    if (!found) setAsking(null);
  }

  if (actions.length === 0) {
    return <p className="muted">No lifecycle step is open to you on this version.</p>;
  }
  return (
    <div className="lifecycle">
      <ul className="lifecycle-actions">
        {actions.map((action) => (
          <li key={action}>
            <button
              type="button"
              className={
                action === "retire" || action === "deprecate" ? "button-danger" : undefined
              }
              disabled={busy}
              onClick={() => {
                setProblem(null);
                setDone(null);
                if (action === "approve") setSigning(true);
                else if (action === "submit" || action === "publish")
                  void run(action).catch(() => undefined);
                else setAsking(action);
              }}
            >
              {labels[action]}
            </button>{" "}
            <span className="muted">{explanations[action]}</span>
          </li>
        ))}
      </ul>
      {asking ? (
        <ReasonForm
          action={asking}
          busy={busy}
          onCancel={() => setAsking(null)}
          onConfirm={(reason) => void runWithReason(asking, reason).catch(() => undefined)}
        />
      ) : null}
      {problem ? <ProblemMessage problem={problem} /> : null}
      {failure ? <ErrorMessage error={failure} /> : null}
      {done ? (
        <p className="state state-info" role="status">
          {done}
        </p>
      ) : null}
      {signing ? (
        <SignatureDialog
          target={{
            entityType: "template_version",
            entityId: `${template.key}@${template.version}`,
            label: `Template ${template.key} ${template.version} — ${template.title}`,
            meaning: "approved",
            contentSha256: template.contentSha256,
            diff: previous.data
              ? {
                  before: source(previous.data.templateVersion.document),
                  after: source(template.document),
                }
              : null,
            details: predecessorVersion ? (
              <p className="muted">
                {previous.data
                  ? `Changes against ${predecessorVersion}:`
                  : previous.isError
                    ? `The source of ${predecessorVersion} could not be loaded.`
                    : `Loading ${predecessorVersion} for the diff…`}
              </p>
            ) : (
              <p className="muted">The first version of this template: nothing to compare.</p>
            ),
          }}
          onSign={async (signature) => {
            const { result } = await approve.mutateAsync({ ...ids, signature });
            if (isProblem(result)) return result;
            return null;
          }}
          onClose={(signed) => {
            setSigning(false);
            if (signed) {
              setDone("Approved.");
              void queries.invalidateQueries();
            }
          }}
        />
      ) : null}
    </div>
  );
}

function ReasonForm({
  action,
  busy,
  onCancel,
  onConfirm,
}: {
  readonly action: ReasonAction;
  readonly busy: boolean;
  readonly onCancel: () => void;
  readonly onConfirm: (reason: string) => void;
}) {
  const [reason, setReason] = useState("");
  const id = useId();
  function confirm(event: FormEvent) {
    event.preventDefault();
    if (reason.trim()) onConfirm(reason.trim());
  }
  return (
    <form className="reason-form" onSubmit={confirm} aria-labelledby={id}>
      <h3 id={id}>{labels[action]}</h3>
      <ReasonField value={reason} onChange={setReason} />
      <div className="page-actions">
        <button type="submit" disabled={busy || !reason.trim()}>
          Confirm: {labels[action].toLowerCase()}
        </button>
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
