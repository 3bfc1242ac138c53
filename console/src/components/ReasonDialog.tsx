// The one modal that asks why: a title, what the step does, a reason (required or optional),
// any extra fields the caller adds, the API's problem or the request's failure, the submit
// button and Cancel. Used by the inbox (reject, return to draft) and the rollout controls.
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent, ReactNode, RefObject } from "react";

import { ProblemMessage } from "./States";
import type { ProblemView } from "./States";

/** A native <dialog> shown as a modal once mounted; close it through the returned ref. */
export function useModalDialog(): RefObject<HTMLDialogElement | null> {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  return dialog;
}

/** What a step answered when it did not happen: the API's problem, or the request's failure. */
export function ProblemLine({
  problem,
  failure,
}: {
  readonly problem: ProblemView | null;
  readonly failure: string | null;
}) {
  return (
    <>
      {problem ? <ProblemMessage problem={problem} /> : null}
      {failure ? (
        <p className="state state-error" role="alert">
          {failure}
        </p>
      ) : null}
    </>
  );
}

/** The reason field: a labelled textarea, "Reason" or "Reason (optional)". */
export function ReasonField({
  value,
  onChange,
  required = true,
}: {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly required?: boolean;
}) {
  return (
    <label>
      Reason{required ? "" : " (optional)"}
      <textarea
        name="reason"
        rows={2}
        required={required}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

export function ReasonDialog({
  title,
  details,
  submitLabel,
  reasonRequired = true,
  danger = false,
  className = "signature-dialog",
  children,
  onSubmit,
  onClose,
}: {
  /** The heading, which also names the dialog. */
  readonly title: string;
  /** What the step does, shown above the reason. */
  readonly details?: ReactNode;
  /** The submit button's words. */
  readonly submitLabel: string;
  readonly reasonRequired?: boolean;
  readonly danger?: boolean;
  readonly className?: string;
  /** Extra fields, after the reason (e.g. the rollback choice). */
  readonly children?: ReactNode;
  /** Run the step with the trimmed reason; answer its problem, or null when done (closes). */
  readonly onSubmit: (reason: string) => Promise<ProblemView | null>;
  /** The dialog closed: done, cancelled or dismissed with Escape. */
  readonly onClose: () => void;
}) {
  const dialog = useModalDialog();
  const titleId = useId();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ProblemView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setFailure(null);
    try {
      const answer = await onSubmit(reason.trim());
      if (answer) setProblem(answer);
      else dialog.current?.close();
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} aria-labelledby={titleId} onClose={onClose} className={className}>
      <h2 id={titleId}>{title}</h2>
      <form onSubmit={(event) => void submit(event)}>
        {details}
        <ReasonField value={reason} onChange={setReason} required={reasonRequired} />
        {children}
        <ProblemLine problem={problem} failure={failure} />
        <div className="page-actions">
          <button
            type="submit"
            className={danger ? "button-danger" : undefined}
            disabled={busy || (reasonRequired && !reason.trim())}
          >
            {busy ? "Sending…" : submitLabel}
          </button>
          <button type="button" className="button-quiet" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
